"""Fan-out to SQS under failures: retried, bounded, and a 503 when events stay unqueued."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.aws import LocalStack
from tests.support.payloads import payload_bytes
from tilte_webhooks.aws.quarantine import S3Quarantine
from tilte_webhooks.aws.queues import SqsEventPublisher
from tilte_webhooks.aws.tokens import FixedTokens
from tilte_webhooks.ingest import WebhookRequest, receive
from tilte_webhooks.messages import MAX_BATCH_BYTES, EventMessage, fan_out
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.parser import parse_notification
from tilte_webhooks.settings import IngestSettings

FailurePlan = Callable[[int, dict[str, Any]], str | None]
"""(attempt number from 1, entry) -> how the entry fails ("server", "sender"), or None."""


class FlakySqs:
    """A real (moto) SQS client whose SendMessageBatch fails entries as a plan says."""

    def __init__(self, real: Any, plan: FailurePlan, raises_on: set[int] | None = None) -> None:
        self._real = real
        self._plan = plan
        self._raises_on = raises_on or set()
        self.calls: list[list[dict[str, Any]]] = []

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.calls.append(Entries)
        attempt = len(self.calls)
        if attempt in self._raises_on:
            raise ClientError(
                {"Error": {"Code": "ThrottlingException", "Message": "slow down"}},
                "SendMessageBatch",
            )
        failing = {entry["Id"]: self._plan(attempt, entry) for entry in Entries}
        passing = [entry for entry in Entries if not failing[entry["Id"]]]
        response = (
            self._real.send_message_batch(QueueUrl=QueueUrl, Entries=passing) if passing else {}
        )
        return {
            "Successful": response.get("Successful", []),
            "Failed": [
                {"Id": id_, "SenderFault": how == "sender", "Code": "InternalError", "Message": "x"}
                for id_, how in failing.items()
                if how
            ],
        }


def ten_messages() -> list[EventMessage]:
    document = json.loads(payload_bytes("MessageOpen", "json"))
    document["Events"] = [
        {"Email": f"r{i}@example.com", "Date": f"2024-08-07T14:11:3{i}.1Z", "SubscriberId": f"r{i}"}
        for i in range(10)
    ]
    return fan_out(parse_notification(json.dumps(document)))


def publisher(stack: LocalStack, client: Any, sleeps: list[float]) -> SqsEventPublisher:
    urls = {name: stack.queue_url(name) for name in NOTIFICATION_TYPES}
    return SqsEventPublisher(client, urls, sleep=sleeps.append)


def test_entries_failing_on_aws_side_are_retried_alone_with_backoff(stack: LocalStack) -> None:
    # Given SQS fails entries 3 and 7 of the first attempt
    flaky = FlakySqs(
        stack.client("sqs"),
        lambda attempt, e: "server" if attempt == 1 and e["Id"] in "37" else None,
    )
    sleeps: list[float] = []

    # When ten events are published
    result = publisher(stack, flaky, sleeps).publish("MessageOpen", ten_messages())

    # Then the two are sent again, alone, after a backoff, and all ten are queued once
    assert (result.queued, result.failed) == (10, 0)
    assert [[entry["Id"] for entry in call] for call in flaky.calls] == [
        [str(i) for i in range(10)],
        ["3", "7"],
    ]
    assert len(sleeps) == 1
    assert 0.05 <= sleeps[0] <= 0.1
    assert len(stack.drain(stack.queue_url("MessageOpen"))) == 10


def test_a_throttled_call_is_retried_whole(stack: LocalStack) -> None:
    flaky = FlakySqs(stack.client("sqs"), lambda attempt, entry: None, raises_on={1, 2})
    sleeps: list[float] = []

    result = publisher(stack, flaky, sleeps).publish("MessageOpen", ten_messages())

    assert (result.queued, result.failed) == (10, 0)
    assert len(flaky.calls) == 3
    # exponential backoff with jitter: 0.05 s x 2^(n-1) x [1, 2)
    assert 0.05 <= sleeps[0] < 0.1
    assert 0.1 <= sleeps[1] < 0.2
    assert len(stack.drain(stack.queue_url("MessageOpen"))) == 10


def test_entries_refused_as_the_senders_fault_are_not_retried(stack: LocalStack) -> None:
    flaky = FlakySqs(stack.client("sqs"), lambda attempt, e: "sender" if e["Id"] == "0" else None)

    result = publisher(stack, flaky, []).publish("MessageOpen", ten_messages())

    assert (result.queued, result.failed) == (9, 1)
    assert len(flaky.calls) == 1


def test_persistent_failure_is_bounded_and_answered_503(stack: LocalStack) -> None:
    # Given SQS fails one entry on every attempt
    flaky = FlakySqs(stack.client("sqs"), lambda attempt, e: "server" if e["Id"] == "4" else None)
    sleeps: list[float] = []
    settings = IngestSettings(
        queue_urls={name: stack.queue_url(name) for name in NOTIFICATION_TYPES},
        quarantine_bucket=stack.bucket,
        local_tokens=("t",),
    )
    body = json.dumps(
        {**json.loads(payload_bytes("MessageOpen", "json")), "Events": [
            m.document["event"] for m in ten_messages()
        ]}
    )  # fmt: skip
    request = WebhookRequest(body, False, {}, {"token": "t"}, "req-1", datetime.now(UTC))

    # When the notification is received
    outcome = receive(
        request,
        settings,
        FixedTokens(("t",)),
        publisher(stack, flaky, sleeps),
        S3Quarantine(stack.client("s3"), stack.bucket),
    )

    # Then after four attempts the sender is told to send again; nothing is lost
    assert outcome.status == 503
    assert outcome.body == {
        "error": {
            "code": "queue_unavailable",
            "message": "1 of 10 events could not be queued; send the notification again "
            "(events already queued are not applied twice)",
        }
    }
    assert outcome.headers == {"Retry-After": "30"}
    assert len(flaky.calls) == 4
    assert [0.05 * 2**n <= delay < 0.1 * 2**n for n, delay in enumerate(sleeps)] == [True] * 3
    assert len(stack.drain(stack.queue_url("MessageOpen"))) == 9


def test_batches_respect_the_size_limit_as_well_as_the_count(stack: LocalStack) -> None:
    # Given ten events carrying a large unknown field (60 kB each)
    document = json.loads(payload_bytes("MessageOpen", "json"))
    document["Events"] = [{**m.document["event"], "Note": "x" * 60_000} for m in ten_messages()]
    messages = fan_out(parse_notification(json.dumps(document)))
    flaky = FlakySqs(stack.client("sqs"), lambda attempt, entry: None)

    result = publisher(stack, flaky, []).publish("MessageOpen", messages)

    assert (result.queued, result.failed) == (10, 0)
    assert [len(call) for call in flaky.calls] == [4, 4, 2]
    for call in flaky.calls:
        assert sum(len(entry["MessageBody"]) + 160 for entry in call) <= MAX_BATCH_BYTES


@pytest.mark.parametrize("extra_bytes", [300_000])
def test_an_event_too_large_for_a_queue_is_quarantined_not_retried(
    stack: LocalStack, extra_bytes: int
) -> None:
    document = json.loads(payload_bytes("Unsubscribe", "json"))
    document["Events"][0]["Note"] = "x" * extra_bytes
    settings = IngestSettings(
        queue_urls={name: stack.queue_url(name) for name in NOTIFICATION_TYPES},
        quarantine_bucket=stack.bucket,
        local_tokens=("t",),
    )
    request = WebhookRequest(
        json.dumps(document), False, {}, {"token": "t"}, "big", datetime.now(UTC)
    )

    outcome = receive(
        request,
        settings,
        FixedTokens(("t",)),
        publisher(stack, stack.client("sqs"), []),
        S3Quarantine(stack.client("s3"), stack.bucket),
    )

    assert outcome.status == 400
    assert outcome.body["error"]["code"] == "event_too_large"
    assert outcome.body["error"]["message"].startswith("event 0 would be a 300")
    assert list(stack.quarantined()) == [outcome.quarantine_key]
    assert stack.queued_counts()["Unsubscribe"] == 0
