"""Excel renderer: About sheet, one sheet per table, every cell, numbers as numbers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
from report_fixtures import STAMP, make_chapter

from cdop.report._xlsx import render_xlsx, sheet_names


def _open(data: bytes):  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(io.BytesIO(data))


def _shown(cell) -> str:  # type: ignore[no-untyped-def]
    """The text Excel shows for a cell written by the renderer."""
    if isinstance(cell.value, int):
        return f"{cell.value:,}" if cell.number_format == "#,##0" else str(cell.value)
    return "" if cell.value is None else str(cell.value)


def test_sheets_about_first_then_one_per_table() -> None:
    chapter = make_chapter()
    book = _open(render_xlsx(chapter))
    assert book.sheetnames == ["About", *(t.id for t in chapter.tables)]


def test_every_cell_caption_header_notes() -> None:
    chapter = make_chapter()
    book = _open(render_xlsx(chapter))
    for table in chapter.tables:
        ws = book[table.id]
        assert ws["A1"].value == table.caption
        assert ws["A1"].font.b
        header = [c.value for c in ws[2]]
        assert tuple(header) == table.header
        assert all(c.font.b for c in ws[2])
        body = [tuple(_shown(c) for c in row) for row in ws.iter_rows(min_row=3)]
        assert body[: len(table.rows)] == list(table.rows)
        notes = [row[0] for row in body[len(table.rows) :] if row[0]]
        assert notes == list(table.notes)
        assert ws.freeze_panes == "A3"
        for j, _ in enumerate(table.header):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(j + 1)].width
            assert 8 <= width <= 60


def test_plain_integers_are_numbers_markers_stay_text() -> None:
    book = _open(render_xlsx(make_chapter()))
    ws = book["notifications_by_year"]
    assert ws["B3"].value == 1234 and ws["B3"].number_format == "#,##0"
    assert ws["B4"].value == 48 and ws["B4"].number_format == "0"
    assert ws["B5"].value == 0
    assert ws["C3"].value == "16 (57%)"
    assert ws["C4"].value == "*"
    assert ws["D4"].value == "12.5"  # a rate stays as displayed, not re-rounded by Excel
    assert ws["A3"].value == "2019/20"
    assert ws["B3"].alignment.horizontal == "right"
    assert ws["A3"].alignment.horizontal == "left"


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
    assert tuple(c.value for c in ws[3]) == chapter.tables[0].header
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
