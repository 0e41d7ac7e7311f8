"""A local stack in this process, for scenarios that inject faults into the functions.

It is :func:`tilte_cli.serve_command.local_pipeline` (what ``make run`` runs) on free ports,
with moto's server in a child process; the functions run in this process, so a scenario can
hook their boto3 clients and wrap their handlers. The environment is restored afterwards.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from tilte_cli import local_stack, stack_resources
from tilte_cli.event_sources import LONG_POLL_SECONDS
from tilte_cli.lambda_runtime import LocalFunction
from tilte_cli.send_command import Result, Sender
from tilte_cli.serve_command import local_pipeline
from tilte_cli.show_command import receiver_data
from tilte_webhooks.aws import clients
from tilte_webhooks.aws.queries import ReceiverData
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

TOKEN = "reliability-token"  # noqa: S105 (a local stack's token)
PENDING = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
"""The queue attributes that count messages not yet deleted."""
SENDERS = 8


@dataclass(frozen=True)
class Target:
    """Where a running local stack is, and ways into it."""

    url: str
    token: str
    environ: dict[str, str]
    """The variables that reach it (``AWS_ENDPOINT_URL``, credentials, region)."""
    functions: Mapping[str, LocalFunction]
    """The running functions by logical id (their handlers may be wrapped)."""

    @cached_property
    def resources(self) -> stack_resources.LocalStack:
        """Its resources by logical id, as the operator commands find them."""
        return stack_resources.LocalStack(self.environ)

    def client(self, service: str) -> Any:
        return self.resources.client(service)

    def data(self) -> ReceiverData:
        return receiver_data(None, self.environ)

    @cached_property
    def sqs(self) -> Any:
        return self.client("sqs")

    @cached_property
    def _queue_urls(self) -> dict[str, str]:
        return {}

    def queue_url(self, logical_id: str) -> str:
        """The URL of a queue of the template (``SubscribeQueue``, ``SubscribeDeadLetterQueue``)."""
        if logical_id not in self._queue_urls:
            self._queue_urls[logical_id] = self.resources.queue_url(logical_id)
        return self._queue_urls[logical_id]

    def post_all(
        self, requests: Iterable[tuple[bytes, str | None]], *, senders: int = SENDERS
    ) -> list[Result]:
        """POST each (body, content type) with the token, ``senders`` at a time, in order of
        the iterable; the answers in the same order."""
        with Sender(self.url, self.token) as sender, ThreadPoolExecutor(senders) as pool:
            return list(
                pool.map(lambda request: sender.post(Path("generated"), *request), requests)
            )

    def pending(self, kind: str = "Queue") -> dict[str, int]:
        """NotificationType -> messages not yet deleted from its queue (``kind="Queue"``) or
        its dead-letter queue (``kind="DeadLetterQueue"``)."""
        counts = {}
        for name in NOTIFICATION_TYPES:
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=self.queue_url(f"{name}{kind}"), AttributeNames=list(PENDING)
            )["Attributes"]
            counts[name] = sum(int(value) for value in attributes.values())
        return counts

    def wait_until_drained(self, timeout: float) -> dict[str, int]:
        """Wait until no source queue holds a message; what was still pending (empty when
        drained)."""
        deadline = time.monotonic() + timeout
        while True:
            left = {name: count for name, count in self.pending().items() if count}
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.5)

    def set_visibility_timeout(self, seconds: int) -> None:
        """Make failed records return after ``seconds`` instead of the template's 180, so that
        retries happen within a run."""
        for name in NOTIFICATION_TYPES:
            self.sqs.set_queue_attributes(
                QueueUrl=self.queue_url(f"{name}Queue"),
                Attributes={"VisibilityTimeout": str(seconds)},
            )
        # A receive already waiting keeps the timeout it started with: let those end.
        time.sleep(LONG_POLL_SECONDS + 0.5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_stack(*, verbose: bool = False, quiet: bool = True) -> Iterator[Target]:
    saved = dict(os.environ)
    os.environ.update(
        {"API_PORT": str(free_port()), "AWS_PORT": str(free_port()), "WEBHOOK_TOKEN": TOKEN}
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    _forget_cached_dependencies()
    try:
        with local_pipeline(os.environ, verbose=verbose, quiet=quiet) as pipeline:
            yield Target(
                local_stack.webhook_url(os.environ),
                TOKEN,
                local_stack.aws_environment(os.environ),
                pipeline.functions,
            )
    finally:
        os.environ.clear()
        os.environ.update(saved)
        _forget_cached_dependencies()


def _forget_cached_dependencies() -> None:
    """The handlers build their settings and clients once per process; a new stack needs new
    ones."""
    for handler in ("ingest_handler", "consumer_handler"):
        if handler in sys.modules:
            sys.modules[handler].dependencies.cache_clear()
    clients.client.cache_clear()
