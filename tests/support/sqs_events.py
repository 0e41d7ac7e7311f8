"""Lambda SQS events, as an event source mapping delivers queued messages to a consumer."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

ACCOUNT_ARN = "arn:aws:sqs:us-east-1:123456789012"


def sqs_event(bodies: Sequence[str], queue: str = "tilte-Queue") -> dict[str, Any]:
    """One ``Records`` event for these message bodies, each with its own message id."""
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{index}:{body}")),
                "receiptHandle": f"handle-{index}",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1723045803000",
                    "SenderId": "AIDAEXAMPLE",
                    "ApproximateFirstReceiveTimestamp": "1723045803001",
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"{ACCOUNT_ARN}:{queue}",
                "awsRegion": "us-east-1",
            }
            for index, body in enumerate(bodies)
        ]
    }
