"""Queued messages as tests compare them, and an interruption to inject."""

from __future__ import annotations

from typing import Any

from tests.support.aws import LocalStack
from tilte_webhooks.messages import EventMessage

Message = tuple[str, dict[str, Any]]
"""(body, message attributes)."""


def as_queued(messages: list[EventMessage]) -> list[Message]:
    """The messages as the ingest queues them, sorted by body."""
    return sorted(
        (
            message.to_json(),
            {
                "notificationType": {
                    "DataType": "String",
                    "StringValue": message.notification_type,
                },
                "eventId": {"DataType": "String", "StringValue": message.event_id},
                "schemaVersion": {"DataType": "Number", "StringValue": "1"},
            },
        )
        for message in messages
    )


def drained(stack: LocalStack, url: str) -> list[Message]:
    """Receive and delete every message of a queue; sorted by body."""
    return sorted((m["Body"], m["MessageAttributes"]) for m in stack.drain(url))


class Interrupted(Exception):
    """The process stops here (a crash, Ctrl-C, a lost connection)."""


def interrupt(**_: Any) -> None:
    raise Interrupted
