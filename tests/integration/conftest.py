"""The functions against moto, with every resource created from template.yaml.

``stack`` is moto in this process (fast, for most tests); ``served_stack`` is moto's server on
a free port of 127.0.0.1, reached over HTTP at ``AWS_ENDPOINT_URL``, for code that finds the
local stack by its endpoint (the ``show`` commands, the local pollers).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import consumer_handler
import ingest_handler
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from tests.support.aws import LocalStack
from tilte_cli.api_events_command import SAMPLE_TOKEN
from tilte_cli.cloudformation import load_template
from tilte_cli.local_stack import function_environment
from tilte_cli.provision import provision
from tilte_webhooks.aws import clients

TOKEN = SAMPLE_TOKEN
"""The secret holds the token the sample events in events/api/ carry."""
CREDENTIALS = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.session.Session(region_name="us-east-1")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's server on a free port; its endpoint."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_server(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    yield boto3.session.Session(region_name="us-east-1")
    # moto keeps its state in this process, across tests and with mock_aws: start afresh
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))


@pytest.fixture
def stack(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """The template's queues, bucket, secret (holding TOKEN) and tables, and the functions'
    environment exactly as the template defines it (one process plays every function)."""
    yield from _stack(aws, monkeypatch)


@pytest.fixture
def served_stack(aws_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """As ``stack``, in moto's server."""
    yield from _stack(aws_server, monkeypatch)


def _stack(session: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    template = load_template()
    resolver = provision(template, session, token=TOKEN)
    for name, value in function_environment(template, resolver).items():
        monkeypatch.setenv(name, value)
    _forget_cached_clients()
    yield LocalStack(session, resolver)
    _forget_cached_clients()


def _forget_cached_clients() -> None:
    ingest_handler.dependencies.cache_clear()
    consumer_handler.dependencies.cache_clear()
    clients.client.cache_clear()
