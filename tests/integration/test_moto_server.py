"""The local stack's moto server: transactions back up and restore only the items they name,
and still commit or cancel as a whole."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import free_port

TABLE = "transactions"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """The patched server on a free port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tilte_cli.moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "moto's server did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def client(endpoint: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="module")
def dynamodb(endpoint: str) -> Any:
    dynamodb = client(endpoint, "dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "counter"}, "n": {"N": "1"}})
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "guard"}})
    return dynamodb


def add_one_and_put(key: str, *, condition_on: str) -> list[dict[str, Any]]:
    """A counter incremented, a new item put, and a condition that ``condition_on`` is absent."""
    return [
        {
            "Update": {
                "TableName": TABLE,
                "Key": {"pk": {"S": "counter"}},
                "UpdateExpression": "ADD n :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        },
        {"Put": {"TableName": TABLE, "Item": {"pk": {"S": key}}}},
        {
            "ConditionCheck": {
                "TableName": TABLE,
                "Key": {"pk": {"S": condition_on}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
    ]


def items(dynamodb: Any) -> dict[str, Any]:
    scanned = dynamodb.scan(TableName=TABLE, ConsistentRead=True)["Items"]
    return {item["pk"]["S"]: item for item in scanned}


def test_a_cancelled_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    before = items(dynamodb)

    # When the third action's condition fails (the guard exists), after two have applied
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(TransactItems=add_one_and_put("new", condition_on="guard"))

    # Then it is cancelled, the counter is not incremented and the new item not there
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "ConditionalCheckFailed"]
    assert items(dynamodb) == before


def test_a_transaction_that_holds_applies_every_action(dynamodb: Any) -> None:
    counter = int(items(dynamodb)["counter"]["n"]["N"])

    dynamodb.transact_write_items(TransactItems=add_one_and_put("kept", condition_on="absent"))

    after = items(dynamodb)
    assert after["counter"]["n"] == {"N": str(counter + 1)}
    assert after["kept"] == {"pk": {"S": "kept"}}
    assert "absent" not in after


def test_a_refused_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    before = items(dynamodb)

    # When its last action names an item an earlier one wrote (refused once those applied)
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(TransactItems=add_one_and_put("new", condition_on="new"))

    assert refused.value.response["Error"]["Message"] == (
        "Transaction request cannot include multiple operations on one item"
    )
    assert items(dynamodb) == before


def test_queues_count_waiting_in_flight_and_delayed_messages(endpoint: str) -> None:
    sqs = client(endpoint, "sqs")
    url = sqs.create_queue(QueueName="counted")["QueueUrl"]
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": f"m{n}"} for n in range(3)]
    )
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)

    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]

    assert [m["Body"] for m in received] == ["m0"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert {name: attributes[name] for name in attributes if name.startswith("Approximate")} == {
        "ApproximateNumberOfMessages": "2",
        "ApproximateNumberOfMessagesNotVisible": "1",
        "ApproximateNumberOfMessagesDelayed": "1",
    }
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in rest) == ["m1", "m2"]


def test_a_message_within_its_retention_period_is_received(endpoint: str) -> None:
    sqs = client(endpoint, "sqs")
    url = sqs.create_queue(QueueName="brief", Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="kept")

    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["kept"]
