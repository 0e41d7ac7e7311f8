"""``tilte-webhooks parse PATH``: show what the receiver would queue for a payload file.

Prints ``{"notificationType": ..., "events": [...]}`` with one entry per fan-out message and
exits 0; on invalid input prints ``error: <code>: <message>`` on stderr and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tilte_webhooks.errors import NotificationError
from tilte_webhooks.messages import fan_out
from tilte_webhooks.parser import DEFAULT_MAX_BODY_BYTES, parse_notification


def register(commands: Any) -> None:
    command = commands.add_parser(
        "parse",
        help="parse a payload file and print its queue messages",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    command.add_argument(
        "path", help="the payload file (XML or JSON, any encoding), or - for stdin"
    )
    command.add_argument(
        "--content-type", help="the Content-Type it arrived with (only a charset in it matters)"
    )
    command.add_argument(
        "--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES, help="size limit (bytes)"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        body = sys.stdin.buffer.read() if args.path == "-" else Path(args.path).read_bytes()
    except OSError as error:
        print(f"error: unreadable_file: {args.path}: {error.strerror}", file=sys.stderr)
        return 1
    try:
        notification = parse_notification(
            body, args.content_type, max_body_bytes=args.max_body_bytes
        )
    except NotificationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    messages = fan_out(notification)
    output = {
        "notificationType": getattr(notification, "notification_type"),  # noqa: B009
        "events": [message.document for message in messages],
    }
    print(json.dumps(output, indent=2, ensure_ascii=False))
    return 0
