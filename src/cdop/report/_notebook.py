"""The chapter in a notebook: what it holds at a glance, each table one call away."""

from __future__ import annotations

from cdop import _display
from cdop.report._model import Chapter

__all__ = ["chapter_html"]


def chapter_html(chapter: Chapter) -> str:
    """The notebook view of a chapter: title, stamp, contents by section, what was left
    out and what data would add it, disclosure control.

    Each table is listed with the id that opens it (``chapter.tables["id"]``), so the
    coordinator can look at any table as it will be published.
    """
    parts = [_display.heading(chapter.title, chapter.subtitle)]
    if chapter.stamp:
        parts.append(_display.paragraph(chapter.stamp + ": " + chapter.disclosure_note, stamp=True))
    parts.append(_display.paragraph(chapter.date_text, note=True))
    rows = []
    for section in chapter.sections:
        tables = "; ".join(f"{t.caption} [{t.id}]" for t in section.tables) or "–"
        figures = "; ".join(f.caption for f in section.figures) or "–"
        rows.append((section.title, tables, figures))
    parts.append(
        _display.html_table(
            ("Section", "Tables [id]", "Figures"),
            rows,
            caption=f"{len(chapter.sections)} sections, {len(chapter.tables)} tables, "
            f"{len(chapter.figures)} figures",
            align=("left", "left", "left"),
        )
    )
    if chapter.omitted:
        parts.append(
            _display.html_table(
                ("Left out", "What would add it"),
                [(o.title, "; and ".join(o.needs)) for o in chapter.omitted],
                caption=f"{len(chapter.omitted)} left out for want of data",
                align=("left", "left"),
            )
        )
    control = dict(chapter.provenance).get("Disclosure control")
    if control:
        parts.append(_display.paragraph(f"Disclosure control: {control}.", note=True))
    parts.append(
        _display.paragraph(
            'Show a table as it will be published with <code>chapter.tables["id"]</code>; '
            "take it as a DataFrame with <code>.to_frame()</code>.",
            note=True,
            raw=True,
        )
    )
    return _display.block(*parts, kind="chapter")
