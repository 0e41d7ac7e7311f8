"""What became of an event, from its plan's steps; a batch's type and a record's correlation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.payloads import SAMPLES, payload_bytes
from tilte_webhooks.consumer import plan_message
from tilte_webhooks.event_outcomes import (
    RECORD_STEPS,
    REGISTER_STEPS,
    UNKNOWN_TYPE,
    EventOutcome,
    UnknownStep,
    batch_notification_type,
    classify,
    record_correlation_id,
)
from tilte_webhooks.ingest import notification_messages
from tilte_webhooks.writes import Step, StepOutcome

TABLES = {"subscribers": "subscribers", "suppressions": "suppressions", "campaigns": "campaigns"}
EVENT_ID = "c95a916a386cf87ccb4c226f5244eb11"


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # Subscribe/Unsubscribe: history, status, profile
        ([("history", "applied"), ("status", "applied"), ("profile", "applied")], "applied"),
        ([("history", "skipped"), ("status", "skipped"), ("profile", "skipped")], "duplicate"),
        # recorded, but a later Unsubscribe set the status and the profile already
        ([("history", "applied"), ("status", "skipped"), ("profile", "skipped")], "out_of_order"),
        # recorded, status set, but a later UpdateSubscriber set the profile
        ([("history", "applied"), ("status", "applied"), ("profile", "skipped")], "out_of_order"),
        # a retry after the first attempt wrote the history and failed before the state
        ([("history", "skipped"), ("status", "applied"), ("profile", "applied")], "applied"),
        # engagement: one transaction (record and counters)
        ([("engagement", "applied")], "applied"),
        ([("engagement", "skipped")], "duplicate"),
        # register-only plans: suppression, campaign summary
        ([("suppression", "applied")], "applied"),
        ([("suppression", "skipped")], "duplicate_or_older"),
        ([("sent", "skipped")], "duplicate_or_older"),
        ([("stats", "applied")], "applied"),
    ],
)
def test_each_combination_of_steps_has_its_outcome(
    steps: list[tuple[str, StepOutcome]], expected: str
) -> None:
    # Given the steps one event's plan executed

    # When they are classified
    outcome = classify(steps)

    # Then the outcome is the expected one
    assert outcome == EventOutcome(expected)


def test_a_step_of_no_known_kind_is_an_error_naming_it():
    # Given a plan with a step added by a rule this module does not know
    steps: list[tuple[str, StepOutcome]] = [("history", "applied"), ("nickname", "applied")]

    # When it is classified, then it is refused
    with pytest.raises(UnknownStep, match=r"no outcome is defined for steps \['nickname'\]"):
        classify(steps)


def test_every_step_the_rules_plan_for_the_samples_is_a_record_or_a_register():
    # Given the plan of every event of the twenty samples
    purposes: dict[str, set[str]] = {}
    for name, fmt in SAMPLES:
        kind, messages = notification_messages(
            payload_bytes(name, fmt), f"application/{fmt}", max_body_bytes=5242880
        )
        for message in messages:
            plan = plan_message(message.to_json(), TABLES)
            purposes.setdefault(kind, set()).update(_purposes(plan.steps))

    # Then each type's steps are known, and each type records or sets what it should
    assert purposes == {
        "Subscribe": {"history", "state", "status", "profile"},
        "UpdateSubscriber": {"history", "profile"},
        "Unsubscribe": {"history", "state", "status", "profile"},
        "AddressSuppress": {"suppression"},
        "MessageOpen": {"engagement"},
        "MessageClick": {"engagement"},
        "MessageDelivered": {"engagement"},
        "MessageBounced": {"engagement"},
        "CampaignSent": {"sent"},
        "CampaignStatsUpdated": {"stats"},
    }
    assert set().union(*purposes.values()) == RECORD_STEPS | REGISTER_STEPS


def _purposes(steps: tuple[Step, ...]) -> set[str]:
    """The purposes of ``steps`` and of their fallbacks'."""
    return {step.purpose for step in steps} | {
        purpose for step in steps for purpose in _purposes(step.fallback)
    }


def record(**attributes: str) -> dict[str, Any]:
    return {
        "messageId": "2e1424d4-f796-459a-8184-9c92662be6da",
        "messageAttributes": {
            name: {"stringValue": value, "dataType": "String"} for name, value in attributes.items()
        },
    }


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["Subscribe", "Subscribe"], "Subscribe"),
        (["MessageOpen"], "MessageOpen"),
        (["Subscribe", None], "Subscribe"),  # a record without the attribute is not counted
        ([None], UNKNOWN_TYPE),
        (["Subscribe", "Unsubscribe"], UNKNOWN_TYPE),  # not one queue's batch
        (["leak@mail.com"], UNKNOWN_TYPE),  # never echoed into a metric dimension
        (["Subscribe", "Resubscribe"], UNKNOWN_TYPE),
    ],
)
def test_a_batch_has_the_one_type_its_records_name(types, expected):
    # Given records naming these types (None: no attribute)
    records = [record(notificationType=kind) if kind else record() for kind in types]

    # When the batch's type is read, then it is the expected one
    assert batch_notification_type(records) == expected


def test_a_record_is_correlated_by_its_event_id_or_else_its_message_id():
    # Given records with an eventId, with text that is not one, and with none
    with_id = record(eventId=EVENT_ID)
    with_text = record(eventId="leak@mail.com")
    without = record()

    # Then the event id is used when it is one, the SQS message id otherwise
    assert record_correlation_id(with_id) == EVENT_ID
    assert record_correlation_id(with_text) == "2e1424d4-f796-459a-8184-9c92662be6da"
    assert record_correlation_id(without) == "2e1424d4-f796-459a-8184-9c92662be6da"
