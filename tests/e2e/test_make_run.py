"""The local stack as a user runs it: ``tilte-webhooks serve`` (what ``make run`` runs) on free
ports, the twenty seed payloads posted with ``send``, the data read with ``show``."""

from __future__ import annotations

import json
import os
import subprocess

from tests.e2e.conftest import COMMAND, TOKEN, RunningStack, listening
from tests.support.payloads import PAYLOADS, SAMPLES, payload_path
from tests.support.seed_data import (
    CAMPAIGN_11A,
    CAMPAIGN_11A_DATA,
    CAMPAIGN_12A,
    CAMPAIGN_12A_DATA,
    LIST,
    LIST_SUBSCRIBERS,
    MACHETQECC,
)
from tilte_cli.show_command import receiver_data


def test_make_run_turns_every_seed_payload_into_data_and_stops_cleanly(
    running: RunningStack,
) -> None:
    api_port, aws_port = int(running.environ["API_PORT"]), int(running.environ["AWS_PORT"])
    assert f"  URL:   http://127.0.0.1:{api_port}/webhooks" in running.output
    assert f"  token: {TOKEN}" in running.output

    # When the twenty seed payloads are posted
    sent = running.run("send", *(str(payload_path(*sample)) for sample in SAMPLES))
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "status  202: 20" in sent.stdout.splitlines()

    # Then every queue drains (no message waiting or in flight, none dead-lettered)
    counts = running.wait_until_drained()
    assert len(counts) == 20
    assert not any(counts.values()), counts

    # And the data is exactly what the samples imply, read by the code `show` uses
    data = receiver_data(None, running.environ)
    assert data.campaign(CAMPAIGN_11A) == CAMPAIGN_11A_DATA
    assert data.campaign(CAMPAIGN_12A) == CAMPAIGN_12A_DATA
    assert [
        (row["subscriberId"], row["status"]) for row in data.list_subscribers(LIST)
    ] == LIST_SUBSCRIBERS
    assert data.suppression(MACHETQECC.upper())["suppressed"] is True

    # And `show` finds the local stack with AWS_PORT alone
    shown = subprocess.run(
        [str(COMMAND), "show", "suppression", MACHETQECC, "--json"],
        env={"PATH": os.environ.get("PATH", ""), "AWS_PORT": str(aws_port), "HOME": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (shown.returncode, shown.stderr) == (0, ""), shown.stderr
    assert json.loads(shown.stdout) == {
        "email": MACHETQECC,
        "suppressed": True,
        "since": "2024-08-07T13:34:06.1412763Z",
    }

    # When it is interrupted, as Ctrl-C in its terminal does
    status = running.interrupt()

    # Then it stops without a traceback, and nothing is left listening
    assert status == 0
    assert running.output[-1] == "stopped"
    assert not [line for line in running.output if "Traceback" in line], running.output
    assert not listening(api_port)
    assert not listening(aws_port)


def test_a_wrong_token_is_refused(running: RunningStack) -> None:

    refused = running.run("send", str(PAYLOADS / "Subscribe.json"), "--token", "wrong")

    assert refused.returncode == 1
    assert refused.stdout.splitlines()[0].startswith(f"401  {PAYLOADS / 'Subscribe.json'}  ")
