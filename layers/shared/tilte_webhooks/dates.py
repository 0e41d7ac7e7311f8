"""Tilte's timestamps, kept exactly as sent.

Tilte is a .NET platform: its dates carry 7 fractional digits (100 ns ticks), sometimes 8,
while Python's ``datetime`` keeps 6. A :class:`TilteDate` therefore holds three views of
one instant:

- ``raw``: the string exactly as Tilte sent it; this is what we store and output.
- ``epoch_ns``: integer nanoseconds since 1970-01-01T00:00:00Z, exact; this is what we
  order and identify by.
- ``datetime``: a timezone-aware ``datetime`` truncated to microseconds, for convenience
  only. Never compare or store it where exactness matters.

Accepted form (ISO 8601 / RFC 3339 with a mandatory offset):
``YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)``. A date without an offset is refused
rather than guessed, and so is an instant outside years 1 to 9999 in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from tilte_webhooks.errors import kind_of, shown

_FORM = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND_NS = 1_000_000_000
_EPOCH_ORDINAL = _EPOCH.toordinal()
_FIRST_SECOND = (date.min.toordinal() - _EPOCH_ORDINAL) * 86_400
_LAST_SECOND = (date.max.toordinal() - _EPOCH_ORDINAL + 1) * 86_400 - 1
_FRACTION_SCALE = tuple(10 ** (9 - digits) for digits in range(10))
"""Nanoseconds per unit of the last fractional digit, by number of digits."""


class TilteDate:
    """An exact instant as sent by Tilte. Immutable; equal when the raw strings are equal."""

    __slots__ = ("epoch_ns", "raw")

    raw: str
    epoch_ns: int

    def __init__(self, raw: str) -> None:
        # Plain integer arithmetic: a batch of 10,000 events makes 10,000 dates, and building
        # datetime objects for each (the convenience view is now made on demand) took nearly
        # twice as long.
        match = _FORM.fullmatch(raw)
        if match is None:
            raise ValueError(f"{shown(raw)} is not a date")
        year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
        try:
            days = date(int(year), int(month), int(day)).toordinal() - _EPOCH_ORDINAL
        except ValueError:
            raise ValueError(f"{shown(raw)} is not a date") from None
        if hour > "23" or minute > "59" or second > "59":  # two ASCII digits each
            raise ValueError(f"{shown(raw)} is not a date")
        clock = int(hour) * 3600 + int(minute) * 60 + int(second)
        if not zulu:
            offset = int(off_h) * 60 + int(off_m)
            if off_m > "59" or offset >= 24 * 60:  # as datetime.timezone refuses
                raise ValueError(f"{shown(raw)} is not a date")
            clock += -offset * 60 if sign == "+" else offset * 60
        seconds = days * 86_400 + clock
        if not _FIRST_SECOND <= seconds <= _LAST_SECOND:  # years 1..9999 in UTC
            raise ValueError(f"{shown(raw)} is not a date")
        self.raw = raw
        self.epoch_ns = seconds * _SECOND_NS + (
            int(fraction) * _FRACTION_SCALE[len(fraction)] if fraction else 0
        )

    @property
    def datetime(self) -> datetime:
        """Timezone-aware, truncated to microseconds: not for ordering or identity."""
        raw = self.raw
        if raw[-1] in "Zz":
            tz = UTC
        else:
            offset = timedelta(hours=int(raw[-5:-3]), minutes=int(raw[-2:]))
            tz = timezone(-offset if raw[-6] == "-" else offset)
        return (_EPOCH + timedelta(microseconds=self.epoch_ns // 1000)).astimezone(tz)

    @property
    def utc_iso(self) -> str:
        """The instant in UTC with nine fractional digits: sorts as a string in time order."""
        seconds, nanos = divmod(self.epoch_ns, _SECOND_NS)
        t = _EPOCH + timedelta(seconds=seconds)
        return (
            f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
            f".{nanos:09d}Z"
        )

    def __str__(self) -> str:
        return self.raw

    def __repr__(self) -> str:
        return f"TilteDate({self.raw!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TilteDate) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def _key(self) -> tuple[int, str]:
        return self.epoch_ns, self.raw

    def __lt__(self, other: TilteDate) -> bool:
        return self._key() < other._key()

    def __le__(self, other: TilteDate) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: TilteDate) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: TilteDate) -> bool:
        return self._key() >= other._key()

    @classmethod
    def _validate(cls, value: object) -> TilteDate:
        if isinstance(value, TilteDate):
            return value
        if not isinstance(value, str):
            raise PydanticCustomError(
                "tilte_date_type", "expected a date as text, found {kind}", {"kind": kind_of(value)}
            )
        try:
            return cls(value)
        except ValueError as error:
            raise PydanticCustomError("tilte_date", str(error)) from None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                str, return_schema=core_schema.str_schema()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "format": "date-time",
            "description": "Exactly as Tilte sent it: up to 9 fractional digits, with an offset.",
        }
