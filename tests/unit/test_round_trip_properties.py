"""Property tests: any valid notification, as XML in any encoding or as JSON, parses to the
same model, keeps every value (nothing lost, nothing invented), and gets the same event ids."""

from __future__ import annotations

import codecs
import json
from datetime import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tilte_cli.tilte_xml import to_xml
from tilte_webhooks.dates import TilteDate
from tilte_webhooks.messages import fan_out
from tilte_webhooks.models import NotificationBase
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.parser import parse_notification

# Characters XML 1.0 can carry as text (no controls, surrogates or non-characters).
_XML_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
texts = st.text(_XML_CHARACTERS, max_size=24)
identifiers = st.text(_XML_CHARACTERS, min_size=1, max_size=40)
_ADDRESS_PART = st.text(
    st.characters(categories=("L", "N"), include_characters=".-_+"), min_size=1, max_size=16
)
emails = st.builds(lambda local, domain: f"{local}@{domain}", _ADDRESS_PART, _ADDRESS_PART)
counts = st.integers(min_value=0, max_value=2**53).map(str)  # Tilte sends numbers as strings


@st.composite
def dates(draw: st.DrawFn) -> str:
    """A date as Tilte could write it: 0 to 9 fractional digits, Z or an offset."""
    moment = draw(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)))
    digits = draw(st.integers(min_value=0, max_value=9))
    fraction = "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=digits, max_size=digits))
    )
    offset = draw(st.sampled_from(["Z", "+00:00", "+02:00", "-05:30", "+14:00", "-12:00"]))
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
        + (f".{fraction}" if digits else "")
        + offset
    )


def _event_strategy(notification_type: str) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {"Email": emails, "Date": dates()}
    if notification_type != "AddressSuppress":
        fields["SubscriberId"] = identifiers
    if notification_type == "MessageClick":
        fields["Url"] = identifiers
    if notification_type == "MessageBounced":
        fields |= {"Type": identifiers, "SmtpResponse": texts, "SmtpCode": counts}
    return st.fixed_dictionaries(fields, optional={"FutureEventField": texts})


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid notification of any type, in the shape of Tilte's JSON."""
    notification_type = draw(st.sampled_from(NOTIFICATION_TYPES))
    document: dict[str, Any] = {}
    if notification_type in {"Subscribe", "UpdateSubscriber", "Unsubscribe"}:
        document |= {"ListId": draw(identifiers), "ListName": draw(texts)}
    elif notification_type != "AddressSuppress":
        document |= {"CampaignId": draw(identifiers), "CampaignName": draw(texts)}
    if notification_type in {"CampaignSent", "CampaignStatsUpdated"}:
        document["Date"] = draw(dates())
    else:
        document["Events"] = draw(st.lists(_event_strategy(notification_type), max_size=5))
    document["Random"] = draw(identifiers)
    document["NotificationType"] = notification_type
    if notification_type == "CampaignSent":
        document["RecipientCount"] = draw(counts)
    if draw(st.booleans()):
        document["FutureNotificationField"] = draw(texts)
    return document


def _xml_encodings(text: str) -> dict[str, bytes | str]:
    return {
        "utf-8": text.encode("utf-8"),
        "utf-8 with BOM": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf-16 LE": text.encode("utf-16-le"),
        "utf-16 LE with BOM": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16 BE": text.encode("utf-16-be"),
        "utf-16 BE with BOM": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "str": text,
    }


def _as_sent(notification: NotificationBase) -> dict[str, Any]:
    """The parsed notification back under Tilte's names, numbers as Tilte's strings."""
    dumped = notification.model_dump(by_alias=True, mode="json")
    for event in [dumped, *dumped.get("Events", [])]:
        for name in ("RecipientCount", "SmtpCode"):
            if name in event:
                event[name] = str(event[name])
    return dumped


@settings(max_examples=150)
@given(documents(), st.booleans())
def test_xml_in_every_encoding_and_json_parse_to_the_same_exact_values(
    document: dict[str, Any], declaration: bool
) -> None:
    from_json = parse_notification(json.dumps(document).encode("utf-8"))

    # Nothing lost, nothing invented: the model holds exactly what was sent.
    assert _as_sent(from_json) == document

    for encoding, body in _xml_encodings(to_xml(document, declaration=declaration)).items():
        from_xml = parse_notification(body)
        assert from_xml == from_json, encoding


@given(documents())
def test_event_ids_are_the_same_across_formats_and_notifications(document: dict[str, Any]) -> None:
    from_json = fan_out(parse_notification(json.dumps(document)))
    from_xml = fan_out(parse_notification(to_xml(document).encode("utf-16")))
    resent = fan_out(parse_notification(json.dumps(document | {"Random": "another-nonce"})))

    assert [m.document for m in from_xml] == [m.document for m in from_json]
    assert [m.event_id for m in resent] == [m.event_id for m in from_json]


@given(documents())
def test_distinct_events_get_distinct_event_ids(document: dict[str, Any]) -> None:
    messages = fan_out(parse_notification(json.dumps(document)))
    distinct_events = {json.dumps(m.document["event"], sort_keys=True) for m in messages}
    ids = {m.event_id for m in messages}
    # Events that differ only in unknown fields are the same event; otherwise ids differ.
    # Dates count as their instant: "…Z" and "…+00:00" are the same moment.
    known = {
        json.dumps(
            {
                key: TilteDate(value).epoch_ns if key == "Date" else value
                for key, value in m.document["event"].items()
                if key != "FutureEventField"
            }
        )
        for m in messages
    }
    assert len(ids) == len(known) <= len(distinct_events)
