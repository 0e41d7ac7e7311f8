"""Well-formed documents with the wrong fields: added, repeated, unknown types, wrong roots."""

from __future__ import annotations

from reliability.corpus.case import (
    NOT_WELL_FORMED_JSON,
    Case,
    Family,
    invalid,
    kept_unknown,
    queued,
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
)
from tests.support.hostile_bodies import (
    edit,
    json_with,
)


def extra_fields() -> list[Case]:
    family = Family.EXTRA_FIELDS
    bounced = "MessageBounced"
    return [
        Case(
            "json-extra-field-on-the-notification",
            family,
            subscribe_json(LIST_NAME_JSON, LIST_NAME_JSON + b', "ListOwner": "marketing"'),
            SUBSCRIBED,
        ),
        Case(
            "json-extra-object-in-an-event",
            family,
            subscribe_json(
                FIRST_SUBSCRIBER_JSON,
                FIRST_SUBSCRIBER_JSON + b', "Device": {"Kind": "phone", "Os": ["iOS", 17]}',
            ),
            SUBSCRIBED,
        ),
        Case(
            "json-extra-null",
            family,
            subscribe_json(LIST_NAME_JSON, LIST_NAME_JSON + b', "Segment": null'),
            SUBSCRIBED,
        ),
        Case(
            "xml-extra-element",
            family,
            subscribe_xml(LIST_NAME_XML, LIST_NAME_XML + b"<ListOwner>marketing</ListOwner>"),
            SUBSCRIBED,
        ),
        Case(
            "xml-extra-element-with-children-in-an-event",
            family,
            subscribe_xml(
                FIRST_SUBSCRIBER_XML,
                FIRST_SUBSCRIBER_XML + b"<Device><Kind>phone</Kind><Os>iOS</Os></Device>",
            ),
            SUBSCRIBED,
        ),
        Case(
            "xml-repeated-unknown-element",
            family,
            subscribe_xml(LIST_NAME_XML, LIST_NAME_XML + b"<Tag>a</Tag><Tag>b</Tag>"),
            SUBSCRIBED,
        ),
        Case(
            "xml-attributes-on-fields",
            family,
            subscribe_xml(b"<ListId>", b'<ListId kind="hex" xsi:type="xsd:string">'),
            SUBSCRIBED,
        ),
        Case(
            "json-field-named-like-a-known-one-in-lower-case",
            family,
            subscribe_json(FIRST_SUBSCRIBER_JSON, FIRST_SUBSCRIBER_JSON + b', "email": "other"'),
            SUBSCRIBED,
        ),
        Case(
            "json-proto-key",
            family,
            subscribe_json(LIST_NAME_JSON, LIST_NAME_JSON + b', "__proto__": {"admin": true}'),
            SUBSCRIBED,
        ),
        # A name the receiver's code uses is not Tilte's name: it does not stand in for it.
        Case(
            "json-python-name-instead-of-SubscriberId",
            family,
            subscribe_json(b'"SubscriberId": "alwskd', b'"subscriber_id": "alwskd'),
            invalid("Events[0].SubscriberId"),
        ),
        Case(
            "xml-python-name-instead-of-Type",
            family,
            edit(bounced, "xml", b"<Type>S</Type>", b"<bounce_type>S</bounce_type>"),
            invalid("Events[0].Type"),
        ),
        Case(
            "json-optional-fields-null",
            family,
            json_with(bounced, ("Events", 0, "SmtpCode"), None).replace(
                b'"PP User Unknown"', b"null"
            ),
            queued(bounced, 1),
        ),
        Case(
            "xml-optional-field-nil",
            family,
            edit(
                bounced,
                "xml",
                b"<SmtpResponse>PP User Unknown</SmtpResponse>",
                b'<SmtpResponse xsi:nil="true" />',
            ),
            queued(bounced, 1),
        ),
        Case(
            "xml-required-field-nil",
            family,
            subscribe_xml(
                b"<ListId>4dbce53b396949c88068ba652aa1c5a7</ListId>", b'<ListId xsi:nil="true"/>'
            ),
            invalid("ListId"),
        ),
    ]


def repeated_fields() -> list[Case]:
    family = Family.REPEATED_FIELDS
    unsubscribe_type = b'"NotificationType": "Unsubscribe"'
    return [
        Case(
            "json-notification-type-twice",
            family,
            edit(
                "Unsubscribe",
                "json",
                unsubscribe_type,
                b'"NotificationType": "Subscribe", ' + unsubscribe_type,
            ),
            invalid("NotificationType"),
        ),
        Case(
            "xml-events-twice",
            family,
            subscribe_xml(b"    <Random>", b"    <Events></Events>\n    <Random>"),
            invalid("Events"),
        ),
        Case(
            "json-same-notification-type-twice",
            family,
            edit(
                "Unsubscribe", "json", unsubscribe_type, unsubscribe_type + b", " + unsubscribe_type
            ),
            invalid("NotificationType"),
        ),
        Case(
            "json-events-twice",
            family,
            edit("Unsubscribe", "json", unsubscribe_type, b'"Events": [], ' + unsubscribe_type),
            invalid("Events"),
        ),
        Case(
            "json-list-name-twice-the-last-wins",
            family,
            subscribe_json(LIST_NAME_JSON, LIST_NAME_JSON + b', "ListName": "Renamed"'),
            SUBSCRIBED,
        ),
        Case(
            "json-notification-type-inside-an-event",
            family,
            subscribe_json(
                FIRST_SUBSCRIBER_JSON,
                FIRST_SUBSCRIBER_JSON + b', "NotificationType": "Unsubscribe"',
            ),
            SUBSCRIBED,
        ),
        Case(
            "xml-notification-type-twice",
            family,
            edit(
                "Unsubscribe",
                "xml",
                b"<NotificationType>Unsubscribe</NotificationType>",
                b"<NotificationType>Unsubscribe</NotificationType>"
                b"<NotificationType>Subscribe</NotificationType>",
            ),
            invalid("NotificationType"),
        ),
        Case(
            "xml-list-name-twice",
            family,
            subscribe_xml(LIST_NAME_XML, LIST_NAME_XML + b"<ListName>Renamed</ListName>"),
            invalid("ListName"),
        ),
    ]


def unknown_and_missing_types() -> list[Case]:
    family = Family.UNKNOWN_TYPES
    return [
        Case(
            "unknown-type-with-fields-of-its-own",
            family,
            b'{"NotificationType": "Resubscribe", "Whatever": [1, 2, 3]}',
            kept_unknown("Resubscribe"),
        ),
        Case(
            "unknown-type-under-any-root",
            family,
            b"<Foo><NotificationType>Resubscribe</NotificationType></Foo>",
            kept_unknown("Resubscribe"),
        ),
        Case(
            "unknown-type-in-malformed-json",
            family,
            b'{"NotificationType": "Resubscribe", ',
            NOT_WELL_FORMED_JSON,
        ),
        Case(
            "empty-type-is-not-unknown",
            family,
            subscribe_json(b'"Subscribe"', b'""'),
            invalid("NotificationType"),
        ),
        Case(
            "type-with-children",
            family,
            subscribe_xml(b">Subscribe<", b"><Name>Subscribe</Name><"),
            invalid("NotificationType"),
        ),
    ]


def root_and_type_mismatches() -> list[Case]:
    family = Family.ROOT_MISMATCH
    mismatch = refused("root_element_mismatch")
    root_close = b"</SubscribedNotification>"
    return [
        Case(
            "unsubscribe-root-with-type-subscribe",
            family,
            edit("Unsubscribe", "xml", b">Unsubscribe<", b">Subscribe<"),
            mismatch,
        ),
        Case(
            "json-subscribe-typed-address-suppress",
            family,
            subscribe_json(b'"Subscribe"', b'"AddressSuppress"'),
            queued("AddressSuppress", 3),
        ),
        Case(
            "root-in-lower-case",
            family,
            edit("Subscribe", "xml", b"SubscribedNotification", b"subscribednotification", count=2),
            mismatch,
        ),
        Case(
            "event-element-as-the-root",
            family,
            b"<SubscribedEvent><NotificationType>Subscribe</NotificationType></SubscribedEvent>",
            mismatch,
        ),
        Case(
            "json-address-suppress-typed-subscribe",
            family,
            edit("AddressSuppress", "json", b'"AddressSuppress"', b'"Subscribe"'),
            invalid("ListId"),
        ),
        Case(
            "json-campaign-stats-typed-campaign-sent",
            family,
            edit("CampaignStatsUpdated", "json", b'"CampaignStatsUpdated"', b'"CampaignSent"'),
            invalid("RecipientCount"),
        ),
        # Namespaces carry no data in Tilte's XML: a prefixed or defaulted root is the root.
        Case(
            "root-with-a-namespace-prefix",
            family,
            subscribe_xml(ROOT, b'<t:SubscribedNotification xmlns:t="urn:tilte" ').replace(
                root_close, b"</t:SubscribedNotification>"
            ),
            SUBSCRIBED,
        ),
        Case(
            "root-in-a-default-namespace",
            family,
            subscribe_xml(ROOT, ROOT + b'xmlns="urn:tilte" '),
            SUBSCRIBED,
        ),
    ]


def cases() -> list[Case]:
    """The hand-written cases of this module; in each family the first two are the quick run's."""
    return [
        *extra_fields(),
        *repeated_fields(),
        *unknown_and_missing_types(),
        *root_and_type_mismatches(),
    ]
