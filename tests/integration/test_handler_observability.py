"""The handlers' metric documents (EMF) and log lines against moto: what an operator's
dashboard and alarms read, exactly."""

from __future__ import annotations

import json
from typing import Any

import consumer_handler
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from tests.support.aws import LocalStack
from tests.support.lambda_calls import invoke_ingest
from tests.support.payloads import api_event, with_body
from tilte_cli.event_sources import sqs_record
from tilte_cli.lambda_runtime import LambdaContext
from tilte_webhooks.observability import NAMESPACE, SERVICE, logger

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:tilte-SubscribeQueue"


def metric_documents(printed: str) -> list[dict[str, Any]]:
    """The EMF documents among printed lines, without their timestamp."""
    documents = [json.loads(line) for line in printed.splitlines() if line.startswith('{"_aws"')]
    for document in documents:
        del document["_aws"]["Timestamp"]
    return documents


def emf(dimensions: list[list[str]], names: list[str]) -> dict[str, Any]:
    return {
        "CloudWatchMetrics": [
            {
                "Namespace": NAMESPACE,
                "Dimensions": dimensions,
                "Metrics": [{"Name": name, "Unit": "Count"} for name in names],
            }
        ]
    }


def test_a_queued_notification_is_one_document_by_type_and_in_total_with_its_request_id(
    stack: LocalStack, capsys: pytest.CaptureFixture[str], log_lines
) -> None:
    # Given the Subscribe sample's API Gateway event
    event = api_event("Subscribe-json")
    request_id = event["requestContext"]["requestId"]

    # When the ingest answers it
    assert invoke_ingest(event).status == 202

    # Then one metric document counts it by type and in total, with the request id
    assert metric_documents(capsys.readouterr().out) == [
        {
            "_aws": emf(
                [["service"], ["service", "NotificationType"]],
                ["NotificationsReceived", "EventsQueued"],
            ),
            "service": SERVICE,
            "NotificationType": "Subscribe",
            "correlation_id": request_id,
            "NotificationsReceived": [1.0],
            "EventsQueued": [3.0],
        }
    ]
    (answered,) = [line for line in log_lines() if line["message"] == "webhook answered"]
    assert (answered["correlation_id"], answered["status"]) == (request_id, 202)


def test_an_invalid_payload_counts_by_reason_and_as_quarantined(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the sample event with a body that is not a notification
    event = with_body(api_event("Subscribe-json"), '{"NotificationType": "Subscribe"}')

    # When the ingest answers it
    assert invoke_ingest(event).status == 400

    # Then it is rejected for its reason and quarantined, by reason and in total
    assert metric_documents(capsys.readouterr().out) == [
        {
            "_aws": emf(
                [["service"], ["service", "Reason"]],
                ["NotificationsRejected", "NotificationsQuarantined"],
            ),
            "service": SERVICE,
            "Reason": "invalid_fields",
            "correlation_id": event["requestContext"]["requestId"],
            "NotificationsRejected": [1.0],
            "NotificationsQuarantined": [1.0],
        }
    ]


def test_a_batch_is_one_document_by_type_and_each_record_logs_under_its_event_id(
    stack: LocalStack, capsys: pytest.CaptureFixture[str], log_lines
) -> None:
    # Given the Subscribe sample's three events as queued, one of them twice, and a message
    # no consumer can apply
    assert invoke_ingest(api_event("Subscribe-json")).status == 202
    received = stack.drain(stack.queue_url("Subscribe"))
    poison = {**received[0], "MessageId": "poison-1", "Body": "not json"}
    poison["MessageAttributes"] = {}
    messages = [*received, received[0], poison]
    event = {"Records": [sqs_record(message, QUEUE_ARN) for message in messages]}
    capsys.readouterr()
    logger.setLevel("DEBUG")

    # When the consumer handles the batch
    try:
        response = consumer_handler.lambda_handler(event, LambdaContext("SubscribersFunction"))
    finally:
        logger.setLevel("INFO")

    # Then only the poison message failed, and one document counts the batch by type
    assert response == {"batchItemFailures": [{"itemIdentifier": "poison-1"}]}
    (document,) = metric_documents(capsys.readouterr().out)
    batch_id = document["correlation_id"]
    assert document == {
        "_aws": emf(
            [["NotificationType", "service"]],
            ["PoisonMessages", "EventsApplied", "DuplicatesSkipped", "EventsFailed"],
        ),
        "NotificationType": "Subscribe",
        "service": SERVICE,
        "correlation_id": batch_id,
        "PoisonMessages": [1.0],
        "EventsApplied": [3.0],
        "DuplicatesSkipped": [1.0],
        "EventsFailed": [1.0],
    }

    # And each record's lines carry its event id (the poison's its message id), the batch's
    # summary the invocation's
    event_ids = [m["MessageAttributes"]["eventId"]["StringValue"] for m in received]
    lines = [(line["message"], line["correlation_id"]) for line in log_lines()]
    assert lines[1:] == [
        *(("event processed", event_id) for event_id in event_ids),
        ("event processed", event_ids[0]),
        ("message can never be applied; it will go to the dead-letter queue", "poison-1"),
        ("batch processed", batch_id),
    ]
    (summary,) = [line for line in log_lines() if line["message"] == "batch processed"]
    assert {key: summary[key] for key in ("notification_type", "records")} == {
        "notification_type": "Subscribe",
        "records": 5,
    }
    counted = ("EventsApplied", "DuplicatesSkipped", "EventsFailed", "PoisonMessages")
    assert {key: summary.get(key) for key in counted} == {
        "EventsApplied": 3,
        "DuplicatesSkipped": 1,
        "EventsFailed": 1,
        "PoisonMessages": None,  # counted as the record fails, in the document only
    }


def test_a_batch_that_fails_whole_is_still_counted_before_it_is_retried(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a batch holding one message no consumer can apply, and no other
    message = {
        "MessageId": "poison-2",
        "ReceiptHandle": "handle",
        "Body": "not json",
        "MD5OfBody": "0",
        "MessageAttributes": {},
    }
    event = {"Records": [sqs_record(message, QUEUE_ARN)]}

    # When the consumer handles it, then the invocation fails (SQS retries the batch)
    with pytest.raises(BatchProcessingError):
        consumer_handler.lambda_handler(event, LambdaContext("SubscribersFunction"))

    # And its document counts the failure, under the type its records name (none here)
    (document,) = metric_documents(capsys.readouterr().out)
    assert (document["NotificationType"], document["EventsFailed"]) == ("unknown", [1.0])
    assert document["PoisonMessages"] == [1.0]
