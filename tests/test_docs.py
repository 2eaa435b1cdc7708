"""The documentation builds with Sphinx, warnings as errors (skipped without Sphinx)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-E",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOCS),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    html = tmp_path / "html"
    for page in ["index", "user-guide", "data-contract", "analytics", "methods-statistics", "api"]:
        assert (html / f"{page}.html").is_file(), page
    # The notebooks, committed without outputs, are shown executed: their tables and
    # figures are in the pages.
    coordinator = (html / "notebooks" / "coordinator-walkthrough.html").read_text("utf-8")
    assert "cdop-validation" in coordinator and "cdop-chapter" in coordinator
    assert "[review_durations]" in coordinator  # the chapter lists its tables by id
    # The build's progress bar as it finished, once: no redraws, no text bar on stderr.
    assert coordinator.count("chapter: 100%") == 1 and "chapter:   0%" not in coordinator
    analyst = (html / "notebooks" / "analyst-deprivation.html").read_text("utf-8")
    assert "cdop-dataset" in analyst and "<img" in analyst
    api = (html / "api.html").read_text(encoding="utf-8")
    # Signatures and constants read as written: no expanded numpy unions, no object reprs.
    assert "_SupportsArray" not in api and "_NestedSequence" not in api
    assert " object&gt;" not in api and " object>" not in api
    # No attribute's first sentence taken for its type (napoleon splits a first line at ":").
    assert 'Type<span class="colon">' not in api
    for name in [
        "cdop.read_dataset",
        "cdop.validate",
        "cdop.analytics.infant_mortality",
        "cdop.stats.rate",
        "cdop.disclosure.suppress_table",
        "cdop.report.build",
        "cdop.plots.funnel_plot",
        "cdop.schema",
    ]:
        assert f'id="{name}"' in api or f'id="module-{name}"' in api, name


def test_every_markdown_page_is_in_the_table_of_contents() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in sorted(DOCS.glob("*.md")):
        if page.stem != "index":
            assert f"\n{page.stem}\n" in index, f"{page.name} is not listed in docs/index.md"
