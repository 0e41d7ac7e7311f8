"""Bytes that are not the text they claim to be, and text that is not a notification: surrogates,
NUL bytes, encodings, Content-Types.
"""

from __future__ import annotations

import codecs
import gzip

from reliability.corpus.case import (
    EMPTY,
    NEITHER_XML_NOR_JSON,
    NOT_AN_OBJECT,
    NOT_WELL_FORMED_JSON,
    NOT_WELL_FORMED_XML,
    UNDECODABLE,
    Case,
    CraftedEvent,
    Expected,
    Family,
    invalid,
)
from reliability.corpus.samples import (
    SUBSCRIBED,
    UNSUBSCRIBED,
    subscribe_json,
    subscribe_xml,
    utf16,
)
from tests.support.hostile_bodies import (
    AFTER_MACHETQECC,
    BEFORE_MACHETQECC,
    LONE_HIGH_SURROGATE_LE,
    SUBSCRIBE_JSON,
    SUBSCRIBE_XML,
    UNSUBSCRIBE_TEXT,
    edit,
)
from tests.support.payloads import payload_bytes


def read_as_utf16(ascii_text: bytes) -> Expected:
    """ASCII bytes behind a UTF-16 LE mark: each pair is one character below U+8000 (never a
    surrogate), so an even length decodes to text that is neither XML nor JSON, and an odd one
    ends in half a character."""
    return UNDECODABLE if len(ascii_text) % 2 else NEITHER_XML_NOR_JSON


def surrogates() -> list[Case]:
    family = Family.SURROGATES
    before = BEFORE_MACHETQECC.encode("utf-16-le")
    after = AFTER_MACHETQECC.encode("utf-16-le")
    lone = UNSUBSCRIBE_TEXT.replace("WebhookTestList4", "Webhook\ud800List4")
    return [
        Case(
            "utf-16-lone-high-surrogate",
            family,
            before + LONE_HIGH_SURROGATE_LE + after,
            UNDECODABLE,
        ),
        Case(
            "json-lone-high-surrogate-escape",
            family,
            subscribe_json(b"WebhookTestList4", b"Webhook\\ud800List4"),
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "utf-16-bom-then-lone-high-surrogate",
            family,
            codecs.BOM_UTF16_LE + before + LONE_HIGH_SURROGATE_LE + after,
            UNDECODABLE,
        ),
        Case("utf-16-lone-low-surrogate", family, before + b"\x00\xdc" + after, UNDECODABLE),
        Case("utf-16-reversed-pair", family, before + b"\x00\xdc\x00\xd8" + after, UNDECODABLE),
        Case(
            "utf-16-be-lone-surrogate",
            family,
            codecs.BOM_UTF16_BE
            + BEFORE_MACHETQECC.encode("utf-16-be")
            + b"\xd8\x00"
            + AFTER_MACHETQECC.encode("utf-16-be"),
            UNDECODABLE,
        ),
        Case(
            "utf-16-high-surrogate-as-the-last-unit",
            family,
            codecs.BOM_UTF16_LE + UNSUBSCRIBE_TEXT.encode("utf-16-le") + LONE_HIGH_SURROGATE_LE,
            UNDECODABLE,
        ),
        Case(
            "utf-8-encoded-surrogate",
            family,
            subscribe_xml(b"WebhookTestList4", b"Webhook\xed\xa0\x80List4"),
            UNDECODABLE,
        ),
        Case(
            "json-lone-low-surrogate-escape",
            family,
            subscribe_json(b"WebhookTestList4", b"Webhook\\udc00List4"),
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "json-reversed-surrogate-escapes",
            family,
            subscribe_json(b"WebhookTestList4", b"Webhook\\udc00\\ud800List4"),
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "xml-reference-to-a-surrogate",
            family,
            subscribe_xml(b"WebhookTestList4", b"Webhook&#xD800;List4"),
            NOT_WELL_FORMED_XML,
        ),
        Case(
            "text-body-with-a-lone-surrogate-via-event",
            family,
            lone.encode("utf-8", "surrogatepass"),
            UNDECODABLE,
            event=CraftedEvent(lone, is_base64_encoded=False),
        ),
        # Pairs in the right order are characters like any other.
        Case(
            "utf-16-surrogate-pair",
            family,
            utf16(subscribe_xml(b"WebhookTestList4", "Webhook😀List4".encode())),
            SUBSCRIBED,
        ),
        Case(
            "json-surrogate-pair-escapes",
            family,
            subscribe_json(b"WebhookTestList4", b"Webhook\\ud83d\\ude00List4"),
            SUBSCRIBED,
        ),
    ]


def nul_bytes() -> list[Case]:
    family = Family.NUL_BYTES
    return [
        Case(
            "nul-in-utf-8-xml",
            family,
            subscribe_xml(b"WebhookTestList4", b"Webhook\x00List4"),
            NOT_WELL_FORMED_XML,
        ),
        Case(
            "raw-nul-in-a-json-string",
            family,
            subscribe_json(b"WebhookTestList4", b"Webhook\x00List4"),
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "nul-in-utf-16-xml",
            family,
            utf16(subscribe_xml(b"WebhookTestList4", b"Webhook\x00List4")),
            NOT_WELL_FORMED_XML,
        ),
        Case(
            "xml-reference-to-nul",
            family,
            subscribe_xml(b"WebhookTestList4", b"Webhook&#0;List4"),
            NOT_WELL_FORMED_XML,
        ),
        Case("nul-after-the-json", family, SUBSCRIBE_JSON + b"\x00", NOT_WELL_FORMED_JSON),
        Case("nul-after-the-xml", family, SUBSCRIBE_XML + b"\x00", NOT_WELL_FORMED_XML),
        Case("only-nuls", family, b"\x00" * 4, NEITHER_XML_NOR_JSON),
        Case("one-nul", family, b"\x00", NEITHER_XML_NOR_JSON),
        # A NUL then "{" reads as UTF-16 BE: "{" and then ASCII pairs, characters below U+8000;
        # an odd length leaves half a character, an even one is not well-formed JSON.
        Case(
            "nul-before-the-json",
            family,
            b"\x00" + SUBSCRIBE_JSON,
            UNDECODABLE if len(SUBSCRIBE_JSON) % 2 == 0 else NOT_WELL_FORMED_JSON,
        ),
        Case(
            "escaped-nul-in-a-list-name",
            family,
            subscribe_json(b"WebhookTestList4", b"Webhook\\u0000List4"),
            SUBSCRIBED,
        ),
    ]


def encodings() -> list[Case]:
    family = Family.ENCODINGS
    latin = UNSUBSCRIBE_TEXT.replace("WebhookTestList4", "Liste élève")
    suppress_xml = payload_bytes("AddressSuppress", "xml")
    return [
        Case(
            "latin-1-declared-in-the-xml",
            family,
            latin.replace('encoding="utf-16"', 'encoding="iso-8859-1"').encode("latin-1"),
            UNSUBSCRIBED,
        ),
        Case("latin-1-undeclared", family, latin.encode("latin-1"), UNDECODABLE),
        Case(
            "latin-1-named-by-the-content-type",
            family,
            latin.encode("latin-1"),
            UNSUBSCRIBED,
            content_type="text/xml; charset=ISO-8859-1",
        ),
        Case(
            "windows-1252-declared-in-the-xml",
            family,
            UNSUBSCRIBE_TEXT.replace('encoding="utf-16"', 'encoding="windows-1252"')
            .replace("WebhookTestList4", "Liste €")
            .encode("cp1252"),
            UNSUBSCRIBED,
        ),
        Case(
            "latin-1-bytes-declaring-an-unknown-charset",
            family,
            latin.replace('encoding="utf-16"', 'encoding="x-klingon"').encode("latin-1"),
            UNDECODABLE,
        ),
        Case(
            "utf-16-le-behind-a-big-endian-bom",
            family,
            codecs.BOM_UTF16_BE + UNSUBSCRIBE_TEXT.encode("utf-16-le"),
            NEITHER_XML_NOR_JSON,
        ),
        Case(
            "utf-8-behind-a-utf-16-bom-AddressSuppress",
            family,
            codecs.BOM_UTF16_LE + suppress_xml,
            read_as_utf16(suppress_xml),
        ),
        Case(
            "utf-8-behind-a-utf-16-bom-Subscribe",
            family,
            codecs.BOM_UTF16_LE + SUBSCRIBE_XML,
            read_as_utf16(SUBSCRIBE_XML),
        ),
        Case(
            "utf-16-declaring-utf-8",
            family,
            utf16(subscribe_xml(b'encoding="utf-16"', b'encoding="utf-8"')),
            SUBSCRIBED,
        ),
        Case(
            "gzip-compressed",
            family,
            gzip.compress(SUBSCRIBE_XML, mtime=0),
            UNDECODABLE,
            content_type="application/xml",
            headers=(("Content-Encoding", "gzip"),),
        ),
        Case(
            "latin-1-in-the-middle-of-utf-8",
            family,
            subscribe_json(b"WebhookTestList4", "Liste élève".encode("latin-1")),
            UNDECODABLE,
        ),
        Case(
            "whitespace-before-the-declaration",
            family,
            b"\r\n \t" + SUBSCRIBE_XML,
            SUBSCRIBED,
        ),
    ]


def content_types() -> list[Case]:
    family = Family.CONTENT_TYPE
    latin_utf8 = UNSUBSCRIBE_TEXT.replace("WebhookTestList4", "Liste élève").encode()
    return [
        Case("html-content-type-on-json", family, SUBSCRIBE_JSON, SUBSCRIBED, "text/html"),
        Case("no-content-type-on-utf-16-xml", family, utf16(SUBSCRIBE_XML), SUBSCRIBED),
        Case(
            "utf-16-charset-on-utf-8-json",
            family,
            SUBSCRIBE_JSON,
            SUBSCRIBED,
            "application/json; charset=utf-16",
        ),
        Case(
            "latin-1-charset-on-utf-8-xml",
            family,
            latin_utf8,
            UNSUBSCRIBED,
            "application/xml; charset=iso-8859-1",
        ),
        Case("image-content-type-on-xml", family, SUBSCRIBE_XML, SUBSCRIBED, "image/png"),
        Case("content-type-that-is-no-media-type", family, SUBSCRIBE_XML, SUBSCRIBED, "n/a ;;;"),
        Case(
            "content-type-of-8-kb",
            family,
            SUBSCRIBE_JSON,
            SUBSCRIBED,
            "application/json; x=" + "y" * 8192,
        ),
        Case(
            "two-content-types",
            family,
            SUBSCRIBE_XML,
            SUBSCRIBED,
            headers=(("Content-Type", "application/json"), ("Content-Type", "text/xml")),
        ),
        Case(
            "bogus-charset-on-latin-1",
            family,
            UNSUBSCRIBE_TEXT.replace("WebhookTestList4", "Liste élève").encode("latin-1"),
            UNDECODABLE,
            "text/xml; charset=x-klingon",
        ),
    ]


def not_a_notification() -> list[Case]:
    family = Family.NOT_A_NOTIFICATION
    unsubscribe_json = payload_bytes("Unsubscribe", "json")
    unsubscribe_xml = payload_bytes("Unsubscribe", "xml")
    return [
        Case("empty-body", family, b"", EMPTY),
        Case(
            "plain-text",
            family,
            b"Thanks for subscribing to WebhookTestList4!",
            NEITHER_XML_NOR_JSON,
        ),
        Case("whitespace-only", family, b" \r\n\t \n", EMPTY),
        Case("utf-8-bom-alone", family, codecs.BOM_UTF8, EMPTY),
        Case("utf-16-bom-alone", family, codecs.BOM_UTF16_LE, EMPTY),
        Case(
            "png-image",
            family,
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
            UNDECODABLE,
            "image/png",
        ),
        Case(
            "form-encoded",
            family,
            b"NotificationType=Subscribe&ListId=4dbce53b396949c88068ba652aa1c5a7",
            NEITHER_XML_NOR_JSON,
            "application/x-www-form-urlencoded",
        ),
        Case("yaml", family, b"NotificationType: Subscribe\nListId: x\n", NEITHER_XML_NOR_JSON),
        Case("json-top-level-list", family, b"[" + unsubscribe_json + b"]", NOT_AN_OBJECT),
        Case("json-null", family, b"null", NOT_AN_OBJECT),
        Case("json-number", family, b"42", NOT_AN_OBJECT),
        Case("json-true", family, b"true", NOT_AN_OBJECT),
        Case("json-string", family, b'"Subscribe"', NOT_AN_OBJECT),
        Case("json-two-documents", family, unsubscribe_json + b"{}", NOT_WELL_FORMED_JSON),
        Case(
            "json-trailing-comma",
            family,
            edit("Unsubscribe", "json", b'"Unsubscribe"', b'"Unsubscribe",'),
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "json-single-quotes",
            family,
            unsubscribe_json.replace(b'"', b"'"),
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "json-with-a-comment",
            family,
            unsubscribe_json.replace(b"{\n", b"{ // from Tilte\n", 1),
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "xml-two-roots",
            family,
            unsubscribe_xml + unsubscribe_xml.split(b"\n", 1)[1],
            NOT_WELL_FORMED_XML,
        ),
        Case(
            "xml-declaration-only",
            family,
            b'<?xml version="1.0" encoding="utf-16"?>',
            NOT_WELL_FORMED_XML,
        ),
        Case("xml-empty-root", family, b"<SubscribedNotification/>", invalid("NotificationType")),
        Case(
            "html-without-doctype",
            family,
            b"<html><body>Hi</body></html>",
            invalid("NotificationType"),
        ),
    ]


def cases() -> list[Case]:
    """The hand-written cases of this module; in each family the first two are the quick run's."""
    return [*surrogates(), *nul_bytes(), *encodings(), *content_types(), *not_a_notification()]
