"""Comparing what the tables hold with what the reference model says they must hold.

The tables are read through ``ReceiverData``, the code ``tilte-webhooks show`` uses, plus a
count of the per-event records (subscriber history and engagement events).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reliability.reference import Expected
from reliability.stack import Target
from tilte_cli import local_stack
from tilte_cli.show_command import TABLES

MAX_SHOWN = 10
"""Differences listed one by one; beyond that, only counted."""


@dataclass
class Comparison:
    differences: list[str] = field(default_factory=list)
    checked: int = 0
    """Subscribers, suppressions and campaigns compared."""
    stored_events: int = 0
    """Per-event records found in the tables."""

    def differ(self, what: str, expected: object, found: object) -> None:
        if isinstance(expected, dict) and isinstance(found, dict):
            fields = sorted(
                k for k in expected.keys() | found.keys() if expected.get(k) != found.get(k)
            )
            shown = [
                f"{k} expected {_shown(k, expected.get(k))}, found {_shown(k, found.get(k))}"
                for k in fields
            ]
            self.differences.append(f"{what}: " + "; ".join(shown))
        else:
            self.differences.append(f"{what}: expected {expected!r}, found {found!r}")

    def summary(self) -> list[str]:
        """The differences, at most :data:`MAX_SHOWN` of them and a count of the rest."""
        shown = self.differences[:MAX_SHOWN]
        rest = len(self.differences) - len(shown)
        return shown + ([f"... and {rest} more differences"] if rest else [])


def compare(target: Target, expected: Expected) -> Comparison:
    data = target.data()
    result = Comparison()
    lists = {list_id for list_id, _ in expected.subscribers}
    for (list_id, subscriber_id), state in expected.subscribers.items():
        found = data.subscriber(list_id, subscriber_id)
        if found != state:
            result.differ(f"subscriber {list_id}/{_masked(subscriber_id)}", state, found)
    for list_id in lists:
        ids = {row["subscriberId"] for row in data.list_subscribers(list_id)}
        extra = ids - {s for listed, s in expected.subscribers if listed == list_id}
        if extra:
            result.differ(f"list {list_id}", "no other subscribers", f"{len(extra)} more")
    for address, since in expected.suppressions.items():
        found = data.suppression(address.upper())
        if found["suppressed"] is not True or found["since"] != since:
            result.differ(f"suppression {_masked(address)}", since, found["since"] or "none")
    for campaign_id, campaign in expected.campaigns.items():
        summary = data.campaign(campaign_id)
        if summary != campaign:
            result.differ(f"campaign {campaign_id}", campaign, summary)
    result.checked = (
        len(expected.subscribers) + len(expected.suppressions) + len(expected.campaigns)
    )
    result.stored_events = stored_events(target)
    if result.stored_events != expected.stored_events:
        result.differ("per-event records", expected.stored_events, result.stored_events)
    return result


def stored_events(target: Target) -> int:
    """Subscriber history records plus engagement event records, counted by a scan."""
    dynamodb = target.client("dynamodb")
    total = 0
    for domain in ("subscribers", "campaigns"):
        request: dict[str, Any] = {
            "TableName": local_stack.PREFIX + TABLES[domain],
            "Select": "COUNT",
            "FilterExpression": "begins_with(sk, :event)",
            "ExpressionAttributeValues": {":event": {"S": "EVENT#"}},
        }
        while True:
            page = dynamodb.scan(**request)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return total


def _shown(name: str, value: object) -> str:
    return _masked(str(value)) if name == "email" and value else repr(value)


def _masked(address: str) -> str:
    """An address as a report may show it: its first letter and its domain."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
