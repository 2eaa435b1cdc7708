"""The chapter as one self-contained HTML file.

No external resources: the style sheet is inline and figures are inline SVG (with a
``<title>`` carrying the alternative text), or an embedded PNG when a figure has no SVG.
Tables are semantic (``<caption>``, ``<thead>``, ``<th scope>``) with their notes linked
by ``aria-describedby``. When the chapter carries a stamp, a banner shows it at the top
of the page, of every section and at the bottom, and on every printed page.

A contents list (links to the sections) follows the title; the disclosure note and the
provenance close the page as its appendix. The suppression marker in a cell is an
``<abbr>`` whose words a screen reader reads ("not shown") instead of "asterisk". The page
reads on a phone (400 px): tables scroll sideways inside their own box, figures shrink to
the width, numbers and intervals never wrap mid-value.
"""

from __future__ import annotations

import base64
import re
from html import escape as _html_escape
from typing import Final

from cdop._safe import xml_text
from cdop.report._house import (
    BODY_PT,
    DISCLOSURE_HEADING,
    FONT_STACK,
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
from cdop.report._model import APPENDIX_HEADING, Chapter, ReportFigure, ReportTable

__all__ = ["inline_svg", "render_html"]

_XML_PROLOGUE: Final = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)
_METADATA: Final = re.compile(r"<metadata>.*?</metadata>", re.S)
_SVG_OPEN: Final = re.compile(r"<svg\b[^>]*>", re.S)
_ID: Final = re.compile(r'\bid="([^"]+)"')
_HREF: Final = re.compile(r'(\bhref=")#([^"]+)"')
_URL: Final = re.compile(r"url\(#([^)]+)\)")
_SLUG: Final = re.compile(r"[^A-Za-z0-9_-]+")
#: Words a screen reader says for the suppression marker, and its tooltip.
MARKER_WORDS: Final = "not shown"
MARKER_TITLE: Final = "Not shown: a small count, or one that would let a small count be worked out"


def escape(text: str) -> str:
    """Text escaped for HTML content and attributes, with characters XML forbids replaced."""
    return _html_escape(xml_text(text))


def _slug(text: str) -> str:
    return _SLUG.sub("-", text).strip("-") or "x"


def _css(stamp: str | None) -> str:
    page_stamp = ""
    if stamp:
        quoted = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in stamp)
        box = f'content: "{quoted}"; color: #{STAMP_RGB}; font: bold 10pt {FONT_STACK};'
        page_stamp = f"  @top-center {{ {box} }}\n  @bottom-center {{ {box} }}\n"
    return f"""\
:root {{ color-scheme: light; }}
body {{
  font-family: {FONT_STACK};
  font-size: {BODY_PT}pt;
  line-height: 1.45;
  color: #{TEXT_RGB};
  background: #fff;
  max-width: 52rem;
  margin: 0 auto;
  padding: 1.5rem 1.25rem 3rem;
  overflow-wrap: break-word;
}}
h1, h2, h3 {{ color: #{HEADING_RGB}; line-height: 1.2; }}
h3 {{ font-size: 1.1em; margin: 1.2em 0 0.4em; }}
h1 {{ font-size: 1.9em; margin: 0.4em 0 0.2em; }}
h2 {{ font-size: 1.35em; margin: 1.6em 0 0.5em; border-bottom: 2px solid #{RULE_RGB}; \
padding-bottom: 0.15em; }}
.subtitle {{ font-size: 1.2em; margin: 0 0 0.2em; }}
.date {{ color: #444; margin: 0 0 1.2em; }}
.stamp {{
  border: 3px solid #{STAMP_RGB};
  color: #{STAMP_RGB};
  font-weight: bold;
  letter-spacing: 0.06em;
  text-align: center;
  padding: 0.35em 0.5em;
  margin: 0.8em 0;
}}
.table-block {{ margin: 1.2em 0 1.6em; }}
.table-scroll {{
  overflow-x: auto;
  -webkit-overflow-scrolling: touch;
  max-width: 100%;
  /* A shadow on the side where a table wider than the screen goes on: it shows there is
     more to scroll to, and goes when the reader reaches the edge. */
  background:
    linear-gradient(to right, #fff 30%, rgb(255 255 255 / 0)) left center / 2.5em 100%
      no-repeat local,
    linear-gradient(to left, #fff 30%, rgb(255 255 255 / 0)) right center / 2.5em 100%
      no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgb(0 0 0 / 0.3), rgb(0 0 0 / 0)) left center
      / 0.9em 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgb(0 0 0 / 0.3), rgb(0 0 0 / 0)) right center
      / 0.9em 100% no-repeat scroll;
}}
.table-scroll:focus {{ outline: 2px solid #{HEADING_RGB}; }}
table {{ border-collapse: collapse; font-size: {TABLE_PT}pt; min-width: 50%; }}
.table-caption {{
  font-weight: bold;
  color: #{HEADING_RGB};
  margin: 0 0 0.4em;
}}
th, td {{ padding: 0.3em 0.6em; border-bottom: 1px solid #{RULE_RGB}; vertical-align: top; }}
thead th {{
  background: #{HEADER_FILL_RGB};
  border-top: 2px solid #{HEADING_RGB};
  border-bottom: 2px solid #{HEADING_RGB};
  font-weight: bold;
}}
tbody th {{ font-weight: normal; }}
thead th.r {{ white-space: normal; }}
.l {{ text-align: left; }}
.r {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
abbr.marker {{ text-decoration: none; cursor: help; }}
.nowrap {{ white-space: nowrap; }}
nav.contents ol {{ padding-left: 1.4em; margin: 0.3em 0 1em; }}
nav.contents li {{ margin: 0.15em 0; }}
a {{ color: #{HEADING_RGB}; }}
.notes {{ font-size: {TABLE_PT}pt; color: #333; margin: 0.4em 0 0; }}
.notes p {{ margin: 0.15em 0; }}
figure {{ margin: 1.2em 0 1.6em; }}
figure svg, figure img {{ display: block; width: 100%; max-width: min(100%, 44rem); height: auto; }}
figcaption {{ font-weight: bold; color: #{HEADING_RGB}; margin-top: 0.4em; }}
figcaption .notes {{ font-weight: normal; color: #333; }}
@media (max-width: 32rem) {{
  body {{ padding: 1rem 0.75rem 2rem; font-size: 11pt; }}
  h1 {{ font-size: 1.55em; }}
  h2 {{ font-size: 1.2em; }}
  th, td {{ padding: 0.25em 0.4em; }}
}}
.provenance td {{ word-break: break-all; }}
.visually-hidden {{
  position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap;
}}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 10pt; }}
  thead {{ display: table-header-group; }}
  tr, figure, .stamp {{ break-inside: avoid; }}
  .table-caption, h2, h3 {{ break-after: avoid; }}
  .table-scroll {{ overflow: visible; background: none; }}
  section {{ break-before: auto; }}
}}
@page {{
  size: A4;
  margin: 18mm 16mm;
{page_stamp}}}
"""


def inline_svg(figure: ReportFigure) -> str:
    """The figure's SVG ready to sit inside HTML.

    The XML prologue, comments and metadata are removed; every ``id`` (and every
    reference to one) is prefixed with the figure id so that figures cannot clash; the
    root gets ``role="img"`` and a ``<title>`` with the alternative text.
    """
    text = xml_text(figure.svg.decode("utf-8", errors="replace"))
    text = _METADATA.sub("", _XML_PROLOGUE.sub("", text)).strip()
    prefix = f"{_slug(figure.id)}-"
    text = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = _HREF.sub(lambda m: f'{m.group(1)}#{prefix}{m.group(2)}"', text)
    text = _URL.sub(lambda m: f"url(#{prefix}{m.group(1)})", text)
    title_id = f"{prefix}title"
    opening = _SVG_OPEN.search(text)
    if opening is None:
        raise ValueError(f"figure {figure.id!r}: the SVG has no <svg> element")
    head = opening.group(0)[:-1].rstrip("/").rstrip()
    new_open = (
        f'{head} role="img" aria-labelledby="{title_id}">'
        f'<title id="{title_id}">{escape(figure.alt)}</title>'
    )
    return text[: opening.start()] + new_open + text[opening.end() :]


def _figure_html(figure: ReportFigure) -> str:
    if figure.svg.strip():
        body = inline_svg(figure)
    else:
        data = base64.b64encode(figure.png).decode("ascii")
        body = f'<img alt="{escape(figure.alt)}" src="data:image/png;base64,{data}">'
    notes = "".join(f"<p>{escape(n)}</p>" for n in figure.notes)
    notes = f'<div class="notes">{notes}</div>' if notes else ""
    return (
        f'<figure id="figure-{_slug(figure.id)}">\n{body}\n'
        f"<figcaption>{escape(figure.caption)}{notes}</figcaption>\n</figure>"
    )


def _cell(text: str, marker: str) -> str:
    """A cell's text; the suppression marker as words a screen reader reads; a period
    ("2018-2020") kept on one line."""
    if marker and text.strip() == marker:
        return (
            f'<abbr class="marker" title="{MARKER_TITLE}">'
            f'<span aria-hidden="true">{escape(marker)}</span>'
            f'<span class="visually-hidden">{MARKER_WORDS}</span></abbr>'
        )
    if "-" in text and not any(c.isspace() for c in text):
        # A period ("2018-2020") never breaks at its hyphen.
        return f'<span class="nowrap">{escape(text)}</span>'
    return escape(text)


def _table_html(table: ReportTable, marker: str = "") -> str:
    aligns = ["r" if a == "right" else "l" for a in table.column_alignments()]
    ident = f"table-{_slug(table.id)}"
    notes_id = f"{ident}-notes"
    described = f' aria-describedby="{notes_id}"' if table.notes else ""
    # The caption shows above the scrolling box, so it wraps to the screen however wide
    # the table is; the table keeps its own <caption> for screen readers.
    lines = [
        '<div class="table-block">',
        f'<p class="table-caption" id="{ident}-c" aria-hidden="true">{escape(table.caption)}</p>',
        f'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{ident}-c">',
        f'<table id="{ident}"{described}>',
        f'<caption class="visually-hidden">{escape(table.caption)}</caption>',
    ]
    heads = "".join(
        f'<th scope="col" class="{a}">{escape(h)}</th>'
        for h, a in zip(table.header, aligns, strict=False)
    )
    lines.append(f"<thead><tr>{heads}</tr></thead>")
    lines.append("<tbody>")
    for row in table.rows:
        cells = []
        for j, cell in enumerate(row):
            a = aligns[j] if j < len(aligns) else "l"
            tag = 'th scope="row"' if j == 0 else "td"
            cells.append(f'<{tag} class="{a}">{_cell(cell, marker)}</{tag.split()[0]}>')
        lines.append(f"<tr>{''.join(cells)}</tr>")
    lines.append("</tbody>")
    lines.append("</table>")
    lines.append("</div>")
    if table.notes:
        notes = "".join(f"<p>{escape(n)}</p>" for n in table.notes)
        lines.append(f'<div class="notes" id="{notes_id}">{notes}</div>')
    lines.append("</div>")
    return "\n".join(lines)


def render_html(chapter: Chapter) -> str:
    """The chapter as a complete HTML document (LF line endings, one trailing newline).

    Parameters
    ----------
    chapter
        The chapter to lay out.

    Returns
    -------
    str
        HTML text, UTF-8 when written.
    """
    stamp = f'<p class="stamp" role="note">{escape(chapter.stamp)}</p>' if chapter.stamp else ""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(chapter.title)}</title>",
        f"<style>\n{_css(chapter.stamp)}</style>",
        "</head>",
        "<body>",
        "<header>",
    ]
    if stamp:
        out.append(stamp)
    out.append(f"<h1>{escape(chapter.title)}</h1>")
    if chapter.subtitle:
        out.append(f'<p class="subtitle">{escape(chapter.subtitle)}</p>')
    if chapter.date_text:
        out.append(f'<p class="date">{escape(chapter.date_text)}</p>')
    out.append("</header>")
    out.append("<main>")
    out.extend(f"<p>{escape(p)}</p>" for p in chapter.intro)
    out.append('<nav class="contents" aria-labelledby="contents-h">')
    out.append('<h2 id="contents-h">Contents</h2>')
    out.append("<ol>")
    out.extend(
        f'<li><a href="#{_slug(e.anchor)}">{escape(e.title)}</a></li>' for e in chapter.contents()
    )
    out.append("</ol>")
    out.append("</nav>")
    for section in (*chapter.front, *chapter.body):
        sid = f"section-{_slug(section.id)}"
        out.append(f'<section id="{sid}" aria-labelledby="{sid}-h">')
        if stamp:
            out.append(stamp)
        out.append(f'<h2 id="{sid}-h">{escape(section.title)}</h2>')
        out.extend(f"<p>{escape(p)}</p>" for p in section.paragraphs)
        out.extend(_table_html(t, chapter.marker) for t in section.tables)
        out.extend(_figure_html(f) for f in section.figures)
        out.append("</section>")
    if chapter.has_appendix:
        out.append('<section id="appendix" aria-labelledby="appendix-h">')
        if stamp:
            out.append(stamp)
        out.append(f'<h2 id="appendix-h">{escape(APPENDIX_HEADING)}</h2>')
        if chapter.disclosure_note:
            out.append(f"<h3>{DISCLOSURE_HEADING}</h3>")
            out.append(f"<p>{escape(chapter.disclosure_note)}</p>")
        if chapter.provenance:
            out.append(f"<h3>{PROVENANCE_HEADING}</h3>")
            out.append(_provenance_table(chapter))
        out.append("</section>")
    out.append("</main>")
    if stamp:
        out.append(f"<footer>{stamp}</footer>")
    out.extend(["</body>", "</html>"])
    return "\n".join(out) + "\n"


def _provenance_table(chapter: Chapter) -> str:
    heads = "".join(f'<th scope="col" class="l">{escape(h)}</th>' for h in PROVENANCE_HEADER)
    rows = "\n".join(
        f'<tr><th scope="row" class="l">{escape(k)}</th><td class="l">{escape(v)}</td></tr>'
        for k, v in chapter.provenance
    )
    return (
        '<div class="table-block">\n<div class="table-scroll">\n<table class="provenance">\n'
        f'<caption class="visually-hidden">{PROVENANCE_HEADING}</caption>\n'
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n</div>\n"
        f'<div class="notes"><p>{escape(PROVENANCE_NOTE)}</p></div>\n</div>'
    )
