"""The consumers: SQS batches in, subscriber, suppression and campaign data in DynamoDB out.

One handler serves the four consumer functions of the template (subscribers, suppressions,
engagement, campaigns); each is given its own queues and tables. Powertools' BatchProcessor
reports each failed record alone (``ReportBatchItemFailures``), so one bad message never
makes SQS retry the rest of its batch.
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
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from tilte_webhooks.aws.clients import client
from tilte_webhooks.aws.dynamodb import PlanExecutor
from tilte_webhooks.consumer import PoisonMessage, plan_message
from tilte_webhooks.observability import logger, metrics
from tilte_webhooks.settings import ConsumerSettings

processor = BatchProcessor(event_type=EventType.SQS)


@cache
def dependencies() -> tuple[ConsumerSettings, PlanExecutor]:
    return ConsumerSettings.from_environ(os.environ), PlanExecutor(client("dynamodb"))


def apply_record(record: SQSRecord) -> None:
    settings, executor = dependencies()
    try:
        plan = plan_message(record.body, settings.tables)
    except PoisonMessage as error:
        logger.error(
            "message can never be applied; it will go to the dead-letter queue",
            extra={"reason": str(error), "message_id": record.message_id},
        )
        metrics.add_metric("PoisonMessages", MetricUnit.Count, 1)
        raise
    outcomes = executor.execute(plan)
    applied = any(outcome == "applied" for _, outcome in outcomes)
    metrics.add_metric("EventsApplied" if applied else "EventsSkipped", MetricUnit.Count, 1)
    logger.debug("event processed", extra={"event_id": plan.event_id, "steps": outcomes})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=apply_record, processor=processor, context=context
    )
