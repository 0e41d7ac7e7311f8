"""Where a receiver's resources are, for the operator commands (``show``, ``redrive``, ``replay``).

Without a stack name it is the local stack of ``make run``: resources named
``tilte-<LogicalId>`` (buckets in lower case) at ``AWS_ENDPOINT_URL``, or
``127.0.0.1:$AWS_PORT``, and the template's parameter defaults. With ``--stack NAME`` (or
``AWS_SAM_STACK_NAME``) it is a deployed stack: its Outputs name each resource
(``<LogicalId>Name`` for tables and buckets, ``<LogicalId>Url`` for queues), its Parameters
give the settings, and the usual AWS credentials and region reach it.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import Any, Protocol

import boto3
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from tilte_cli import local_stack
from tilte_cli.cloudformation import load_template


class MissingOutput(Exception):
    """A deployed stack lacks an Output or Parameter this version reads (an older template)."""


class StackResources(Protocol):
    """A receiver's resources by their logical id in ``template.yaml``."""

    def client(self, service: str) -> Any:
        """A boto3 client that reaches the stack (one per service, reused)."""
        ...

    def table_name(self, logical_id: str) -> str: ...

    def bucket_name(self, logical_id: str) -> str: ...

    def queue_url(self, logical_id: str) -> str: ...

    def parameter(self, name: str) -> str:
        """The value of one of the template's Parameters."""
        ...


def find(stack: str | None, environ: Mapping[str, str]) -> StackResources:
    """The deployed stack called ``stack``, or else the local stack."""
    return DeployedStack(stack) if stack else LocalStack(environ)


def add_stack_option(parser: argparse.ArgumentParser) -> None:
    """``--stack NAME``, by default ``$AWS_SAM_STACK_NAME``; without either, the local stack."""
    parser.add_argument(
        "--stack",
        default=os.environ.get("AWS_SAM_STACK_NAME"),
        help="a deployed stack (default: $AWS_SAM_STACK_NAME, else the local stack)",
    )


AWS_FAILURES = (BotoCoreError, ClientError, MissingOutput)
"""What a command catches around its AWS calls, to report with :func:`failure`."""


def failure(error: Exception, stack: str | None) -> str:
    """The one line (``error: ...``) an operator sees when AWS fails a command."""
    if isinstance(error, EndpointConnectionError):
        where = f"stack {stack!r}" if stack else "the local stack (is `make run` running?)"
        return f"error: unreachable: cannot reach {where}: {error}"
    if isinstance(error, MissingOutput):
        return f"error: missing_output: {error}"
    return f"error: aws: {error}"


class _Clients:
    def __init__(self, session: Any, endpoint_url: str | None) -> None:
        self._session = session
        self._endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service, endpoint_url=self._endpoint_url)
        return self._clients[service]


class DeployedStack(_Clients):
    """A stack deployed with ``sam deploy``; its Outputs and Parameters are read once."""

    def __init__(self, stack: str) -> None:
        super().__init__(boto3.session.Session(), None)
        self._stack = stack
        self._description: dict[str, Any] | None = None

    def table_name(self, logical_id: str) -> str:
        return self._output(f"{logical_id}Name")

    def bucket_name(self, logical_id: str) -> str:
        return self._output(f"{logical_id}Name")

    def queue_url(self, logical_id: str) -> str:
        return self._output(f"{logical_id}Url")

    def parameter(self, name: str) -> str:
        parameters: dict[str, str] = {
            p["ParameterKey"]: p["ParameterValue"] for p in self._described().get("Parameters", [])
        }
        if name not in parameters:
            raise MissingOutput(f"stack {self._stack!r} has no parameter {name!r}")
        return parameters[name]

    def _output(self, key: str) -> str:
        outputs: dict[str, str] = {
            o["OutputKey"]: o["OutputValue"] for o in self._described().get("Outputs", [])
        }
        if key not in outputs:
            raise MissingOutput(
                f"stack {self._stack!r} has no output {key!r} (deployed from an older template?)"
            )
        return outputs[key]

    def _described(self) -> dict[str, Any]:
        if self._description is None:
            stacks = self.client("cloudformation").describe_stacks(StackName=self._stack)
            self._description = stacks["Stacks"][0]
        return self._description


class LocalStack(_Clients):
    """The stack of ``make run``, in moto's server."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        super().__init__(local_stack.local_session(environ), local_stack.aws_endpoint(environ))

    def table_name(self, logical_id: str) -> str:
        return f"{local_stack.PREFIX}{logical_id}"

    def bucket_name(self, logical_id: str) -> str:
        return f"{local_stack.PREFIX}{logical_id}".lower()  # as provision.py names buckets

    def queue_url(self, logical_id: str) -> str:
        queue = f"{local_stack.PREFIX}{logical_id}"
        url: str = self.client("sqs").get_queue_url(QueueName=queue)["QueueUrl"]
        return url

    def parameter(self, name: str) -> str:
        return str(load_template()["Parameters"][name]["Default"])
