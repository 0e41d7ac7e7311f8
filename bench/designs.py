"""The two designs the cost benchmark compares, each run over one workload, with every AWS
call it made, every invocation timed, and the DynamoDB units it used.

- :func:`this_design`: the receiver as deployed, on the local stack: the workload is posted to
  the API; the ingest function queues it with ``SendMessageBatch``; the template's event source
  mappings (batches of up to 100 within 5 seconds) feed the consumer functions. The mappings'
  own SQS calls are AWS's poller, not this project's code: they are counted from the batches,
  one ``ReceiveMessage`` and one ``DeleteMessageBatch`` per 10 messages of a batch.
- :func:`naive_design`: the same parser and rules, shaped the simple way (:mod:`bench.naive`),
  in this process against the same moto server, into queues and tables of its own.
"""

from __future__ import annotations

import json
import math
import time
from base64 import b64encode
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench.calls import CallLog
from bench.naive import OneByOnePublisher, ReadingClient, consume_one_by_one
from bench.write_units import UnitModel, Units, key_of
from reliability.stack import Target as Stack
from reliability.workload import Delivery
from tilte_cli.cloudformation import resources_of_type
from tilte_cli.lambda_runtime import Handler, LocalFunction
from tilte_cli.local_stack import local_session
from tilte_cli.provision import provision
from tilte_webhooks.aws.clients import client
from tilte_webhooks.aws.dynamodb import PlanExecutor
from tilte_webhooks.aws.quarantine import S3Quarantine
from tilte_webhooks.aws.tokens import FixedTokens
from tilte_webhooks.ingest import WebhookRequest, receive
from tilte_webhooks.notification_types import NOTIFICATION_TYPES
from tilte_webhooks.settings import IngestSettings

TABLES = {
    "subscribers": "SubscribersTable",
    "suppressions": "SuppressionsTable",
    "campaigns": "CampaignsTable",
}
"""Consumer domain -> its table's logical id."""
NAIVE_PREFIX = "naive-"
"""The naive design's queues and tables are the template's, named with this prefix."""
MAX_ENTRIES = 10
"""Messages per ReceiveMessage and per DeleteMessageBatch of an event source mapping."""
CHUNK = 64 * 1024
"""SQS bills each 64 KB chunk of a request's payload as one request."""
SENDERS = 16
"""Deliveries posted at a time."""
BACKLOG = 2_000
"""Messages waiting above which posting pauses: one local process plays every consumer, and
moto's SQS slows as a queue fills."""
DRAIN_SECONDS_PER_EVENT = 0.05

Tables = dict[str, dict[tuple[str, ...], dict[str, Any]]]
"""Table logical id -> key values -> the item (typed JSON)."""


@dataclass
class Invocation:
    function: str
    """The function's logical id."""
    seconds: float
    records: list[int] = field(default_factory=list)
    """The size of each SQS record's body (a consumer's invocation), empty for the ingest."""


@dataclass
class Design:
    """What one design did with the workload."""

    name: str
    events: int
    """Messages queued (one per event)."""
    body_bytes: list[int]
    """The size of each notification posted."""
    calls: CallLog
    invocations: list[Invocation]
    receives: int
    """ReceiveMessage requests billed for the consumers' queues."""
    deletes: int
    """DeleteMessage(Batch) requests for the consumers' queues."""
    units: Units
    tables: Tables
    """What it left in DynamoDB."""

    @property
    def notifications(self) -> int:
        return len(self.body_bytes)


UNIQUE_COUNTS = ("uniqueOpens", "uniqueClicks")


def order_free(tables: Tables) -> Tables:
    """The tables without what depends on arrival order, by design: which event of a
    recipient came first (its marker's ``eventId``, and the counter shard its unique count
    went to). Unique counts become per-campaign totals; everything else is kept as stored."""
    free: Tables = {name: dict(items) for name, items in tables.items()}
    campaigns = free["CampaignsTable"]
    totals: dict[tuple[str, ...], dict[str, Any]] = {}
    for key, item in list(campaigns.items()):
        pk, sk = key
        if sk.startswith(("OPENED#", "CLICKED#")):
            campaigns[key] = {name: value for name, value in item.items() if name != "eventId"}
        elif sk.startswith("COUNTERS#"):
            total = totals.setdefault((pk, "UNIQUE"), {})
            for name in UNIQUE_COUNTS:
                count = int(item.get(name, {"N": "0"})["N"])
                total[name] = {"N": str(int(total.get(name, {"N": "0"})["N"]) + count)}
            campaigns[key] = {n: v for n, v in item.items() if n not in UNIQUE_COUNTS}
    campaigns.update(totals)
    return free


def this_design(stack: Stack, template: Mapping[str, Any], deliveries: list[Delivery]) -> Design:
    log = CallLog()
    clients = [client(service) for service in ("sqs", "dynamodb", "s3", "secretsmanager")]
    with log.recording(*clients), _timed(stack.functions.values()) as invocations:
        queued = 0
        for start in range(0, len(deliveries), SENDERS):
            while sum(stack.pending().values()) > BACKLOG:
                time.sleep(0.5)
            chunk = deliveries[start : start + SENDERS]
            results = stack.post_all(((d.body, d.content_type) for d in chunk), senders=SENDERS)
            for delivery, result in zip(chunk, results, strict=True):
                if result.status != 202:
                    raise RuntimeError(f"delivery {delivery.index}: {result.status} {result.body}")
                queued += json.loads(result.body)["queued"]
        left = stack.wait_until_drained(timeout=60 + queued * DRAIN_SECONDS_PER_EVENT)
        if left:
            raise RuntimeError(f"the queues did not drain: {left}")
    batches = [i.records for i in invocations if i.records]
    tables = _tables(stack, template, "")
    return Design(
        "this design",
        queued,
        [len(d.body) for d in deliveries],
        log,
        invocations,
        receives=sum(_chunks(group) for batch in batches for group in _groups(batch)),
        deletes=sum(math.ceil(len(batch) / MAX_ENTRIES) for batch in batches),
        units=_units(stack, template, "", log, tables),
        tables=tables,
    )


def naive_design(stack: Stack, template: Mapping[str, Any], deliveries: list[Delivery]) -> Design:
    session = local_session(stack.environ)
    endpoint = stack.environ["AWS_ENDPOINT_URL"]
    resolver = provision(template, session, prefix=NAIVE_PREFIX, endpoint_url=endpoint)
    sqs, dynamodb, s3 = (
        session.client(s, endpoint_url=endpoint) for s in ("sqs", "dynamodb", "s3")
    )
    urls = {name: resolver.refs[f"{name}Queue"] for name in NOTIFICATION_TYPES}
    tables = {domain: resolver.refs[logical] for domain, logical in TABLES.items()}
    settings = IngestSettings(
        queue_urls=urls, quarantine_bucket=resolver.refs["QuarantineBucket"], local_tokens=("t",)
    )
    publisher = OneByOnePublisher(sqs, urls)
    quarantine = S3Quarantine(s3, settings.quarantine_bucket)
    executor = PlanExecutor(ReadingClient(dynamodb, keys(template, NAIVE_PREFIX)))
    log = CallLog()
    invocations = []
    queued = 0
    with log.recording(sqs, dynamodb, s3):
        for delivery in deliveries:
            started = time.perf_counter()
            outcome = receive(
                _request(delivery), settings, FixedTokens(["t"]), publisher, quarantine
            )
            invocations.append(Invocation("IngestFunction", time.perf_counter() - started))
            if outcome.status != 202:
                raise RuntimeError(f"delivery {delivery.index}: {outcome.status} {outcome.body}")
            queued += outcome.queued
        for name in NOTIFICATION_TYPES:
            function = consumer_of(template, name)
            for seconds in consume_one_by_one(sqs, urls[name], executor, tables):
                invocations.append(Invocation(function, seconds, [0]))
    counted = log.count("sqs")
    contents = _tables(stack, template, NAIVE_PREFIX)
    return Design(
        "naive",
        queued,
        [len(d.body) for d in deliveries],
        log,
        invocations,
        receives=counted["ReceiveMessage"],
        deletes=counted["DeleteMessage"],
        units=_units(stack, template, NAIVE_PREFIX, log, contents),
        tables=contents,
    )


@contextmanager
def _timed(functions: Iterable[LocalFunction]) -> Iterator[list[Invocation]]:
    """Each invocation of the functions, with its seconds and its records' sizes."""
    invocations: list[Invocation] = []
    originals = [(function, function.handler) for function in functions]

    def timing(function: LocalFunction, real: Handler) -> Handler:
        def handler(event: dict[str, Any], context: Any) -> Any:
            started = time.perf_counter()
            try:
                return real(event, context)
            finally:
                records = [len(r["body"].encode()) for r in event.get("Records", [])]
                invocations.append(
                    Invocation(function.name, time.perf_counter() - started, records)
                )

        return handler

    for function, real in originals:
        function.handler = timing(function, real)
    try:
        yield invocations
    finally:
        for function, real in originals:
            function.handler = real


def _request(delivery: Delivery) -> WebhookRequest:
    """The request as the ingest sees it (the body base64-encoded, as API Gateway passes a
    binary one; the ingest decodes it first)."""
    return WebhookRequest(
        body=b64encode(delivery.body).decode("ascii"),
        is_base64_encoded=True,
        headers={"content-type": delivery.content_type, "authorization": "Bearer t"},
        query={},
        request_id=f"naive-{delivery.index}",
        received_at=datetime.now(UTC),
    )


def consumer_of(template: Mapping[str, Any], notification_type: str) -> str:
    """The logical id of the function the template feeds a type's queue to."""
    for name, properties in resources_of_type(template, "AWS::Serverless::Function").items():
        if notification_type in properties.get("Events", {}):
            return name
    raise KeyError(notification_type)


def keys(template: Mapping[str, Any], prefix: str = "") -> dict[str, tuple[str, ...]]:
    """Table (``prefix`` + logical id) -> its key attributes."""
    return {
        f"{prefix}{name}": tuple(key["AttributeName"] for key in properties["KeySchema"])
        for name, properties in resources_of_type(template, "AWS::DynamoDB::Table").items()
    }


def indexes(template: Mapping[str, Any], prefix: str = "") -> dict[str, list[tuple[str, ...]]]:
    """Table (``prefix`` + logical id) -> the key attributes of each global secondary index."""
    return {
        f"{prefix}{name}": [
            tuple(key["AttributeName"] for key in index["KeySchema"])
            for index in properties.get("GlobalSecondaryIndexes", [])
        ]
        for name, properties in resources_of_type(template, "AWS::DynamoDB::Table").items()
    }


def _physical(stack: Stack, prefix: str, logical: str) -> str:
    return f"{prefix}{logical}" if prefix else stack.resources.table_name(logical)


def _tables(stack: Stack, template: Mapping[str, Any], prefix: str) -> Tables:
    dynamodb = stack.client("dynamodb")
    table_keys = keys(template)
    contents: Tables = {}
    for logical in TABLES.values():
        items = {}
        paginator = dynamodb.get_paginator("scan")
        for page in paginator.paginate(TableName=_physical(stack, prefix, logical)):
            for item in page["Items"]:
                items[key_of(item, table_keys[logical])] = item
        contents[logical] = items
    return contents


def _units(
    stack: Stack, template: Mapping[str, Any], prefix: str, log: CallLog, contents: Tables
) -> Units:
    physical = {logical: _physical(stack, prefix, logical) for logical in TABLES.values()}
    table_keys, table_indexes = keys(template), indexes(template)
    model = UnitModel(
        {physical[logical]: items for logical, items in contents.items()},
        {physical[logical]: table_indexes[logical] for logical in TABLES.values()},
        {physical[logical]: table_keys[logical] for logical in TABLES.values()},
    )
    total = Units()
    for call in log.calls:
        if call.service == "dynamodb":
            total += model.units(call)
    return total


def _groups(records: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(records), MAX_ENTRIES):
        yield records[start : start + MAX_ENTRIES]


def _chunks(sizes: Sequence[int]) -> int:
    return max(1, math.ceil(sum(sizes) / CHUNK))
