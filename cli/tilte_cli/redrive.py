"""Moving messages from dead-letter queues back to their source queues, losing none.

Each round receives up to 10 messages from a dead-letter queue (hidden from other readers for
a visibility timeout), sends them to the source queue with ``SendMessageBatch`` (body and
message attributes as they were), and deletes from the dead-letter queue only the entries the
source queue accepted. An interruption before the delete leaves the messages in the dead-letter
queue, where they reappear after the visibility timeout: at worst a message is then on both
queues, a duplicate the consumers ignore, since they apply each ``eventId`` once.

A queue is done when a receive comes back empty and the queue counts no waiting message, or
after :data:`EMPTY_RECEIVES` empty receives in a row (SQS can answer empty while messages
exist). No run receives more than the messages counted at its start plus :data:`MARGIN`, so
messages that keep coming back cannot keep it going.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_MESSAGES = 10
"""SQS's limit for one ReceiveMessage and one SendMessageBatch."""
VISIBILITY_TIMEOUT_SECONDS = 60
"""How long received messages stay hidden in the dead-letter queue: the time one round has."""
EMPTY_RECEIVES = 2
WAIT_SECONDS = 1
"""Long polling for a receive after an empty one, which asks every SQS server."""
MARGIN = 100
"""Messages received beyond the count at the start (ones that arrive while it runs)."""


@dataclass(frozen=True)
class Redriven:
    """What happened to one dead-letter queue."""

    moved: int
    """Messages sent to the source queue (and deleted from the dead-letter queue)."""
    left: int
    """Messages the source queue refused: still in the dead-letter queue."""


def redrive(
    sqs: Any,
    queues: Mapping[str, tuple[str, str]],
    *,
    visibility_timeout: int = VISIBILITY_TIMEOUT_SECONDS,
) -> dict[str, Redriven]:
    """Move every message of each dead-letter queue to its source queue.

    ``queues`` maps a name (the NotificationType) to ``(dead-letter queue URL, source queue
    URL)``; the result maps the same names to what was moved. AWS errors propagate (a rerun is
    safe).
    """
    return {
        name: _redrive_queue(sqs, dead_letter, source, visibility_timeout)
        for name, (dead_letter, source) in queues.items()
    }


def _redrive_queue(sqs: Any, dead_letter: str, source: str, visibility_timeout: int) -> Redriven:
    budget = _waiting(sqs, dead_letter) + MARGIN
    received = moved = empty = 0
    left: set[str] = set()
    while received < budget:
        messages = sqs.receive_message(
            QueueUrl=dead_letter,
            MaxNumberOfMessages=min(MAX_MESSAGES, budget - received),
            VisibilityTimeout=visibility_timeout,
            WaitTimeSeconds=WAIT_SECONDS if empty else 0,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            empty += 1
            if empty >= EMPTY_RECEIVES or _waiting(sqs, dead_letter) == 0:
                break
            continue
        empty = 0
        received += len(messages)
        sent, refused = _send(sqs, source, messages)
        left.update(message["MessageId"] for message in refused)
        left.difference_update(message["MessageId"] for message in sent)
        _delete(sqs, dead_letter, sent)
        moved += len(sent)
    return Redriven(moved=moved, left=len(left))


def _waiting(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def _send(
    sqs: Any, url: str, messages: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The messages the queue accepted, and those it refused."""
    entries = []
    for index, message in enumerate(messages):
        entry: dict[str, Any] = {"Id": str(index), "MessageBody": message["Body"]}
        if message.get("MessageAttributes"):
            entry["MessageAttributes"] = message["MessageAttributes"]
        entries.append(entry)
    response = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    accepted = {int(entry["Id"]) for entry in response.get("Successful", [])}
    return (
        [message for index, message in enumerate(messages) if index in accepted],
        [message for index, message in enumerate(messages) if index not in accepted],
    )


def _delete(sqs: Any, url: str, messages: list[dict[str, Any]]) -> None:
    """Delete received messages; one that fails to delete reappears later, a harmless copy."""
    if messages:
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                for index, message in enumerate(messages)
            ],
        )
