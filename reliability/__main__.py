"""``python -m reliability`` (``make reliability``): every scenario at full size, then
docs/RELIABILITY.md.

Each scenario gets a local stack of its own (:func:`reliability.stack.running_stack`), so a
fault cannot leak into the next. The figures are printed as each scenario ends and written,
with a summary, to the report; the exit status is 1 when any guarantee did not hold.
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from reliability import corpus, faults, hostile, load, reference
from reliability.findings import Finding
from reliability.provenance import commit
from reliability.stack import running_stack

ROOT = Path(__file__).resolve().parents[1]
METHOD = (hostile, corpus, load, reference, faults)
"""The modules whose docstrings say how each guarantee is tested, in the report's order."""
_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
REPORT = ROOT / "docs" / "RELIABILITY.md"
Scenario = Callable[..., Finding]
SCENARIOS: dict[str, Scenario] = {
    "hostile": hostile.scenario,
    "load": load.scenario,
    **{scenario.__name__.replace("_", "-"): scenario for scenario in faults.SCENARIOS},
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the small forms make test runs")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, metavar="NAME", help="some")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write it")
    args = parser.parse_args(argv)
    findings: list[tuple[Finding, float]] = []
    for name in args.only or SCENARIOS:
        print(f"--- {name}", flush=True)
        finding, seconds = run(SCENARIOS[name], quick=args.quick)
        print(finding.markdown() + f"\n\n({seconds:.0f} s)\n", flush=True)
        findings.append((finding, seconds))
    report = render(findings, quick=args.quick)
    args.report.write_text(report, encoding="utf-8")
    print(f"wrote {os.path.relpath(args.report)}")
    held = all(finding.held for finding, _ in findings)
    print("every guarantee held" if held else "SOME GUARANTEES DID NOT HOLD")
    return 0 if held else 1


def run(scenario: Scenario, *, quick: bool) -> tuple[Finding, float]:
    started = time.perf_counter()
    with running_stack() as target:
        finding = scenario(target, quick=quick)
    return finding, time.perf_counter() - started


def render(findings: Sequence[tuple[Finding, float]], *, quick: bool) -> str:
    held = sum(finding.held for finding, _ in findings)
    lines = [
        "# Reliability: what was tried, and what held",
        "",
        "Written by `make reliability` (`python -m reliability`"
        + (" --quick" if quick else "")
        + "); do not edit by hand. Each scenario ran against a fresh local stack (moto's "
        "server, the API and the consumers of `make run`, built from `template.yaml`), with "
        "faults injected into the functions' AWS calls. How each part works: "
        "[LOCAL.md](LOCAL.md), [RECOVERY.md](RECOVERY.md), [DATA_MODEL.md](DATA_MODEL.md).",
        "",
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit `{commit()}`, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores.",
        f"- Result: **{held} of {len(findings)} guarantees held**.",
        "",
        "| Scenario | Guarantee | Held | Seconds |",
        "|---|---|---|---|",
        *(
            f"| {finding.title} | {finding.guarantee} | {'yes' if finding.held else '**no**'} "
            f"| {seconds:.0f} |"
            for finding, seconds in findings
        ),
        "",
        *(finding.markdown() + "\n" for finding, _ in findings),
        "## How each guarantee is tested",
        "",
        *(_method(module) + "\n" for module in METHOD),
    ]
    return "\n".join(lines)


def _method(module: object) -> str:
    """A module's docstring as Markdown, under its file's name."""
    name = getattr(module, "__name__", "").replace(".", "/")
    path = f"{name}/__init__.py" if name.endswith("corpus") else f"{name}.py"
    text = _ROLE.sub(r"`\1`", inspect.getdoc(module) or "")
    return f"### `{path}`\n\n{text}"


if __name__ == "__main__":
    sys.exit(main())
