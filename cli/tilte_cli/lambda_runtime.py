"""Running the template's functions in this process, as the Lambda runtime would.

Each function is found from its ``CodeUri`` and ``Handler``. An invocation gets a fresh
context (request id, remaining time) and runs alone among the functions that share its handler
module, as in one warm Lambda container: the handlers keep per-invocation state in module
globals (Powertools' resolver and batch processor).
"""

from __future__ import annotations

import importlib
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tilte_cli.cloudformation import ROOT, resources_of_type

ACCOUNT = "123456789012"


@dataclass
class LambdaContext:
    """The attributes of the runtime's context that the handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int = 128
    timeout_seconds: int = 3
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


Handler = Callable[[dict[str, Any], Any], Any]
_module_locks: dict[str, threading.Lock] = {}


@dataclass
class LocalFunction:
    name: str
    handler: Handler
    memory: int
    timeout: int
    lock: threading.Lock

    def invoke(self, event: dict[str, Any]) -> Any:
        with self.lock:
            context = LambdaContext(self.name, self.memory, self.timeout)
            return self.handler(event, context)


def load_functions(template: Mapping[str, Any]) -> dict[str, LocalFunction]:
    """Logical id -> the function, its handler imported from ``CodeUri``."""
    defaults = template.get("Globals", {}).get("Function", {})
    functions = {}
    for name, properties in resources_of_type(template, "AWS::Serverless::Function").items():
        settings = {**defaults, **properties}
        code = str(ROOT / settings["CodeUri"])
        if code not in sys.path:
            sys.path.append(code)
        module_name, handler_name = settings["Handler"].rsplit(".", 1)
        module = importlib.import_module(module_name)
        functions[name] = LocalFunction(
            name,
            getattr(module, handler_name),
            int(settings.get("MemorySize", 128)),
            int(settings.get("Timeout", 3)),
            _module_locks.setdefault(module_name, threading.Lock()),
        )
    return functions
