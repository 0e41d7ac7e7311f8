"""Every line the whole pipeline prints in an end-to-end run, with the functions' own logs and
metrics shown (``serve --verbose``): no email address and no token in clear text, anywhere.

The run sends the twenty seed payloads, and requests that carry addresses where the ingest
refuses them (a malformed body, an invalid date, an unknown type, a wrong token), then waits
for every queue to drain, and stops.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import READY, TOKEN, RunningStack
from tests.support.payloads import SAMPLES, payload_path

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
