"""Every sample of Tilte's documentation parses to exactly the values the document shows."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from tests.support.payloads import PAYLOADS, ROOT, SAMPLES, payload_bytes
from tilte_webhooks.dates import TilteDate
from tilte_webhooks.messages import fan_out
from tilte_webhooks.models import BatchNotification
from tilte_webhooks.parser import parse_notification

LIST = {"ListId": "4dbce53b396949c88068ba652aa1c5a7", "ListName": "WebhookTestList4"}
CAMPAIGN_11A = {"CampaignId": "aa4c33c978ed429c9cac265c4915d621", "CampaignName": "TestCampaign11a"}
CAMPAIGN_12A = {"CampaignId": "90726d92332c4b9fbaf3cbd8ff0bd221", "CampaignName": "TestCampaign12a"}
MACHETQECC = "kjhvkf.machetqecc@striata.com"
PULP = "tbpu4.pulp084@passmail.net"
DISPLEASE = "tbpu5.displease379@passfwd.com"


def subscriber(email: str, date: str) -> dict[str, Any]:
    return {"Email": email, "Date": date, "SubscriberId": email}


def click(email: str, date: str, url: str) -> dict[str, Any]:
    return {**subscriber(email, date), "Url": url}


# (context, events, random) per sample, copied by hand from the documentation. The XML and
# JSON samples of MessageOpen and MessageClick differ in their dates, as in the document.
EXPECTED: dict[tuple[str, str], tuple[dict[str, Any], list[dict[str, Any]], str]] = {}
for fmt in ("xml", "json"):
    EXPECTED["Subscribe", fmt] = (
        LIST,
        [
            subscriber("alwskd.myemail@mail.com", "2024-08-07T12:45:49.4657042Z"),
            subscriber("kjhvkf.myemail@mail.com", "2024-08-07T12:46:04.5128443Z"),
            subscriber("ksdjh.myemail@mail.com", "2024-08-07T12:46:13.0929985Z"),
        ],
        "qtrzaDYWxEWIN9h7hsfodAvZEL27wmVGh7Vc0BFhWUY=",
    )
    EXPECTED["UpdateSubscriber", fmt] = (
        LIST,
        [subscriber(MACHETQECC, "2024-08-07T13:23:59.4949224Z")],
        "bZyUVcAvLUSESG46d2pJ6VytD3EoUjhLk8yIDgKO8kA=",
    )
    EXPECTED["Unsubscribe", fmt] = (
        LIST,
        [subscriber(MACHETQECC, "2024-08-07T13:27:46.4801198Z")],
        "SLe4SlSMQ06nrpeXWJcCMPDoa0eGxNtJuRclICGHHuM=",
    )
    EXPECTED["AddressSuppress", fmt] = (
        {},
        [{"Email": MACHETQECC, "Date": "2024-08-07T13:34:06.1412763Z"}],
        "lPAYcWlieEGwBV1HIVwDv5pP8T78PudEhG3TXRbCYNM=",
    )
    EXPECTED["MessageDelivered", fmt] = (
        CAMPAIGN_12A,
        [subscriber(PULP, "2024-08-07T15:49:01.1414469Z")],
        "MQtCPfZggU6xnCclLJhiYyLL4iED5vBDtB7Tw3kaMzg=",
    )
    EXPECTED["MessageBounced", fmt] = (
        CAMPAIGN_12A,
        [
            {
                **subscriber(DISPLEASE, "2024-08-07T15:50:02.6914144Z"),
                "Type": "S",
                "SmtpResponse": "PP User Unknown",
                "SmtpCode": 550,
            }
        ],
        "MQtCPfZggU6xnCclLJhiYyLL4iED5vBDtB7Tw3kaMzg=",
    )
    EXPECTED["CampaignSent", fmt] = (
        CAMPAIGN_12A,
        [{"Date": "2024-08-07T15:48:37.3343743Z", "RecipientCount": 2}],
        "ZN/WBJPJxkm1FiIFjAVcNfU6gC0q7nVEged1aQCWpFA=",
    )
    EXPECTED["CampaignStatsUpdated", fmt] = (
        CAMPAIGN_12A,
        [{"Date": "2024-08-07T15:49:05.5711434Z"}],
        "xadWdLG1p0ObXz2ob0f2+txzYsGtfAdAo1zd87dX/R8=",
    )
OPEN_RANDOM = "7jekcIcLjEG462hYeUwqLZDrP5/I5wdNpFE9clPmVS8="
EXPECTED["MessageOpen", "xml"] = (
    CAMPAIGN_11A,
    [
        subscriber(PULP, "2024-08-07T14:11:31.7571473Z"),
        subscriber(DISPLEASE, "2024-08-07T14:11:31.7594372Z"),
    ],
    OPEN_RANDOM,
)
EXPECTED["MessageOpen", "json"] = (
    CAMPAIGN_11A,
    [
        subscriber(PULP, "2024-08-07T14:11:31.7571473Z"),
        subscriber(DISPLEASE, "2024-08-07T14:11:31.8392630Z"),
    ],
    OPEN_RANDOM,
)
EXPECTED["MessageClick", "xml"] = (
    CAMPAIGN_11A,
    [
        click(PULP, "2024-08-07T14:11:31.7571473Z", "https://www.google.com"),
        click(DISPLEASE, "2024-08-07T14:11:31.7594372Z", "https://www.mail.com"),
    ],
    OPEN_RANDOM,
)
EXPECTED["MessageClick", "json"] = (
    CAMPAIGN_11A,
    [
        click(PULP, "2024-08-07T14:11:41.82374849Z", "https://www.google.com"),
        click(DISPLEASE, "2024-08-07T14:11:38.2345678Z", "https://www.mail.com"),
    ],
    OPEN_RANDOM,
)

MESSAGE_COUNTS = {
    "Subscribe": 3,
    "UpdateSubscriber": 1,
    "Unsubscribe": 1,
    "AddressSuppress": 1,
    "MessageOpen": 2,
    "MessageClick": 2,
    "MessageDelivered": 1,
    "MessageBounced": 1,
    "CampaignSent": 1,
    "CampaignStatsUpdated": 1,
}


def test_the_expectations_cover_all_twenty_samples() -> None:
    assert sorted(EXPECTED) == sorted(SAMPLES)
    assert len(SAMPLES) == 20


@pytest.mark.parametrize(("notification_type", "fmt"), SAMPLES)
def test_each_sample_parses_to_exactly_the_documented_values(
    notification_type: str, fmt: str
) -> None:
    # Given one of the documentation's samples, as the raw file
    context, events, random = EXPECTED[notification_type, fmt]

    # When it is parsed and fanned out
    notification = parse_notification(payload_bytes(notification_type, fmt))
    messages = fan_out(notification)

    # Then the notification and every message carry exactly the documented values
    assert notification.notification_type == notification_type  # type: ignore[attr-defined]
    assert notification.random == random
    assert notification.context() == context
    assert len(messages) == MESSAGE_COUNTS[notification_type]
    assert [message.document["event"] for message in messages] == events
    for message in messages:
        assert message.notification_type == notification_type
        assert message.document["notificationType"] == notification_type
        assert message.document["context"] == context
        assert message.document["random"] == random
        assert message.document["schemaVersion"] == 1
        assert re.fullmatch(r"[0-9a-f]{32}", message.event_id)
        assert message.document["eventId"] == message.event_id


@pytest.mark.parametrize(("notification_type", "fmt"), SAMPLES)
def test_dates_are_timezone_aware_and_exact(notification_type: str, fmt: str) -> None:
    notification = parse_notification(payload_bytes(notification_type, fmt))
    sources = notification.events if isinstance(notification, BatchNotification) else [notification]
    expected = [event["Date"] for event in EXPECTED[notification_type, fmt][1]]
    dates = [source.date for source in sources]  # type: ignore[attr-defined]
    assert all(isinstance(date, TilteDate) for date in dates)
    assert [date.raw for date in dates] == expected
    assert all(date.datetime.utcoffset() == UTC.utcoffset(None) for date in dates)


def test_the_eight_digit_click_date_keeps_every_digit() -> None:
    notification = parse_notification(payload_bytes("MessageClick", "json"))
    date = notification.events[0].date  # type: ignore[attr-defined]
    assert date.raw == "2024-08-07T14:11:41.82374849Z"
    assert date.epoch_ns == 1_723_039_901_823_748_490
    assert date.utc_iso == "2024-08-07T14:11:41.823748490Z"
    assert date.datetime.microsecond == 823748  # the convenience view truncates, and says so


def test_numbers_sent_as_strings_become_integers() -> None:
    sent = parse_notification(payload_bytes("CampaignSent", "json"))
    bounced = parse_notification(payload_bytes("MessageBounced", "xml"))
    assert sent.recipient_count == 2  # type: ignore[attr-defined]
    assert type(sent.recipient_count) is int  # type: ignore[attr-defined]
    assert bounced.events[0].smtp_code == 550  # type: ignore[attr-defined]
    assert bounced.events[0].bounce_type == "S"  # type: ignore[attr-defined]


@pytest.mark.parametrize("notification_type", MESSAGE_COUNTS)
def test_xml_and_json_of_the_same_events_get_the_same_event_ids(notification_type: str) -> None:
    xml_messages = fan_out(parse_notification(payload_bytes(notification_type, "xml")))
    json_messages = fan_out(parse_notification(payload_bytes(notification_type, "json")))
    for from_xml, from_json in zip(xml_messages, json_messages, strict=True):
        same_event = from_xml.document["event"] == from_json.document["event"]
        assert (from_xml.event_id == from_json.event_id) is same_event


SEED = ROOT.parent / "shared" / "seeds" / "000_fbbcafc13d62a099.txt"


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not beside this checkout")
def test_the_payload_files_are_the_seed_samples_without_the_web_copys_nbsp() -> None:
    seed = SEED.read_text(encoding="utf-8").replace("\u00a0", " ")
    xml_samples = re.findall(r"<\?xml.*?</\w+Notification>", seed, re.DOTALL)
    json_samples = re.findall(r"^\{\n.*?^\}", seed, re.DOTALL | re.MULTILINE)
    assert len(xml_samples) == len(json_samples) == 10
    for xml_sample, json_sample in zip(xml_samples, json_samples, strict=True):
        name = re.search(r"<NotificationType>(\w+)<", xml_sample).group(1)  # type: ignore[union-attr]
        assert Path(PAYLOADS / f"{name}.xml").read_text(encoding="utf-8") == xml_sample + "\n"
        assert Path(PAYLOADS / f"{name}.json").read_text(encoding="utf-8") == json_sample + "\n"
