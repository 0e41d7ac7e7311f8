"""Benchmark 3: time to a 202 from the local stack by size, concurrent against sequential
queueing, and the ingest's peak memory for the largest body (:mod:`bench.peak_memory`).

The local stack is moto's server on loopback, with one process playing every function. Its
latency is not AWS's, and moto's SQS does work in proportion to a queue's length for every
message sent (:mod:`bench.local_stack`): a 10,000-event notification measures moto more than
the receiver. So each size is measured twice, side by side: against moto, and with the
ingest's sends answered by the SQS model (:mod:`bench.sqs_model`: a 10 ms round trip per
call, calls served in parallel, botocore's own work done as ever). The growth and the speed-up
are judged on the model.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from bench import peak_memory
from bench.cost_figures import memory_sizes
from bench.local_stack import HeldConsumers
from bench.payloads import CONTENT_TYPES, FORMATS, encode, notification
from bench.report import Section, Table, Target, millis, ratio
from bench.sqs_model import ROUND_TRIP, answered_here
from reliability.stack import Target as Stack
from tilte_cli.cloudformation import load_template
from tilte_cli.send_command import Result, Sender
from tilte_webhooks.aws.clients import client
from tilte_webhooks.aws.queues import SqsEventPublisher
from tilte_webhooks.ingest import notification_messages
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

SIZES = (1, 100, 1_000, 10_000)
QUICK_SIZES = (1, 10)
KIND = "MessageClick"
XML_ENCODING = "utf-8"
"""As Tilte's samples: UTF-8 declaring UTF-16. (10,000 events in UTF-16 are 5.3 MB, which API
Gateway must base64-encode into more than the 6 MB of a Lambda event.)"""
SQS = ("moto", "model")
MOTO_SPEEDUP_EVENTS = 1_000
"""Against moto, queueing is timed at 1,000 events: at 10,000 it times moto's queue counting."""
SPEEDUP_EVENTS = 10_000
SPEEDUP_TARGET = 4.0
GROWTH_ALLOWANCE = 1.10
"""How much worse than linear a step may measure and still count as linear: repeated requests
of one size on this shared machine differ by about as much (the table shows by how much)."""
MAX_WORKERS = 16
"""The publisher's concurrent sends, as the ingest function makes them."""


def run(stack: Stack, *, quick: bool) -> Section:
    sizes = QUICK_SIZES if quick else SIZES
    section = Section(
        "3. Latency and scaling (local stack)",
        "Each notification is posted to the local stack (`make run`'s API and ingest "
        "function; the XML in UTF-8 declaring UTF-16, as Tilte's samples are), one at a time, "
        "in 5 rounds of every size (3 at 10,000 events against moto; once in a quick run) "
        "after one warm-up request, each on a new connection; the figure is the median time from "
        "connecting to reading the 202. Each size is measured against moto's SQS and, side "
        "by side, with the ingest's sends answered by an SQS model: a round trip of "
        f"{ROUND_TRIP * 1000:.0f} ms per `SendMessageBatch`, calls served in parallel as SQS "
        "serves them, botocore's own work (serializing, signing, parsing) done as ever "
        "(`bench/sqs_model.py`). moto's SQS is CPU work of one process on the same two "
        "shared cores, and it counts a queue's messages for every message sent, so a "
        "10,000-event notification, which fills one queue by itself, measures moto more than "
        "the receiver: growth and speed-up are judged on the model. The consumers hold "
        "their batches while a request is measured and the queues are purged between "
        "requests (`bench/local_stack.py`). Neither column is AWS's latency; what carries "
        "over is the growth with size and the ratios.",
    )
    with HeldConsumers(stack) as consumers:
        latencies = {
            (sqs, fmt, events): latency
            for fmt in FORMATS
            for sqs in SQS
            for events, latency in _latencies(
                stack, consumers, sqs, fmt, sizes, quick=quick
            ).items()
        }
        speedups = [
            _speedup(stack, consumers, "moto", 10 if quick else MOTO_SPEEDUP_EVENTS, quick),
            _speedup(stack, consumers, "model", 100 if quick else SPEEDUP_EVENTS, quick),
        ]
    peak = peak_memory.measure(stack, 20_000 if quick else peak_memory.LARGEST_BODY)
    section.tables += [
        _latency_table(latencies, sizes),
        _speedup_table(speedups),
        peak_memory.table(peak),
    ]
    section.targets += _latency_targets(latencies, sizes, quick=quick)
    model = speedups[-1]
    section.targets.append(
        Target(
            f"concurrent batch sends at least {SPEEDUP_TARGET:g}x faster than sequential, at "
            f"{SPEEDUP_EVENTS:,} events",
            f"{ratio(model.speedup)} (SQS model)",
            None if quick else model.speedup >= SPEEDUP_TARGET,
            "Judged with the SQS model, where each send waits on a round trip as it does in "
            f"AWS, and the waits of {MAX_WORKERS} sends overlap. Against moto the sends are "
            "CPU work of one server process on the same two cores, and concurrency can only "
            "overlap the client's share with the server's (the first row).",
        )
    )
    section.notes += peak_memory.notes(peak, memory_sizes(load_template())["IngestFunction"])
    return section


def _latencies(
    stack: Stack,
    consumers: HeldConsumers,
    sqs: str,
    fmt: str,
    sizes: tuple[int, ...],
    *,
    quick: bool,
) -> dict[int, Latency]:
    """Each size's time to a 202 against ``sqs``, the sizes taken in turn in each round, so
    that a slower minute of the machine weighs on all of them alike."""
    bodies = {
        events: encode(notification(KIND, events), fmt, xml_encoding=XML_ENCODING)
        for events in sizes
    }
    warm_up = encode(notification(KIND, 1, seed=1), fmt, xml_encoding=XML_ENCODING)
    _post_to(stack, consumers, sqs, warm_up, fmt)
    samples: dict[int, list[float]] = {events: [] for events in sizes}
    for round_ in range(1 if quick else 5):
        for events, body in bodies.items():
            if sqs == "moto" and events >= 10_000 and round_ >= 3:
                continue  # 10 s each: three are enough
            samples[events].append(_post_to(stack, consumers, sqs, body, fmt))
    if sqs == "moto":
        consumers.empty_queues()
    return {
        events: Latency(statistics.median(times), max(times) / min(times) - 1)
        for events, times in samples.items()
    }


def _post_to(stack: Stack, consumers: HeldConsumers, sqs: str, body: bytes, fmt: str) -> float:
    """Seconds to a 202 for one request, against moto (its queues emptied first) or the SQS
    model."""
    if sqs == "moto":
        consumers.empty_queues()
        result = _post(stack, body, fmt)
    else:
        with answered_here(client("sqs")):
            result = _post(stack, body, fmt)
    if result.status != 202:
        raise RuntimeError(f"{fmt}: {result.status} {result.body}")
    return result.seconds


@dataclass(frozen=True)
class Latency:
    seconds: float
    """The median."""
    spread: float
    """How much the slowest repeat took longer than the fastest (0.1 is 10%)."""


def _post(stack: Stack, body: bytes, fmt: str) -> Result:
    """One request on a new connection: on a kept-alive one, the local API's answers wait on
    the client's delayed acknowledgement (Nagle's algorithm), some 40 ms each."""
    with Sender(stack.url, stack.token) as sender:
        return sender.post(Path("bench"), body, CONTENT_TYPES[fmt])


def _latency_table(latencies: dict[tuple[str, str, int], Latency], sizes: tuple[int, ...]) -> Table:
    rows = []
    for fmt in FORMATS:
        for events in sizes:
            moto, model = (latencies[sqs, fmt, events] for sqs in SQS)
            rows.append(
                (
                    fmt.upper(),
                    f"{events:,}",
                    millis(moto.seconds),
                    millis(model.seconds),
                    f"{model.seconds / events * 1e6:,.0f} µs",
                    f"{model.spread:.0%}",
                )
            )
    return Table(
        f"Time to a 202, {KIND} notifications (median)",
        ("Format", "Events", "moto", "SQS model", "SQS model, per event", "SQS model, spread"),
        rows,
    )


def _latency_targets(
    latencies: dict[tuple[str, str, int], Latency], sizes: tuple[int, ...], *, quick: bool
) -> list[Target]:
    targets = []
    for fmt in FORMATS:
        model = {events: latencies["model", fmt, events] for events in sizes}
        steps = [
            (model[big].seconds / model[small].seconds) / (big / small)
            for small, big in pairwise(sizes)
        ]
        targets.append(
            Target(
                f"{fmt.upper()}: time to a 202 grows linearly with the events, or slower",
                f"worst step {max(steps):.2f} of linear (SQS model)",
                None if quick else max(steps) <= GROWTH_ALLOWANCE,
                "A step is the time at the larger size over the time at the smaller, divided by "
                "the ratio of the sizes: 1 is linear, less is better; up to "
                f"{GROWTH_ALLOWANCE:.2f} counts as linear, since repeated requests of one size "
                "differ by about that much here (the table's spread: slowest repeat over "
                "fastest).",
            )
        )
    return targets


@dataclass(frozen=True)
class Speedup:
    sqs: str
    events: int
    sequential: float
    concurrent: float
    speedup: float
    """The median of the per-repeat ratios."""


def _speedup(stack: Stack, consumers: HeldConsumers, sqs: str, events: int, quick: bool) -> Speedup:
    """Seconds to queue ``events`` messages with one send at a time, and with
    :data:`MAX_WORKERS` at a time, against moto or the SQS model."""
    body = encode(notification(KIND, events), "json")
    _, messages = notification_messages(body, None, max_body_bytes=len(body))
    urls = {name: stack.queue_url(f"{name}Queue") for name in NOTIFICATION_TYPES}
    timings: dict[int, list[float]] = {1: [], MAX_WORKERS: []}
    for _ in range(1 if quick else 3):
        for workers, samples in timings.items():
            publisher = SqsEventPublisher(client("sqs"), urls, max_workers=workers)
            if sqs == "moto":
                consumers.empty_queues()
                started = time.perf_counter()
                result = publisher.publish(KIND, messages)
            else:
                with answered_here(client("sqs")):
                    started = time.perf_counter()
                    result = publisher.publish(KIND, messages)
            samples.append(time.perf_counter() - started)
            if result.failed:
                raise RuntimeError(f"{result.failed} messages were not queued")
    if sqs == "moto":
        consumers.empty_queues()
    sequential, concurrent = timings[1], timings[MAX_WORKERS]
    return Speedup(
        sqs,
        events,
        statistics.median(sequential),
        statistics.median(concurrent),
        statistics.median(s / c for s, c in zip(sequential, concurrent, strict=True)),
    )


def _speedup_table(speedups: list[Speedup]) -> Table:
    return Table(
        "Queueing one notification's messages: one SendMessageBatch at a time, or the "
        f"publisher's {MAX_WORKERS} at a time (median)",
        ("SQS", "Events", "Sequential", "Concurrent", "Speed-up"),
        [
            (
                "moto" if s.sqs == "moto" else f"SQS model ({ROUND_TRIP * 1000:.0f} ms a call)",
                f"{s.events:,}",
                millis(s.sequential),
                millis(s.concurrent),
                ratio(s.speedup),
            )
            for s in speedups
        ],
    )
