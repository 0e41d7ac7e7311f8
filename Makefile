# The two commands a newcomer needs are `make run` and `make test`; each creates .venv
# with the pinned requirements on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install test lint typecheck template-check pytest schemas clean

install: $(INSTALLED)

$(INSTALLED): requirements-dev.txt layers/shared/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

## Every check CI runs: lint, types, the template, then the tests.
test: lint typecheck template-check pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

template-check: $(INSTALLED)
	$(BIN)/cfn-lint template.yaml

pytest: $(INSTALLED)
	$(BIN)/pytest

## Regenerate the committed JSON Schemas of the queue messages (tests fail when they are stale).
schemas: $(INSTALLED)
	$(BIN)/tilte-webhooks schemas schemas/messages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
