"""Every AWS API call a client makes, recorded with botocore's event hooks.

:class:`CallLog` registers on a client's events: ``before-parameter-build`` sees the
parameters as the caller gave them, ``after-call`` the parsed answer (an error answer too), so
each call is recorded once, with its operation, parameters and error code, whatever code made
it. Retries inside botocore are one call here (moto does not throttle, so there are none).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    params: dict[str, Any]
    error: str | None
    """The error code of the answer (``ConditionalCheckFailedException``), None on success."""
    response: dict[str, Any]


class CallLog:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._pending = threading.local()

    @contextmanager
    def recording(self, *clients: Any) -> Iterator[CallLog]:
        """Record the calls of ``clients`` while the block runs."""
        hooks = [
            ("before-parameter-build", self._before),
            ("after-call", self._after),
        ]
        for sdk_client in clients:
            for event, hook in hooks:
                sdk_client.meta.events.register(event, hook, unique_id=f"bench-{id(self)}-{event}")
        try:
            yield self
        finally:
            for sdk_client in clients:
                for event, _ in hooks:
                    sdk_client.meta.events.unregister(event, unique_id=f"bench-{id(self)}-{event}")

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self._pending.params = dict(params)

    def _after(self, parsed: dict[str, Any], model: Any, event_name: str, **_: Any) -> None:
        service = event_name.split(".")[1]
        params = getattr(self._pending, "params", {})
        self._pending.params = {}
        error = parsed.get("Error", {}).get("Code")
        with self._lock:
            self.calls.append(Call(service, model.name, params, error, parsed))

    def count(self, service: str | None = None) -> Counter[str]:
        """Operation -> calls (of one service, or all)."""
        return Counter(
            call.operation for call in self.calls if service is None or call.service == service
        )

    def of(self, *operations: str) -> list[Call]:
        return [call for call in self.calls if call.operation in operations]
