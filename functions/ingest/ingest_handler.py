"""The ingest function: API Gateway (HTTP API) in, one SQS message per event out.

A thin adapter: it turns the API Gateway event into a :class:`WebhookRequest`, lets
:func:`tilte_webhooks.ingest.receive` decide, then logs, counts and answers.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.typing import LambdaContext

from tilte_webhooks.aws.clients import client
from tilte_webhooks.aws.quarantine import S3Quarantine
from tilte_webhooks.aws.queues import SqsEventPublisher
from tilte_webhooks.aws.tokens import FixedTokens, SecretTokens
from tilte_webhooks.ingest import RETRY_AFTER_SECONDS, IngestOutcome, WebhookRequest, receive
from tilte_webhooks.observability import logger, metrics
from tilte_webhooks.settings import IngestSettings

app = APIGatewayHttpResolver()


@cache
def dependencies() -> dict[str, Any]:
    """Settings and adapters, built once per container on first use."""
    settings = IngestSettings.from_environ(os.environ)
    tokens = (
        SecretTokens(
            SecretsProvider(boto3_client=client("secretsmanager")), settings.token_secret_id
        )
        if settings.token_secret_id
        else FixedTokens(settings.local_tokens)
    )
    return {
        "settings": settings,
        "tokens": tokens,
        "publisher": SqsEventPublisher(client("sqs"), settings.queue_urls),
        "quarantine": S3Quarantine(client("s3"), settings.quarantine_bucket),
    }


@app.post("/webhooks")
def post_webhook() -> Response[str]:
    event = app.current_event
    request = WebhookRequest(
        body=event.body or "",
        is_base64_encoded=bool(event.is_base64_encoded),
        headers={name.lower(): value for name, value in (event.headers or {}).items()},
        query=dict(event.query_string_parameters or {}),
        request_id=event.request_context.request_id,
        received_at=datetime.now(UTC),
    )
    outcome = receive(request, **dependencies())
    _record(outcome)
    return Response(outcome.status, "application/json", json.dumps(outcome.body), outcome.headers)


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def unexpected_error(error: Exception) -> Response[str]:
    """A bug, not bad input: log it, count it, and ask Tilte to send again (nothing is lost)."""
    logger.exception("unexpected error while receiving a webhook")
    metrics.add_metric("IngestErrors", MetricUnit.Count, 1)
    return Response(
        503,
        "application/json",
        json.dumps(
            {"error": {"code": "internal_error", "message": "an unexpected error; send again"}}
        ),
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _record(outcome: IngestOutcome) -> None:
    if outcome.notification_type and outcome.status == 202 and not outcome.rejection:
        metrics.add_dimension("NotificationType", outcome.notification_type)
        metrics.add_metric("NotificationsReceived", MetricUnit.Count, 1)
        metrics.add_metric("EventsQueued", MetricUnit.Count, outcome.queued)
    else:
        metrics.add_dimension("Reason", outcome.rejection or "unknown")
        metrics.add_metric("NotificationsRejected", MetricUnit.Count, 1)
        if outcome.quarantine_key:
            metrics.add_metric("NotificationsQuarantined", MetricUnit.Count, 1)
    logger.info(
        "webhook answered",
        extra={
            "status": outcome.status,
            "notification_type": outcome.notification_type,
            "events": outcome.events,
            "queued": outcome.queued,
            "rejection": outcome.rejection,
            "quarantine_key": outcome.quarantine_key,
        },
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
