"""Progress of long work: a bar where someone watches, messages on request, nothing in a script."""

from __future__ import annotations

import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

import cdop
from cdop import _progress
from cdop._progress import in_kernel, interactive, progress_tracker


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


class _Handle:
    """What ``IPython.display.display(..., display_id=True)`` returns, recording each redraw."""

    def __init__(self, shown: list[dict[str, str]]) -> None:
        self.shown = shown

    def update(self, bundle: dict[str, str], *, raw: bool) -> None:
        assert raw
        self.shown.append(bundle)


def _fake_kernel(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """An IPython whose shell is a Jupyter kernel's; returns the list of bundles drawn."""
    shown: list[dict[str, str]] = []

    def display(bundle: dict[str, str], *, raw: bool, display_id: bool) -> _Handle:
        assert raw and display_id
        shown.append(bundle)
        return _Handle(shown)

    kernel_shell = type("ZMQInteractiveShell", (), {})
    derived = type("Shell", (kernel_shell,), {})()  # e.g. a hosted notebook's own shell
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: derived  # type: ignore[attr-defined]
    fake.display = types.SimpleNamespace(display=display)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    return shown


def test_in_a_kernel_the_bar_is_one_display_redrawn_in_place(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CDOP_PROGRESS", raising=False)
    shown = _fake_kernel(monkeypatch)
    monkeypatch.setattr(_progress, "_REDRAW", 0.0)  # every change redrawn
    assert in_kernel() and interactive()
    with progress_tracker(None, total=5, desc="chapter", unit="steps") as tracker:
        tracker.note("starting")
        for k in range(3):
            tracker.step(f"section {k}")
    # Nothing on the error stream: the notebook keeps the display, not a stream of redraws.
    assert capsys.readouterr().err == ""
    first, *_, last = shown
    assert first["text/plain"].startswith("chapter:   0%|")
    assert last["text/plain"].startswith("chapter: 100%|")
    assert "3/3 steps" in last["text/plain"] and last["text/plain"].endswith(", section 2")
    assert "\n" not in last["text/plain"]
    html = last["text/html"]
    assert "<progress value='3' max='3'" in html and "chapter: 100% 3/3 steps" in html
    assert "|" not in html  # the drawn bar is the <progress> element, not text


def test_a_notebook_bar_is_redrawn_at_most_ten_times_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = _fake_kernel(monkeypatch)
    with progress_tracker(True, total=1000, desc="areas") as tracker:
        for k in range(1000):
            tracker.step(f"area {k}")
    # First and last drawing, and few in between: 1000 quick steps are not 1000 messages.
    assert 2 <= len(shown) <= 10
    assert "1000/1000" in shown[-1]["text/plain"]


def test_a_failed_run_in_a_kernel_leaves_the_bar_where_it_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = _fake_kernel(monkeypatch)

    def run() -> None:
        with progress_tracker(True, total=10, desc="work") as tracker:
            tracker.step("one")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        run()
    assert "1/10" in shown[-1]["text/plain"] and "100%" not in shown[-1]["text/plain"]


_CELL = """\
import time
from cdop._progress import progress_tracker

with progress_tracker(None, total=40, desc="chapter", unit="steps") as tracker:
    for k in range(30):
        tracker.note(f"working on part {k}")
        time.sleep(0.01)
        tracker.step(f"part {k} done")
"""


def test_an_executed_notebook_keeps_one_finished_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real kernel, as ``jupyter nbconvert --execute`` runs one: one small output stored."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    exporters = pytest.importorskip("nbconvert.exporters")
    pytest.importorskip("ipykernel")
    monkeypatch.delenv("CDOP_PROGRESS", raising=False)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(_CELL))]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs: list[Any] = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data"], outputs
    text = outputs[0].data["text/plain"]
    assert text.startswith("chapter: 100%|") and "30/30 steps" in text
    assert text.endswith(", part 29 done") and "\n" not in text
    assert len(outputs[0].data["text/html"]) < 1000
    body, _ = exporters.HTMLExporter().from_notebook_node(nb)
    # The finished bar once, and no earlier drawing of it.
    assert body.count("chapter:") == 1 and "chapter: 100%" in body
    assert body.count("<progress") == 1
