"""Notifications of an exact number of events, as Tilte sends them (JSON or UTF-16 XML).

The values look like Tilte's (the seed's field names, dates with 7 or 8 fractional digits,
numbers as strings); they are drawn from a seeded generator, so every run measures the same
bytes.
"""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tilte_cli.tilte_xml import to_xml

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json", "xml": "application/xml"}
_START = datetime(2024, 8, 7, tzinfo=UTC)
_LIST = {"ListId": "4dbce53b396949c88068ba652aa1c5a7", "ListName": "WebhookTestList4"}
_CAMPAIGN = {"CampaignId": "aa4c33c978ed429c9cac265c4915d621", "CampaignName": "TestCampaign11a"}
_CONTEXTS = {
    "Subscribe": _LIST,
    "UpdateSubscriber": _LIST,
    "Unsubscribe": _LIST,
    "AddressSuppress": {},
    "MessageOpen": _CAMPAIGN,
    "MessageClick": _CAMPAIGN,
    "MessageDelivered": _CAMPAIGN,
    "MessageBounced": _CAMPAIGN,
}
BATCH_TYPES = tuple(_CONTEXTS)


def notification(notification_type: str, events: int, seed: int = 0) -> dict[str, Any]:
    """A batch notification of ``events`` events, as its JSON document."""
    rng = random.Random(f"{notification_type}/{events}/{seed}")  # noqa: S311 (repeatable data)
    batch = [_event(notification_type, index, rng) for index in range(events)]
    nonce = base64.b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode()
    return {
        **_CONTEXTS[notification_type],
        "Events": batch,
        "Random": nonce,
        "NotificationType": notification_type,
    }


def encode(document: dict[str, Any], fmt: str, *, xml_encoding: str = "utf-16") -> bytes:
    """The bytes Tilte would post: indented UTF-8 JSON as in its documentation, or XML
    declaring UTF-16, encoded in UTF-16 with a byte-order mark (which a plain parser reads) or
    in UTF-8 (as Tilte's own samples are, which only this receiver reads)."""
    if fmt == "json":
        return json.dumps(document, indent=2).encode("utf-8")
    return to_xml(document).encode(xml_encoding)


def _event(notification_type: str, index: int, rng: random.Random) -> dict[str, str]:
    address = f"recipient{index}.{rng.getrandbits(24):06x}@example.com"
    moment = _START + timedelta(seconds=index, microseconds=rng.randrange(1_000_000))
    digits = f"{moment.microsecond:06d}{rng.randrange(10)}" + (
        str(rng.randrange(10)) if index % 5 == 0 else ""
    )
    event = {"Email": address, "Date": f"{moment:%Y-%m-%dT%H:%M:%S}.{digits}Z"}
    if notification_type != "AddressSuppress":
        event["SubscriberId"] = address
    if notification_type == "MessageClick":
        event["Url"] = rng.choice(("https://www.google.com", "https://www.mail.com/a?b=c&d=e"))
    if notification_type == "MessageBounced":
        event |= {"Type": "S", "SmtpResponse": "PP User Unknown", "SmtpCode": "550"}
    return event
