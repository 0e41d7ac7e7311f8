"""A generated Tilte workload: many notifications of all ten types, and their deliveries.

The notifications look like Tilte's (the seed's field names, dates with 7 or 8 fractional
digits, numbers as strings in JSON) and are built to exercise the consumers' rules:

- subscribers on several lists who subscribe, change their email, unsubscribe and come back,
  some Subscribe and Unsubscribe at the very same instant (the tie rule), written sometimes
  with 7 digits and sometimes with 8;
- suppressions of addresses in varying case, the same address more than once;
- opens and clicks repeated by the same recipients (unique counts), bounces of several types,
  clicks on several URLs, deliveries;
- campaigns sent and their stats updated more than once;
- events carried again by a later notification (another ``Random``), which must count once.

A delivery plan sends each notification one to three times, in shuffled order, each time as
XML (UTF-16 with a BOM, UTF-16 BE, or UTF-8 declaring utf-16) or JSON, so the same event also
arrives in both formats. Everything is drawn from a seeded generator: the same seed gives the
same workload.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tilte_cli.tilte_xml import to_xml

BATCH_TYPES = (
    "Subscribe",
    "UpdateSubscriber",
    "Unsubscribe",
    "AddressSuppress",
    "MessageOpen",
    "MessageClick",
    "MessageDelivered",
    "MessageBounced",
)
LIST_TYPES = ("Subscribe", "UpdateSubscriber", "Unsubscribe")
ENGAGEMENT_TYPES = ("MessageOpen", "MessageClick", "MessageDelivered", "MessageBounced")
BOUNCE_TYPES = (
    ("S", "PP User Unknown", "550"),
    ("H", "Mailbox full", "552"),
    ("T", "Try again later", "421"),
)
URLS = ("https://www.google.com", "https://www.mail.com", "https://example.com/ünïcode?q=1&r=2")
EPOCH = datetime(2024, 8, 7, tzinfo=UTC)
XML_ENCODINGS = ("utf-16", "utf-16-be", "utf-8")
"""``utf-16`` writes a byte-order mark; the other two have none (both still declare utf-16)."""


@dataclass(frozen=True)
class Size:
    notifications: int
    """Batch notifications (those with ``Events``); campaigns add their own few."""
    mean_batch: int
    lists: int
    subscribers: int
    campaigns: int


FULL = Size(notifications=210, mean_batch=100, lists=4, subscribers=1500, campaigns=8)
QUICK = Size(notifications=24, mean_batch=12, lists=2, subscribers=60, campaigns=2)


@dataclass(frozen=True)
class Delivery:
    """One POST: a notification's document in one format and encoding."""

    index: int
    """Which notification of the workload this is."""
    notification_type: str
    body: bytes
    content_type: str


@dataclass
class Workload:
    notifications: list[dict[str, Any]]
    """Each notification as its JSON document, the unique ones."""

    @property
    def events(self) -> int:
        return sum(len(document.get("Events", [None])) for document in self.notifications)

    def deliveries(self, seed: int, *, most: int = 3) -> list[Delivery]:
        """Every notification one to ``most`` times, each time in a drawn format, shuffled."""
        rng = random.Random(seed)
        plan = [
            _delivery(index, document, rng)
            for index, document in enumerate(self.notifications)
            for _ in range(rng.randint(1, most))
        ]
        rng.shuffle(plan)
        return plan


def generate(size: Size, seed: int) -> Workload:
    return _Generator(size, random.Random(seed)).workload()


def _delivery(index: int, document: dict[str, Any], rng: random.Random) -> Delivery:
    notification_type = document["NotificationType"]
    if rng.random() < 0.5:
        body = json.dumps(document, indent=2, ensure_ascii=rng.random() < 0.5).encode("utf-8")
        return Delivery(index, notification_type, body, "application/json")
    encoding = rng.choice(XML_ENCODINGS)
    content_type = rng.choice(("application/xml", "text/xml; charset=utf-16", ""))
    return Delivery(index, notification_type, to_xml(document).encode(encoding), content_type)


class _Generator:
    def __init__(self, size: Size, rng: random.Random) -> None:
        self.size = size
        self.rng = rng
        self.lists = [(self._hex(), f"List{n}") for n in range(size.lists)]
        self.campaigns = [(self._hex(), f"Campaign{n}") for n in range(size.campaigns)]
        self.subscribers = [self._address(n) for n in range(size.subscribers)]
        self.emails = {subscriber: subscriber for subscriber in self.subscribers}
        """SubscriberId -> its current email (UpdateSubscriber changes it)."""
        self.tick = 0
        self.carried: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        """Type -> (context key, event) already sent, some of which are sent again."""

    def workload(self) -> Workload:
        kinds = [BATCH_TYPES[n % len(BATCH_TYPES)] for n in range(self.size.notifications)]
        self.rng.shuffle(kinds)
        notifications = [self._batch(kind) for kind in kinds]
        for campaign_id, name in self.campaigns:
            for _ in range(self.rng.randint(1, 2)):
                notifications.append(self._campaign_sent(campaign_id, name))
            for _ in range(self.rng.randint(1, 3)):
                notifications.append(self._single(campaign_id, name, "CampaignStatsUpdated"))
        return Workload(notifications)

    # --- Batch notifications ------------------------------------------------------------

    def _batch(self, kind: str) -> dict[str, Any]:
        count = max(1, int(self.rng.expovariate(1 / self.size.mean_batch)))
        if kind in LIST_TYPES:
            list_id, list_name = self.rng.choice(self.lists)
            context: dict[str, Any] = {"ListId": list_id, "ListName": list_name}
            key = list_id
        elif kind in ENGAGEMENT_TYPES:
            campaign_id, campaign_name = self.rng.choice(self.campaigns)
            context = {"CampaignId": campaign_id, "CampaignName": campaign_name}
            key = campaign_id
        else:
            context, key = {}, ""
        events = [self._event(kind, key) for _ in range(count)]
        events += self._carried_again(kind, key)
        return {**context, "Events": events, **self._envelope(kind)}

    def _event(self, kind: str, key: str) -> dict[str, Any]:
        subscriber = self.rng.choice(self.subscribers)
        if kind == "AddressSuppress":
            event: dict[str, Any] = {
                "Email": _vary_case(subscriber, self.rng),
                "Date": self._date(),
            }
        else:
            if kind == "UpdateSubscriber":
                local, domain = subscriber.split("@")
                self.emails[subscriber] = f"{local}.{self._hex()[:6]}@{domain}"
            event = {
                "Email": self.emails[subscriber],
                "Date": self._date(),
                "SubscriberId": subscriber,
            }
        if kind == "MessageClick":
            event["Url"] = self.rng.choice(URLS)
        if kind == "MessageBounced":
            bounce, response, code = self.rng.choice(BOUNCE_TYPES)
            event |= {"Type": bounce, "SmtpResponse": response, "SmtpCode": code}
        self.carried.setdefault(kind, []).append((key, event))
        if kind in ("Subscribe", "Unsubscribe") and self.rng.random() < 0.05:
            self._tie(kind, key, event)
        return event

    def _tie(self, kind: str, key: str, event: dict[str, Any]) -> None:
        """Queue the opposite status change at the same instant, written with one more digit,
        for a later notification of that type to carry (the tie rule decides between them)."""
        opposite = "Unsubscribe" if kind == "Subscribe" else "Subscribe"
        date = event["Date"].replace("Z", "0Z") if len(event["Date"]) == 28 else event["Date"]
        twin = event | {"Date": date}
        self.carried.setdefault(f"tie:{opposite}", []).append((key, twin))

    def _carried_again(self, kind: str, key: str) -> list[dict[str, Any]]:
        """Events sent before, carried again by this notification: a few repeats, and every
        pending tie of this type on this list."""
        earlier = [event for k, event in self.carried.get(kind, []) if k == key]
        repeats = self.rng.sample(earlier, k=min(len(earlier), self.rng.randint(0, 3)))
        ties = [event for k, event in self.carried.get(f"tie:{kind}", []) if k == key]
        self.carried[f"tie:{kind}"] = [
            (k, event) for k, event in self.carried.get(f"tie:{kind}", []) if k != key
        ]
        return repeats + ties

    # --- Campaign notifications ---------------------------------------------------------

    def _campaign_sent(self, campaign_id: str, name: str) -> dict[str, Any]:
        sent = self._single(campaign_id, name, "CampaignSent")
        sent["RecipientCount"] = str(self.rng.randint(1, 1_000_000))
        return sent

    def _single(self, campaign_id: str, name: str, kind: str) -> dict[str, Any]:
        return {
            "CampaignId": campaign_id,
            "CampaignName": name,
            "Date": self._date(),
            **self._envelope(kind),
        }

    # --- Values ---------------------------------------------------------------------------

    def _envelope(self, kind: str) -> dict[str, str]:
        random_bytes = self.rng.getrandbits(256).to_bytes(32, "big")
        return {"Random": base64.b64encode(random_bytes).decode(), "NotificationType": kind}

    def _date(self) -> str:
        """A new instant, later than any before by up to a minute, so no two events share one
        by chance; 7 fractional digits, or 8 one time in five. (Deliveries are shuffled:
        arrival order is not time order.)"""
        self.tick += self.rng.randint(1, 600_000_000)
        seconds, ticks = divmod(self.tick, 10_000_000)
        base = EPOCH + timedelta(seconds=seconds)
        text = f"{base:%Y-%m-%dT%H:%M:%S}.{ticks:07d}"
        if self.rng.random() < 0.2:
            text += str(self.rng.randint(1, 9))
        return text + "Z"

    def _hex(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def _address(self, n: int) -> str:
        if n % 50 == 7:
            return f"jörg.{n}@bücher.example"
        if n % 50 == 11:
            return f"first.last+tag{n}@mail.example.com"
        return f"subscriber{n}@example.com"


def _vary_case(address: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.3 else c for c in address)


def notifications_by_type(workload: Workload) -> Iterator[tuple[str, int]]:
    """(NotificationType, events) of each notification, for reports."""
    for document in workload.notifications:
        yield document["NotificationType"], len(document.get("Events", [None]))
