"""``tilte-webhooks schemas [DIR]``: write the JSON Schema of each queue message type.

The schemas are generated from the message models and committed under
``schemas/messages/v<version>/``; a test fails when the committed files are stale.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tilte_webhooks.messages import SCHEMA_VERSION, message_json_schemas

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "schemas" / "messages"


def register(commands: Any) -> None:
    command = commands.add_parser("schemas", help="write the queue messages' JSON Schemas")
    command.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=DEFAULT_DIRECTORY,
        help="default: schemas/messages",
    )
    command.set_defaults(run=run)


def rendered_schemas(directory: Path) -> dict[Path, str]:
    """Each schema file's path and exact text."""
    folder = directory / f"v{SCHEMA_VERSION}"
    return {
        folder / f"{name}.json": json.dumps(schema, indent=2, sort_keys=True) + "\n"
        for name, schema in message_json_schemas().items()
    }


def run(args: argparse.Namespace) -> int:
    for path, text in rendered_schemas(args.directory).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path)
    return 0
