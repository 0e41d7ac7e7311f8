"""Re-ingesting quarantined payloads, once the receiver can take them.

Each selected object of the quarantine bucket (see ``docs/INGEST.md``) goes through the
ingest's own rules again (:func:`tilte_webhooks.ingest.notification_messages`): its exact body,
parsed with the content type it came with, fanned out, every message within the queue's
limit. A payload that passes has its events queued on its type's queue, and then, once all
are queued, its object is moved (copied, then deleted) to ``replayed/<key>``, so that a second
replay does not pick it again. A payload still refused, or of a type still unknown, is left
where it is.

An interruption after queueing and before the move leaves the object where it was: a later
replay queues its events again, which the consumers ignore (they apply each ``eventId`` once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, Base64Bytes, BaseModel, Field, ValidationError, model_validator

from tilte_webhooks.errors import BadBase64, NotificationError, UnknownNotificationType
from tilte_webhooks.ingest import EventPublisher, notification_messages
from tilte_webhooks.parser import DEFAULT_MAX_BODY_BYTES

REPLAYED = "replayed/"
"""Where a replayed payload's object moves; listing leaves this folder out."""


class Outcome(StrEnum):
    QUEUED = "queued"
    REFUSED = "refused"
    UNKNOWN_TYPE = "unknown_type"
    SKIPPED = "skipped"
    """Not a payload to replay: no such object, or not a quarantine record."""


@dataclass(frozen=True)
class Selection:
    """Which objects to replay: those named by ``keys`` and those under ``prefix`` (without
    either, every object outside ``replayed/``), kept when ``since <= receivedAt < until``."""

    keys: Sequence[str] = ()
    prefix: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def covers(self, received_at: datetime) -> bool:
        return (self.since is None or self.since <= received_at) and (
            self.until is None or received_at < self.until
        )


@dataclass(frozen=True)
class Replayed:
    """What happened to one object (or, in a dry run, would happen)."""

    key: str
    outcome: Outcome
    notification_type: str | None = None
    events: int = 0
    """Events queued (``QUEUED``)."""
    code: str | None = None
    """The error code the ingest's rules still give (``REFUSED``)."""
    reason: str | None = None
    """Why it was skipped (``SKIPPED``)."""
    moved_to: str | None = None
    """The object's new key (``QUEUED``, unless it was already under ``replayed/``)."""


class EventsNotQueued(Exception):
    """Some events of a payload could not be queued; its object stays where it is."""


class _Reason(BaseModel):
    code: str


class StoredPayload(BaseModel):
    """The parts of a quarantine object that replay reads (``aws/quarantine.py`` writes it)."""

    reason: _Reason
    received_at: AwareDatetime = Field(alias="receivedAt")
    headers: dict[str, str]
    is_base64_encoded: bool = Field(alias="isBase64Encoded")
    body: str | None = None
    """The body, when it is UTF-8 text."""
    body_base64: Base64Bytes | None = Field(default=None, alias="bodyBase64")
    """The body, otherwise."""

    @model_validator(mode="after")
    def _has_one_body(self) -> StoredPayload:
        if (self.body is None) == (self.body_base64 is None):
            raise ValueError("a record holds either body or bodyBase64")
        return self

    def body_bytes(self) -> bytes:
        """The bytes exactly as the parser saw them at the ingest."""
        if self.body_base64 is not None:
            return self.body_base64
        return (self.body or "").encode("utf-8", "surrogatepass")


class _Skip(Exception):
    """An object that is not a payload to replay."""


def replay(
    s3: Any,
    bucket: str,
    publisher: EventPublisher,
    selection: Selection,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    dry_run: bool = False,
) -> list[Replayed]:
    """Replay the selected objects of the quarantine ``bucket``, in order, one at a time.

    ``max_body_bytes`` is the ingest's limit (the stack's ``MaxBodyBytes``). Raises
    :class:`EventsNotQueued` when the publisher could not queue a payload's events, and lets
    AWS errors through: what was done before stays done, and a rerun is safe.
    """
    results = []
    for key in _selected_keys(s3, bucket, selection):
        try:
            stored = _read(s3, bucket, key)
        except _Skip as skip:
            results.append(Replayed(key, Outcome.SKIPPED, reason=str(skip)))
            continue
        if selection.covers(stored.received_at):
            results.append(_replay(s3, bucket, key, stored, publisher, max_body_bytes, dry_run))
    return results


def _selected_keys(s3: Any, bucket: str, selection: Selection) -> list[str]:
    keys = list(selection.keys)
    if selection.prefix is not None or not selection.keys:
        prefix = selection.prefix or ""
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys.extend(
                item["Key"]
                for item in page.get("Contents", [])
                if prefix.startswith(REPLAYED) or not item["Key"].startswith(REPLAYED)
            )
    return list(dict.fromkeys(keys))


def _read(s3: Any, bucket: str, key: str) -> StoredPayload:
    try:
        content = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        raise _Skip("no such object") from None
    try:
        return StoredPayload.model_validate_json(content)
    except ValidationError:
        raise _Skip("not a quarantine record") from None


def _replay(
    s3: Any,
    bucket: str,
    key: str,
    stored: StoredPayload,
    publisher: EventPublisher,
    max_body_bytes: int,
    dry_run: bool,
) -> Replayed:
    if stored.is_base64_encoded and stored.reason.code == BadBase64.code:
        # Kept as it came, since it could not be decoded: the ingest would refuse it again.
        return Replayed(key, Outcome.REFUSED, code=BadBase64.code)
    try:
        notification_type, messages = notification_messages(
            stored.body_bytes(), stored.headers.get("content-type"), max_body_bytes=max_body_bytes
        )
    except UnknownNotificationType:
        return Replayed(key, Outcome.UNKNOWN_TYPE)
    except NotificationError as error:
        return Replayed(key, Outcome.REFUSED, code=error.code)
    destination = None if key.startswith(REPLAYED) else f"{REPLAYED}{key}"
    if not dry_run:
        result = publisher.publish(notification_type, messages)
        if result.failed:
            raise EventsNotQueued(
                f"{result.failed} of {len(messages)} events of {key} could not be queued; it "
                "stays in quarantine: replay it again (events already queued are not applied "
                "twice)"
            )
        if destination:
            source = {"Bucket": bucket, "Key": key}
            s3.copy_object(Bucket=bucket, Key=destination, CopySource=source)
            s3.delete_object(Bucket=bucket, Key=key)
    return Replayed(key, Outcome.QUEUED, notification_type, len(messages), moved_to=destination)
