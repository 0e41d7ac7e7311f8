"""A moto-backed copy of the stack, built from template.yaml, for the handler tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tilte_cli.cloudformation import Resolver
from tilte_cli.show_command import TABLES
from tilte_webhooks.aws.queries import ReceiverData
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

PENDING = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
"""The queue attributes that count messages not yet deleted."""


@dataclass
class LocalStack:
    """The created resources and a few ways to look inside them."""

    session: Any
    resolver: Resolver

    def client(self, service: str) -> Any:
        return self.session.client(service)

    def queue_url(self, notification_type: str) -> str:
        url: str = self.resolver.refs[f"{notification_type}Queue"]
        return url

    def drain(self, url: str) -> list[dict[str, Any]]:
        """Receive and delete every message of a queue."""
        sqs = self.client("sqs")
        received: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
            ).get("Messages", [])
            if not batch:
                return received
            received.extend(batch)
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
                ],
            )

    @contextmanager
    def draining(self, sender: Any, url: str) -> Iterator[list[dict[str, Any]]]:
        """Drain ``url`` right after each batch ``sender`` sends, while the block runs.

        moto's SQS slows down quadratically as a queue fills (each send counts every message
        in the queue), as the guide warns; draining as a consumer would keeps it short.
        """
        received: list[dict[str, Any]] = []
        lock = threading.Lock()

        def drain_after_send(**_: Any) -> None:
            with lock:
                received.extend(self.drain(url))

        event = "after-call.sqs.SendMessageBatch"
        sender.meta.events.register(event, drain_after_send)
        try:
            yield received
        finally:
            sender.meta.events.unregister(event, drain_after_send)

    def data(self) -> ReceiverData:
        """The query code ``tilte-webhooks show`` uses, over the stack's tables."""
        tables = {domain: self.resolver.refs[logical] for domain, logical in TABLES.items()}
        return ReceiverData(self.client("dynamodb"), tables)

    def queued_bodies(self) -> dict[str, list[str]]:
        """Receive and delete every queued message, by NotificationType."""
        return {
            name: [message["Body"] for message in self.drain(self.queue_url(name))]
            for name in NOTIFICATION_TYPES
        }

    def queued_counts(self) -> dict[str, int]:
        """Messages not yet deleted, by NotificationType: waiting, or received and in flight."""
        sqs = self.client("sqs")
        counts = {}
        for name in NOTIFICATION_TYPES:
            attributes = sqs.get_queue_attributes(
                QueueUrl=self.queue_url(name),
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"]
            counts[name] = sum(int(value) for value in attributes.values())
        return counts

    @property
    def bucket(self) -> str:
        bucket: str = self.resolver.refs["QuarantineBucket"]
        return bucket

    def quarantined(self) -> dict[str, dict[str, Any]]:
        """Key -> stored document, for every object in the quarantine bucket."""
        s3 = self.client("s3")
        objects = s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return {
            item["Key"]: json.loads(
                s3.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
            )
            for item in objects
        }

    def set_secret(self, value: object) -> None:
        """Replace the token secret's value (a dict is stored as JSON)."""
        self.client("secretsmanager").put_secret_value(
            SecretId=self.resolver.refs["TokenSecret"],
            SecretString=value if isinstance(value, str) else json.dumps(value),
        )
