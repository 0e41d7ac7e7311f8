"""What the data must be after a workload: a small model of the rules, written apart from them.

It reads the notifications' documents (the unique ones: how often and in what order they were
delivered must not matter) and computes, in plain Python and with no code of the receiver,
the state docs/DATA_MODEL.md promises:

- a subscriber's status comes from the latest Subscribe or Unsubscribe, its email, update time
  and last event type from the latest of the three; at the same instant Unsubscribe beats
  UpdateSubscriber beats Subscribe;
- an address (any case) is suppressed from its earliest AddressSuppress;
- a campaign's sent time and recipient count come from its latest CampaignSent, its stats time
  from its latest CampaignStatsUpdated; it counts each distinct event once, and each recipient
  once in its unique opens and clicks;
- each distinct subscriber or engagement event is stored once.

An event is identified by its type, its list or campaign, and its fields, the date by its
instant (7 or 8 digits alike): the same event carried by two notifications, or sent as XML and
as JSON, is one event.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

RANK = {"Subscribe": 1, "UpdateSubscriber": 2, "Unsubscribe": 3}
STATUS = {"Subscribe": "subscribed", "Unsubscribe": "unsubscribed"}
COUNTER = {
    "MessageDelivered": "delivered",
    "MessageBounced": "bounced",
    "MessageOpen": "opens",
    "MessageClick": "clicks",
}
Event = tuple[str, dict[str, Any], dict[str, Any]]
"""(NotificationType, the notification's context, the event)."""
_DATE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z")


def instant(date: str) -> int:
    """Nanoseconds since 1970 of a UTC date as Tilte writes it."""
    match = _DATE.fullmatch(date)
    if match is None:
        raise ValueError(f"the reference model reads UTC dates only, not {date!r}")
    whole = datetime.fromisoformat(match[1]).replace(tzinfo=UTC)
    return int(whole.timestamp()) * 1_000_000_000 + int((match[2] or "").ljust(9, "0"))


@dataclass
class Expected:
    subscribers: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(ListId, SubscriberId) -> what ``ReceiverData.subscriber`` must answer."""
    suppressions: dict[str, str] = field(default_factory=dict)
    """Lower-case address -> ``since``."""
    campaigns: dict[str, dict[str, Any]] = field(default_factory=dict)
    """CampaignId -> what ``ReceiverData.campaign`` must answer."""
    stored_events: int = 0
    """Subscriber history records plus engagement records."""
    unique_events: int = 0
    """Distinct events of every type."""


def expected_state(notifications: Iterable[dict[str, Any]]) -> Expected:
    events = _unique_events(notifications)
    expected = Expected(unique_events=len(events))
    latest: dict[tuple[str, ...], tuple[tuple[int, int], Event]] = {}

    def later(slot: tuple[str, ...], order: tuple[int, int], event: Event) -> None:
        if slot not in latest or latest[slot][0] < order:
            latest[slot] = (order, event)

    opened: dict[str, set[str]] = {}
    clicked: dict[str, set[str]] = {}
    for kind, context, event in events:
        at = instant(event["Date"])
        this = (kind, context, event)
        if kind in RANK:
            subscriber = (context["ListId"], event["SubscriberId"])
            later(("profile", *subscriber), (at, RANK[kind]), this)
            if kind in STATUS:
                later(("status", *subscriber), (at, RANK[kind]), this)
            expected.stored_events += 1
        elif kind == "AddressSuppress":
            address = event["Email"].lower()
            since = expected.suppressions.get(address)
            if since is None or at < instant(since):
                expected.suppressions[address] = event["Date"]
        elif kind in COUNTER:
            campaign = _campaign(expected, context)
            campaign[COUNTER[kind]] += 1
            if kind == "MessageBounced":
                campaign["bouncedByType"][event["Type"]] += 1
            if kind == "MessageClick":
                campaign["clicksByUrl"][event["Url"]] += 1
                clicked.setdefault(context["CampaignId"], set()).add(event["SubscriberId"])
            if kind == "MessageOpen":
                opened.setdefault(context["CampaignId"], set()).add(event["SubscriberId"])
            expected.stored_events += 1
        else:  # CampaignSent, CampaignStatsUpdated: the notification is the event
            _campaign(expected, context)
            later((kind, context["CampaignId"]), (at, 0), this)

    for slot, (_, (kind, context, event)) in latest.items():
        if slot[0] == "profile":
            state = _subscriber(expected, slot[1], slot[2])
            state |= {
                "email": event["Email"],
                "listName": context["ListName"],
                "updatedAt": event["Date"],
                "lastEventType": kind,
            }
        elif slot[0] == "status":
            state = _subscriber(expected, slot[1], slot[2])
            state |= {"status": STATUS[kind], "statusSince": event["Date"]}
        elif slot[0] == "CampaignSent":
            expected.campaigns[slot[1]] |= {
                "sentAt": event["Date"],
                "recipientCount": int(event["RecipientCount"]),
            }
        else:
            expected.campaigns[slot[1]]["statsUpdatedAt"] = event["Date"]
    for campaign_id, campaign in expected.campaigns.items():
        campaign["uniqueOpens"] = len(opened.get(campaign_id, ()))
        campaign["uniqueClicks"] = len(clicked.get(campaign_id, ()))
        campaign["bouncedByType"] = dict(sorted(campaign["bouncedByType"].items()))
        campaign["clicksByUrl"] = dict(sorted(campaign["clicksByUrl"].items()))
    return expected


def _unique_events(notifications: Iterable[dict[str, Any]]) -> list[Event]:
    """(type, context, event) of each distinct event, in first-seen order."""
    seen: dict[tuple[Any, ...], Event] = {}
    for document in notifications:
        kind = document["NotificationType"]
        context = {k: v for k, v in document.items() if k not in ("Events", "Random")}
        batch = document.get("Events", [document])
        for event in batch:
            fields = {k: v for k, v in event.items() if k not in ("Random", "CampaignName")}
            fields["Date"] = instant(event["Date"])
            where = document.get("ListId") or document.get("CampaignId")
            identity = (kind, where, tuple(sorted((k, str(v)) for k, v in fields.items())))
            seen.setdefault(identity, (kind, context, event))
    return list(seen.values())


def _subscriber(expected: Expected, list_id: str, subscriber_id: str) -> dict[str, Any]:
    return expected.subscribers.setdefault(
        (list_id, subscriber_id),
        {
            "listId": list_id,
            "subscriberId": subscriber_id,
            "status": "unknown",
            "statusSince": None,
        },
    )


def _campaign(expected: Expected, context: dict[str, Any]) -> dict[str, Any]:
    return expected.campaigns.setdefault(
        context["CampaignId"],
        {
            "campaignId": context["CampaignId"],
            "name": context["CampaignName"],
            "sentAt": None,
            "recipientCount": None,
            "statsUpdatedAt": None,
            "delivered": 0,
            "bounced": 0,
            "opens": 0,
            "uniqueOpens": 0,
            "clicks": 0,
            "uniqueClicks": 0,
            "bouncedByType": Counter(),
            "clicksByUrl": Counter(),
        },
    )
