"""``python -m bench.memory_probe BODY_FILE TOKEN``: the ingest function's first two
invocations in a new container (one event, then the body), printing the second's resident
memory and times as JSON, and the CPU time of parsing the body into its messages alone.

:mod:`bench.peak_memory` runs it in a fresh process with the local stack's environment. The
sends are answered by :mod:`bench.sqs_model`, so that moto's cost for a queue of tens of
thousands of messages does not count."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.payloads import encode, notification
from bench.sqs_model import answered_here
from tilte_cli.api_events_command import api_event
from tilte_cli.lambda_runtime import LambdaContext
from tilte_webhooks.aws.clients import client
from tilte_webhooks.ingest import notification_messages


def main(body_file: str, token: str) -> None:
    import ingest_handler  # the function's own module, as Lambda's runtime imports it

    rss_import = _peak_rss_mb()
    with answered_here(client("sqs")):
        small = encode(notification("MessageClick", 1, seed=1), "json")
        ingest_handler.lambda_handler(_event(small, token), _context())
        body = Path(body_file).read_bytes()
        event = _event(body, token)
        cpu, wall = time.process_time(), time.perf_counter()
        response = ingest_handler.lambda_handler(event, _context())
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    messages_cpu = time.process_time()
    notification_messages(body, "application/json", max_body_bytes=len(body))
    messages_cpu = time.process_time() - messages_cpu
    print(
        json.dumps(
            {
                "status": response["statusCode"],
                "answer": response["body"],
                "rss_import_mb": rss_import,
                "rss_peak_mb": _peak_rss_mb(),
                "cpu_seconds": cpu,
                "messages_cpu_seconds": messages_cpu,
                "wall_seconds": wall,
            }
        )
    )


def _event(body: bytes, token: str) -> dict[str, object]:
    return api_event(body, "application/json", "bench-peak-memory", query={"token": token})


def _context() -> LambdaContext:
    return LambdaContext("IngestFunction", 1024, 20)


def _peak_rss_mb() -> float:
    """This process's peak resident memory (``VmHWM``: the rusage figure would include the
    parent's, which Linux carries over a fork and an exec)."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    (kilobytes,) = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(kilobytes) / 1024


if __name__ == "__main__":
    main(*sys.argv[1:])
