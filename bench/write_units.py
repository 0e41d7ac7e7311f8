"""DynamoDB's on-demand request units for the calls a run made, by DynamoDB's billing rules.

moto does not count capacity, so the units come from the recorded calls and the items they
wrote, by the rules of DynamoDB's documentation ("Read/write capacity mode", "Amazon DynamoDB
transactions", "Global secondary indexes"):

- a write (PutItem, UpdateItem) costs 1 write request unit per KB of the item, rounded up;
  one whose condition fails costs the same for the item that is there (at least 1);
- in TransactWriteItems each item costs twice that. A transaction cancelled by a condition is
  counted as if it had written every item: an upper bound;
- a write that changes an item in a global secondary index costs 1 more unit per KB of the
  index entry in each index, rounded up (an index write is a plain write);
- a strongly consistent read (GetItem) costs 1 read request unit per 4 KB.

Item sizes follow DynamoDB's formula (the UTF-8 length of each name and value; a number
about one byte per two digits); each write is sized by the item as stored at the end of the
run, which for this data is what it is sized by when written, or within a few bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench.calls import Call

WRITES = ("PutItem", "UpdateItem", "TransactWriteItems")
CANCELLED = {"ConditionalCheckFailedException", "TransactionCanceledException"}


@dataclass(frozen=True)
class Units:
    writes: float = 0.0
    index_writes: float = 0.0
    reads: float = 0.0

    def __add__(self, other: Units) -> Units:
        return Units(
            self.writes + other.writes,
            self.index_writes + other.index_writes,
            self.reads + other.reads,
        )

    @property
    def total_writes(self) -> float:
        return self.writes + self.index_writes


class UnitModel:
    """Units of calls against a set of tables whose items and indexes are known."""

    def __init__(
        self,
        items: Mapping[str, Mapping[tuple[str, ...], Mapping[str, Any]]],
        indexes: Mapping[str, list[tuple[str, ...]]],
        keys: Mapping[str, tuple[str, ...]],
    ) -> None:
        """``items``: table -> key values -> the item (typed JSON) as stored; ``indexes``:
        table -> the key attributes of each of its global secondary indexes; ``keys``: table
        -> its key attributes."""
        self._items = items
        self._indexes = indexes
        self._keys = keys

    def units(self, call: Call) -> Units:
        if call.operation == "GetItem":
            return Units(reads=self._size_units(call.params["TableName"], call.params["Key"], 4))
        if call.operation == "TransactWriteItems":
            total = Units()
            for entry in call.params["TransactItems"]:
                ((kind, write),) = entry.items()
                total += self._write(write, kind, transactional=True, applied=call.error is None)
            return total
        if call.operation in WRITES:
            kind = "Put" if call.operation == "PutItem" else "Update"
            return self._write(call.params, kind, transactional=False, applied=call.error is None)
        return Units()

    def _write(
        self, write: Mapping[str, Any], kind: str, *, transactional: bool, applied: bool
    ) -> Units:
        table = write["TableName"]
        key = write["Key"] if kind == "Update" else write["Item"]
        units = self._size_units(table, key, 1) * (2 if transactional else 1)
        index_units = 0
        if applied:
            stored = self._stored(table, key)
            index_units = sum(
                math.ceil(max(1, item_size(stored)) / 1024)
                for index_keys in self._indexes.get(table, [])
                if stored is not None and all(name in stored for name in index_keys)
            )
        return Units(writes=units, index_writes=index_units)

    def _size_units(self, table: str, key: Mapping[str, Any], kilobytes: int) -> int:
        stored = self._stored(table, key)
        size = item_size(stored) if stored is not None else item_size(key)
        return max(1, math.ceil(size / (kilobytes * 1024)))

    def _stored(self, table: str, key: Mapping[str, Any]) -> Mapping[str, Any] | None:
        values = tuple(_scalar(key[name]) for name in self._keys[table])
        return self._items.get(table, {}).get(values)


def item_size(item: Mapping[str, Any]) -> int:
    """An item's size in bytes, by DynamoDB's formula (typed JSON in)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: Mapping[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(str(data).encode("utf-8", "surrogatepass"))
    if kind == "N":
        digits = str(data).lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind == "M":
        return 3 + sum(len(name.encode()) + _value_size(item) + 1 for name, item in data.items())
    if kind == "L":
        return 3 + sum(_value_size(item) + 1 for item in data)
    return len(str(data))


def _scalar(value: Mapping[str, Any]) -> str:
    ((_, data),) = value.items()
    return str(data)


def key_of(item: Mapping[str, Any], key_names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_scalar(item[name]) for name in key_names)
