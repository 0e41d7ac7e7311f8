"""DynamoDB writes as data: what the consumers' rules decide, before any AWS call.

The rules (:mod:`subscribers`, :mod:`suppressions`, :mod:`engagement`, :mod:`campaigns`) are
pure: they turn one queue message into a :class:`Plan`, a short list of :class:`Step`\\ s. Each
step is one atomic write: a single conditional write, or a transaction. A step whose
condition fails changed nothing (the event was a duplicate, or older than what is stored), and
the plan goes on. :mod:`tilte_webhooks.aws.dynamodb` carries plans out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Put:
    table: str
    item: Mapping[str, Any]
    condition: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Update:
    table: str
    key: Mapping[str, Any]
    expression: str
    values: Mapping[str, Any] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    condition: str | None = None


Write = Put | Update


@dataclass(frozen=True)
class Step:
    """One atomic write: a single write, or several in one transaction.

    ``fallback``, steps of their own, is tried instead when the condition of the write at
    ``fallback_when`` alone failed (for example "this recipient has opened before", or "one of
    the two registers holds a later event"); a failed condition anywhere else means the step
    has nothing to do.
    """

    writes: tuple[Write, ...]
    purpose: str
    """What the step records, for logs and metrics (``history``, ``status``, ``engagement``)."""
    fallback: tuple[Step, ...] = ()
    fallback_when: int = 0


@dataclass(frozen=True)
class Plan:
    event_id: str
    steps: tuple[Step, ...]


StepOutcome = Literal["applied", "skipped"]
"""``skipped``: a condition failed, so the step had nothing to do (duplicate, or older)."""


def to_dynamo(value: Any) -> dict[str, Any]:
    """A Python value in DynamoDB's typed JSON (``{"S": "x"}``), for the low-level client."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, Mapping):
        return {"M": {key: to_dynamo(item) for key, item in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_dynamo(item) for item in value]}
    raise TypeError(f"cannot store a {type(value).__name__} in DynamoDB")


def from_dynamo(value: Mapping[str, Any]) -> Any:
    """The Python value of DynamoDB's typed JSON; numbers become ``int``."""
    ((kind, data),) = value.items()
    if kind == "S" or kind == "BOOL":
        return data
    if kind == "N":
        return int(data)
    if kind == "NULL":
        return None
    if kind == "M":
        return {key: from_dynamo(item) for key, item in data.items()}
    if kind == "L":
        return [from_dynamo(item) for item in data]
    raise TypeError(f"unexpected DynamoDB type {kind}")


def item_from_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: from_dynamo(value) for name, value in item.items()}


def update(
    table: str,
    key: Mapping[str, Any],
    *,
    set_: Mapping[str, Any] | None = None,
    set_if_absent: Mapping[str, Any] | None = None,
    add: Mapping[str, int] | None = None,
    remove: tuple[str, ...] = (),
    condition: str | None = None,
    condition_values: Mapping[str, Any] | None = None,
) -> Update:
    """An UpdateItem from plain field maps; every attribute name goes through a placeholder,
    so DynamoDB's reserved words (``status``, ``name``, ``date``...) need no care.

    ``condition`` may name attributes as ``#name`` and values as ``:name`` (given in
    ``condition_values``); its ``#name`` placeholders are declared here.
    """
    names: dict[str, str] = {}
    values: dict[str, Any] = {}

    def name(attribute: str) -> str:
        placeholder = f"#{attribute}"
        names[placeholder] = attribute
        return placeholder

    def value(attribute: str, data: Any) -> str:
        placeholder = f":{attribute}"
        values[placeholder] = data
        return placeholder

    assignments = [f"{name(a)} = {value(a, v)}" for a, v in (set_ or {}).items()]
    assignments += [
        f"{name(a)} = if_not_exists({name(a)}, {value(a, v)})"
        for a, v in (set_if_absent or {}).items()
    ]
    clauses = [f"SET {', '.join(assignments)}"] if assignments else []
    if add:
        clauses.append("ADD " + ", ".join(f"{name(a)} {value(a, v)}" for a, v in add.items()))
    if remove:
        clauses.append("REMOVE " + ", ".join(name(a) for a in remove))
    if condition:
        for placeholder in _placeholders(condition):
            names[placeholder] = placeholder[1:]
        values.update(condition_values or {})
    return Update(table, key, " ".join(clauses), values, names, condition)


def _placeholders(condition: str) -> list[str]:
    return [
        word for word in condition.replace("(", " ").replace(")", " ").split() if word[0] == "#"
    ]


def newer_than(attribute: str) -> str:
    """The condition "this event orders after the one stored in ``attribute``" (or none is)."""
    return f"attribute_not_exists(#{attribute}) OR #{attribute} < :{attribute}"


def earlier_than(attribute: str) -> str:
    return f"attribute_not_exists(#{attribute}) OR #{attribute} > :{attribute}"
