"""``make reliability``'s runner: it runs the scenarios asked for, prints their figures and
writes the report, and its exit status says whether every guarantee held."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.__main__ import SCENARIOS, main


def test_every_scenario_is_known_to_the_runner() -> None:
    assert list(SCENARIOS) == [
        "hostile",
        "load",
        "queue-outage",
        "quarantine-outage",
        "consumer-throttling",
        "poison-then-redrive",
        "consumer-killed",
    ]


def test_the_runner_writes_the_report_of_what_it_ran(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "RELIABILITY.md"

    status = main(["--quick", "--only", "quarantine-outage", "--report", str(report)])

    assert status == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == "--- quarantine-outage"
    assert printed.splitlines()[-1] == "every guarantee held"
    text = report.read_text(encoding="utf-8")
    assert "- Result: **1 of 1 guarantees held**." in text
    assert "| The quarantine failing | A payload that cannot be queued" in text
    assert "| Payloads kept in quarantine | 2 |" in text
    assert "### `reliability/corpus/__init__.py`" in text
    assert ":mod:" not in text
