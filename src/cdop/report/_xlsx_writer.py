"""A small writer of Excel workbooks (Office Open XML SpreadsheetML, ``.xlsx``).

The writer builds the parts of the package as text and zips them itself: the content
types, the package and workbook relationships, the core and extended document
properties, the workbook (its sheets and their print titles), the style sheet, the
shared strings and one part per worksheet. The archive is written by
:func:`cdop.report._deterministic.zip_members` (one date on every entry, a fixed order),
so the same workbook and date always give the same bytes.

It writes what a table of values needs and nothing more: text, numbers, booleans and
styled empty cells; fonts (name, size, bold, colour), solid fills, a thin rule under a
cell, horizontal and vertical alignment with wrapping, number formats; column widths,
rows frozen at the top, print title rows, paper size and fit-to-width printing, and
links to a place in the workbook. No cell is ever a formula.

Text passes through :func:`cdop._safe.xml_text` (a character XML forbids becomes U+FFFD)
and is escaped; cell text longer than Excel's limit of 32,767 characters is cut there.

Examples
--------
>>> book = Workbook()
>>> plain = book.style(CellStyle(Font("Arial", 10)))
>>> sheet = book.add_sheet("Data")
>>> sheet.write(1, 1, "count", plain)
>>> sheet.write(2, 1, 12, plain)
>>> data = book.save(Properties(title="Counts"))
>>> import io, zipfile
>>> sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())[:3]
['[Content_Types].xml', '_rels/.rels', 'docProps/app.xml']
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, TypeAlias
from xml.sax.saxutils import escape as xml_escape

from cdop._safe import xml_text
from cdop.report._deterministic import DEFAULT_DOCUMENT_DATE, zip_members

__all__ = [
    "A4",
    "Alignment",
    "CellStyle",
    "CellValue",
    "Font",
    "Properties",
    "Workbook",
    "Worksheet",
    "column_letter",
    "quote_sheet_name",
]

#: A value a cell can hold: text, a number, a boolean, or nothing (a styled empty cell).
CellValue: TypeAlias = str | int | float | bool | None

#: The paper size code of A4 in a worksheet's page setup.
A4: Final = 9
#: Excel's limit on the characters of one cell.
MAX_CELL_TEXT: Final = 32767
_MAX_SHEET_NAME: Final = 31
_BAD_SHEET_NAME: Final = re.compile(r"[\[\]:*?/\\]")
#: Text that Excel would read as an escaped character (``_x000D_``); its underscore is
#: itself escaped (``_x005F_``) so that the text reads as written.
_LOOKS_ESCAPED: Final = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
#: Number formats Excel knows by number; any other gets a number from 164 up.
_BUILTIN_FORMATS: Final = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
    "@": 49,
}
_FIRST_CUSTOM_FORMAT: Final = 164

#: Characters written as references beyond ``&``, ``<`` and ``>``: in text, a carriage
#: return; in an attribute, also quotes, line feeds and tabs.
_TEXT_ENTITIES: Final = {"\r": "&#13;"}
_ATTRIBUTE_ENTITIES: Final = {**_TEXT_ENTITIES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml."


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """``text`` as XML character data: only characters XML allows, markup escaped, and
    a carriage return kept (an XML reader turns a literal one into a line feed)."""
    return xml_escape(xml_text(text), _TEXT_ENTITIES)


def _attribute(text: str) -> str:
    """``text`` as the value of an XML attribute in double quotes (tabs and line breaks
    kept as character references, which attribute normalisation leaves alone)."""
    return xml_escape(xml_text(text), _ATTRIBUTE_ENTITIES)


def _cell_text(text: str) -> str:
    """The text of a cell as the worksheet stores it: cut to Excel's limit, and an
    underscore which would start an escaped character escaped itself."""
    text = xml_text(text)[:MAX_CELL_TEXT]
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub(r"_x005F_\1", text)
    return text


def _number(value: float) -> str:
    """A number as SpreadsheetML writes it (at most 16 significant digits).

    Examples
    --------
    >>> [_number(v) for v in (3, 12.5, 0.1, 1e20, -0.25)]
    ['3', '12.5', '0.1', '1e+20', '-0.25']
    """
    return f"{value:.16g}"


@lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """The letters of a column number (1 is A).

    Examples
    --------
    >>> [column_letter(n) for n in (1, 26, 27, 52, 703)]
    ['A', 'Z', 'AA', 'AZ', 'AAA']
    """
    if col < 1:
        raise ValueError(f"column numbers start at 1, not {col}")
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet_name(name: str) -> str:
    """A sheet name as a reference writes it: in apostrophes, each apostrophe doubled.

    Examples
    --------
    >>> quote_sheet_name("Children's deaths")
    "'Children''s deaths'"
    """
    return "'" + name.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Font:
    """A cell's font: name, size in points, bold, colour as ``RRGGBB`` (None: automatic)."""

    name: str
    size: float
    bold: bool = False
    color: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """A cell's alignment: horizontal and vertical (None: Excel's default), wrapping."""

    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False


@dataclass(frozen=True, slots=True)
class CellStyle:
    """Everything a cell's format holds.

    Attributes
    ----------
    font
        The font.
    fill
        A solid background colour as ``RRGGBB``, or None.
    rule
        The colour (``RRGGBB``) of a thin line under the cell, or None.
    alignment
        The alignment, or None for Excel's default.
    number_format
        The number format code, e.g. ``"0"`` or ``"0.0"``.
    """

    font: Font
    fill: str | None = None
    rule: str | None = None
    alignment: Alignment | None = None
    number_format: str = "General"


#: The font of unformatted cells, which also sets the unit of column widths.
_DEFAULT_FONT: Final = Font("Calibri", 11)


def _color(rgb: str) -> str:
    return f'<color rgb="00{_attribute(rgb)}"/>'


def _font_xml(font: Font) -> str:
    bold = "<b/>" if font.bold else ""
    color = _color(font.color) if font.color else ""
    return (
        f'<font>{bold}<sz val="{_number(font.size)}"/>{color}'
        f'<name val="{_attribute(font.name)}"/></font>'
    )


def _fill_xml(rgb: str) -> str:
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="00{_attribute(rgb)}"/>'
        "</patternFill></fill>"
    )


def _border_xml(rgb: str) -> str:
    return f'<border><bottom style="thin">{_color(rgb)}</bottom></border>'


def _alignment_xml(alignment: Alignment) -> str:
    attrs = ""
    if alignment.horizontal:
        attrs += f' horizontal="{_attribute(alignment.horizontal)}"'
    if alignment.vertical:
        attrs += f' vertical="{_attribute(alignment.vertical)}"'
    if alignment.wrap:
        attrs += ' wrapText="1"'
    return f"<alignment{attrs}/>"


class _StyleSheet:
    """The workbook's styles: fonts, fills, borders, number formats and the cell formats
    combining them, each numbered in the order first asked for."""

    def __init__(self) -> None:
        self._fonts: dict[Font, int] = {_DEFAULT_FONT: 0}
        self._fills: dict[str, int] = {}  # after the two every workbook reserves
        self._borders: dict[str, int] = {}  # after the empty border
        self._formats: dict[str, int] = {}
        self._cells: dict[CellStyle | None, int] = {None: 0}

    def index(self, style: CellStyle) -> int:
        """The number of the cell format of ``style``, added at its first use."""
        at = self._cells.get(style)
        if at is None:
            at = self._cells[style] = len(self._cells)
            self._fonts.setdefault(style.font, len(self._fonts))
            if style.fill is not None:
                self._fills.setdefault(style.fill, len(self._fills) + 2)
            if style.rule is not None:
                self._borders.setdefault(style.rule, len(self._borders) + 1)
            code = style.number_format
            if code not in _BUILTIN_FORMATS:
                self._formats.setdefault(code, len(self._formats) + _FIRST_CUSTOM_FORMAT)
        return at

    def _xf(self, style: CellStyle | None) -> str:
        if style is None:
            return '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        code = style.number_format
        number = _BUILTIN_FORMATS.get(code, self._formats.get(code, 0))
        font = self._fonts[style.font]
        fill = 0 if style.fill is None else self._fills[style.fill]
        border = 0 if style.rule is None else self._borders[style.rule]
        applied = ' applyFont="1"'
        if number:
            applied += ' applyNumberFormat="1"'
        if fill:
            applied += ' applyFill="1"'
        if border:
            applied += ' applyBorder="1"'
        head = (
            f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" '
            f'xfId="0"{applied}'
        )
        if style.alignment is None:
            return head + "/>"
        return head + f' applyAlignment="1">{_alignment_xml(style.alignment)}</xf>'

    def xml(self) -> str:
        """The ``xl/styles.xml`` part."""
        parts = [_DECLARATION, f'<styleSheet xmlns="{_MAIN_NS}">']
        if self._formats:
            parts.append(f'<numFmts count="{len(self._formats)}">')
            parts.extend(
                f'<numFmt numFmtId="{n}" formatCode="{_attribute(code)}"/>'
                for code, n in self._formats.items()
            )
            parts.append("</numFmts>")
        parts.append(f'<fonts count="{len(self._fonts)}">')
        parts.extend(_font_xml(font) for font in self._fonts)
        parts.append(f'</fonts><fills count="{len(self._fills) + 2}">')
        parts.append('<fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>')
        parts.extend(_fill_xml(rgb) for rgb in self._fills)
        parts.append(f'</fills><borders count="{len(self._borders) + 1}">')
        parts.append("<border><left/><right/><top/><bottom/><diagonal/></border>")
        parts.extend(_border_xml(rgb) for rgb in self._borders)
        parts.append(
            '</borders><cellStyleXfs count="1">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(self._cells)}">'
        )
        parts.extend(self._xf(style) for style in self._cells)
        parts.append(
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        )
        return "".join(parts)


# --------------------------------------------------------------------------------------
# Shared strings
# --------------------------------------------------------------------------------------


class _SharedStrings:
    """The workbook's table of cell texts: each distinct text once, cells refer to it by
    number."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}  # the text as stored
        self._given: dict[str, int] = {}  # the text as given
        self._count = 0

    def add(self, text: str) -> int:
        """The number of ``text`` in the table (added at its first use, as the
        worksheet stores it: see :func:`_cell_text`)."""
        self._count += 1
        at = self._given.get(text)
        if at is None:
            stored = _cell_text(text)
            at = self._index.get(stored)
            if at is None:
                at = self._index[stored] = len(self._index)
            self._given[text] = at
        return at

    def xml(self) -> str:
        """The ``xl/sharedStrings.xml`` part."""
        parts = [
            _DECLARATION,
            f'<sst xmlns="{_MAIN_NS}" count="{self._count}" uniqueCount="{len(self._index)}">',
        ]
        for text in self._index:
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            parts.append(f"<si><t{space}>{_escape(text)}</t></si>")
        parts.append("</sst>")
        return "".join(parts)


# --------------------------------------------------------------------------------------
# Worksheets
# --------------------------------------------------------------------------------------


class Worksheet:
    """One sheet of a :class:`Workbook`: its cells, column widths, frozen rows, print
    titles, page setup and links. Made by :meth:`Workbook.add_sheet`."""

    def __init__(self, name: str, strings: _SharedStrings) -> None:
        self.name = name
        self._strings = strings
        self._rows: dict[int, dict[int, str]] = {}
        self._widths: dict[int, float] = {}
        self._links: list[tuple[str, str, str]] = []
        self._frozen = 0
        self._titles: tuple[int, int] | None = None
        self._paper: int | None = None
        self._fit_width = False

    def write(self, row: int, col: int, value: CellValue, style: int = 0) -> None:
        """Write ``value`` into the cell at ``row`` and ``col`` (both from 1) in the cell
        format ``style`` (from :meth:`Workbook.style`).

        Text is always text, whatever it looks like; booleans are booleans; None leaves
        the cell empty (with its format). See also :meth:`write_text`,
        :meth:`write_number` and :meth:`write_boolean`.
        """
        if isinstance(value, str):
            self.write_text(row, col, value, style)
        elif isinstance(value, bool):
            self.write_boolean(row, col, value, style)
        elif isinstance(value, (int, float)):
            self.write_number(row, col, value, style)
        elif value is None:
            self._put(row, col, "/>", style)
        else:
            raise TypeError(f"a cell holds text, a number or a boolean, not {type(value)}")

    def write_text(self, row: int, col: int, text: str, style: int = 0) -> None:
        """Write ``text`` as text, whatever it looks like (a number, a formula)."""
        self._put(row, col, f' t="s"><v>{self._strings.add(text)}</v></c>', style)

    def write_number(self, row: int, col: int, number: float, style: int = 0) -> None:
        """Write ``number``; a number which is not finite leaves the cell empty."""
        if isinstance(number, int):
            body = f"><v>{int(number)}</v></c>"
        elif math.isfinite(number):
            body = f"><v>{_number(number)}</v></c>"
        else:
            body = "/>"
        self._put(row, col, body, style)

    def write_boolean(self, row: int, col: int, value: bool, style: int = 0) -> None:
        """Write ``value`` as a boolean (TRUE or FALSE)."""
        self._put(row, col, f' t="b"><v>{1 if value else 0}</v></c>', style)

    def _put(self, row: int, col: int, body: str, style: int) -> None:
        """Store the cell at ``row`` and ``col``: ``body`` is its element after the
        reference and format (the type, the value and the end)."""
        if row < 1:
            raise ValueError(f"row numbers start at 1, not {row}")
        cells = self._rows.get(row)
        if cells is None:
            cells = self._rows[row] = {}
        cells[col] = f'<c r="{column_letter(col)}{row}" s="{style}"{body}'

    def link(self, row: int, col: int, location: str, display: str | None = None) -> None:
        """Make the cell at ``row`` and ``col`` a link to ``location`` in the workbook,
        e.g. ``'Sheet name'!A1`` (see :func:`quote_sheet_name`)."""
        ref = f"{column_letter(col)}{row}"
        self._links.append((ref, location, ref if display is None else display))

    def column_width(self, col: int, width: float) -> None:
        """Set the width of column ``col`` (from 1), in characters of the default font."""
        self._widths[col] = width

    def freeze_rows(self, rows: int) -> None:
        """Keep the first ``rows`` rows in view when the sheet scrolls."""
        self._frozen = rows

    def print_title_rows(self, first: int, last: int) -> None:
        """Print rows ``first`` to ``last`` at the top of every printed page."""
        self._titles = (first, last)

    def page_setup(self, paper: int | None = None, *, fit_to_width: bool = False) -> None:
        """Print on ``paper`` (a paper size code such as :data:`A4`), and, with
        ``fit_to_width``, scale the sheet to one page wide (as many pages tall as needed)."""
        self._paper = paper
        self._fit_width = fit_to_width

    def defined_names(self, index: int) -> list[str]:
        """The workbook's defined names for this sheet (its print titles), the sheet
        being the ``index``-th of the workbook, from 0."""
        if self._titles is None:
            return []
        first, last = self._titles
        return [
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            f"{_escape(quote_sheet_name(self.name))}!${first}:${last}</definedName>"
        ]

    def _dimension(self) -> str:
        if not self._rows:
            return "A1"
        first = (
            f"{column_letter(min(min(cells) for cells in self._rows.values()))}{min(self._rows)}"
        )
        last = f"{column_letter(max(max(cells) for cells in self._rows.values()))}{max(self._rows)}"
        return first if first == last else f"{first}:{last}"

    def _view(self) -> str:
        if not self._frozen:
            return (
                '<sheetViews><sheetView workbookViewId="0">'
                '<selection activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
            )
        n = self._frozen
        return (
            '<sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{n}" topLeftCell="A{n + 1}" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
        )

    def xml(self) -> str:
        """The worksheet's part, ``xl/worksheets/sheet<n>.xml``."""
        parts = [_DECLARATION, f'<worksheet xmlns="{_MAIN_NS}">']
        if self._fit_width:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        parts.append(f'<dimension ref="{self._dimension()}"/>')
        parts.append(self._view())
        parts.append('<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
        if self._widths:
            parts.append("<cols>")
            parts.extend(
                f'<col min="{col}" max="{col}" width="{_number(width)}" customWidth="1"/>'
                for col, width in sorted(self._widths.items())
            )
            parts.append("</cols>")
        parts.append("<sheetData>")
        for row in sorted(self._rows):
            cells = self._rows[row]
            parts.append(f'<row r="{row}">')
            parts.extend(cells[col] for col in sorted(cells))
            parts.append("</row>")
        parts.append("</sheetData>")
        if self._links:
            parts.append("<hyperlinks>")
            parts.extend(
                f'<hyperlink ref="{ref}" location="{_attribute(location)}" '
                f'display="{_attribute(display)}"/>'
                for ref, location, display in self._links
            )
            parts.append("</hyperlinks>")
        parts.append(
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        )
        setup = ""
        if self._paper is not None:
            setup += f' paperSize="{self._paper}"'
        if self._fit_width:
            setup += ' fitToWidth="1" fitToHeight="0"'
        if setup:
            parts.append(f"<pageSetup{setup}/>")
        parts.append("</worksheet>")
        return "".join(parts)


# --------------------------------------------------------------------------------------
# The workbook
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Properties:
    """The document's properties (File > Info in Excel); an empty one is left out."""

    title: str = ""
    subject: str = ""
    creator: str = ""
    last_modified_by: str = ""
    description: str = ""
    language: str = ""


def _core_xml(props: Properties, date: dt.date) -> str:
    when = f"{date.isoformat()}T00:00:00Z"
    fields = (
        ("dc:title", props.title),
        ("dc:subject", props.subject),
        ("dc:creator", props.creator),
        ("cp:lastModifiedBy", props.last_modified_by),
        ("dc:description", props.description),
        ("dc:language", props.language),
    )
    parts = [
        _DECLARATION,
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    ]
    parts.extend(f"<{tag}>{_escape(text)}</{tag}>" for tag, text in fields if text)
    parts.append(
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    return "".join(parts)


def _app_xml(application: str) -> str:
    return (
        f"{_DECLARATION}<Properties xmlns="
        '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{_escape(application)}</Application></Properties>"
    )


def _relationships(targets: list[tuple[str, str]]) -> str:
    """A relationships part: (type, target) pairs, numbered rId1, rId2, ..."""
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return f'{_DECLARATION}<Relationships xmlns="{_PACKAGE_REL_NS}">{rels}</Relationships>'


class Workbook:
    """A workbook being written: its sheets in order and the styles and texts they
    share. :meth:`save` gives the ``.xlsx`` file.

    Parameters
    ----------
    application
        The name of the program written into the extended properties.
    """

    def __init__(self, application: str = "cdop") -> None:
        self._application = application
        self._styles = _StyleSheet()
        self._strings = _SharedStrings()
        self._sheets: list[Worksheet] = []
        self._names: set[str] = set()

    def style(self, style: CellStyle) -> int:
        """The number by which cells refer to the cell format ``style``."""
        return self._styles.index(style)

    def add_sheet(self, name: str) -> Worksheet:
        """A new sheet at the end of the workbook.

        Raises
        ------
        ValueError
            The name is not one Excel accepts: empty or longer than 31 characters, a
            character among ``[]:*?/\\``, an apostrophe first or last, or the name of
            another sheet (compared without case).
        """
        if not name or len(name) > _MAX_SHEET_NAME or _BAD_SHEET_NAME.search(name):
            raise ValueError(f"not a valid sheet name: {name!r}")
        if name.startswith("'") or name.endswith("'"):
            raise ValueError(f"a sheet name neither starts nor ends with an apostrophe: {name!r}")
        if name.lower() in self._names:
            raise ValueError(f"two sheets named {name!r}")
        self._names.add(name.lower())
        sheet = Worksheet(name, self._strings)
        self._sheets.append(sheet)
        return sheet

    def _workbook_xml(self) -> str:
        sheets = "".join(
            f'<sheet name="{_attribute(sheet.name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(self._sheets, start=1)
        )
        names = [name for n, sheet in enumerate(self._sheets) for name in sheet.defined_names(n)]
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (
            f'{_DECLARATION}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>{defined}</workbook>"
        )

    def _content_types(self) -> str:
        overrides = [
            ("/xl/workbook.xml", _CONTENT_TYPE + "sheet.main+xml"),
            *(
                (f"/xl/worksheets/sheet{n}.xml", _CONTENT_TYPE + "worksheet+xml")
                for n in range(1, len(self._sheets) + 1)
            ),
            ("/xl/styles.xml", _CONTENT_TYPE + "styles+xml"),
            ("/xl/sharedStrings.xml", _CONTENT_TYPE + "sharedStrings+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            (
                "/docProps/app.xml",
                "application/vnd.openxmlformats-officedocument.extended-properties+xml",
            ),
        ]
        body = "".join(
            f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides
        )
        return (
            f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{body}</Types>'
        )

    def save(self, properties: Properties, date: dt.date = DEFAULT_DOCUMENT_DATE) -> bytes:
        """The workbook as the bytes of an ``.xlsx`` file.

        Parameters
        ----------
        properties
            The document's properties.
        date
            The creation and modification date of the document and the date of every
            entry of the archive (never the clock).

        Returns
        -------
        bytes
            The file, identical for identical sheets, properties and date.
        """
        if not self._sheets:
            raise ValueError("a workbook has at least one sheet")
        office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        package = [
            (office + "officeDocument", "xl/workbook.xml"),
            (_PACKAGE_REL_NS + "/metadata/core-properties", "docProps/core.xml"),
            (office + "extended-properties", "docProps/app.xml"),
        ]
        parts = [
            (office + "worksheet", f"worksheets/sheet{n}.xml")
            for n in range(1, len(self._sheets) + 1)
        ]
        parts += [
            (office + "styles", "styles.xml"),
            (office + "sharedStrings", "sharedStrings.xml"),
        ]
        contents = {
            "[Content_Types].xml": self._content_types(),
            "_rels/.rels": _relationships(package),
            "docProps/core.xml": _core_xml(properties, date),
            "docProps/app.xml": _app_xml(self._application),
            "xl/workbook.xml": self._workbook_xml(),
            "xl/_rels/workbook.xml.rels": _relationships(parts),
            "xl/styles.xml": self._styles.xml(),
            **{
                f"xl/worksheets/sheet{n}.xml": sheet.xml()
                for n, sheet in enumerate(self._sheets, start=1)
            },
            "xl/sharedStrings.xml": self._strings.xml(),
        }
        return zip_members({name: text.encode("utf-8") for name, text in contents.items()}, date)
