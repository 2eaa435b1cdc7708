"""The notebooks' code passes ``mypy --strict``, as the library's own code does.

Each notebook is exported as a script (``jupyter nbconvert --to script``, here through
nbconvert's ``PythonExporter``) and checked with the project's mypy settings
(``pyproject.toml``: strict, pandas-stubs). The check shares the project's mypy cache, so
after ``scripts/test.sh`` has run mypy on the library it takes a second or two.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nbconvert import PythonExporter

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_both_notebooks_are_checked() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "analyst-deprivation.ipynb",
        "coordinator-walkthrough.ipynb",
    ]


def test_notebook_code_passes_mypy_strict(tmp_path: Path) -> None:
    exporter = PythonExporter()
    scripts = []
    for notebook in NOTEBOOKS:
        code, _ = exporter.from_filename(str(notebook))
        assert "import cdop" in code, notebook.name
        assert "get_ipython" not in code, f"{notebook.name}: a magic command is not plain Python"
        script = tmp_path / f"{notebook.stem.replace('-', '_')}.py"
        script.write_text(code, encoding="utf-8")
        scripts.append(str(script))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--strict",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            *scripts,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found in 2 source files" in result.stdout
