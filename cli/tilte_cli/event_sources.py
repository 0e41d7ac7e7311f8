"""SQS event source mappings, locally: queues polled, batches handed to the consumers.

Each ``SQS`` event of a function in the template becomes a poller with that event's batch
size, batching window and response types. As Lambda's pollers do, it waits for a first
message, then gathers more until the batch is full or the window has passed, invokes the
function, and deletes the messages that succeeded. With ``ReportBatchItemFailures`` the
records the function names stay on the queue; when the function fails, every record stays.
They come back after the queue's visibility timeout, and SQS (moto) moves a message to the
dead-letter queue once it has been received ``maxReceiveCount`` times.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tilte_cli.cloudformation import Resolver, resources_of_type
from tilte_cli.lambda_runtime import LocalFunction

LONG_POLL_SECONDS = 1
"""Short enough for a stop to take effect within a second."""

Reporter = Callable[["SqsEventSource", int, int, float], None]
"""Called after each invocation with the source, records, failed records and seconds."""


@dataclass(frozen=True)
class SqsEventSource:
    function: LocalFunction
    queue_arn: str
    batch_size: int = 10
    window_seconds: float = 0
    report_item_failures: bool = False

    @property
    def queue_name(self) -> str:
        return self.queue_arn.rsplit(":", 1)[-1]


def sqs_event_sources(
    template: Mapping[str, Any], resolver: Resolver, functions: Mapping[str, LocalFunction]
) -> list[SqsEventSource]:
    sources = []
    for name, properties in resources_of_type(template, "AWS::Serverless::Function").items():
        for event in properties.get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            settings = resolver.resolve(event["Properties"])
            sources.append(
                SqsEventSource(
                    functions[name],
                    settings["Queue"],
                    int(settings.get("BatchSize", 10)),
                    float(settings.get("MaximumBatchingWindowInSeconds", 0)),
                    "ReportBatchItemFailures" in settings.get("FunctionResponseTypes", []),
                )
            )
    return sources


def sqs_record(message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
    """A received message as a record of the SQS event Lambda builds."""
    region = queue_arn.split(":")[3]
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class SqsPoller:
    """Feeds one queue to one function until stopped."""

    def __init__(self, source: SqsEventSource, sqs: Any, report: Reporter) -> None:
        self.source = source
        self._sqs = sqs
        self._report = report
        self._url = sqs.get_queue_url(QueueName=source.queue_name)["QueueUrl"]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"poll-{source.queue_name}")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the poller to stop after its current receive or batch; :meth:`join` waits."""
        self._stopping.set()

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.poll_once()

    def poll_once(self) -> int:
        """Gather one batch (waiting up to a second for its first message) and deliver it;
        the number of records delivered."""
        batch = self._gather()
        if batch:
            self._deliver(batch)
        return len(batch)

    def _gather(self) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        deadline = float("inf")
        while len(batch) < self.source.batch_size and not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            received = self._sqs.receive_message(
                QueueUrl=self._url,
                MaxNumberOfMessages=min(10, self.source.batch_size - len(batch)),
                WaitTimeSeconds=LONG_POLL_SECONDS if remaining >= LONG_POLL_SECONDS else 0,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not batch and not received:
                break
            if not batch:
                deadline = time.monotonic() + self.source.window_seconds
            batch.extend(received)
            if not received:
                time.sleep(min(0.1, max(0.0, remaining)))
        return batch

    def _deliver(self, batch: Sequence[dict[str, Any]]) -> None:
        event = {"Records": [sqs_record(message, self.source.queue_arn) for message in batch]}
        started = time.perf_counter()
        try:
            response = self.source.function.invoke(event)
            failed = _failed_ids(response, batch) if self.source.report_item_failures else set()
        except Exception:  # the function failed: Lambda leaves every record on the queue
            traceback.print_exc()
            failed = {message["MessageId"] for message in batch}
        done = [message for message in batch if message["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            self._sqs.delete_message_batch(
                QueueUrl=self._url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(done[start : start + 10])
                ],
            )
        self._report(self.source, len(batch), len(failed), time.perf_counter() - started)


def _failed_ids(response: Any, batch: Sequence[Mapping[str, Any]]) -> set[str]:
    """The records a partial batch response names; all of them if the response is invalid,
    as Lambda treats it."""
    everything = {message["MessageId"] for message in batch}
    try:
        failures = response.get("batchItemFailures") or []
        failed = {failure["itemIdentifier"] for failure in failures}
    except (AttributeError, KeyError, TypeError):
        return everything
    return failed if failed <= everything and all(failed) else everything
