"""Benchmark 2: cold start, as the time to import each handler module in a fresh process.

Lambda's init phase imports the handler module once per new container, before the first
request; everything imported at module level is paid then. Each handler is imported in a new
Python process, alternating with a process that imports ``boto3`` alone (which the runtime
provides, and every function needs), several times; the figures are medians. ``-X
importtime`` runs say where the time goes beyond ``import boto3``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.report import Section, Table, Target, millis, ratio
from bench.shipped_layer import shipped_layers

ROOT = Path(__file__).resolve().parents[1]
HANDLERS = {
    "ingest_handler": "IngestFunction",
    "consumer_handler": "the four consumer functions",
}
TARGET = 1.5
"""Most import time of a handler, as a multiple of ``import boto3``."""
GROUPS = {
    "aws_lambda_powertools": "Powertools",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic",
    "annotated_types": "pydantic",
    "typing_inspection": "pydantic",
    "typing_extensions": "pydantic",
    "ingest_handler": "the handler module",
    "consumer_handler": "the handler module",
    "defusedxml": "defusedxml",
}
"""Top-level module -> its group; ``tilte_webhooks`` modules are shown one by one, and what
is left is standard-library modules that the others import."""
OURS = "tilte_webhooks"
LAZY_BUILDS = "defer_build=True,"
"""The configuration that builds the models' validators on first use, not at import."""
LIBRARIES = "boto3, aws_lambda_powertools.event_handler, pydantic.main"
"""What the handler has imported before the project's modules, for timing those alone."""


def environment(layer: Path = ROOT / "layers/shared") -> dict[str, str]:
    """What a function's process has: the layer and the function's code on the path, and the
    template's Powertools settings."""
    path = os.pathsep.join(
        [str(layer), *(str(ROOT / part) for part in ("functions/ingest", "functions/consumers"))]
    )
    return {
        **os.environ,
        "PYTHONPATH": path,
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "tilte-webhooks",
        "POWERTOOLS_METRICS_NAMESPACE": "TilteWebhooks",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }


def import_seconds(
    module: str, layer: Path = ROOT / "layers/shared", after: str = "", *, read_only: bool = False
) -> float:
    """Seconds to import ``module`` in a new interpreter (its start-up not counted), once the
    modules ``after`` names (comma-separated) are imported, not counted either; with
    ``read_only``, writing no bytecode, as in a Lambda layer."""
    code = (
        (f"import {after}\n" if after else "") + "import time\n"
        "started = time.perf_counter()\n"
        f"import {module}\n"
        "print(time.perf_counter() - started)\n"
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, *(["-B"] if read_only else []), "-c", code],
        env=environment(layer),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def import_profile(module: str) -> dict[str, float]:
    """Module -> seconds of its own import time, from one ``-X importtime`` run."""
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    own = {}
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            self_time, _, name = line.removeprefix("import time:").split("|")
            if self_time.strip().isdigit():  # not the header line
                own[name.strip()] = int(self_time) / 1e6
    return own


def beyond_boto3(module: str, repeats: int) -> dict[str, float]:
    """Group -> seconds of own import time of the modules ``module`` imports that ``import
    boto3`` does not (medians of ``repeats`` runs)."""
    runs = []
    for _ in range(repeats):
        sdk = import_profile("boto3")
        groups: dict[str, float] = defaultdict(float)
        for name, seconds in import_profile(module).items():
            if name not in sdk:
                top = name.split(".")[0]
                group = f"`{name}`" if top == OURS else GROUPS.get(top, "standard library")
                groups[group] += seconds
        runs.append(groups)
    names = {name for groups in runs for name in groups}
    return {name: statistics.median(groups.get(name, 0.0) for groups in runs) for name in names}


def run(*, quick: bool) -> Section:
    repeats = 1 if quick else 15
    samples: dict[str, list[float]] = {name: [] for name in ["boto3", *HANDLERS]}
    builds: dict[str, list[float]] = {"lazy": [], "eager": []}
    shipped: dict[tuple[str, str], list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as folder:
        layers = {"lazy": ROOT / "layers/shared", "eager": _eager_layer(Path(folder))}
        ships = shipped_layers(Path(folder))
        for _ in range(repeats):
            for module in samples:
                samples[module].append(import_seconds(module))
            for name, layer in layers.items():
                builds[name].append(import_seconds("tilte_webhooks.ingest", layer, LIBRARIES))
            for (name, layer), module in itertools.product(ships.items(), HANDLERS):
                shipped[name, module].append(import_seconds(module, layer, read_only=True))
    section = Section(
        "2. Cold start",
        "The time to import each handler module in a new Python process (the interpreter's "
        "own start-up not counted), against a process that imports `boto3` alone, "
        f"alternating, {repeats} times; medians, and the median of the per-round ratios. "
        "This is the part of Lambda's init phase that the code decides; the runtime's own "
        "start-up comes on top for every function alike. One handler module serves the four "
        "consumer functions. Python here is 3.11; Lambda's runtime is 3.13, where pydantic "
        "reads the models' attribute docstrings faster.",
    )
    section.tables.append(_import_table(samples))
    section.tables.append(_builds_table(builds))
    section.tables.append(_shipped_table(shipped))
    breakdowns = {module: beyond_boto3(module, 1 if quick else 3) for module in HANDLERS}
    section.tables.append(_breakdown_table(breakdowns))
    boto3 = statistics.median(samples["boto3"])
    for module in HANDLERS:
        measured = _ratio(samples, module)
        met = measured <= TARGET
        section.targets.append(
            Target(
                f"`import {module}` at most {TARGET:g}x `import boto3`",
                ratio(measured),
                None if quick else met,
                "" if met else _shortfall(breakdowns[module], boto3),
            )
        )
    section.notes.append(
        "Lazy: the models build their validators and serializers on first use "
        f"(`{LAZY_BUILDS}` in `models.py` and `messages.py`), so a container builds only the "
        "models of the types it meets: the ingest never builds the queue-message models, the "
        "consumers never build the notification models. The second table imports the same "
        "code with that line removed, side by side. Bytecode: a Lambda layer is read-only, so "
        "Python cannot cache the modules it compiles; SAM's python builder ships none, and "
        "every cold start would compile every module of pydantic, Powertools and this project "
        "again (the third table, from copies of the layer as each build ships it, imported "
        "writing no bytecode). `layers/shared/Makefile` (the layer's `BuildMethod: makefile`) "
        "ships it compiled, checked against nothing since a layer never changes. The first "
        "table's figures, from this checkout's cached bytecode, are the compiled case. "
        "Nothing else heavy is "
        "imported: no X-Ray SDK (the template's `Tracing: Active` is Lambda's own tracing), "
        "and defusedxml's parser only once a body declares a DTD."
    )
    return section


def _ratio(samples: dict[str, list[float]], module: str) -> float:
    return statistics.median(
        handler / sdk for handler, sdk in zip(samples[module], samples["boto3"], strict=True)
    )


def _import_table(samples: dict[str, list[float]]) -> Table:
    rows = [("`import boto3`", "", millis(statistics.median(samples["boto3"])), "1.00x")]
    rows += [
        (
            f"`import {module}`",
            functions,
            millis(statistics.median(samples[module])),
            ratio(_ratio(samples, module)),
        )
        for module, functions in HANDLERS.items()
    ]
    return Table("Import time in a fresh process", ("Import", "Serves", "Median", "/ boto3"), rows)


def _builds_table(builds: dict[str, list[float]]) -> Table:
    lazy, eager = builds["lazy"], builds["eager"]
    saved = statistics.median(e - z for e, z in zip(eager, lazy, strict=True))
    return Table(
        "The project's modules alone (`import tilte_webhooks.ingest`, once boto3, Powertools "
        "and pydantic are imported), with the models built on first use or at import",
        ("Models built", "Median", "Difference"),
        [
            ("on first use (`defer_build`)", millis(statistics.median(lazy)), ""),
            (
                "at import (as before)",
                millis(statistics.median(eager)),
                f"{millis(abs(saved))} {'more' if saved >= 0 else 'less'} (median of the "
                "per-round differences)",
            ),
        ],
    )


def _shipped_table(shipped: dict[tuple[str, str], list[float]]) -> Table:
    def saved(module: str) -> str:
        pairs = zip(
            shipped["without bytecode", module], shipped["with bytecode", module], strict=True
        )
        return millis(statistics.median(bare - compiled for bare, compiled in pairs))

    return Table(
        "The layer as Lambda reads it (read-only): import time of each handler with the layer "
        "shipped without or with its bytecode",
        ("Layer shipped", *(f"`{module}`" for module in HANDLERS)),
        [
            (
                "without bytecode (SAM's python3.13 builder)",
                *(millis(statistics.median(shipped["without bytecode", m])) for m in HANDLERS),
            ),
            (
                "with bytecode (`layers/shared/Makefile`: this template)",
                *(millis(statistics.median(shipped["with bytecode", m])) for m in HANDLERS),
            ),
            (
                "saved at each cold start (median of the per-round differences)",
                *(saved(module) for module in HANDLERS),
            ),
        ],
    )


def _breakdown_table(breakdowns: dict[str, dict[str, float]]) -> Table:
    names = sorted(
        {name for parts in breakdowns.values() for name in parts},
        key=lambda name: -sum(parts.get(name, 0.0) for parts in breakdowns.values()),
    )
    shown = [name for name in names if max(p.get(name, 0.0) for p in breakdowns.values()) >= 1e-3]
    rest = [name for name in names if name not in shown]
    rows = [
        (name, *(millis(parts.get(name, 0.0)) for parts in breakdowns.values())) for name in shown
    ]
    rows.append(
        (
            "everything else",
            *(millis(sum(parts.get(name, 0.0) for name in rest)) for parts in breakdowns.values()),
        )
    )
    rows.append(
        (
            "**in all, beyond boto3**",
            *(millis(sum(parts.values())) for parts in breakdowns.values()),
        )
    )
    return Table(
        "What each handler imports beyond `import boto3`: own import time of those modules "
        "(median of 3 `-X importtime` runs, which add their own overhead)",
        ("Modules", *(f"`{module}`" for module in HANDLERS)),
        rows,
    )


def _shortfall(breakdown: dict[str, float], boto3: float) -> str:
    allowance = (TARGET - 1) * boto3
    required = breakdown.get("Powertools", 0.0) + breakdown.get("pydantic", 0.0)
    ours = sum(seconds for name, seconds in breakdown.items() if name.startswith(f"`{OURS}"))
    return (
        f"The target leaves {millis(allowance)} for everything beyond boto3; Powertools and "
        f"pydantic, which the design requires (Logger, Metrics, the event handler, the batch "
        f"processor; the models), take {millis(required)} of their own before any of this "
        f"project's code, which takes {millis(ours)} (the table above, module by module), and "
        "the standard-library modules they import come on top."
    )


def _eager_layer(folder: Path) -> Path:
    """A copy of the layer whose models build at import, as before this benchmark."""
    copy = folder / "layer"
    shutil.copytree(ROOT / "layers/shared/tilte_webhooks", copy / "tilte_webhooks")
    for name in ("models.py", "messages.py"):
        path = copy / "tilte_webhooks" / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if line.strip() != LAZY_BUILDS]
        path.write_text("".join(kept), encoding="utf-8")
    return copy
