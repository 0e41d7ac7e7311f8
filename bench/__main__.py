"""``python -m bench`` (``make bench``): every benchmark, then docs/PERFORMANCE.md.

The compute and cold-start benchmarks run in this process and in fresh ones; the latency and
cost benchmarks each get a local stack of their own (:func:`reliability.stack.running_stack`),
so that one's queues and tables cannot weigh on the other's figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench import cold_start, cost, ingest_compute, latency, local_stack
from bench.report import Section, verdict
from reliability.provenance import commit
from reliability.stack import running_stack

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "PERFORMANCE.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the small forms make test runs")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write it")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sections = [
        _announced("ingest compute", lambda: ingest_compute.run(quick=args.quick)),
        _announced("cold start", lambda: cold_start.run(quick=args.quick)),
    ]
    with local_stack.running() as stack:
        sections.append(_announced("latency", lambda: latency.run(stack, quick=args.quick)))
    with running_stack() as stack:
        sections.append(_announced("cost", lambda: cost.run(stack, quick=args.quick)))
    args.report.write_text(
        render(sections, quick=args.quick, seconds=time.perf_counter() - started), encoding="utf-8"
    )
    print(f"wrote {os.path.relpath(args.report)}")
    return 0


def _announced(name: str, benchmark: Callable[[], Section]) -> Section:
    print(f"--- {name}", flush=True)
    started = time.perf_counter()
    section = benchmark()
    print(f"({time.perf_counter() - started:.0f} s)", flush=True)
    return section


def render(sections: Sequence[Section], *, quick: bool, seconds: float) -> str:
    targets = [target for section in sections for target in section.targets]
    met = sum(target.met is True for target in targets)
    judged = sum(target.met is not None for target in targets)
    lines = [
        "# Performance and cost",
        "",
        "Written by `make bench` (`python -m bench" + (" --quick" if quick else "") + "`); do "
        "not edit by hand. The machine is shared and noisy: every figure is a median of "
        "repeats, and every comparison was measured in the same run, side by side. What "
        "carries over to AWS is the ratios, and the counts of requests and units; absolute "
        "times are this machine's. How the parts work: [INGEST.md](INGEST.md), "
        "[DATA_MODEL.md](DATA_MODEL.md), [LOCAL.md](LOCAL.md).",
        "",
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit `{commit()}`, Python "
        f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"{seconds / 60:.0f} minutes.",
        f"- Targets: **{met} of {judged} met**"
        + (f" ({len(targets) - judged} not judged by a figure)" if judged < len(targets) else "")
        + ".",
        "",
        "| Benchmark | Target | Measured | Met |",
        "|---|---|---|---|",
        *(
            f"| {section.title.split(' ', 1)[1]} | {target.goal} | {target.measured} | "
            f"{verdict(target.met)} |"
            for section in sections
            for target in section.targets
        ),
        "",
        *(section.markdown() for section in sections),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
