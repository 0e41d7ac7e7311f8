"""``sam build`` as ``make build`` runs it, and what it produces: the artefacts ``sam deploy``
uploads, checked before any deployment.

``sam build`` needs the functions' interpreter, python3.13, and builds for their architecture,
arm64: the layer holds aarch64 wheels (pydantic_core's compiled module), which cannot load on
an x86_64 machine. So the checks are, honestly:

- the layer holds exactly the pinned distributions, each compiled module built for CPython
  3.13 on aarch64, and our package byte for byte, every module with its python3.13 bytecode
  (layers/shared/Makefile); each function holds its handler only;
- the handlers import and run from the built layer under python3.13, with each distribution
  whose wheel is not for this machine (here pydantic_core) swapped for the same version's
  wheel for this machine, and boto3 at the pins the Lambda runtime stands in for. Everything
  else that runs is the very tree ``sam build`` wrote.

Skipped when no python3.13 is found (``make build`` looks for it the same way). pip fetches
from its configured index, as ``sam build`` itself does.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.payloads import API_EVENTS, payload_path
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

ROOT = Path(__file__).resolve().parents[2]
SAM = ROOT / ".venv-sam" / "bin" / "sam"
LAYER_SOURCE = ROOT / "layers" / "shared"
RUNTIME_SDK = ("boto3", "botocore", "s3transfer", "python-dateutil", "six", "urllib3")
"""What the Lambda runtime provides beside the layer, at the pins of requirements-dev.txt."""
FUNCTIONS = {
    "IngestFunction": "ingest_handler.py",
    "SubscribersFunction": "consumer_handler.py",
    "SuppressionsFunction": "consumer_handler.py",
    "EngagementFunction": "consumer_handler.py",
    "CampaignsFunction": "consumer_handler.py",
}
ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}
CHECK = """
import json, sys
from pathlib import Path
sys.path[:0] = sys.argv[1:]
import ingest_handler, consumer_handler
from tilte_webhooks.consumer import plan_message
from tilte_webhooks.ingest import notification_messages
import pydantic_core

answer = ingest_handler.lambda_handler(json.loads(Path(EVENT).read_text()), Context())
kind, messages = notification_messages(Path(PAYLOAD).read_bytes(), None, max_body_bytes=5242880)
plan = plan_message(messages[0].to_json(), {"subscribers": "table"})
print(json.dumps({
    "status": answer["statusCode"],
    "events": [kind, len(messages), [step.purpose for step in plan.steps]],
    "modules": {name: sys.modules[name].__file__ for name in [
        "ingest_handler", "consumer_handler", "tilte_webhooks", "pydantic", "pydantic_core",
        "aws_lambda_powertools", "defusedxml", "boto3"]},
}))
"""
CONTEXT = """
class Context:
    function_name = "IngestFunction"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:IngestFunction"
    aws_request_id = "check"
"""


def python313() -> Path | None:
    """The first python3.13 that runs: on PATH, else one pyenv installed."""
    found = shutil.which("python3.13")
    candidates = [Path(found)] if found else []
    candidates += sorted(Path.home().glob(".pyenv/versions/3.13*/bin/python3.13"))
    for candidate in candidates:
        if subprocess.run([candidate, "-c", ""], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def pins(path: Path) -> dict[str, str]:
    """Normalized name -> version of every ``name==version`` line."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            found[_normalized(name)] = version.strip()
    return found


def _normalized(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def distributions(site: Path) -> dict[str, tuple[str, list[str]]]:
    """Normalized name -> (version, wheel tags) of every distribution installed in ``site``."""
    found = {}
    for info in site.glob("*.dist-info"):
        metadata = (info / "METADATA").read_text(encoding="utf-8").splitlines()
        name = next(line.split(": ", 1)[1] for line in metadata if line.startswith("Name: "))
        version = next(line.split(": ", 1)[1] for line in metadata if line.startswith("Version: "))
        wheel = (info / "WHEEL").read_text(encoding="utf-8").splitlines()
        tags = [line.split(": ", 1)[1] for line in wheel if line.startswith("Tag: ")]
        found[_normalized(name)] = (version, tags)
    return found


def _is_pure(tags: list[str]) -> bool:
    return all(tag.endswith("-none-any") for tag in tags)


@pytest.fixture(scope="module")
def interpreter() -> Path:
    found = python313()
    if found is None:
        pytest.skip("no python3.13 here: `sam build` needs the functions' interpreter")
    return found


@pytest.fixture(scope="module")
def built(interpreter: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``sam build`` of template.yaml, as ``make build`` runs it, into a fresh directory."""
    build = tmp_path_factory.mktemp("sam") / "build"
    done = subprocess.run(
        [str(SAM), "build", "--build-dir", str(build)],
        cwd=ROOT,
        env={
            **os.environ,
            "PATH": f"{interpreter.parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "AWS_DEFAULT_REGION": "us-east-1",
            "SAM_CLI_TELEMETRY": "0",
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return build


def test_the_layer_holds_exactly_the_pins_and_our_package_as_written(built: Path):
    # Given the built layer's Python directory
    site = built / "SharedLayer" / "python"

    # When its distributions and our package's files are read
    installed = {name: version for name, (version, _) in distributions(site).items()}
    ours = sorted(
        path.relative_to(LAYER_SOURCE / "tilte_webhooks")
        for path in (LAYER_SOURCE / "tilte_webhooks").rglob("*.py")
    )
    copied = sorted(
        path.relative_to(site / "tilte_webhooks")
        for path in (site / "tilte_webhooks").rglob("*.py")
    )

    # Then they are the pinned versions, none more, and every module of ours, unchanged
    assert installed == pins(LAYER_SOURCE / "requirements.txt")
    assert copied == ours
    changed = [
        str(path)
        for path in ours
        if (site / "tilte_webhooks" / path).read_bytes()
        != (LAYER_SOURCE / "tilte_webhooks" / path).read_bytes()
    ]
    assert changed == []


def test_each_function_holds_its_handler_only(built: Path):
    # Given each function's built directory

    # Then it holds its handler, and nothing else: its code comes from the layer
    for function, handler in FUNCTIONS.items():
        assert sorted(path.name for path in (built / function).iterdir()) == [handler], function


def test_every_compiled_module_is_for_python_3_13_on_arm64(built: Path):
    # Given the built layer
    site = built / "SharedLayer" / "python"

    # When its compiled modules and its wheels' tags are listed
    compiled = sorted(path.name for path in site.rglob("*.so"))
    native = {name: tags for name, (_, tags) in distributions(site).items() if not _is_pure(tags)}

    # Then pydantic_core is the one distribution with compiled code, built for the functions
    assert compiled == ["_pydantic_core.cpython-313-aarch64-linux-gnu.so"]
    assert native == {
        "pydantic-core": [
            "cp313-cp313-manylinux2014_aarch64",
            "cp313-cp313-manylinux_2_17_aarch64",
        ]
    }


BYTECODE_CHECK = """
import importlib.util, json, sys
from pathlib import Path
site = Path(sys.argv[1])
wrong = {}
for source in site.rglob("*.py"):
    pyc = Path(importlib.util.cache_from_source(str(source)))
    header = pyc.read_bytes()[:16] if pyc.is_file() else b""
    expected = importlib.util.MAGIC_NUMBER + (0b01).to_bytes(4, "little")  # hash, unchecked
    expected += importlib.util.source_hash(source.read_bytes())
    if header != expected:
        wrong[str(source.relative_to(site))] = header.hex()
print(json.dumps({"wrong": wrong, "modules": len(list(site.rglob("*.py"))),
                  "bytecode": len(list(site.rglob("*.pyc")))}))
"""
"""Run by python3.13: every module whose bytecode is missing, for another Python, checked
against its source, or of another source; and how many modules and bytecode files there are."""


def test_every_module_is_shipped_compiled_for_python_3_13(built: Path, interpreter: Path):
    # Given the built layer
    site = built / "SharedLayer" / "python"

    # When python3.13 reads each module's bytecode header
    done = subprocess.run(
        [str(interpreter), "-I", "-c", BYTECODE_CHECK, str(site)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout)

    # Then every module has python3.13 bytecode of its very source, checked against nothing
    # (a layer is read-only: without it, each cold start compiles every module again), and
    # there is no other bytecode
    assert found["wrong"] == {}
    assert found["bytecode"] == found["modules"] > 400


def test_the_layer_ships_everything_of_ours_in_layers_shared(built: Path):
    # Given what layers/shared holds beside the build's own files
    ours = {
        path.name
        for path in LAYER_SOURCE.iterdir()
        if path.name not in {"Makefile", "requirements.txt", "__pycache__"}
    }

    # Then the built layer holds each of them at the top of its Python directory
    shipped = {path.name for path in (built / "SharedLayer" / "python").iterdir()}
    assert ours == {"tilte_webhooks"}
    assert ours <= shipped


@pytest.fixture(scope="module")
def runnable_layer(built: Path, interpreter: Path, tmp_path_factory: pytest.TempPathFactory):
    """The built layer with each distribution not for this machine swapped for the same
    version's wheel for it; and the runtime's SDK. (search path entries, swapped names)"""
    machine = ARCHITECTURES[platform.machine().lower()]
    work = tmp_path_factory.mktemp("runnable")
    layer = work / "layer"
    shutil.copytree(built / "SharedLayer" / "python", layer)
    foreign = {
        name: version
        for name, (version, tags) in distributions(layer).items()
        if not _is_pure(tags) and not all(tag.endswith(machine) for tag in tags)
    }
    for info in layer.glob("*.dist-info"):  # <name>-<version>.dist-info
        if _normalized(info.name.split("-")[0]) in foreign:
            record = (info / "RECORD").read_text(encoding="utf-8").splitlines()
            for top in {entry.split(",")[0].split("/")[0] for entry in record}:
                path = layer / top
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
    sdk = pins(ROOT / "requirements-dev.txt")
    requirements = [f"{name}=={version}" for name, version in foreign.items()]
    requirements += [f"{name}=={sdk[name]}" for name in RUNTIME_SDK]
    native = work / "native"
    install = [str(interpreter), "-m", "pip", "install", "--quiet", "--no-deps"]
    install += ["--only-binary=:all:", "--target", str(native), *requirements]
    done = subprocess.run(install, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return [layer, native], sorted(foreign)


def test_the_handlers_import_and_run_from_the_built_layer(
    built: Path, interpreter: Path, runnable_layer: tuple[list[Path], list[str]]
):
    # Given the built functions and the runnable layer, and nothing else on the path
    (layer, native), swapped = runnable_layer
    functions = [built / "IngestFunction", built / "SubscribersFunction"]
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "check",
        "QUARANTINE_BUCKET": "quarantine",
        "LOCAL_TOKENS": "local-dev-token",
        **{f"QUEUE_URL_{kind}": f"https://sqs.invalid/{kind}" for kind in NOTIFICATION_TYPES},
    }
    script = (
        f"EVENT = {str(API_EVENTS / 'bad-no-token.json')!r}\n"
        f"PAYLOAD = {str(payload_path('Subscribe', 'xml'))!r}\n{CONTEXT}{CHECK}"
    )

    bytecode = {path: path.read_bytes() for path in layer.rglob("*.pyc")}

    # When python3.13, isolated from any site-packages, imports the handlers, answers a
    # request without a token, and parses and plans a sample
    done = subprocess.run(
        [str(interpreter), "-I", "-S", "-c", script, *map(str, [*functions, layer, native])],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])

    # Then it answers 401 and plans the sample's first event, every module coming from the
    # built tree except the swapped wheels and the runtime's boto3, its bytecode used as built
    # (Python rewrites none it accepts, and would write new files beside any it refused)
    assert {path: path.read_bytes() for path in layer.rglob("*.pyc")} == bytecode
    assert result["status"] == 401
    assert result["events"] == ["Subscribe", 3, ["history", "state"]]
    origins = {name: Path(file) for name, file in result["modules"].items()}
    from_native = {"boto3", *(name.replace("-", "_") for name in swapped)}
    assert {name for name, file in origins.items() if native in file.parents} == from_native
    assert origins["ingest_handler"].parent == built / "IngestFunction"
    assert origins["consumer_handler"].parent == built / "SubscribersFunction"
    from_layer = {"tilte_webhooks", "pydantic", "aws_lambda_powertools", "defusedxml"}
    from_layer |= {"pydantic_core"} - from_native
    assert {name for name, file in origins.items() if layer in file.parents} == from_layer
    if platform.machine().lower() in {"x86_64", "amd64"}:
        assert swapped == ["pydantic-core"]
