"""Write a notification document (the JSON shape) as Tilte's XML: for generated load and tests."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from tilte_webhooks.models import BatchNotification
from tilte_webhooks.notification_types import MODEL_BY_TYPE

_NAMESPACES = (
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
)


def to_xml(document: dict[str, Any], *, declaration: bool = True) -> str:
    """The XML Tilte would send for ``document`` (numbers and text as element text)."""
    model = MODEL_BY_TYPE[document["NotificationType"]]
    event_element = model.EVENT.__name__ if issubclass(model, BatchNotification) else None
    lines = ['<?xml version="1.0" encoding="utf-16"?>'] if declaration else []
    lines.append(f"<{model.XML_ROOT} {_NAMESPACES}>")
    for name, value in document.items():
        if name == "Events" and event_element:
            lines.append("  <Events>")
            for event in value:
                lines.append(f"    <{event_element}>")
                lines.extend(f"      {_leaf(key, item)}" for key, item in event.items())
                lines.append(f"    </{event_element}>")
            lines.append("  </Events>")
        else:
            lines.append(f"  {_leaf(name, value)}")
    lines.append(f"</{model.XML_ROOT}>")
    return "\n".join(lines)


def _leaf(name: str, value: object) -> str:
    text = escape(str(value), {"\r": "&#13;", '"': "&quot;"})
    return f"<{name}>{text}</{name}>"
