"""A design's requests, Lambda time and DynamoDB units per event, and what they cost."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench import prices
from bench.designs import CHUNK, Design, Invocation
from bench.report import Table, ratio
from tilte_cli.cloudformation import resources_of_type

API_CHUNK = 512 * 1024
"""API Gateway meters HTTP API requests in 512 KB increments."""


@dataclass(frozen=True)
class Figures:
    """Per event."""

    api_requests: float
    ingest_invocations: float
    consumer_invocations: float
    ingest_gb_seconds: float
    consumer_gb_seconds: float
    sqs_sends: float
    """Send calls."""
    sqs_send_requests: float
    """Send requests billed: one per 64 KB chunk of a call's payload."""
    sqs_receives: float
    sqs_deletes: float
    dynamodb_writes: float
    dynamodb_reads: float
    write_units: float
    index_write_units: float
    read_units: float

    def dollars(self) -> dict[str, float]:
        """Dollars per million events, by what is paid for."""
        sqs = self.sqs_send_requests + self.sqs_receives + self.sqs_deletes
        per_event = {
            "API Gateway requests": self.api_requests * prices.API_REQUEST.each,
            "Lambda requests": (self.ingest_invocations + self.consumer_invocations)
            * prices.LAMBDA_REQUEST.each,
            "Lambda duration": (self.ingest_gb_seconds + self.consumer_gb_seconds)
            * prices.LAMBDA_GB_SECOND.each,
            "SQS requests": sqs * prices.SQS_REQUEST.each,
            "DynamoDB writes": (self.write_units + self.index_write_units)
            * prices.DYNAMODB_WRITE.each,
            "DynamoDB reads": self.read_units * prices.DYNAMODB_READ.each,
        }
        return {name: dollars * 1e6 for name, dollars in per_event.items()}


def figures(design: Design, template: Mapping[str, Any]) -> Figures:
    events = design.events
    memory = memory_sizes(template)
    ingest = [i for i in design.invocations if i.function == "IngestFunction"]
    consumers = [i for i in design.invocations if i.function != "IngestFunction"]
    sends = design.calls.of("SendMessageBatch", "SendMessage")
    writes = design.calls.of("PutItem", "UpdateItem", "TransactWriteItems")
    api_requests = sum(max(1, math.ceil(size / API_CHUNK)) for size in design.body_bytes)
    return Figures(
        api_requests=api_requests / events,
        ingest_invocations=len(ingest) / events,
        consumer_invocations=len(consumers) / events,
        ingest_gb_seconds=_gb_seconds(ingest, memory) / events,
        consumer_gb_seconds=_gb_seconds(consumers, memory) / events,
        sqs_sends=len(sends) / events,
        sqs_send_requests=sum(_send_chunks(call.params) for call in sends) / events,
        sqs_receives=design.receives / events,
        sqs_deletes=design.deletes / events,
        dynamodb_writes=len(writes) / events,
        dynamodb_reads=len(design.calls.of("GetItem")) / events,
        write_units=design.units.writes / events,
        index_write_units=design.units.index_writes / events,
        read_units=design.units.reads / events,
    )


def memory_sizes(template: Mapping[str, Any]) -> dict[str, int]:
    """Function logical id -> its ``MemorySize`` in the template (MB)."""
    default = int(template["Globals"]["Function"].get("MemorySize", 128))
    return {
        name: int(properties.get("MemorySize", default))
        for name, properties in resources_of_type(template, "AWS::Serverless::Function").items()
    }


def _gb_seconds(invocations: list[Invocation], memory: Mapping[str, int]) -> float:
    """Lambda bills each invocation's duration rounded up to the millisecond."""
    return sum(math.ceil(i.seconds * 1000) / 1000 * memory[i.function] / 1024 for i in invocations)


def _send_chunks(params: Mapping[str, Any]) -> int:
    entries = params.get("Entries", [params])
    size = sum(
        len(entry["MessageBody"].encode())
        + sum(
            len(name) + len(value["DataType"]) + len(value.get("StringValue", ""))
            for name, value in entry.get("MessageAttributes", {}).items()
        )
        for entry in entries
    )
    return max(1, math.ceil(size / CHUNK))


def per_event_table(ours: Figures, naive: Figures, events: int, notifications: int) -> Table:
    rows = [
        ("API Gateway requests (512 KB each)", "api_requests", 4),
        ("Lambda invocations: ingest", "ingest_invocations", 4),
        ("Lambda invocations: consumers", "consumer_invocations", 4),
        ("Lambda GB-seconds: ingest (duration measured locally)", "ingest_gb_seconds", 6),
        ("Lambda GB-seconds: consumers (duration measured locally)", "consumer_gb_seconds", 6),
        ("SQS send calls", "sqs_sends", 4),
        ("SQS send requests billed (64 KB chunks)", "sqs_send_requests", 4),
        ("SQS receive requests (event source mapping)", "sqs_receives", 4),
        ("SQS delete requests (event source mapping)", "sqs_deletes", 4),
        ("DynamoDB write calls", "dynamodb_writes", 3),
        ("DynamoDB read calls", "dynamodb_reads", 3),
        ("DynamoDB write request units: tables", "write_units", 3),
        ("DynamoDB write request units: indexes", "index_write_units", 3),
        ("DynamoDB read request units", "read_units", 3),
    ]
    return Table(
        f"Per event ({events:,} events in {notifications:,} notifications, each delivered once)",
        ("Measured per event", "This design", "Naive", "Naive / this"),
        [
            (
                name,
                f"{getattr(ours, attribute):.{digits}f}",
                f"{getattr(naive, attribute):.{digits}f}",
                _times(getattr(naive, attribute), getattr(ours, attribute)),
            )
            for name, attribute, digits in rows
        ],
    )


def dollars_table(ours: Figures, naive: Figures) -> Table:
    a, b = ours.dollars(), naive.dollars()
    rows = [(name, f"${a[name]:.2f}", f"${b[name]:.2f}", _times(b[name], a[name])) for name in a]
    total_a, total_b = sum(a.values()), sum(b.values())
    rows.append(
        ("**Total**", f"**${total_a:.2f}**", f"**${total_b:.2f}**", _times(total_b, total_a))
    )
    return Table(
        "Dollars per million events (the prices below; Lambda at the template's memory sizes, "
        "for the durations measured locally)",
        ("Paid for", "This design", "Naive", "Naive / this"),
        rows,
    )


def prices_table() -> Table:
    return Table(
        "Prices (us-east-1 list prices)",
        ("Service", "What", "Price", "Source"),
        [(p.service, p.item, f"${p.dollars:g} per {p.unit}", p.source) for p in prices.PRICES],
    )


def _times(theirs: float, mine: float) -> str:
    if mine == 0:
        return "—" if theirs == 0 else "only naive"
    return ratio(theirs / mine)
