"""How often Python looks for unreachable reference cycles while a chapter is built.

Building a chapter creates and drops millions of small objects (pandas frames, figure
artists, disclosure keys) while a large dataset stays alive the whole time. With the
interpreter's default thresholds the cycle collector runs every 700 allocations and
walks the long-lived objects again and again: about 6% of a chapter's time. While a
build runs, :func:`fewer_collections` raises the thresholds (the collector still runs,
and still frees every cycle, only less often), then puts back whatever they were.
Worker processes that only build chapters (:func:`for_worker`) also move the objects
they start with (the dataset) out of the collector's view for good.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator
from typing import Final

__all__ = ["fewer_collections", "for_worker"]

#: Allocations between collections of the youngest generation, and collections of each
#: generation between collections of the next (the defaults are 700, 10, 10).
BUILD_THRESHOLDS: Final = (50_000, 50, 100)

_LOCK = threading.Lock()
_ACTIVE = 0
_SAVED: tuple[int, ...] = ()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with :data:`BUILD_THRESHOLDS`; the thresholds found on entry are put
    back when the last such block (of any thread) ends.

    Examples
    --------
    >>> import gc
    >>> before = gc.get_threshold()
    >>> with fewer_collections():
    ...     gc.get_threshold()
    (50000, 50, 100)
    >>> gc.get_threshold() == before
    True
    """
    global _ACTIVE, _SAVED
    with _LOCK:
        if _ACTIVE == 0:
            _SAVED = gc.get_threshold()
            gc.set_threshold(*BUILD_THRESHOLDS)
        _ACTIVE += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE -= 1
            if _ACTIVE == 0:
                gc.set_threshold(*_SAVED)


def for_worker() -> None:
    """Settings for a worker process that only builds chapters: the objects it holds now
    (the dataset it was given) are never looked at again by the collector, and the
    thresholds are those of a build for the life of the process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*BUILD_THRESHOLDS)
