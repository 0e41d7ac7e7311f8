"""The ingest function against moto, with every resource created from template.yaml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import consumer_handler
import ingest_handler
import pytest
from moto import mock_aws

from tests.support.aws import LocalStack
from tilte_cli.api_events_command import SAMPLE_TOKEN
from tilte_cli.cloudformation import load_template
from tilte_cli.provision import provision
from tilte_webhooks.aws import clients

TOKEN = SAMPLE_TOKEN
"""The secret holds the token the sample events in events/api/ carry."""


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.session.Session(region_name="us-east-1")


@pytest.fixture
def stack(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """The template's queues, bucket, secret (holding TOKEN) and tables, and the functions'
    environment exactly as the template defines it (one process plays every function)."""
    template = load_template()
    resolver = provision(template, aws, token=TOKEN)
    environment = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    for function in ("IngestFunction", "SubscribersFunction", "SuppressionsFunction",
                     "EngagementFunction", "CampaignsFunction"):  # fmt: skip
        environment |= template["Resources"][function]["Properties"]["Environment"]["Variables"]
    for name, value in resolver.resolve(environment).items():
        monkeypatch.setenv(name, str(value))
    _forget_cached_clients()
    yield LocalStack(aws, resolver)
    _forget_cached_clients()


def _forget_cached_clients() -> None:
    ingest_handler.dependencies.cache_clear()
    consumer_handler.dependencies.cache_clear()
    clients.client.cache_clear()
