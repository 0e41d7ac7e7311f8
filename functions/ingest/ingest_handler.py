"""The ingest function: API Gateway (HTTP API) in, one SQS message per event out.

A thin adapter: it turns the API Gateway event into a :class:`WebhookRequest`, lets
:func:`tilte_webhooks.ingest.receive` decide, then logs, counts and answers. Its log lines and
metrics carry the API request id as their correlation id.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.typing import LambdaContext

from tilte_webhooks.aws.clients import client
from tilte_webhooks.aws.quarantine import S3Quarantine
from tilte_webhooks.aws.queues import SqsEventPublisher
from tilte_webhooks.aws.tokens import FixedTokens, SecretTokens
from tilte_webhooks.ingest import RETRY_AFTER_SECONDS, IngestOutcome, WebhookRequest, receive
from tilte_webhooks.metric_counts import ingest_counts, ingest_error_counts
from tilte_webhooks.observability import function_metrics, logger, publish, set_correlation_id
from tilte_webhooks.settings import IngestSettings

app = APIGatewayHttpResolver()
metrics = function_metrics()


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
    publish(metrics, ingest_error_counts())
    return Response(
        503,
        "application/json",
        json.dumps(
            {"error": {"code": "internal_error", "message": "an unexpected error; send again"}}
        ),
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _record(outcome: IngestOutcome) -> None:
    publish(metrics, ingest_counts(outcome))
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


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_id = event.get("requestContext", {}).get("requestId")
    set_correlation_id(request_id if isinstance(request_id, str) else context.aws_request_id)
    return app.resolve(event, context)
