"""template.yaml three ways: as written, as our expander sees it, and as the SAM CLI does.

The SAM CLI's view comes from tests/support/translate_template.py, run once per session with
.venv-sam's Python: aws-sam-translator pins an older pydantic than ours, so it cannot be
imported here.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tilte_cli.cloudformation import _TemplateLoader, load_template

ROOT = Path(__file__).resolve().parents[2]
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
TRANSLATE = ROOT / "tests" / "support" / "translate_template.py"
TEMPLATE = ROOT / "template.yaml"


@pytest.fixture(scope="session")
def sam_templates() -> dict[str, Any]:
    """``{"expanded": ..., "translated": ...}`` as printed by the translate script."""
    if not SAM_PYTHON.exists():
        pytest.fail(
            f"{SAM_PYTHON.relative_to(ROOT)} is missing: run `make install` to create the SAM "
            "CLI's environment, which the template tests need",
            pytrace=False,
        )
    done = subprocess.run(
        [str(SAM_PYTHON), str(TRANSLATE), str(TEMPLATE)],
        cwd=ROOT,
        env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "SAM_CLI_TELEMETRY": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"{TRANSLATE.relative_to(ROOT)} failed (exit {done.returncode}):\n{done.stderr}",
            pytrace=False,
        )
    templates: dict[str, Any] = json.loads(done.stdout)
    return templates


@pytest.fixture(scope="session")
def translated(sam_templates: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation template after the SAM transform (parameters resolved to defaults)."""
    template: dict[str, Any] = sam_templates["translated"]
    return template


@pytest.fixture(scope="session")
def expanded(sam_templates: dict[str, Any]) -> dict[str, Any]:
    """template.yaml after the SAM CLI's AWS::LanguageExtensions pass."""
    template: dict[str, Any] = sam_templates["expanded"]
    return template


@pytest.fixture(scope="session")
def ours() -> dict[str, Any]:
    """template.yaml with its Fn::ForEach loops expanded by tilte_cli.cloudformation."""
    return load_template(TEMPLATE)


@pytest.fixture(scope="session")
def raw() -> dict[str, Any]:
    """template.yaml as written: short forms in long form, Fn::ForEach loops not expanded."""
    with TEMPLATE.open(encoding="utf-8") as stream:
        template: dict[str, Any] = yaml.load(stream, Loader=_TemplateLoader)
    return template
