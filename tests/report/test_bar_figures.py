"""A bar chart is printed only when enough of its counts are shown to tell a reader
anything; otherwise the chapter says why there is no figure.

Read as a reader does: the Markdown chapter's tables give the shown counts, and the
figure is there (an image) or not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cdop
from cdop.report import build
from cdop.report.sections._base import TOO_FEW_BARS

# figure file -> (start of the title of the table holding its counts, the column)
BARS = {
    "category.png": ("Modifiable factors by category of death", "Reviews"),
    "factor_named.png": (
        "Reviews recording each factor, and recording it as modifiable",
        "Modifiable",
    ),
    "sudi_sleep_place.png": ("Sudden unexpected deaths in infancy reviewed, by where", None),
}


def _table_column(md: str, title: str, column: str | None) -> list[str]:
    """The cells of one column of the table whose caption starts with ``title`` (the
    last column when None), Total row left out."""
    lines = md.splitlines()
    start = next(
        i for i, line in enumerate(lines) if re.search(r"Table \d+\. " + re.escape(title), line)
    )
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    header, body = rows[0], [r for r in rows[2:] if r[0] != "Total"]
    at = len(header) - 1 if column is None else header.index(column)
    return [r[at] for r in body]


def _expected(cells: list[str]) -> bool:
    shown = [int(c.split(" ")[0].replace(",", "")) for c in cells if c != "*"]
    # at least two bars above zero, and at least a third of the bars shown
    return sum(v > 0 for v in shown) >= 2 and 3 * len(shown) >= len(cells)


@pytest.mark.parametrize("year", ["2022/23", "2024/25"])
def test_bar_figures_only_where_their_counts_are_shown(tmp_path: Path, year: str) -> None:
    out = tmp_path / "report"
    build(cdop.load_sample(), out=out, year=year, formats=["md"])
    md = (out / "chapter.md").read_text()
    outcomes = set()
    for figure, (title, column) in BARS.items():
        if not re.search(r"Table \d+\. " + re.escape(title), md):
            continue
        expected = _expected(_table_column(md, title, column))
        outcomes.add(expected)
        assert (f"(figures/{figure})" in md) is expected, figure
    # the sample has both: a chart worth drawing and one left out
    assert outcomes == {True, False}
    assert TOO_FEW_BARS in md
