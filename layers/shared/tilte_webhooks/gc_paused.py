"""Pausing Python's cyclic garbage collector while a notification is turned into messages.

A batch of 10,000 events makes about 100,000 objects (elements, dictionaries, models, dates),
none of them in a reference cycle, so reference counting frees them all. Each 700 new objects
would still start a collection, and those collections walk everything alive, the SDK's
modules included: at 10,000 events they take nearly half the time of a bare XML parse
(docs/PERFORMANCE.md). Pausing the collector for the span of one body (at most 6 MB) avoids
that work and leaves nothing behind.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collections inside the block; the collector's state is restored after.

    Only the block that paused it resumes it, so a nested block does not resume it early
    (another thread's block may find it resumed: that costs time, never correctness).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
