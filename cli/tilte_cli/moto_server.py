"""moto's server, with costs that do not grow with the data: what ``make run`` starts.

``python -m tilte_cli.moto_server`` takes moto.server's arguments, and answers as moto does.
Two costs change, so that a local run of thousands of events stays fast:

- DynamoDB: moto backs up each table a transaction touches, whole, before every
  ``TransactWriteItems`` (a deep copy per item of the transaction), so a campaign's
  transactions slow down as its table grows. Here a transaction backs up, and on
  cancellation restores, only the items it names.
- SQS: moto reads the clock once per message of the queue to count a queue's messages, and
  counts them (every attribute of the queue, three times over) for each message it receives
  or sends. Here a count reads the clock once, and a receive reads the retention period
  without counting.
"""

from __future__ import annotations

import copy
import signal
from typing import Any

import moto.server
from moto.core.utils import unix_time, unix_time_millis
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.sqs.models import Message, Queue, SQSBackend

_moto_transact_write_items = DynamoDBBackend.transact_write_items
Backup = list[tuple[str, dict[str, Any], dict[str, Any] | None]]
"""(table, key, the item's attributes before, or None when it did not exist)."""


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    backup = _backup(self, transact_items)
    try:
        _moto_transact_write_items(self, transact_items)
    except Exception:
        _restore(self, backup)
        raise


def _backup(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Backup:
    backup: Backup = []
    for transact_item in transact_items:
        for op in transact_item.values():
            try:
                table = backend.get_table(op["TableName"])
                key = op.get("Key") or {
                    name: op["Item"][name]
                    for name in (table.hash_key_attr, table.range_key_attr)
                    if name is not None
                }
                item = backend.get_item(op["TableName"], key)
            except Exception:  # noqa: S112 (moto itself refuses what cannot be read here)
                continue
            before = copy.deepcopy(item.to_json()["Attributes"]) if item else None
            backup.append((op["TableName"], key, before))
    return backup


def _restore(backend: DynamoDBBackend, backup: Backup) -> None:
    for table_name, key, before in reversed(backup):
        if before is None:
            if backend.get_item(table_name, key) is not None:
                backend.delete_item(table_name, key)
        else:
            backend.put_item(table_name, before)


def _shared(self: Table, memo: dict[int, Any]) -> Table:
    """moto's whole-table backup, made free: :func:`transact_write_items` restores items."""
    return self


def _visible(self: Queue) -> list[Message]:
    now = unix_time_millis()
    return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]


def _not_visible(self: Queue) -> int:
    now = unix_time_millis()
    return sum(1 for m in self._messages if not now > m.visible_at)


def _delayed(self: Queue) -> int:
    now = unix_time_millis()
    return sum(1 for m in self._messages if now < m.delayed_until)


def _retained(self: SQSBackend, queue_name: str, message: Message) -> bool:
    queue = self.get_queue(queue_name)
    retention_seconds = int(queue.message_retention_period)  # type: ignore[attr-defined]
    return bool(retention_seconds + (message.sent_timestamp or 0) / 1000 > unix_time())


DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
Table.__deepcopy__ = _shared  # type: ignore[attr-defined]
Queue.messages = property(_visible)  # type: ignore[assignment,method-assign]
Queue.approximate_number_of_messages_not_visible = property(_not_visible)  # type: ignore[assignment,method-assign]
Queue.approximate_number_of_messages_delayed = property(_delayed)  # type: ignore[assignment,method-assign]
SQSBackend.is_message_valid_based_on_retention_period = _retained  # type: ignore[method-assign]


def _on_signal(signum: int, frame: Any) -> None:
    """Ctrl-C in the terminal of ``make run`` reaches every process of its group; this server
    must outlive the pollers that still read from it, so it ignores SIGINT and leaves when
    ``serve``, once they have stopped, sends SIGTERM."""
    if signum != signal.SIGINT:
        _moto_signal_handler(signum, frame)


_moto_signal_handler = moto.server.signal_handler
moto.server.signal_handler = _on_signal

if __name__ == "__main__":
    moto.server.main()
