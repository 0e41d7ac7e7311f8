"""The quarantine: an S3 bucket keeping every payload the ingest did not queue."""

from __future__ import annotations

import json
from base64 import b64encode
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tilte_webhooks.ingest import QuarantineRecord, QuarantineUnavailable


class S3Quarantine:
    """Writes each record as one JSON object; the key says why and when (see docs)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def keep(self, record: QuarantineRecord) -> None:
        try:
            self._client.put_object(
                Bucket=self._bucket,
                Key=record.key,
                Body=json.dumps(record_document(record), indent=2).encode("utf-8"),
                ContentType="application/json",
            )
        except (ClientError, BotoCoreError) as error:
            raise QuarantineUnavailable(str(error)) from error


def record_document(record: QuarantineRecord) -> dict[str, Any]:
    """The stored form: the body as text when it is UTF-8, else as base64, exact either way."""
    document: dict[str, Any] = {
        "reason": {"code": record.reason_code, "message": record.reason},
        "requestId": record.request_id,
        "receivedAt": record.received_at.isoformat(),
        "headers": dict(record.headers),
        "query": dict(record.query),
        "isBase64Encoded": record.is_base64_encoded,
    }
    if record.problems:
        document["reason"]["problems"] = list(record.problems)
    try:
        document["body"] = record.body.decode("utf-8")
    except UnicodeDecodeError:
        document["bodyBase64"] = b64encode(record.body).decode("ascii")
    return document
