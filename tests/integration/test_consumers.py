"""The consumers against moto tables built from template.yaml: exact data, exactly once."""

from __future__ import annotations

import json
from typing import Any

import consumer_handler
import pytest
from botocore.exceptions import ClientError

from tests.support.aws import LocalStack
from tests.support.lambda_calls import invoke_consumer, invoke_ingest
from tests.support.payloads import api_event, payload_bytes, with_body
from tests.support.sqs_events import sqs_event
from tilte_webhooks.models import MAX_IDENTIFIER_BYTES
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

LIST = "4dbce53b396949c88068ba652aa1c5a7"
CAMPAIGN_11A = "aa4c33c978ed429c9cac265c4915d621"
CAMPAIGN_12A = "90726d92332c4b9fbaf3cbd8ff0bd221"
MACHETQECC = "kjhvkf.machetqecc@striata.com"


def ingest_samples(stack: LocalStack, fmt: str) -> dict[str, list[str]]:
    """Post the ten samples of one format; the queued message bodies by type."""
    for name in NOTIFICATION_TYPES:
        assert invoke_ingest(api_event(f"{name}-{fmt}")).status == 202
    return stack.queued_bodies()


def consume(queued: dict[str, list[str]]) -> None:
    """Deliver every queued message to the consumers, a batch per queue; none may fail."""
    for bodies in queued.values():
        if bodies:
            assert invoke_consumer(sqs_event(bodies)) == []


def test_the_json_samples_become_exactly_this_data(stack: LocalStack) -> None:
    # Given the ten JSON samples went through the ingest and the consumers
    consume(ingest_samples(stack, "json"))
    data = stack.data()

    # Then each subscriber's state is exact
    assert data.subscriber(LIST, "alwskd.myemail@mail.com") == {
        "listId": LIST,
        "subscriberId": "alwskd.myemail@mail.com",
        "status": "subscribed",
        "statusSince": "2024-08-07T12:45:49.4657042Z",
        "email": "alwskd.myemail@mail.com",
        "listName": "WebhookTestList4",
        "updatedAt": "2024-08-07T12:45:49.4657042Z",
        "lastEventType": "Subscribe",
    }
    assert data.subscriber(LIST, MACHETQECC) == {
        "listId": LIST,
        "subscriberId": MACHETQECC,
        "status": "unsubscribed",
        "statusSince": "2024-08-07T13:27:46.4801198Z",
        "email": MACHETQECC,
        "listName": "WebhookTestList4",
        "updatedAt": "2024-08-07T13:27:46.4801198Z",
        "lastEventType": "Unsubscribe",
    }
    assert [event["type"] for event in data.subscriber_history(LIST, MACHETQECC)] == [
        "UpdateSubscriber",
        "Unsubscribe",
    ]
    assert data.subscriber(LIST, "nobody@example.com") is None

    # And the list's subscribers, all or subscribed only, and a subscriber's lists
    everyone = list(data.list_subscribers(LIST))
    assert [(row["subscriberId"], row["status"]) for row in everyone] == [
        ("alwskd.myemail@mail.com", "subscribed"),
        ("kjhvkf.machetqecc@striata.com", "unsubscribed"),
        ("kjhvkf.myemail@mail.com", "subscribed"),
        ("ksdjh.myemail@mail.com", "subscribed"),
    ]
    assert len(list(data.list_subscribers(LIST, subscribed_only=True))) == 3
    assert [(row["listId"], row["status"]) for row in data.subscriber_lists(MACHETQECC)] == [
        (LIST, "unsubscribed")
    ]

    # And the suppression list, matched in any case
    expected = {"suppressed": True, "since": "2024-08-07T13:34:06.1412763Z"}
    assert data.suppression(MACHETQECC) == {"email": MACHETQECC, **expected}
    assert data.suppression("KJHVKF.Machetqecc@STRIATA.com")["suppressed"] is True
    assert data.suppression("alwskd.myemail@mail.com") == {
        "email": "alwskd.myemail@mail.com",
        "suppressed": False,
        "since": None,
    }

    # And the campaigns, with every count
    assert data.campaign(CAMPAIGN_11A) == {
        "campaignId": CAMPAIGN_11A,
        "name": "TestCampaign11a",
        "sentAt": None,
        "recipientCount": None,
        "statsUpdatedAt": None,
        "delivered": 0,
        "bounced": 0,
        "opens": 2,
        "uniqueOpens": 2,
        "clicks": 2,
        "uniqueClicks": 2,
        "bouncedByType": {},
        "clicksByUrl": {"https://www.google.com": 1, "https://www.mail.com": 1},
    }
    assert data.campaign(CAMPAIGN_12A) == {
        "campaignId": CAMPAIGN_12A,
        "name": "TestCampaign12a",
        "sentAt": "2024-08-07T15:48:37.3343743Z",
        "recipientCount": 2,
        "statsUpdatedAt": "2024-08-07T15:49:05.5711434Z",
        "delivered": 1,
        "bounced": 1,
        "opens": 0,
        "uniqueOpens": 0,
        "clicks": 0,
        "uniqueClicks": 0,
        "bouncedByType": {"S": 1},
        "clicksByUrl": {},
    }
    assert data.campaign("0" * 32) is None

    # And each recipient's events, in a campaign and across campaigns, in time order
    assert data.campaign_events(CAMPAIGN_12A, "tbpu5.displease379@passfwd.com") == [
        {
            "campaignId": CAMPAIGN_12A,
            "subscriberId": "tbpu5.displease379@passfwd.com",
            "type": "MessageBounced",
            "date": "2024-08-07T15:50:02.6914144Z",
            "email": "tbpu5.displease379@passfwd.com",
            "bounceType": "S",
            "smtpResponse": "PP User Unknown",
            "smtpCode": 550,
        }
    ]
    assert [
        (row["type"], row["date"])
        for row in data.recipient_engagement("tbpu4.pulp084@passmail.net")
    ] == [
        ("MessageOpen", "2024-08-07T14:11:31.7571473Z"),
        ("MessageClick", "2024-08-07T14:11:41.82374849Z"),
        ("MessageDelivered", "2024-08-07T15:49:01.1414469Z"),
    ]


def test_the_same_events_again_change_nothing_and_new_ones_count_once(stack: LocalStack) -> None:
    # Given the JSON samples were applied, and every message is then delivered a second time
    queued = ingest_samples(stack, "json")
    consume(queued)
    consume(queued)
    data = stack.data()
    once = (
        data.campaign(CAMPAIGN_11A),
        data.campaign(CAMPAIGN_12A),
        data.subscriber(LIST, MACHETQECC),
    )
    assert data.campaign(CAMPAIGN_11A)["opens"] == 2  # type: ignore[index]

    # When the XML samples arrive too (the same events, except four open and click dates)
    consume(ingest_samples(stack, "xml"))

    # Then only the events that differ count: one more open, two more clicks, no new recipient
    after = data.campaign(CAMPAIGN_11A)
    assert after is not None
    assert (after["opens"], after["uniqueOpens"], after["clicks"], after["uniqueClicks"]) == (
        3,
        2,
        4,
        2,
    )
    assert after["clicksByUrl"] == {"https://www.google.com": 2, "https://www.mail.com": 2}
    assert data.campaign(CAMPAIGN_12A) == once[1]
    assert data.subscriber(LIST, MACHETQECC) == once[2]


def test_a_late_older_event_is_kept_in_history_but_changes_no_state(stack: LocalStack) -> None:
    queued = ingest_samples(stack, "json")
    unsubscribe, update = queued["Unsubscribe"], queued["UpdateSubscriber"]

    # The Unsubscribe (13:27) arrives before the UpdateSubscriber (13:23) it follows
    consume({"Unsubscribe": unsubscribe})
    consume({"UpdateSubscriber": update})

    state = stack.data().subscriber(LIST, MACHETQECC)
    assert state is not None
    assert (state["status"], state["lastEventType"]) == ("unsubscribed", "Unsubscribe")
    assert len(stack.data().subscriber_history(LIST, MACHETQECC)) == 2


def test_a_throttled_record_is_reported_alone_and_succeeds_on_retry(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a batch of three Subscribe events, the second of which DynamoDB throttles once
    bodies = ingest_samples(stack, "json")["Subscribe"]
    throttled = json.loads(bodies[1])["eventId"]
    thrown: list[str] = []

    def throttle(params: dict[str, Any], **_: Any) -> None:
        if throttled in json.dumps(params) and not thrown:
            thrown.append(throttled)
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
                "PutItem",
            )

    consumer_handler.dependencies()[1]._client.meta.events.register(
        "before-parameter-build.dynamodb.PutItem", throttle
    )
    event = sqs_event(bodies)

    # When the batch is processed, only that record is reported as failed
    failed = invoke_consumer(event)
    assert failed == [event["Records"][1]["messageId"]]
    data = stack.data()
    assert data.subscriber(LIST, "kjhvkf.myemail@mail.com") is None
    assert data.subscriber(LIST, "alwskd.myemail@mail.com") is not None

    # And when SQS delivers it again, it is applied
    assert invoke_consumer({"Records": [event["Records"][1]]}) == []
    assert data.subscriber(LIST, "kjhvkf.myemail@mail.com")["status"] == "subscribed"  # type: ignore[index]


def test_poison_messages_fail_alone_without_holding_back_their_batch(stack: LocalStack) -> None:
    good = ingest_samples(stack, "json")["Subscribe"]
    wrong_version = json.dumps(json.loads(good[0]) | {"schemaVersion": 2})
    missing_email = json.loads(good[1])
    del missing_email["event"]["Email"]
    event = sqs_event(
        [good[0], "not json", wrong_version, json.dumps(missing_email), good[1], good[2]]
    )

    failed = invoke_consumer(event)

    assert failed == [event["Records"][i]["messageId"] for i in (1, 2, 3)]
    assert len(list(stack.data().list_subscribers(LIST))) == 3


def test_identifiers_of_the_longest_accepted_size_are_stored(stack: LocalStack) -> None:
    # Given a subscription and a click whose list, campaign and subscriber ids are each
    # MAX_IDENTIFIER_BYTES long in UTF-8 (two bytes a character)
    longest = "ü" * (MAX_IDENTIFIER_BYTES // 2)
    subscribe = json.loads(payload_bytes("Subscribe", "json"))
    subscribe["ListId"] = longest
    subscribe["Events"] = [subscribe["Events"][0] | {"SubscriberId": longest}]
    click = json.loads(payload_bytes("MessageClick", "json"))
    click["CampaignId"] = longest
    click["Events"] = [click["Events"][0] | {"SubscriberId": longest}]
    for document in (subscribe, click):
        answer = invoke_ingest(with_body(api_event("Subscribe-json"), json.dumps(document)))
        assert answer.status == 202, answer.body

    # When the consumers apply them
    consume(stack.queued_bodies())

    # Then every key held its identifiers: state, history, counters, and the recipient index
    data = stack.data()
    assert data.subscriber(longest, longest)["status"] == "subscribed"  # type: ignore[index]
    assert len(data.subscriber_history(longest, longest)) == 1
    assert data.campaign(longest)["uniqueClicks"] == 1  # type: ignore[index]
    assert [row["type"] for row in data.recipient_engagement(longest)] == ["MessageClick"]


def test_a_longer_identifier_is_refused_before_it_is_queued(stack: LocalStack) -> None:
    subscribe = json.loads(payload_bytes("Subscribe", "json"))
    subscribe["Events"][1]["SubscriberId"] = "ü" * (MAX_IDENTIFIER_BYTES // 2) + "x"

    answer = invoke_ingest(with_body(api_event("Subscribe-json"), json.dumps(subscribe)))

    assert (answer.status, answer.body["error"]["message"]) == (
        400,
        f"Events[1].SubscriberId: is {MAX_IDENTIFIER_BYTES + 1} bytes long in UTF-8, over the "
        f"limit of {MAX_IDENTIFIER_BYTES}",
    )
    assert stack.queued_counts() == dict.fromkeys(NOTIFICATION_TYPES, 0)
