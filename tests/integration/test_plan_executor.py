"""Carrying out write plans on moto's DynamoDB: one write when it can, each register on its
own when it must, and what each step reports."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.aws import LocalStack
from tilte_webhooks.aws.dynamodb import PlanExecutor
from tilte_webhooks.consumer import plan_message
from tilte_webhooks.event_outcomes import EventOutcome, classify
from tilte_webhooks.messages import fan_out
from tilte_webhooks.parser import parse_notification
from tilte_webhooks.writes import Plan, Put, Step, StepOutcome

LIST = "list-1"
SUBSCRIBER = "subscriber-1"
EARLIER = "2024-08-07T12:00:00.0000001Z"
LATER = "2024-08-07T12:00:00.0000002Z"


def body(kind: str, date: str, email: str) -> str:
    notification = {
        "ListId": LIST,
        "ListName": "Newsletter",
        "Events": [{"Email": email, "Date": date, "SubscriberId": SUBSCRIBER}],
        "Random": "r",
        "NotificationType": kind,
    }
    (message,) = fan_out(parse_notification(json.dumps(notification)))
    return message.to_json()


@pytest.fixture
def recorded(stack: LocalStack) -> tuple[PlanExecutor, list[str]]:
    """An executor over the stack's DynamoDB, and the name of every call it makes."""
    client = stack.client("dynamodb")
    calls: list[str] = []
    client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    return PlanExecutor(client), calls


def run(executor: PlanExecutor, stack: LocalStack, message: str) -> list[tuple[str, StepOutcome]]:
    tables = {"subscribers": stack.resolver.refs["SubscribersTable"]}
    return executor.execute(plan_message(message, tables))


def test_a_subscribe_newer_than_both_registers_sets_them_in_one_write(
    stack: LocalStack, recorded: tuple[PlanExecutor, list[str]]
) -> None:
    executor, calls = recorded

    # When a first Subscribe is carried out
    outcomes = run(executor, stack, body("Subscribe", EARLIER, "a@example.com"))

    # Then the history and both registers took two writes, and the state is exact
    assert calls == ["PutItem", "UpdateItem"]
    assert outcomes == [("history", "applied"), ("state", "applied")]
    assert stack.data().subscriber(LIST, SUBSCRIBER) == {
        "listId": LIST,
        "subscriberId": SUBSCRIBER,
        "status": "subscribed",
        "statusSince": EARLIER,
        "email": "a@example.com",
        "listName": "Newsletter",
        "updatedAt": EARLIER,
        "lastEventType": "Subscribe",
    }


def test_a_subscribe_older_than_the_profile_sets_its_status_alone(
    stack: LocalStack, recorded: tuple[PlanExecutor, list[str]]
) -> None:
    executor, calls = recorded
    # Given an UpdateSubscriber applied before the Subscribe it follows arrives
    run(executor, stack, body("UpdateSubscriber", LATER, "b@example.com"))
    calls.clear()

    # When the Subscribe is carried out
    outcomes = run(executor, stack, body("Subscribe", EARLIER, "a@example.com"))

    # Then the one write was refused, and each register was tried on its own: the status is
    # the Subscribe's, the profile stays the later UpdateSubscriber's
    assert calls == ["PutItem", "UpdateItem", "UpdateItem", "UpdateItem"]
    assert outcomes == [("history", "applied"), ("status", "applied"), ("profile", "skipped")]
    assert classify(outcomes) is EventOutcome.OUT_OF_ORDER
    state = stack.data().subscriber(LIST, SUBSCRIBER)
    assert state is not None
    assert (state["status"], state["statusSince"]) == ("subscribed", EARLIER)
    assert (state["email"], state["updatedAt"], state["lastEventType"]) == (
        "b@example.com",
        LATER,
        "UpdateSubscriber",
    )


def test_a_repeated_unsubscribe_changes_nothing_and_reports_a_duplicate(
    stack: LocalStack, recorded: tuple[PlanExecutor, list[str]]
) -> None:
    executor, _ = recorded
    message = body("Unsubscribe", EARLIER, "a@example.com")
    run(executor, stack, message)
    before = stack.data().subscriber(LIST, SUBSCRIBER)

    # When the same event is carried out again
    outcomes = run(executor, stack, message)

    # Then every step was skipped, and the state is as it was
    assert outcomes == [("history", "skipped"), ("status", "skipped"), ("profile", "skipped")]
    assert classify(outcomes) is EventOutcome.DUPLICATE
    assert stack.data().subscriber(LIST, SUBSCRIBER) == before


class CancellingClient:
    """Cancels every transaction with the given reasons, as DynamoDB answers."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons

    def transact_write_items(self, **_: Any) -> None:
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                "CancellationReasons": [{"Code": code} for code in self.reasons],
            },
            "TransactWriteItems",
        )


TWO_PUTS = Plan("e", (Step((Put("t", {"pk": "a"}), Put("t", {"pk": "b"})), "engagement"),))


def test_a_transaction_cancelled_by_a_condition_is_skipped() -> None:
    executor = PlanExecutor(CancellingClient(["None", "ConditionalCheckFailed"]))

    assert executor.execute(TWO_PUTS) == [("engagement", "skipped")]


@pytest.mark.parametrize(
    "reasons", [["None", "None"], ["ConditionalCheckFailed", "ThrottlingError"]]
)
def test_a_transaction_cancelled_for_another_reason_is_raised_to_be_retried(
    reasons: list[str],
) -> None:
    executor = PlanExecutor(CancellingClient(reasons))

    with pytest.raises(ClientError, match="TransactionCanceledException"):
        executor.execute(TWO_PUTS)
