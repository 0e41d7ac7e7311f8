"""boto3 clients, made once per process and shared (they are thread-safe)."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

MAX_POOL_CONNECTIONS = 32
"""Enough connections for the publisher's concurrent batch sends."""


@cache
def client(service: str) -> Any:
    """A client for ``service`` with short timeouts and standard retries.

    The endpoint comes from the environment as boto3 reads it (``AWS_ENDPOINT_URL``), so the
    same code reaches AWS in a deployment and moto in a local run.
    """
    config = Config(
        connect_timeout=2,
        read_timeout=5,
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=MAX_POOL_CONNECTIONS,
    )
    return boto3.session.Session().client(service, config=config)
