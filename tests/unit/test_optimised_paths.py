"""The fast paths give exactly what the straightforward code gave: the same queue messages,
byte for byte, the same parse of every XML, the same dates, the same errors.

Each optimisation of the ingest (``make bench``, docs/PERFORMANCE.md) replaced a simple
implementation; that implementation is kept here, as the reference the optimised one must
equal on the samples, on generated notifications of every type and shape, and on the hostile
corpus.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring as defused_fromstring
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.payloads import BATCH_TYPES, encode, notification
from reliability.corpus import CORPUS
from reliability.workload import QUICK, generate
from tests.support.hostile_bodies import INTERESTING, mutated_samples
from tests.support.payloads import SAMPLES, payload_bytes
from tests.unit.test_round_trip_properties import dates, documents
from tilte_webhooks.dates import TilteDate
from tilte_webhooks.decoding import decode_body
from tilte_webhooks.errors import NotificationError
from tilte_webhooks.gc_paused import gc_paused
from tilte_webhooks.ingest import notification_messages
from tilte_webhooks.messages import EventMessage, fan_out
from tilte_webhooks.models import BatchNotification, NotificationBase
from tilte_webhooks.parser import DEFAULT_MAX_BODY_BYTES, parse_notification
from tilte_webhooks.xml_document import parse_xml

# --- The straightforward implementations ----------------------------------------------------


def reference_body(message: EventMessage) -> str:
    """The message body as it was written before: one ``json.dumps`` of the document."""
    return json.dumps(message.document, separators=(",", ":"))


def reference_event_ids(notification: NotificationBase) -> list[str]:
    """docs/MESSAGES.md's rule, as it was written before: one ``json.dumps`` per event."""
    notification_type = notification.model_dump()["notification_type"]
    key = [getattr(notification, name) for name in notification.CONTEXT.KEY_FIELDS]
    sources = (
        notification.events if isinstance(notification, BatchNotification) else (notification,)
    )
    ids = []
    for source in sources:
        material = ["tilte-event-id/1", notification_type, *key] + [
            value.epoch_ns if isinstance(value, TilteDate) else value
            for value in (getattr(source, name) for name in notification.EVENT.model_fields)
        ]
        canonical = json.dumps(material, separators=(",", ":"), ensure_ascii=False)
        ids.append(hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return ids


def reference_events(notification: NotificationBase) -> list[dict[str, Any]]:
    """Each event's ``event`` field as it was written before: one dump per event model."""
    if isinstance(notification, BatchNotification):
        return [event.model_dump(by_alias=True) for event in notification.events]
    fields = set(notification.EVENT.model_fields)
    return [notification.model_dump(by_alias=True, include=fields)]


def reference_parse_xml(text: str) -> ET.Element:
    """The XML parse as it was before: defusedxml for every document."""
    return defused_fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)


_FORM = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def reference_date(raw: str) -> tuple[int, datetime] | None:
    """(epoch_ns, datetime) as ``TilteDate`` computed them before, with datetime objects; None
    when it refused the text."""
    match = _FORM.fullmatch(raw)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    try:
        if zulu:
            tz = UTC
        else:
            if int(off_m) >= 60:
                return None
            offset = timedelta(hours=int(off_h), minutes=int(off_m))
            tz = timezone(-offset if sign == "-" else offset)
        digits = fraction or ""
        local = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int(digits[:6].ljust(6, "0")), tzinfo=tz,
        )  # fmt: skip
        local.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    whole = local.replace(microsecond=0) - _EPOCH
    epoch_ns = (whole.days * 86_400 + whole.seconds) * 10**9 + int(digits.ljust(9, "0"))
    return epoch_ns, local


# --- Queue messages: bodies and ids ---------------------------------------------------------


def assert_messages_as_before(notification: NotificationBase) -> None:
    messages = fan_out(notification)
    assert [m.event_id for m in messages] == reference_event_ids(notification)
    assert [m.document["event"] for m in messages] == reference_events(notification)
    for message in messages:
        assert message.to_json() == reference_body(message)
        assert message.document["eventId"] == message.event_id


@pytest.mark.parametrize(("notification_type", "fmt"), SAMPLES)
def test_the_samples_give_the_messages_they_gave_before(notification_type: str, fmt: str) -> None:
    assert_messages_as_before(parse_notification(payload_bytes(notification_type, fmt)))


@settings(max_examples=150)
@given(documents())
def test_any_notification_gives_the_messages_it_gave_before(document: dict[str, Any]) -> None:
    # Generated values include unicode, empty texts, counts (integers in the message), the
    # optional fields and fields Tilte may add.
    assert_messages_as_before(parse_notification(json.dumps(document)))


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=8).filter(lambda k: k not in {"Email", "Date"}),
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
            max_leaves=6,
        ),
        max_size=4,
    )
)
def test_fields_tilte_adds_of_any_json_type_are_written_as_before(extra: dict[str, Any]) -> None:
    # The body is written by hand when every value of an event is text, and by the JSON
    # encoder otherwise: an added field of any type takes the second way.
    document = json.loads(payload_bytes("AddressSuppress", "json"))
    document["Events"][0] |= extra
    assert_messages_as_before(parse_notification(json.dumps(document)))


def test_unpaired_surrogates_in_identifiers_are_written_as_before() -> None:
    # Neither parser lets one in, but a model built in code can hold one: its id hashes it
    # (surrogatepass) and its body escapes it, as before.
    document = json.loads(payload_bytes("Subscribe", "json"))
    notification = parse_notification(json.dumps(document))
    assert isinstance(notification, BatchNotification)
    event = notification.events[0].model_copy(update={"subscriber_id": "x\ud800y"})
    assert_messages_as_before(notification.model_copy(update={"events": (event,)}))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_large_batches_of_every_type_give_the_messages_they_gave_before(fmt: str) -> None:
    for notification_type in BATCH_TYPES:
        body = encode(notification(notification_type, 300, seed=3), fmt)
        assert_messages_as_before(parse_notification(body))


def test_a_generated_workload_gives_the_messages_it_gave_before() -> None:
    for delivery in generate(QUICK, seed=5).deliveries(seed=6):
        assert_messages_as_before(parse_notification(delivery.body, delivery.content_type))


# --- XML: the C parser where there is no DTD, defusedxml where there is ----------------------


def outcome(parse: Any, text: str) -> tuple[str, ...]:
    """What a parse gave: the canonical tree, or the error and its message."""
    try:
        root = parse(text)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as error:
        return (type(error).__name__, str(error))
    except ET.ParseError as error:
        return ("ParseError", str(error), str(error.code), str(error.position))
    except RecursionError:
        return ("RecursionError",)
    return ("tree", _canonical(root))


def _canonical(root: ET.Element) -> str:
    """Every element in document order with its tag, attributes, text, tail and number of
    children, which together fix the tree (without recursion: some trees are 100,000 deep)."""
    return repr([(e.tag, e.attrib, e.text, e.tail, len(e)) for e in root.iter()])


def decoded(body: bytes) -> str | None:
    try:
        return decode_body(body).lstrip()
    except NotificationError:
        return None


def assert_parsed_as_before(text: str) -> None:
    new = outcome(_fast_parse, text)
    assert new == outcome(reference_parse_xml, text)


def _fast_parse(text: str) -> ET.Element:
    """:func:`parse_xml` without its mapping to our errors, to compare the raw outcomes; the
    mapping is the same for both and tested in test_hostile_inputs."""
    if "<!DOCTYPE" not in text:
        return ET.fromstring(text)
    return reference_parse_xml(text)


def test_the_fast_parse_is_the_one_parse_xml_uses() -> None:
    text = payload_bytes("Subscribe", "xml").decode("utf-8")
    assert _canonical(parse_xml(text)) == _canonical(_fast_parse(text))


@pytest.mark.parametrize(("notification_type", "fmt"), [s for s in SAMPLES if s[1] == "xml"])
def test_every_xml_sample_parses_as_before(notification_type: str, fmt: str) -> None:
    assert_parsed_as_before(payload_bytes(notification_type, fmt).decode("utf-8"))


def test_every_xml_body_of_the_hostile_corpus_parses_as_before() -> None:
    texts = [text for case in CORPUS if (text := decoded(case.body)) and text.startswith("<")]
    assert len(texts) > 200
    for text in texts:
        assert_parsed_as_before(text)


@settings(max_examples=300)
@given(mutated_samples())
def test_mutated_xml_parses_as_before(body: bytes) -> None:
    text = decoded(body)
    if text is not None:
        assert_parsed_as_before(text)


@given(
    st.lists(
        st.sampled_from([i.decode("latin-1") for i in INTERESTING] + ["<a>", "</a>", "x", " "])
        | st.text(max_size=6),
        max_size=12,
    )
)
def test_fragments_of_markup_parse_as_before(parts: list[str]) -> None:
    assert_parsed_as_before("<r>" + "".join(parts) + "</r>")


def test_the_case_of_a_doctype_does_not_open_a_way_round_defusedxml() -> None:
    # XML's keyword is upper case: a lower-case one is not a DTD but a syntax error.
    assert outcome(ET.fromstring, "<!doctype r><r/>")[0] == "ParseError"


# --- Dates --------------------------------------------------------------------------------------


def assert_date_as_before(raw: str) -> None:
    expected = reference_date(raw)
    if expected is None:
        with pytest.raises(ValueError, match=r" is not a date$"):
            TilteDate(raw)
        return
    date = TilteDate(raw)
    epoch_ns, local = expected
    assert date.epoch_ns == epoch_ns
    assert date.datetime == local
    assert date.datetime.utcoffset() == local.utcoffset()
    assert date.datetime.replace(tzinfo=None) == local.replace(tzinfo=None)


@settings(max_examples=300)
@given(dates())
def test_valid_dates_have_the_instant_they_had_before(raw: str) -> None:
    assert_date_as_before(raw)


_DIGITS = st.text("0123456789", min_size=2, max_size=2)


@settings(max_examples=500)
@given(
    st.text("0123456789", min_size=4, max_size=4),
    _DIGITS,
    _DIGITS,
    _DIGITS,
    _DIGITS,
    _DIGITS,
    st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=9).map(lambda f: "." + f)),
    st.one_of(st.sampled_from(["Z", "z"]), st.tuples(st.sampled_from("+-"), _DIGITS, _DIGITS)),
    st.sampled_from("Tt"),
)
def test_any_date_of_the_form_is_taken_or_refused_as_before(
    year: str,
    month: str,
    day: str,
    hour: str,
    minute: str,
    second: str,
    fraction: str,
    zone: str | tuple[str, str, str],
    separator: str,
) -> None:
    # Every field over its whole two- or four-digit range: days past the month's end, hour 24,
    # second 60, offsets of 24 hours or 60 minutes, years 0000 and 9999 pushed out of range by
    # an offset.
    offset = zone if isinstance(zone, str) else f"{zone[0]}{zone[1]}:{zone[2]}"
    assert_date_as_before(
        f"{year}-{month}-{day}{separator}{hour}:{minute}:{second}{fraction}{offset}"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:59:59+01:00",
        "0001-01-01T01:00:00+01:00",
        "9999-12-31T23:59:59.999999999Z",
        "9999-12-31T23:00:00-00:59",
        "9999-12-31T23:00:00-01:00",
        "2024-02-29T12:00:00+23:59",
        "2023-02-29T12:00:00Z",
        "1969-12-31T23:59:59.9999999Z",
    ],
)
def test_the_edges_of_the_range_are_as_before(raw: str) -> None:
    assert_date_as_before(raw)


# --- The collector pause ------------------------------------------------------------------------


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not resume it early
    assert gc.isenabled()


def test_the_collector_is_restored_when_the_block_raises() -> None:
    with pytest.raises(ValueError, match="bad"), gc_paused():
        raise ValueError("bad")
    assert gc.isenabled()


def test_a_paused_collector_is_left_paused() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_whole_path_gives_the_messages_it_gave_before_and_resumes_the_collector() -> None:
    body = encode(notification("MessageBounced", 2_000, seed=9), "xml")
    notification_type, messages = notification_messages(
        body, None, max_body_bytes=DEFAULT_MAX_BODY_BYTES
    )
    assert notification_type == "MessageBounced"
    assert [m.to_json() for m in messages] == [reference_body(m) for m in messages]
    assert [m.event_id for m in messages] == reference_event_ids(parse_notification(body))
    assert gc.isenabled()
