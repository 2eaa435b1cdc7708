"""The cycle collector's thresholds during a build, and after it."""

from __future__ import annotations

import gc
import threading

from cdop._collect import BUILD_THRESHOLDS, fewer_collections


def test_thresholds_are_raised_in_a_build_and_put_back_after() -> None:
    before = gc.get_threshold()
    gc.set_threshold(900, 11, 12)
    try:
        with fewer_collections():
            assert gc.get_threshold() == BUILD_THRESHOLDS
            with fewer_collections():  # nested: still raised, not put back early
                pass
            assert gc.get_threshold() == BUILD_THRESHOLDS
        assert gc.get_threshold() == (900, 11, 12)
    finally:
        gc.set_threshold(*before)


def test_thresholds_put_back_when_the_last_of_several_threads_ends() -> None:
    before = gc.get_threshold()
    entered = threading.Barrier(3)
    leave = threading.Event()

    def build() -> None:
        with fewer_collections():
            entered.wait()
            leave.wait()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    entered.wait()
    assert gc.get_threshold() == BUILD_THRESHOLDS
    leave.set()
    for t in threads:
        t.join()
    assert gc.get_threshold() == before


def test_an_error_in_the_build_puts_the_thresholds_back() -> None:
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
