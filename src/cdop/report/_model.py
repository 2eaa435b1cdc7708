"""The report chapter as data: sections of narrative, tables and figures, ready to render.

Sections build these objects from the analytics; the renderers (Markdown, HTML, Word,
Excel, CSV) only lay them out, so every format shows the same cells. Display cells are
final strings: disclosure control has already been applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd

if TYPE_CHECKING:
    from cdop.disclosure import Protection

__all__ = ["Align", "Chapter", "ReportFigure", "ReportTable", "Section"]

Align = Literal["left", "right"]


@dataclass(frozen=True)
class ReportTable:
    """One table of the chapter.

    Attributes
    ----------
    id
        Stable identifier: file name of its CSV (``tables/<id>.csv``) and Excel sheet name.
    title
        Caption, numbered by the renderer ("Table 3. ..." is built from ``number``).
    header
        Column headings.
    rows
        Display cells, one tuple per row, as printed (suppressed cells show the marker).
    tidy
        The values behind the table in long form, after disclosure control, for CSV.
    notes
        Notes printed under the table (sources, suppression, definitions).
    align
        Alignment of each column; the first is usually left, numbers right.
    number
        Table number within the chapter.
    """

    id: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    tidy: pd.DataFrame
    notes: tuple[str, ...] = ()
    align: tuple[Align, ...] = ()
    number: int = 0

    def column_alignments(self) -> tuple[Align, ...]:
        """Alignment per column: as given, else the first left and the rest right."""
        if self.align:
            return self.align
        right: Align = "right"
        return ("left", *([right] * (len(self.header) - 1)))

    @property
    def caption(self) -> str:
        """ "Table N. Title"."""
        return f"Table {self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class ReportFigure:
    """One figure: PNG (300 dpi) and SVG bytes, with a caption and alternative text."""

    id: str
    title: str
    alt: str
    png: bytes
    svg: bytes
    number: int = 0

    @property
    def caption(self) -> str:
        """ "Figure N. Title"."""
        return f"Figure {self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Section:
    """A section: a heading, one or two paragraphs of generated narrative, tables, figures."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    tables: tuple[ReportTable, ...] = ()
    figures: tuple[ReportFigure, ...] = ()


@dataclass(frozen=True)
class Chapter:
    """The whole chapter.

    Attributes
    ----------
    title, subtitle
        Heading and the line under it (panel and reporting year).
    date_text
        The printed date ("Produced 25 November 2026"), given by the caller: never the clock.
    sections
        The sections in order.
    provenance
        (label, value) pairs: library version, SHA-256 of each input file, options.
    stamp
        "NOT FOR PUBLICATION" when disclosure control is off; printed on every output.
    disclosure_note
        The disclosure rules in words, printed once.
    protection
        What disclosure control hid and why, for the coordinator (never printed):
        ``protection.trail()`` and ``protection.loss()``.
    """

    title: str
    subtitle: str
    date_text: str
    sections: tuple[Section, ...]
    provenance: tuple[tuple[str, str], ...] = ()
    stamp: str | None = None
    disclosure_note: str = ""
    intro: tuple[str, ...] = field(default=())
    protection: Protection | None = field(default=None, repr=False, compare=False)

    @property
    def tables(self) -> tuple[ReportTable, ...]:
        """Every table in order."""
        return tuple(t for s in self.sections for t in s.tables)

    @property
    def figures(self) -> tuple[ReportFigure, ...]:
        """Every figure in order."""
        return tuple(f for s in self.sections for f in s.figures)
