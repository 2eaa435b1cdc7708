"""The chapter as a Word document (``.docx``) with real tables and embedded figures.

House style: one font (Arial) throughout, A4 pages, the Word heading styles, Word's
Caption style with a ``SEQ`` field ("Table N." above each table, "Figure N." below each
figure), tables with a header row that repeats on every page and numbers aligned
right, notes under each table, figures sized to the page width with their alternative
text. When the chapter carries a stamp it is printed in the header and footer of every
page. The chapter opens with its contents (linked to the headings) and any front
sections (key messages); it ends with an appendix holding the disclosure note and the
provenance table.

On paper: a table's caption, header and first rows stay together, and so do its last
rows and its first note, so no table starts at the foot of a page and no total row is
stranded on the next; a short table is kept whole. Table text is never below 9 pt: a
table whose numbers do not fit the width of the page is split into parts that do, each
repeating the first column ("Table N (continued)"), or, when it cannot be, gets a
landscape page. Each table carries alternative text that says what the suppression
marker means, so a screen reader does not just read "asterisk". The document ends with
text, never an empty paragraph that could spill onto a blank last page.

With a panel's own template (``template=``), its styles, page size, margins, headers
and footers are used; only the styles the chapter needs and the template lacks are
added (from the template's own Normal style).

python-docx is imported inside :func:`render_docx` only, so that ``import cdop`` stays
light. The saved archive is normalised (:mod:`cdop.report._deterministic`) so the same
chapter gives the same bytes.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
import struct
import warnings
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from xml.sax.saxutils import escape as xml_escape

from cdop._safe import xml_text
from cdop.report._deterministic import DEFAULT_DOCUMENT_DATE, normalise_zip, zip_members
from cdop.report._house import (
    BODY_PT,
    DISCLOSURE_HEADING,
    FONT,
    HEADER_FILL_RGB,
    HEADING_RGB,
    PROVENANCE_HEADER,
    PROVENANCE_HEADING,
    PROVENANCE_NOTE,
    RULE_RGB,
    STAMP_RGB,
    TABLE_PT,
    TEXT_RGB,
)
from cdop.report._model import APPENDIX_HEADING, Align, Chapter, ReportFigure, ReportTable
from cdop.report._widths import TableLayout, column_groups, layout_table

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

__all__ = ["check_template", "render_docx"]

_PAGE_MM: Final = (210.0, 297.0)
_MARGIN_MM: Final = 20.0
#: A figure never takes more than this share of the page height.
_FIGURE_MAX_HEIGHT_SHARE: Final = 0.6
_TABLE_TEXT: Final = "Table Text"
_TABLE_NOTE: Final = "Table Note"
_STAMP: Final = "Stamp"
_TABLE_STYLE: Final = "CDOP Table"
_MAX_PROPERTY: Final = 255
_CONTENTS_HEADING: Final = "Contents"
_CONTENTS_ENTRY: Final = "Contents Entry"
#: A table with at most this many rows (header included) is kept on one page whole.
_KEEP_WHOLE_ROWS: Final = 16
#: Otherwise its header and first body rows stay together, and so do its last rows.
_KEEP_FIRST_ROWS: Final = 3
_KEEP_LAST_ROWS: Final = 3
_NBSP: Final = "\u00a0"
#: Space above a table's first note (1.5 mm) and under the table block (2 mm), in twips
#: as python-docx stores them (1 twip = 635 EMU, 1 mm = 36,000 EMU, rounded).
_NOTE_BEFORE: Final = 85
_GAP_AFTER: Final = 113


def _property(text: str) -> str:
    """A document property: Word allows at most 255 characters, and only what XML allows."""
    text = xml_text(text)
    return text if len(text) <= _MAX_PROPERTY else text[: _MAX_PROPERTY - 1] + "…"


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("figure: expected PNG bytes")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _el_with(tag: str, *children: Any) -> Any:
    element = _el(tag)
    for child in children:
        element.append(child)
    return element


def _set_fonts(rpr: Any) -> None:
    """Point every script's font at the house font, dropping theme fonts."""
    from docx.oxml.ns import qn

    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    fonts = _el("w:rFonts", ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT)
    rpr.insert(0, fonts)


def _style_fonts_and_colour(style: Any, size: float, rgb: str, bold: bool | None) -> None:
    from docx.shared import Pt, RGBColor

    _set_fonts(style.element.get_or_add_rPr())
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor.from_string(rgb)
    style.font.italic = False
    if bold is not None:
        style.font.bold = bold


def _house_styles(doc: Document) -> None:
    """The house look over python-docx's default template: one font, house sizes."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = doc.styles
    # One font: every style of the template (and the document defaults) uses the house
    # font, not the theme's or the template's own (Cambria, Calibri, Courier).
    for rpr in styles.element.iter(qn("w:rPr")):
        if rpr.find(qn("w:rFonts")) is not None or rpr.getparent().tag == qn("w:rPrDefault"):
            _set_fonts(rpr)
    for lang in styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), "en-GB")
        lang.set(qn("w:eastAsia"), "en-GB")

    normal: Any = styles["Normal"]
    _style_fonts_and_colour(normal, BODY_PT, TEXT_RGB, None)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    for name, size, before, after in (
        ("Title", 24, 0, 4),
        ("Subtitle", 14, 0, 4),
        ("Heading 1", 16, 18, 6),
        ("Heading 2", 13, 12, 4),
    ):
        style: Any = styles[name]
        _style_fonts_and_colour(style, size, HEADING_RGB, name != "Subtitle")
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
        ppr = style.element.get_or_add_pPr()
        for tag in ("w:numPr", "w:pBdr"):  # the template numbers Subtitle and rules Title
            for el in ppr.findall(qn(tag)):
                ppr.remove(el)
        rpr = style.element.get_or_add_rPr()
        for el in rpr.findall(qn("w:spacing")):  # and letter-spaces Subtitle
            rpr.remove(el)

    caption: Any = styles["Caption"]
    _style_fonts_and_colour(caption, BODY_PT - 0.5, HEADING_RGB, True)
    caption.paragraph_format.space_before = Pt(10)
    caption.paragraph_format.space_after = Pt(4)


def _has_style(doc: Document, name: str) -> bool:
    """Whether the document defines the style (Word stores built-in names in lower case)."""
    from docx.oxml.ns import qn

    wanted = name.lower()
    for el in doc.styles.element.iterchildren(qn("w:style")):
        named = el.find(qn("w:name"))
        if named is not None and str(named.get(qn("w:val"))).lower() == wanted:
            return True
    return False


def _chapter_styles(doc: Document, house: bool) -> None:
    """The styles the chapter uses that a template may lack, added from its Normal.

    With the house look (``house``) every one is set; with a panel's template, a style
    the template already defines is left exactly as the template has it.
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    styles = doc.styles
    normal: Any = styles["Normal"]

    def paragraph_style(name: str) -> Any | None:
        if not house and _has_style(doc, name):
            return None
        if _has_style(doc, name):
            return styles[name]
        style: Any = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        return style

    # Styles Word knows by name (latent in most templates): added when missing, in the
    # template's font, so a template without them still gives a tidy chapter.
    for name, size, bold in (
        ("Title", 24.0, True),
        ("Subtitle", 14.0, False),
        ("Heading 1", 16.0, True),
        ("Heading 2", 13.0, True),
        ("Caption", BODY_PT - 0.5, True),
    ):
        if house or _has_style(doc, name):
            continue
        added: Any = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        added.base_style = normal
        added.font.size = Pt(size)
        added.font.bold = bold
        added.paragraph_format.keep_with_next = name != "Caption"
        added.paragraph_format.space_before = Pt(12 if name.startswith("Heading") else 0)

    table_text = paragraph_style(_TABLE_TEXT)
    if table_text is not None:
        table_text.font.size = Pt(TABLE_PT)
        table_text.paragraph_format.space_before = Pt(2)
        table_text.paragraph_format.space_after = Pt(2)
        table_text.paragraph_format.line_spacing = 1.0

    note = paragraph_style(_TABLE_NOTE)
    if note is not None:
        note.font.size = Pt(TABLE_PT)
        note.paragraph_format.space_before = Pt(2)
        note.paragraph_format.space_after = Pt(2)
        note.paragraph_format.line_spacing = 1.0

    entry = paragraph_style(_CONTENTS_ENTRY)
    if entry is not None:
        entry.paragraph_format.space_after = Pt(2)
        entry.paragraph_format.left_indent = Pt(6)

    if house or not _has_style(doc, _TABLE_STYLE):
        table_style: Any = styles.add_style(_TABLE_STYLE, WD_STYLE_TYPE.TABLE)
        table_style.base_style = styles["Normal Table"] if _has_style(doc, "Normal Table") else None
        table_style.element.append(_el_with("w:tblPr", _table_borders()))
        header_row = _el("w:tblStylePr", type="firstRow")
        header_row.append(_el_with("w:rPr", _el("w:b")))
        header_row.append(
            _el_with("w:tcPr", _el("w:shd", val="clear", color="auto", fill=HEADER_FILL_RGB))
        )
        table_style.element.append(header_row)

    stamp = paragraph_style(_STAMP)
    if stamp is not None:
        if house:
            _style_fonts_and_colour(stamp, 11, STAMP_RGB, True)
        else:
            from docx.shared import RGBColor

            stamp.font.size = Pt(11)
            stamp.font.bold = True
            stamp.font.color.rgb = RGBColor.from_string(STAMP_RGB)
        stamp.paragraph_format.space_after = Pt(0)


@dataclass(frozen=True)
class _Page:
    """The text area of a page in millimetres, portrait and landscape."""

    width_mm: float
    height_mm: float
    landscape_width_mm: float
    landscape_height_mm: float

    @classmethod
    def of(cls, doc: Document) -> _Page:
        section = doc.sections[0]

        def mm(value: Any, default: float) -> float:
            return float(value.mm) if value is not None else default

        width = mm(section.page_width, _PAGE_MM[0])
        height = mm(section.page_height, _PAGE_MM[1])
        left, right = mm(section.left_margin, _MARGIN_MM), mm(section.right_margin, _MARGIN_MM)
        top, bottom = mm(section.top_margin, _MARGIN_MM), mm(section.bottom_margin, _MARGIN_MM)
        long = max(width, height)
        return cls(
            width_mm=width - left - right,
            height_mm=height - top - bottom,
            landscape_width_mm=long - left - right,
            landscape_height_mm=min(width, height) - top - bottom,
        )


@dataclass
class _Flow:
    """Where the text flows now: on portrait pages, or on the landscape page of a table
    too wide for a portrait page even when split."""

    page: _Page
    landscape: bool = False
    #: Widths are measured in Arial; a template's fonts (unknown here) are allowed more.
    font_scale: float = 1.0

    @property
    def measure_pt(self) -> float:
        """The size at which table text is measured for column widths."""
        return TABLE_PT * self.font_scale

    @property
    def width_mm(self) -> float:
        return self.page.landscape_width_mm if self.landscape else self.page.width_mm

    @property
    def height_mm(self) -> float:
        return self.page.landscape_height_mm if self.landscape else self.page.height_mm

    def turn(self, out: _Out, landscape: bool) -> None:
        if landscape != self.landscape:
            _section_break(out, landscape)
            self.landscape = landscape


def _page_setup(doc: Document, stamp: str | None, house: bool) -> None:
    """A4 with the house margins (unless a template sets the page), the stamp in the
    header and footer, the page number in the footer (unless the template's footer
    has text of its own)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    section = doc.sections[0]
    if house:
        section.page_width = Mm(_PAGE_MM[0])
        section.page_height = Mm(_PAGE_MM[1])
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(_MARGIN_MM))
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)

    if stamp:
        head = section.header.add_paragraph() if not house else section.header.paragraphs[0]
        head._p.style = _style_id(doc, _STAMP)
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        head.add_run(xml_text(stamp))
    footer_text = "".join(p.text for p in section.footer.paragraphs).strip()
    if not house and footer_text and not stamp:
        return
    foot = section.footer.paragraphs[0] if house else section.footer.add_paragraph()
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if stamp:
        foot._p.style = _style_id(doc, _STAMP)
        foot.add_run(xml_text(stamp))
        if not house and footer_text:
            return
        foot = section.footer.add_paragraph()
        foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("Page ")
    _add_field(foot, "PAGE", "1")


def _add_field(paragraph: Paragraph, instruction: str, result: str) -> None:
    """A complex field (``PAGE``, ``SEQ Table``) with a cached result Word shows as is."""
    paragraph.add_run()._r.append(_el("w:fldChar", fldCharType="begin"))
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_el("w:fldChar", fldCharType="separate"))
    paragraph.add_run(result)
    paragraph.add_run()._r.append(_el("w:fldChar", fldCharType="end"))


def _caption(out: _Out, label: str, number: int, title: str, keep_next: bool) -> None:
    if number:
        runs = (
            _run_xml(f"{label} ", "")
            + _field_xml(f"SEQ {label} \\* ARABIC", str(number))
            + _run_xml(f". {title}", "")
        )
    else:
        runs = _run_xml(title, "")
    out.paragraph("Caption", keep_next=keep_next, inner=runs)


def _field_xml(instruction: str, result: str) -> str:
    """The runs of a complex field, as :func:`_add_field` writes them."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {xml_escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{_run_xml(result, '')}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


_BORDER_EDGES: Final = (
    ("top", "12", HEADING_RGB),
    ("left", "0", "auto"),
    ("bottom", "12", HEADING_RGB),
    ("right", "0", "auto"),
    ("insideH", "4", RULE_RGB),
    ("insideV", "0", "auto"),
)
#: A table's borders: heavy rules above and below, thin ones between rows.
_TABLE_BORDERS: Final = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{edge} w:val="{"single" if size != "0" else "nil"}" w:sz="{size}" w:space="0" '
        f'w:color="{colour}"/>'
        for edge, size, colour in _BORDER_EDGES
    )
    + "</w:tblBorders>"
)
#: What Word's table style applies: the header row and first column, banded rows.
_TABLE_LOOK: Final = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
)


def _table_borders() -> Any:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    return parse_xml(_TABLE_BORDERS.replace("<w:tblBorders>", f"<w:tblBorders {nsdecls('w')}>", 1))


#: The id of each style by name, per document's styles (python-docx finds a style by
#: name with a scan of every style, which a chapter would otherwise do hundreds of times).
_STYLE_IDS: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def _style_id(doc: Document, name: str) -> str:
    """The id of the style named ``name`` (looked up once per document)."""
    styles = doc.styles
    ids = _STYLE_IDS.setdefault(styles.element, {})
    found = ids.get(name)
    if found is None:
        found = ids[name] = str(styles[name].style_id)
    return found


class _Out:
    """The document's body written as WordprocessingML text and parsed in one go.

    python-docx builds each paragraph element by element (its style looked up, each
    property inserted in schema order, each character of the text examined): most of a
    chapter's Word time. Paragraphs and tables are written here as the XML python-docx
    would make of them, and parsed together when the body is next needed as objects (a
    figure's picture, a section break) or the document is saved.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._parts: list[str] = []
        self._ids = _STYLE_IDS.setdefault(doc.styles.element, {})

    def style_id(self, name: str) -> str:
        """The id of the style named ``name`` (see :func:`_style_id`)."""
        found = self._ids.get(name)
        return _style_id(self.doc, name) if found is None else found

    def add(self, xml: str) -> None:
        """Body content (paragraphs, tables), in the ``w`` namespace."""
        self._parts.append(xml)

    def paragraph(
        self,
        style: str | None,
        text: str = "",
        *,
        keep_next: bool | None = None,
        page_break: bool = False,
        before_twips: int | None = None,
        after_twips: int | None = None,
        inner: str | None = None,
    ) -> None:
        """A paragraph in ``style`` (by name; None: the default) holding ``text`` (or
        the runs ``inner``), with the properties python-docx would write, in its order."""
        properties = ""
        if style is not None:
            properties += f'<w:pStyle w:val="{_attribute(self.style_id(style))}"/>'
        if keep_next is not None:
            properties += "<w:keepNext/>" if keep_next else '<w:keepNext w:val="0"/>'
        if page_break:
            properties += "<w:pageBreakBefore/>"
        if before_twips is not None:
            properties += f'<w:spacing w:before="{before_twips}"/>'
        if after_twips is not None:
            properties += f'<w:spacing w:after="{after_twips}"/>'
        if inner is None:
            inner = _run_xml(text, "") if text else ""
        pr = f"<w:pPr>{properties}</w:pPr>" if properties else ""
        self._parts.append(f"<w:p>{pr}{inner}</w:p>" if pr or inner else "<w:p/>")

    def flush(self) -> None:
        """Parse what was written and put it at the end of the body."""
        if not self._parts:
            return
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        written = parse_xml(f"<w:body {nsdecls('w')}>{''.join(self._parts)}</w:body>")
        self._parts.clear()
        end = self.doc.element.body.get_or_add_sectPr()
        for element in list(written):
            end.addprevious(element)


def _attribute(value: str) -> str:
    """``value`` escaped for a double-quoted XML attribute; tabs and line breaks as
    character references, so that parsing gives them back (not as spaces)."""
    return xml_escape(value, _ATTRIBUTE_ESCAPES)


_ATTRIBUTE_ESCAPES: Final = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


class _Bookmarks:
    """Bookmarks on the headings the contents link to (``_Toc`` names: Word hides them)."""

    def __init__(self, anchors: Sequence[str]) -> None:
        self.names = {anchor: f"_Toc_cdop_{i}" for i, anchor in enumerate(anchors, start=1)}

    def heading(
        self, out: _Out, style: str, text: str, anchor: str | None, *, page_break: bool = False
    ) -> None:
        name = self.names.get(anchor or "")
        inner = _run_xml(text, "") if text else ""
        if name is not None:
            ident = name.rsplit("_", 1)[1]
            inner = (
                f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>{inner}'
                f'<w:bookmarkEnd w:id="{ident}"/>'
            )
        out.paragraph(style, page_break=page_break, inner=inner)


def _add_contents(out: _Out, chapter: Chapter, marks: _Bookmarks) -> None:
    """The contents: one line per section, each a link to its heading.

    The lines sit inside a ``TOC`` field, so Word's "Update field" adds page numbers;
    until then (and in LibreOffice) the linked titles are shown as written.
    """
    out.paragraph("Heading 1", _CONTENTS_HEADING)
    entries = chapter.contents()
    style_id = _attribute(out.style_id(_CONTENTS_ENTRY))
    colour = f'<w:color w:val="{HEADING_RGB}"/>'
    for i, entry in enumerate(entries):
        begin = (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-1" \\h \\z \\u </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            if i == 0
            else ""
        )
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == len(entries) - 1 else ""
        link = (
            f'<w:hyperlink w:anchor="{marks.names[entry.anchor]}" w:history="1">'
            f"<w:r><w:rPr>{colour}</w:rPr><w:t>{xml_escape(xml_text(entry.title))}</w:t></w:r>"
            "</w:hyperlink>"
        )
        out.add(f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{begin}{link}{end}</w:p>')


@dataclass(frozen=True)
class _CellFormat:
    style_id: str
    widths_twips: tuple[int, ...]
    right: tuple[bool, ...]


_BREAKS: Final = re.compile(r"([\t\n\r])")


def _run_xml(text: str, properties: str) -> str:
    """One run of text as WordprocessingML: tabs and line breaks as Word writes them."""
    parts = []
    for piece in _BREAKS.split(xml_text(text)):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\n", "\r"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece != piece.strip() else ""
            parts.append(f"<w:t{space}>{xml_escape(piece)}</w:t>")
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f"<w:r>{rpr}{''.join(parts)}</w:r>" if parts or rpr else "<w:r/>"


def _keep_rows(n_rows: int) -> list[bool]:
    """Which rows keep with the next (header included): a short table whole; a long one
    its header with the first rows and its last rows together, and the last row with
    the first note, so a table never starts with a row or two at the foot of a page and
    no total row is stranded on the next."""
    if n_rows <= _KEEP_WHOLE_ROWS:
        return [True] * n_rows
    first = set(range(_KEEP_FIRST_ROWS))
    last = set(range(n_rows - _KEEP_LAST_ROWS, n_rows))
    return [i in first or i in last for i in range(n_rows)]


def _row_xml(
    values: Sequence[str], ncols: int, fmt: _CellFormat, *, header: bool, keep_next: bool
) -> str:
    """One table row: never split across pages; the header row repeats on every page."""
    cells = []
    keep = "<w:keepNext/>" if keep_next else ""
    rule = (
        f'<w:tcBorders><w:bottom w:val="single" w:sz="12" w:space="0" w:color="{HEADING_RGB}"/>'
        f'</w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL_RGB}"/>'
        if header
        else ""
    )
    run_properties = "<w:b/>" if header else ""
    for j in range(ncols):
        text = values[j] if j < len(values) else ""
        if fmt.right[j] and not header:  # a number with its interval never wraps
            text = text.replace(" ", _NBSP)
        jc = "right" if fmt.right[j] else "left"
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{fmt.widths_twips[j]}"/>{rule}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{fmt.style_id}"/>{keep}<w:jc w:val="{jc}"/></w:pPr>'
            f"{_run_xml(text, run_properties)}</w:p></w:tc>"
        )
    head = "<w:tblHeader/>" if header else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{head}</w:trPr>{''.join(cells)}</w:tr>"


def _alt_text(caption: str, rows: Sequence[Sequence[str]], marker: str) -> str:
    """The table's alternative text: its caption, and what the marker means if used."""
    if marker and any(marker in cell for row in rows for cell in row):
        return (
            f"{caption}. A cell showing {marker} is a count not shown, to protect the "
            "families of the children (see the note under the table)."
        )
    return caption


def _section_break(out: _Out, landscape: bool) -> None:
    """End the current section at the last paragraph; the next pages are landscape or
    portrait. Headers and footers carry on (the new section inherits them)."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    out.flush()
    doc = out.doc
    body = doc.element.body
    sentinel = body.get_or_add_sectPr()
    last = sentinel.getprevious()
    if last is None or last.tag != qn("w:p"):
        last = doc.add_paragraph()._p
    last.set_sectPr(sentinel.clone())
    for ref in sentinel.xpath("w:headerReference|w:footerReference"):
        sentinel.remove(ref)
    section = doc.sections[-1]
    width, height = section.page_width, section.page_height
    if width is None or height is None:
        return
    short, long = sorted((width, height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _add_table(
    out: _Out,
    flow: _Flow,
    label_number: int,
    title: str | None,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[Align],
    notes: Sequence[str],
    *,
    marker: str = "",
    alt: str = "",
    spacer: bool = True,
) -> None:
    """A table with its caption and notes.

    A table too wide for the page at 9 pt is split into parts that fit, each repeating
    the first column ("Table N (continued)"); one that cannot be split so gets a
    landscape page of its own.
    """
    layout = layout_table(header, rows, aligns, flow.measure_pt, flow.width_mm)
    if layout.fits:
        parts = [list(range(len(header)))]
    else:
        groups = column_groups(header, rows, aligns, flow.measure_pt, flow.width_mm)
        parts = [[0, *g] for g in groups] if groups else [list(range(len(header)))]
    landscape = not layout.fits and len(parts) == 1
    # A table written whole, with every cell and alignment given, keeps this layout.
    whole = layout.fits and len(aligns) >= len(header) and all(len(r) >= len(header) for r in rows)
    if landscape:
        flow.turn(out, True)
    described = alt or _alt_text(title or "", rows, marker)
    for k, columns in enumerate(parts):
        last = k == len(parts) - 1
        if title is not None:
            if k == 0:
                _caption(out, "Table", label_number, title, keep_next=True)
            else:
                out.paragraph(
                    "Caption", f"Table {label_number} (continued). {title}", keep_next=True
                )
        part_alt = (
            described
            if len(parts) == 1
            else f"{described} (part {k + 1} of {len(parts)}: columns "
            f"{', '.join(header[j] for j in columns[1:])})"
        )
        _table_part(
            out,
            flow,
            [header[j] for j in columns],
            [[r[j] if j < len(r) else "" for j in columns] for r in rows],
            [aligns[j] if j < len(aligns) else "right" for j in columns],
            title=title,
            alt=part_alt,
            keep_last=bool(notes) or not last,
            layout=layout if whole else None,
        )
    for i, note in enumerate(notes):
        out.paragraph(_TABLE_NOTE, note, before_twips=_NOTE_BEFORE if i == 0 else None)
    if spacer:
        # Space after the table block before the next paragraph.
        out.paragraph(_TABLE_NOTE, after_twips=_GAP_AFTER)
    if landscape:
        flow.turn(out, False)


def _table_part(
    out: _Out,
    flow: _Flow,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[Align],
    *,
    title: str | None,
    alt: str,
    keep_last: bool,
    layout: TableLayout | None = None,
) -> None:
    """One Word table: style, borders, alternative text, widths and rows (laid out here
    unless ``layout`` is given).

    The table is written as XML text, parsed with the body around it: python-docx's
    objects cost a few milliseconds a cell, and its ``rows[i]`` lists every row on each
    call, which made a comparison of thousands of areas take hours.
    """
    from docx.shared import Mm

    if layout is None:
        layout = layout_table(header, rows, aligns, flow.measure_pt, flow.width_mm)
    ncols = len(header)
    cell_format = _CellFormat(
        style_id=out.style_id(_TABLE_TEXT),
        widths_twips=tuple(int(Mm(w).twips) for w in layout.widths_mm),
        right=tuple(j < len(aligns) and aligns[j] == "right" for j in range(ncols)),
    )
    all_rows: list[Sequence[str]] = [header, *rows]
    keeps = _keep_rows(len(all_rows))
    if not keep_last:  # nothing under the table to keep its last row with
        keeps[-1] = False
    described = (
        f'<w:tblCaption w:val="{_attribute(_property(title or alt))}"/>'
        f'<w:tblDescription w:val="{_attribute(xml_text(alt))}"/>'
        if alt
        else ""
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in cell_format.widths_twips)
    xml = "".join(
        _row_xml(values, ncols, cell_format, header=i == 0, keep_next=keeps[i])
        for i, values in enumerate(all_rows)
    )
    # Alternative text (Word's Table Properties > Alt Text) in tblCaption, tblDescription.
    out.add(
        "<w:tbl><w:tblPr>"
        f'<w:tblStyle w:val="{_attribute(out.style_id(_TABLE_STYLE))}"/>'
        f'<w:tblW w:type="auto" w:w="0"/><w:jc w:val="left"/>{_TABLE_BORDERS}'
        f'<w:tblLayout w:type="fixed"/>{_TABLE_LOOK}{described}</w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{xml}</w:tbl>"
    )


def _add_report_table(out: _Out, flow: _Flow, table: ReportTable, marker: str) -> None:
    _add_table(
        out,
        flow,
        table.number,
        table.title,
        table.header,
        table.rows,
        table.column_alignments(),
        table.notes,
        marker=marker,
        alt=_alt_text(table.caption, table.rows, marker),
    )


def _add_figure(out: _Out, flow: _Flow, figure: ReportFigure) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    out.flush()  # the picture is added by python-docx, after what was written
    doc = out.doc
    width_px, height_px = _png_size(figure.png)
    width = flow.width_mm
    height = width * height_px / width_px
    limit = flow.height_mm * _FIGURE_MAX_HEIGHT_SHARE
    if height > limit:
        width, height = width * limit / height, limit
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Mm(3)
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(figure.png), width=Mm(width), height=Mm(height))
    doc_pr = shape._inline.docPr
    doc_pr.set("name", f"{figure.id}.png")
    doc_pr.set("descr", xml_text(figure.alt))
    doc_pr.set("title", xml_text(figure.caption))
    _caption(out, "Figure", figure.number, figure.title, keep_next=bool(figure.notes))
    for i, note in enumerate(figure.notes):
        out.paragraph(_TABLE_NOTE, note, keep_next=i < len(figure.notes) - 1)


#: How much wider than Arial a template's font may set the same text (Verdana, the
#: widest common choice, is about a fifth wider).
_TEMPLATE_FONT_ALLOWANCE: Final = 1.2


def _template_font_scale(doc: Document) -> float:
    """How much more width a template's table text needs than Arial at 9 pt."""
    size = doc.styles[_TABLE_TEXT].font.size
    points = TABLE_PT if size is None else float(size.pt)
    return _TEMPLATE_FONT_ALLOWANCE * max(points, TABLE_PT) / TABLE_PT


def _open(template: bytes | None) -> Document:
    """A new document: python-docx's default, or the panel's template emptied of text.

    A ``.dotx`` template is opened as the document it describes.
    """
    import docx

    if template is None:
        return docx.Document()
    doc = docx.Document(io.BytesIO(_as_document(template)))
    doc._body.clear_content()
    return doc


def _as_document(data: bytes) -> bytes:
    """A template's bytes with its content type made a document's (``.dotx`` to ``.docx``)."""
    import zipfile

    kind = b"wordprocessingml.template.main+xml"
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        types = source.read("[Content_Types].xml")
        if kind not in types:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                payload = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    payload = payload.replace(kind, b"wordprocessingml.document.main+xml")
                target.writestr(info, payload)
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def _styled_blank(template: bytes | None) -> bytes:
    """The empty document every chapter starts from: the house styles (or the template's)
    and the styles the chapter adds, built once per process for each template."""
    house = template is None
    doc = _open(template)
    if house:
        _house_styles(doc)
    _chapter_styles(doc, house)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@functools.lru_cache(maxsize=4)
def _blank_document(template: bytes | None) -> Any:
    """The empty styled document (:func:`_styled_blank`) opened once per process for
    each template: each chapter starts from a copy of it (half the time of opening it)."""
    import docx

    return docx.Document(io.BytesIO(_styled_blank(template)))


def check_template(path: str | Path) -> bytes:
    """The bytes of a panel's Word template, or a clear error saying what is wrong.

    Raises
    ------
    CdopArgumentError
        If the file is missing, is not a Word document or template (``.docx``,
        ``.dotx``), or cannot be opened as one.
    """
    import zipfile

    from cdop.errors import CdopArgumentError

    file = Path(path)
    if not file.is_file():
        raise CdopArgumentError(
            f"template: expected a Word file (.docx or .dotx); {str(file)!r} "
            + ("is a folder" if file.is_dir() else "does not exist")
        )
    data = file.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        names = set()
    if "word/document.xml" not in names or "word/styles.xml" not in names:
        raise CdopArgumentError(
            f"template: expected a Word file (.docx or .dotx) with its styles; {str(file)!r} "
            "is not one (save the template from Word as a Word Document or Word Template)"
        )
    try:
        _open(data)
    except Exception as exc:  # python-docx raises several kinds on a damaged file
        raise CdopArgumentError(
            f"template: {str(file)!r} could not be read as a Word file ({exc})"
        ) from exc
    _check_kept_text(data, file)
    return data


def _check_kept_text(data: bytes, file: Path) -> None:
    """Refuse a template whose headers or footers (kept in every chapter, unlike its body)
    hold a direct identifier: a phone number or email address of a person, say."""
    import re
    import zipfile
    from xml.etree import ElementTree

    from cdop._identifiers import _KINDS, identifier_kind
    from cdop.errors import IdentifierError

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # The document's properties (File > Info): the chapter keeps those of the
        # application and the custom ones, and would keep keywords or a category.
        for part in sorted(n for n in archive.namelist() if re.fullmatch(r"docProps/.+\.xml", n)):
            try:
                root = ElementTree.fromstring(archive.read(part))
            except ElementTree.ParseError:
                continue
            for element in root.iter():
                text = element.text or ""
                kind = identifier_kind(text) if text.strip() else None
                if kind is not None:
                    raise IdentifierError(
                        f"template: {str(file)!r}: a property of the document holds "
                        f"{_KINDS[kind]} (the text is not repeated here). The chapter keeps "
                        "the template's properties; clear it in Word (File > Info > "
                        "Properties), then try again."
                    )
        parts = sorted(
            n for n in archive.namelist() if re.fullmatch(r"word/(header|footer)\d*\.xml", n)
        )
        for part in parts:
            try:
                root = ElementTree.fromstring(archive.read(part))
            except ElementTree.ParseError:
                continue
            for paragraph in root.iter(f"{w}p"):
                text = "".join(t.text or "" for t in paragraph.iter(f"{w}t"))
                kind = identifier_kind(text) if text.strip() else None
                if kind is not None:
                    where = "a header" if "header" in part else "a footer"
                    raise IdentifierError(
                        f"template: {str(file)!r}: {where} holds {_KINDS[kind]} (the text "
                        "is not repeated here). The chapter keeps the template's headers "
                        "and footers; remove it from the template, then try again."
                    )


def render_docx(
    chapter: Chapter,
    date: dt.date = DEFAULT_DOCUMENT_DATE,
    template: bytes | None = None,
) -> bytes:
    """The chapter as the bytes of a Word document.

    Parameters
    ----------
    chapter
        The chapter to lay out.
    date
        Creation and modification date written into the file (never the clock).
    template
        The bytes of a panel's own Word file (``.docx`` or ``.dotx``) whose styles,
        page setup, headers and footers the chapter uses (see :func:`check_template`);
        by default the house style.

    Returns
    -------
    bytes
        The ``.docx`` file, identical for identical inputs.
    """
    house = template is None
    blank = _blank_document(template)
    doc = copy.deepcopy(blank)
    # The copy has the blank's styles: their ids are looked up once per process.
    _STYLE_IDS[doc.styles.element] = _STYLE_IDS.setdefault(blank.styles.element, {})
    _page_setup(doc, chapter.stamp, house)
    flow = _Flow(_Page.of(doc), font_scale=1.0 if house else _template_font_scale(doc))
    marks = _Bookmarks([e.anchor for e in chapter.contents()])
    out = _Out(doc)

    out.paragraph("Title", chapter.title)
    if chapter.subtitle:
        out.paragraph("Subtitle", chapter.subtitle)
    if chapter.date_text:
        out.paragraph(None, chapter.date_text)
    for text in chapter.intro:
        out.paragraph(None, text)
    _add_contents(out, chapter, marks)

    for section in (*chapter.front, *chapter.body):
        marks.heading(out, "Heading 1", section.title, f"section-{section.id}")
        for text in section.paragraphs:
            out.paragraph(None, text)
        for table in section.tables:
            _add_report_table(out, flow, table, chapter.marker)
        for figure in section.figures:
            _add_figure(out, flow, figure)

    if chapter.has_appendix:
        marks.heading(out, "Heading 1", APPENDIX_HEADING, "appendix", page_break=True)
    if chapter.disclosure_note:
        out.paragraph("Heading 2", DISCLOSURE_HEADING)
        out.paragraph(None, chapter.disclosure_note)
    if chapter.provenance:
        out.paragraph("Heading 2", PROVENANCE_HEADING)
        _add_table(
            out,
            flow,
            0,
            None,
            PROVENANCE_HEADER,
            [list(pair) for pair in chapter.provenance],
            ("left", "left"),
            (PROVENANCE_NOTE,),
            alt=PROVENANCE_HEADING,
            spacer=False,
        )
    out.flush()

    when = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    props = doc.core_properties
    props.title = _property(chapter.title)
    props.subject = _property(chapter.subtitle)
    props.author = "cdop"
    props.last_modified_by = "cdop"
    props.comments = _property(chapter.stamp or "")
    # a template's own keywords, category, status, identifier and version describe the
    # template, not the chapter
    for name in ("keywords", "category", "content_status", "identifier", "version"):
        if getattr(props, name):
            setattr(props, name, "")
    props.language = "en-GB"
    props.revision = 1
    props.created = when
    props.modified = when

    members = _package_members(doc)
    if members is not None:
        return zip_members(members, date)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue(), date)


def _package_members(doc: Any) -> dict[str, bytes] | None:
    """The files of the document's package, by name, exactly as ``doc.save`` writes them
    into its zip archive; None when this version of python-docx lacks the steps used.

    ``doc.save`` compresses every file (the figures' PNG data too), and the archive is
    then read back and written again in a fixed form (:func:`normalise_zip`). Taking
    the files from python-docx's own package writer, without its archive, writes that
    same fixed archive with one compression instead of two and no decompression (about
    a third of the time of a chapter's Word file).
    """
    try:
        from docx.opc.pkgwriter import PackageWriter

        writer: Any = PackageWriter  # its steps take any object with write(uri, blob)
        package = doc.part.package
        members: dict[str, bytes] = {}

        class Collect:
            def write(self, pack_uri: Any, blob: bytes) -> None:
                name = pack_uri.membername
                if name in members:
                    # python-docx names a figure after the images it knows, so a template
                    # holding another kind of file under an image's name gets a second
                    # file of that name. Saved, the zip held both and the later one was
                    # read back: the same here, with the same warning.
                    warnings.warn(f"Duplicate name: {name!r}", UserWarning, stacklevel=2)
                members[name] = blob

        parts = list(package.parts)  # walks the package's relationships
        for part in parts:  # as OpcPackage.save does first
            part.before_marshal()
        collect = Collect()
        writer._write_content_types_stream(collect, parts)
        writer._write_pkg_rels(collect, package.rels)
        writer._write_parts(collect, parts)
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - another python-docx
        return None
    return members
