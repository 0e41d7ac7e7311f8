"""The suppression list: AddressSuppress makes an address suppressed for good.

Table layout (``SuppressionsTable``, key ``pk``): one item per address, ``pk`` the address in
lower case, so the list is matched case-insensitively. Suppression is sticky: nothing removes
it. ``since`` is the date of the earliest AddressSuppress received for the address, whatever
the arrival order; the write is conditional on being earlier, so a repeat changes nothing.
"""

from __future__ import annotations

from typing import Any

from tilte_webhooks.messages import MessageEnvelope
from tilte_webhooks.models import SuppressedEvent
from tilte_webhooks.ordering import order_key
from tilte_webhooks.writes import Plan, Step, earlier_than, update


def suppression_key(email: str) -> dict[str, str]:
    return {"pk": email.lower()}


def plan(message: MessageEnvelope[Any, Any], table: str) -> Plan:
    event: SuppressedEvent = message.event
    order = order_key(event.date, message.notification_type, message.event_id)
    suppress = update(
        table,
        suppression_key(event.email),
        set_={
            "email": event.email,
            "suppressed": True,
            "since": event.date.raw,
            "sinceKey": order,
            "eventId": message.event_id,
        },
        condition=earlier_than("sinceKey"),
        condition_values={":sinceKey": order},
    )
    return Plan(message.event_id, (Step((suppress,), "suppression"),))
