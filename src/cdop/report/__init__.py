"""The annual report chapter, generated: tables, figures and narrative in every format.

:func:`build` computes the chapter from a validated :class:`~cdop.Dataset` and writes it
as Markdown, one self-contained HTML file, Word, Excel, tidy CSV per table, and figures
as PNG (300 dpi) and SVG. Disclosure control is on by default; with it off, every output
is stamped "NOT FOR PUBLICATION". The same input gives byte-identical outputs.

Examples
--------
>>> import cdop
>>> from cdop.report import build_chapter
>>> chapter = build_chapter(cdop.load_sample(), year="2024/25")
>>> [s.title for s in chapter.sections][:2]
['Key messages', 'Notifications and reviews']
"""

from __future__ import annotations

from cdop.report._areas import AreasResult, area_dataset, build_areas, comparison_chapter
from cdop.report._build import (
    FORMATS,
    NOT_FOR_PUBLICATION,
    BuildResult,
    Format,
    build,
    build_chapter,
    latest_complete_year,
)
from cdop.report._model import Chapter, ChapterTables, Omission, ReportFigure, ReportTable, Section
from cdop.report._publishable import publishable
from cdop.report._settings import ChapterSettings, read_settings

__all__ = [
    "FORMATS",
    "NOT_FOR_PUBLICATION",
    "AreasResult",
    "BuildResult",
    "Chapter",
    "ChapterSettings",
    "ChapterTables",
    "Format",
    "Omission",
    "ReportFigure",
    "ReportTable",
    "Section",
    "area_dataset",
    "build",
    "build_areas",
    "build_chapter",
    "comparison_chapter",
    "latest_complete_year",
    "publishable",
    "read_settings",
]
