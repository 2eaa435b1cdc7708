"""Excel renderer: About sheet, one sheet per table of values, numbers as numbers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from report_fixtures import STAMP, make_chapter

from cdop.report._xlsx import LAYOUT_NOTE, render_xlsx, sheet_names


def _open(data: bytes):  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(io.BytesIO(data))


def _value(value: object) -> object:
    """A value of a table's tidy frame as the sheet holds it (missing: an empty cell)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def test_sheets_about_first_then_one_per_table() -> None:
    chapter = make_chapter()
    book = _open(render_xlsx(chapter))
    assert book.sheetnames == ["About", *(t.id for t in chapter.tables)]


def test_every_value_caption_header_notes() -> None:
    chapter = make_chapter()
    book = _open(render_xlsx(chapter))
    for table in chapter.tables:
        ws = book[table.id]
        assert ws["A1"].value == table.caption
        assert ws["A1"].font.b
        header = [c.value for c in ws[2]]
        assert header == list(table.tidy.columns)
        assert all(c.font.b for c in ws[2])
        body = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
        expected = [[_value(v) for v in r] for r in table.tidy.itertuples(index=False)]
        assert body[: len(expected)] == expected
        notes = [row[0] for row in body[len(expected) :] if row[0]]
        assert notes == list(table.notes)
        assert ws.freeze_panes == "A3"
        for j, _ in enumerate(header):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(j + 1)].width
            assert 8 <= width <= 60


def test_counts_are_numbers_and_hidden_counts_empty_never_the_marker() -> None:
    book = _open(render_xlsx(make_chapter()))
    ws = book["notifications_by_year"]
    assert [c.value for c in ws[2]] == ["year", "period", "measure", "count", "rate", "suppressed"]
    assert ws["A3"].value == 2019 and ws["A3"].number_format == "0"
    assert ws["B3"].value == "2019/20" and ws["B3"].data_type == "s"
    assert ws["D3"].value == 1234 and ws["D3"].number_format == "0"
    assert ws["D5"].value == 0
    # 2020/21 reviews: hidden, an empty cell flagged in its own column.
    assert ws["D7"].value is None and ws["F7"].value is True
    assert ws["F3"].value is False
    # A float column is written with the decimals it was rounded to.
    assert ws["E4"].value == 12.5 and ws["E4"].number_format == "0.0"
    assert ws["D3"].alignment.horizontal == "right"
    assert ws["B3"].alignment.horizontal == "left"
    every = [c.value for row in book.worksheets[1:] for r in row.iter_rows() for c in r]
    assert "*" not in every


def test_about_sheet() -> None:
    chapter = make_chapter(STAMP)
    values = [c.value for row in _open(render_xlsx(chapter))["About"].iter_rows() for c in row]
    for expected in (
        chapter.title,
        chapter.subtitle,
        chapter.date_text,
        STAMP,
        chapter.disclosure_note,
        *(v for pair in chapter.provenance for v in pair),
        *(t.caption for t in chapter.tables),
        LAYOUT_NOTE,
    ):
        assert expected in values


def test_stamp_on_every_sheet_only_when_set() -> None:
    chapter = make_chapter(STAMP)
    book = _open(render_xlsx(chapter))
    for name in book.sheetnames:
        assert STAMP in [c.value for row in book[name].iter_rows() for c in row]
    # The header row moves down one to make room for the stamp.
    ws = book[chapter.tables[0].id]
    assert ws["A2"].value == STAMP
    assert [c.value for c in ws[3]] == list(chapter.tables[0].tidy.columns)
    unstamped = render_xlsx(make_chapter())
    with zipfile.ZipFile(io.BytesIO(unstamped)) as z:
        assert all(STAMP.encode() not in z.read(n) for n in z.namelist())


def test_fixed_dates() -> None:
    data = render_xlsx(make_chapter(), dt.date(2026, 11, 25))
    book = _open(data)
    assert book.properties.created == dt.datetime(2026, 11, 25)
    assert book.properties.modified == dt.datetime(2026, 11, 25)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 25, 0, 0, 0)}


def test_sheet_names_are_legal_short_and_unique() -> None:
    names = sheet_names(["a/b", "About", "x" * 40, "X" * 40, "q?"])
    assert names == ["a_b", "About_2", "x" * 31, "X" * 29 + "_2", "q_"]
    assert len({n.lower() for n in names} | {"about"}) == len(names) + 1


def test_remembered_style_indexes_write_the_file_plain_assignments_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each house style's index is remembered after openpyxl first adds it to the
    workbook; the file is byte for byte the one openpyxl writes when every cell's style
    is assigned through openpyxl (which looks the index up every time)."""
    from cdop.report import _xlsx

    chapter = make_chapter()
    fast = render_xlsx(chapter)

    def plain(self: _xlsx._Cells, cell: object, attr: str, name: str) -> None:
        setattr(cell, attr, self._styles[name])

    monkeypatch.setattr(_xlsx._Cells, "style", plain)
    assert render_xlsx(chapter) == fast
    book = _open(fast)
    header = book[chapter.tables[0].id][2]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith(_xlsx.HEADER_FILL_RGB) for c in header)
