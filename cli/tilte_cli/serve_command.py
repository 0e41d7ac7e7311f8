"""``tilte-webhooks serve`` (``make run``): the whole pipeline on this machine.

moto's server plays AWS on ``127.0.0.1:$AWS_PORT`` (4566) with every resource of
template.yaml the pipeline needs; the ingest function answers ``POST /webhooks`` on
``127.0.0.1:$API_PORT`` (3000); the consumer functions are fed from their queues as the
template's event source mappings say. Ctrl-C (or SIGTERM) stops it all.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from tilte_cli import local_stack
from tilte_cli.cloudformation import ROOT, load_template
from tilte_cli.event_sources import SqsEventSource, SqsPoller, sqs_event_sources
from tilte_cli.lambda_runtime import LocalFunction, load_functions
from tilte_cli.local_api import LocalHttpApi, http_api_routes
from tilte_cli.provision import provision

MOTO_START_SECONDS = 30
QUIET_FUNCTIONS = {"POWERTOOLS_LOG_LEVEL": "WARNING"}
"""Without ``--verbose`` the functions log warnings and errors only, and their metrics are not
printed (:class:`WithoutMetrics`). POWERTOOLS_METRICS_DISABLED would silence them too, but
Powertools then never clears them: they pile up in memory and warn on every request."""


class StartError(Exception):
    """The stack cannot start (a port in use, moto not answering)."""


@dataclass(frozen=True)
class Pipeline:
    """The running parts, for code that drives the local stack from this process."""

    functions: Mapping[str, LocalFunction]
    """Logical id -> the function; its ``handler`` may be wrapped while it runs."""
    pollers: list[SqsPoller]


def register(commands: Any) -> None:
    command = commands.add_parser(
        "serve", help="run the receiver locally: moto, the API and the consumers (make run)"
    )
    command.add_argument(
        "--verbose", action="store_true", help="show the functions' own logs and metrics"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        with local_pipeline(os.environ, verbose=args.verbose):
            stopping.wait()
    except StartError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("stopped", flush=True)
    return 0


@contextmanager
def local_pipeline(
    environ: MutableMapping[str, str], *, verbose: bool = False, quiet: bool = False
) -> Iterator[Pipeline]:
    """Everything running, until the block ends; then everything stopped. ``quiet`` prints
    nothing of its own (no banner, no line per request or batch)."""
    aws_port, api_port = local_stack.aws_port(environ), local_stack.api_port(environ)
    for port in (aws_port, api_port):
        _check_free(port)
    token = local_stack.webhook_token(environ)
    with ExitStack() as stack:
        stack.enter_context(_moto_server(aws_port))
        aws = local_stack.aws_environment({**environ, "AWS_PORT": str(aws_port)})
        template = load_template()
        resolver = provision(
            template,
            local_stack.local_session(aws),
            prefix=local_stack.PREFIX,
            token=token,
            endpoint_url=aws["AWS_ENDPOINT_URL"],
        )
        environ.update(aws)
        try:
            environ.update(local_stack.function_environment(template, resolver))
        except ValueError as error:
            raise StartError(str(error)) from None
        if not verbose:
            environ.update(QUIET_FUNCTIONS)
            stack.enter_context(contextlib.redirect_stdout(WithoutMetrics(sys.stdout)))
        functions = load_functions(template)
        api = LocalHttpApi(
            http_api_routes(template, functions), api_port, _silent if quiet else _report_request
        )
        api.start()
        stack.callback(api.stop)
        sqs = local_stack.local_session(aws).client("sqs", endpoint_url=aws["AWS_ENDPOINT_URL"])
        pollers = [
            SqsPoller(source, sqs, _silent if quiet else _report_batch)
            for source in sqs_event_sources(template, resolver, functions)
        ]
        for poller in pollers:
            poller.start()
        stack.callback(_stop_all, pollers)
        if not quiet:
            _print_banner(local_stack.webhook_url({"API_PORT": str(api_port)}), token, aws_port)
        yield Pipeline(functions, pollers)


def _stop_all(pollers: list[SqsPoller]) -> None:
    for poller in pollers:
        poller.stop()
    for poller in pollers:
        poller.join()


def _check_free(port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise StartError(
                f"port {port} on 127.0.0.1 is in use; stop what uses it or choose another "
                "with API_PORT or AWS_PORT"
            ) from None


@contextmanager
def _moto_server(port: int) -> Iterator[None]:
    """moto's server (:mod:`tilte_cli.moto_server`) in a child process (its own core, and
    killed with us)."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 (a fixed command)
            [sys.executable, "-m", "tilte_cli.moto_server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_moto(process, port, log)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_moto(process: subprocess.Popen[bytes], port: int, log: Any) -> None:
    deadline = time.monotonic() + MOTO_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace")[-2000:]
            raise StartError(f"moto's server exited with status {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise StartError(f"moto's server did not answer on port {port} in {MOTO_START_SECONDS} s")


def _print_banner(url: str, token: str, aws_port: int) -> None:
    sample = os.path.relpath(ROOT / "events" / "payloads" / "Subscribe.xml")
    print(
        "\n".join(
            [
                f"Tilte webhook receiver running (local AWS: moto on 127.0.0.1:{aws_port})",
                f"  URL:   {url}",
                f"  token: {token}",
                "  try:   curl -sS -H 'Content-Type: application/xml' "
                f"--data-binary @{sample} '{url}?token={token}'",
                "  or:    .venv/bin/tilte-webhooks send events/payloads/*",
                "  then:  .venv/bin/tilte-webhooks show campaign aa4c33c978ed429c9cac265c4915d621",
                "ready; Ctrl-C stops",
            ]
        ),
        flush=True,
    )


def _silent(*_: Any) -> None:
    pass


def _report_request(method: str, path: str, status: int, seconds: float) -> None:
    print(f"api       {method} {path} -> {status} ({seconds * 1000:.0f} ms)", flush=True)


def _report_batch(source: SqsEventSource, records: int, failed: int, seconds: float) -> None:
    print(
        f"consumer  {source.function.name} <- {source.queue_name}: {records} records, "
        f"{failed} failed ({seconds * 1000:.0f} ms)",
        flush=True,
    )


class WithoutMetrics(io.TextIOBase):
    """A text stream that passes everything on except CloudWatch metric (EMF) documents, which
    Powertools prints as one JSON line each."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._dropped = threading.local()

    def write(self, text: str) -> int:
        dropped_line = getattr(self._dropped, "line", False)
        self._dropped.line = text.startswith('{"_aws":')
        if self._dropped.line or (dropped_line and text == "\n"):
            return len(text)
        return int(self._stream.write(text))

    def flush(self) -> None:
        self._stream.flush()
