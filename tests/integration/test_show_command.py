"""``tilte-webhooks show``: exactly the values the seed events imply, as JSON and as a table."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.test_consumers import CAMPAIGN_11A, LIST, MACHETQECC, consume, ingest_samples
from tests.support.aws import LocalStack
from tilte_cli.main import main


def show(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["show", *args])
    out, err = capsys.readouterr()
    return status, out, err


def show_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    status, out, err = show(capsys, *args, "--json")
    assert (status, err) == (0, "")
    return json.loads(out)


@pytest.fixture
def seeded(served_stack: LocalStack, capsys: pytest.CaptureFixture[str]) -> LocalStack:
    """The ten JSON samples, through the ingest and the consumers, in moto's server: ``show``
    finds it at ``AWS_ENDPOINT_URL``, as it finds the stack of ``make run``."""
    consume(ingest_samples(served_stack, "json"))
    capsys.readouterr()  # the functions' own logs
    return served_stack


def test_show_campaign_counts_the_open_and_click_samples(
    seeded: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    campaign = show_json(capsys, "campaign", CAMPAIGN_11A)

    assert campaign == {
        "campaignId": CAMPAIGN_11A,
        "name": "TestCampaign11a",
        "sentAt": None,
        "recipientCount": None,
        "statsUpdatedAt": None,
        "delivered": 0,
        "bounced": 0,
        "opens": 2,
        "uniqueOpens": 2,
        "clicks": 2,
        "uniqueClicks": 2,
        "bouncedByType": {},
        "clicksByUrl": {"https://www.google.com": 1, "https://www.mail.com": 1},
    }


def test_show_campaign_events_lists_each_recipient_in_time_order(
    seeded: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    events = show_json(capsys, "campaign", CAMPAIGN_11A, "--events")["events"]

    assert [(e["subscriberId"], e["type"], e["date"]) for e in events] == [
        ("tbpu4.pulp084@passmail.net", "MessageOpen", "2024-08-07T14:11:31.7571473Z"),
        ("tbpu4.pulp084@passmail.net", "MessageClick", "2024-08-07T14:11:41.82374849Z"),
        ("tbpu5.displease379@passfwd.com", "MessageOpen", "2024-08-07T14:11:31.8392630Z"),
        ("tbpu5.displease379@passfwd.com", "MessageClick", "2024-08-07T14:11:38.2345678Z"),
    ]


def test_show_suppression_matches_any_case(
    seeded: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    suppressed = {"suppressed": True, "since": "2024-08-07T13:34:06.1412763Z"}
    assert show_json(capsys, "suppression", MACHETQECC) == {"email": MACHETQECC, **suppressed}
    shouted = MACHETQECC.upper()
    assert show_json(capsys, "suppression", shouted) == {"email": shouted, **suppressed}
    assert show_json(capsys, "suppression", "alwskd.myemail@mail.com") == {
        "email": "alwskd.myemail@mail.com",
        "suppressed": False,
        "since": None,
    }


def test_show_subscriber_gives_the_latest_state_and_its_history(
    seeded: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    subscriber = show_json(capsys, "subscriber", LIST, MACHETQECC)

    assert {key: subscriber[key] for key in ("status", "email", "updatedAt")} == {
        "status": "unsubscribed",
        "email": MACHETQECC,
        "updatedAt": "2024-08-07T13:27:46.4801198Z",
    }
    assert [(e["type"], e["date"]) for e in subscriber["history"]] == [
        ("UpdateSubscriber", "2024-08-07T13:23:59.4949224Z"),
        ("Unsubscribe", "2024-08-07T13:27:46.4801198Z"),
    ]


def test_the_default_output_is_a_readable_table(
    seeded: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = show(capsys, "campaign", CAMPAIGN_11A)

    assert status == 0
    lines = out.splitlines()
    assert "campaignId      aa4c33c978ed429c9cac265c4915d621" in lines
    assert "uniqueClicks    2" in lines
    assert "sentAt          -" in lines
    assert "bouncedByType   (none)" in lines
    assert lines[lines.index("clicksByUrl") + 1 :] == [
        "    https://www.google.com  1",
        "    https://www.mail.com  1",
    ]


def test_what_was_never_seen_is_an_error_naming_it(
    seeded: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert show(capsys, "subscriber", LIST, "nobody@example.com") == (
        1,
        "",
        f"error: not_found: no subscriber 'nobody@example.com' on list '{LIST}'\n",
    )
    assert show(capsys, "campaign", "0" * 32) == (
        1,
        "",
        f"error: not_found: no data for campaign '{'0' * 32}'\n",
    )


def test_a_deployed_stack_is_found_by_its_outputs(
    seeded: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a stack whose Outputs name the seeded tables, except an empty campaigns table
    dynamodb = seeded.client("dynamodb")
    dynamodb.create_table(
        TableName="receiver-CampaignsTable",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    names = {
        "SubscribersTable": seeded.resolver.refs["SubscribersTable"],
        "SuppressionsTable": seeded.resolver.refs["SuppressionsTable"],
        "CampaignsTable": "receiver-CampaignsTable",
    }
    template = {
        "Resources": {"Placeholder": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {f"{logical}Name": {"Value": name} for logical, name in names.items()},
    }
    seeded.client("cloudformation").create_stack(
        StackName="receiver", TemplateBody=json.dumps(template)
    )

    # Then --stack reads the tables its Outputs name, and only those
    assert show_json(capsys, "suppression", MACHETQECC, "--stack", "receiver")["suppressed"]
    assert show(capsys, "campaign", CAMPAIGN_11A, "--stack", "receiver")[0] == 1
    assert show_json(capsys, "campaign", CAMPAIGN_11A)["opens"] == 2
