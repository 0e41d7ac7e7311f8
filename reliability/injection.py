"""Faults injected into the running functions' AWS calls and handlers.

The functions of a :func:`reliability.stack.running_stack` share this process's boto3
clients (:func:`tilte_webhooks.aws.clients.client`), so a fault replaces one method of one
shared client, for as long as a ``with`` block runs, and counts what it did.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from tilte_cli.lambda_runtime import Handler, LocalFunction
from tilte_webhooks.aws.clients import client

Call = Callable[..., Any]


@dataclass
class Injected:
    """What a fault did while it was in place."""

    calls: int = 0
    """Calls of the faulty method."""
    faults: int = 0
    """Calls (or entries, for queue sends) it made fail."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, faults: int = 0) -> None:
        """One more call, which made ``faults`` failures."""
        with self.lock:
            self.calls += 1
            self.faults += faults


def aws_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "injected fault"}}, operation)


@contextmanager
def replaced(service: str, method: str, wrap: Callable[[Call], Call]) -> Iterator[None]:
    """The functions' shared ``service`` client with ``method`` replaced by ``wrap(real)``."""
    shared = client(service)
    real = getattr(shared, method)
    setattr(shared, method, wrap(real))
    try:
        yield
    finally:
        delattr(shared, method)


@contextmanager
def failing(
    service: str,
    method: str,
    code: str,
    when: Callable[[dict[str, Any]], bool] = lambda _: True,
) -> Iterator[Injected]:
    """Every call of the method (whose parameters satisfy ``when``) fails with the AWS error
    ``code``."""
    injected = Injected()

    def wrap(real: Call) -> Call:
        def faulty(**params: Any) -> Any:
            fault = when(params)
            injected.count(faults=fault)
            if fault:
                raise aws_error(code, method)
            return real(**params)

        return faulty

    with replaced(service, method, wrap):
        yield injected


@contextmanager
def losing_some_entries(share: float) -> Iterator[Injected]:
    """``SendMessageBatch`` refuses, as a failure on SQS's side, the entries of about
    ``share`` of the events (chosen by event id, so retries fail too), and queues the rest."""
    injected = Injected()

    def unlucky(entry: dict[str, Any]) -> bool:
        event_id = entry["MessageAttributes"]["eventId"]["StringValue"]
        return int(event_id[:8], 16) / 0xFFFFFFFF < share

    def wrap(real: Call) -> Call:
        def partly(**params: Any) -> Any:
            refused = [entry for entry in params["Entries"] if unlucky(entry)]
            kept = [entry for entry in params["Entries"] if not unlucky(entry)]
            injected.count(faults=len(refused))
            response = real(**params | {"Entries": kept}) if kept else {"Successful": []}
            response["Failed"] = response.get("Failed", []) + [
                {"Id": entry["Id"], "SenderFault": False, "Code": "InternalError"}
                for entry in refused
            ]
            return response

        return partly

    with replaced("sqs", "send_message_batch", wrap):
        yield injected


@contextmanager
def throttling_once(service: str, methods: tuple[str, ...], share: float) -> Iterator[Injected]:
    """About ``share`` of the distinct requests to ``methods`` are throttled the first time
    they are made and succeed when retried (chosen by a hash of the request)."""
    injected = Injected()
    throttled: set[str] = set()

    def wrap_one(method: str) -> Callable[[Call], Call]:
        def wrap(real: Call) -> Call:
            def sometimes(**params: Any) -> Any:
                digest = hashlib.sha256(
                    json.dumps([method, params], sort_keys=True, default=str).encode()
                ).hexdigest()
                with injected.lock:
                    fault = int(digest[:8], 16) / 0xFFFFFFFF < share and digest not in throttled
                    throttled.add(digest)
                injected.count(faults=fault)
                if fault:
                    raise aws_error("ProvisionedThroughputExceededException", method)
                return real(**params)

            return sometimes

        return wrap

    with _all_replaced(service, methods, wrap_one):
        yield injected


@contextmanager
def observed_batches(functions: Iterable[LocalFunction]) -> Iterator[list[tuple[int, int]]]:
    """(records, records reported failed) of every invocation of the functions."""
    batches: list[tuple[int, int]] = []
    originals = [(function, function.handler) for function in functions]

    def observing(real: Handler) -> Handler:
        def handler(event: dict[str, Any], context: Any) -> Any:
            response = real(event, context)
            batches.append((len(event["Records"]), len(response["batchItemFailures"])))
            return response

        return handler

    for function, real in originals:
        function.handler = observing(real)
    try:
        yield batches
    finally:
        for function, real in originals:
            function.handler = real


class Killed(BaseException):
    """The function's process is gone: nothing after this point of the invocation ran."""


@contextmanager
def killed_mid_batch(
    function: LocalFunction, *, after_writes: int, times: int
) -> Iterator[Injected]:
    """The function's first ``times`` invocations die after ``after_writes`` DynamoDB writes:
    what they wrote stays written, their batch is reported failed as a whole (as Lambda does
    when the runtime exits), and every record of it comes back."""
    injected = Injected()
    state = threading.local()
    real_handler = function.handler

    def handler(event: dict[str, Any], context: Any) -> Any:
        with injected.lock:
            dying = injected.faults < times
            injected.faults += dying
        state.writes_left = after_writes if dying else None
        try:
            return real_handler(event, context)
        except Killed:
            raise RuntimeError("Runtime exited: the function's process was killed") from None
        finally:
            state.writes_left = None

    def wrap_one(method: str) -> Callable[[Call], Call]:
        def wrap(real: Call) -> Call:
            def counted(**params: Any) -> Any:
                left = getattr(state, "writes_left", None)
                if left is not None:
                    if left == 0:
                        raise Killed
                    state.writes_left = left - 1
                injected.count()
                return real(**params)

            return counted

        return wrap

    function.handler = handler
    try:
        with _all_replaced("dynamodb", WRITES, wrap_one):
            yield injected
    finally:
        function.handler = real_handler


WRITES = ("transact_write_items", "put_item", "update_item")
"""The DynamoDB calls the consumers write with."""


@contextmanager
def _all_replaced(
    service: str, methods: tuple[str, ...], wrap_one: Callable[[str], Callable[[Call], Call]]
) -> Iterator[None]:
    with ExitStack() as stack:
        for method in methods:
            stack.enter_context(replaced(service, method, wrap_one(method)))
        yield
