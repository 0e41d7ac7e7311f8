"""The ingest's decisions, from an HTTP request to a response, with no AWS in sight.

:func:`receive` authenticates, parses and fans out one request through three ports (the
accepted tokens, the event queues, the quarantine), and returns the response with what happened.
The handler supplies the AWS adapters; tests supply moto-backed ones.

Nothing Tilte sends is lost: a payload is either queued whole (202), or kept in quarantine
with the reason before the sender is told (400, 413, and 202 for a type we do not know yet).
When queueing or the quarantine fails, the answer is 503 so that the sender tries again; a
resend is harmless because consumers apply each ``eventId`` once.
"""

from __future__ import annotations

import re
from base64 import b64decode
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from tilte_webhooks.auth import TokensUnavailable, is_authorized, presented_tokens
from tilte_webhooks.errors import (
    BadBase64,
    EventTooLarge,
    InvalidFields,
    NotificationError,
    PayloadTooLarge,
    UnknownNotificationType,
)
from tilte_webhooks.messages import MAX_MESSAGE_BYTES, EventMessage, fan_out
from tilte_webhooks.parser import parse_notification
from tilte_webhooks.settings import IngestSettings

RETRY_AFTER_SECONDS = 30
_HIDDEN_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
_HIDDEN_QUERY = frozenset({"token"})
_SAFE_TYPE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class WebhookRequest:
    """The parts of an HTTP request the ingest looks at."""

    body: str
    is_base64_encoded: bool
    headers: Mapping[str, str]
    """Header names in lower case, as API Gateway's HTTP API gives them."""
    query: Mapping[str, str]
    request_id: str
    received_at: datetime


@dataclass(frozen=True)
class QuarantineRecord:
    """A payload we did not queue, with why, when and how it came; never any credentials."""

    key: str
    reason_code: str
    reason: str
    problems: Sequence[dict[str, str]]
    request_id: str
    received_at: datetime
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes
    """The body as the parser saw it: base64-decoded when the request said so and it was."""
    is_base64_encoded: bool
    """What the request said about its body."""


@dataclass(frozen=True)
class PublishResult:
    queued: int
    failed: int


class TokenSource(Protocol):
    def accepted_tokens(self) -> Sequence[str]:
        """The tokens accepted now; raises :class:`TokensUnavailable` if they cannot be read."""
        ...


class EventPublisher(Protocol):
    def publish(self, notification_type: str, messages: Sequence[EventMessage]) -> PublishResult:
        """Queue the messages; a message counts as failed only after bounded retries."""
        ...


class Quarantine(Protocol):
    def keep(self, record: QuarantineRecord) -> None:
        """Store the record durably; raises :class:`QuarantineUnavailable` on failure."""
        ...


class QuarantineUnavailable(Exception):
    """The quarantine could not store a payload."""


@dataclass(frozen=True)
class IngestOutcome:
    """The response, and what happened, for logs and metrics."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    notification_type: str | None = None
    events: int = 0
    queued: int = 0
    rejection: str | None = None
    """The error code when the payload was not queued."""
    quarantine_key: str | None = None


def receive(
    request: WebhookRequest,
    settings: IngestSettings,
    tokens: TokenSource,
    publisher: EventPublisher,
    quarantine: Quarantine,
) -> IngestOutcome:
    """Handle one POST from Tilte."""
    refusal = _authenticate(request, settings, tokens)
    if refusal is not None:
        return refusal
    try:
        notification_type, messages = notification_messages(
            _body_bytes(request),
            request.headers.get("content-type"),
            max_body_bytes=settings.max_body_bytes,
        )
    except UnknownNotificationType as error:
        return _keep_unknown_type(request, error, quarantine)
    except NotificationError as error:
        return _keep_rejected(request, error, quarantine)
    result = publisher.publish(notification_type, messages)
    if result.failed:
        return IngestOutcome(
            503,
            _error(
                "queue_unavailable",
                f"{result.failed} of {len(messages)} events could not be queued; send the "
                "notification again (events already queued are not applied twice)",
            ),
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
            notification_type=notification_type,
            events=len(messages),
            queued=result.queued,
            rejection="queue_unavailable",
        )
    return IngestOutcome(
        202,
        {"notificationType": notification_type, "queued": result.queued},
        notification_type=notification_type,
        events=len(messages),
        queued=result.queued,
    )


def notification_messages(
    body: bytes, content_type: str | None, *, max_body_bytes: int
) -> tuple[str, list[EventMessage]]:
    """A body's NotificationType and its queue messages, by the ingest's rules: parsed and
    validated within ``max_body_bytes``, one message per event, each small enough to queue.

    Raises a :class:`NotificationError` (:class:`UnknownNotificationType` for a type this
    version does not know). ``tilte-webhooks replay`` applies the same rules to a kept body.
    """
    notification = parse_notification(body, content_type, max_body_bytes=max_body_bytes)
    notification_type: str = getattr(notification, "notification_type")  # noqa: B009
    messages = fan_out(notification)
    _refuse_oversized(messages)
    return notification_type, messages


def _refuse_oversized(messages: Sequence[EventMessage]) -> None:
    for index, message in enumerate(messages):
        size = len(message.to_json())
        if size > MAX_MESSAGE_BYTES:
            raise EventTooLarge(
                f"event {index} would be a {size}-byte queue message, over the limit of "
                f"{MAX_MESSAGE_BYTES}"
            )


def _authenticate(
    request: WebhookRequest, settings: IngestSettings, tokens: TokenSource
) -> IngestOutcome | None:
    if settings.allow_unauthenticated:
        return None
    try:
        accepted = tokens.accepted_tokens()
    except TokensUnavailable:
        return IngestOutcome(
            503,
            _error("auth_unavailable", "the accepted tokens cannot be read right now; try again"),
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
            rejection="auth_unavailable",
        )
    if is_authorized(presented_tokens(request.headers, request.query), accepted):
        return None
    return IngestOutcome(
        401,
        _error(
            "unauthorized",
            "missing or wrong token: send it as ?token=..., as a Bearer token, "
            "or as the password of HTTP Basic authentication",
        ),
        {"WWW-Authenticate": 'Bearer, Basic realm="tilte-webhooks"'},
        rejection="unauthorized",
    )


def _body_bytes(request: WebhookRequest) -> bytes:
    if not request.is_base64_encoded:
        return request.body.encode("utf-8", "surrogatepass")
    try:
        return b64decode(request.body, validate=True)
    except ValueError:  # binascii.Error, or text that is not even ASCII
        raise BadBase64("the body is marked as base64 but is not valid base64") from None


def _keep_unknown_type(
    request: WebhookRequest, error: UnknownNotificationType, quarantine: Quarantine
) -> IngestOutcome:
    name = error.notification_type
    # The name is the sender's text (an address, even): only a plain name reaches the
    # quarantine's keys and the logs.
    plain = name if _SAFE_TYPE_NAME.fullmatch(name) else "_other"
    record = _record(request, f"unknown-type/{plain}", error)
    if not _kept(record, quarantine):
        return _quarantine_unavailable(error.code)
    return IngestOutcome(
        202,
        {"notificationType": name, "queued": 0, "quarantined": True},
        notification_type=plain,
        rejection=error.code,
        quarantine_key=record.key,
    )


def _keep_rejected(
    request: WebhookRequest, error: NotificationError, quarantine: Quarantine
) -> IngestOutcome:
    record = _record(request, "rejected", error)
    if not _kept(record, quarantine):
        return _quarantine_unavailable(error.code)
    body = _error(error.code, error.message)
    if isinstance(error, InvalidFields):
        body["error"]["problems"] = [
            {"path": problem.path, "message": problem.message} for problem in error.problems
        ]
    status = 413 if isinstance(error, PayloadTooLarge) else 400
    return IngestOutcome(status, body, rejection=error.code, quarantine_key=record.key)


def _kept(record: QuarantineRecord, quarantine: Quarantine) -> bool:
    try:
        quarantine.keep(record)
    except QuarantineUnavailable:
        return False
    return True


def _quarantine_unavailable(code: str) -> IngestOutcome:
    return IngestOutcome(
        503,
        _error(
            "quarantine_unavailable",
            "the payload could not be stored for review; send it again",
        ),
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
        rejection=code,
    )


def _record(request: WebhookRequest, folder: str, error: NotificationError) -> QuarantineRecord:
    at = request.received_at
    try:
        body = _body_bytes(request)
    except BadBase64:
        body = request.body.encode("utf-8", "surrogatepass")
    problems = error.problems if isinstance(error, InvalidFields) else ()
    return QuarantineRecord(
        key=f"{folder}/{at:%Y/%m/%d/%H%M%S%f}-{_safe(request.request_id)}.json",
        reason_code=error.code,
        reason=error.message,
        problems=[{"path": problem.path, "message": problem.message} for problem in problems],
        request_id=request.request_id,
        received_at=at,
        headers={k: v for k, v in request.headers.items() if k.lower() not in _HIDDEN_HEADERS},
        query={k: v for k, v in request.query.items() if k not in _HIDDEN_QUERY},
        body=body,
        is_base64_encoded=request.is_base64_encoded,
    )


def _safe(request_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9=_-]", "_", request_id)[:100] or "no-request-id"


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
