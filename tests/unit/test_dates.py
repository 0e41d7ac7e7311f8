"""TilteDate keeps Tilte's timestamps exact: 7 or 8 (up to 9) fractional digits, any offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilte_webhooks.dates import TilteDate


def test_seven_digits_are_kept_exactly() -> None:
    date = TilteDate("2024-08-07T12:45:49.4657042Z")
    assert date.raw == "2024-08-07T12:45:49.4657042Z"
    assert str(date) == "2024-08-07T12:45:49.4657042Z"
    assert date.epoch_ns == 1_723_034_749_465_704_200
    assert date.utc_iso == "2024-08-07T12:45:49.465704200Z"
    assert date.datetime == datetime(2024, 8, 7, 12, 45, 49, 465704, tzinfo=UTC)


def test_an_offset_is_applied_to_the_instant_and_kept_in_the_raw_value() -> None:
    date = TilteDate("2024-08-07T14:45:49.4657042+02:00")
    assert date.epoch_ns == TilteDate("2024-08-07T12:45:49.4657042Z").epoch_ns
    assert date.utc_iso == "2024-08-07T12:45:49.465704200Z"
    assert date.raw == "2024-08-07T14:45:49.4657042+02:00"
    assert date.datetime.utcoffset() == timedelta(hours=2)


def test_order_uses_every_digit_that_python_datetime_would_drop() -> None:
    # Same microsecond; only the 7th and 8th digits differ.
    earlier = TilteDate("2024-08-07T14:11:41.82374849Z")
    later = TilteDate("2024-08-07T14:11:41.8237485Z")
    assert earlier.datetime == later.datetime
    assert earlier < later
    assert later > earlier
    assert sorted([later, earlier]) == [earlier, later]
    assert earlier != later


def test_equality_is_on_the_value_as_sent() -> None:
    zulu = TilteDate("2024-08-07T12:00:00Z")
    utc_offset = TilteDate("2024-08-07T12:00:00+00:00")
    assert zulu.epoch_ns == utc_offset.epoch_ns
    assert zulu != utc_offset
    assert zulu == TilteDate("2024-08-07T12:00:00Z")
    assert len({zulu, TilteDate("2024-08-07T12:00:00Z"), utc_offset}) == 2
    assert utc_offset < zulu  # same instant: ordered by the raw text, deterministically


@pytest.mark.parametrize(
    "raw",
    [
        "yesterday",
        "",
        "2024-08-07",
        "2024-08-07T12:45:49",  # no offset: refused rather than guessed
        "2024-08-07T12:45:49.4657042",
        "2024-08-07 12:45:49Z",
        "2024-02-30T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2024-08-07T24:00:00Z",
        "2024-08-07T12:60:00Z",
        "2024-08-07T12:45:60Z",  # leap seconds are not representable
        "2024-08-07T12:45:49.1234567890Z",  # ten digits
        "2024-08-07T12:45:49.Z",
        "2024-08-07T12:45:49+24:00",
        "2024-08-07T12:45:49+0200",
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
        "２０２４-08-07T12:45:49Z",  # fullwidth digits
        " 2024-08-07T12:45:49Z",
        "2024-08-07T12:45:49Z\n",
    ],
)
def test_anything_else_is_refused_with_a_clear_message(raw: str) -> None:
    with pytest.raises(ValueError, match=r" is not a date$") as raised:
        TilteDate(raw)
    assert str(raised.value).startswith(repr(raw)[:20])


def test_years_before_1000_keep_four_digits_in_utc_iso() -> None:
    assert TilteDate("0999-01-01T00:00:00.5Z").utc_iso == "0999-01-01T00:00:00.500000000Z"


def test_a_long_value_is_shortened_in_the_message() -> None:
    with pytest.raises(ValueError, match=r"^'x{60}\.\.\.' is not a date$"):
        TilteDate("x" * 5000)


@given(
    moment=st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    fraction=st.text("0123456789", min_size=0, max_size=9),
    offset_minutes=st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
)
def test_the_instant_matches_an_independent_computation(
    moment: datetime, fraction: str, offset_minutes: int
) -> None:
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    raw = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
        f"{moment.minute:02d}:{moment.second:02d}"
        + (f".{fraction}" if fraction else "")
        + f"{sign}{hours:02d}:{minutes:02d}"
    )
    whole = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_minutes)))
    expected_ns = (whole - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1) * 10**9 + int(
        (fraction or "0").ljust(9, "0")
    )

    date = TilteDate(raw)

    assert date.epoch_ns == expected_ns
    assert date.raw == raw
    utc = whole.astimezone(UTC)
    assert date.utc_iso == (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{(fraction or '0').ljust(9, '0')}Z"
    )
