"""The chapter as a reader meets it: on paper (Word) and on a phone (HTML).

Structural checks of what a reader stumbles on: tables kept with their captions and
totals, table text never below 9 pt, wide tables on landscape pages, no empty last
page, the suppression marker read out by screen readers, contents and front matter,
the appendix, a panel's own Word template, and HTML that reads at 400 px.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pandas as pd
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from report_fixtures import make_chapter

from cdop.errors import CdopArgumentError
from cdop.report._docx import check_template, render_docx
from cdop.report._house import TABLE_PT
from cdop.report._html import MARKER_WORDS, render_html
from cdop.report._markdown import heading_anchor, render_markdown
from cdop.report._model import APPENDIX_HEADING, Chapter, ReportTable, Section

MARK = "*"


def _open(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def _chapter(**changes: Any) -> Chapter:
    return dataclasses.replace(make_chapter(), marker=MARK, **changes)


def _long_table(n: int, number: int = 3) -> ReportTable:
    rows = tuple((f"Area {i:03d}", str(10 + i), f"{i} ({i % 100}%)") for i in range(n))
    return ReportTable(
        id="long",
        title="A long table",
        header=("Area", "Deaths", "Reviews"),
        rows=(*rows, ("Total", "999", "999")),
        tidy=pd.DataFrame({"area": [r[0] for r in rows]}),
        notes=("A note under the long table.",),
        number=number,
    )


def _wide_table(number: int = 3) -> ReportTable:
    """The deprivation table's shape: a period and six rates with their intervals."""
    cells = ("10.9 (7.9 to 14.6)", "10.2 (7.2 to 14.1)", "8.6 (5.7 to 12.4)")
    rows = tuple((f"{y}-{y + 2}", *cells, *cells) for y in range(2018, 2023))
    return ReportTable(
        id="wide",
        title="Infant mortality rate by deprivation quintile",
        header=("Period", *(f"Quintile {q}" for q in range(1, 6)), "SII"),
        rows=rows,
        tidy=pd.DataFrame({"period": [r[0] for r in rows]}),
        notes=("Rates per 1,000 live births.",),
        number=number,
    )


def _with_table(table: ReportTable) -> Chapter:
    chapter = _chapter()
    extra = Section(id="extra", title="Extra", paragraphs=("Text.",), tables=(table,))
    return dataclasses.replace(chapter, sections=(*chapter.sections, extra))


def _word_table(document: Any, first_cell: str) -> Any:
    return next(t for t in document.tables if t.rows[0].cells[0].text == first_cell)


def _keeps(table: Any) -> list[bool]:
    """Whether each row keeps with the next (every paragraph of the row has keepNext)."""
    return [
        all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
        for row in table.rows
    ]


# --------------------------------------------------------------------------------------
# Word: page breaks
# --------------------------------------------------------------------------------------


def test_a_short_table_is_kept_whole_with_its_caption_and_first_note() -> None:
    chapter = _chapter()
    document = _open(render_docx(chapter))
    table = _word_table(document, "Year")
    # Every row keeps with the next, the last with the first note under the table.
    assert _keeps(table) == [True] * len(table.rows)
    caption = table._tbl.getprevious()
    assert "".join(caption.xpath(".//w:t/text()")).startswith("Table 1.")
    assert caption.pPr.keepNext is not None
    # Every row is whole on a page, and the header row repeats.
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)


def test_a_long_table_keeps_its_head_and_its_total_together() -> None:
    document = _open(render_docx(_with_table(_long_table(40))))
    keeps = _keeps(_word_table(document, "Area"))
    # Header and the first two rows: never a table starting with a row or two at the
    # foot of a page; the last three rows (the total among them) stay together and with
    # the note; the rows between may break.
    assert keeps[:3] == [True, True, True]
    assert keeps[-3:] == [True, True, True]
    assert not any(keeps[3:-3])


def test_a_table_without_notes_does_not_hold_on_to_what_follows() -> None:
    chapter = make_chapter()
    place = chapter.tables[1]
    assert place.notes == ()
    document = _open(render_docx(chapter))
    keeps = _keeps(_word_table(document, "Place"))
    assert keeps[:-1] == [True] * (len(keeps) - 1) and keeps[-1] is False


def test_the_document_ends_with_text_and_no_page_break() -> None:
    document = _open(render_docx(_chapter()))
    body = list(document.element.body.iterchildren())
    assert body[-1].tag == qn("w:sectPr")
    last = body[-2]
    assert last.tag == qn("w:p")
    assert last.xpath("string(.)").strip()  # text, not an empty paragraph
    assert not last.xpath(".//w:br[@w:type='page']")
    assert last.find(qn("w:pPr")) is None or last.pPr.find(qn("w:sectPr")) is None
    # No empty paragraph anywhere after the last table.
    tables = [i for i, el in enumerate(body) if el.tag == qn("w:tbl")]
    assert all(el.xpath("string(.)").strip() for el in body[tables[-1] + 1 : -1])


def test_the_appendix_starts_a_new_page() -> None:
    document = _open(render_docx(_chapter()))
    heading = [p for p in document.paragraphs if p.text == APPENDIX_HEADING][-1]
    assert heading.style.name == "Heading 1"
    assert heading.paragraph_format.page_break_before is True


# --------------------------------------------------------------------------------------
# Word: type size, wide tables
# --------------------------------------------------------------------------------------


def _sizes_in_tables(document: Any) -> list[float]:
    """Every font size that applies to text in a table or a table note, in points."""
    sizes = []
    styles = {s.style_id: s for s in document.styles if s.type == 1}  # paragraph styles
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    style = styles[p._p.pPr.pStyle.val]
                    sizes.append(style.font.size.pt)
                    sizes.extend(r.font.size.pt for r in p.runs if r.font.size is not None)
    for p in document.paragraphs:
        if p.style is not None and p.style.name in ("Table Note", "Table Text"):
            sizes.append(p.style.font.size.pt)
            sizes.extend(r.font.size.pt for r in p.runs if r.font.size is not None)
    return sizes


@pytest.mark.parametrize("table", [None, _long_table(30), _wide_table()], ids=str)
def test_table_text_and_notes_are_at_least_9_pt(table: ReportTable | None) -> None:
    chapter = _chapter() if table is None else _with_table(table)
    sizes = _sizes_in_tables(_open(render_docx(chapter)))
    assert sizes and min(sizes) >= 9.0 == TABLE_PT


def test_a_wide_table_is_split_into_parts_that_fit_and_its_values_do_not_wrap() -> None:
    from cdop.report._widths import text_width_mm

    chapter = _with_table(_wide_table())
    document = _open(render_docx(chapter))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT]
    parts = [t for t in document.tables if t.rows[0].cells[0].text == "Period"]
    # Two parts, each repeating the period column, holding every column once.
    assert [[c.text for c in t.rows[0].cells] for t in parts] == [
        ["Period", "Quintile 1", "Quintile 2", "Quintile 3"],
        ["Period", "Quintile 4", "Quintile 5", "SII"],
    ]
    table = chapter.tables[-1]
    for part in parts:
        for row, expected in zip(part.rows[1:], table.rows, strict=True):
            heads = [c.text for c in part.rows[0].cells]
            got = [c.text.replace("\u00a0", " ") for c in row.cells]
            assert got == [expected[table.header.index(h)] for h in heads]
    # The second part's caption says it continues the table; the notes follow the last.
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert f"Table 3 (continued). {table.title}" in captions
    after = parts[1]._tbl.getnext()
    assert after.xpath("string(.)") == table.notes[0]
    # The parts stay together: every row keeps with the next, the caption too.
    assert all(_keeps(parts[0])) and all(_keeps(parts[1]))
    # Every column is wide enough for its widest cell on one line, and a value's spaces
    # do not break (no-break spaces).
    for part in parts:
        widths = [c.width.mm for c in part.columns]
        assert sum(widths) <= 170 + 1e-6
        for row in part.rows[1:]:
            for j, cell in enumerate(row.cells):
                assert text_width_mm(cell.text, TABLE_PT) < widths[j]
                if j:
                    assert " " not in cell.text and "\u00a0" in cell.text
    # Alternative text names each part.
    described = parts[1]._tbl.tblPr.find(qn("w:tblDescription")).get(qn("w:val"))
    assert "(part 2 of 2: columns Quintile 4, Quintile 5, SII)" in described


def test_a_table_that_cannot_be_split_gets_a_landscape_page() -> None:
    value = "12.3 (10.1 to 14.9) " * 7
    table = ReportTable(
        id="unsplittable",
        title="One very wide column",
        header=("Period", "Rates"),
        rows=(("2020-2022", value.strip()),),
        tidy=pd.DataFrame({"period": ["2020-2022"]}),
        notes=("A note.",),
        number=3,
    )
    document = _open(render_docx(_with_table(table)))
    sections = document.sections
    assert [s.orientation for s in sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    assert sections[1].page_width > sections[1].page_height
    body = list(document.element.body.iterchildren())
    breaks = [i for i, el in enumerate(body) if el.xpath("./w:pPr/w:sectPr")]
    inside = body[breaks[0] + 1 : breaks[1] + 1]
    assert _word_table(document, "Period")._tbl in inside
    assert [el.tag for el in inside].count(qn("w:tbl")) == 1
    # Headers and footers carry on (inherited, not dropped).
    assert all(s.footer.is_linked_to_previous for s in sections[1:])


def test_narrow_tables_stay_on_portrait_pages() -> None:
    document = _open(render_docx(_chapter()))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT]


# --------------------------------------------------------------------------------------
# Word: accessibility, contents, figure notes
# --------------------------------------------------------------------------------------


def test_tables_have_alternative_text_that_says_what_the_marker_means() -> None:
    chapter = _chapter()
    document = _open(render_docx(chapter))
    with_marker = _word_table(document, "Year")._tbl.tblPr
    description = with_marker.find(qn("w:tblDescription")).get(qn("w:val"))
    assert description.startswith(chapter.tables[0].caption)
    assert f"A cell showing {MARK} is a count not shown" in description
    caption = with_marker.find(qn("w:tblCaption")).get(qn("w:val"))
    assert caption == chapter.tables[0].title
    # Without a marker in the chapter (disclosure control off), no such words.
    plain = _open(render_docx(make_chapter()))
    tbl_pr = _word_table(plain, "Year")._tbl.tblPr
    assert "count not shown" not in tbl_pr.find(qn("w:tblDescription")).get(qn("w:val"))


def test_contents_link_to_bookmarked_headings_in_order() -> None:
    chapter = _chapter()
    document = _open(render_docx(chapter))
    body = document.element.body
    links = body.xpath(".//w:hyperlink")
    titles = [link.xpath("string(.)") for link in links]
    assert titles == [e.title for e in chapter.contents()]
    assert titles[-1] == APPENDIX_HEADING
    marks = {b.get(qn("w:name")): b.getparent() for b in body.iter(qn("w:bookmarkStart"))}
    for link, title in zip(links, titles, strict=True):
        heading = marks[link.get(qn("w:anchor"))]
        assert heading.xpath("string(.)") == title
        assert heading.pPr.pStyle.val == "Heading1"
    # The contents sit in a TOC field (Word's "Update field" adds page numbers).
    assert ' TOC \\o "1-1" \\h \\z \\u ' in body.xml
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.index("Contents") < paragraphs.index(chapter.sections[0].title)


def test_a_figure_note_sits_under_the_figure_caption() -> None:
    chapter = _chapter()
    figure = dataclasses.replace(chapter.figures[0], notes=("Bars can stop short of 100%.",))
    first = dataclasses.replace(chapter.sections[0], figures=(figure,))
    chapter = dataclasses.replace(chapter, sections=(first, *chapter.sections[1:]))
    paragraphs = [p.text for p in _open(render_docx(chapter)).paragraphs]
    at = paragraphs.index("Figure 1. Deaths notified per year")
    assert paragraphs[at + 1] == "Bars can stop short of 100%."
    html = render_html(chapter)
    assert re.search(r"<figcaption>Figure 1\.[^<]*<div class=\"notes\"><p>Bars can stop", html)
    text = render_markdown(chapter)
    assert "*Figure 1. Deaths notified per year*\n\nBars can stop short of 100%." in text


# --------------------------------------------------------------------------------------
# Front matter (key messages), contents in every format, the appendix
# --------------------------------------------------------------------------------------


def _with_front() -> Chapter:
    chapter = _chapter()
    front = Section(
        id="key_messages",
        title="Key messages",
        paragraphs=("The first finding.",),
        placement="front",
    )
    return dataclasses.replace(chapter, sections=(*chapter.sections, front))


def test_front_sections_come_first_after_the_contents_in_every_format() -> None:
    chapter = _with_front()
    assert [s.id for s in chapter.front] == ["key_messages"]
    assert [e.title for e in chapter.contents()] == [
        "Key messages",
        "Notifications and reviews",
        "Place of death",
        APPENDIX_HEADING,
    ]
    md = render_markdown(chapter)
    assert md.index("## Contents") < md.index("## Key messages") < md.index("## Notifications")
    assert "- [Key messages](#key-messages)" in md
    html = render_html(chapter)
    assert html.index('id="contents-h"') < html.index("Key messages</h2>")
    assert html.index("Key messages</h2>") < html.index("Notifications and reviews</h2>")
    paragraphs = [p.text for p in _open(render_docx(chapter)).paragraphs]
    first = paragraphs.index("Key messages", paragraphs.index("Contents") + 5)
    assert first < paragraphs.index("Notifications and reviews", first)


def test_front_sections_are_numbered_first() -> None:
    from cdop.report._build import _numbered

    front = Section(
        "key", "Key messages", (), tables=(dataclasses.replace(_long_table(2)),), placement="front"
    )
    body = Section("body", "Body", (), tables=(dataclasses.replace(_wide_table()),))
    ordered = _numbered([body, front])
    assert [s.id for s in ordered] == ["key", "body"]
    assert [s.tables[0].number for s in ordered] == [1, 2]


def test_markdown_contents_links_match_the_headings() -> None:
    text = render_markdown(_chapter())
    headings = {
        heading_anchor(line.lstrip("#").strip())
        for line in text.splitlines()
        if line.startswith("## ")
    }
    links = re.findall(r"^- \[[^\]]+\]\(#([^)]+)\)$", text, flags=re.M)
    assert links and set(links) <= headings


def test_provenance_is_in_the_appendix_at_the_end() -> None:
    chapter = _chapter()
    md = render_markdown(chapter)
    assert md.index(f"## {APPENDIX_HEADING}") < md.index("### Provenance")
    assert md.index("### Disclosure control") < md.index("### Provenance")
    assert re.findall(r"^## (.*)$", md, flags=re.M)[-1] == APPENDIX_HEADING
    html = render_html(chapter)
    assert html.index('<section id="appendix"') < html.index("<h3>Provenance</h3>")


def test_excel_contents_link_to_each_sheet() -> None:
    import openpyxl

    from cdop.report._xlsx import render_xlsx

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(_chapter())))
    about = book.worksheets[0]
    links = [c.hyperlink.location for row in about.iter_rows() for c in row if c.hyperlink]
    assert links == [f"'{name}'!A1" for name in book.sheetnames[1:]]
    assert any(c.value == "Contents" for row in about.iter_rows() for c in row)


# --------------------------------------------------------------------------------------
# HTML: the marker read out, 400 px
# --------------------------------------------------------------------------------------


def test_html_marker_cells_have_words_for_screen_readers() -> None:
    html = render_html(_chapter())
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html)
    marked = [c for c in cells if "abbr" in c]
    # The fixture's tables hold four "*" cells.
    assert len(marked) == 4
    for cell in marked:
        assert cell.startswith('<abbr class="marker" title="Not shown')
        assert f'<span aria-hidden="true">{MARK}</span>' in cell
        assert f'<span class="visually-hidden">{MARKER_WORDS}</span>' in cell
    # A cell that merely contains the marker character is left as text.
    assert not any("abbr" in c for c in cells if c.startswith("u "))
    assert "<abbr" not in render_html(make_chapter())  # no marker: disclosure control off


def test_html_reads_on_a_phone() -> None:
    html = render_html(_chapter())
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    # Each table scrolls sideways in its own box, reachable from the keyboard.
    tables = html.count("<table")
    assert html.count('<div class="table-scroll"') == tables
    assert re.search(r"\.table-scroll \{[^}]*overflow-x: auto", html)
    for block in re.findall(r'<div class="table-scroll"[^>]*>\s*<table', html):
        assert block
    # Figures never wider than the screen; numbers never wrap mid-value.
    assert re.search(r"figure svg, figure img \{[^}]*max-width: min\(100%", html)
    assert re.search(r"\.r \{[^}]*white-space: nowrap", html)
    assert "@media (max-width: 32rem)" in html


def test_html_contents_link_to_ids() -> None:
    html = render_html(_with_front())
    targets = re.findall(r'<li><a href="#([^"]+)">', html)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert targets and set(targets) <= ids


# --------------------------------------------------------------------------------------
# A panel's own Word template
# --------------------------------------------------------------------------------------


def _template(tmp_path: Path, *, dotx: bool = False) -> Path:
    """A panel's template: Georgia 12 pt body, dark red headings, a footer of its own."""
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Georgia"
    normal.font.size = Pt(12)
    heading = doc.styles["Heading 1"]
    heading.font.name = "Georgia"
    heading.font.color.rgb = RGBColor(0x80, 0x00, 0x20)
    doc.sections[0].footer.paragraphs[0].text = "Northmoor Safeguarding Partnership"
    doc.add_paragraph("Placeholder text of the template, not part of the chapter.")
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    path = tmp_path / ("panel.dotx" if dotx else "panel.docx")
    if dotx:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                payload = src.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    payload = payload.replace(
                        b"wordprocessingml.document.main+xml",
                        b"wordprocessingml.template.main+xml",
                    )
                dst.writestr(info, payload)
        data = out.getvalue()
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("dotx", [False, True], ids=["docx", "dotx"])
def test_a_panel_template_gives_its_styles(tmp_path: Path, dotx: bool) -> None:
    template = check_template(_template(tmp_path, dotx=dotx))
    document = _open(render_docx(_chapter(), template=template))
    styles = document.styles
    assert styles["Normal"].font.name == "Georgia"
    assert styles["Normal"].font.size == Pt(12)
    assert styles["Heading 1"].font.color.rgb == RGBColor(0x80, 0x00, 0x20)
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings][:2] == ["Contents", "Notifications and reviews"]
    # The template's text is not carried into the chapter; its footer is kept.
    assert "Placeholder" not in "".join(p.text for p in document.paragraphs)
    assert "Northmoor Safeguarding Partnership" in document.sections[0].footer.paragraphs[0].text
    # The styles the chapter needs are added, in the template's font, tables at 9 pt.
    assert styles["Table Text"].font.size == Pt(TABLE_PT)
    assert styles["Table Text"].base_style.name == "Normal"
    assert "Arial" not in styles.element.xml
    assert min(_sizes_in_tables(document)) >= 9.0
    # Columns are measured in Arial: a template's own font is allowed a fifth more.
    from cdop.report._widths import CELL_PAD_MM, text_width_mm

    panel = _word_table(document, "Year")  # narrow enough for every heading on one line
    for column, cell in zip(panel.columns, panel.rows[0].cells, strict=True):
        wanted = text_width_mm(cell.text, TABLE_PT * 1.2, bold=True) + CELL_PAD_MM
        assert column.width.mm >= wanted - 0.01


def test_house_style_without_a_template_is_unchanged() -> None:
    document = _open(render_docx(_chapter()))
    assert document.styles["Normal"].font.name == "Arial"


def test_a_template_keeps_its_own_table_text_style(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    doc = docx.Document()
    own = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    own.font.size = Pt(10)
    own.font.name = "Verdana"
    path = tmp_path / "own.docx"
    doc.save(str(path))
    document = _open(render_docx(_chapter(), template=check_template(path)))
    assert document.styles["Table Text"].font.size == Pt(10)
    assert document.styles["Table Text"].font.name == "Verdana"


def test_the_same_chapter_and_template_give_the_same_bytes(tmp_path: Path) -> None:
    template = check_template(_template(tmp_path))
    assert render_docx(_chapter(), template=template) == render_docx(_chapter(), template=template)


@pytest.mark.parametrize("where", ["header", "footer"])
def test_a_template_whose_header_or_footer_holds_an_identifier_is_refused(
    tmp_path: Path, where: str
) -> None:
    # The chapter keeps a template's headers and footers: a tester's template with a
    # phone number in its header gave a published chapter.docx holding it.
    from cdop.errors import IdentifierError

    doc = docx.Document()
    part = doc.sections[0].header if where == "header" else doc.sections[0].footer
    part.paragraphs[0].text = "Contact the CDOP office on 0113\u00a0496 0000"
    path = tmp_path / "panel.docx"
    doc.save(path)
    with pytest.raises(IdentifierError, match=f"a {where} holds a phone number") as e:
        check_template(path)
    assert "496" not in str(e.value)
    # the panel's name alone is fine
    check_template(_template(tmp_path))


def test_a_missing_or_invalid_template_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CdopArgumentError, match=r"template: expected a Word file .*does not exist"):
        check_template(tmp_path / "missing.docx")
    with pytest.raises(CdopArgumentError, match="is a folder"):
        check_template(tmp_path)
    text = tmp_path / "notes.docx"
    text.write_text("not a Word file")
    with pytest.raises(CdopArgumentError, match=r"notes\.docx' is not one"):
        check_template(text)
    archive = tmp_path / "other.docx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(CdopArgumentError, match="with its styles"):
        check_template(archive)
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("word/document.xml", "not xml")
        z.writestr("word/styles.xml", "not xml")
    with pytest.raises(CdopArgumentError, match="could not be read as a Word file"):
        check_template(broken)


def test_build_refuses_a_missing_template_before_anything_is_written(tmp_path: Path) -> None:
    import cdop
    from cdop.report import build

    out = tmp_path / "report"
    with pytest.raises(CdopArgumentError, match="template: expected a Word file"):
        build(cdop.load_sample(), out=out, template=tmp_path / "panel.docx", formats=["docx"])
    assert not out.exists()


def test_cli_template_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cdop.cli import main

    code = main(["report", "--out", str(tmp_path / "r"), "--template", str(tmp_path / "x.docx")])
    assert code == 2
    assert "template: expected a Word file (.docx or .dotx)" in capsys.readouterr().err


def test_a_template_whose_properties_hold_an_identifier_is_refused(tmp_path: Path) -> None:
    # The chapter kept a template's keywords, category, status, identifier and version:
    # a tester's template with a postcode, an email, a phone number, an NHS number and an
    # address in them gave a published chapter.docx holding them.
    from cdop.errors import IdentifierError

    doc = docx.Document()
    doc.core_properties.keywords = "LS6 4AB"
    path = tmp_path / "panel.docx"
    doc.save(path)
    with pytest.raises(IdentifierError, match="a property of the document holds a full post"):
        check_template(path)
    # the template's own keywords and category describe it, not the chapter: not kept
    doc = docx.Document()
    doc.core_properties.keywords = "house style"
    doc.core_properties.category = "Templates"
    doc.core_properties.version = "3"
    doc.save(path)
    document = _open(render_docx(_chapter(), template=check_template(path)))
    kept = document.core_properties
    assert (kept.keywords, kept.category, kept.version) == ("", "", "")
