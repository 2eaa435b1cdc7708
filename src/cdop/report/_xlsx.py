"""The chapter's tables as an Excel workbook: an "About" sheet, then one sheet per table.

Each table sheet has the caption in A1 (the stamp in A2 when set), a bold header row,
the table's values and the notes under the table. The values are those of the table's
CSV file (:attr:`ReportTable.tidy`, in the shared vocabulary of ``docs/vocabulary.md``):
counts, rates and percentages are numbers, a count hidden by disclosure control is an
empty cell, never the marker, and the row's ``suppressed`` column (TRUE/FALSE) says so;
the tables as printed, with the marker, are those of the Markdown, HTML and Word
chapter. Text which a spreadsheet would read as a formula gets a leading apostrophe
(:func:`cdop._safe.neutralise_cell`): no cell of the workbook is ever live. The "About"
sheet holds the title, date, stamp, a list of the tables, the layout of the table sheets,
the disclosure note and the provenance.

The workbook is written by :mod:`cdop.report._xlsx_writer`, part by part, with fixed
dates and order, so the same chapter gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from cdop._safe import neutralise_cell, xml_text
from cdop.report._deterministic import DEFAULT_DOCUMENT_DATE
from cdop.report._house import (
    DISCLOSURE_HEADING,
    FONT,
    HEADER_FILL_RGB,
    HEADING_RGB,
    PROVENANCE_HEADER,
    PROVENANCE_HEADING,
    STAMP_RGB,
    TEXT_RGB,
)
from cdop.report._model import Chapter, ReportTable
from cdop.report._tidy import decimals
from cdop.report._xlsx_writer import (
    A4,
    Alignment,
    CellStyle,
    CellValue,
    Font,
    Properties,
    Workbook,
    Worksheet,
    quote_sheet_name,
)

__all__ = ["ABOUT_SHEET", "LAYOUT_NOTE", "render_xlsx", "sheet_names"]

ABOUT_SHEET: Final = "About"
_MAX_SHEET_NAME: Final = 31
_BAD_SHEET_CHARS: Final = re.compile(r"[\[\]:*?/\\]")
#: Excel holds 15 significant digits: a longer integer stays text, digit for digit.
_EXACT_LIMIT: Final = 10**15
_MIN_WIDTH: Final = 8
_MAX_WIDTH: Final = 60
#: What the About sheet says of the table sheets.
LAYOUT_NOTE: Final = (
    "Each table sheet holds the values of one table in long form, as tables/<id>.csv "
    "does: one row per value, counts and rates as numbers. A count hidden by disclosure "
    "control is an empty cell, and the row's 'suppressed' column is TRUE. The tables as "
    "printed are in the chapter (Markdown, HTML, Word)."
)


def sheet_names(ids: Sequence[str]) -> list[str]:
    """Excel sheet names for table ids: at most 31 characters, legal, unique.

    Excel compares sheet names without case; "About" is taken by the first sheet.

    Examples
    --------
    >>> sheet_names(["reviews", "about", "x" * 40, "x" * 40 + "y"])
    ['reviews', 'about_2', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxx_2']
    >>> sheet_names(["a\x01", "a\x02", "x" * 30 + "'y"])
    ['a_', 'a__2', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """
    taken = {ABOUT_SHEET.lower()}
    names = []
    for ident in ids:
        # Characters XML forbids would all become one replacement character in the file:
        # made "_" here, before names are compared, so that two ids never meet as one.
        legal = _BAD_SHEET_CHARS.sub("_", xml_text(ident).replace("\ufffd", "_"))
        base = legal.strip("'") or "table"
        # A name cut to length must not end with an apostrophe either.
        name = base[:_MAX_SHEET_NAME].rstrip("'") or "table"
        k = 2
        while name.lower() in taken:
            suffix = f"_{k}"
            name = base[: _MAX_SHEET_NAME - len(suffix)].rstrip("'") + suffix
            k += 1
        taken.add(name.lower())
        names.append(name)
    return names


#: The house fonts, by the name the writers below use.
_FONTS: Final = {
    "text": Font(FONT, 10, color=TEXT_RGB),
    "bold": Font(FONT, 10, bold=True, color=TEXT_RGB),
    "caption": Font(FONT, 12, bold=True, color=HEADING_RGB),
    "title": Font(FONT, 14, bold=True, color=HEADING_RGB),
    "stamp": Font(FONT, 11, bold=True, color=STAMP_RGB),
    "note": Font(FONT, 9, color=TEXT_RGB),
}
#: The house alignments: text to the left, numbers to the right, long text wrapped.
_ALIGNMENTS: Final = {
    "left": Alignment("left", "top"),
    "right": Alignment("right", "top"),
    "wrap": Alignment("left", "top", wrap=True),
}


class _Cells:
    """Writes the cells of one workbook in the house styles.

    A style is named by its font, its alignment, whether it is a header cell (filled;
    ``rule``: with a line under it) and its number format; each combination is added to
    the workbook once and its number remembered.
    """

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._ids: dict[tuple[str, str | None, bool, bool, str], int] = {}
        self._texts: dict[str, str] = {}

    def text(self, value: str) -> str:
        """``value`` neutralised (:func:`cdop._safe.neutralise_cell`), remembered for the
        next cell of the same text."""
        out = self._texts.get(value)
        if out is None:
            out = self._texts[value] = neutralise_cell(value)
        return out

    def style(
        self,
        font: str,
        align: str | None = None,
        *,
        fill: bool = False,
        rule: bool = False,
        number_format: str = "General",
    ) -> int:
        """The number of the house style with these parts (see :class:`_Cells`)."""
        key = (font, align, fill, rule, number_format)
        at = self._ids.get(key)
        if at is None:
            at = self._ids[key] = self._book.style(
                CellStyle(
                    font=_FONTS[font],
                    fill=HEADER_FILL_RGB if fill else None,
                    rule=HEADING_RGB if rule else None,
                    alignment=None if align is None else _ALIGNMENTS[align],
                    number_format=number_format,
                )
            )
        return at

    def put(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        value: CellValue,
        font: str,
        align: str | None = None,
        *,
        fill: bool = False,
    ) -> None:
        """Write one cell in the style named ``font`` (and ``align``, ``fill``); text is
        neutralised (never a formula, only characters XML allows)."""
        if isinstance(value, str):
            value = self.text(value)
        ws.write(row, col, value, self.style(font, align, fill=fill))


def _typed(value: object) -> CellValue:
    """The value to write: None for a missing value, Python numbers and booleans."""
    # the plain Python types first (the values of a frame read as objects), then the rest
    if type(value) is str:
        return value or None
    if type(value) is float:
        return None if math.isnan(value) else value
    if type(value) is int:
        return value if abs(value) < _EXACT_LIMIT else str(value)
    if type(value) is bool:
        return value
    if value is None or value is pd.NA or value == "":
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        number = int(value)
        return number if abs(number) < _EXACT_LIMIT else str(number)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    return str(value)


def _number_formats(tidy: pd.DataFrame, values: np.ndarray) -> list[str | None]:
    """The number format of each column: whole numbers, or the decimals of a float column
    (None for text, booleans and anything else). ``values`` are the frame's values as an
    array of objects."""
    out: list[str | None] = []
    for k, dtype in enumerate(tidy.dtypes):
        if dtype.kind in "iu":  # numpy and nullable integers, never booleans
            out.append("0")
        elif dtype.kind == "f":
            # a nullable float column may hold pd.NA: read it from the frame
            floats = values[:, k] if isinstance(dtype, np.dtype) else tidy.iloc[:, k]
            out.append("0." + "0" * decimals(floats))
        else:
            out.append(None)
    return out


def _table_sheet(ws: Worksheet, table: ReportTable, stamp: str | None, st: _Cells) -> None:
    st.put(ws, 1, 1, table.caption, "caption")
    row = 2
    if stamp:
        st.put(ws, row, 1, stamp, "stamp")
        row += 1
    header_row = row
    tidy = table.tidy
    header = [str(c) for c in tidy.columns]
    widths = [len(h) for h in header]
    head = st.style("bold", "left", fill=True, rule=True)
    for j, name in enumerate(header, start=1):
        ws.write_text(row, j, st.text(name), head)
    text = st.style("text", "left")  # text and booleans
    array = tidy.to_numpy(dtype=object)  # Python scalars (and pd.NA)
    numbers = [
        st.style("text", "right", number_format=f or "General")
        for f in _number_formats(tidy, array)
    ]
    for values in array.tolist():
        row += 1
        for j, raw in enumerate(values):
            value = _typed(raw)
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_text(row, j + 1, st.text(value), text)
            elif isinstance(value, bool):
                ws.write_boolean(row, j + 1, value, text)
            else:
                ws.write_number(row, j + 1, value, numbers[j])
            widths[j] = max(widths[j], len(str(value)))
    row += 1
    for note in table.notes:
        row += 1
        st.put(ws, row, 1, note, "note")
    for j, width in enumerate(widths, start=1):
        ws.column_width(j, min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH))
    ws.freeze_rows(header_row)
    ws.print_title_rows(header_row, header_row)
    _print_setup(ws)


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup(A4, fit_to_width=True)


def _about_sheet(
    ws: Worksheet,
    chapter: Chapter,
    tables: Sequence[ReportTable],
    names: Sequence[str],
    st: _Cells,
) -> None:
    st.put(ws, 1, 1, chapter.title, "title")
    row = 1
    for text in (chapter.subtitle, chapter.date_text):
        if text:
            row += 1
            st.put(ws, row, 1, text, "text")
    if chapter.stamp:
        row += 1
        st.put(ws, row, 1, chapter.stamp, "stamp")
    if tables:
        row += 2
        st.put(ws, row, 1, "Contents", "caption")
        row += 1
        st.put(ws, row, 1, "Sheet", "bold", fill=True)
        st.put(ws, row, 2, "Table", "bold", fill=True)
        for name, table in zip(names, tables, strict=True):
            row += 1
            st.put(ws, row, 1, name, "text", "left")
            ws.link(row, 1, f"{quote_sheet_name(name)}!A1", display=name)  # within the workbook
            st.put(ws, row, 2, table.caption, "text", "wrap")
        row += 2
        st.put(ws, row, 1, "Table sheets", "bold", "left")
        st.put(ws, row, 2, LAYOUT_NOTE, "text", "wrap")
    if chapter.disclosure_note:
        row += 2
        st.put(ws, row, 1, DISCLOSURE_HEADING, "bold", "left")
        st.put(ws, row, 2, chapter.disclosure_note, "text", "wrap")
    if chapter.provenance:
        row += 2
        st.put(ws, row, 1, PROVENANCE_HEADING, "caption")
        row += 1
        for j, head in enumerate(PROVENANCE_HEADER, start=1):
            st.put(ws, row, j, head, "bold", fill=True)
        for label, value in chapter.provenance:
            row += 1
            st.put(ws, row, 1, label, "text", "left")
            st.put(ws, row, 2, value, "text", "wrap")
    ws.column_width(1, 32)
    ws.column_width(2, 100)
    _print_setup(ws)


def render_xlsx(chapter: Chapter, date: dt.date = DEFAULT_DOCUMENT_DATE) -> bytes:
    """The chapter's tables as the bytes of an Excel workbook.

    Parameters
    ----------
    chapter
        The chapter whose tables to write.
    date
        Creation and modification date written into the file (never the clock).

    Returns
    -------
    bytes
        The ``.xlsx`` file, identical for identical inputs.
    """
    book = Workbook()
    st = _Cells(book)
    tables = chapter.tables  # made anew at each use
    names = sheet_names([t.id for t in tables])
    _about_sheet(book.add_sheet(ABOUT_SHEET), chapter, tables, names, st)
    for name, table in zip(names, tables, strict=True):
        _table_sheet(book.add_sheet(name), table, chapter.stamp, st)
    properties = Properties(
        title=chapter.title,
        subject=chapter.subtitle,
        creator="cdop",
        last_modified_by="cdop",
        description=chapter.stamp or "",
        language="en-GB",
    )
    return book.save(properties, date)
