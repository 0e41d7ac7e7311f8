"""``tilte-webhooks redrive``: move messages from dead-letter queues back to their queues.

    tilte-webhooks redrive TYPE... [--json] [--stack NAME]
    tilte-webhooks redrive --all [--json] [--stack NAME]

Prints one line per queue (``MessageOpen: 3 moved``) and a total, or the same as JSON. Exit
status 0 when every message moved, 1 when some were left in a dead-letter queue or AWS failed,
2 for an unknown type. How it is safe: :mod:`tilte_cli.redrive` and ``docs/RECOVERY.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import Any

from tilte_cli import stack_resources
from tilte_cli.redrive import Redriven, redrive
from tilte_webhooks.notification_types import NOTIFICATION_TYPES


def register(commands: Any) -> None:
    command = commands.add_parser("redrive", help="move dead-letter messages back to their queues")
    command.add_argument("types", nargs="*", metavar="TYPE", help="a NotificationType")
    command.add_argument("--all", action="store_true", help="every type's dead-letter queue")
    command.add_argument("--json", action="store_true", help="print JSON")
    stack_resources.add_stack_option(command)
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.all == bool(args.types):
        print("error: usage: give one or more TYPEs, or --all", file=sys.stderr)
        return 2
    unknown = [name for name in args.types if name not in NOTIFICATION_TYPES]
    if unknown:
        print(
            f"error: unknown_type: {unknown[0]!r} is not a NotificationType "
            f"(one of {', '.join(NOTIFICATION_TYPES)})",
            file=sys.stderr,
        )
        return 2
    types = NOTIFICATION_TYPES if args.all else tuple(dict.fromkeys(args.types))
    try:
        resources = stack_resources.find(args.stack, os.environ)
        queues = {
            name: (
                resources.queue_url(f"{name}DeadLetterQueue"),
                resources.queue_url(f"{name}Queue"),
            )
            for name in types
        }
        result = redrive(resources.client("sqs"), queues)
    except stack_resources.AWS_FAILURES as error:
        print(stack_resources.failure(error, args.stack), file=sys.stderr)
        return 1
    print(json.dumps(as_json(result), indent=2) if args.json else as_text(result))
    return 1 if any(queue.left for queue in result.values()) else 0


def as_text(result: Mapping[str, Redriven]) -> str:
    lines = [f"{name}: {_counts(queue)}" for name, queue in result.items()]
    return "\n".join([*lines, f"total: {_counts(_total(result))}"])


def as_json(result: Mapping[str, Redriven]) -> dict[str, Any]:
    return {
        "queues": {name: _fields(queue) for name, queue in result.items()},
        "total": _fields(_total(result)),
    }


def _counts(queue: Redriven) -> str:
    left = f", {queue.left} left in the dead-letter queue" if queue.left else ""
    return f"{queue.moved} moved{left}"


def _fields(queue: Redriven) -> dict[str, int]:
    return {"moved": queue.moved, "left": queue.left}


def _total(result: Mapping[str, Redriven]) -> Redriven:
    return Redriven(
        moved=sum(queue.moved for queue in result.values()),
        left=sum(queue.left for queue in result.values()),
    )
