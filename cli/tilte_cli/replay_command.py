"""``tilte-webhooks replay``: re-ingest quarantined payloads the receiver can now take.

    tilte-webhooks replay [--key KEY]... [--prefix PREFIX] [--since TIME] [--until TIME]
                          [--dry-run] [--json] [--stack NAME]

Prints one line per object (``<key>: queued 3 events of Subscribe``, ``<key>: still refused:
invalid_fields``, ``<key>: still unknown type``, ``<key>: skipped: no such object``) and a
total, or the same as JSON. Exit status 0, or 1 when AWS failed or an object was skipped, 2
for a usage error. How it is safe: :mod:`tilte_cli.replay` and ``docs/RECOVERY.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from tilte_cli import stack_resources
from tilte_cli.replay import EventsNotQueued, Outcome, Replayed, Selection, replay
from tilte_webhooks.aws.queues import SqsEventPublisher
from tilte_webhooks.notification_types import NOTIFICATION_TYPES


def register(commands: Any) -> None:
    command = commands.add_parser("replay", help="re-ingest quarantined payloads")
    command.add_argument("--key", action="append", default=[], help="an object's key (repeatable)")
    command.add_argument("--prefix", help="every object under this prefix")
    command.add_argument("--since", help="received at or after this ISO 8601 time (UTC if none)")
    command.add_argument("--until", help="received before this ISO 8601 time")
    command.add_argument(
        "--dry-run", action="store_true", help="report what would happen; queue and move nothing"
    )
    command.add_argument("--json", action="store_true", help="print JSON")
    stack_resources.add_stack_option(command)
    command.set_defaults(run=run)


class UsageError(Exception):
    pass


def run(args: argparse.Namespace) -> int:
    try:
        selection = _selection(args)
    except UsageError as error:
        print(f"error: usage: {error}", file=sys.stderr)
        return 2
    try:
        resources = stack_resources.find(args.stack, os.environ)
        queue_urls = {name: resources.queue_url(f"{name}Queue") for name in NOTIFICATION_TYPES}
        results = replay(
            resources.client("s3"),
            resources.bucket_name("QuarantineBucket"),
            SqsEventPublisher(resources.client("sqs"), queue_urls),
            selection,
            max_body_bytes=int(resources.parameter("MaxBodyBytes")),
            dry_run=args.dry_run,
        )
    except EventsNotQueued as error:
        print(f"error: queue_unavailable: {error}", file=sys.stderr)
        return 1
    except stack_resources.AWS_FAILURES as error:
        print(stack_resources.failure(error, args.stack), file=sys.stderr)
        return 1
    print(
        json.dumps(as_json(results, args.dry_run), indent=2)
        if args.json
        else as_text(results, args.dry_run)
    )
    return 1 if any(result.outcome is Outcome.SKIPPED for result in results) else 0


def _selection(args: argparse.Namespace) -> Selection:
    if not (args.key or args.prefix is not None or args.since or args.until):
        raise UsageError("choose what to replay with --key, --prefix, --since or --until")
    return Selection(
        keys=tuple(args.key),
        prefix=args.prefix,
        since=_instant("--since", args.since),
        until=_instant("--until", args.until),
    )


def _instant(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not an ISO 8601 time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def as_text(results: list[Replayed], dry_run: bool) -> str:
    lines = ["dry run: nothing is queued or moved"] if dry_run else []
    lines.extend(f"{result.key}: {_line(result, dry_run)}" for result in results)
    totals = _totals(results)
    queued = "would be queued" if dry_run else "queued"
    lines.append(
        f"total: {_count(totals['payloads'], 'payload')}: {totals['queued']} {queued} "
        f"({_count(totals['events'], 'event')}), {totals['refused']} still refused, "
        f"{totals['unknownType']} still unknown type, {totals['skipped']} skipped"
    )
    return "\n".join(lines)


def as_json(results: list[Replayed], dry_run: bool) -> dict[str, Any]:
    return {
        "dryRun": dry_run,
        "payloads": [_fields(result) for result in results],
        "total": _totals(results),
    }


def _line(result: Replayed, dry_run: bool) -> str:
    if result.outcome is Outcome.QUEUED:
        verb = "would queue" if dry_run else "queued"
        return f"{verb} {_count(result.events, 'event')} of {result.notification_type}"
    if result.outcome is Outcome.REFUSED:
        return f"still refused: {result.code}"
    if result.outcome is Outcome.UNKNOWN_TYPE:
        return "still unknown type"
    return f"skipped: {result.reason}"


def _fields(result: Replayed) -> dict[str, Any]:
    fields: dict[str, Any] = {"key": result.key, "outcome": str(result.outcome)}
    if result.outcome is Outcome.QUEUED:
        fields |= {
            "notificationType": result.notification_type,
            "events": result.events,
            "movedTo": result.moved_to,
        }
    elif result.outcome is Outcome.REFUSED:
        fields["code"] = result.code
    elif result.outcome is Outcome.SKIPPED:
        fields["reason"] = result.reason
    return fields


def _totals(results: list[Replayed]) -> dict[str, int]:
    outcomes = Counter(result.outcome for result in results)
    return {
        "payloads": len(results),
        "queued": outcomes[Outcome.QUEUED],
        "events": sum(result.events for result in results),
        "refused": outcomes[Outcome.REFUSED],
        "unknownType": outcomes[Outcome.UNKNOWN_TYPE],
        "skipped": outcomes[Outcome.SKIPPED],
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
