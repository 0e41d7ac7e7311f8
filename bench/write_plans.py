"""The DynamoDB writes of one new event of each type, from the consumers' own plans, and why
each is there (the guarantees are docs/DATA_MODEL.md's)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.designs import TABLES, indexes
from bench.report import Table
from tilte_webhooks.consumer import plan_message
from tilte_webhooks.ingest import notification_messages
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.writes import Plan, Put

ROOT = Path(__file__).resolve().parents[1]
_SUBSCRIBER = (
    "the history record, written once (`attribute_not_exists`); the state's two registers, "
    "status and profile, in one UpdateItem conditional on both order keys, which also "
    "rewrites the state's entry in both indexes (ByList, BySubscriber). When either register "
    "holds a later event, each is then tried on its own (2 more writes): different events set "
    "them (UpdateSubscriber sets only the profile), and one conditional write cannot apply "
    "half of itself"
)
_ENGAGEMENT = (
    "one transaction, so that no retry can count twice or lose a count: the event's record "
    "(absent: exactly once; 1 more unit in the ByRecipient index), the counter shard"
)
WHY = {
    "Subscribe": _SUBSCRIBER,
    "UpdateSubscriber": "the history record; the profile register (conditional on its order key)",
    "Unsubscribe": _SUBSCRIBER,
    "AddressSuppress": "one conditional UpdateItem: the earliest suppression wins, and a repeat "
    "fails the condition, so no record is needed",
    "MessageOpen": _ENGAGEMENT + ", and the recipient's marker, which makes a first open count "
    "once in `uniqueOpens`",
    "MessageClick": _ENGAGEMENT + ", the link's counter, and the recipient's marker for "
    "`uniqueClicks`",
    "MessageDelivered": _ENGAGEMENT,
    "MessageBounced": _ENGAGEMENT + ", and the bounce type's counter",
    "CampaignSent": "one conditional UpdateItem of the campaign's summary (latest wins)",
    "CampaignStatsUpdated": "one conditional UpdateItem of the campaign's summary (latest wins)",
}


def sample_plan(notification_type: str) -> Plan:
    """The plan of the first event of the type's sample in ``events/payloads/``, with tables
    named by logical id (for MessageOpen and MessageClick: a recipient's first)."""
    body = (ROOT / "events" / "payloads" / f"{notification_type}.json").read_bytes()
    _, (message, *_) = notification_messages(body, None, max_body_bytes=len(body))
    return plan_message(message.to_json(), TABLES)


def units_of_new_event(
    plan: Plan, table_indexes: Mapping[str, list[tuple[str, ...]]]
) -> tuple[int, int]:
    """(table units, index units) when every write applies and every item is under 1 KB."""
    units = index_units = 0
    for step in plan.steps:
        units += 1 if len(step.writes) == 1 else 2 * len(step.writes)
        for write in step.writes:
            if isinstance(write, Put):
                written = set(write.item)
            else:
                written = set(write.key) | set(write.names.values())
            index_units += sum(
                all(attribute in written for attribute in index)
                for index in table_indexes[write.table]
            )
    return units, index_units


def writes_table(template: Mapping[str, Any]) -> Table:
    table_indexes = indexes(template)
    rows = []
    for name in NOTIFICATION_TYPES:
        plan = sample_plan(name)
        units, index_units = units_of_new_event(plan, table_indexes)
        items = sum(len(step.writes) for step in plan.steps)
        requests = len(plan.steps)
        rows.append(
            (
                name,
                f"{requests} request{'s' * (requests > 1)}, {items} item{'s' * (items > 1)}",
                f"{units} + {index_units} = {units + index_units}",
                WHY[name],
            )
        )
    return Table(
        "DynamoDB writes of one new event, by type, and why each is needed",
        ("Type", "Writes", "Units (table + indexes)", "Why"),
        rows,
    )
