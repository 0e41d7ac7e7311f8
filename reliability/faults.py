"""Faults: AWS failing under the ingest and the consumers, and what must hold through them.

Each scenario sends a small generated workload through a running stack while a fault of
:mod:`reliability.injection` is in place, lets the sender or SQS retry as they would, and
then requires the tables to hold exactly what the reference model computes: nothing lost,
nothing counted twice. Failed records return after a visibility timeout shortened to a
few seconds (the template's 180 s would make a run last hours); everything else is as the
template says.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from reliability.findings import Finding
from reliability.injection import (
    WRITES,
    failing,
    killed_mid_batch,
    losing_some_entries,
    observed_batches,
    throttling_once,
)
from reliability.reference import expected_state
from reliability.stack import Target
from reliability.verify import compare
from reliability.workload import Delivery, Size, Workload, generate
from tilte_cli.redrive import redrive
from tilte_cli.send_command import Result

SMALL = Size(notifications=16, mean_batch=10, lists=2, subscribers=40, campaigns=2)
LARGER = Size(notifications=40, mean_batch=25, lists=2, subscribers=200, campaigns=3)
RETRY_SECONDS = 12
"""Seconds before a failed record returns: more than the batching window (5 s) and a batch,
or records would come back while their batch is still being gathered."""
DRAIN_SECONDS = 180


def workload_for(seed: int, quick: bool) -> tuple[Workload, list[Delivery]]:
    workload = generate(SMALL if quick else LARGER, seed)
    return workload, workload.deliveries(seed, most=1)


def post(target: Target, deliveries: Sequence[Delivery]) -> list[Result]:
    return target.post_all((d.body, d.content_type) for d in deliveries)


def error_code(result: Result) -> str | None:
    try:
        code: str | None = json.loads(result.body).get("error", {}).get("code")
    except ValueError:
        return None
    return code


def statuses(results: Sequence[Result]) -> str:
    counts = Counter(str(result.status or "no answer") for result in results)
    return ", ".join(f"{status}: {count}" for status, count in sorted(counts.items()))


def settle(finding: Finding, target: Target, workload: Workload) -> None:
    """Wait for the queues to drain, then require the exact reference state and empty
    dead-letter queues."""
    started = time.perf_counter()
    left = target.wait_until_drained(DRAIN_SECONDS)
    finding.figure("Seconds until every queue drained", f"{time.perf_counter() - started:.1f}")
    finding.check(not left, f"queues not drained: {left}")
    dead = {name: count for name, count in target.pending("DeadLetterQueue").items() if count}
    finding.check(not dead, f"messages dead-lettered: {dead}")
    expected = expected_state(workload.notifications)
    comparison = compare(target, expected)
    finding.figure("Distinct events sent", expected.unique_events)
    finding.figure(
        "Per-event records stored / expected",
        f"{comparison.stored_events} / {expected.stored_events}",
    )
    finding.figure("Differences from the reference model", len(comparison.differences))
    for difference in comparison.summary():
        finding.check(False, difference)


# --- The ingest ------------------------------------------------------------------------------


def queue_outage(target: Target, *, quick: bool) -> Finding:
    finding = Finding(
        "SQS failing under the ingest",
        "While SQS refuses some or all of a notification's events, the answer is 503, and "
        "once the sender sends again everything is applied exactly once.",
    )
    workload, deliveries = workload_for(101, quick)
    half = len(deliveries) // 2
    with failing("sqs", "send_message_batch", "ServiceUnavailable") as whole:
        down = post(target, deliveries[:half])
    with losing_some_entries(0.3) as partial:
        partly = post(target, deliveries[half:])
    answered = down + partly
    refused = [d for d, r in zip(deliveries, answered, strict=True) if r.status != 202]
    resent = post(target, refused)

    finding.figure("Notifications sent while SQS was down: answers", statuses(down))
    finding.figure("SendMessageBatch calls refused while down", whole.faults)
    finding.figure("Notifications sent while SQS lost 30 % of entries: answers", statuses(partly))
    finding.figure("Entries refused while partly down", partial.faults)
    finding.figure("Sent again after SQS recovered: answers", statuses(resent))
    finding.check(
        all(r.status == 503 and error_code(r) == "queue_unavailable" for r in down),
        f"a notification sent while SQS was down was not answered 503: {statuses(down)}",
    )
    finding.check(
        {r.status for r in partly} <= {202, 503} and any(r.status == 503 for r in partly),
        f"partial loss was not answered 503 (or 202 when nothing was lost): {statuses(partly)}",
    )
    finding.check(all(r.status == 202 for r in resent), f"a resend failed: {statuses(resent)}")
    settle(finding, target, workload)
    return finding


def quarantine_outage(target: Target, *, quick: bool) -> Finding:
    finding = Finding(
        "The quarantine failing",
        "A payload that cannot be queued and cannot be kept is answered 503 (never 400), so "
        "the sender keeps it; sent again later, it is kept.",
    )
    bucket = target.resources.bucket_name("QuarantineBucket")
    s3 = target.client("s3")

    def kept() -> int:
        return int(s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0))

    malformed = (b'{"NotificationType": "Subscribe", "Events": [', "application/json")
    unknown = (b'{"NotificationType": "Resubscribe", "Events": []}', "application/json")
    valid = workload_for(102, True)[1][0]
    before = kept()
    with failing("s3", "put_object", "ServiceUnavailable") as outage:
        during = target.post_all([malformed, unknown, (valid.body, valid.content_type)])
    after = target.post_all([malformed, unknown])
    finding.figure("Answers while S3 was down (malformed, unknown type, valid)", _shown(during))
    finding.figure("PutObject calls refused", outage.faults)
    finding.figure("Answers once S3 was back (malformed, unknown type)", _shown(after))
    finding.figure("Payloads kept in quarantine", kept() - before)
    finding.check(
        [(r.status, error_code(r)) for r in during[:2]] == [(503, "quarantine_unavailable")] * 2,
        f"a payload that could not be kept was not answered 503: {_shown(during)}",
    )
    finding.check(during[2].status == 202, f"a valid payload was refused: {_shown(during)}")
    finding.check(
        [(r.status, error_code(r)) for r in after] == [(400, "malformed_json"), (202, None)],
        f"the payloads sent again were not kept: {_shown(after)}",
    )
    finding.check(kept() - before == 2, f"{kept() - before} payloads kept, not 2")
    return finding


def _shown(results: Sequence[Result]) -> str:
    return ", ".join(f"{r.status} {error_code(r) or ''}".strip() for r in results)


# --- The consumers ---------------------------------------------------------------------------


def consumer_throttling(target: Target, *, quick: bool) -> Finding:
    finding = Finding(
        "DynamoDB throttling the consumers",
        "A throttled write fails only its record, which SQS delivers again; the data ends "
        "exact, with nothing dead-lettered.",
    )
    workload, deliveries = workload_for(103, quick)
    target.set_visibility_timeout(RETRY_SECONDS)
    consumers = [f for name, f in target.functions.items() if name != "IngestFunction"]
    with (
        observed_batches(consumers) as batches,
        throttling_once("dynamodb", WRITES, 0.2) as throttled,
    ):
        answers = post(target, deliveries)
        left = target.wait_until_drained(DRAIN_SECONDS)
    partial = [(records, failed) for records, failed in batches if 0 < failed < records]
    finding.figure("Answers", statuses(answers))
    finding.figure("DynamoDB writes / throttled", f"{throttled.calls} / {throttled.faults}")
    finding.figure(
        "Consumer batches / with some records failed", f"{len(batches)} / {len(partial)}"
    )
    finding.figure("Records reported failed, then retried", sum(f for _, f in batches))
    finding.check(throttled.faults > 0, "no write was throttled: the scenario tested nothing")
    finding.check(bool(partial), "throttling did not show as partial batch failures")
    finding.check(not left, f"queues not drained while throttled: {left}")
    settle(finding, target, workload)
    return finding


def poison_then_redrive(target: Target, *, quick: bool) -> Finding:
    finding = Finding(
        "A poison message, then a fix and a redrive",
        "A message the consumer cannot apply goes to its dead-letter queue after "
        "maxReceiveCount deliveries without holding back the rest; after the fix, a redrive "
        "applies it, exactly once.",
    )
    workload, deliveries = workload_for(104, quick)
    table = target.resources.table_name("SuppressionsTable")
    target.set_visibility_timeout(RETRY_SECONDS)
    source = target.queue_url("AddressSuppressQueue")
    dead_letters = target.queue_url("AddressSuppressDeadLetterQueue")
    suppressions = sum(
        len(d.get("Events", []))
        for d in workload.notifications
        if d["NotificationType"] == "AddressSuppress"
    )

    def for_suppressions(params: dict[str, Any]) -> bool:
        return bool(params.get("TableName") == table)

    with failing("dynamodb", "update_item", "ValidationException", when=for_suppressions) as bug:
        answers = post(target, deliveries)
        left = target.wait_until_drained(DRAIN_SECONDS)
        parked = target.pending("DeadLetterQueue")["AddressSuppress"]
    moved = redrive(target.sqs, {"AddressSuppress": (dead_letters, source)})["AddressSuppress"]
    finding.figure("Answers", statuses(answers))
    finding.figure("AddressSuppress events sent", suppressions)
    finding.figure("Writes failed by the bug", bug.faults)
    finding.figure("Messages in the dead-letter queue before the fix", parked)
    finding.figure("Moved back by redrive / left", f"{moved.moved} / {moved.left}")
    finding.check(bug.faults > 0, "the bug never struck: the scenario tested nothing")
    finding.check(not left, f"the other queues did not drain past the poison: {left}")
    finding.check(
        parked > 0 and moved.moved == parked and not moved.left,
        "redrive did not move every dead letter",
    )
    settle(finding, target, workload)
    return finding


def consumer_killed(target: Target, *, quick: bool) -> Finding:
    finding = Finding(
        "A consumer killed mid-batch",
        "When a consumer dies after writing part of its batch, the whole batch comes back "
        "and nothing is counted twice.",
    )
    workload, deliveries = workload_for(105, quick)
    target.set_visibility_timeout(RETRY_SECONDS)
    function = target.functions["EngagementFunction"]
    with killed_mid_batch(function, after_writes=5, times=3) as kills:
        answers = post(target, deliveries)
        left = target.wait_until_drained(DRAIN_SECONDS)
    finding.figure("Answers", statuses(answers))
    finding.figure("Invocations killed after 5 writes", kills.faults)
    finding.figure("Engagement writes made", kills.calls)
    finding.check(kills.faults == 3, f"{kills.faults} invocations were killed, not 3")
    finding.check(not left, f"queues not drained: {left}")
    settle(finding, target, workload)
    return finding


SCENARIOS: tuple[Callable[..., Finding], ...] = (
    queue_outage,
    quarantine_outage,
    consumer_throttling,
    poison_then_redrive,
    consumer_killed,
)
