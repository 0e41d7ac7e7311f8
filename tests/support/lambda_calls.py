"""Calling a handler as the Lambda runtime would."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import consumer_handler
import ingest_handler

from tilte_cli.lambda_runtime import LambdaContext


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def invoke_ingest(event: dict[str, Any]) -> Answer:
    """The ingest handler's HTTP answer to an API Gateway event."""
    response = ingest_handler.lambda_handler(event, LambdaContext("IngestFunction", 1024, 20))
    return Answer(response["statusCode"], json.loads(response["body"]), response["headers"])


def invoke_consumer(event: dict[str, Any]) -> list[str]:
    """The message ids a consumer reports as failed for an SQS event."""
    response = consumer_handler.lambda_handler(event, LambdaContext("SubscribersFunction"))
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]
