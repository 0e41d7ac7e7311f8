"""The local event source mappings: batches from the template's settings, failed records
retried, and a message that always fails moved to the dead-letter queue."""

from __future__ import annotations

import dataclasses
import json
import time

from tests.support.aws import LocalStack
from tests.support.lambda_calls import invoke_ingest
from tests.support.payloads import api_event
from tilte_cli.cloudformation import load_template
from tilte_cli.event_sources import SqsEventSource, SqsPoller, sqs_event_sources
from tilte_cli.lambda_runtime import load_functions

LIST = "4dbce53b396949c88068ba652aa1c5a7"


def test_the_sources_are_the_templates_sqs_events(stack: LocalStack) -> None:
    template = load_template()
    sources = sqs_event_sources(template, stack.resolver, load_functions(template))

    by_queue = {source.queue_name: source for source in sources}
    assert len(by_queue) == 10
    subscribe = by_queue["tilte-SubscribeQueue"]
    assert subscribe.function.name == "SubscribersFunction"
    assert (subscribe.batch_size, subscribe.window_seconds, subscribe.report_item_failures) == (
        100,
        5.0,
        True,
    )
    assert by_queue["tilte-MessageClickQueue"].function.name == "EngagementFunction"


def test_a_failing_record_is_retried_then_moved_to_the_dead_letter_queue(
    stack: LocalStack,
) -> None:
    # Given three Subscribe events and a message no consumer can apply, on the Subscribe queue
    # (made visible again after 1 s rather than 180, and delivered without a batching window)
    sqs = stack.client("sqs")
    queue = stack.queue_url("Subscribe")
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "1"})
    assert invoke_ingest(api_event("Subscribe-json")).status == 202
    sqs.send_message(QueueUrl=queue, MessageBody="not json")
    template = load_template()
    source = next(
        dataclasses.replace(source, window_seconds=0)
        for source in sqs_event_sources(template, stack.resolver, load_functions(template))
        if source.queue_name == "tilte-SubscribeQueue"
    )
    deliveries: list[tuple[int, int]] = []

    def report(_: SqsEventSource, records: int, failed: int, __: float) -> None:
        deliveries.append((records, failed))

    poller = SqsPoller(source, sqs, report)
    dead_letters = stack.resolver.refs["SubscribeDeadLetterQueue"]
    redrive = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["RedrivePolicy"])
    max_receives = json.loads(redrive["Attributes"]["RedrivePolicy"])["maxReceiveCount"]

    # When the poller runs until the queue is empty
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and stack.queued_counts()["Subscribe"]:
        if not poller.poll_once():
            time.sleep(0.2)

    # Then the good events were applied at the first delivery, and only the bad one retried
    assert deliveries[0] == (4, 1)
    assert deliveries[1:] == [(1, 1)] * (max_receives - 1)
    assert len(list(stack.data().list_subscribers(LIST))) == 3
    # And after maxReceiveCount deliveries it is in the dead-letter queue, and only there
    assert [message["Body"] for message in stack.drain(dead_letters)] == ["not json"]
    assert stack.drain(queue) == []
