"""The load and fault scenarios of ``make reliability``, in their quick form: each guarantee
must hold, and each scenario must have exercised what it claims to (its figures)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reliability import faults, load
from reliability.findings import Finding
from reliability.stack import Target


def figures(finding: Finding) -> dict[str, str]:
    return dict(finding.figures)


def held(finding: Finding) -> bool:
    """Whether the guarantee held; its failures are shown by pytest when not."""
    print(finding.markdown())
    return finding.held


def test_duplicates_and_shuffling_end_in_the_reference_state(target: Target) -> None:
    finding = load.scenario(target, quick=True)

    assert held(finding), finding.failures
    shown = figures(finding)
    assert shown["Differences from the reference model"] == "0"
    assert shown["Messages in dead-letter queues"] == "0"
    distinct, stored = shown["Per-event records stored / distinct events that store one"].split(
        " / "
    )
    assert distinct == stored
    assert int(distinct) > 300


@pytest.mark.parametrize("scenario", faults.SCENARIOS, ids=lambda s: s.__name__)
def test_every_fault_is_recovered(scenario: Callable[..., Finding], fresh_target: Target) -> None:
    finding = scenario(fresh_target, quick=True)

    assert held(finding), finding.failures
