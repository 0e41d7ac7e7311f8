"""The generated families: each rule of docs/PAYLOADS.md applied to every sample it fits."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator, Mapping
from itertools import cycle
from xml.sax.saxutils import escape

from reliability.corpus.case import Case, Expected, Family, invalid, kept_unknown, queued, refused
from reliability.corpus.contract import COUNTS, SHAPES, events_in
from tests.support.hostile_bodies import (
    edit,
    encoded,
    json_with,
    json_without,
    recipient_count,
    truncated,
    xml_without,
)
from tests.support.payloads import FORMATS, SAMPLES, payload_bytes

LYING_CONTENT_TYPES = (
    None,
    "text/plain",
    "application/octet-stream",
    "application/json",
    "application/xml",
    "text/xml; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=tilte",
)
"""What senders put in Content-Type, right or wrong: the bytes decide, never the header."""
ACCEPTED_ENCODINGS = {
    "xml": ("utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be"),
    "json": ("utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom"),
}
"""The encodings docs/PAYLOADS.md ("Bytes and formats") accepts for each format."""


def every_sample_in_every_encoding() -> Iterator[Case]:
    content_types = cycle(LYING_CONTENT_TYPES)
    for name, fmt in SAMPLES:
        for encoding in ACCEPTED_ENCODINGS[fmt]:
            yield Case(
                f"encoding-{name}-{fmt}-{encoding}",
                Family.ENCODINGS,
                encoded(name, fmt, encoding),
                queued(name, events_in(name, fmt)),
                content_type=next(content_types),
            )


TRUNCATIONS = {"quarter": 0.25, "half": 0.5, "all-but-the-last-byte": 1.0}


def truncations() -> Iterator[Case]:
    """A document cut anywhere before its last byte misses its root's end: not well-formed."""
    for name, fmt in SAMPLES:
        for label, fraction in TRUNCATIONS.items():
            yield Case(
                f"truncated-{name}-{fmt}-{label}",
                Family.TRUNCATED,
                truncated(payload_bytes(name, fmt), fraction),
                refused(f"malformed_{fmt}"),
            )


def json_path(path: str) -> tuple[str | int, ...]:
    """``Events[0].Email`` -> ``("Events", 0, "Email")``."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"\w+", path))


def missing_fields() -> Iterator[Case]:
    """Each required field removed from each sample, and each optional one (still valid)."""
    for name, fmt in SAMPLES:
        shape = SHAPES[name]
        optional = tuple(f"Events[0].{field}" for field in shape.optional)
        for path in (*shape.required(), *optional):
            body = (
                json_without(name, json_path(path))
                if fmt == "json"
                else xml_without(name, path.rpartition(".")[2])
            )
            expected = queued(name, events_in(name, fmt)) if path in optional else invalid(path)
            yield Case(f"missing-{name}-{fmt}-{path}", Family.MISSING_FIELDS, body, expected)


WRONG_VALUES: dict[str, tuple[object, ...]] = {
    "text": (7, True, ["x"], {"x": "y"}, None),
    "date": (1723034749, ["2024-08-07T12:45:49.4657042Z"], None),
    "count": (True, [2], {"n": 2}, 2.5, "2.0"),
    "list": ({"0": {}}, "events", 3),
}
"""Values that are not of a field's kind (a null is wrong for every required field)."""


def _kind(path: str) -> str:
    field = path.rpartition(".")[2]
    if field == "Date":
        return "date"
    if field in COUNTS:
        return "count"
    return "list" if field == "Events" else "text"


def wrong_types() -> Iterator[Case]:
    """Each field of each JSON sample given a value of another JSON type."""
    for name in SHAPES:
        shape = SHAPES[name]
        paths = [*shape.required(), *(f"Events[0].{field}" for field in shape.optional)]
        for index, path in enumerate(paths):
            values = WRONG_VALUES[_kind(path)]
            if path.endswith(shape.optional) and values[-1] is None:
                values = values[:-1]  # an optional field may be null
            value = values[index % len(values)]
            kind = type(value).__name__.replace("NoneType", "null")
            body = json_with(name, json_path(path), value)
            expected = invalid(path)
            yield Case(f"wrong-type-{name}-{path}-{kind}", Family.WRONG_TYPES, body, expected)
        if shape.event is not None:
            yield Case(
                f"wrong-type-{name}-Events[0]-text",
                Family.WRONG_TYPES,
                json_with(name, ("Events", 0), "an event"),
                invalid("Events[0]"),
            )


def root_mismatches() -> Iterator[Case]:
    """Each XML sample under the root element of the next type; each batch with the next batch
    type's event elements."""
    names = list(SHAPES)
    for index, name in enumerate(names):
        other = SHAPES[names[(index + 1) % len(names)]].root
        root = SHAPES[name].root.encode()
        yield Case(
            f"root-{name}-under-{other}",
            Family.ROOT_MISMATCH,
            edit(name, "xml", root, other.encode(), count=2),
            refused("root_element_mismatch"),
        )
    batches = [(name, shape.event) for name, shape in SHAPES.items() if shape.event is not None]
    for index, (name, own) in enumerate(batches):
        other = batches[(index + 1) % len(batches)][1]
        body = payload_bytes(name, "xml")
        for tag in ("<{}>", "</{}>"):
            body = body.replace(tag.format(own).encode(), tag.format(other).encode())
        yield Case(f"event-{name}-as-{other}", Family.ROOT_MISMATCH, body, invalid("Events[0]"))


VALID_DATES = {
    "no-fraction": "2024-08-07T12:46:13Z",
    "one-digit": "2024-08-07T12:46:13.1Z",
    "nine-digits": "2024-08-07T12:46:13.123456789Z",
    "offset-plus-14": "2024-08-07T12:46:13.0929985+14:00",
    "offset-minus-12": "2024-08-07T12:46:13.0929985-12:00",
    "first-instant": "0001-01-01T00:00:00Z",
    "last-instant": "9999-12-31T23:59:59.9999999Z",
    "leap-day": "2024-02-29T12:46:13.0929985Z",
    "before-the-epoch": "1900-01-01T00:00:00Z",
}
INVALID_DATES = {
    "yesterday": "yesterday",
    "empty": "",
    "no-offset": "2024-08-07T12:46:13.0929985",
    "ten-digits": "2024-08-07T12:46:13.0929985123Z",
    "year-0000": "0000-08-07T12:46:13Z",
    "year-10000": "10000-08-07T12:46:13Z",
    "month-13": "2024-13-07T12:46:13Z",
    "day-32": "2024-08-32T12:46:13Z",
    "february-30": "2024-02-30T12:46:13Z",
    "february-29-2023": "2023-02-29T12:46:13Z",
    "hour-24": "2024-08-07T24:00:00Z",
    "minute-60": "2024-08-07T12:60:00Z",
    "offset-plus-24": "2024-08-07T12:46:13.0929985+24:00",
    "offset-minutes-60": "2024-08-07T12:46:13.0929985+05:60",
    "offset-without-colon": "2024-08-07T12:46:13.0929985+0200",
    "before-year-1-in-utc": "0001-01-01T00:00:00+01:00",
    "after-year-9999-in-utc": "9999-12-31T23:59:59-01:00",
    "space-for-t": "2024-08-07 12:46:13.0929985Z",
    "fullwidth-digits": "\uff12\uff10\uff12\uff14-08-07T12:46:13Z",
    "epoch-seconds-as-text": "1723034773",
    "trailing-newline": "2024-08-07T12:46:13.0929985Z\n",
}
"""Outside the form ``YYYY-MM-DDTHH:MM:SS[.f{0,9}](Z|±HH:MM)``, or outside years 1 to 9999
in UTC, or not a day of the calendar."""
SAMPLE_DATE = "2024-08-07T12:46:13.0929985Z"
"""The date of the Subscribe sample's third event (``Events[2]``)."""


def _alternating(valid: Mapping[str, object], invalid: Mapping[str, object]) -> list[str]:
    """The labels of both, valid and invalid in turn (so the quick run takes one of each)."""
    pairs = zip(valid, invalid, strict=False)
    rest = list(valid)[len(invalid) :] + list(invalid)[len(valid) :]
    return [label for pair in pairs for label in pair] + rest


def dates() -> Iterator[Case]:
    every = {**VALID_DATES, **INVALID_DATES}
    for fmt in FORMATS:
        for label in _alternating(VALID_DATES, INVALID_DATES):
            date = every[label]
            if fmt == "json":
                body = edit("Subscribe", fmt, json.dumps(SAMPLE_DATE).encode(), _json(date))
            else:
                body = edit("Subscribe", fmt, f">{SAMPLE_DATE}<".encode(), _xml(f">{date}<"))
            expected = queued("Subscribe", 3) if label in VALID_DATES else invalid("Events[2].Date")
            yield Case(f"date-{label}-{fmt}", Family.DATES, body, expected)
    yield Case(
        "date-campaign-sent-month-13",
        Family.DATES,
        edit("CampaignSent", "json", b"2024-08-07T15:48:37", b"2024-13-07T15:48:37"),
        invalid("Date"),
    )


VALID_EMAILS = {
    "latin": "zoë@exämple.de",
    "chinese": "用户@例子.广告",
    "greek": "θσερ@παράδειγμα.δοκιμή",
    "emoji": "😀@example.com",
    "plus-tag": "kjhvkf+tilte@striata.com",
    "two-dots": "john..doe@example.org",
    "one-letter-each": "x@y",
    "every-special-character": "!#$%&'*+/=?^_`{|}~-@example.com",
    "ip-literal": "postmaster@[192.168.0.1]",
    "mixed-case": "KJHVKF.MachetQecc@Striata.COM",
    "320-characters": "a" * (320 - len("@example.com")) + "@example.com",
}
INVALID_EMAILS = {
    "no-at": "kjhvkf.machetqecc.striata.com",
    "two-ats": "kjhvkf@machetqecc@striata.com",
    "empty-local-part": "@striata.com",
    "empty-domain": "kjhvkf.machetqecc@",
    "empty": "",
    "space": "kjhvkf machetqecc@striata.com",
    "tab": "kjhvkf\tmachetqecc@striata.com",
    "no-break-space": "kjhvkf\u00a0machetqecc@striata.com",
    "em-space": "kjhvkf\u2003machetqecc@striata.com",
    "trailing-newline": "kjhvkf.machetqecc@striata.com\n",
    "321-characters": "a" * (321 - len("@example.com")) + "@example.com",
}
"""docs/PAYLOADS.md: one ``@``, no whitespace, at most 320 characters; unicode allowed."""
SAMPLE_EMAIL = "kjhvkf.machetqecc@striata.com"
"""The AddressSuppress sample's one address."""


def emails() -> Iterator[Case]:
    """Each address in a suppression, as UTF-8 JSON and as UTF-16 XML (Tilte's declaration)."""
    every = {**VALID_EMAILS, **INVALID_EMAILS}
    labels = _alternating(VALID_EMAILS, INVALID_EMAILS)
    for label in labels:
        body = edit("AddressSuppress", "json", _json(SAMPLE_EMAIL), _json(every[label]))
        yield Case(f"email-{label}-json", Family.EMAILS, body, _email_answer(label))
    for label in labels:
        text = edit(
            "AddressSuppress", "xml", f">{SAMPLE_EMAIL}<".encode(), _xml(f">{every[label]}<")
        )
        body = codecs.BOM_UTF16_LE + text.decode("utf-8").encode("utf-16-le")
        yield Case(f"email-{label}-xml-utf-16", Family.EMAILS, body, _email_answer(label))


def _email_answer(label: str) -> Expected:
    return queued("AddressSuppress", 1) if label in VALID_EMAILS else invalid("Events[0].Email")


VALID_COUNTS = {
    "zero": b'"0"',
    "zero-as-a-number": b"0",
    "leading-zeros": b'"007"',
    "18-digits": b'"999999999999999999"',
    "18-digits-as-a-number": b"999999999999999999",
}
INVALID_COUNTS = {
    "word": b'"two"',
    "decimal-text": b'"2.0"',
    "leading-space": b'" 2"',
    "trailing-space": b'"2 "',
    "plus-sign": b'"+2"',
    "negative-text": b'"-1"',
    "negative-number": b"-1",
    "fraction": b"2.5",
    "exponent-number": b"1e3",
    "exponent-text": b'"1e3"',
    "true": b"true",
    "null": b"null",
    "empty-text": b'""',
    "fullwidth-digit": '"\uff12"'.encode(),
    "arabic-indic-digit": '"\u0663"'.encode(),
    "10-to-the-18-text": b'"1000000000000000000"',
    "10-to-the-18-number": b"1000000000000000000",
    "30-digits": b"9" * 30,
}
"""docs/PAYLOADS.md: ASCII digits as text or a JSON integer, below 10^18; no sign, no fraction."""
UNACCEPTABLE_JSON_NUMBERS = {"nan": b"NaN", "infinity": b"Infinity", "31-digits": b"9" * 31}


def counts() -> Iterator[Case]:
    """``RecipientCount`` of CampaignSent set to each raw JSON value."""
    refused_counts = {**INVALID_COUNTS, **UNACCEPTABLE_JSON_NUMBERS}
    for label in _alternating(VALID_COUNTS, refused_counts):
        value = {**VALID_COUNTS, **refused_counts}[label]
        if label in VALID_COUNTS:
            expected = queued("CampaignSent", 1)
        elif label in INVALID_COUNTS:
            expected = invalid("RecipientCount")
        else:
            expected = refused("malformed_json")
        yield Case(f"count-{label}", Family.COUNTS, recipient_count(value), expected)


UNKNOWN_TYPES = {
    "resubscribe": "Resubscribe",
    "forwarded": "MessageForwarded",
    "lower-case": "subscribe",
    "upper-case": "SUBSCRIBE",
    "trailing-space": "Subscribe ",
    "leading-space": " Subscribe",
    "umlaut": "Sübscribe",
    "root-element-name": "SubscribedNotification",
    "path-traversal": "../../quarantine/x",
    "1000-characters": "T" * 1000,
    "markup": "<Subscribe/>",
}
"""Names of no type this version knows: kept in quarantine, answered 202 so Tilte stops."""


def unknown_types() -> Iterator[Case]:
    for label, name in UNKNOWN_TYPES.items():
        yield Case(
            f"unknown-type-{label}-json",
            Family.UNKNOWN_TYPES,
            edit("Subscribe", "json", b'"Subscribe"', _json(name)),
            kept_unknown(name),
        )
        yield Case(
            f"unknown-type-{label}-xml",
            Family.UNKNOWN_TYPES,
            edit("Subscribe", "xml", b">Subscribe<", _xml(f">{name}<")),
            kept_unknown(name),
        )


def _json(text: str) -> bytes:
    """A JSON string, written as UTF-8 (not as escapes)."""
    return json.dumps(text, ensure_ascii=False).encode("utf-8")


def _xml(element_edge: str) -> bytes:
    """``>text<`` with the text escaped for XML, as UTF-8."""
    return b">" + escape(element_edge[1:-1]).encode("utf-8") + b"<"


def cases() -> list[Case]:
    return [
        *every_sample_in_every_encoding(),
        *truncations(),
        *missing_fields(),
        *wrong_types(),
        *root_mismatches(),
        *dates(),
        *emails(),
        *counts(),
        *unknown_types(),
    ]
