"""Lambda SQS events, as an event source mapping delivers queued messages to a consumer."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from tilte_cli.event_sources import sqs_record

ACCOUNT_ARN = "arn:aws:sqs:us-east-1:123456789012"


def sqs_event(bodies: Sequence[str], queue: str = "tilte-Queue") -> dict[str, Any]:
    """One ``Records`` event for these message bodies, each with its own message id."""
    received = [
        {
            "MessageId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{index}:{body}")),
            "ReceiptHandle": f"handle-{index}",
            "Body": body,
            "Attributes": {
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1723045803000",
                "SenderId": "AIDAEXAMPLE",
                "ApproximateFirstReceiveTimestamp": "1723045803001",
            },
            "MD5OfBody": hashlib.md5(body.encode()).hexdigest(),
        }
        for index, body in enumerate(bodies)
    ]
    return {"Records": [sqs_record(message, f"{ACCOUNT_ARN}:{queue}") for message in received]}
