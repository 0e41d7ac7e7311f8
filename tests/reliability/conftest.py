"""The reliability scenarios in their quick form, each module against one local stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reliability.stack import Target, running_stack


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    """A running local stack (moto's server, the API, the consumers) for the module's tests."""
    with running_stack() as running:
        yield running


@pytest.fixture
def fresh_target() -> Iterator[Target]:
    """A running local stack of the test's own, for scenarios that inject faults."""
    with running_stack() as running:
        yield running
