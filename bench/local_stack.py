"""The local stack as the latency benchmark needs it: queues it can empty at will, and
consumers that hold what they receive until the queues are emptied.

moto's SQS does work in proportion to a queue's length for every message sent, received or
deleted (``send_message`` reads every queue attribute, counting the queue, for each message).
A 10,000-event notification fills one queue with 10,000 messages by itself, so the benchmark
keeps the consumers from receiving and deleting while it measures (each poller holds at most
one batch), and purges the queues between measurements. moto allows one purge a minute unless
told otherwise, as AWS does; the stack's moto server is told otherwise.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reliability.stack import Target, running_stack
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

CONSUMERS = (
    "SubscribersFunction",
    "SuppressionsFunction",
    "EngagementFunction",
    "CampaignsFunction",
)
REPEATABLE_PURGES = {"MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR": "false"}
HOLD_SECONDS = 600
"""The longest a consumer holds a batch (a safety net: :meth:`HeldConsumers.empty_queues`
releases them)."""


@contextmanager
def running() -> Iterator[Target]:
    """A local stack whose moto server purges a queue as often as asked."""
    saved = {name: os.environ.get(name) for name in REPEATABLE_PURGES}
    os.environ.update(REPEATABLE_PURGES)
    try:
        with running_stack() as stack:
            yield stack
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class HeldConsumers:
    """While in place, each consumer function holds the batch it is given (its poller makes no
    call meanwhile) until :meth:`empty_queues`, then acknowledges it."""

    def __init__(self, stack: Target) -> None:
        self._stack = stack
        self._released = threading.Event()
        self._handlers = {name: stack.functions[name].handler for name in CONSUMERS}

    def __enter__(self) -> HeldConsumers:
        for name in CONSUMERS:
            self._stack.functions[name].handler = self._hold
        return self

    def __exit__(self, *_: object) -> None:
        for name, handler in self._handlers.items():
            self._stack.functions[name].handler = handler
        self._released.set()

    def _hold(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self._released.wait(HOLD_SECONDS)
        return {"batchItemFailures": []}

    def empty_queues(self) -> None:
        """Purge every queue, then let the held batches go (their deletes find nothing), and
        wait until nothing is left."""
        for name in NOTIFICATION_TYPES:
            self._stack.sqs.purge_queue(QueueUrl=self._stack.queue_url(f"{name}Queue"))
        self._released.set()
        while sum(self._stack.pending().values()):
            time.sleep(0.1)
        self._released.clear()
