"""A local stack in this process, for scenarios that inject faults into the functions.

It is :func:`tilte_cli.serve_command.local_pipeline` (what ``make run`` runs) on free ports,
with moto's server in a child process; the functions run in this process, so a scenario can
hook their boto3 clients. The environment is restored afterwards.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tilte_cli import local_stack
from tilte_cli.serve_command import local_pipeline
from tilte_cli.show_command import receiver_data
from tilte_webhooks.aws import clients
from tilte_webhooks.aws.queries import ReceiverData

TOKEN = "reliability-token"  # noqa: S105 (a local stack's token)


@dataclass(frozen=True)
class Target:
    """Where a running local stack is, and ways into it."""

    url: str
    token: str
    environ: dict[str, str]
    """The variables that reach it (``AWS_ENDPOINT_URL``, credentials, region)."""

    def client(self, service: str) -> Any:
        session = local_stack.local_session(self.environ)
        return session.client(service, endpoint_url=local_stack.aws_endpoint(self.environ))

    def data(self) -> ReceiverData:
        return receiver_data(None, self.environ)


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
        with local_pipeline(os.environ, verbose=verbose, quiet=quiet):
            yield Target(
                local_stack.webhook_url(os.environ),
                TOKEN,
                local_stack.aws_environment(os.environ),
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
