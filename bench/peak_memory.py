"""The ingest function's peak memory for the largest body, and the ``MemorySize`` it calls for.

The body is JSON, which packs the most events into a byte (about 26,000 clicks in 6 MB),
so it makes the most messages. The measurement runs in a fresh process
(:mod:`bench.memory_probe`), so that the resident memory is one function container's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.payloads import encode, notification
from bench.report import Table, millis
from reliability.stack import Target as Stack

KIND = "MessageClick"
LARGEST_BODY = 6_000_000
"""Lambda takes request events up to 6 MB; the template's ``MaxBodyBytes`` goes up to this.
(A body that large does not quite fit an event once API Gateway escapes it into JSON: this is
an upper bound.)"""
FULL_CPU_MB = 1769
"""At 1,769 MB a function has one full vCPU; below, a share in proportion to its memory."""
MEMORY_SIZES = (256, 512, 1024, 1769)
HEADROOM = 1.5
"""Memory a function should have, as a multiple of its peak resident memory."""
TILTE_WAIT_SECONDS = 10
"""Tilte gives up on an answer after about 10 s (and sends again)."""
ROOT = Path(__file__).resolve().parents[1]
_PATH = os.pathsep.join(
    str(ROOT / part) for part in ("", "layers/shared", "cli", "functions/ingest")
)


@dataclass(frozen=True)
class Peak:
    events: int
    body_bytes: int
    status: int
    rss_import_mb: float
    rss_peak_mb: float
    cpu_seconds: float
    messages_cpu_seconds: float
    """Of it, parsing, validating and building the messages (the rest is queueing them)."""
    wall_seconds: float

    def cpu_at(self, memory_mb: int) -> float:
        """CPU-bound seconds at a memory size (its share of a vCPU)."""
        return self.cpu_seconds * max(1.0, FULL_CPU_MB / memory_mb)

    def fits(self, memory_mb: int) -> bool:
        return memory_mb >= HEADROOM * self.rss_peak_mb

    def chosen(self) -> int:
        """The smallest size that holds the peak with :data:`HEADROOM` and ends the largest
        body's work within half of Tilte's wait; else one full vCPU (more memory adds a second
        vCPU, which this work, one Python thread at a time, cannot use)."""
        fitting = [
            mb
            for mb in MEMORY_SIZES
            if self.fits(mb) and self.time_at(mb) <= TILTE_WAIT_SECONDS / 2
        ]
        return fitting[0] if fitting else FULL_CPU_MB

    def time_at(self, memory_mb: int) -> float:
        """The invocation's time at a memory size: its CPU work at that share, and its waits."""
        return self.cpu_at(memory_mb) + max(0.0, self.wall_seconds - self.cpu_seconds)


def measure(stack: Stack, size: int) -> Peak:
    events, body = _largest(size)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "body.json"
        path.write_bytes(body)
        done = subprocess.run(  # noqa: S603 (this interpreter, a module of this project)
            [sys.executable, "-m", "bench.memory_probe", str(path), stack.token],
            env={**os.environ, "PYTHONPATH": _PATH, "MAX_BODY_BYTES": str(len(body))},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if measured["status"] != 202:
        raise RuntimeError(f"the largest body was refused: {measured['answer']}")
    return Peak(
        events,
        len(body),
        measured["status"],
        measured["rss_import_mb"],
        measured["rss_peak_mb"],
        measured["cpu_seconds"],
        measured["messages_cpu_seconds"],
        measured["wall_seconds"],
    )


def _largest(size: int) -> tuple[int, bytes]:
    """The most events of :data:`KIND` whose JSON fits in ``size`` bytes, and that JSON."""
    per_event = len(encode(notification(KIND, 100), "json")) / 100
    events = max(1, int(size / per_event))
    body = encode(notification(KIND, events), "json")
    while len(body) > size:
        events -= max(1, int((len(body) - size) / per_event) + 1)
        body = encode(notification(KIND, events), "json")
    return events, body


def table(peak: Peak) -> Table:
    rows = [
        ("Resident memory after importing the handler", f"{peak.rss_import_mb:.0f} MB", ""),
        ("Peak resident memory while handling the body", f"{peak.rss_peak_mb:.0f} MB", ""),
        ("CPU time of the invocation, on one full core", millis(peak.cpu_seconds), ""),
        (
            "of which parsing, validating and building the messages",
            millis(peak.messages_cpu_seconds),
            "the rest is queueing: the SDK's work for each SendMessageBatch, and threads",
        ),
        ("Wall time (sends of 10 ms, 16 at a time)", millis(peak.wall_seconds), ""),
    ]
    rows += [
        (
            f"At `MemorySize: {mb}` ({min(1.0, mb / FULL_CPU_MB):.2f} of a vCPU)",
            f"about {millis(peak.time_at(mb))}",
            ("holds the peak" if peak.fits(mb) else f"under {HEADROOM:g}x the peak")
            + (": chosen" if mb == peak.chosen() else ""),
        )
        for mb in MEMORY_SIZES
    ]
    return Table(
        f"The ingest function on the largest body: {peak.body_bytes:,} bytes of JSON, "
        f"{peak.events:,} events, in a fresh process (answer {peak.status})",
        ("Measured", "Value", "Note"),
        rows,
    )


def notes(peak: Peak, template_mb: int) -> list[str]:
    chosen = peak.chosen()
    agreed = "the template's" if chosen == template_mb else f"the template has {template_mb:,}"
    return [
        f"`MemorySize` of IngestFunction: **{chosen:,} MB** ({agreed}). The largest body "
        f"peaks at {peak.rss_peak_mb:.0f} MB resident, so memory is not what decides; time is. "
        f"Its work is {millis(peak.cpu_seconds)} of CPU on a full core, mostly the SDK's for "
        f"each of its SendMessageBatch calls, and below {FULL_CPU_MB:,} MB a function gets a "
        "share of a vCPU in proportion to its memory: the rule is the smallest size that ends "
        f"the largest body within half of Tilte's {TILTE_WAIT_SECONDS}-second wait, or else "
        f"one full vCPU ({FULL_CPU_MB:,} MB; more memory adds a second vCPU, which one Python "
        "thread at a time cannot use). The cost hardly moves: CPU-bound work costs the same "
        "GB-seconds at any size up to one vCPU (it takes longer at less memory), and the "
        "waits on SQS are a small part (benchmark 4).",
    ]
