"""The workbook writer on its own: cells, styles, sheets and the package, read back with
openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from cdop.report._xlsx_writer import (
    A4,
    Alignment,
    CellStyle,
    Font,
    Properties,
    Workbook,
    column_letter,
)

_PLAIN = CellStyle(Font("Arial", 10))


def _read(book: Workbook) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(book.save(Properties(title="t"))))


def test_values_keep_their_type() -> None:
    book = Workbook()
    ws = book.add_sheet("Data")
    style = book.style(_PLAIN)
    values = ["=A1", "12", " both ", "tab\tand\nline", True, False, 7, -2.5, 1e-7, None]
    for row, value in enumerate(values, start=1):
        ws.write(row, 2, value, style)
    ws.write_number(11, 2, float("inf"), style)
    sheet = _read(book)["Data"]
    cells = [sheet.cell(row=r, column=2) for r in range(1, 12)]
    assert [c.value for c in cells] == [*values, None]
    assert [c.data_type for c in cells[:7]] == ["s", "s", "s", "s", "b", "b", "n"]
    assert all(c.has_style for c in cells)  # the empty ones keep their format
    assert sheet.dimensions == "B1:B11"


def test_later_write_replaces_a_cell_and_rows_come_out_in_order() -> None:
    book = Workbook()
    ws = book.add_sheet("Data")
    ws.write(3, 2, "late")
    ws.write(1, 3, "first")
    ws.write(1, 1, "before")
    ws.write(3, 2, "replaced")
    sheet = _read(book)["Data"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["before", None, "first"],
        [None, None, None],
        [None, "replaced", None],
    ]


def test_styles_are_shared_and_builtin_formats_keep_their_number() -> None:
    book = Workbook()
    header = CellStyle(
        Font("Arial", 10, bold=True, color="1A1A1A"),
        fill="DCE6F0",
        rule="1F4E79",
        alignment=Alignment("left", "top", wrap=True),
    )
    two = CellStyle(Font("Arial", 10), number_format="0.00")
    odd = CellStyle(Font("Arial", 10), number_format='0.0" deaths"')
    ids = [book.style(s) for s in (header, two, odd, header, CellStyle(Font("Arial", 10)))]
    assert ids == [1, 2, 3, 1, 4]
    ws = book.add_sheet("Data")
    for col, style in enumerate(ids, start=1):
        ws.write(1, col, 1.5, style)
    data = book.save(Properties())
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    cell = sheet["A1"]
    assert (cell.font.name, cell.font.sz, cell.font.b, cell.font.color.rgb) == (
        "Arial",
        10,
        True,
        "001A1A1A",
    )
    assert (cell.fill.patternType, cell.fill.fgColor.rgb) == ("solid", "00DCE6F0")
    assert (cell.border.bottom.style, cell.border.bottom.color.rgb) == ("thin", "001F4E79")
    assert (cell.alignment.horizontal, cell.alignment.vertical, cell.alignment.wrap_text) == (
        "left",
        "top",
        True,
    )
    assert [sheet.cell(row=1, column=c).number_format for c in (2, 3, 5)] == [
        "0.00",
        '0.0" deaths"',
        "General",
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("xl/styles.xml").decode()
    assert 'numFmtId="2"' in styles and '<numFmt numFmtId="164"' in styles
    assert styles.count("<font>") == 3  # the default, the bold and the plain


def test_sheet_settings() -> None:
    book = Workbook()
    first = book.add_sheet("First")
    first.write(1, 1, "x")
    ws = book.add_sheet("It's")
    ws.write(1, 1, "caption")
    ws.column_width(2, 12.5)
    ws.freeze_rows(3)
    ws.print_title_rows(3, 3)
    ws.page_setup(A4, fit_to_width=True)
    first.link(1, 1, "'It''s'!A1", display="It's")
    read = _read(book)
    sheet = read["It's"]
    assert read.sheetnames == ["First", "It's"]
    assert sheet.column_dimensions["B"].width == 12.5
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert (sheet.page_setup.paperSize, sheet.page_setup.fitToWidth) == (9, 1)
    assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    link = read["First"]["A1"].hyperlink
    assert (link.location, link.display) == ("'It''s'!A1", "It's")
    plain = read["First"]
    assert plain.freeze_panes is None and plain.print_title_rows is None
    assert (
        not plain.sheet_properties.pageSetUpPr or not plain.sheet_properties.pageSetUpPr.fitToPage
    )


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "a[1]", "'quoted'", "what?", "DATA"])
def test_sheet_names_excel_refuses(name: str) -> None:
    book = Workbook()
    book.add_sheet("Data")
    with pytest.raises(ValueError, match="sheet"):
        book.add_sheet(name)


def test_refuses_what_a_cell_cannot_hold() -> None:
    book = Workbook()
    ws = book.add_sheet("Data")
    with pytest.raises(TypeError):
        ws.write(1, 1, dt.date(2024, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="row numbers"):
        ws.write(0, 1, "x")
    with pytest.raises(ValueError, match="column numbers"):
        ws.write(1, 0, "x")
    with pytest.raises(ValueError, match="at least one sheet"):
        Workbook().save(Properties())


def test_properties_and_dates() -> None:
    book = Workbook()
    book.add_sheet("Data").write(1, 1, 1)
    props = Properties(
        title="A & B <c>",
        subject="s\x00",
        creator="cdop",
        last_modified_by="cdop",
        description="",
        language="en-GB",
    )
    data = book.save(props, dt.date(1975, 6, 1))
    read = openpyxl.load_workbook(io.BytesIO(data)).properties
    assert (read.title, read.subject, read.creator, read.lastModifiedBy) == (
        "A & B <c>",
        "s\ufffd",
        "cdop",
        "cdop",
    )
    assert read.description is None and read.language == "en-GB"
    assert read.created == read.modified == dt.datetime(1975, 6, 1)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}  # zip's first day
    assert book.save(props, dt.date(1975, 6, 1)) == data


def test_column_letters() -> None:
    assert [column_letter(n) for n in (1, 2, 26, 27, 28, 702, 703, 16384)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
        "XFD",
    ]
