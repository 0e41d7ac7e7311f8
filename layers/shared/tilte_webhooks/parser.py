"""Request body in, typed notification out: the one entry point for parsing Tilte's payloads.

>>> notification = parse_notification(body_bytes, content_type="text/xml")

The format is sniffed from the bytes (a missing or wrong Content-Type does not matter), XML
is turned into the shape of the JSON, and both go through the same validation. Every failure
is a :class:`~tilte_webhooks.errors.NotificationError` with a stable code and a message that
names the place; nothing else escapes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from tilte_webhooks.decoding import decode_body
from tilte_webhooks.errors import (
    EmptyBody,
    FieldProblem,
    InvalidFields,
    MalformedJson,
    PayloadTooLarge,
    RootElementMismatch,
    UndecodableBody,
    UnknownNotificationType,
    UnsupportedFormat,
    kind_of,
    shown,
)
from tilte_webhooks.gc_paused import gc_paused
from tilte_webhooks.models import BatchNotification, NotificationBase
from tilte_webhooks.notification_types import MODEL_BY_TYPE
from tilte_webhooks.xml_document import child_texts, document_from_xml, local_name, parse_xml

DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
"""Largest body accepted by default, the template's ``MaxBodyBytes`` default (a test keeps
them equal): room under Lambda's 6 MB event for the escaping API Gateway adds."""

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)
_JSON_START = tuple('{["-0123456789tfn')
_UNIQUE_KEYS = ('"NotificationType"', '"Events"')
"""Keys whose repetition would change what a notification means (its type, its batch)."""


def parse_notification(
    body: bytes | str,
    content_type: str | None = None,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> NotificationBase:
    """Parse and validate one notification from a request body.

    ``content_type`` only helps with the rare single-byte charset (see :mod:`decoding`).
    Raises :class:`PayloadTooLarge`, an :class:`InvalidPayload` subclass, or
    :class:`UnknownNotificationType`.
    """
    raw = _utf8(body) if isinstance(body, str) else body
    if len(raw) > max_body_bytes:
        raise PayloadTooLarge(f"the body is {len(raw)} bytes, over the limit of {max_body_bytes}")
    if not raw.strip():
        raise EmptyBody("the body is empty")
    with gc_paused():
        text = decode_body(raw, content_type).lstrip()
        if text.startswith("<"):
            return _from_xml(text)
        if text.startswith(_JSON_START):
            return _from_json(text)
    if not text:
        raise EmptyBody("the body is empty")
    raise UnsupportedFormat(f"the body is neither XML nor JSON (it starts with {text[:20]!r})")


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise UndecodableBody(
            f"the text contains an unpaired surrogate at character {error.start}"
        ) from None


def _from_xml(text: str) -> NotificationBase:
    root = parse_xml(text)
    types = child_texts(root, "NotificationType")
    if len(types) > 1:
        raise InvalidFields([FieldProblem("NotificationType", "appears more than once")])
    model = _model_for(types[0] if types else None)
    root_name = local_name(root)
    if root_name != model.XML_ROOT:
        raise RootElementMismatch(
            f"the root element <{root_name}> does not match NotificationType "
            f"{_type_name(model)!r}, whose root element is <{model.XML_ROOT}>"
        )
    event_element = model.EVENT.__name__ if issubclass(model, BatchNotification) else None
    return _validate(model, document_from_xml(root, event_element))


def _from_json(text: str) -> NotificationBase:
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        raise MalformedJson(f"the JSON is not well-formed: {error}") from None
    except RecursionError:
        raise MalformedJson("the JSON is nested too deeply") from None
    except ValueError as error:  # NaN, Infinity, an integer of thousands of digits
        raise MalformedJson(f"the JSON is not acceptable: {error}") from None
    if not isinstance(document, dict):
        raise InvalidFields(
            [FieldProblem("", f"the JSON must be an object, not {kind_of(document)}")]
        )
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(document)
    if any(text.count(key) > 1 for key in _UNIQUE_KEYS):
        json.loads(text, object_pairs_hook=_refuse_repeated_keys)
    return _validate(_model_for(document.get("NotificationType")), document)


def _refuse_constant(name: str) -> Any:
    raise MalformedJson(f"the JSON is not acceptable: {name} is not a JSON number")


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > 30:
        raise MalformedJson(
            f"the JSON is not acceptable: the number {shown(digits, 20)} is too long"
        )
    return int(digits)


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Only called when a key that matters appears twice in the text: find out whether it does
    in one object, where ``json`` would silently keep the last."""
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InvalidFields([FieldProblem(key, "appears more than once in one object")])
            seen.add(key)
    return document


def _refuse_lone_surrogates(document: dict[str, Any]) -> None:
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedJson("the JSON contains an unpaired UTF-16 surrogate escape") from None


def _model_for(notification_type: object) -> type[NotificationBase]:
    if notification_type is None:
        raise InvalidFields([FieldProblem("NotificationType", "is required")])
    if notification_type == "":
        raise InvalidFields([FieldProblem("NotificationType", "must not be empty")])
    if not isinstance(notification_type, str):
        raise InvalidFields(
            [FieldProblem("NotificationType", f"expected text, found {kind_of(notification_type)}")]
        )
    model = MODEL_BY_TYPE.get(notification_type)
    if model is None:
        raise UnknownNotificationType(notification_type)
    return model


def _type_name(model: type[NotificationBase]) -> str:
    return next(name for name, known in MODEL_BY_TYPE.items() if known is model)


def _validate(model: type[NotificationBase], document: dict[str, Any]) -> NotificationBase:
    """Validate by Tilte's names only: the models also accept their Python names
    (``populate_by_name``, for code), which on the wire are fields Tilte added, not Tilte's
    own (``subscriber_id`` must not stand in for a missing ``SubscriberId``)."""
    try:
        return model.model_validate(document, by_name=False)
    except ValidationError as error:
        raise InvalidFields([_problem(detail) for detail in error.errors()]) from None
    except RecursionError:
        raise InvalidFields([FieldProblem("", "the document is nested too deeply")]) from None


# --- Validation errors in Tilte's vocabulary -----------------------------------------------


def _problem(detail: ErrorDetails) -> FieldProblem:
    path = _path(detail["loc"])
    kind = detail["type"]
    value = detail.get("input")
    context = detail.get("ctx") or {}
    if kind == "missing":
        message = "is required"
    elif kind == "string_type":
        message = f"expected text, found {kind_of(value)}"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "string_too_long":
        message = f"is longer than {context.get('max_length')} characters"
    elif kind == "string_pattern_mismatch":
        what = "an email address" if path.endswith("Email") else "in the expected form"
        message = f"{shown(value)} is not {what}"
    elif kind in {"tuple_type", "list_type"}:
        message = f"expected a list, found {kind_of(value)}"
    elif kind in {"model_type", "model_attributes_type", "dict_type"}:
        message = f"expected an object, found {kind_of(value)}"
    elif kind == "greater_than_equal":
        message = f"{shown(value)} must not be negative"
    elif kind == "literal_error":
        message = f"{shown(value)} is not {context.get('expected')}"
    else:
        message = detail["msg"]
    return FieldProblem(path, message)


def _path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path
