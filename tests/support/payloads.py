"""The one loader of the sample payloads in ``events/payloads/`` (the seed's twenty samples)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tilte_webhooks.notification_types import NOTIFICATION_TYPES

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ROOT / "events" / "payloads"
FORMATS = ("xml", "json")
SAMPLES = [(name, fmt) for name in NOTIFICATION_TYPES for fmt in FORMATS]
"""Every (NotificationType, format) pair of the seed samples."""


def payload_path(notification_type: str, fmt: str) -> Path:
    return PAYLOADS / f"{notification_type}.{fmt}"


def payload_bytes(notification_type: str, fmt: str) -> bytes:
    return payload_path(notification_type, fmt).read_bytes()


API_EVENTS = ROOT / "events" / "api"


def api_event(name: str) -> dict[str, Any]:
    """One of the API Gateway events in ``events/api/`` (``Subscribe-xml``, ``bad-no-token``...)."""
    event: dict[str, Any] = json.loads((API_EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def with_body(event: dict[str, Any], body: bytes | str) -> dict[str, Any]:
    """A copy of an API Gateway event with another (text) body."""
    changed = copy.deepcopy(event)
    changed["body"] = body.decode("utf-8") if isinstance(body, bytes) else body
    changed["headers"]["content-length"] = str(len(changed["body"].encode()))
    return changed
