"""How events are ordered, whatever order they arrive in.

An event's *order key* is ``<instant in UTC, 9 fractional digits>#<rank>#<eventId>``. As a
string it sorts in time order at full precision (Tilte's 7th and 8th digits included), then by
rank, then by event id, so two different events never tie. Ranks break ties between events of
the same instant: an Unsubscribe outranks an UpdateSubscriber, which outranks a Subscribe, so
at the same instant the unsubscription wins.
"""

from __future__ import annotations

from tilte_webhooks.dates import TilteDate

RANK = {"Subscribe": 1, "UpdateSubscriber": 2, "Unsubscribe": 3}
"""Tie-break between events of the same instant; higher wins. Other types rank 0."""


def order_key(date: TilteDate, notification_type: str, event_id: str) -> str:
    return f"{date.utc_iso}#{RANK.get(notification_type, 0)}#{event_id}"
