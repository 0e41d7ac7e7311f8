"""The metrics each invocation counts, and their names: pure, so tests pin them exactly.

An invocation publishes one :class:`Counts`: numbers under one breakdown dimension
(``NotificationType`` or ``Reason``), and for the ingest also as totals (the ``service``
dimension alone), which the quarantine alarm and the dashboard read. The names are those of
template.yaml's alarms and dashboard; a template test checks that it uses no other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from tilte_webhooks.event_outcomes import EventOutcome

if TYPE_CHECKING:  # the consumers do not import the ingest's parser
    from tilte_webhooks.ingest import IngestOutcome


class Metric(StrEnum):
    # The ingest, per request
    NOTIFICATIONS_RECEIVED = "NotificationsReceived"
    EVENTS_QUEUED = "EventsQueued"
    NOTIFICATIONS_REJECTED = "NotificationsRejected"
    NOTIFICATIONS_QUARANTINED = "NotificationsQuarantined"
    INGEST_ERRORS = "IngestErrors"
    # The consumers, per batch
    EVENTS_APPLIED = "EventsApplied"
    DUPLICATES_SKIPPED = "DuplicatesSkipped"
    OUT_OF_ORDER_IGNORED = "OutOfOrderIgnored"
    DUPLICATE_OR_OLDER_SKIPPED = "DuplicateOrOlderSkipped"
    EVENTS_FAILED = "EventsFailed"
    POISON_MESSAGES = "PoisonMessages"


OUTCOME_METRICS: Mapping[EventOutcome, Metric] = {
    EventOutcome.APPLIED: Metric.EVENTS_APPLIED,
    EventOutcome.DUPLICATE: Metric.DUPLICATES_SKIPPED,
    EventOutcome.OUT_OF_ORDER: Metric.OUT_OF_ORDER_IGNORED,
    EventOutcome.DUPLICATE_OR_OLDER: Metric.DUPLICATE_OR_OLDER_SKIPPED,
}

NOTIFICATION_TYPE = "NotificationType"
REASON = "Reason"


@dataclass(frozen=True)
class Counts:
    """One invocation's metrics."""

    values: Mapping[Metric, int]
    breakdown: tuple[str, str] | None = None
    """``(dimension, value)`` the values are published under, besides ``service``."""
    with_totals: bool = False
    """Also publish the values under ``service`` alone."""


def ingest_counts(outcome: IngestOutcome) -> Counts:
    """An answered request: received and queued by type, or rejected (and quarantined) by
    reason, each with its totals."""
    if outcome.notification_type and outcome.status == 202 and not outcome.rejection:
        return Counts(
            {Metric.NOTIFICATIONS_RECEIVED: 1, Metric.EVENTS_QUEUED: outcome.queued},
            (NOTIFICATION_TYPE, outcome.notification_type),
            with_totals=True,
        )
    values = {Metric.NOTIFICATIONS_REJECTED: 1}
    if outcome.quarantine_key:
        values[Metric.NOTIFICATIONS_QUARANTINED] = 1
    return Counts(values, (REASON, outcome.rejection or "unknown"), with_totals=True)


def ingest_error_counts() -> Counts:
    """A request that met a bug (answered 503)."""
    return Counts({Metric.INGEST_ERRORS: 1})


def consumer_counts(
    notification_type: str, outcomes: Iterable[EventOutcome], *, failed: int
) -> Counts:
    """A batch: how many events of each outcome, and how many records failed (to be retried,
    or moved to the dead-letter queue after 5 receives). Zero counts are left out."""
    tally = Counter(OUTCOME_METRICS[outcome] for outcome in outcomes)
    values = {metric: tally[metric] for metric in OUTCOME_METRICS.values() if tally[metric]}
    if failed:
        values[Metric.EVENTS_FAILED] = failed
    return Counts(values, (NOTIFICATION_TYPE, notification_type))
