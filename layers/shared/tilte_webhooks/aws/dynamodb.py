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
        """``(purpose, outcome)`` of each step done: a step's own, or its fallback's steps'."""
        return [outcome for step in plan.steps for outcome in self._run(step)]

    def _run(self, step: Step) -> list[tuple[str, StepOutcome]]:
        failed = self._failed_conditions(step)
        if step.fallback and failed == {step.fallback_when}:
            return [outcome for fallback in step.fallback for outcome in self._run(fallback)]
        return [(step.purpose, "skipped" if failed else "applied")]

    def _failed_conditions(self, step: Step) -> set[int]:
        """Carry out the step; the indexes of its writes whose condition failed (none: it was
        applied; any: it changed nothing)."""
        if len(step.writes) == 1:
            return set() if self._single(step.writes[0]) else {0}
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
            failed = {
                index for index, code in enumerate(reasons) if code == "ConditionalCheckFailed"
            }
            if not failed or any(
                code not in {"None", "ConditionalCheckFailed"} for code in reasons
            ):
                raise  # not (only) a condition: a conflict, throttling... retried
            return failed
        return set()

    def _single(self, write: Write) -> bool:
        """Whether the write was applied (``False``: its condition failed)."""
        try:
            if isinstance(write, Put):
                self._client.put_item(**_put(write))
            else:
                self._client.update_item(**_update(write))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


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
