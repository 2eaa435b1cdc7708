"""HTML renderer: semantic tables with every cell, self-contained, accessible, stamped."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_fixtures import STAMP, html_tables, make_chapter

from cdop.report._html import render_html
from cdop.report._render import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _check_tables(text: str) -> None:
    chapter = make_chapter()
    parsed = html_tables(text)
    assert len(parsed.tables) == len(chapter.tables) + 1  # and the provenance table
    for table, found in zip(chapter.tables, parsed.tables, strict=False):
        assert found["caption"] == table.caption
        assert found["rows"] == [table.header, *table.rows]


def test_every_cell_and_caption() -> None:
    _check_tables(render_html(make_chapter()))


def test_semantic_and_accessible_markup() -> None:
    text = render_html(make_chapter())
    assert text.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    parsed = html_tables(text)
    assert set(parsed.th_scopes) == {"col", "row"}
    assert text.count("<thead>") == text.count("<table") == 3
    # Notes are tied to their table.
    assert 'aria-describedby="table-notifications_by_year-notes"' in text
    assert 'id="table-notifications_by_year-notes"' in text
    # Right-aligned columns carry the class that aligns them.
    assert '<td class="r">1,234</td>' in text
    # Figures are inline SVG with a title holding the alternative text.
    alt = make_chapter().figures[0].alt
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="notifications_trend-title"', text)
    assert f'<title id="notifications_trend-title">{alt}</title>' in text
    assert "<figcaption>Figure 1. Deaths notified per year</figcaption>" in text


def test_self_contained_and_ids_unique() -> None:
    text = render_html(make_chapter(STAMP))
    assert "<script" not in text
    assert "<link" not in text
    assert not re.search(r"""(src|href)=["'](https?:|//|file:)""", text)
    assert "<?xml" not in text
    assert "<!DOCTYPE svg" not in text
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    # References inside the SVG follow the renamed ids.
    assert 'clip-path="url(#notifications_trend-p1)"' in text
    assert 'xlink:href="#notifications_trend-m1"' in text


def test_png_embedded_when_no_svg() -> None:
    import dataclasses

    chapter = make_chapter()
    section = chapter.sections[0]
    figure = dataclasses.replace(section.figures[0], svg=b"")
    chapter = dataclasses.replace(
        chapter, sections=(dataclasses.replace(section, figures=(figure,)), *chapter.sections[1:])
    )
    text = render_html(chapter)
    assert f'<img alt="{figure.alt}" src="data:image/png;base64,' in text


def test_special_characters_are_escaped() -> None:
    text = render_html(make_chapter())
    assert "Share &lt;5 days &amp; &gt;2 | x" in text
    assert "&lt;national&gt;" in text


def test_stamp_on_every_section_only_when_set() -> None:
    chapter = make_chapter(STAMP)
    stamped = render_html(chapter)
    banner = f'<p class="stamp" role="note">{STAMP}</p>'
    # Top of the page, every section, the closing section and the footer.
    assert stamped.count(banner) == len(chapter.sections) + 3
    for block in re.findall(r"<section\b.*?</section>", stamped, flags=re.S):
        assert banner in block
    assert "@top-center" in stamped  # and on every printed page
    assert STAMP not in render_html(make_chapter())


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_tables_present_in_browser_dom(tmp_path: Path) -> None:
    render(make_chapter(STAMP), tmp_path / "out", formats=["html"])
    page = tmp_path / "out" / "chapter.html"
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    dom = result.stdout
    _check_tables(dom)
    assert dom.count(f">{STAMP}<") >= len(make_chapter().sections) + 3
    assert "<svg" in dom
