# The two commands a newcomer needs are `make run` and `make test`; each creates .venv
# with the pinned requirements on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The SAM CLI pins older boto3 and pydantic than our runtime: it gets its own environment.
SAM_VENV := .venv-sam
SAM_INSTALLED := $(SAM_VENV)/.installed
SAM_ENV := AWS_DEFAULT_REGION=us-east-1 SAM_CLI_TELEMETRY=0
# `sam build` needs the functions' runtime on PATH (or Docker: `sam build --use-container`):
# the first python3.13 that runs, else pyenv's. tests/template/test_sam_build.py looks alike.
PYTHON313 ?= $(shell for candidate in python3.13 $(HOME)/.pyenv/versions/3.13*/bin/python3.13; do \
	"$$candidate" -c "" 2>/dev/null && { command -v "$$candidate"; break; }; done)
ENV ?= dev

.PHONY: run install test lint typecheck template-check pytest reliability bench schemas events clean \
	build deploy

install: $(INSTALLED) $(SAM_INSTALLED)

$(INSTALLED): requirements-dev.txt layers/shared/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(SAM_INSTALLED): requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

## The receiver on this machine: moto's server, the API and the consumers (docs/LOCAL.md).
run: $(INSTALLED)
	$(BIN)/tilte-webhooks serve

## Every check CI runs: lint, types, the template, then the tests.
test: lint typecheck template-check pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

template-check: $(SAM_INSTALLED)
	$(SAM_ENV) $(SAM_VENV)/bin/sam validate --lint --language-extensions --template template.yaml
	$(SAM_VENV)/bin/cfn-lint template.yaml

# The template tests translate template.yaml with the SAM CLI's own code, in its environment.
pytest: $(INSTALLED) $(SAM_INSTALLED)
	$(BIN)/pytest

## The functions and the layer as `sam deploy` uploads them (.aws-sam/build): python3.13, arm64.
build: $(SAM_INSTALLED)
	@test -n "$(PYTHON313)" || { echo "make build needs python3.13 on PATH, or run: sam build --use-container"; exit 1; }
	PATH="$(dir $(PYTHON313)):$$PATH" $(SAM_ENV) $(SAM_VENV)/bin/sam build

## Build, then deploy samconfig.toml's ENV (dev, or ENV=prod); DEPLOY_ARGS adds sam deploy options.
deploy: build
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam deploy --config-env $(ENV) $(DEPLOY_ARGS)

## Every reliability scenario at full size (hostile input, load, faults); writes docs/RELIABILITY.md.
reliability: $(INSTALLED)
	$(BIN)/python -m reliability

## Every benchmark at full size (compute, cold start, latency, cost); writes docs/PERFORMANCE.md.
## make test runs each in its quick form (tests/bench/).
bench: $(INSTALLED)
	$(BIN)/python -m bench

## Regenerate the committed JSON Schemas of the queue messages (tests fail when they are stale).
schemas: $(INSTALLED)
	$(BIN)/tilte-webhooks schemas schemas/messages

## Regenerate events/api/ (API Gateway events) from events/payloads/ (tests fail when stale).
events: $(INSTALLED)
	$(BIN)/tilte-webhooks api-events events/api

clean:
	rm -rf $(VENV) $(SAM_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
