"""SQS as a function in AWS sees it, without the network: ``SendMessageBatch`` answered in
this process after a round trip's wait, every entry queued.

botocore still does all its own work for each call (serialize, sign, parse the answer): the
answer is given at its ``before-send`` event, where the request would go out. Used where moto
would measure itself rather than the receiver: moto's SQS is CPU work of one process on the
same shared cores, in proportion to a queue's length for every message, where SQS serves
calls in parallel in a few milliseconds each.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.awsrequest import AWSResponse

ROUND_TRIP = 0.010
"""Seconds a SendMessageBatch takes from a function to SQS in its region: several
milliseconds (an assumption of this model; moto on loopback has no network)."""


@contextmanager
def answered_here(sqs: Any, round_trip: float = ROUND_TRIP) -> Iterator[None]:
    """``sqs``'s SendMessageBatch calls are answered here after ``round_trip`` seconds."""

    def answer(request: Any, **_: Any) -> AWSResponse:
        time.sleep(round_trip)
        ids = [entry["Id"] for entry in json.loads(request.body)["Entries"]]
        body = json.dumps(
            {"Successful": [{"Id": i, "MessageId": i, "MD5OfMessageBody": ""} for i in ids]}
        )
        return AWSResponse(request.url, 200, {"x-amzn-RequestId": "local"}, _Body(body.encode()))

    event = "before-send.sqs.SendMessageBatch"
    sqs.meta.events.register(event, answer, unique_id="bench-sqs-model")
    try:
        yield
    finally:
        sqs.meta.events.unregister(event, unique_id="bench-sqs-model")


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content
