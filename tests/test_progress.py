"""Progress of long work: a bar where someone watches, messages on request, nothing in a script."""

from __future__ import annotations

import sys
import types

import pytest

import cdop
from cdop._progress import interactive, progress_tracker


def test_off_by_default_where_nobody_watches(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CDOP_PROGRESS", raising=False)
    assert interactive() is False  # pytest: no notebook, no interactive prompt
    with progress_tracker(None, total=3, desc="chapter") as tracker:
        tracker.step("one")
    assert not tracker.shown
    assert capsys.readouterr().err == ""


def test_on_in_a_jupyter_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDOP_PROGRESS", raising=False)
    shell = type("ZMQInteractiveShell", (), {})()
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert interactive() is True
    terminal = type("TerminalInteractiveShell", (), {})()
    fake.get_ipython = lambda: terminal  # type: ignore[attr-defined]
    assert interactive() is False  # IPython on a terminal: decided by the terminal


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("on", True), ("0", False)])
def test_environment_decides(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("CDOP_PROGRESS", value)
    assert interactive() is expected


def test_a_bar_counts_the_steps_and_ends_at_100_percent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with progress_tracker(True, total=10, desc="chapter", unit="steps") as tracker:
        for k in range(4):
            tracker.step(f"step {k}")
    err = capsys.readouterr().err
    # Four steps of an estimated ten: the finished bar says 4/4, 100%.
    assert "chapter: 100%" in err and "4/4 steps" in err


def test_a_failed_run_leaves_the_bar_where_it_stopped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def run() -> None:
        with progress_tracker(True, total=10, desc="work") as tracker:
            tracker.step("one")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        run()
    err = capsys.readouterr().err
    assert "1/10" in err and "100%" not in err


def test_messages_go_to_the_function() -> None:
    seen: list[str] = []
    with progress_tracker(seen.append, total=2, desc="chapter") as tracker:
        tracker.note("starting")
        tracker.step("first")
        tracker.step("second")
    assert seen == ["starting", "first", "second"]


def test_a_wrong_option_explains_itself() -> None:
    with pytest.raises(cdop.CdopArgumentError, match="progress: expected None"):
        progress_tracker("yes", total=1, desc="x")  # type: ignore[arg-type]
