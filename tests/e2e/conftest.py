"""The local stack as a user starts it: ``tilte-webhooks serve`` (what ``make run`` runs) in
its own process group, on free ports, with its output collected line by line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.aws import PENDING
from tilte_cli import local_stack

COMMAND = Path(sys.executable).with_name("tilte-webhooks")
TOKEN = "t0k-end-to-end"
READY = "ready; Ctrl-C stops"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    environ: dict[str, str]
    output: list[str] = field(default_factory=list)

    def wait_for(self, line: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if line in self.output:
                return
            assert self.process.poll() is None, "\n".join(self.output)
            time.sleep(0.1)
        raise AssertionError(f"no {line!r} in {timeout} s:\n" + "\n".join(self.output))

    def pending(self) -> dict[str, int]:
        """Queue URL -> messages not yet deleted (waiting or in flight), for every queue."""
        sqs = local_stack.local_session(self.environ).client(
            "sqs", endpoint_url=local_stack.aws_endpoint(self.environ)
        )
        counts = {}
        for url in sqs.list_queues(QueueNamePrefix=local_stack.PREFIX)["QueueUrls"]:
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=PENDING)
            counts[url] = sum(int(value) for value in attributes["Attributes"].values())
        return counts

    def wait_until_drained(self, timeout: float = 60) -> dict[str, int]:
        """Wait until no queue holds a message; the counts (all zero when drained)."""
        deadline = time.monotonic() + timeout
        while any((counts := self.pending()).values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return counts

    def interrupt(self) -> int:
        """Ctrl-C, as a terminal sends it to every process of the group; the exit status."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=30)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(COMMAND), *args],
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def running(request: pytest.FixtureRequest) -> Iterator[RunningStack]:
    """A started stack (ready to serve); ``@pytest.mark.serve_args(...)`` adds arguments."""
    marker = request.node.get_closest_marker("serve_args")
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "API_", "WEBHOOK_"))
    } | {"API_PORT": str(free_port()), "AWS_PORT": str(free_port()), "WEBHOOK_TOKEN": TOKEN}
    process = subprocess.Popen(
        [str(COMMAND), "serve", *(marker.args if marker else ())],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    stack = RunningStack(process, environ)
    assert process.stdout is not None
    reader = threading.Thread(
        target=lambda: stack.output.extend(line.rstrip("\n") for line in process.stdout),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    try:
        stack.wait_for(READY, timeout=60)
        yield stack
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        reader.join()
        process.stdout.close()
