"""The consumers: SQS batches in, subscriber, suppression and campaign data in DynamoDB out.

One handler serves the four consumer functions of the template (subscribers, suppressions,
engagement, campaigns); each is given its own queues and tables. Powertools' BatchProcessor
reports each failed record alone (``ReportBatchItemFailures``), so one bad message never
makes SQS retry the rest of its batch. A record's log lines carry its ``eventId`` as their
correlation id; the batch's summary line and metrics carry the invocation's request id.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from tilte_webhooks.aws.clients import client
from tilte_webhooks.aws.dynamodb import PlanExecutor
from tilte_webhooks.consumer import PoisonMessage, plan_message
from tilte_webhooks.event_outcomes import (
    EventOutcome,
    batch_notification_type,
    classify,
    record_correlation_id,
)
from tilte_webhooks.metric_counts import Metric, consumer_counts
from tilte_webhooks.observability import (
    correlated,
    function_metrics,
    logger,
    publish,
    set_correlation_id,
)
from tilte_webhooks.settings import ConsumerSettings

processor = BatchProcessor(event_type=EventType.SQS)
metrics = function_metrics()


@cache
def dependencies() -> tuple[ConsumerSettings, PlanExecutor]:
    return ConsumerSettings.from_environ(os.environ), PlanExecutor(client("dynamodb"))


def apply_record(record: SQSRecord) -> EventOutcome:
    settings, executor = dependencies()
    with correlated(record_correlation_id(record.raw_event)):
        try:
            plan = plan_message(record.body, settings.tables)
        except PoisonMessage as error:
            logger.error(
                "message can never be applied; it will go to the dead-letter queue",
                extra={"reason": str(error), "message_id": record.message_id},
            )
            metrics.add_metric(Metric.POISON_MESSAGES, MetricUnit.Count, 1)
            raise
        steps = executor.execute(plan)
        outcome = classify(steps)
        logger.debug(
            "event processed", extra={"event_id": plan.event_id, "outcome": outcome, "steps": steps}
        )
        return outcome


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    set_correlation_id(context.aws_request_id)
    records: list[dict[str, Any]] = event.get("Records", [])
    outcomes: list[EventOutcome] = []
    try:
        response = process_partial_response(
            event=event,
            record_handler=lambda record: outcomes.append(apply_record(record)),
            processor=processor,
            context=context,
        )
    except BatchProcessingError:  # every record failed: the invocation fails, SQS retries all
        _summarize(records, outcomes, failed=len(records))
        raise
    _summarize(records, outcomes, failed=len(response["batchItemFailures"]))
    return response


def _summarize(records: list[dict[str, Any]], outcomes: list[EventOutcome], failed: int) -> None:
    notification_type = batch_notification_type(records)
    counts = consumer_counts(notification_type, outcomes, failed=failed)
    publish(metrics, counts)
    logger.info(
        "batch processed",
        extra={"notification_type": notification_type, "records": len(records)}
        | {metric.value: number for metric, number in counts.values.items()},
    )
