"""Hostile text (formula prefixes, markup, control characters, very long strings, every
Unicode category) through every writer: no live formula, no markup, every file opens.

The rule for spreadsheet cells is OWASP's advice against CSV injection: a cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe
(https://owasp.org/www-community/attacks/CSV_Injection).
"""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hostile_helpers import HOSTILE, assert_outputs_safe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_fixtures import bar_figure

from cdop._safe import FORMULA_PREFIXES, check_name, neutralise_cell, xml_text
from cdop.errors import CdopArgumentError
from cdop.report._model import Chapter, ReportTable, Section
from cdop.report._render import render


def _chapter(text: str, cells: list[str], stamp: str | None) -> Chapter:
    # pandas cannot name a column with a lone surrogate: such text goes into cells only.
    column = text if text and not re.search("[\ud800-\udfff]", text) else "blank"
    table = ReportTable(
        id="hostile",
        title=f"Table of {text}",
        header=("Area", text or "blank", "Count"),
        rows=tuple((c, text, "12") for c in cells) or (("a", "b", "1"),),
        tidy=pd.DataFrame(
            {"area": cells or ["a"], column: [text] * max(len(cells), 1), "n": 12},
            dtype=object,  # pandas' own string type cannot hold a lone surrogate
        ),
        notes=(f"Note: {text}",),
        number=1,
    )
    return Chapter(
        title=f"Chapter: {text}",
        subtitle=f"Reviewed by {text}",
        date_text=text,
        intro=(text,),
        sections=(Section("s", text or "Section", (text,), (table,), (bar_figure(),)),),
        provenance=(("Options", text),),
        stamp=stamp,
        disclosure_note=text,
    )


_ANY_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()),  # every category
    max_size=40,
)
_PREFIXED = st.builds(lambda p, t: p + t, st.sampled_from(FORMULA_PREFIXES), _ANY_TEXT)
_LONG = st.builds(lambda c, n: c * n, st.characters(), st.integers(200, 3000))
_HOSTILE_TEXT = st.one_of(_ANY_TEXT, _PREFIXED, _LONG, st.sampled_from(HOSTILE))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_HOSTILE_TEXT,
    cells=st.lists(_HOSTILE_TEXT, max_size=4),
    stamp=st.one_of(st.none(), _HOSTILE_TEXT),
)
def test_every_writer_survives_hostile_text(
    tmp_path_factory: pytest.TempPathFactory, text: str, cells: list[str], stamp: str | None
) -> None:
    out = tmp_path_factory.mktemp("hostile")
    written = render(_chapter(text, cells, stamp or None), out)
    assert {p.resolve().is_relative_to(out.resolve()) for p in written} == {True}
    assert assert_outputs_safe(out) == len(written)


@pytest.mark.parametrize("value", HOSTILE)
def test_each_hostile_example_is_written_inert(value: str, tmp_path: Path) -> None:
    chapter = _chapter(value, [value, "Northmoor"], None)
    written = render(chapter, tmp_path)
    assert assert_outputs_safe(tmp_path) == len(written)


def test_comparison_workbook_hyperlink_is_text(tmp_path: Path) -> None:
    """The example: an area named =HYPERLINK(...) was a live formula in the workbook."""
    import openpyxl

    name = '=HYPERLINK("http://evil.example","click")'
    written = render(_chapter("areas", [name], None), tmp_path, ["xlsx", "csv"])
    book = openpyxl.load_workbook(tmp_path / "chapter.xlsx")
    values = [c.value for row in book["hostile"].iter_rows() for c in row]
    assert "'" + name in values
    assert name not in values
    with zipfile.ZipFile(tmp_path / "chapter.xlsx") as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet2.xml").decode()
    rows = list(csv.reader((tmp_path / "tables" / "hostile.csv").open(encoding="utf-8")))
    assert ["'" + name, "areas", "12"] in rows
    assert len(written) > 2


def test_neutralise_keeps_numbers_and_plain_text() -> None:
    # Numbers stay numbers (OWASP: only cells that would start a formula are escaped).
    assert [neutralise_cell(v) for v in ("-3", "-0.123", "+4", "1e-3", "-1,234")] == [
        "-3",
        "-0.123",
        "+4",
        "1e-3",
        "-1,234",
    ]
    assert neutralise_cell("-1.2 (-2.0 to -0.4)") == "'-1.2 (-2.0 to -0.4)"
    assert neutralise_cell("Northmoor") == "Northmoor"
    assert xml_text("a\x00b\ufffec") == "a\ufffdb\ufffdc"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("North\tmoor", "U+0009 (a control character)"),
        ("Panel\x00", "U+0000 (a control character)"),
        ("\u202eevil", "U+202E (an invisible or unassigned character)"),
        ("line\u2028break", "U+2028 (a line separator)"),
        ("   ", "blank"),
        ("p" * 231, "231 characters long; at most 200"),
    ],
)
def test_names_are_checked_up_front(name: str, message: str) -> None:
    with pytest.raises(CdopArgumentError, match=re.escape(message)):
        check_name(name, "panel")


def test_word_properties_hold_a_long_title(tmp_path: Path) -> None:
    """Word allows 255 characters in a document property; a longer title is cut, not fatal."""
    import docx

    title = "N" * 300
    render(_chapter(title, ["a"], None), tmp_path, ["docx"])
    props = docx.Document(str(tmp_path / "chapter.docx")).core_properties
    assert len(props.title) == 255 and props.title.endswith("…")
