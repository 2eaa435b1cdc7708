"""The chapter as a Word document (``.docx``) with real tables and embedded figures.

House style: one font (Arial) throughout, A4 pages, the Word heading styles, Word's
Caption style with a ``SEQ`` field ("Table N." above each table, "Figure N." below each
figure), tables with a header row that repeats on every page and numbers aligned
right, notes under each table, figures sized to the page width with their alternative
text. When the chapter carries a stamp it is printed in the header and footer of every
page. The document ends with the disclosure note and the provenance table.

python-docx is imported inside :func:`render_docx` only, so that ``import cdop`` stays
light. The saved archive is normalised (:mod:`cdop.report._deterministic`) so the same
chapter gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from xml.sax.saxutils import escape as xml_escape

from cdop._safe import xml_text
from cdop.report._deterministic import DEFAULT_DOCUMENT_DATE, normalise_zip
from cdop.report._house import (
    BODY_PT,
    DISCLOSURE_HEADING,
    FONT,
    HEADER_FILL_RGB,
    HEADING_RGB,
    PROVENANCE_HEADER,
    PROVENANCE_HEADING,
    RULE_RGB,
    STAMP_RGB,
    TABLE_PT,
    TEXT_RGB,
)
from cdop.report._model import Align, Chapter, ReportFigure, ReportTable
from cdop.report._widths import layout_table

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

__all__ = ["render_docx"]

_PAGE_MM: Final = (210.0, 297.0)
_MARGIN_MM: Final = 20.0
_USABLE_MM: Final = (_PAGE_MM[0] - 2 * _MARGIN_MM, _PAGE_MM[1] - 2 * _MARGIN_MM)
#: A figure never takes more than this share of the page height.
_FIGURE_MAX_HEIGHT_SHARE: Final = 0.6
_TABLE_TEXT: Final = "Table Text"
_TABLE_NOTE: Final = "Table Note"
_STAMP: Final = "Stamp"
_TABLE_STYLE: Final = "CDOP Table"
_MAX_PROPERTY: Final = 255


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
    from docx.enum.style import WD_STYLE_TYPE
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

    table_text: Any = styles.add_style(_TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(TABLE_PT)
    table_text.paragraph_format.space_before = Pt(2)
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.line_spacing = 1.0

    note: Any = styles.add_style(_TABLE_NOTE, WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(TABLE_PT - 0.5)
    note.paragraph_format.space_before = Pt(2)
    note.paragraph_format.space_after = Pt(2)
    note.paragraph_format.line_spacing = 1.0

    table_style: Any = styles.add_style(_TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    table_style.base_style = styles["Normal Table"]
    table_style.element.append(_el_with("w:tblPr", _table_borders()))
    header_row = _el("w:tblStylePr", type="firstRow")
    header_row.append(_el_with("w:rPr", _el("w:b")))
    header_row.append(
        _el_with("w:tcPr", _el("w:shd", val="clear", color="auto", fill=HEADER_FILL_RGB))
    )
    table_style.element.append(header_row)

    stamp: Any = styles.add_style(_STAMP, WD_STYLE_TYPE.PARAGRAPH)
    stamp.base_style = normal
    _style_fonts_and_colour(stamp, 11, STAMP_RGB, True)
    stamp.paragraph_format.space_after = Pt(0)


def _page_setup(doc: Document, stamp: str | None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width = Mm(_PAGE_MM[0])
    section.page_height = Mm(_PAGE_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(_MARGIN_MM))
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)

    if stamp:
        head = section.header.paragraphs[0]
        head.style = doc.styles[_STAMP]
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        head.add_run(xml_text(stamp))
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if stamp:
        foot.style = doc.styles[_STAMP]
        foot.add_run(xml_text(stamp))
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


def _caption(doc: Document, label: str, number: int, title: str, keep_next: bool) -> None:
    paragraph = _styled(doc, "Caption")
    paragraph.paragraph_format.keep_with_next = keep_next
    if number:
        paragraph.add_run(f"{label} ")
        _add_field(paragraph, f"SEQ {label} \\* ARABIC", str(number))
        paragraph.add_run(xml_text(f". {title}"))
    else:
        paragraph.add_run(xml_text(title))


def _table_borders() -> Any:
    borders = _el("w:tblBorders")
    for edge, size, colour in (
        ("top", "12", HEADING_RGB),
        ("left", "0", "auto"),
        ("bottom", "12", HEADING_RGB),
        ("right", "0", "auto"),
        ("insideH", "4", RULE_RGB),
        ("insideV", "0", "auto"),
    ):
        value = "single" if size != "0" else "nil"
        borders.append(_el(f"w:{edge}", val=value, sz=size, space="0", color=colour))
    return borders


def _styled(doc: Document, style: str, text: str = "") -> Any:
    """A new paragraph in ``style``, set by id (python-docx compares a style given by name
    with the default style, scanning every style each time)."""
    paragraph = doc.add_paragraph(xml_text(text))
    paragraph._p.style = doc.styles[style].style_id
    return paragraph


@dataclass(frozen=True)
class _CellFormat:
    style_id: str
    widths_twips: tuple[int, ...]
    right: tuple[bool, ...]
    size: int | None  # half-points, when the table is set smaller than the house size


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


def _row_xml(
    values: Sequence[str], ncols: int, fmt: _CellFormat, *, header: bool, keep_next: bool | None
) -> str:
    """One table row: never split across pages; the header row repeats on every page."""
    cells = []
    keep = (
        "" if keep_next is None else ("<w:keepNext/>" if keep_next else '<w:keepNext w:val="0"/>')
    )
    rule = (
        f'<w:tcBorders><w:bottom w:val="single" w:sz="12" w:space="0" w:color="{HEADING_RGB}"/>'
        f'</w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL_RGB}"/>'
        if header
        else ""
    )
    run_properties = ("<w:b/>" if header else "") + (
        f'<w:sz w:val="{fmt.size}"/>' if fmt.size is not None else ""
    )
    for j in range(ncols):
        text = values[j] if j < len(values) else ""
        jc = "right" if fmt.right[j] else "left"
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{fmt.widths_twips[j]}"/>{rule}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{fmt.style_id}"/>{keep}<w:jc w:val="{jc}"/></w:pPr>'
            f"{_run_xml(text, run_properties)}</w:p></w:tc>"
        )
    head = "<w:tblHeader/>" if header else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{head}</w:trPr>{''.join(cells)}</w:tr>"


def _add_table(
    doc: Document,
    label_number: int,
    title: str | None,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[Align],
    notes: Sequence[str],
) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Mm

    if title is not None:
        _caption(doc, "Table", label_number, title, keep_next=True)
    ncols = len(header)
    table = doc.add_table(rows=0, cols=ncols, style=_TABLE_STYLE)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_pr.insert_element_before(
        _table_borders(), "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )
    layout = layout_table(header, rows, aligns, TABLE_PT, _USABLE_MM[0])
    widths = layout.widths_mm
    for j, width in enumerate(widths):
        table.columns[j].width = Mm(width)
    # The rows are written as XML text and parsed once: python-docx's objects cost a
    # few milliseconds a cell, and its ``rows[i]`` lists every row on each call, which
    # made a comparison of thousands of areas take hours.
    cell_format = _CellFormat(
        style_id=doc.styles[_TABLE_TEXT].style_id,
        widths_twips=tuple(int(Mm(w).twips) for w in widths),
        right=tuple(j < len(aligns) and aligns[j] == "right" for j in range(ncols)),
        size=None if layout.size_pt == TABLE_PT else round(layout.size_pt * 2),
    )
    all_rows: list[Sequence[str]] = [header, *rows]
    last = len(all_rows) - 1
    xml = "".join(
        _row_xml(
            values, ncols, cell_format, header=i == 0, keep_next=(i == 0) if i < last else None
        )
        for i, values in enumerate(all_rows)
    )
    for tr in parse_xml(f"<w:tbl {nsdecls('w')}>{xml}</w:tbl>"):
        table._tbl.append(tr)
    for i, note in enumerate(notes):
        paragraph = _styled(doc, _TABLE_NOTE, note)
        if i == 0:
            paragraph.paragraph_format.space_before = Mm(1.5)
    # Space after the table block before the next paragraph.
    spacer = _styled(doc, _TABLE_NOTE)
    spacer.paragraph_format.space_after = Mm(2)


def _add_report_table(doc: Document, table: ReportTable) -> None:
    _add_table(
        doc,
        table.number,
        table.title,
        table.header,
        table.rows,
        table.column_alignments(),
        table.notes,
    )


def _add_figure(doc: Document, figure: ReportFigure) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    width_px, height_px = _png_size(figure.png)
    width = _USABLE_MM[0]
    height = width * height_px / width_px
    limit = _USABLE_MM[1] * _FIGURE_MAX_HEIGHT_SHARE
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
    _caption(doc, "Figure", figure.number, figure.title, keep_next=False)


def render_docx(chapter: Chapter, date: dt.date = DEFAULT_DOCUMENT_DATE) -> bytes:
    """The chapter as the bytes of a Word document.

    Parameters
    ----------
    chapter
        The chapter to lay out.
    date
        Creation and modification date written into the file (never the clock).

    Returns
    -------
    bytes
        The ``.docx`` file, identical for identical inputs.
    """
    import docx

    doc = docx.Document()
    _house_styles(doc)
    _page_setup(doc, chapter.stamp)

    _styled(doc, "Title", chapter.title)
    if chapter.subtitle:
        _styled(doc, "Subtitle", chapter.subtitle)
    if chapter.date_text:
        doc.add_paragraph(xml_text(chapter.date_text))
    for text in chapter.intro:
        doc.add_paragraph(xml_text(text))

    for section in chapter.sections:
        _styled(doc, "Heading 1", section.title)
        for text in section.paragraphs:
            doc.add_paragraph(xml_text(text))
        for table in section.tables:
            _add_report_table(doc, table)
        for figure in section.figures:
            _add_figure(doc, figure)

    if chapter.disclosure_note:
        _styled(doc, "Heading 1", DISCLOSURE_HEADING)
        doc.add_paragraph(xml_text(chapter.disclosure_note))
    if chapter.provenance:
        _styled(doc, "Heading 1", PROVENANCE_HEADING)
        _add_table(
            doc,
            0,
            None,
            PROVENANCE_HEADER,
            [list(pair) for pair in chapter.provenance],
            ("left", "left"),
            (),
        )

    when = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    props = doc.core_properties
    props.title = _property(chapter.title)
    props.subject = _property(chapter.subtitle)
    props.author = "cdop"
    props.last_modified_by = "cdop"
    props.comments = _property(chapter.stamp or "")
    props.language = "en-GB"
    props.revision = 1
    props.created = when
    props.modified = when

    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue(), date)
