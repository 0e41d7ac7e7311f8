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
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Generic, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, StringConstraints, create_model
from pydantic.alias_generators import to_camel

from tilte_webhooks.dates import TilteDate
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

    def to_json(self) -> str:
        """The message body: compact JSON, ASCII only, so any queue accepts every character."""
        return json.dumps(self.document, separators=(",", ":"))


def fan_out(notification: NotificationBase) -> list[EventMessage]:
    """The messages of one notification, one per event, in the notification's order."""
    notification_type: str = getattr(notification, "notification_type")  # noqa: B009
    context = notification.context()
    key = [_IDENTITY_RULE, notification_type] + [
        getattr(notification, name) for name in notification.CONTEXT.KEY_FIELDS
    ]
    event_fields = tuple(notification.EVENT.model_fields)
    if isinstance(notification, BatchNotification):
        sources: list[tuple[TilteModel, dict[str, Any]]] = [
            (event, event.model_dump(by_alias=True)) for event in notification.events
        ]
    else:
        sources = [
            (notification, notification.model_dump(by_alias=True, include=set(event_fields)))
        ]
    messages = []
    for source, event in sources:
        event_id = _event_id(key + [_identity(getattr(source, name)) for name in event_fields])
        document = {
            "schemaVersion": SCHEMA_VERSION,
            "eventId": event_id,
            "notificationType": notification_type,
            "random": notification.random,
            "context": context,
            "event": event,
        }
        messages.append(EventMessage(event_id, notification_type, document))
    return messages


def _identity(value: object) -> object:
    return value.epoch_ns if isinstance(value, TilteDate) else value


def _event_id(material: list[object]) -> str:
    canonical = json.dumps(material, separators=(",", ":"), ensure_ascii=False)
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
