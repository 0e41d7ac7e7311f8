"""What became of a queued event in its consumer, from what its writes did; no AWS.

The consumers' :class:`~tilte_webhooks.aws.dynamodb.PlanExecutor` reports each step of an
event's plan as ``(purpose, "applied" | "skipped")``. A step is one of two kinds:

- a *record* (``history``, ``engagement``): written only if absent, keyed by the event's id.
  Skipped means this event was applied before.
- a *register* (``status``, ``profile``, ``suppression``, ``sent``, ``stats``; ``state``, a
  subscriber's status and profile set at once): set only by an event that orders after the one
  that set it (before, for ``suppression``). Skipped means the stored value already comes from
  this event or from one that wins over it. (A ``state`` step that cannot apply is never
  reported: its ``status`` and ``profile`` steps are tried instead.)

From these, one :class:`EventOutcome` per event, for metrics and logs. The SQS record's own
attributes give the batch's NotificationType and each record's correlation id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.writes import StepOutcome

RECORD_STEPS = frozenset({"history", "engagement"})
REGISTER_STEPS = frozenset({"status", "profile", "state", "suppression", "sent", "stats"})
UNKNOWN_TYPE = "unknown"
"""The batch type when no record names a known NotificationType, or records disagree."""
_EVENT_ID = re.compile(r"[0-9a-f]{32}")


class EventOutcome(StrEnum):
    APPLIED = "applied"
    """Everything the event says is stored (also when it completes an interrupted attempt)."""
    DUPLICATE = "duplicate"
    """Its record was already there and nothing else changed: a repeat."""
    OUT_OF_ORDER = "out_of_order"
    """Recorded, but a later event had already set a register it would have set: it arrived
    after an event that follows it."""
    DUPLICATE_OR_OLDER = "duplicate_or_older"
    """An event whose only write is a register (AddressSuppress, CampaignSent,
    CampaignStatsUpdated) that changed nothing: a repeat, or an event that arrived after one
    that wins over it. One conditional write cannot tell the two apart."""


class UnknownStep(Exception):
    """A plan step whose purpose is neither a record nor a register (a rule added without its
    place here; the unit tests plan every sample to catch it)."""


def classify(steps: Sequence[tuple[str, StepOutcome]]) -> EventOutcome:
    """The outcome of one event, from the steps its plan executed."""
    unknown = [purpose for purpose, _ in steps if purpose not in RECORD_STEPS | REGISTER_STEPS]
    if unknown:
        raise UnknownStep(f"no outcome is defined for steps {unknown}")
    records = [outcome for purpose, outcome in steps if purpose in RECORD_STEPS]
    registers = [outcome for purpose, outcome in steps if purpose in REGISTER_STEPS]
    if "skipped" in records:
        # A register written now completes an attempt interrupted after the record.
        return EventOutcome.APPLIED if "applied" in registers else EventOutcome.DUPLICATE
    if "skipped" in registers:
        return EventOutcome.OUT_OF_ORDER if records else EventOutcome.DUPLICATE_OR_OLDER
    return EventOutcome.APPLIED


def batch_notification_type(records: Iterable[Mapping[str, Any]]) -> str:
    """The NotificationType of a batch of SQS records (their ``notificationType`` message
    attribute; records without it are not counted), or :data:`UNKNOWN_TYPE`. An event source
    mapping reads one queue, and each queue holds one type, so a batch has one type. A value
    that is not a NotificationType is never echoed: it could be any text, an address even."""
    named = {_attribute(record, "notificationType") for record in records} - {None}
    if len(named) == 1 and named <= set(NOTIFICATION_TYPES):
        return str(named.pop())
    return UNKNOWN_TYPE


def record_correlation_id(record: Mapping[str, Any]) -> str:
    """The id that ties a record's log lines together: its ``eventId`` attribute, or else
    (a message the ingest did not write) the SQS message id."""
    event_id = _attribute(record, "eventId")
    if event_id is not None and _EVENT_ID.fullmatch(event_id):
        return event_id
    return str(record.get("messageId", ""))


def _attribute(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get("messageAttributes", {}).get(name, {}).get("stringValue")
    return value if isinstance(value, str) else None
