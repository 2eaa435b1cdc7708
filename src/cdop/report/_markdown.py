"""The chapter as GitHub-flavoured Markdown.

Tables are pipe tables with their column alignment, the caption in bold above and the
notes under; figures link to ``figures/<id>.png`` with their alternative text and the
caption under. The contents (links to the headings) follow the title; the disclosure
note and the provenance close the chapter as its appendix. The stamp, when set, is
printed at the top and at the bottom.
"""

from __future__ import annotations

import re
from typing import Final

from cdop._safe import xml_text
from cdop.report._house import (
    DISCLOSURE_HEADING,
    PROVENANCE_HEADER,
    PROVENANCE_HEADING,
    PROVENANCE_NOTE,
)
from cdop.report._model import APPENDIX_HEADING, Align, Chapter, ReportFigure, ReportTable

__all__ = ["escape_markdown", "heading_anchor", "render_markdown"]

_SPACE: Final = re.compile(r"\s+")
#: Always markup: backslash, backtick, asterisk, and underscores that are not inside a word.
_INLINE: Final = re.compile(r"[\\`*\[\]]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
#: "<" that would open an HTML tag, comment or declaration.
_TAG_OPEN: Final = re.compile(r"<(?=[A-Za-z/!?])")
#: What makes a line a heading, quote, rule, list item or setext underline.
_BLOCK_START: Final = re.compile(r"^(?:[#>+=-]|\d+(?=[.)](?:\s|$)))")
_ALL_ASTERISKS: Final = re.compile(r"\*+")
#: What GitHub drops from a heading to make its anchor.
_ANCHOR_DROP: Final = re.compile(r"[^\w\- ]", re.UNICODE)


def escape_markdown(text: str, *, cell: bool = False) -> str:
    r"""Escape what Markdown would read as markup; fold newlines into spaces.

    Characters XML forbids (control characters) become U+FFFD.

    Escaped: backslashes, backticks, asterisks, square brackets (so no link can be
    made from data), underscores that are not inside a word
    (``imd_quintile`` is left alone), ``<`` that would open an HTML tag, and a first
    character that would start a heading, quote, rule or list. In a table cell (``cell``)
    ``|`` is escaped instead of the first character, and a cell that is only asterisks
    (a suppression marker) is left as it is, since it cannot be emphasis there.

    Examples
    --------
    >>> escape_markdown("* suppressed: <5 or <b> a_b _c_")
    '\\* suppressed: <5 or \\<b> a_b \\_c\\_'
    >>> escape_markdown("1. first")
    '1\\. first'
    >>> escape_markdown("*", cell=True), escape_markdown("a | b", cell=True)
    ('*', 'a \\| b')
    """
    text = _SPACE.sub(" ", xml_text(text)).strip()
    if cell and _ALL_ASTERISKS.fullmatch(text):
        return text
    text = _INLINE.sub(lambda m: "\\" + m.group(0), text)
    text = _TAG_OPEN.sub(r"\\<", text)
    if cell:
        return text.replace("|", "\\|")
    match = _BLOCK_START.match(text)
    if match is not None:
        at = match.end() if match.group(0)[0].isdigit() else 0
        text = text[:at] + "\\" + text[at:]
    return text


def heading_anchor(title: str) -> str:
    """The anchor GitHub (and most Markdown viewers) give a heading, for the contents.

    Examples
    --------
    >>> heading_anchor("Appendix: how this chapter was made")
    'appendix-how-this-chapter-was-made'
    """
    text = _SPACE.sub(" ", xml_text(title)).strip().lower()
    return _ANCHOR_DROP.sub("", text).replace(" ", "-")


def _delimiter(align: Align) -> str:
    return "---:" if align == "right" else ":---"


def _pipe_row(cells: tuple[str, ...] | list[str]) -> str:
    return "| " + " | ".join(escape_markdown(c, cell=True) for c in cells) + " |"


def table_markdown(table: ReportTable) -> list[str]:
    """Lines of one table: bold caption, pipe table, notes."""
    aligns = table.column_alignments()
    lines = [f"**{escape_markdown(table.caption)}**", ""]
    lines.append(_pipe_row(table.header))
    lines.append("|" + "|".join(_delimiter(a) for a in aligns) + "|")
    lines.extend(_pipe_row(row) for row in table.rows)
    if table.notes:
        lines.append("")
        for note in table.notes:
            lines.extend([escape_markdown(note), ""])
        lines.pop()
    return lines


def figure_markdown(figure: ReportFigure) -> list[str]:
    """Lines of one figure: the image with its alternative text, the caption, its notes."""
    alt = escape_markdown(figure.alt)
    lines = [f"![{alt}](figures/{figure.id}.png)", "", f"*{escape_markdown(figure.caption)}*"]
    for note in figure.notes:
        lines.extend(["", escape_markdown(note)])
    return lines


def _contents(chapter: Chapter) -> list[str]:
    """The contents as a list of links to the headings."""
    return [
        f"- [{escape_markdown(entry.title)}](#{heading_anchor(entry.title)})"
        for entry in chapter.contents()
    ]


def render_markdown(chapter: Chapter) -> str:
    """The chapter as Markdown text (LF line endings, one trailing newline).

    Parameters
    ----------
    chapter
        The chapter to lay out.

    Returns
    -------
    str
        Markdown text.
    """
    blocks: list[list[str]] = []
    stamp = [f"**{escape_markdown(chapter.stamp)}**"] if chapter.stamp else []
    if stamp:
        blocks.append(stamp)
    blocks.append([f"# {escape_markdown(chapter.title)}"])
    if chapter.subtitle:
        blocks.append([escape_markdown(chapter.subtitle)])
    if chapter.date_text:
        blocks.append([f"*{escape_markdown(chapter.date_text)}*"])
    blocks.extend([escape_markdown(p)] for p in chapter.intro)
    blocks.append(["## Contents"])
    blocks.append(_contents(chapter))
    for section in (*chapter.front, *chapter.body):
        blocks.append([f"## {escape_markdown(section.title)}"])
        blocks.extend([escape_markdown(p)] for p in section.paragraphs)
        blocks.extend(table_markdown(t) for t in section.tables)
        blocks.extend(figure_markdown(f) for f in section.figures)
    if chapter.has_appendix:
        blocks.append([f"## {APPENDIX_HEADING}"])
    if chapter.disclosure_note:
        blocks.append([f"### {DISCLOSURE_HEADING}"])
        blocks.append([escape_markdown(chapter.disclosure_note)])
    if chapter.provenance:
        blocks.append([f"### {PROVENANCE_HEADING}"])
        rows = [_pipe_row(PROVENANCE_HEADER), "|:---|:---|"]
        rows.extend(_pipe_row([label, value]) for label, value in chapter.provenance)
        blocks.append(rows)
        blocks.append([escape_markdown(PROVENANCE_NOTE)])
    if stamp:
        blocks.append(stamp)
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"
