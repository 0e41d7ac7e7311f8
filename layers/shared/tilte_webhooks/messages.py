"""Fan-out: one queue message per event, in a versioned JSON format.

A notification with a batch of N events becomes N messages; CampaignSent and
CampaignStatsUpdated become one message each. Every message is a JSON object::

    {
      "schemaVersion": 1,
      "eventId": "3f0c...",              # 32 hex digits, derived from the event's content
      "notificationType": "Subscribe",
      "random": "qtrz...",               # the notification's nonce, for tracing only
      "context": {"ListId": "...", "ListName": "..."},
      "event": {"Email": "...", "Date": "2024-08-07T12:45:49.4657042Z", "SubscriberId": "..."}
    }

``context`` and ``event`` keep Tilte's own field names and values (dates exactly as sent,
numbers as integers), including fields Tilte adds in future. ``docs/MESSAGES.md`` documents the
format; ``schemas/messages/v1/`` holds its JSON Schema per type, generated from
:func:`message_model`.

The ``eventId`` is the same whenever the same event arrives again, as XML or as JSON, in the
same or another notification: it hashes the type, the context's key (``ListId`` or
``CampaignId``) and the event's documented fields, with the date as its exact instant. It leaves
out ``Random`` (one per notification, not per event), names (which can change) and unknown
fields (whose XML and JSON forms may differ).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from typing import Annotated, Any, Generic, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, StringConstraints, create_model
from pydantic.alias_generators import to_camel

from tilte_webhooks.dates import TilteDate
from tilte_webhooks.gc_paused import gc_paused
from tilte_webhooks.models import BatchNotification, NotificationBase, TilteModel
from tilte_webhooks.notification_types import MODEL_BY_TYPE

SCHEMA_VERSION = 1
"""Version of the message format; consumers refuse versions they do not know."""

MAX_BATCH_BYTES = 256 * 1024
"""SQS's historical limit on a message, and on a batch's total, bodies and attributes."""
ATTRIBUTES_ALLOWANCE = 160
"""Bytes counted for one message's attributes (names, types and values, generously)."""
MAX_MESSAGE_BYTES = MAX_BATCH_BYTES - ATTRIBUTES_ALLOWANCE
"""Largest message body the queues take with room for its attributes."""

_IDENTITY_RULE = "tilte-event-id/1"
"""Changing what the event id covers changes this, and with it every id: avoid it."""


@dataclass(frozen=True, slots=True)
class EventMessage:
    """One event, ready for its NotificationType's queue."""

    event_id: str
    notification_type: str
    document: dict[str, Any]
    body: str = field(repr=False)
    """``document`` as compact JSON, ASCII only, so any queue accepts every character."""

    def to_json(self) -> str:
        """The message body (:attr:`body`)."""
        return self.body


def fan_out(notification: NotificationBase) -> list[EventMessage]:
    """The messages of one notification, one per event, in the notification's order.

    A batch can hold 10,000 events, so what all its messages share (the start of each id's
    material, the envelope of each body) is written once, and each event adds only its own
    part: the result is exactly ``json.dumps`` of the whole, as a test checks.
    """
    notification_type: str = getattr(notification, "notification_type")  # noqa: B009
    context = notification.context()
    key = [_IDENTITY_RULE, notification_type] + [
        getattr(notification, name) for name in notification.CONTEXT.KEY_FIELDS
    ]
    event_fields = tuple(notification.EVENT.model_fields)
    sources: tuple[TilteModel, ...]
    if isinstance(notification, BatchNotification):
        sources = notification.events
        events = notification.model_dump(by_alias=True, include={"events"})["Events"]
    else:
        sources = (notification,)
        events = [notification.model_dump(by_alias=True, include=set(event_fields))]
    material_start = _canonical_json(key)[:-1] + ","
    shared = _ascii_json(
        {"notificationType": notification_type, "random": notification.random, "context": context}
    )[1:-1]
    values_of = attrgetter(*event_fields) if len(event_fields) > 1 else _one(event_fields[0])
    messages = []
    with gc_paused():
        for source, event in zip(sources, events, strict=True):
            material = ",".join(map(_identity_json, values_of(source)))
            event_id = _event_id(f"{material_start}{material}]")
            body = (
                f'{{"schemaVersion":{SCHEMA_VERSION},"eventId":"{event_id}",{shared},'
                f'"event":{_event_json(event)}}}'
            )
            document = {
                "schemaVersion": SCHEMA_VERSION,
                "eventId": event_id,
                "notificationType": notification_type,
                "random": notification.random,
                "context": context,
                "event": event,
            }
            messages.append(EventMessage(event_id, notification_type, document, body))
    return messages


def _one(name: str) -> Callable[[object], tuple[object]]:
    """Like ``attrgetter(name)``, but a tuple, as ``attrgetter`` gives for several names."""
    return lambda source: (getattr(source, name),)


_ascii_json = json.JSONEncoder(separators=(",", ":")).encode
"""``json.dumps(value, separators=(",", ":"))``, without making an encoder per call."""
_canonical_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _null(_: None) -> str:
    return "null"


_EVENT_VALUE_JSON: dict[type, Callable[[Any], str]] = {
    str: json.encoder.encode_basestring_ascii,
    int: int.__repr__,
    type(None): _null,
}
"""How :data:`_ascii_json` writes a value of each of these exact types (not bool: its class
is another), for :func:`_event_json`."""


def _event_json(event: dict[str, Any]) -> str:
    """``_ascii_json(event)``: written here when every value is text, a count or null, as in
    every event but those with fields Tilte adds as structures, which is twice as fast as the
    encoder's set-up for each small object."""
    text = _EVENT_VALUE_JSON[str]
    try:
        members = [f"{text(k)}:{_EVENT_VALUE_JSON[v.__class__](v)}" for k, v in event.items()]
    except KeyError:  # a structure, a float or a boolean: the encoder writes those
        return _ascii_json(event)
    return "{" + ",".join(members) + "}"


_IDENTITY_VALUE_JSON: dict[type, Callable[[Any], str]] = {
    str: json.encoder.encode_basestring,  # what ensure_ascii=False writes
    TilteDate: lambda date: str(date.epoch_ns),
    int: int.__repr__,
    type(None): _null,
}
"""How :data:`_canonical_json` writes each type of a documented field, a date as its instant
in integer nanoseconds (a documented field is text, a date, a count, or a missing optional)."""


def _identity_json(value: object) -> str:
    write = _IDENTITY_VALUE_JSON.get(value.__class__)
    return write(value) if write is not None else _canonical_json(value)


def _event_id(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# --- Reading messages back: the models consumers validate with and the schemas come from ---

ContextT = TypeVar("ContextT", bound=TilteModel)
EventT = TypeVar("EventT", bound=TilteModel)

EventId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class MessageEnvelope(BaseModel, Generic[ContextT, EventT]):
    """A queue message; :func:`message_model` gives the model of one NotificationType."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        use_attribute_docstrings=True,
        field_title_generator=lambda name, field: field.alias or name,
        defer_build=True,
    )

    schema_version: Literal[1]
    """Version of this format."""
    event_id: EventId
    """Identifies the event across deliveries and formats: a consumer applies it at most once."""
    notification_type: str
    """Tilte's NotificationType; also the queue the message is on."""
    random: str
    """The Random nonce of the notification that carried the event."""
    context: ContextT
    """What the notification said about all its events (list or campaign), Tilte's names."""
    event: EventT
    """The event itself, Tilte's names, dates exactly as sent, numbers as integers."""


@cache
def message_model(notification_type: str) -> type[MessageEnvelope[Any, Any]]:
    """The model of the messages of one NotificationType (``KeyError`` for an unknown one)."""
    notification = MODEL_BY_TYPE[notification_type]
    base = MessageEnvelope[notification.CONTEXT, notification.EVENT]  # type: ignore[name-defined]
    model = create_model(
        f"{notification_type}Message",
        __base__=base,
        __doc__=f"One {notification_type} event as queued by the ingest (format version "
        f"{SCHEMA_VERSION}).",
        notification_type=(Literal[notification_type], ...),  # type: ignore[arg-type]
    )
    return cast(type[MessageEnvelope[Any, Any]], model)


def message_json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of the messages of every NotificationType, by type."""
    return {
        name: {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **message_model(name).model_json_schema(by_alias=True),
        }
        for name in MODEL_BY_TYPE
    }
