"""Whatever bytes real senders put on the wire for a sample, the parse is the same."""

from __future__ import annotations

import codecs
from collections.abc import Callable

import pytest

from tests.support.payloads import payload_bytes
from tilte_webhooks.errors import UndecodableBody
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.parser import parse_notification

ENCODINGS: dict[str, Callable[[str], bytes | str]] = {
    "UTF-16 LE with BOM": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "UTF-16 LE without BOM": lambda text: text.encode("utf-16-le"),
    "UTF-16 BE with BOM": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "UTF-16 BE without BOM": lambda text: text.encode("utf-16-be"),
    "UTF-8 with BOM": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "UTF-8 without BOM": lambda text: text.encode("utf-8"),
    "Python str": lambda text: text,
}
CONTENT_TYPES = [None, "", "application/json", "text/xml; charset=utf-16", "text/plain", "nonsense"]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("notification_type", NOTIFICATION_TYPES)
def test_every_xml_sample_parses_the_same_in_every_encoding(
    notification_type: str, encoding: str
) -> None:
    text = payload_bytes(notification_type, "xml").decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-16"?>')  # the declaration stays

    assert parse_notification(ENCODINGS[encoding](text)) == parse_notification(text)


@pytest.mark.parametrize("notification_type", NOTIFICATION_TYPES)
def test_xml_without_a_declaration_or_with_leading_whitespace_parses_the_same(
    notification_type: str,
) -> None:
    text = payload_bytes(notification_type, "xml").decode("utf-8")
    bare = text.split("?>", 1)[1]
    expected = parse_notification(text)
    assert parse_notification(bare.encode("utf-16")) == expected
    assert parse_notification(("\r\n  " + text).encode("utf-8")) == expected


@pytest.mark.parametrize("notification_type", NOTIFICATION_TYPES)
def test_json_parses_the_same_with_or_without_a_bom(notification_type: str) -> None:
    body = payload_bytes(notification_type, "json")
    assert parse_notification(codecs.BOM_UTF8 + body) == parse_notification(body)


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_missing_or_wrong_content_type_does_not_matter(fmt: str, content_type: str) -> None:
    body = payload_bytes("MessageBounced", fmt)
    assert parse_notification(body, content_type) == parse_notification(body)


def test_non_ascii_text_survives_utf8_declared_as_utf16() -> None:
    text = (
        payload_bytes("Subscribe", "xml")
        .decode("utf-8")
        .replace("WebhookTestList4", "Liste d'été – 東京 🚀")
    )
    for encode in ENCODINGS.values():
        notification = parse_notification(encode(text))
        assert notification.list_name == "Liste d'été – 東京 🚀"  # type: ignore[attr-defined]


def test_latin1_bytes_are_read_when_the_sender_names_the_charset() -> None:
    text = payload_bytes("Subscribe", "json").decode("utf-8").replace("WebhookTestList4", "Été")
    body = text.encode("iso-8859-1")

    with pytest.raises(
        UndecodableBody,
        match=r"^undecodable_body: the body is not UTF-8 or UTF-16 text \(invalid byte 0xc9",
    ):
        parse_notification(body)
    named = parse_notification(body, "application/json; charset=ISO-8859-1")
    assert named.list_name == "Été"  # type: ignore[attr-defined]


def test_latin1_xml_is_read_when_its_declaration_names_the_charset() -> None:
    text = (
        payload_bytes("Subscribe", "xml")
        .decode("utf-8")
        .replace('encoding="utf-16"', 'encoding="windows-1252"')
        .replace("WebhookTestList4", "Café €")
    )
    notification = parse_notification(text.encode("cp1252"))
    assert notification.list_name == "Café €"  # type: ignore[attr-defined]
