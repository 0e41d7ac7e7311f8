"""``tilte-webhooks send PATH...``: post payload files to a receiver, once or as load.

Each file is posted as its raw bytes, with the content type its name implies (``.xml``,
``.json``), and the token as ``Authorization: Bearer``. Without ``--url`` and ``--token`` it
posts to the local stack (``make run``). ``--repeat`` and ``--concurrency`` make load; the
summary gives the count of each status and latency percentiles. Exit status 1 when any answer
is not a 2xx.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tilte_cli import local_stack

CONTENT_TYPES = {".xml": "application/xml", ".json": "application/json"}
TIMEOUT_SECONDS = 30


def register(commands: Any) -> None:
    command = commands.add_parser("send", help="post payload files to a receiver")
    command.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="payload files")
    command.add_argument("--url", help="the webhook URL (default: the local stack's)")
    command.add_argument("--token", help="the token (default: $WEBHOOK_TOKEN, or the local one)")
    command.add_argument("--repeat", type=int, default=1, help="post every file N times")
    command.add_argument("--concurrency", type=int, default=1, help="N requests at a time")
    command.set_defaults(run=run)


@dataclass(frozen=True)
class Result:
    path: Path
    status: int | None
    """None when no answer came (connection refused, timeout)."""
    seconds: float
    body: str


def run(args: argparse.Namespace) -> int:
    if args.repeat < 1 or args.concurrency < 1:
        print("error: --repeat and --concurrency must be at least 1", file=sys.stderr)
        return 2
    url = args.url or local_stack.webhook_url(os.environ)
    token = args.token or local_stack.webhook_token(os.environ)
    payloads = [(path, path.read_bytes()) for path in args.paths]
    requests = [payload for _ in range(args.repeat) for payload in payloads]
    started = time.perf_counter()
    with Sender(url, token) as sender, ThreadPoolExecutor(args.concurrency) as pool:
        results = list(pool.map(lambda payload: sender.post(*payload), requests))
    elapsed = time.perf_counter() - started
    if len(results) <= len(payloads):
        for result in results:
            print(f"{result.status or 'error'}  {result.path}  {result.body}")
    print(summary(results, elapsed, args.concurrency))
    return 0 if all(r.status and 200 <= r.status < 300 for r in results) else 1


class Sender:
    """Posts over one kept-alive connection per thread; closing it closes them all."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self._https = parts.scheme == "https"
        self._host = parts.netloc
        self._target = parts.path + (f"?{parts.query}" if parts.query else "")
        self._token = token
        self._local = threading.local()
        self._open: set[http.client.HTTPConnection] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            connections, self._open = self._open, set()
        for connection in connections:
            connection.close()

    def post(self, path: Path, body: bytes, content_type: str | None = None) -> Result:
        """POST ``body``; its content type is ``content_type`` (none at all when empty), or
        else the one ``path``'s extension implies."""
        if content_type is None:
            content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        headers = {"Authorization": f"Bearer {self._token}"}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        connection = self._connection()
        try:
            connection.request("POST", self._target, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status: int | None = response.status
        except OSError as error:
            self._discard(connection)
            status, text = None, str(error)
        return Result(path, status, time.perf_counter() - started, text)

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            connection = kind(self._host, timeout=TIMEOUT_SECONDS)
            self._local.connection = connection
            with self._lock:
                self._open.add(connection)
        return connection

    def _discard(self, connection: http.client.HTTPConnection) -> None:
        self._local.connection = None
        with self._lock:
            self._open.discard(connection)
        connection.close()


def summary(results: list[Result], seconds: float, concurrency: int) -> str:
    statuses = Counter(str(result.status or "error") for result in results)
    latencies = sorted(result.seconds * 1000 for result in results)
    lines = [
        f"sent {len(results)} requests in {seconds:.2f} s ({len(results) / seconds:.1f}/s), "
        f"concurrency {concurrency}",
        "status  " + "  ".join(f"{status}: {count}" for status, count in sorted(statuses.items())),
    ]
    if len(latencies) >= 2:
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
        lines.append(
            f"latency ms  p50 {cuts[49]:.1f}  p90 {cuts[89]:.1f}  p99 {cuts[98]:.1f}  "
            f"max {latencies[-1]:.1f}"
        )
    else:
        lines.append(f"latency ms  {latencies[0]:.1f}")
    return "\n".join(lines)
