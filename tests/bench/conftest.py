"""Each benchmark that needs the local stack gets one of its own, as ``make bench`` gives it
(the latency benchmark one whose queues it can purge at will)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench import local_stack
from reliability.stack import Target, running_stack


@pytest.fixture
def stack() -> Iterator[Target]:
    with running_stack() as running:
        yield running


@pytest.fixture
def purgeable_stack() -> Iterator[Target]:
    with local_stack.running() as running:
        yield running
