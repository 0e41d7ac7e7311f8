"""``redrive``: dead-letter messages go back to their queues exactly once, and none is lost."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.aws import PENDING, LocalStack
from tests.support.payloads import payload_bytes
from tests.support.queued import Interrupted, Message, as_queued, drained, interrupt
from tilte_cli.main import main
from tilte_cli.redrive import MARGIN, Redriven, redrive
from tilte_webhooks.aws.queues import SqsEventPublisher
from tilte_webhooks.messages import fan_out
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.parser import parse_notification

MAX_RECEIVE_COUNT = 5
"""The template's RedrivePolicy: after this many receives a message goes to its DLQ."""


def dead_letter_url(stack: LocalStack, notification_type: str) -> str:
    url: str = stack.resolver.refs[f"{notification_type}DeadLetterQueue"]
    return url


def pairs(stack: LocalStack, *types: str) -> dict[str, tuple[str, str]]:
    return {name: (dead_letter_url(stack, name), stack.queue_url(name)) for name in types}


def dead_lettered(stack: LocalStack, notification_type: str) -> list[Message]:
    """The JSON sample's events, queued as the ingest queues them, then received without being
    deleted until SQS moved them to the dead-letter queue, as with a consumer that fails."""
    messages = fan_out(parse_notification(payload_bytes(notification_type, "json")))
    sqs = stack.client("sqs")
    source = stack.queue_url(notification_type)
    SqsEventPublisher(sqs, {notification_type: source}).publish(notification_type, messages)
    for _ in range(MAX_RECEIVE_COUNT + 1):
        sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert pending(stack, source) == 0
    assert pending(stack, dead_letter_url(stack, notification_type)) == len(messages)
    return as_queued(messages)


def pending(stack: LocalStack, url: str) -> int:
    """Messages not deleted: waiting, or received and hidden."""
    attributes = stack.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=PENDING)
    return sum(int(value) for value in attributes["Attributes"].values())


class RefusingSqs:
    """A real (moto) SQS client whose SendMessageBatch refuses the entries ``refuses`` picks,
    as SQS refuses an entry it cannot take; it counts the entries it is sent."""

    def __init__(self, real: Any, refuses: Any) -> None:
        self._real = real
        self._refuses = refuses
        self.sent_entries = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.sent_entries += len(Entries)
        passing = [entry for entry in Entries if not self._refuses(entry)]
        response = (
            self._real.send_message_batch(QueueUrl=QueueUrl, Entries=passing) if passing else {}
        )
        return {
            "Successful": response.get("Successful", []),
            "Failed": [
                {"Id": entry["Id"], "SenderFault": True, "Code": "InvalidParameterValue"}
                for entry in Entries
                if self._refuses(entry)
            ],
        }


# --- The function ------------------------------------------------------------------------


def test_messages_of_two_dead_letter_queues_go_back_once_with_bodies_and_attributes(
    stack: LocalStack,
) -> None:
    # Given the Subscribe sample's 3 events and the MessageOpen sample's 2 in their DLQs
    subscribe = dead_lettered(stack, "Subscribe")
    message_open = dead_lettered(stack, "MessageOpen")

    # When both are redriven
    moved = redrive(stack.client("sqs"), pairs(stack, "Subscribe", "MessageOpen"))

    # Then each message is on its queue once, body and attributes as they were, DLQs empty
    assert moved == {"Subscribe": Redriven(moved=3, left=0), "MessageOpen": Redriven(2, 0)}
    assert drained(stack, stack.queue_url("Subscribe")) == subscribe
    assert drained(stack, stack.queue_url("MessageOpen")) == message_open
    assert pending(stack, dead_letter_url(stack, "Subscribe")) == 0
    assert pending(stack, dead_letter_url(stack, "MessageOpen")) == 0
    assert stack.queued_counts() == dict.fromkeys(NOTIFICATION_TYPES, 0)


def test_an_empty_dead_letter_queue_moves_nothing(stack: LocalStack) -> None:
    assert redrive(stack.client("sqs"), pairs(stack, "Unsubscribe")) == {
        "Unsubscribe": Redriven(0, 0)
    }


def test_an_interruption_after_the_send_loses_nothing_and_at_worst_duplicates(
    stack: LocalStack,
) -> None:
    # Given 3 messages in the Subscribe DLQ, and a run that stops right after its send
    expected = dead_lettered(stack, "Subscribe")
    sqs = stack.client("sqs")
    sqs.meta.events.register("before-call.sqs.DeleteMessageBatch", interrupt)
    with pytest.raises(Interrupted):
        redrive(sqs, pairs(stack, "Subscribe"), visibility_timeout=0)  # expires at once
    sqs.meta.events.unregister("before-call.sqs.DeleteMessageBatch", interrupt)

    # Then the messages are on their queue and still in the DLQ, nowhere lost
    assert pending(stack, stack.queue_url("Subscribe")) == 3
    assert pending(stack, dead_letter_url(stack, "Subscribe")) == 3

    # When the redrive runs again
    moved = redrive(sqs, pairs(stack, "Subscribe"))

    # Then the queue holds each message twice (same eventId: applied once), the DLQ none
    assert moved == {"Subscribe": Redriven(3, 0)}
    assert drained(stack, stack.queue_url("Subscribe")) == sorted(expected * 2)
    assert pending(stack, dead_letter_url(stack, "Subscribe")) == 0


def test_an_interruption_before_the_send_leaves_every_message_in_the_dead_letter_queue(
    stack: LocalStack,
) -> None:
    expected = dead_lettered(stack, "Subscribe")
    sqs = stack.client("sqs")
    sqs.meta.events.register("before-call.sqs.SendMessageBatch", interrupt)

    with pytest.raises(Interrupted):
        redrive(sqs, pairs(stack, "Subscribe"), visibility_timeout=0)

    assert pending(stack, stack.queue_url("Subscribe")) == 0
    assert drained(stack, dead_letter_url(stack, "Subscribe")) == expected


def test_only_the_messages_the_queue_accepted_leave_the_dead_letter_queue(
    stack: LocalStack,
) -> None:
    # Given 3 messages in the Subscribe DLQ, one of which the queue refuses
    expected = dead_lettered(stack, "Subscribe")
    refused_body = expected[0][0]
    sqs = RefusingSqs(stack.client("sqs"), lambda entry: entry["MessageBody"] == refused_body)

    # When they are redriven
    moved = redrive(sqs, pairs(stack, "Subscribe"), visibility_timeout=0)

    # Then two moved, and the refused one is still in the DLQ, as it was
    assert moved == {"Subscribe": Redriven(moved=2, left=1)}
    assert drained(stack, stack.queue_url("Subscribe")) == expected[1:]
    assert drained(stack, dead_letter_url(stack, "Subscribe")) == expected[:1]


def test_messages_that_keep_coming_back_cannot_keep_it_going(stack: LocalStack) -> None:
    # Given 3 messages that the queue always refuses, visible again at once
    expected = dead_lettered(stack, "Subscribe")
    sqs = RefusingSqs(stack.client("sqs"), lambda entry: True)

    # When they are redriven
    moved = redrive(sqs, pairs(stack, "Subscribe"), visibility_timeout=0)

    # Then it stops after the count at the start plus the margin, and the DLQ keeps them
    assert moved == {"Subscribe": Redriven(moved=0, left=3)}
    assert sqs.sent_entries == 3 + MARGIN
    assert drained(stack, dead_letter_url(stack, "Subscribe")) == expected


def test_an_empty_answer_while_messages_wait_does_not_end_the_redrive(stack: LocalStack) -> None:
    # Given 3 messages in the DLQ, and SQS answering the first receive with nothing
    expected = dead_lettered(stack, "Subscribe")
    sqs = stack.client("sqs")
    answers: list[int] = []

    def empty_first(parsed: dict[str, Any], **_: Any) -> None:
        answers.append(len(parsed.get("Messages", [])))
        if len(answers) == 1:
            parsed.pop("Messages", None)

    sqs.meta.events.register("after-call.sqs.ReceiveMessage", empty_first)

    # When they are redriven
    moved = redrive(sqs, pairs(stack, "Subscribe"), visibility_timeout=0)

    # Then the next receive finds them all
    assert moved == {"Subscribe": Redriven(3, 0)}
    assert drained(stack, stack.queue_url("Subscribe")) == expected


# --- The command -------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["redrive", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_redrive_all_moves_every_queue_and_reports_each_and_the_total(
    served_stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given messages in two DLQs of the local stack (found at AWS_ENDPOINT_URL)
    subscribe = dead_lettered(served_stack, "Subscribe")
    message_open = dead_lettered(served_stack, "MessageOpen")

    # When every DLQ is redriven
    status, out, err = run(capsys, "--all")

    # Then each type has its line, in the documentation's order, and the total follows
    assert (status, err) == (0, "")
    moved = {"Subscribe": 3, "MessageOpen": 2}
    assert out.splitlines() == [
        *(f"{name}: {moved.get(name, 0)} moved" for name in NOTIFICATION_TYPES),
        "total: 5 moved",
    ]
    assert drained(served_stack, served_stack.queue_url("Subscribe")) == subscribe
    assert drained(served_stack, served_stack.queue_url("MessageOpen")) == message_open


def test_redrive_of_a_type_moves_only_that_queue_and_prints_json(
    served_stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    dead_lettered(served_stack, "Subscribe")
    message_open = dead_lettered(served_stack, "MessageOpen")

    status, out, err = run(capsys, "MessageOpen", "--json")

    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "queues": {"MessageOpen": {"moved": 2, "left": 0}},
        "total": {"moved": 2, "left": 0},
    }
    assert drained(served_stack, served_stack.queue_url("MessageOpen")) == message_open
    assert pending(served_stack, dead_letter_url(served_stack, "Subscribe")) == 3


def test_a_deployed_stack_is_found_by_its_outputs(
    served_stack: LocalStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a stack, named by AWS_SAM_STACK_NAME, whose Outputs name the Subscribe queues only
    expected = dead_lettered(served_stack, "Subscribe")
    outputs = {
        "SubscribeQueueUrl": served_stack.queue_url("Subscribe"),
        "SubscribeDeadLetterQueueUrl": dead_letter_url(served_stack, "Subscribe"),
    }
    template = {
        "Resources": {"Placeholder": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    served_stack.client("cloudformation").create_stack(
        StackName="receiver", TemplateBody=json.dumps(template)
    )
    monkeypatch.setenv("AWS_SAM_STACK_NAME", "receiver")

    # Then the queues its Outputs name are redriven, and a missing Output is a clear error
    assert run(capsys, "Subscribe") == (0, "Subscribe: 3 moved\ntotal: 3 moved\n", "")
    assert drained(served_stack, served_stack.queue_url("Subscribe")) == expected
    assert run(capsys, "MessageOpen") == (
        1,
        "",
        "error: missing_output: stack 'receiver' has no output 'MessageOpenDeadLetterQueueUrl' "
        "(deployed from an older template?)\n",
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["Subscribe", "Resubscribe"],
            "error: unknown_type: 'Resubscribe' is not a NotificationType (one of "
            + ", ".join(NOTIFICATION_TYPES)
            + ")\n",
        ),
        ([], "error: usage: give one or more TYPEs, or --all\n"),
        (["Subscribe", "--all"], "error: usage: give one or more TYPEs, or --all\n"),
    ],
    ids=["unknown type", "nothing chosen", "both"],
)
def test_what_to_redrive_must_be_clear(
    capsys: pytest.CaptureFixture[str], args: list[str], error: str
) -> None:
    assert run(capsys, *args) == (2, "", error)


def test_an_unreachable_local_stack_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("AWS_SAM_STACK_NAME", raising=False)

    status, out, err = run(capsys, "Subscribe")

    assert (status, out) == (1, "")
    assert err == (
        "error: unreachable: cannot reach the local stack (is `make run` running?): "
        'Could not connect to the endpoint URL: "http://127.0.0.1:9/"\n'
    )
