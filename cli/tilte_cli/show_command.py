"""``tilte-webhooks show``: read subscriber, suppression and campaign data from the tables.

    tilte-webhooks show subscriber LIST_ID SUBSCRIBER_ID [--json]
    tilte-webhooks show suppression EMAIL [--json]
    tilte-webhooks show campaign CAMPAIGN_ID [--events] [--json]

Without ``--stack`` they read the local stack of ``make run`` (at ``AWS_ENDPOINT_URL``, or
``127.0.0.1:$AWS_PORT``); with ``--stack NAME`` (or ``AWS_SAM_STACK_NAME``), the tables a
deployed stack names in its Outputs, with the usual AWS credentials and region.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import Any

from tilte_cli import stack_resources
from tilte_webhooks.aws.queries import ReceiverData

TABLES = {
    "subscribers": "SubscribersTable",
    "suppressions": "SuppressionsTable",
    "campaigns": "CampaignsTable",
}
"""Domain -> the table's logical id in the template (see :mod:`stack_resources`)."""


def register(commands: Any) -> None:
    show = commands.add_parser("show", help="show subscriber, suppression or campaign data")
    show.add_argument(
        "--stack", default=os.environ.get("AWS_SAM_STACK_NAME"), help=argparse.SUPPRESS
    )
    what = show.add_subparsers(dest="what", required=True, metavar="WHAT")
    subscriber = what.add_parser("subscriber", help="a subscriber's state on a list")
    subscriber.add_argument("list_id")
    subscriber.add_argument("subscriber_id")
    suppression = what.add_parser("suppression", help="whether an address is suppressed")
    suppression.add_argument("email")
    campaign = what.add_parser("campaign", help="a campaign's summary and counts")
    campaign.add_argument("campaign_id")
    campaign.add_argument("--events", action="store_true", help="also list every event")
    for parser in (subscriber, suppression, campaign):
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--stack", default=show.get_default("stack"), help="a deployed stack")
        parser.set_defaults(run=run)


def receiver_data(stack: str | None, environ: Mapping[str, str]) -> ReceiverData:
    """The query code over a deployed stack's tables, or else over the local stack's."""
    resources = stack_resources.find(stack, environ)
    tables = {domain: resources.table_name(logical) for domain, logical in TABLES.items()}
    return ReceiverData(resources.client("dynamodb"), tables)


def run(args: argparse.Namespace) -> int:
    try:
        return show(receiver_data(args.stack, os.environ), args)
    except stack_resources.AWS_FAILURES as error:
        print(stack_resources.failure(error, args.stack), file=sys.stderr)
    return 1


def show(data: ReceiverData, args: argparse.Namespace) -> int:
    if args.what == "subscriber":
        found = data.subscriber(args.list_id, args.subscriber_id)
        if found is None:
            print(
                f"error: not_found: no subscriber {args.subscriber_id!r} on list {args.list_id!r}",
                file=sys.stderr,
            )
            return 1
        found["history"] = data.subscriber_history(args.list_id, args.subscriber_id)
        return _print(found, args.json)
    if args.what == "suppression":
        return _print(data.suppression(args.email), args.json)
    campaign = data.campaign(args.campaign_id)
    if campaign is None:
        print(f"error: not_found: no data for campaign {args.campaign_id!r}", file=sys.stderr)
        return 1
    if args.events:
        campaign["events"] = data.campaign_events(args.campaign_id)
    return _print(campaign, args.json)


def _print(document: dict[str, Any], as_json: bool) -> int:
    print(json.dumps(document, indent=2, ensure_ascii=False) if as_json else _table(document))
    return 0


def _table(document: dict[str, Any]) -> str:
    """One ``name  value`` line per field; mappings and lists follow their name, indented."""
    width = max(len(key) for key in document)
    lines: list[str] = []
    for key, value in document.items():
        if isinstance(value, dict):
            lines.append(f"{key:<{width}}  {'' if value else '(none)'}")
            lines.extend(f"    {name}  {count}" for name, count in value.items())
        elif isinstance(value, list):
            lines.append(f"{key:<{width}}  {len(value)}")
            lines.extend(_columns([[str(item) for item in row.values()] for row in value]))
        else:
            lines.append(f"{key:<{width}}  {'-' if value is None else value}")
    return "\n".join(line.rstrip() for line in lines)


def _columns(rows: list[list[str]]) -> list[str]:
    """Rows of cells, indented, each column as wide as its widest cell."""
    widths = [
        max(len(row[i]) for row in rows if i < len(row))
        for i in range(max(map(len, rows), default=0))
    ]
    return [
        "    " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        for row in rows
    ]
