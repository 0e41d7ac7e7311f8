"""What docs/PAYLOADS.md says about each type, written down apart from the receiver's models,
so that the corpus's expectations come from the documentation and not from the code under test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from tests.support.payloads import payload_bytes
from tilte_cli.cloudformation import load_template
from tilte_cli.local_api import PAYLOAD_LIMIT

LIST = ("ListId", "ListName")
CAMPAIGN = ("CampaignId", "CampaignName")
ADDRESS = ("Email", "Date")
SUBSCRIBER = (*ADDRESS, "SubscriberId")


@dataclass(frozen=True)
class Shape:
    root: str
    """The XML root element."""
    event: str | None
    """The element of each event in ``<Events>``; None for the types that carry one event."""
    context: tuple[str, ...]
    event_fields: tuple[str, ...]
    """Required in every event (or, without a batch, on the notification itself)."""
    optional: tuple[str, ...] = ()

    def required(self) -> tuple[str, ...]:
        """Every required field, with its path in a sample (the first event's, in a batch)."""
        top = (*self.context, "Random", "NotificationType")
        if self.event is None:
            return (*top, *self.event_fields)
        return (*top, "Events", *(f"Events[0].{name}" for name in self.event_fields))


SHAPES = {
    "Subscribe": Shape("SubscribedNotification", "SubscribedEvent", LIST, SUBSCRIBER),
    "UpdateSubscriber": Shape(
        "UpdatedSubscriberNotification", "UpdatedSubscriberEvent", LIST, SUBSCRIBER
    ),
    "Unsubscribe": Shape("UnsubscribedNotification", "UnsubscribedEvent", LIST, SUBSCRIBER),
    "AddressSuppress": Shape("SuppressedNotification", "SuppressedEvent", (), ADDRESS),
    "MessageOpen": Shape("MessageOpenNotification", "MessageOpenEvent", CAMPAIGN, SUBSCRIBER),
    "MessageClick": Shape(
        "MessageClickNotification", "MessageClickEvent", CAMPAIGN, (*SUBSCRIBER, "Url")
    ),
    "MessageDelivered": Shape(
        "MessageDeliveredNotification", "MessageDeliveredEvent", CAMPAIGN, SUBSCRIBER
    ),
    "MessageBounced": Shape(
        "MessageBouncedNotification",
        "MessageBouncedEvent",
        CAMPAIGN,
        (*SUBSCRIBER, "Type"),
        optional=("SmtpResponse", "SmtpCode"),
    ),
    "CampaignSent": Shape("CampaignSentNotification", None, CAMPAIGN, ("Date", "RecipientCount")),
    "CampaignStatsUpdated": Shape("CampaignStatsNotification", None, CAMPAIGN, ("Date",)),
}
"""The table of docs/PAYLOADS.md ("The ten types"), with each type's fields."""

COUNTS = ("RecipientCount", "SmtpCode")
"""The fields that are whole numbers (sent as strings of digits)."""


def events_in(notification_type: str, fmt: str) -> int:
    """How many events a sample carries: one message is queued for each."""
    shape = SHAPES[notification_type]
    if shape.event is None:
        return 1
    body = payload_bytes(notification_type, fmt)
    if fmt == "xml":
        return len(re.findall(rb"<" + shape.event.encode() + rb">", body))
    return len(json.loads(body)["Events"])


def max_body_bytes() -> int:
    """The template's default ``MaxBodyBytes``, which the local stack (and a default deployment)
    runs with."""
    return int(load_template()["Parameters"]["MaxBodyBytes"]["Default"])


API_PAYLOAD_LIMIT = PAYLOAD_LIMIT
"""API Gateway's HTTP APIs refuse larger bodies themselves (10 MB), as the local API does."""
