"""From a queue message to the writes it calls for: validation and routing, no AWS.

Each NotificationType belongs to one domain, with its rules and its table. A message that can
never be applied (not JSON, an unknown version or type, fields that fail validation) raises
:class:`PoisonMessage`; its consumer reports it as failed, so SQS retries it and then moves it
to the dead-letter queue, without holding back the rest of the batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from tilte_webhooks import campaigns, engagement, subscribers, suppressions
from tilte_webhooks.messages import SCHEMA_VERSION, MessageEnvelope, message_model
from tilte_webhooks.writes import Plan

Planner = Callable[[MessageEnvelope[Any, Any], str], Plan]

DOMAINS: Mapping[str, tuple[str, Planner]] = {
    "Subscribe": ("subscribers", subscribers.plan),
    "UpdateSubscriber": ("subscribers", subscribers.plan),
    "Unsubscribe": ("subscribers", subscribers.plan),
    "AddressSuppress": ("suppressions", suppressions.plan),
    "MessageOpen": ("campaigns", engagement.plan),
    "MessageClick": ("campaigns", engagement.plan),
    "MessageDelivered": ("campaigns", engagement.plan),
    "MessageBounced": ("campaigns", engagement.plan),
    "CampaignSent": ("campaigns", campaigns.plan),
    "CampaignStatsUpdated": ("campaigns", campaigns.plan),
}
"""NotificationType -> (the table it writes to, its rules)."""


class PoisonMessage(Exception):
    """A message no retry can apply; the reason names what is wrong, never a payload value."""


def read_message(body: str) -> MessageEnvelope[Any, Any]:
    """Validate a queue message body against the model of its NotificationType."""
    try:
        document = json.loads(body)
    except ValueError:
        raise PoisonMessage("the message is not JSON") from None
    if not isinstance(document, dict):
        raise PoisonMessage("the message is not a JSON object")
    if document.get("schemaVersion") != SCHEMA_VERSION:
        raise PoisonMessage(f"unknown schemaVersion {document.get('schemaVersion')!r}")
    notification_type = document.get("notificationType")
    if not isinstance(notification_type, str) or notification_type not in DOMAINS:
        raise PoisonMessage(f"unknown notificationType {str(notification_type)[:40]!r}")
    try:
        return message_model(notification_type).model_validate(document)
    except ValidationError as error:
        where = ", ".join(".".join(str(part) for part in e["loc"]) for e in error.errors())
        raise PoisonMessage(f"invalid {notification_type} message: {where}") from None


def plan_message(body: str, tables: Mapping[str, str]) -> Plan:
    """The writes for one message; ``tables`` maps a domain to its table's name."""
    message = read_message(body)
    domain, planner = DOMAINS[message.notification_type]
    table = tables.get(domain)
    if not table:
        raise PoisonMessage(f"no {domain} table is configured for {message.notification_type}")
    return planner(message, table)
