"""The notebooks in ``notebooks/`` run from a clean kernel without error and are committed
clean (their code is type-checked in ``test_notebooks_typed.py``).

Each notebook is executed by nbclient in a new kernel of this interpreter (the ``python3``
kernel of ipykernel resolves to ``sys.executable``), with matplotlib's inline backend (no
display needed) and a temporary working folder. The committed files must carry no outputs
or execution counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [path.stem for path in NOTEBOOKS]
TIMEOUT = 120  # seconds per cell


def test_the_notebooks_are_there() -> None:
    assert {path.name for path in NOTEBOOKS} >= {
        "coordinator-walkthrough.ipynb",
        "analyst-deprivation.ipynb",
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_has_no_outputs(path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [], f"cell {cell.get('id')} has outputs"
        assert cell.execution_count is None, f"cell {cell.get('id')} has an execution count"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_from_a_clean_kernel(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # The kernel inherits this environment: matplotlib's inline backend (the kernel's own,
    # which needs no display), no user configuration.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.delenv("PYTHONSTARTUP", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    # A progress bar leaves one finished output, not a text bar redrawn on the error stream.
    streams = [
        output.text
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stderr"
    ]
    assert not [text for text in streams if "%|" in text], streams
    bars = [
        output.data["text/plain"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "display_data"
        and "cdop-progress" in output.data.get("text/html", "")
    ]
    assert all("100%|" in bar and "\n" not in bar for bar in bars), bars
    if path.stem == "coordinator-walkthrough":
        assert len(bars) == 1  # the chapter's build
    # Every code cell ran, in order.
    counts = [cell.execution_count for cell in nb.cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
