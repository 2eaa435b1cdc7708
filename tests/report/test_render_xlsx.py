"""Excel renderer: About sheet, one sheet per table of values, numbers as numbers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pandas as pd
from report_fixtures import STAMP, make_chapter

from cdop.report._model import Chapter, ReportTable, Section
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


def test_sheet_names_from_hostile_ids_make_a_workbook_excel_opens() -> None:
    # Ids differing only in characters XML forbids, and an id whose cut ends with an
    # apostrophe (Excel refuses a sheet name ending with one): distinct, legal names, and
    # the workbook opens with every sheet (found by an independent review).
    import dataclasses

    ids = ["a\x01", "a\x02", "x" * 30 + "'y", "'quoted'"]
    names = sheet_names(ids)
    assert names == ["a_", "a__2", "x" * 30, "quoted"]
    base = make_chapter()
    table = base.tables[0]
    tables = tuple(dataclasses.replace(table, id=ident) for ident in ids)
    section = Section(id="s", title="S", paragraphs=(), tables=tables)
    chapter = dataclasses.replace(base, sections=(section,))
    book = _open(render_xlsx(chapter))
    assert book.sheetnames == ["About", *names]
    assert book[names[2]]["A1"].value == tables[2].caption


def _font(cell: Any) -> tuple[object, ...]:
    font = cell.font
    return (font.name, font.sz, bool(font.b), font.color.rgb if font.color else None)


def _look(cell: Any) -> tuple[object, ...]:
    """What a reader sees of a cell's format: font, fill, rule below, alignment, format."""
    fill = cell.fill.fgColor.rgb if cell.fill.patternType == "solid" else None
    bottom = cell.border.bottom
    rule = (bottom.style, bottom.color.rgb) if bottom is not None and bottom.style else None
    align = (cell.alignment.horizontal, cell.alignment.vertical, bool(cell.alignment.wrap_text))
    return (_font(cell), fill, rule, align, cell.number_format)


_TEXT = ("Arial", 10.0, False, "001A1A1A")
_BOLD = ("Arial", 10.0, True, "001A1A1A")
_CAPTION = ("Arial", 12.0, True, "001F4E79")
_STAMP = ("Arial", 11.0, True, "00B00020")
_NOTE = ("Arial", 9.0, False, "001A1A1A")
_LEFT = ("left", "top", False)
_RIGHT = ("right", "top", False)
_WRAP = ("left", "top", True)
_NONE = (None, None, False)
_HEADER = (_BOLD, "00DCE6F0", ("thin", "001F4E79"), _LEFT, "General")


def test_table_sheet_styles_cell_by_cell() -> None:
    """Caption, stamp, header (bold, filled, ruled), text left, numbers right in the
    decimals of their column, booleans left, notes small."""
    book = _open(render_xlsx(make_chapter(STAMP)))
    ws = book["notifications_by_year"]
    assert _look(ws["A1"]) == (_CAPTION, None, None, _NONE, "General")
    assert _look(ws["A2"]) == (_STAMP, None, None, _NONE, "General")
    assert [_look(c) for c in ws[3]] == [_HEADER] * 6
    assert [_look(c) for c in ws[4]] == [
        (_TEXT, None, None, _RIGHT, "0"),  # year
        (_TEXT, None, None, _LEFT, "General"),  # period
        (_TEXT, None, None, _LEFT, "General"),  # measure
        (_TEXT, None, None, _RIGHT, "0"),  # count
        _look(ws["E4"]),  # rate: missing in this row, checked below
        (_TEXT, None, None, _LEFT, "General"),  # suppressed
    ]
    assert ws["E4"].value is None and ws["E5"].value == 12.5
    assert _look(ws["E5"]) == (_TEXT, None, None, _RIGHT, "0.0")
    assert ws["F4"].data_type == "b"
    notes = [ws.cell(row=r, column=1) for r in (11, 12)]  # after a blank row
    assert [c.value for c in notes] == list(make_chapter().tables[0].notes)
    assert {_look(c) for c in notes} == {(_NOTE, None, None, _NONE, "General")}
    place = book["place_of_death"]
    assert place["C4"].value == 75.0
    assert _look(place["C4"]) == (_TEXT, None, None, _RIGHT, "0.0")


def test_table_sheet_layout_widths_panes_and_printing() -> None:
    for stamp, header_row in ((None, 2), (STAMP, 3)):
        book = _open(render_xlsx(make_chapter(stamp)))
        ws = book["notifications_by_year"]
        widths = [ws.column_dimensions[letter].width for letter in "ABCDEF"]
        # the longest of header and values, plus 2, at least 8
        assert widths == [8, 9, 10, 8, 8, 12]
        assert ws.freeze_panes == f"A{header_row + 1}"
        assert ws.print_title_rows == f"${header_row}:${header_row}"
        for sheet in book.worksheets:
            assert sheet.page_setup.paperSize == 9  # A4
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
            assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        about = book["About"]
        assert about.freeze_panes is None and about.print_title_rows is None
        assert (about.column_dimensions["A"].width, about.column_dimensions["B"].width) == (32, 100)


def test_about_sheet_styles_and_links() -> None:
    chapter = make_chapter(STAMP)
    ws = _open(render_xlsx(chapter))["About"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert _font(cells[chapter.title]) == ("Arial", 14.0, True, "001F4E79")
    assert _look(cells[chapter.subtitle]) == (_TEXT, None, None, _NONE, "General")
    assert _look(cells[STAMP]) == (_STAMP, None, None, _NONE, "General")
    assert _look(cells["Contents"]) == (_CAPTION, None, None, _NONE, "General")
    assert _look(cells["Sheet"]) == (_BOLD, "00DCE6F0", None, _NONE, "General")
    for table in chapter.tables:
        link = cells[table.id]
        assert _look(link) == (_TEXT, None, None, _LEFT, "General")
        assert (link.hyperlink.location, link.hyperlink.display) == (f"'{table.id}'!A1", table.id)
        assert link.hyperlink.target is None  # within the workbook
        assert _look(ws.cell(row=link.row, column=2)) == (_TEXT, None, None, _WRAP, "General")
    assert _look(cells[LAYOUT_NOTE]) == (_TEXT, None, None, _WRAP, "General")
    assert _look(cells["Table sheets"]) == (_BOLD, None, None, _LEFT, "General")
    assert _look(cells["Item"]) == (_BOLD, "00DCE6F0", None, _NONE, "General")


def test_document_properties() -> None:
    chapter = make_chapter(STAMP)
    props = _open(render_xlsx(chapter, dt.date(2026, 3, 31))).properties
    assert (props.title, props.subject, props.description) == (
        chapter.title,
        chapter.subtitle,
        STAMP,
    )
    assert (props.creator, props.lastModifiedBy, props.language) == ("cdop", "cdop", "en-GB")
    assert props.created == props.modified == dt.datetime(2026, 3, 31)
    assert _open(render_xlsx(make_chapter())).properties.description is None


def _odd_chapter() -> Chapter:
    """A chapter whose table holds values a writer may get wrong."""
    tidy = pd.DataFrame(
        {
            "area": pd.Series(
                [
                    "=1+1",
                    "00123",
                    "1e5",
                    "TRUE",
                    "_x0041_",
                    "a\r\nb",
                    "  pad ",
                    "x" * 40_000,
                    "North\x00moor",
                    "<b>&amp;</b>",
                ],
                dtype=object,
            ),
            "count": pd.array([1, None, 3, 4, 5, 6, 7, 8, 9, 10], dtype="Int64"),
            "big": [10**15, -(10**15) + 1, 0, 1, 2, 3, 4, 5, 6, 7],
            "rate": [float("inf"), float("nan"), 0.25, 1.5, 2, 3, 4, 5, 6, 7],
            "suppressed": [True, False] * 5,
        }
    )
    table = ReportTable(
        id="Children's deaths",
        title="Odd values",
        header=("a",),
        rows=(),
        tidy=tidy,
        notes=("Note: & < >",),
        number=1,
    )
    return Chapter(
        title="Odd",
        subtitle="Odd values",
        date_text="",
        intro=(),
        sections=(Section("s", "S", (), (table,), ()),),
    )


def test_text_stays_text_and_numbers_stay_numbers() -> None:
    data = render_xlsx(_odd_chapter())
    book = _open(data)
    assert book.sheetnames == ["About", "Children's deaths"]
    ws = book["Children's deaths"]
    area = [ws.cell(row=r, column=1) for r in range(3, 13)]
    assert [c.value for c in area] == [
        "'=1+1",
        "00123",
        "1e5",
        "TRUE",
        "_x0041_",  # never read as an escaped character
        "a\r\nb",
        "  pad ",
        "x" * 32_767,  # Excel's limit on a cell
        "North\ufffdmoor",
        "<b>&amp;</b>",
    ]
    assert {c.data_type for c in area} == {"s"}
    assert [ws.cell(row=r, column=2).value for r in (3, 4, 5)] == [1, None, 3]
    # 15 digits and more: text, digit for digit, to the left
    assert (ws["C3"].value, ws["C3"].data_type, ws["C3"].alignment.horizontal) == (
        "1000000000000000",
        "s",
        "left",
    )
    assert (ws["C4"].value, ws["C4"].data_type) == (-(10**15) + 1, "n")
    assert (ws["D3"].value, ws["D4"].value, ws["D5"].value) == (None, None, 0.25)
    assert (ws["E3"].value, ws["E4"].value) == (True, False)
    about = book["About"]
    link = next(c for row in about.iter_rows() for c in row if c.hyperlink)
    assert link.hyperlink.location == "'Children''s deaths'!A1"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b"_x005F_x0041_" in z.read("xl/sharedStrings.xml")
        assert all(b"<f>" not in z.read(n) for n in z.namelist())


def test_every_part_is_well_formed_and_listed() -> None:
    data = render_xlsx(_odd_chapter())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
        parts = {name: ElementTree.fromstring(z.read(name)) for name in names}
    overrides = {
        e.get("PartName") for e in parts["[Content_Types].xml"] if e.tag.endswith("Override")
    }
    assert overrides == {"/" + n for n in names if not n.endswith(".rels")} - {
        "/[Content_Types].xml"
    }
    assert render_xlsx(_odd_chapter()) == data  # the same bytes every time
