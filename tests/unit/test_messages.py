"""The fan-out message format: exact documents, stable ids, unknown fields kept, schemas current."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from tests.support.payloads import ROOT, SAMPLES, payload_bytes
from tilte_cli.schemas_command import rendered_schemas
from tilte_webhooks.messages import fan_out, message_model
from tilte_webhooks.parser import parse_notification

SCHEMAS = ROOT / "schemas" / "messages"


def test_a_subscribe_event_becomes_exactly_this_message() -> None:
    (first, *_) = fan_out(parse_notification(payload_bytes("Subscribe", "xml")))

    assert first.to_json() == (
        '{"schemaVersion":1,"eventId":"c95a916a386cf87ccb4c226f5244eb11",'
        '"notificationType":"Subscribe","random":"qtrzaDYWxEWIN9h7hsfodAvZEL27wmVGh7Vc0BFhWUY=",'
        '"context":{"ListId":"4dbce53b396949c88068ba652aa1c5a7","ListName":"WebhookTestList4"},'
        '"event":{"Email":"alwskd.myemail@mail.com","Date":"2024-08-07T12:45:49.4657042Z",'
        '"SubscriberId":"alwskd.myemail@mail.com"}}'
    )


def test_event_ids_are_pinned_so_that_a_change_to_the_identity_rule_is_noticed() -> None:
    # Consumers deduplicate on these ids: changing them would re-apply every event once.
    ids = {
        name: [m.event_id for m in fan_out(parse_notification(payload_bytes(name, "json")))]
        for name in ("Subscribe", "MessageBounced", "CampaignSent", "AddressSuppress")
    }
    assert ids == {
        "Subscribe": [
            "c95a916a386cf87ccb4c226f5244eb11",
            "58cf222c44416659d9951846096d3ffa",
            "fb76ac8d4a51d81d666440956687f0c6",
        ],
        "MessageBounced": ["5087db91d7672cb5c15a7d1190722ea2"],
        "CampaignSent": ["ce6fcc9692c1452ddc83cfcacfd92182"],
        "AddressSuppress": ["01879017e73abe662e986944ff5b087b"],
    }


def test_the_event_id_is_the_documented_hash_of_type_context_key_and_event_fields() -> None:
    # docs/MESSAGES.md: sha256 over the compact JSON list of the rule's name, the type, the
    # context key, then the event's documented fields in order with the date as epoch ns.
    material = [
        "tilte-event-id/1",
        "Subscribe",
        "4dbce53b396949c88068ba652aa1c5a7",
        "alwskd.myemail@mail.com",
        1_723_034_749_465_704_200,
        "alwskd.myemail@mail.com",
    ]
    canonical = json.dumps(material, separators=(",", ":"), ensure_ascii=False).encode()
    message = fan_out(parse_notification(payload_bytes("Subscribe", "xml")))[0]
    assert message.event_id == hashlib.sha256(canonical).hexdigest()[:32]


def test_the_same_subscriber_and_date_in_another_type_or_list_is_another_event() -> None:
    body = payload_bytes("Subscribe", "json").decode()
    subscribe = fan_out(parse_notification(body))[0]
    unsubscribe = fan_out(parse_notification(body.replace('"Subscribe"', '"Unsubscribe"')))[0]
    other_list = fan_out(parse_notification(body.replace("4dbce53b", "00000000")))[0]
    renamed = fan_out(parse_notification(body.replace("WebhookTestList4", "Renamed")))[0]

    assert subscribe.event_id != unsubscribe.event_id
    assert subscribe.event_id != other_list.event_id
    assert subscribe.event_id == renamed.event_id  # a list's name is not part of the event


def test_unknown_fields_are_kept_in_context_and_event() -> None:
    # Given Tilte adds fields at both levels, in JSON and in XML (one of them nested)
    document = json.loads(payload_bytes("MessageClick", "json"))
    document["Source"] = "api"
    document["Events"][0]["Device"] = {"Kind": "mobile", "Os": "iOS"}
    xml = (
        payload_bytes("MessageClick", "xml")
        .decode()
        .replace("<Random>", "<Source>api</Source>\n  <Random>")
        .replace(
            "<Url>https://www.google.com</Url>",
            "<Url>https://www.google.com</Url><Device><Kind>mobile</Kind><Os>iOS</Os></Device>",
        )
    )

    # When both are fanned out
    from_json = fan_out(parse_notification(json.dumps(document)))
    from_xml = fan_out(parse_notification(xml))

    # Then the new fields travel on, and the event ids ignore them
    for messages in (from_json, from_xml):
        assert messages[0].document["context"]["Source"] == "api"
        assert messages[0].document["event"]["Device"] == {"Kind": "mobile", "Os": "iOS"}
        assert "Device" not in messages[1].document["event"]
    original = fan_out(parse_notification(payload_bytes("MessageClick", "json")))
    assert [m.event_id for m in from_json] == [m.event_id for m in original]


def test_message_bodies_are_ascii_json() -> None:
    body = payload_bytes("Subscribe", "json").decode().replace("WebhookTestList4", "Été 🚀")
    message = fan_out(parse_notification(body))[0]
    assert message.to_json().isascii()
    assert json.loads(message.to_json())["context"]["ListName"] == "Été 🚀"


@pytest.mark.parametrize(("notification_type", "fmt"), SAMPLES)
def test_every_message_reads_back_through_its_model_unchanged(
    notification_type: str, fmt: str
) -> None:
    model = message_model(notification_type)
    for message in fan_out(parse_notification(payload_bytes(notification_type, fmt))):
        parsed = model.model_validate_json(message.to_json())
        assert parsed.event_id == message.event_id
        assert json.loads(parsed.model_dump_json(by_alias=True)) == message.document


def test_a_message_model_refuses_another_version_or_type() -> None:
    message = fan_out(parse_notification(payload_bytes("Subscribe", "json")))[0].document
    model = message_model("Subscribe")
    with pytest.raises(ValidationError, match="schemaVersion"):
        model.model_validate(message | {"schemaVersion": 2})
    with pytest.raises(ValidationError, match="notificationType"):
        model.model_validate(message | {"notificationType": "Unsubscribe"})
    with pytest.raises(KeyError):
        message_model("Resubscribe")


def test_the_committed_json_schemas_are_current() -> None:
    # `make schemas` regenerates them; this fails until it has been run and committed.
    expected = rendered_schemas(SCHEMAS)
    committed = {path: path.read_text(encoding="utf-8") for path in SCHEMAS.rglob("*.json")}
    assert sorted(committed) == sorted(expected)
    for path, text in expected.items():
        assert committed[path] == text, f"{path} is stale: run `make schemas`"


@pytest.mark.parametrize(("notification_type", "fmt"), SAMPLES)
def test_every_message_is_valid_against_its_committed_schema(
    notification_type: str, fmt: str
) -> None:
    schema = json.loads(Path(SCHEMAS / "v1" / f"{notification_type}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for message in fan_out(parse_notification(payload_bytes(notification_type, fmt))):
        jsonschema.validate(json.loads(message.to_json()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schemaVersion": 1}, schema)
