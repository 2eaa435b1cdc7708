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

openpyxl is imported inside :func:`render_xlsx` only. The saved archive is normalised
(:mod:`cdop.report._deterministic`) so the same chapter gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from cdop._safe import neutralise_cell, xml_text
from cdop.report._deterministic import DEFAULT_DOCUMENT_DATE, normalise_zip
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
    """
    taken = {ABOUT_SHEET.lower()}
    names = []
    for ident in ids:
        base = _BAD_SHEET_CHARS.sub("_", ident).strip("'") or "table"
        name = base[:_MAX_SHEET_NAME]
        k = 2
        while name.lower() in taken:
            suffix = f"_{k}"
            name = base[: _MAX_SHEET_NAME - len(suffix)] + suffix
            k += 1
        taken.add(name.lower())
        names.append(name)
    return names


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    return {
        "text": Font(name=FONT, size=10, color=TEXT_RGB),
        "bold": Font(name=FONT, size=10, bold=True, color=TEXT_RGB),
        "caption": Font(name=FONT, size=12, bold=True, color=HEADING_RGB),
        "title": Font(name=FONT, size=14, bold=True, color=HEADING_RGB),
        "stamp": Font(name=FONT, size=11, bold=True, color=STAMP_RGB),
        "note": Font(name=FONT, size=9, color=TEXT_RGB),
        "fill": PatternFill("solid", fgColor=HEADER_FILL_RGB),
        "rule": Border(bottom=Side(style="thin", color=HEADING_RGB)),
        "left": Alignment(horizontal="left", vertical="top"),
        "right": Alignment(horizontal="right", vertical="top"),
        "wrap": Alignment(horizontal="left", vertical="top", wrap_text=True),
    }


class _Cells:
    """Writes the cells of one workbook in the house styles.

    openpyxl stores a cell's font, fill, border and alignment as the index of the style
    object in the workbook's list of them, and finds that index by hashing the object
    on every assignment (two fifths of the time of writing a chapter's workbook). Here
    each style object is assigned through openpyxl the first time (so the workbook's
    lists are built exactly as before, in the same order), and its index is remembered
    for every later cell: the same index openpyxl would find, the same file.
    """

    #: The style attributes of a cell, with the field of its style record holding the index.
    _FIELDS: Final = {
        "font": "fontId",
        "fill": "fillId",
        "border": "borderId",
        "alignment": "alignmentId",
    }

    def __init__(self) -> None:
        self._styles = _styles()
        self._index: dict[tuple[str, str], int] = {}

    def style(self, cell: Any, attr: str, name: str) -> None:
        """Give ``cell`` the ``attr`` (font, fill, border or alignment) of the house
        style ``name``."""
        key = (attr, name)
        at = self._index.get(key)
        if at is None:
            setattr(cell, attr, self._styles[name])  # openpyxl adds it to the workbook's list
            self._index[key] = int(getattr(cell._style, self._FIELDS[attr]))
            return
        if not cell._style:
            from openpyxl.styles.cell_style import StyleArray

            cell._style = StyleArray()
        setattr(cell._style, self._FIELDS[attr], at)

    def put(
        self, ws: Any, row: int, col: int, value: object, font: str, align: str | None = None
    ) -> Any:
        """Write one cell in the style named ``font`` (and ``align``); text is neutralised
        (never a formula, only characters XML allows)."""
        if isinstance(value, str):
            value = neutralise_cell(value)
        cell = ws.cell(row=row, column=col, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, whatever it looks like
        self.style(cell, "font", font)
        if align is not None:
            self.style(cell, "alignment", align)
        return cell


def _typed(value: object) -> object:
    """The value to write: None for a missing value, Python numbers and booleans."""
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


def _number_formats(tidy: pd.DataFrame) -> list[str | None]:
    """The number format of each column: whole numbers, or the decimals of a float column."""
    out: list[str | None] = []
    for col in tidy.columns:
        series = tidy[col]
        if pd.api.types.is_bool_dtype(series.dtype):
            out.append(None)
        elif pd.api.types.is_integer_dtype(series.dtype):
            out.append("0")
        elif pd.api.types.is_float_dtype(series.dtype):
            out.append("0." + "0" * decimals(series))
        else:
            out.append(None)
    return out


def _table_sheet(ws: Any, table: ReportTable, stamp: str | None, st: _Cells) -> None:
    from openpyxl.utils import get_column_letter

    st.put(ws, 1, 1, table.caption, "caption")
    row = 2
    if stamp:
        st.put(ws, row, 1, stamp, "stamp")
        row += 1
    header_row = row
    tidy = table.tidy
    header = [str(c) for c in tidy.columns]
    formats = _number_formats(tidy)
    widths = [len(h) for h in header]
    for j, head in enumerate(header, start=1):
        cell = st.put(ws, row, j, head, "bold", "left")
        st.style(cell, "fill", "fill")
        st.style(cell, "border", "rule")
    for values in tidy.itertuples(index=False, name=None):
        row += 1
        for j, raw in enumerate(values, start=1):
            value = _typed(raw)
            if value is None:
                continue
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            cell = st.put(ws, row, j, value, "text", "right" if number else "left")
            if number and formats[j - 1] is not None:
                cell.number_format = formats[j - 1]
            widths[j - 1] = max(widths[j - 1], len(str(value)))
    row += 1
    for note in table.notes:
        row += 1
        st.put(ws, row, 1, note, "note")
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(
            max(width + 2, _MIN_WIDTH), _MAX_WIDTH
        )
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    _print_setup(ws)


def _print_setup(ws: Any) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _about_sheet(ws: Any, chapter: Chapter, names: Sequence[str], st: _Cells) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    st.put(ws, 1, 1, chapter.title, "title")
    row = 1
    for text in (chapter.subtitle, chapter.date_text):
        if text:
            row += 1
            st.put(ws, row, 1, text, "text")
    if chapter.stamp:
        row += 1
        st.put(ws, row, 1, chapter.stamp, "stamp")
    if chapter.tables:
        row += 2
        st.put(ws, row, 1, "Contents", "caption")
        row += 1
        st.style(st.put(ws, row, 1, "Sheet", "bold"), "fill", "fill")
        st.style(st.put(ws, row, 2, "Table", "bold"), "fill", "fill")
        for name, table in zip(names, chapter.tables, strict=True):
            row += 1
            link = st.put(ws, row, 1, name, "text", "left")
            quoted = name.replace("'", "''")
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"'{quoted}'!A1", display=name
            )  # a link within the workbook
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
            st.style(st.put(ws, row, j, head, "bold"), "fill", "fill")
        for label, value in chapter.provenance:
            row += 1
            st.put(ws, row, 1, label, "text", "left")
            st.put(ws, row, 2, value, "text", "wrap")
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 100
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
    from openpyxl import Workbook

    st = _Cells()
    workbook = Workbook()
    about = workbook.active
    about.title = ABOUT_SHEET
    names = sheet_names([t.id for t in chapter.tables])
    _about_sheet(about, chapter, names, st)
    for name, table in zip(names, chapter.tables, strict=True):
        _table_sheet(workbook.create_sheet(title=name), table, chapter.stamp, st)

    when = dt.datetime(date.year, date.month, date.day)
    props = workbook.properties
    props.title = xml_text(chapter.title)
    props.subject = xml_text(chapter.subtitle)
    props.creator = "cdop"
    props.lastModifiedBy = "cdop"
    props.description = xml_text(chapter.stamp) if chapter.stamp else None
    props.language = "en-GB"
    props.created = when
    props.modified = when

    buffer = io.BytesIO()
    workbook.save(buffer)
    return normalise_zip(buffer.getvalue(), date)
