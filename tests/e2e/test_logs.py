"""Every line the whole pipeline prints in an end-to-end run, with the functions' own logs and
metrics shown (``serve --verbose``): no email address and no token in clear text, anywhere.

The run sends the twenty seed payloads, and requests that carry addresses where the ingest
refuses them (a malformed body, an invalid date, an unknown type, a wrong token), then waits
for every queue to drain, and stops.

"Every line" means this (docs/OBSERVABILITY.md#logs): after the banner, a line is either one
of serve's own console lines (``api ...`` per request, ``consumer ...`` per batch, ``stopped``),
which are the local runner's and not the functions', or a JSON document from a function: a
log line (it has a ``level``) or a metric document (EMF, it has ``_aws``). Each JSON document
carries a ``correlation_id``; none, and no console line, holds an address or the token.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import READY, TOKEN, RunningStack
from tests.support.payloads import SAMPLES, payload_bytes, payload_path
from tilte_webhooks.ingest import notification_messages
from tilte_webhooks.metric_counts import Metric

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
CONSOLE = re.compile(r"(api       |consumer  )\S.*|stopped")
"""serve's own lines: one per request and per batch, and the last."""
REFUSED = {
    "malformed.json": b'{"NotificationType": "Subscribe", "Events": [{"Email": "leak@mail.com"',
    "bad-date.json": json.dumps(
        {
            "ListId": "4dbce53b396949c88068ba652aa1c5a7",
            "ListName": "WebhookTestList4",
            "Events": [
                {
                    "Email": "dated.leak@mail.com",
                    "Date": "yesterday",
                    "SubscriberId": "dated.leak@mail.com",
                }
            ],
            "Random": "qtrzaDYWxEWIN9h7hsfodAvZEL27wmVGh7Vc0BFhWUY=",
            "NotificationType": "Subscribe",
        }
    ).encode(),
    "unknown.json": b'{"NotificationType": "unknown.leak@mail.com", "Events": []}',
}
FIRST_ARRIVALS = (Metric.EVENTS_APPLIED, Metric.OUT_OF_ORDER_IGNORED)
REPEATS = (Metric.DUPLICATES_SKIPPED, Metric.DUPLICATE_OR_OLDER_SKIPPED)


def seed_events() -> dict[str, list[str]]:
    """NotificationType -> the eventId of every event the twenty seeds carry (repeats too)."""
    events: dict[str, list[str]] = {}
    for name, fmt in SAMPLES:
        kind, messages = notification_messages(
            payload_bytes(name, fmt), f"application/{fmt}", max_body_bytes=5242880
        )
        events.setdefault(kind, []).extend(message.event_id for message in messages)
    return events


def metric_sums(documents: list[dict[str, Any]], names: tuple[str, ...]) -> Counter[str]:
    """NotificationType -> the sum of these metrics over the documents."""
    sums: Counter[str] = Counter()
    for document in documents:
        for name in names:
            sums[document["NotificationType"]] += int(sum(document.get(name, [])))
    return sums


@pytest.mark.serve_args("--verbose")
def test_no_line_of_a_whole_run_carries_an_address_or_the_token(
    running: RunningStack, tmp_path: Path
) -> None:
    for name, body in REFUSED.items():
        (tmp_path / name).write_bytes(body)

    # Given a run that receives every seed payload and refuses requests carrying addresses
    seeds = running.run("send", *(str(payload_path(*sample)) for sample in SAMPLES))
    refused = running.run("send", *(str(tmp_path / name) for name in REFUSED))
    stranger = running.run("send", str(payload_path("Subscribe", "json")), "--token", "wr0ng")
    assert "status  202: 20" in seeds.stdout
    assert "status  202: 1  400: 2" in refused.stdout, refused.stdout
    assert "status  401: 1" in stranger.stdout
    assert not any(running.wait_until_drained().values())
    assert running.interrupt() == 0

    # Then every line after the banner is JSON from a function or one of serve's own lines
    lines = running.output[running.output.index(READY) + 1 :]
    logs = [json.loads(line) for line in lines if line.startswith("{")]
    others = [line for line in lines if not line.startswith("{")]
    assert [line for line in others if not CONSOLE.fullmatch(line)] == []
    assert len(others) >= 24 + 1  # a line per request, batches, and "stopped"
    answered = [log for log in logs if log.get("message") == "webhook answered"]
    assert sorted(log["status"] for log in answered) == [202] * 21 + [400] * 2 + [401]
    assert len([log for log in logs if "_aws" in log]) >= 24  # the functions' metrics

    # And no line holds an address or the token (the banner shows the token, by design)
    assert [line for line in lines if ADDRESS.search(line)] == []
    assert [line for line in lines if TOKEN in line or "wr0ng" in line] == []

    # And every function log line and every metric document carries a correlation id: the
    # request's for the ingest (one per request, the same in its log line and its metrics),
    # the invocation's for a consumer batch's summary and metrics
    assert [log for log in logs if not log.get("correlation_id")] == []
    metrics = [log for log in logs if "_aws" in log]
    ingest_metrics = [m for m in metrics if Metric.EVENTS_QUEUED in m or "Reason" in m]
    consumer_metrics = [m for m in metrics if m not in ingest_metrics]
    summaries = [log for log in logs if log.get("message") == "batch processed"]
    ingest_ids = sorted(log["correlation_id"] for log in answered)
    assert len(set(ingest_ids)) == 24
    assert sorted(m["correlation_id"] for m in ingest_metrics) == ingest_ids
    assert sorted(m["correlation_id"] for m in consumer_metrics) == sorted(
        log["correlation_id"] for log in summaries
    )

    # And the metrics account for every seed event once: queued by type, then applied (or
    # ignored as out of order) on first arrival, and skipped as a repeat after
    events = seed_events()
    queued = metric_sums([m for m in ingest_metrics if "Reason" not in m], (Metric.EVENTS_QUEUED,))
    assert queued == {kind: len(ids) for kind, ids in events.items()}
    assert metric_sums(consumer_metrics, FIRST_ARRIVALS) == {
        kind: len(set(ids)) for kind, ids in events.items()
    }
    assert metric_sums(consumer_metrics, REPEATS) == {
        kind: len(ids) - len(set(ids)) for kind, ids in events.items()
    }
    failures = (Metric.EVENTS_FAILED, Metric.POISON_MESSAGES)
    assert [m for m in consumer_metrics if any(name in m for name in failures)] == []
    rejected = Counter(m["Reason"] for m in ingest_metrics if "Reason" in m)
    quarantined = sum(int(sum(m.get(Metric.NOTIFICATIONS_QUARANTINED, []))) for m in metrics)
    assert (sum(rejected.values()), rejected["unauthorized"], quarantined) == (4, 1, 3)
