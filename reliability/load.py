"""Duplicates, reordering and load: the data must not depend on how events arrive.

A generated workload (:mod:`reliability.workload`) is delivered with each notification sent
one to three times, in shuffled order, by eight concurrent senders, as XML or JSON. Once every
queue has drained, the tables must hold exactly what the reference model
(:mod:`reliability.reference`) computes from the unique events.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence

from reliability.findings import Finding
from reliability.reference import expected_state
from reliability.stack import SENDERS, Target
from reliability.verify import compare
from reliability.workload import FULL, QUICK, Delivery, generate
from tilte_cli.send_command import Result

SEED = 20240807
DRAIN_SECONDS_PER_EVENT = 0.05
"""How long the queues may take to drain, per message queued (generous: moto is slow)."""
BACKLOG = 2_000
"""Messages waiting in the queues above which the senders pause: moto's SQS slows down as a
queue fills (each send counts the queue), and one local process plays every consumer, so a
local run must not queue faster than it drains. AWS needs no such pause."""


def scenario(target: Target, *, quick: bool) -> Finding:
    finding = Finding(
        "Duplicates, reordering and load",
        "Whatever the repeats and the arrival order, the tables end up holding exactly the "
        "state the reference model computes from the unique events.",
    )
    workload = generate(QUICK if quick else FULL, SEED)
    deliveries = workload.deliveries(SEED + 1)
    expected = expected_state(workload.notifications)
    started = time.perf_counter()
    results, paused = _deliver(target, deliveries)
    sent_seconds = time.perf_counter() - started
    statuses = Counter(str(result.status or "no answer") for result in results)
    queued = sum(json.loads(result.body)["queued"] for result in results if result.status == 202)
    left = target.wait_until_drained(timeout=60 + queued * DRAIN_SECONDS_PER_EVENT)
    drained_seconds = time.perf_counter() - started
    comparison = compare(target, expected)
    dead = {name: count for name, count in target.pending("DeadLetterQueue").items() if count}

    formats = Counter(d.content_type.split(";")[0] or "(none)" for d in deliveries)
    finding.figure("Notifications (unique)", len(workload.notifications))
    finding.figure(
        "Events in them / distinct events", f"{workload.events:,} / {expected.unique_events:,}"
    )
    finding.figure("Deliveries (each notification 1-3 times, shuffled)", len(deliveries))
    finding.figure("Concurrent senders", SENDERS)
    finding.figure("Content types sent", ", ".join(f"{k}: {v}" for k, v in sorted(formats.items())))
    finding.figure("Answers", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    finding.figure("Messages queued (with repeats)", queued)
    finding.figure(
        "Latency to 202, median / max",
        f"{statistics.median(r.seconds for r in results) * 1000:.0f} ms / "
        f"{max(r.seconds for r in results) * 1000:.0f} ms",
    )
    finding.figure(
        "Time to send (of it, paused for the backlog) / until every queue drained",
        f"{sent_seconds:.1f} s ({paused:.1f} s) / {drained_seconds:.1f} s",
    )
    finding.figure("Subscribers, suppressions and campaigns compared", comparison.checked)
    finding.figure(
        "Per-event records stored / distinct events that store one",
        f"{comparison.stored_events:,} / {expected.stored_events:,}",
    )
    finding.figure("Messages in dead-letter queues", sum(dead.values()))
    finding.figure("Differences from the reference model", len(comparison.differences))

    finding.check(
        statuses == Counter({"202": len(deliveries)}),
        f"not every delivery got 202: {dict(statuses)}",
    )
    finding.check(not left, f"queues not drained: {left}")
    finding.check(not dead, f"messages dead-lettered: {dead}")
    for difference in comparison.summary():
        finding.check(False, difference)
    return finding


def _deliver(target: Target, deliveries: Sequence[Delivery]) -> tuple[list[Result], float]:
    """Post every delivery, a few per sender at a time, pausing while more than
    :data:`BACKLOG` messages wait; the answers, and the seconds spent paused."""
    results: list[Result] = []
    paused = 0.0
    step = SENDERS * 2
    for start in range(0, len(deliveries), step):
        waited = time.perf_counter()
        while sum(target.pending().values()) > BACKLOG:
            time.sleep(0.5)
        paused += time.perf_counter() - waited
        chunk = deliveries[start : start + step]
        results += target.post_all((d.body, d.content_type) for d in chunk)
    return results, paused
