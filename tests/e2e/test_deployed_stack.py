"""A deployed stack, end to end: opt-in, skipped unless ``AWS_SAM_STACK_NAME`` names one.

It finds everything from the stack's Outputs (the URL, the token secret, the tables, the
queues), posts the twenty seed payloads with ``tilte-webhooks send`` as an operator would,
and checks the data they become, the dead-letter queues and the alarms. Run it against a
stack whose data may hold the samples (a dev stack): it writes them, and posting them again
changes nothing. How to run it, and the permissions it needs: docs/DEPLOY.md.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import COMMAND
from tests.support.payloads import SAMPLES, payload_bytes, payload_path
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
from tilte_cli.stack_resources import DeployedStack
from tilte_webhooks.auth import tokens_from_secret
from tilte_webhooks.notification_types import NOTIFICATION_TYPES

STACK = os.environ.get("AWS_SAM_STACK_NAME", "")
pytestmark = pytest.mark.skipif(
    not STACK, reason="set AWS_SAM_STACK_NAME to a deployed stack to test it (docs/DEPLOY.md)"
)
SETTLE_SECONDS = 180
"""How long the consumers may take: batching windows, cold starts, retries of throttles."""


@pytest.fixture(scope="module")
def stack() -> DeployedStack:
    return DeployedStack(STACK)


@pytest.fixture(scope="module")
def outputs(stack: DeployedStack) -> dict[str, str]:
    described = stack.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in described["Outputs"]}


@pytest.fixture(scope="module")
def token(stack: DeployedStack, outputs: dict[str, str]) -> str:
    secret = stack.client("secretsmanager").get_secret_value(SecretId=outputs["TokenSecretArn"])
    tokens = tokens_from_secret(secret["SecretString"])
    assert tokens, "the token secret holds no token"
    return tokens[0]


def settled(check: Callable[[], Any], expected: Any) -> Any:
    """``check()`` once it returns ``expected``, or its last value after SETTLE_SECONDS."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while (value := check()) != expected and time.monotonic() < deadline:
        time.sleep(5)
    return value


def test_the_seed_payloads_become_exactly_their_data(
    stack: DeployedStack, outputs: dict[str, str], token: str
) -> None:
    # When the twenty seed payloads are posted to the stack's URL with its token
    paths = [str(payload_path(*sample)) for sample in SAMPLES]
    sent = subprocess.run(
        [str(COMMAND), "send", *paths, "--url", outputs["WebhookUrl"], "--token", token],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "status  202: 20" in sent.stdout.splitlines()

    # Then, once the consumers have run, the tables hold exactly what the samples imply
    data = receiver_data(STACK, os.environ)
    assert settled(lambda: data.campaign(CAMPAIGN_12A), CAMPAIGN_12A_DATA) == CAMPAIGN_12A_DATA
    assert settled(lambda: data.campaign(CAMPAIGN_11A), CAMPAIGN_11A_DATA) == CAMPAIGN_11A_DATA
    subscribers = settled(
        lambda: [(row["subscriberId"], row["status"]) for row in data.list_subscribers(LIST)],
        LIST_SUBSCRIBERS,
    )
    assert subscribers == LIST_SUBSCRIBERS
    suppression = {"email": MACHETQECC, "suppressed": True, "since": "2024-08-07T13:34:06.1412763Z"}
    assert settled(lambda: data.suppression(MACHETQECC), suppression) == suppression

    # And no event waits in a dead-letter queue
    sqs = stack.client("sqs")
    waiting = {
        kind: int(
            sqs.get_queue_attributes(
                QueueUrl=stack.queue_url(f"{kind}DeadLetterQueue"),
                AttributeNames=["ApproximateNumberOfMessages"],
            )["Attributes"]["ApproximateNumberOfMessages"]
        )
        for kind in NOTIFICATION_TYPES
    }
    assert waiting == dict.fromkeys(NOTIFICATION_TYPES, 0)


def test_a_request_without_the_token_is_refused_and_not_kept(outputs: dict[str, str]) -> None:
    # Given a sample posted with no token
    request = urllib.request.Request(
        outputs["WebhookUrl"],
        data=payload_bytes("Subscribe", "json"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )

    # When the stack answers it
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)

    # Then it is 401, naming the ways to authenticate
    with refused.value as answer:
        assert answer.code == 401
        assert answer.headers["WWW-Authenticate"] == 'Bearer, Basic realm="tilte-webhooks"'


def test_every_alarm_exists_and_none_fires_after_the_samples(stack: DeployedStack) -> None:
    # Given the stack's alarms (after the samples above were applied)
    resources = stack.client("cloudformation").get_paginator("list_stack_resources")
    names = [
        resource["PhysicalResourceId"]
        for page in resources.paginate(StackName=STACK)
        for resource in page["StackResourceSummaries"]
        if resource["ResourceType"] == "AWS::CloudWatch::Alarm"
    ]

    # When their states are read
    alarms = stack.client("cloudwatch").describe_alarms(AlarmNames=names)["MetricAlarms"]

    # Then there are all sixteen, each notifying the topic, and none is in alarm
    assert len(names) == len(NOTIFICATION_TYPES) + 4 + 2
    assert len(alarms) == len(names)
    assert [alarm["AlarmName"] for alarm in alarms if alarm["StateValue"] == "ALARM"] == []
    assert all(len(alarm["AlarmActions"]) == 1 for alarm in alarms)
