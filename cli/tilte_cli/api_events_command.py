"""``tilte-webhooks api-events [DIR]``: write the API Gateway events made from the payloads.

``events/api/`` holds one API Gateway HTTP API (payload format 2.0) event per sample payload,
with valid credentials, plus a few bad requests. They are what ``sam local invoke
IngestFunction -e events/api/<file>`` takes, and what the handler tests load. They are
generated from ``events/payloads/`` by this command; a test fails when they are stale.
"""

from __future__ import annotations

import argparse
import codecs
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tilte_cli.cloudformation import ROOT
from tilte_cli.local_api import http_api_event
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

PAYLOADS = ROOT / "events" / "payloads"
DEFAULT_DIRECTORY = ROOT / "events" / "api"
SAMPLE_TOKEN = "local-dev-token"  # noqa: S105 (a public sample, accepted only locally)
"""The token in the sample events; ``events/sam-local-env.json`` makes the function accept it."""
SAMPLE_TIME = datetime(2024, 8, 7, 15, 50, 3, tzinfo=UTC)
CONTENT_TYPES = {"xml": "application/xml; charset=utf-8", "json": "application/json"}


def register(commands: Any) -> None:
    command = commands.add_parser(
        "api-events", help="write the API Gateway events made from events/payloads/"
    )
    command.add_argument(
        "directory", nargs="?", type=Path, default=DEFAULT_DIRECTORY, help="default: events/api"
    )
    command.set_defaults(run=run)


def api_event(
    body: bytes,
    content_type: str,
    request_id: str,
    *,
    query: dict[str, str] | None = None,
    binary: bool = False,
) -> dict[str, Any]:
    """The event API Gateway's HTTP API gives Lambda for ``POST /webhooks``."""
    query = {"token": SAMPLE_TOKEN} if query is None else query
    return http_api_event(
        method="POST",
        path="/webhooks",
        raw_query="&".join(f"{key}={value}" for key, value in query.items()),
        headers={
            "content-length": str(len(body)),
            "content-type": content_type,
            "host": "abc123.execute-api.us-east-1.amazonaws.com",
            "user-agent": "Tilte-Webhooks",
            "x-forwarded-for": "203.0.113.10",
            "x-forwarded-proto": "https",
        },
        body=body,
        binary=binary,
        request_id=request_id,
        source_ip="203.0.113.10",
        api_id="abc123",
        at=SAMPLE_TIME,
    )


def sample_events() -> dict[str, dict[str, Any]]:
    """File name -> event, for every sample payload and the bad requests."""
    events = {}
    for name in NOTIFICATION_TYPES:
        for fmt in ("xml", "json"):
            body = (PAYLOADS / f"{name}.{fmt}").read_bytes()
            events[f"{name}-{fmt}.json"] = api_event(body, CONTENT_TYPES[fmt], f"{name}-{fmt}")
    subscribe_xml = (PAYLOADS / "Subscribe.xml").read_text(encoding="utf-8")
    events["Subscribe-xml-utf16.json"] = api_event(
        codecs.BOM_UTF16_LE + subscribe_xml.encode("utf-16-le"),
        "text/xml; charset=utf-16",
        "Subscribe-xml-utf16",
        binary=True,
    )
    subscribe_json = (PAYLOADS / "Subscribe.json").read_bytes()
    events["bad-no-token.json"] = api_event(
        subscribe_json, CONTENT_TYPES["json"], "bad-no-token", query={}
    )
    events["bad-malformed-body.json"] = api_event(
        subscribe_json[: len(subscribe_json) // 2], CONTENT_TYPES["json"], "bad-malformed-body"
    )
    events["bad-unknown-type.json"] = api_event(
        subscribe_json.replace(
            b'"NotificationType": "Subscribe"', b'"NotificationType": "Resubscribe"'
        ),
        CONTENT_TYPES["json"],
        "bad-unknown-type",
    )
    return events


def rendered_events(directory: Path) -> dict[Path, str]:
    return {
        directory / name: json.dumps(event, indent=2) + "\n"
        for name, event in sample_events().items()
    }


def run(args: argparse.Namespace) -> int:
    args.directory.mkdir(parents=True, exist_ok=True)
    for path, text in rendered_events(args.directory).items():
        path.write_text(text, encoding="utf-8")
        print(path)
    return 0
