"""Sending fan-out messages to SQS: ten per request, many requests at once, retried."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tilte_webhooks.ingest import PublishResult
from tilte_webhooks.messages import (
    ATTRIBUTES_ALLOWANCE,
    MAX_BATCH_BYTES,
    SCHEMA_VERSION,
    EventMessage,
)

MAX_ENTRIES = 10
"""SQS's limit of messages per SendMessageBatch."""


class SqsEventPublisher:
    """Queues each message on its NotificationType's queue with ``SendMessageBatch``.

    Batches hold up to 10 messages and 256 KiB; several batches go out concurrently. Entries
    that fail for a reason on AWS's side (throttling, a server error) are retried with
    exponential backoff and jitter, up to ``max_attempts`` sends in all; entries refused as the
    sender's fault are not retried.
    """

    def __init__(
        self,
        client: Any,
        queue_urls: Mapping[str, str],
        *,
        max_workers: int = 16,
        max_attempts: int = 4,
        base_delay: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._queue_urls = queue_urls
        self._max_workers = max_workers
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._sleep = sleep

    def publish(self, notification_type: str, messages: Sequence[EventMessage]) -> PublishResult:
        url = self._queue_urls[notification_type]
        batches = list(_batches([_entry(message) for message in messages]))
        if len(batches) <= 1:
            failures = [self._send(url, batch) for batch in batches]
        else:
            workers = min(self._max_workers, len(batches))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                failures = list(pool.map(lambda batch: self._send(url, batch), batches))
        failed = sum(failures)
        return PublishResult(queued=len(messages) - failed, failed=failed)

    def _send(self, url: str, entries: list[dict[str, Any]]) -> int:
        """Send one batch; the number of its entries that could not be queued."""
        pending = entries
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._base_delay * 2 ** (attempt - 1) * (1 + random.random()))  # noqa: S311
            try:
                response = self._client.send_message_batch(QueueUrl=url, Entries=pending)
            except (ClientError, BotoCoreError):
                continue
            failed = response.get("Failed", [])
            if not failed:
                return 0
            if any(failure.get("SenderFault") for failure in failed):
                return len(failed)
            retry_ids = {failure["Id"] for failure in failed}
            pending = [entry for entry in pending if entry["Id"] in retry_ids]
        return len(pending)


def _entry(message: EventMessage) -> dict[str, Any]:
    return {
        "MessageBody": message.to_json(),
        "MessageAttributes": {
            "notificationType": {"DataType": "String", "StringValue": message.notification_type},
            "eventId": {"DataType": "String", "StringValue": message.event_id},
            "schemaVersion": {"DataType": "Number", "StringValue": str(SCHEMA_VERSION)},
        },
    }


def _batches(entries: list[dict[str, Any]]) -> Any:
    """Consecutive groups of at most 10 entries and 256 KiB, with ids unique per batch."""
    batch: list[dict[str, Any]] = []
    size = 0
    for entry in entries:
        entry_size = len(entry["MessageBody"].encode()) + ATTRIBUTES_ALLOWANCE
        if batch and (len(batch) == MAX_ENTRIES or size + entry_size > MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(entry | {"Id": str(len(batch))})
        size += entry_size
    if batch:
        yield batch
