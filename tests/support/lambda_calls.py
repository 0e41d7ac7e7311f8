"""Calling a handler as the Lambda runtime would."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import consumer_handler
import ingest_handler


@dataclass
class FakeLambdaContext:
    """The attributes of the runtime's context that Powertools reads."""

    function_name: str = "IngestFunction"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:IngestFunction"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def invoke_ingest(event: dict[str, Any]) -> Answer:
    """The ingest handler's HTTP answer to an API Gateway event."""
    response = ingest_handler.lambda_handler(event, FakeLambdaContext())
    return Answer(response["statusCode"], json.loads(response["body"]), response["headers"])


def invoke_consumer(event: dict[str, Any]) -> list[str]:
    """The message ids a consumer reports as failed for an SQS event."""
    response = consumer_handler.lambda_handler(event, FakeLambdaContext("Consumer"))
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]
