"""The ingest handler end to end against moto: queues, quarantine and secret from template.yaml."""

from __future__ import annotations

import base64
import copy
import json
import math
from typing import Any

import pytest

from tests.integration.conftest import TOKEN
from tests.support.aws import LocalStack
from tests.support.lambda_calls import invoke_ingest
from tests.support.payloads import SAMPLES, api_event, payload_bytes, with_body
from tilte_webhooks.aws import clients
from tilte_webhooks.messages import fan_out
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.parser import parse_notification


def with_credentials(
    event: dict[str, Any], *, query: dict[str, str] | None = None, authorization: str | None = None
) -> dict[str, Any]:
    """The event with its token replaced by these credentials (none if both are None)."""
    changed = copy.deepcopy(event)
    changed.pop("queryStringParameters", None)
    changed["rawQueryString"] = ""
    if query:
        changed["queryStringParameters"] = query
        changed["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    if authorization:
        changed["headers"]["authorization"] = authorization
    return changed


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# --- Every sample lands, exactly, in its own queue ------------------------------------------


@pytest.mark.parametrize(("notification_type", "fmt"), SAMPLES)
def test_each_sample_is_queued_exactly_on_its_own_queue(
    stack: LocalStack, notification_type: str, fmt: str
) -> None:
    # Given a sample as API Gateway delivers it, with the right token
    event = api_event(f"{notification_type}-{fmt}")
    expected = fan_out(parse_notification(payload_bytes(notification_type, fmt)))

    # When the ingest handles it
    answer = invoke_ingest(event)

    # Then it answers 202 with the count, and its queue holds exactly its events
    assert answer.status == 202
    assert answer.body == {"notificationType": notification_type, "queued": len(expected)}
    assert answer.headers["Content-Type"] == "application/json"
    received = stack.drain(stack.queue_url(notification_type))
    assert sorted(m["Body"] for m in received) == sorted(m.to_json() for m in expected)
    for message in received:
        body = json.loads(message["Body"])
        assert message["MessageAttributes"] == {
            "notificationType": {"DataType": "String", "StringValue": notification_type},
            "eventId": {"DataType": "String", "StringValue": body["eventId"]},
            "schemaVersion": {"DataType": "Number", "StringValue": "1"},
        }
    assert stack.queued_counts() == dict.fromkeys(NOTIFICATION_TYPES, 0)
    assert stack.quarantined() == {}


def test_a_utf16_body_sent_as_binary_is_decoded_and_queued(stack: LocalStack) -> None:
    answer = invoke_ingest(api_event("Subscribe-xml-utf16"))

    assert (answer.status, answer.body) == (202, {"notificationType": "Subscribe", "queued": 3})
    bodies = [json.loads(m["Body"]) for m in stack.drain(stack.queue_url("Subscribe"))]
    assert sorted(b["event"]["Date"] for b in bodies) == [
        "2024-08-07T12:45:49.4657042Z",
        "2024-08-07T12:46:04.5128443Z",
        "2024-08-07T12:46:13.0929985Z",
    ]


# --- Who may post ----------------------------------------------------------------------------

AUTH_CASES = [
    ("no credentials", {}, 401),
    ("wrong query token", {"query": {"token": "guess"}}, 401),
    ("query token", {"query": {"token": TOKEN}}, 202),
    ("bearer token", {"authorization": f"Bearer {TOKEN}"}, 202),
    ("lower-case bearer", {"authorization": f"bearer {TOKEN}"}, 202),
    ("wrong bearer token", {"authorization": "Bearer guess"}, 401),
    ("basic password", {"authorization": basic("tilte", TOKEN)}, 202),
    ("basic with the token as user name", {"authorization": basic(TOKEN, "")}, 401),
    ("basic that is not base64", {"authorization": "Basic %%%"}, 401),
    ("token with a different case", {"query": {"token": TOKEN.upper()}}, 401),
    ("token with a suffix", {"query": {"token": TOKEN + "x"}}, 401),
]


@pytest.mark.parametrize(
    ("credentials", "status"), [(c, s) for _, c, s in AUTH_CASES], ids=[n for n, _, _ in AUTH_CASES]
)
def test_only_the_token_opens_the_door(
    stack: LocalStack, credentials: dict[str, Any], status: int
) -> None:
    event = with_credentials(api_event("Subscribe-json"), **credentials)

    answer = invoke_ingest(event)

    assert answer.status == status
    if status == 401:
        assert answer.body == {
            "error": {
                "code": "unauthorized",
                "message": "missing or wrong token: send it as ?token=..., as a Bearer token, "
                "or as the password of HTTP Basic authentication",
            }
        }
        assert answer.headers["WWW-Authenticate"] == 'Bearer, Basic realm="tilte-webhooks"'
        assert stack.queued_counts()["Subscribe"] == 0
        assert stack.quarantined() == {}  # strangers cannot fill the quarantine
    else:
        assert stack.queued_counts()["Subscribe"] == 3


def test_two_tokens_are_valid_during_a_rotation(stack: LocalStack) -> None:
    # Given the secret lists a new and an old token
    stack.set_secret({"tokens": ["new-token-2026", TOKEN]})

    # Then both open the door, and nothing else does
    for token, status in ((TOKEN, 202), ("new-token-2026", 202), ("older-token", 401)):
        answer = invoke_ingest(
            with_credentials(api_event("Unsubscribe-xml"), query={"token": token})
        )
        assert answer.status == status, token


def test_no_configured_token_refuses_everyone(stack: LocalStack) -> None:
    stack.set_secret({})
    attempts: list[dict[str, Any]] = [{}, {"query": {"token": TOKEN}}, {"query": {"token": ""}}]
    for credentials in attempts:
        answer = invoke_ingest(with_credentials(api_event("Subscribe-json"), **credentials))
        assert answer.status == 401
    assert stack.queued_counts()["Subscribe"] == 0


def test_an_unreadable_secret_refuses_with_503(stack: LocalStack) -> None:
    stack.client("secretsmanager").delete_secret(
        SecretId=stack.resolver.refs["TokenSecret"], ForceDeleteWithoutRecovery=True
    )

    answer = invoke_ingest(api_event("Subscribe-json"))

    assert answer.status == 503
    assert answer.body["error"]["code"] == "auth_unavailable"
    assert answer.headers["Retry-After"] == "30"
    assert stack.queued_counts()["Subscribe"] == 0


def test_unauthenticated_access_needs_an_explicit_local_setting(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = with_credentials(api_event("Subscribe-json"))
    assert invoke_ingest(event).status == 401

    monkeypatch.setenv("ALLOW_UNAUTHENTICATED", "true")
    clients.client.cache_clear()
    import ingest_handler

    ingest_handler.dependencies.cache_clear()

    assert invoke_ingest(event).status == 202


# --- Nothing lost: what is not queued is quarantined first -----------------------------------


def test_a_malformed_body_is_quarantined_with_its_reason_and_answered_400(
    stack: LocalStack,
) -> None:
    event = api_event("bad-malformed-body")
    event["headers"]["authorization"] = f"Bearer {TOKEN}"
    event["queryStringParameters"]["token"] = TOKEN

    answer = invoke_ingest(event)

    assert answer.status == 400
    assert answer.body["error"]["code"] == "malformed_json"
    assert answer.body["error"]["message"].startswith("the JSON is not well-formed: ")
    ((key, record),) = stack.quarantined().items()
    assert key.startswith("rejected/2")
    assert key.endswith("-bad-malformed-body.json")
    assert record["reason"] == {
        "code": "malformed_json",
        "message": answer.body["error"]["message"],
    }
    assert record["requestId"] == "bad-malformed-body"
    assert record["body"] == event["body"]
    assert record["isBase64Encoded"] is False
    assert "authorization" not in record["headers"]
    assert record["headers"]["content-type"] == "application/json"
    assert record["query"] == {}
    assert TOKEN not in json.dumps(record)


def test_invalid_fields_are_listed_in_the_answer_and_the_quarantine(stack: LocalStack) -> None:
    body = payload_bytes("Subscribe", "json").replace(b"2024-08-07T12:46:13.0929985Z", b"yesterday")

    answer = invoke_ingest(with_body(api_event("Subscribe-json"), body))

    assert answer.status == 400
    assert answer.body == {
        "error": {
            "code": "invalid_fields",
            "message": "Events[2].Date: 'yesterday' is not a date",
            "problems": [{"path": "Events[2].Date", "message": "'yesterday' is not a date"}],
        }
    }
    (record,) = stack.quarantined().values()
    assert record["reason"]["problems"] == answer.body["error"]["problems"]
    assert record["body"] == body.decode()
    assert stack.queued_counts()["Subscribe"] == 0  # a batch is queued whole or not at all


def test_an_unknown_type_is_quarantined_and_acknowledged(stack: LocalStack) -> None:
    answer = invoke_ingest(api_event("bad-unknown-type"))

    assert answer.status == 202
    assert answer.body == {"notificationType": "Resubscribe", "queued": 0, "quarantined": True}
    ((key, record),) = stack.quarantined().items()
    assert key.startswith("unknown-type/Resubscribe/2")
    assert record["reason"]["code"] == "unknown_notification_type"
    assert json.loads(record["body"])["NotificationType"] == "Resubscribe"
    assert sum(stack.queued_counts().values()) == 0


def test_an_oversized_body_gets_413_and_is_quarantined(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", "500")
    import ingest_handler

    ingest_handler.dependencies.cache_clear()
    size = len(payload_bytes("Subscribe", "xml"))

    answer = invoke_ingest(api_event("Subscribe-xml"))

    assert answer.status == 413
    assert answer.body == {
        "error": {
            "code": "payload_too_large",
            "message": f"the body is {size} bytes, over the limit of 500",
        }
    }
    (record,) = stack.quarantined().values()
    assert record["body"] == payload_bytes("Subscribe", "xml").decode()


def test_a_body_that_lies_about_base64_is_rejected_and_kept_as_sent(stack: LocalStack) -> None:
    event = api_event("Subscribe-json")
    event["isBase64Encoded"] = True

    answer = invoke_ingest(event)

    assert answer.status == 400
    assert answer.body["error"] == {
        "code": "bad_base64",
        "message": "the body is marked as base64 but is not valid base64",
    }
    (record,) = stack.quarantined().values()
    assert (record["body"], record["isBase64Encoded"]) == (event["body"], True)


def test_a_base64_body_with_characters_outside_ascii_is_bad_base64_not_a_503(
    stack: LocalStack,
) -> None:
    event = api_event("Subscribe-json")
    event["isBase64Encoded"] = True
    event["body"] = base64.b64encode(payload_bytes("Subscribe", "json")).decode() + "é"

    answer = invoke_ingest(event)

    assert answer.status == 400
    assert answer.body["error"] == {
        "code": "bad_base64",
        "message": "the body is marked as base64 but is not valid base64",
    }
    (record,) = stack.quarantined().values()
    assert (record["body"], record["isBase64Encoded"]) == (event["body"], True)


def test_binary_that_is_not_utf8_is_kept_as_base64(stack: LocalStack) -> None:
    event = api_event("Subscribe-json")
    event["isBase64Encoded"] = True
    event["body"] = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00").decode()

    answer = invoke_ingest(event)

    assert answer.status == 400
    assert answer.body["error"]["code"] == "undecodable_body"
    (record,) = stack.quarantined().values()
    assert record["bodyBase64"] == event["body"]
    assert "body" not in record


def test_when_the_quarantine_fails_the_answer_is_503_not_400(stack: LocalStack) -> None:
    s3 = stack.client("s3")
    s3.delete_bucket(Bucket=stack.bucket)

    answer = invoke_ingest(api_event("bad-malformed-body"))

    assert answer.status == 503
    assert answer.body["error"]["code"] == "quarantine_unavailable"
    assert answer.headers["Retry-After"] == "30"


# --- Big batches ------------------------------------------------------------------------------


def test_a_5000_event_notification_is_queued_whole_in_500_batch_calls(stack: LocalStack) -> None:
    # Given a MessageOpen notification of 5,000 events
    document = json.loads(payload_bytes("MessageOpen", "json"))
    document["Events"] = [
        {
            "Email": f"reader{i}@example.com",
            "Date": f"2024-08-07T14:{i // 600 % 60:02d}:{i // 10 % 60:02d}.{i:07d}Z",
            "SubscriberId": f"reader{i}@example.com",
        }
        for i in range(5000)
    ]
    event = with_body(api_event("MessageOpen-json"), json.dumps(document))
    calls: list[int] = []
    clients.client("sqs").meta.events.register(
        "before-parameter-build.sqs.SendMessageBatch",
        lambda params, **_: calls.append(len(params["Entries"])),
    )

    # When the ingest handles it (while a consumer drains the queue, as in a deployment)
    with stack.draining(clients.client("sqs"), stack.queue_url("MessageOpen")) as received:
        answer = invoke_ingest(event)

    # Then all 5,000 are queued, in ceil(5000 / 10) = 500 calls of 10
    assert (answer.status, answer.body) == (
        202,
        {"notificationType": "MessageOpen", "queued": 5000},
    )
    assert len(calls) == math.ceil(5000 / 10)
    assert set(calls) == {10}
    bodies = [json.loads(message["Body"]) for message in received]
    assert len({body["eventId"] for body in bodies}) == 5000
    assert sorted(body["event"]["Email"] for body in bodies) == sorted(
        event["Email"] for event in document["Events"]
    )
