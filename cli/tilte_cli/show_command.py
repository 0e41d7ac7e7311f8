"""``tilte-webhooks show``: read subscriber, suppression and campaign data from the tables.

    tilte-webhooks show subscriber LIST_ID SUBSCRIBER_ID [--json]
    tilte-webhooks show suppression EMAIL [--json]
    tilte-webhooks show campaign CAMPAIGN_ID [--events] [--json]

Where the tables are, first match wins:

1. ``--stack NAME`` (or ``AWS_SAM_STACK_NAME``): a deployed stack's Outputs;
2. ``SUBSCRIBERS_TABLE``, ``SUPPRESSIONS_TABLE``, ``CAMPAIGNS_TABLE``;
3. the local stack's tables (``tilte-SubscribersTable``...), at ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import Any

import boto3

from tilte_webhooks.aws.queries import ReceiverData

LOCAL_PREFIX = "tilte-"
TABLES = {
    "subscribers": ("SUBSCRIBERS_TABLE", "SubscribersTable"),
    "suppressions": ("SUPPRESSIONS_TABLE", "SuppressionsTable"),
    "campaigns": ("CAMPAIGNS_TABLE", "CampaignsTable"),
}
"""Domain -> (environment variable, template logical id; its Output is ``<id>Name``)."""


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


def table_names(stack: str | None, environ: Mapping[str, str]) -> dict[str, str]:
    if stack:
        outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
        by_key = {o["OutputKey"]: o["OutputValue"] for o in outputs.get("Outputs", [])}
        return {domain: by_key[f"{logical}Name"] for domain, (_, logical) in TABLES.items()}
    return {
        domain: environ.get(variable) or f"{LOCAL_PREFIX}{logical}"
        for domain, (variable, logical) in TABLES.items()
    }


def run(args: argparse.Namespace) -> int:
    data = ReceiverData(boto3.client("dynamodb"), table_names(args.stack, os.environ))
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
    if as_json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    width = max(len(key) for key in document)
    for key, value in document.items():
        if isinstance(value, dict):
            print(f"{key:<{width}}  {'(none)' if not value else ''}")
            for name, count in value.items():
                print(f"{'':<{width}}    {name}: {count}")
        elif isinstance(value, list):
            print(f"{key:<{width}}  {len(value)}")
            for row in value:
                print(f"{'':<{width}}    " + "  ".join(str(item) for item in row.values()))
        else:
            print(f"{key:<{width}}  {'-' if value is None else value}")
    return 0
