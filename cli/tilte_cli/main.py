"""Entry point of ``tilte-webhooks``: one sub-command per module of this package."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from tilte_cli import (
    api_events_command,
    parse_command,
    redrive_command,
    replay_command,
    schemas_command,
    send_command,
    serve_command,
    show_command,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tilte-webhooks",
        description="Inspect Tilte webhook payloads and operate the receiver.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parse_command.register(commands)
    serve_command.register(commands)
    send_command.register(commands)
    show_command.register(commands)
    redrive_command.register(commands)
    replay_command.register(commands)
    schemas_command.register(commands)
    api_events_command.register(commands)
    args = parser.parse_args(argv)
    status: int = args.run(args)
    return status
