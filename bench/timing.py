"""Timing on a shared, noisy machine: medians of repeats, comparisons interleaved."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Paired:
    """Medians of two things timed alternately, and the median of their ratio per repeat."""

    baseline: float
    """Seconds per call, median."""
    measured: float
    ratio: float
    """Median over repeats of measured / baseline, each pair timed back to back."""


def seconds_per_call(function: Callable[[], object], loops: int) -> float:
    started = time.perf_counter()
    for _ in range(loops):
        function()
    return (time.perf_counter() - started) / loops


def paired(
    baseline: Callable[[], object],
    measured: Callable[[], object],
    *,
    repeats: int,
    loops: int = 1,
) -> Paired:
    """Time ``baseline`` then ``measured`` (``loops`` calls each), ``repeats`` times, after a
    warm-up call of each, so that both see the same moments of a noisy machine."""
    baseline()
    measured()
    pairs = [
        (seconds_per_call(baseline, loops), seconds_per_call(measured, loops))
        for _ in range(repeats)
    ]
    return Paired(
        statistics.median(b for b, _ in pairs),
        statistics.median(m for _, m in pairs),
        statistics.median(m / b for b, m in pairs),
    )


def median_of(samples: Sequence[float]) -> float:
    return statistics.median(samples)
