"""Typed errors raised while turning a request body into a notification.

Every error carries a stable machine ``code`` (part of the HTTP contract and of the
quarantine records, so never renamed) and a human ``message`` that names the place
where the problem is, for example ``Events[2].Date: 'yesterday' is not a date``.

The hierarchy tells callers what to do, without string matching:

- :class:`PayloadTooLarge`: the body is over the configured limit (HTTP 413).
- :class:`InvalidPayload` and its subclasses: the body is not a valid notification (HTTP 400).
- :class:`UnknownNotificationType`: a well-formed notification of a type this version does
  not know; the ingest keeps it for later instead of rejecting it.
"""

from __future__ import annotations

from dataclasses import dataclass


def kind_of(value: object) -> str:
    """What a value is, in the payload's vocabulary (JSON's), for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def shown(value: object, limit: int = 60) -> str:
    """``repr`` of a value for an error message, shortened so a huge input stays readable."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit] + "...")
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


class NotificationError(Exception):
    """Base class of every parsing and validation error."""

    code: str = "invalid_notification"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class PayloadTooLarge(NotificationError):
    code = "payload_too_large"


class InvalidPayload(NotificationError):
    """The body cannot be a Tilte notification."""

    code = "invalid_payload"


class BadBase64(InvalidPayload):
    """The request says its body is base64, and it is not."""

    code = "bad_base64"


class EmptyBody(InvalidPayload):
    code = "empty_body"


class UndecodableBody(InvalidPayload):
    """The bytes are not text in any encoding Tilte is known to use."""

    code = "undecodable_body"


class UnsupportedFormat(InvalidPayload):
    """The text is neither XML nor JSON."""

    code = "unsupported_format"


class MalformedXml(InvalidPayload):
    code = "malformed_xml"


class ForbiddenXml(InvalidPayload):
    """The XML uses a construct refused for safety: a DTD, an entity, an external reference."""

    code = "forbidden_xml"


class MalformedJson(InvalidPayload):
    code = "malformed_json"


class RootElementMismatch(InvalidPayload):
    """The XML root element does not belong to the document's NotificationType."""

    code = "root_element_mismatch"


class EventTooLarge(InvalidPayload):
    """One event is too large for a queue message (only possible with huge unknown fields)."""

    code = "event_too_large"


@dataclass(frozen=True)
class FieldProblem:
    """One validation failure: where (``Events[2].Date``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidFields(InvalidPayload):
    """The document is well-formed but its fields do not describe a valid notification."""

    code = "invalid_fields"

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = tuple(problems)
        first = str(problems[0])
        more = len(problems) - 1
        super().__init__(
            first if not more else f"{first} (and {more} more problem{'s' * (more > 1)})"
        )


class UnknownNotificationType(NotificationError):
    """A notification whose ``NotificationType`` this version does not know."""

    code = "unknown_notification_type"

    def __init__(self, notification_type: str) -> None:
        self.notification_type = notification_type
        super().__init__(
            f"NotificationType: {notification_type!r} is not a known notification type"
        )
