"""Carrying out write plans on DynamoDB: conditional writes and transactions."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from botocore.exceptions import ClientError

from tilte_webhooks.writes import Plan, Put, Step, StepOutcome, Update, Write, to_dynamo


class PlanExecutor:
    """Runs each step of a plan; a failed condition means the step had nothing to do.

    Any other error (throttling, a transaction conflict, a timeout) propagates, so the record
    is reported as failed and retried; the steps already done are idempotent.
    """

    def __init__(self, client: Any) -> None:
        self._client = client

    def execute(self, plan: Plan) -> list[tuple[str, StepOutcome]]:
        return [(step.purpose, self._step(step)) for step in plan.steps]

    def _step(self, step: Step) -> StepOutcome:
        if len(step.writes) == 1:
            return self._single(step.writes[0])
        items = [_transact_item(write) for write in step.writes]
        try:
            # The token makes a retry of the very same transaction (after a lost response)
            # succeed without writing twice; it covers every parameter, so a changed request
            # is never mistaken for the same one.
            self._client.transact_write_items(
                TransactItems=items,
                ClientRequestToken=hashlib.sha256(
                    json.dumps(items, sort_keys=True).encode()
                ).hexdigest()[:36],
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if any(code not in {"None", "ConditionalCheckFailed"} for code in reasons):
                raise
            failed = {
                index for index, code in enumerate(reasons) if code == "ConditionalCheckFailed"
            }
            if step.fallback is not None and failed == {step.fallback_when}:
                return self._step(step.fallback)
            return "skipped"
        return "applied"

    def _single(self, write: Write) -> StepOutcome:
        try:
            if isinstance(write, Put):
                self._client.put_item(**_put(write))
            else:
                self._client.update_item(**_update(write))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return "skipped"
            raise
        return "applied"


def _put(write: Put) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TableName": write.table,
        "Item": {name: to_dynamo(value) for name, value in write.item.items()},
    }
    if write.condition:
        request["ConditionExpression"] = write.condition
    if write.names:
        request["ExpressionAttributeNames"] = dict(write.names)
    return request


def _update(write: Update) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TableName": write.table,
        "Key": {name: to_dynamo(value) for name, value in write.key.items()},
        "UpdateExpression": write.expression,
    }
    if write.condition:
        request["ConditionExpression"] = write.condition
    if write.names:
        request["ExpressionAttributeNames"] = dict(write.names)
    if write.values:
        request["ExpressionAttributeValues"] = {
            name: to_dynamo(value) for name, value in write.values.items()
        }
    return request


def _transact_item(write: Write) -> dict[str, Any]:
    if isinstance(write, Put):
        return {"Put": _put(write)}
    assert isinstance(write, Update)
    return {"Update": _update(write)}
