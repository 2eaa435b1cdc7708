"""Word renderer: real tables with every cell, captions, figures, house style, stamp."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from report_fixtures import STAMP, make_chapter

from cdop.report._docx import render_docx
from cdop.report._house import PROVENANCE_NOTE
from cdop.report._model import APPENDIX_HEADING

NBSP = "\u00a0"


def _open(data: bytes):  # type: ignore[no-untyped-def]
    return docx.Document(io.BytesIO(data))


def test_every_cell_in_real_tables() -> None:
    chapter = make_chapter()
    document = _open(render_docx(chapter))
    assert len(document.tables) == len(chapter.tables) + 1  # and the provenance table
    for table, found in zip(chapter.tables, document.tables, strict=False):
        cells = [tuple(c.text.replace(NBSP, " ") for c in row.cells) for row in found.rows]
        assert cells == [table.header, *table.rows]
        # No-break spaces only inside numbers (right-aligned), never in the header.
        for i, row in enumerate(found.rows):
            for cell, align in zip(row.cells, table.column_alignments(), strict=True):
                if NBSP in cell.text:
                    assert i > 0 and align == "right"
    provenance = [tuple(c.text for c in row.cells) for row in document.tables[-1].rows]
    assert provenance[1:] == [tuple(p) for p in chapter.provenance]


def test_header_row_repeats_and_numbers_align_right() -> None:
    chapter = make_chapter()
    document = _open(render_docx(chapter))
    for table, found in zip(chapter.tables, document.tables, strict=False):
        assert found.style is not None and found.style.name == "CDOP Table"
        first = found.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        for row in found.rows[1:]:
            assert row._tr.trPr.find(qn("w:tblHeader")) is None
            for cell, align in zip(row.cells, table.column_alignments(), strict=True):
                expected = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.LEFT
                assert cell.paragraphs[0].alignment == expected
        assert all(r.bold for c in found.rows[0].cells for r in c.paragraphs[0].runs)


def test_captions_notes_and_figures_in_order() -> None:
    chapter = make_chapter()
    document = _open(render_docx(chapter))
    body = document.element.body
    order: list[str] = []
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            order.append("TABLE")
        elif child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if child.find(f".//{qn('w:drawing')}") is not None:
                order.append("PICTURE")
            elif text:
                order.append(text)
    first = order.index("Table 1. Deaths notified and reviews completed, 2019/20 to 2021/22")
    assert order[first + 1] == "TABLE"
    assert order[first + 2] == chapter.tables[0].notes[0]
    picture = order.index("PICTURE")
    assert order[picture + 1] == "Figure 1. Deaths notified per year"
    captions = [p for p in document.paragraphs if p.style is not None and p.style.name == "Caption"]
    assert [p.text for p in captions] == [
        "Table 1. Deaths notified and reviews completed, 2019/20 to 2021/22",
        "Figure 1. Deaths notified per year",
        "Table 2. Place of death",
    ]
    # The contents at the front; the appendix (disclosure note, provenance) at the end,
    # closing on the provenance note (text, never an empty paragraph).
    assert order[order.index("Contents") + 1] == chapter.contents()[0].title
    appendix = len(order) - 1 - order[::-1].index(APPENDIX_HEADING)  # after the contents
    assert order[appendix:] == [
        APPENDIX_HEADING,
        "Disclosure control",
        chapter.disclosure_note,
        "Provenance",
        "TABLE",
        PROVENANCE_NOTE,
    ]
    # Captions number with a SEQ field, as Word's Insert Caption does.
    xml = document.element.xml
    assert " SEQ Table \\* ARABIC " in xml
    assert " SEQ Figure \\* ARABIC " in xml


def test_figure_embedded_at_page_width_with_alt_text() -> None:
    chapter = make_chapter()
    document = _open(render_docx(chapter))
    (shape,) = document.inline_shapes
    section = document.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin
    assert abs(shape.width - usable) < 10_000  # EMU, well under a millimetre
    assert abs(shape.height - usable / 2) < 10_000  # the fixture PNG is 40 x 20
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == chapter.figures[0].alt
    image = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert image.blob == chapter.figures[0].png


def test_house_style_one_font_a4() -> None:
    document = _open(render_docx(make_chapter()))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = {
        f.get(qn("w:ascii"))
        for element in (document.element, document.styles.element)
        for f in element.iter(qn("w:rFonts"))
    }
    assert fonts == {"Arial"}
    themed = [
        f
        for f in document.styles.element.iter(qn("w:rFonts"))
        if f.get(qn("w:asciiTheme")) is not None
    ]
    assert themed == []


def _all_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_stamp_in_header_and_footer_only_when_set() -> None:
    stamped = _open(render_docx(make_chapter(STAMP)))
    section = stamped.sections[0]
    assert STAMP in section.header.paragraphs[0].text
    assert STAMP in "".join(p.text for p in section.footer.paragraphs)
    assert section.different_first_page_header_footer is False
    assert STAMP not in _all_xml(render_docx(make_chapter()))


def test_fixed_dates_and_core_properties() -> None:
    data = render_docx(make_chapter(), dt.date(2026, 11, 25))
    props = _open(data).core_properties
    assert props.created == dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert props.modified == dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert props.author == "cdop"
    assert props.title == make_chapter().title
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 25, 0, 0, 0)}
        assert z.namelist()[:2] == ["[Content_Types].xml", "_rels/.rels"]
        # Figures are PNG data, compressed already: stored as they are; the rest deflated.
        kinds = {i.filename: i.compress_type for i in z.infolist()}
        figures = [n for n in kinds if n.startswith("word/media/")]
        assert figures and all(n.endswith(".png") for n in figures)
        images = [n for n in kinds if n.endswith((".png", ".jpeg"))]  # python-docx's thumbnail
        assert all(kinds[n] == zipfile.ZIP_STORED for n in images)
        assert all(kinds[n] == zipfile.ZIP_DEFLATED for n in kinds if n not in images)
        assert z.testzip() is None  # every member's CRC checks
    assert render_docx(make_chapter(), dt.date(2026, 11, 25)) == data


def test_wide_tables_fit_the_page_and_numbers_do_not_wrap() -> None:
    from cdop.report._widths import layout_table, text_width_mm

    header = ("Category of death", "2022/23", "2023/24")
    long = "3. Trauma and other external factors, including medical/surgical complications " * 2
    rows = [(long, "10 (14%)", "*"), ("4. Malignancy", "6 (8%)", "*")]
    layout = layout_table(header, rows, ("left", "right", "right"), 9, 170)
    assert sum(layout.widths_mm) <= 170 + 1e-9
    # Number columns are at least as wide as their widest cell; the text column wraps.
    assert layout.widths_mm[1] > text_width_mm("10 (14%)", layout.size_pt)
    assert layout.widths_mm[0] < text_width_mm(long, layout.size_pt)
    # A small table keeps its natural widths, at least half the text width.
    small = layout_table(("Sex", "n"), [("Male", "3")], ("left", "right"), 9, 170)
    assert small.size_pt == 9 and abs(sum(small.widths_mm) - 85) < 1e-9


def test_same_bytes_whatever_was_rendered_before() -> None:
    # Styles are prepared once per process and template: a chapter must not carry
    # anything from the documents rendered before it.
    first = render_docx(make_chapter())
    template = docx.Document()
    template.styles["Normal"].font.name = "Georgia"
    buffer = io.BytesIO()
    template.save(buffer)
    templated = render_docx(make_chapter(STAMP), template=buffer.getvalue())
    assert "Georgia" in _all_xml(templated)
    render_docx(make_chapter(STAMP))
    assert render_docx(make_chapter()) == first
    assert render_docx(make_chapter(STAMP), template=buffer.getvalue()) == templated
    assert "Georgia" not in _all_xml(first)


def test_the_file_is_the_one_python_docx_saves_once_normalised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The package's files are taken from python-docx's writer and zipped once; the file
    is byte for byte the one ``Document.save`` writes, read back and normalised (the path
    taken with a python-docx that lacks the writer's steps). A house template and a
    panel's own template alike."""
    from cdop.report import _docx

    chapter = make_chapter()
    template = render_docx(make_chapter())
    fast = [render_docx(chapter), render_docx(chapter, template=template)]
    monkeypatch.setattr(_docx, "_package_members", lambda doc: None)
    assert [render_docx(chapter), render_docx(chapter, template=template)] == fast
    assert zipfile.ZipFile(io.BytesIO(fast[0])).testzip() is None


def test_a_template_file_under_a_figures_name_is_replaced_as_a_save_replaces_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A template holding a file that is not an image under the name python-docx then
    gives the chapter's first figure: saving wrote both and kept the later one, with a
    warning; the package writer path does the same, byte for byte."""
    from cdop.report import _docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    template = io.BytesIO()
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(template, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdX" Type="http://example.org/custom" '
                    b'Target="media/image1.png"/></Relationships>',
                )
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/media/image1.png" '
                    b'ContentType="application/x-custom"/></Types>',
                )
            target.writestr(info.filename, data)
        target.writestr("word/media/image1.png", b"NOT AN IMAGE")
    chapter = make_chapter()
    with pytest.warns(UserWarning, match="Duplicate name"):
        fast = render_docx(chapter, template=template.getvalue())
    monkeypatch.setattr(_docx, "_package_members", lambda doc: None)
    with pytest.warns(UserWarning, match="Duplicate name"):
        saved = render_docx(chapter, template=template.getvalue())
    assert fast == saved
    with zipfile.ZipFile(io.BytesIO(fast)) as z:
        assert z.namelist().count("word/media/image1.png") == 1
        assert z.read("word/media/image1.png").startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("text", "keep_next", "page_break", "before", "after"),
    [
        ("Deaths reviewed", None, False, None, None),
        ("", None, False, None, None),
        ("Note:\ta tab, a line\nbreak and\r\nboth", True, False, 1.5, None),
        ("  spaces around  ", False, True, None, 2.0),
        (f"{NBSP}no-break{NBSP}", False, False, None, None),
        ('Quotes " & <markup>', True, True, 3.0, None),
    ],
)
def test_paragraph_written_as_text_is_python_docx_own(
    text: str, keep_next: bool | None, page_break: bool, before: float | None, after: float | None
) -> None:
    # The reference is the same paragraph built with python-docx's own objects, as the
    # writer built every paragraph before: the same XML, byte for byte.
    from docx.shared import Mm
    from lxml import etree

    from cdop.report._docx import _Out, _style_id

    for style in ("Caption", None):
        reference = docx.Document()
        paragraph = reference.add_paragraph(text)
        if style is not None:
            paragraph._p.style = _style_id(reference, style)
        fmt = paragraph.paragraph_format
        if keep_next is not None:
            fmt.keep_with_next = keep_next
        if page_break:
            fmt.page_break_before = True
        if before is not None:
            fmt.space_before = Mm(before)
        if after is not None:
            fmt.space_after = Mm(after)

        written = docx.Document()
        out = _Out(written)
        out.paragraph(
            style,
            text,
            keep_next=keep_next,
            page_break=page_break,
            before_twips=None if before is None else int(Mm(before).twips),
            after_twips=None if after is None else int(Mm(after).twips),
        )
        out.flush()
        expected = etree.tostring(reference.element.body[-2])
        assert etree.tostring(written.element.body[-2]) == expected


def test_table_spacing_in_twips_is_python_docx_own() -> None:
    # python-docx's conversion of the millimetres the writer used to give it.
    from docx.shared import Mm

    from cdop.report._docx import _GAP_AFTER, _NOTE_BEFORE

    assert (Mm(1.5).twips, Mm(2).twips) == (_NOTE_BEFORE, _GAP_AFTER)


def test_chapter_from_the_kept_blank_is_the_chapter_from_a_fresh_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each chapter starts from a copy of the empty styled document kept per process; the
    # reference opens that document afresh for every chapter, as the writer did before.
    # A chapter written in between (stamped, other tables and figures) changes nothing.
    from cdop.report import _docx

    plain, stamped = make_chapter(), make_chapter(STAMP)
    kept = [render_docx(plain), render_docx(stamped), render_docx(plain)]
    assert kept[0] == kept[2]

    def fresh(template: bytes | None) -> object:
        return docx.Document(io.BytesIO(_docx._styled_blank(template)))

    monkeypatch.setattr(_docx, "_blank_document", fresh)
    assert [render_docx(plain), render_docx(stamped)] == kept[:2]
