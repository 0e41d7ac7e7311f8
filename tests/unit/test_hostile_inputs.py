"""Hostile and malformed bodies: each is refused with its one typed error, code and message.

Every body is a real sample from ``events/payloads/`` with one targeted edit (or, for the
body-level cases, no sample at all), so each case shows exactly one thing the parser refuses;
the builders are in ``tests/support/hostile_bodies.py``, shared with the corpus that
``reliability/hostile.py`` sends over HTTP. The message is checked exactly, or by a precise
pattern where part of it is reported as unclear instead of being pinned here.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.hostile_bodies import (
    AFTER_MACHETQECC,
    BEFORE_MACHETQECC,
    BILLION_LAUGHS,
    LONE_HIGH_SURROGATE_LE,
    PARAMETER_ENTITIES,
    SUBSCRIBE_JSON,
    SUBSCRIBE_XML,
    UNSUBSCRIBE_TEXT,
    XXE,
    edit,
    event_date,
    json_with,
    mutated_samples,
    nested,
    recipient_count,
    without_line,
)
from tests.support.payloads import payload_bytes
from tilte_webhooks.errors import (
    EmptyBody,
    FieldProblem,
    ForbiddenXml,
    InvalidFields,
    InvalidPayload,
    MalformedJson,
    MalformedXml,
    NotificationError,
    PayloadTooLarge,
    RootElementMismatch,
    UndecodableBody,
    UnknownNotificationType,
    UnsupportedFormat,
)
from tilte_webhooks.models import NotificationBase
from tilte_webhooks.parser import DEFAULT_MAX_BODY_BYTES, parse_notification

# --- The table --------------------------------------------------------------------------------


class Request(NamedTuple):
    """A body with the arguments that go with it, for the cases that need more than bytes."""

    body: bytes | str
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES


@dataclass(frozen=True)
class Refusal:
    """What parsing a hostile body must raise."""

    error: type[NotificationError]
    code: str
    message: str | re.Pattern[str]
    """The exact message, or a pattern that must match all of it."""
    problems: tuple[FieldProblem, ...] | None = None
    """For InvalidFields: every problem; None means exactly one, the one in the message."""
    notification_type: str | None = None
    """For UnknownNotificationType: the type it reports."""


def refused(
    error: type[NotificationError], code: str, message: str | re.Pattern[str], **more: Any
) -> Refusal:
    return Refusal(error, code, message, **more)


def fields(message: str | re.Pattern[str]) -> Refusal:
    return Refusal(InvalidFields, "invalid_fields", message)


def not_well_formed_xml(detail: str) -> Refusal:
    return Refusal(MalformedXml, "malformed_xml", f"the XML is not well-formed: {detail}")


def not_well_formed_json(detail: str) -> Refusal:
    return Refusal(MalformedJson, "malformed_json", f"the JSON is not well-formed: {detail}")


DTD_REFUSED = Refusal(ForbiddenXml, "forbidden_xml", "the XML declares a DTD, which is refused")
EMPTY = Refusal(EmptyBody, "empty_body", "the body is empty")

CASES: list[pytest.ParameterSet] = [
    # The body as a whole: nothing, not text, not a notification format, too big.
    pytest.param(b"", EMPTY, id="empty-body"),
    pytest.param(b" \r\n\t \n", EMPTY, id="whitespace-only"),
    pytest.param(codecs.BOM_UTF8, EMPTY, id="utf8-bom-alone"),
    pytest.param(codecs.BOM_UTF16_LE, EMPTY, id="utf16-bom-alone"),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        refused(
            UndecodableBody,
            "undecodable_body",
            "the body is not UTF-8 or UTF-16 text (invalid byte 0x89 at offset 0)",
        ),
        id="png-header",
    ),
    pytest.param(
        b"Thanks for subscribing to WebhookTestList4!",
        refused(
            UnsupportedFormat,
            "unsupported_format",
            "the body is neither XML nor JSON (it starts with 'Thanks for subscribi')",
        ),
        id="plain-text",
    ),
    pytest.param(
        Request(SUBSCRIBE_XML, max_body_bytes=100),
        refused(
            PayloadTooLarge,
            "payload_too_large",
            f"the body is {len(SUBSCRIBE_XML)} bytes, over the limit of 100",
        ),
        id="oversized-body",
    ),
    pytest.param(
        Request("\u00e9" * 60, max_body_bytes=100),
        refused(
            PayloadTooLarge, "payload_too_large", "the body is 120 bytes, over the limit of 100"
        ),
        id="oversized-text-counted-in-utf8-bytes",
    ),
    # XML constructs refused for safety.
    pytest.param(BILLION_LAUGHS, DTD_REFUSED, id="billion-laughs"),
    pytest.param(XXE, DTD_REFUSED, id="xxe-file-etc-passwd"),
    pytest.param(b"<!DOCTYPE SubscribedNotification>", DTD_REFUSED, id="dtd-alone"),
    pytest.param(
        edit(
            "Subscribe",
            "xml",
            b"<SubscribedNotification ",
            b'<!DOCTYPE SubscribedNotification SYSTEM "http://attacker.example/n.dtd">\n'
            b"<SubscribedNotification ",
        ),
        DTD_REFUSED,
        id="external-dtd-before-the-sample",
    ),
    pytest.param(PARAMETER_ENTITIES, DTD_REFUSED, id="parameter-entities"),
    pytest.param(
        edit("Unsubscribe", "xml", b"WebhookTestList4", b"Webhook&nbsp;List4"),
        not_well_formed_xml("undefined entity: line 4, column 19"),
        id="undeclared-entity",
    ),
    # XML that is not well-formed, or not a notification's document.
    pytest.param(
        SUBSCRIBE_XML[: SUBSCRIBE_XML.index(b"<SubscriberId>kjhvkf") + 5],
        not_well_formed_xml("unclosed token: line 15, column 12"),
        id="truncated-xml",
    ),
    pytest.param(
        payload_bytes("Unsubscribe", "xml")
        + payload_bytes("Unsubscribe", "xml").split(b"\n", 1)[1],
        not_well_formed_xml("junk after document element: line 15, column 0"),
        id="two-xml-roots",
    ),
    pytest.param(
        edit("Unsubscribe", "xml", b"</ListName>", b"</ListNam>"),
        not_well_formed_xml("mismatched tag: line 4, column 30"),
        id="mismatched-closing-tag",
    ),
    pytest.param(
        edit("Unsubscribe", "xml", b"WebhookTestList4", b"Webhook\x00List4"),
        not_well_formed_xml("not well-formed (invalid token): line 4, column 19"),
        id="nul-byte-in-utf8-xml",
    ),
    pytest.param(
        edit("Subscribe", "xml", b"SubscribedNotification", b"Notification", count=2),
        refused(
            RootElementMismatch,
            "root_element_mismatch",
            "the root element <Notification> does not match NotificationType 'Subscribe', "
            "whose root element is <SubscribedNotification>",
        ),
        id="wrong-root-element",
    ),
    pytest.param(
        edit(
            "Unsubscribe",
            "xml",
            b">Unsubscribe</NotificationType>",
            b">Subscribe</NotificationType>",
        ),
        refused(
            RootElementMismatch,
            "root_element_mismatch",
            "the root element <UnsubscribedNotification> does not match NotificationType "
            "'Subscribe', whose root element is <SubscribedNotification>",
        ),
        id="root-and-type-mismatch",
    ),
    pytest.param(
        edit(
            "Subscribe",
            "xml",
            b"<SubscriberId>kjhvkf.myemail@mail.com</SubscriberId>",
            b"<SubscriberId>kjhvkf.myemail@mail.com</SubscriberId>" + nested(100),
        ),
        refused(MalformedXml, "malformed_xml", "the XML is nested more than 32 levels deep"),
        id="xml-nested-100-levels-inside-an-event",
    ),
    pytest.param(
        edit("Subscribe", "xml", b"    <Random>", b"    <Events></Events>\n    <Random>"),
        fields("Events: appears more than once"),
        id="xml-events-repeated",
    ),
    pytest.param(
        edit(
            "Subscribe",
            "xml",
            b"""<SubscribedEvent>
            <Email>kjhvkf.myemail@mail.com</Email>
            <Date>2024-08-07T12:46:04.5128443Z</Date>
            <SubscriberId>kjhvkf.myemail@mail.com</SubscriberId>
        </SubscribedEvent>""",
            b"""<UnsubscribedEvent>
            <Email>kjhvkf.myemail@mail.com</Email>
            <Date>2024-08-07T12:46:04.5128443Z</Date>
            <SubscriberId>kjhvkf.myemail@mail.com</SubscriberId>
        </UnsubscribedEvent>""",
        ),
        fields("Events[1]: expected <SubscribedEvent>, found <UnsubscribedEvent>"),
        id="xml-event-element-with-the-wrong-tag",
    ),
    # JSON that is not well-formed or not acceptable.
    pytest.param(
        SUBSCRIBE_JSON[: SUBSCRIBE_JSON.index(b'"SubscriberId"') + 10],
        not_well_formed_json("Unterminated string starting at: line 8 column 13 (char 226)"),
        id="truncated-json",
    ),
    pytest.param(
        payload_bytes("Unsubscribe", "json") + b"{}",
        not_well_formed_json("Extra data: line 14 column 1 (char 361)"),
        id="json-followed-by-a-second-document",
    ),
    pytest.param(
        b"[" + payload_bytes("Unsubscribe", "json") + b"]",
        refused(
            InvalidFields,
            "invalid_fields",
            "the JSON must be an object, not a list",
            problems=(FieldProblem("", "the JSON must be an object, not a list"),),
        ),
        id="json-top-level-array",
    ),
    pytest.param(
        b"[" * 100_000,
        refused(MalformedJson, "malformed_json", "the JSON is nested too deeply"),
        id="json-nested-100000-deep",
    ),
    pytest.param(
        recipient_count(b"NaN"),
        refused(
            MalformedJson, "malformed_json", "the JSON is not acceptable: NaN is not a JSON number"
        ),
        id="json-nan",
    ),
    pytest.param(
        edit("Subscribe", "json", b'"WebhookTestList4"', b'"Webhook\\ud800List4"'),
        refused(
            MalformedJson,
            "malformed_json",
            "the JSON contains an unpaired UTF-16 surrogate escape",
        ),
        id="json-unpaired-high-surrogate-escape",
    ),
    pytest.param(
        recipient_count(b"9" * 5000),
        refused(
            MalformedJson,
            "malformed_json",
            "the JSON is not acceptable: the number '99999999999999999999...' is too long",
        ),
        id="json-5000-digit-integer",
    ),
    # NotificationType: unknown, missing, not text.
    pytest.param(
        edit(
            "Subscribe",
            "xml",
            b">Subscribe</NotificationType>",
            b">MessageForwarded</NotificationType>",
        ),
        refused(
            UnknownNotificationType,
            "unknown_notification_type",
            "NotificationType: 'MessageForwarded' is not a known notification type",
            notification_type="MessageForwarded",
        ),
        id="unknown-type-xml",
    ),
    pytest.param(
        edit("Subscribe", "json", b'"Subscribe"', b'"MessageForwarded"'),
        refused(
            UnknownNotificationType,
            "unknown_notification_type",
            "NotificationType: 'MessageForwarded' is not a known notification type",
            notification_type="MessageForwarded",
        ),
        id="unknown-type-json",
    ),
    pytest.param(
        without_line("Subscribe", "xml", b"<NotificationType>"),
        fields("NotificationType: is required"),
        id="missing-type-xml",
    ),
    pytest.param(
        edit("Subscribe", "json", b'=",\n    "NotificationType": "Subscribe"', b'="'),
        fields("NotificationType: is required"),
        id="missing-type-json",
    ),
    pytest.param(
        edit("Subscribe", "json", b'"NotificationType": "Subscribe"', b'"NotificationType": 7'),
        fields("NotificationType: expected text, found a number"),
        id="type-as-a-number",
    ),
    # Required fields missing or empty.
    pytest.param(
        edit("Subscribe", "json", b'"SubscriberId": "alwskd', b'"subscriber_id": "alwskd'),
        fields("Events[0].SubscriberId: is required"),
        id="python-name-instead-of-subscriber-id-json",
    ),
    pytest.param(
        edit("MessageBounced", "xml", b"<Type>S</Type>", b"<bounce_type>S</bounce_type>"),
        fields("Events[0].Type: is required"),
        id="python-name-instead-of-type-xml",
    ),
    pytest.param(
        without_line("Subscribe", "xml", b"<Email>kjhvkf.myemail@mail.com</Email>"),
        fields("Events[1].Email: is required"),
        id="missing-email-xml",
    ),
    pytest.param(
        without_line("Subscribe", "json", b'"Date": "2024-08-07T12:46:13.0929985Z"'),
        fields("Events[2].Date: is required"),
        id="missing-event-date-json",
    ),
    pytest.param(
        without_line("CampaignSent", "xml", b"<Date>"),
        fields("Date: is required"),
        id="missing-campaign-date-xml",
    ),
    pytest.param(
        without_line("Subscribe", "json", b'"Random"'),
        fields("Random: is required"),
        id="missing-random-json",
    ),
    pytest.param(
        without_line("Subscribe", "xml", b"<ListId>"),
        fields("ListId: is required"),
        id="missing-list-id-xml",
    ),
    pytest.param(
        without_line("MessageBounced", "json", b'"CampaignId"'),
        fields("CampaignId: is required"),
        id="missing-campaign-id-json",
    ),
    pytest.param(
        edit(
            "Subscribe", "xml", b"<ListId>4dbce53b396949c88068ba652aa1c5a7</ListId>", b"<ListId/>"
        ),
        fields("ListId: must not be empty"),
        id="empty-list-id-xml",
    ),
    pytest.param(
        edit("Subscribe", "json", b'"4dbce53b396949c88068ba652aa1c5a7"', b'""'),
        fields("ListId: must not be empty"),
        id="empty-list-id-json",
    ),
    # Dates.
    pytest.param(
        event_date(b"yesterday", "xml"),
        fields("Events[2].Date: 'yesterday' is not a date"),
        id="date-yesterday-xml",
    ),
    pytest.param(
        event_date(b"yesterday"),
        fields("Events[2].Date: 'yesterday' is not a date"),
        id="date-yesterday-json",
    ),
    pytest.param(
        event_date(b"2024-08-07T12:46:13.0929985"),
        fields("Events[2].Date: '2024-08-07T12:46:13.0929985' is not a date"),
        id="date-without-offset",
    ),
    pytest.param(
        event_date(b"2024-02-30T12:46:13.0929985Z"),
        fields("Events[2].Date: '2024-02-30T12:46:13.0929985Z' is not a date"),
        id="date-february-30",
    ),
    pytest.param(
        event_date(b"2024-08-07T12:46:13.0929985123Z"),
        fields("Events[2].Date: '2024-08-07T12:46:13.0929985123Z' is not a date"),
        id="date-10-fractional-digits",
    ),
    pytest.param(
        event_date(b"2024-13-07T12:46:13.0929985Z"),
        fields("Events[2].Date: '2024-13-07T12:46:13.0929985Z' is not a date"),
        id="date-month-13",
    ),
    pytest.param(
        event_date(b"0000-08-07T12:46:13.0929985Z"),
        fields("Events[2].Date: '0000-08-07T12:46:13.0929985Z' is not a date"),
        id="date-year-0000",
    ),
    pytest.param(
        event_date(b"2024-08-07T12:46:13.0929985+24:00"),
        fields("Events[2].Date: '2024-08-07T12:46:13.0929985+24:00' is not a date"),
        id="date-offset-plus-24-hours",
    ),
    pytest.param(
        event_date(b"0001-01-01T00:00:00+01:00"),
        fields("Events[2].Date: '0001-01-01T00:00:00+01:00' is not a date"),
        id="date-before-year-1-in-utc",
    ),
    pytest.param(
        edit(
            "Subscribe",
            "xml",
            b"<Date>2024-08-07T12:46:13.0929985Z</Date>",
            b'<Date xsi:nil="true">2024-08-07T12:46:13.0929985Z</Date>',
        ),
        fields("Events[2].Date: expected a date as text, found null"),
        id="date-string-in-an-xsi-nil-element",
    ),
    # Counts.
    pytest.param(
        recipient_count(b'"two"'),
        fields("RecipientCount: 'two' is not a whole number"),
        id="recipient-count-two",
    ),
    pytest.param(
        recipient_count(b'"-1"'),
        fields("RecipientCount: -1 must not be negative"),
        id="recipient-count-minus-one-as-text",
    ),
    pytest.param(
        recipient_count(b"-1"),
        fields("RecipientCount: -1 must not be negative"),
        id="recipient-count-minus-one-as-a-number",
    ),
    pytest.param(
        recipient_count(b"2.5"),
        fields("RecipientCount: 2.5 is not a whole number"),
        id="recipient-count-2.5",
    ),
    pytest.param(
        recipient_count(b"true"),
        fields("RecipientCount: true is not a whole number"),
        id="recipient-count-true",
    ),
    pytest.param(
        edit("MessageBounced", "json", b'"SmtpCode": "550"', b'"SmtpCode": true'),
        fields("Events[0].SmtpCode: true is not a whole number"),
        id="smtp-code-true",
    ),
    # Email addresses.
    pytest.param(
        edit(
            "Subscribe",
            "json",
            b'"Email": "kjhvkf.myemail@mail.com"',
            b'"Email": "kjhvkf.myemail.mail.com"',
        ),
        fields("Events[1].Email: 'kjhvkf.myemail.mail.com' is not an email address"),
        id="email-without-at",
    ),
    pytest.param(
        edit("Subscribe", "json", b'"Email": "kjhvkf.myemail@mail.com"', b'"Email": 42'),
        fields("Events[1].Email: expected text, found a number"),
        id="email-as-a-number",
    ),
    # Events of the wrong shape.
    pytest.param(
        edit("Unsubscribe", "json", b'"Events": [\n    {', b'"Events": {').replace(
            b"}\n  ],", b"},"
        ),
        fields("Events: expected a list, found an object"),
        id="events-as-an-object",
    ),
    pytest.param(
        json_with("Subscribe", ("Events",), None),
        fields("Events: expected a list, found null"),
        id="events-as-null",
    ),
    pytest.param(
        json_with("Subscribe", ("Events", 1), "kjhvkf.myemail@mail.com"),
        fields("Events[1]: expected an object, found text"),
        id="event-as-a-string",
    ),
    # Bytes that are not the text they claim to be.
    pytest.param(
        edit("Unsubscribe", "xml", b"WebhookTestList4", b"Webhook\xff\xfeList4"),
        refused(
            UndecodableBody,
            "undecodable_body",
            "the body is not UTF-8 or UTF-16 text (invalid byte 0xff at offset 237)",
        ),
        id="invalid-utf8-inside-xml",
    ),
    pytest.param(
        codecs.BOM_UTF16_LE + UNSUBSCRIBE_TEXT.encode("utf-16-le")[:-1],
        refused(
            UndecodableBody,
            "undecodable_body",
            "the body is not valid UTF-16 LE: truncated data at offset "
            f"{2 + 2 * len(UNSUBSCRIBE_TEXT) - 2}",
        ),
        id="utf16-bom-then-odd-byte-count",
    ),
    pytest.param(
        BEFORE_MACHETQECC.encode("utf-16-le")
        + LONE_HIGH_SURROGATE_LE
        + AFTER_MACHETQECC.encode("utf-16-le"),
        refused(
            UndecodableBody,
            "undecodable_body",
            f"the body is not valid UTF-16 LE: illegal UTF-16 surrogate at offset "
            f"{2 * len(BEFORE_MACHETQECC)}",
        ),
        id="utf16-lone-surrogate",
    ),
    pytest.param(
        codecs.BOM_UTF16_LE
        + BEFORE_MACHETQECC.encode("utf-16-le")
        + LONE_HIGH_SURROGATE_LE
        + AFTER_MACHETQECC.encode("utf-16-le"),
        refused(
            UndecodableBody,
            "undecodable_body",
            "the body is not valid UTF-16 LE: illegal UTF-16 surrogate at offset "
            f"{2 + 2 * len(BEFORE_MACHETQECC)}",
        ),
        id="utf16-bom-then-lone-surrogate",
    ),
    # Several problems at once: the first in the message, every one in .problems.
    pytest.param(
        recipient_count(b'"two"')
        .replace(b'"2024-08-07T15:48:37.3343743Z"', b'"yesterday"')
        .replace(b'  "CampaignName": "TestCampaign12a",\n', b""),
        refused(
            InvalidFields,
            "invalid_fields",
            "Date: 'yesterday' is not a date (and 2 more problems)",
            problems=(
                FieldProblem("Date", "'yesterday' is not a date"),
                FieldProblem("RecipientCount", "'two' is not a whole number"),
                FieldProblem("CampaignName", "is required"),
            ),
        ),
        id="three-problems-json",
    ),
    pytest.param(
        event_date(b"yesterday", "xml").replace(
            b"<Email>alwskd.myemail@mail.com</Email>", b"<Email>alwskd.myemail.mail.com</Email>"
        ),
        refused(
            InvalidFields,
            "invalid_fields",
            "Events[0].Email: 'alwskd.myemail.mail.com' is not an email address "
            "(and 1 more problem)",
            problems=(
                FieldProblem(
                    "Events[0].Email", "'alwskd.myemail.mail.com' is not an email address"
                ),
                FieldProblem("Events[2].Date", "'yesterday' is not a date"),
            ),
        ),
        id="two-problems-xml",
    ),
]


def parse(body: bytes | str | Request) -> NotificationBase:
    request = body if isinstance(body, Request) else Request(body)
    return parse_notification(request.body, max_body_bytes=request.max_body_bytes)


def test_the_table_is_large_and_its_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(CASES) >= 45
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("body", "refusal"), CASES)
def test_each_hostile_body_is_refused_with_its_exact_error(
    body: bytes | Request, refusal: Refusal
) -> None:
    # When the hostile body is parsed
    with pytest.raises(refusal.error) as excinfo:
        parse(body)

    # Then the error is exactly the expected class, with its stable code
    error = excinfo.value
    assert type(error) is refusal.error
    assert error.code == refusal.code
    # and a message that names the place
    if isinstance(refusal.message, str):
        assert str(error.message) == refusal.message
    else:
        assert refusal.message.fullmatch(str(error.message)), error.message
    assert str(error) == f"{refusal.code}: {error.message}"
    if isinstance(error, InvalidFields):
        if refusal.problems is None:
            assert len(error.problems) == 1
            assert str(error.problems[0]) == error.message
        else:
            assert error.problems == refusal.problems
    if isinstance(error, UnknownNotificationType):
        assert error.notification_type == refusal.notification_type


INVALID_PAYLOAD_CASES = [
    case
    for case in CASES
    if isinstance(refusal := case.values[1], Refusal) and issubclass(refusal.error, InvalidPayload)
]


@pytest.mark.parametrize(("body", "refusal"), INVALID_PAYLOAD_CASES)
def test_every_invalid_body_is_an_invalid_payload_and_nothing_else(
    body: bytes | Request, refusal: Refusal
) -> None:
    try:
        parse(body)
    except Exception as error:
        caught = error
    else:
        pytest.fail("the hostile body was accepted")
    assert isinstance(caught, InvalidPayload), f"{type(caught).__name__}: {caught}"
    assert caught.__cause__ is None
    assert caught.code == refusal.code


def test_most_of_the_table_is_invalid_payloads() -> None:
    assert len(INVALID_PAYLOAD_CASES) >= 40


# --- Gaps the first version of this table found, now refused ----------------------------


def test_a_str_body_with_a_lone_surrogate_is_undecodable() -> None:
    body = UNSUBSCRIBE_TEXT.replace("WebhookTestList4", "Webhook\ud800List4")
    with pytest.raises(UndecodableBody) as raised:
        parse(body)
    position = body.index("\ud800")
    assert (
        raised.value.message == f"the text contains an unpaired surrogate at character {position}"
    )


def test_an_unpaired_low_surrogate_escape_in_json_is_refused() -> None:
    body = edit("Subscribe", "json", b'"WebhookTestList4"', b'"Webhook\\udc00List4"')
    with pytest.raises(MalformedJson) as raised:
        parse(body)
    assert raised.value.message == "the JSON contains an unpaired UTF-16 surrogate escape"


def test_offset_minutes_of_60_are_refused() -> None:
    with pytest.raises(InvalidFields) as raised:
        parse(event_date(b"2024-08-07T12:46:13.0929985+05:60"))
    assert (
        raised.value.message == "Events[2].Date: '2024-08-07T12:46:13.0929985+05:60' is not a date"
    )


def test_a_repeated_json_key_that_changes_the_meaning_is_refused() -> None:
    body = edit(
        "Unsubscribe",
        "json",
        b'"NotificationType": "Unsubscribe"',
        b'"NotificationType": "Unsubscribe", "NotificationType": "Subscribe"',
    )
    with pytest.raises(InvalidFields) as raised:
        parse(body)
    assert raised.value.message == "NotificationType: appears more than once in one object"


def test_a_repeated_xml_notification_type_is_refused() -> None:
    body = edit(
        "Unsubscribe",
        "xml",
        b"<NotificationType>Unsubscribe</NotificationType>",
        b"<NotificationType>Unsubscribe</NotificationType><NotificationType>Subscribe</NotificationType>",
    )
    with pytest.raises(InvalidFields) as raised:
        parse(body)
    assert raised.value.message == "NotificationType: appears more than once"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_empty_notification_type_is_invalid_not_unknown(fmt: str) -> None:
    old = b"<NotificationType>Subscribe<" if fmt == "xml" else b'"NotificationType": "Subscribe"'
    new = b"<NotificationType><" if fmt == "xml" else b'"NotificationType": ""'
    with pytest.raises(InvalidFields) as raised:
        parse(edit("Subscribe", fmt, old, new))
    assert raised.value.message == "NotificationType: must not be empty"


def test_a_python_name_next_to_tilte_s_is_kept_as_an_added_field() -> None:
    body = edit(
        "Subscribe",
        "json",
        b'"SubscriberId": "alwskd.myemail@mail.com"',
        b'"SubscriberId": "alwskd.myemail@mail.com", "subscriber_id": "other"',
    )
    notification = parse(body)
    first = notification.model_dump(by_alias=True)["Events"][0]
    assert (first["SubscriberId"], first["subscriber_id"]) == ("alwskd.myemail@mail.com", "other")


def test_a_json_scalar_is_json_that_is_not_an_object() -> None:
    for body, kind in ((b'"hello"', "text"), (b"42", "a number"), (b"null", "null")):
        with pytest.raises(InvalidFields) as raised:
            parse(body)
        assert raised.value.message == f"the JSON must be an object, not {kind}"


def test_utf32_with_a_bom_is_read_as_utf32() -> None:
    body = codecs.BOM_UTF32_LE + UNSUBSCRIBE_TEXT.encode("utf-32-le")
    assert parse(body) == parse(UNSUBSCRIBE_TEXT)


def test_offsets_count_from_the_start_of_the_body_including_the_bom() -> None:
    body = codecs.BOM_UTF8 + b'{"a": "\xff"}'
    with pytest.raises(UndecodableBody) as raised:
        parse(body)
    assert raised.value.message == "the body is not valid UTF-8: invalid start byte at offset 10"


# --- Property: whatever the bytes, a model or a NotificationError, never anything else -------


def parses_or_refuses(body: bytes) -> None:
    outcome: NotificationBase | NotificationError
    try:
        outcome = parse_notification(body)
    except NotificationError as error:  # anything else escapes and fails the test
        outcome = error
    if isinstance(outcome, NotificationError):
        assert outcome.code
        assert outcome.message
    else:
        assert isinstance(outcome, NotificationBase)


@settings(max_examples=200)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_give_a_model_or_a_notification_error(body: bytes) -> None:
    parses_or_refuses(body)


@settings(max_examples=200)
@given(mutated_samples())
def test_mutated_samples_give_a_model_or_a_notification_error(body: bytes) -> None:
    parses_or_refuses(body)
