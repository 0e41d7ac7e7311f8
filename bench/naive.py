"""The naive design, measured: what a receiver costs that sends one message per request,
invokes its consumer once per message, and reads each item before writing it.

It runs the project's own parser, fan-out and consumer rules, so it writes exactly the same
data (the cost benchmark checks that it does), but shaped the simple way:

- :class:`OneByOnePublisher`: one ``SendMessage`` per event;
- :func:`consume_one_by_one`: batch size 1: one ``ReceiveMessage``, one invocation and one
  ``DeleteMessage`` per message;
- :class:`ReadingClient`: a ``GetItem`` (strongly consistent, as a check before a write
  needs) before every item written, then the same conditional write.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from tilte_webhooks.aws.dynamodb import PlanExecutor
from tilte_webhooks.consumer import plan_message
from tilte_webhooks.ingest import PublishResult
from tilte_webhooks.messages import SCHEMA_VERSION, EventMessage


class OneByOnePublisher:
    """The ingest's port (:class:`tilte_webhooks.ingest.EventPublisher`), one call per event."""

    def __init__(self, sqs: Any, queue_urls: Mapping[str, str]) -> None:
        self._sqs = sqs
        self._queue_urls = queue_urls

    def publish(self, notification_type: str, messages: Sequence[EventMessage]) -> PublishResult:
        for message in messages:
            self._sqs.send_message(
                QueueUrl=self._queue_urls[notification_type],
                MessageBody=message.to_json(),
                MessageAttributes={
                    "notificationType": {"DataType": "String", "StringValue": notification_type},
                    "eventId": {"DataType": "String", "StringValue": message.event_id},
                    "schemaVersion": {"DataType": "Number", "StringValue": str(SCHEMA_VERSION)},
                },
            )
        return PublishResult(queued=len(messages), failed=0)


class ReadingClient:
    """A DynamoDB client that reads every item it is asked to write, first."""

    def __init__(self, dynamodb: Any, keys: Mapping[str, tuple[str, ...]]) -> None:
        self._dynamodb = dynamodb
        self._keys = keys

    def put_item(self, **params: Any) -> Any:
        self._read(params["TableName"], params["Item"])
        return self._dynamodb.put_item(**params)

    def update_item(self, **params: Any) -> Any:
        self._read(params["TableName"], params["Key"])
        return self._dynamodb.update_item(**params)

    def transact_write_items(self, **params: Any) -> Any:
        for entry in params["TransactItems"]:
            ((kind, write),) = entry.items()
            self._read(write["TableName"], write["Item"] if kind == "Put" else write["Key"])
        return self._dynamodb.transact_write_items(**params)

    def _read(self, table: str, item: Mapping[str, Any]) -> None:
        key = {name: item[name] for name in self._keys[table]}
        self._dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)


def consume_one_by_one(
    sqs: Any, queue_url: str, executor: PlanExecutor, tables: Mapping[str, str]
) -> list[float]:
    """Receive, apply and delete the queue's messages one at a time until it is empty; the
    seconds each invocation took (what Lambda would bill), one per message."""
    invocations: list[float] = []
    while True:
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1).get(
            "Messages", []
        )
        if not received:
            return invocations
        (message,) = received
        started = time.perf_counter()
        executor.execute(plan_message(message["Body"], tables))
        invocations.append(time.perf_counter() - started)
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
