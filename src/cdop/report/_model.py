"""The report chapter as data: sections of narrative, tables and figures, ready to render.

Sections build these objects from the analytics; the renderers (Markdown, HTML, Word,
Excel, CSV) only lay them out, so every format shows the same cells. Display cells are
final strings: disclosure control has already been applied.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final, Literal, overload

import pandas as pd

from cdop.errors import CdopArgumentError

if TYPE_CHECKING:
    from cdop.disclosure import Protection

__all__ = [
    "APPENDIX_HEADING",
    "Align",
    "Chapter",
    "ChapterTables",
    "ContentsEntry",
    "Omission",
    "Placement",
    "ReportFigure",
    "ReportTable",
    "Section",
]

Align = Literal["left", "right"]
#: Where a section sits: "front" (key messages, before the body, after the contents) or
#: "body".
Placement = Literal["front", "body"]
#: Heading of the appendix that holds the disclosure note and the provenance.
APPENDIX_HEADING: Final = "Appendix: how this chapter was made"


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
    stamp
        "NOT FOR PUBLICATION" when the table comes from a chapter built without
        disclosure control (shown above it in a notebook).

    Examples
    --------
    A chapter's tables are ``chapter.tables["id"]``; in a notebook one shows as published.

    >>> import pandas as pd
    >>> table = ReportTable(
    ...     id="sex", title="Deaths reviewed by sex, 2024/25", header=("Sex", "Number", "%"),
    ...     rows=(("Male", "41", "55%"), ("Female", "33", "45%"), ("Total", "74", "100%")),
    ...     tidy=pd.DataFrame(), notes=("Source: panel records.",), number=4)
    >>> table.caption
    'Table 4. Deaths reviewed by sex, 2024/25'
    >>> table.to_frame()
          Sex Number     %
    0    Male     41   55%
    1  Female     33   45%
    2   Total     74  100%
    >>> table.to_frame().attrs["notes"]
    ['Source: panel records.']
    """

    id: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    tidy: pd.DataFrame
    notes: tuple[str, ...] = ()
    align: tuple[Align, ...] = ()
    number: int = 0
    stamp: str | None = field(default=None, compare=False)

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

    def to_frame(self) -> pd.DataFrame:
        """The table as published: its headings as columns, its cells as printed.

        Every cell is text exactly as the chapter prints it (counts hidden by disclosure
        control show the marker), so the frame can be pasted as it is. The caption and
        notes travel in ``frame.attrs``. For the values behind the table use
        :attr:`tidy`.

        Returns
        -------
        pandas.DataFrame
            One column per heading (text), one row per printed row; ``attrs`` holds
            ``id``, ``caption`` and ``notes``.
        """
        frame = pd.DataFrame(
            [list(row) for row in self.rows], columns=list(self.header), dtype="object"
        )
        frame.attrs = {"id": self.id, "caption": self.caption, "notes": list(self.notes)}
        return frame

    def _repr_html_(self) -> str:
        from cdop import _display

        parts = []
        if self.stamp:
            parts.append(_display.paragraph(self.stamp, stamp=True))
        parts.append(
            _display.html_table(
                self.header, self.rows, caption=self.caption, align=self.column_alignments()
            )
        )
        parts += [_display.paragraph(note, note=True) for note in self.notes]
        return _display.block(*parts, kind="table")

    def __repr__(self) -> str:
        return f"<ReportTable {self.id!r}: {self.caption}; {len(self.rows)} rows>"


class ChapterTables(Sequence[ReportTable]):
    """The chapter's tables in order, also found by id: ``chapter.tables["review_durations"]``.

    Iterating gives the tables (not their ids); ``ids`` lists the ids in order.

    Examples
    --------
    >>> import pandas as pd
    >>> def table(id: str) -> ReportTable:
    ...     return ReportTable(id=id, title=id, header=("x",), rows=(), tidy=pd.DataFrame())
    >>> tables = ChapterTables([table("activity"), table("review_durations")])
    >>> tables.ids
    ('activity', 'review_durations')
    >>> tables["review_durations"] is tables[1], len(tables), "activity" in tables
    (True, 2, True)
    >>> [t.id for t in tables]
    ['activity', 'review_durations']
    >>> tables["durations"]
    Traceback (most recent call last):
    ...
    cdop.errors.CdopArgumentError: no table 'durations' in the chapter; its tables are ...
    """

    __slots__ = ("_by_id", "_tables")

    def __init__(self, tables: Sequence[ReportTable]) -> None:
        self._tables = tuple(tables)
        self._by_id = {t.id: t for t in self._tables}

    @property
    def ids(self) -> tuple[str, ...]:
        """The tables' ids, in chapter order."""
        return tuple(t.id for t in self._tables)

    @overload
    def __getitem__(self, key: int) -> ReportTable: ...

    @overload
    def __getitem__(self, key: str) -> ReportTable: ...

    @overload
    def __getitem__(self, key: slice) -> tuple[ReportTable, ...]: ...

    def __getitem__(self, key: int | str | slice) -> ReportTable | tuple[ReportTable, ...]:
        if isinstance(key, str):
            try:
                return self._by_id[key]
            except KeyError:
                raise CdopArgumentError(
                    f"no table {key!r} in the chapter; its tables are "
                    + ", ".join(repr(i) for i in self.ids)
                ) from None
        return self._tables[key]

    def __len__(self) -> int:
        return len(self._tables)

    def __iter__(self) -> Iterator[ReportTable]:
        return iter(self._tables)

    def __contains__(self, item: object) -> bool:
        return item in self._by_id if isinstance(item, str) else item in self._tables

    def __repr__(self) -> str:
        return f"<ChapterTables: {', '.join(self.ids)}>"

    def _repr_html_(self) -> str:
        from cdop import _display

        rows = [(t.id, t.caption, len(t.rows)) for t in self._tables]
        return _display.block(
            _display.heading("Tables of the chapter", "(open one with tables[id])"),
            _display.html_table(("id", "caption", "rows"), rows, align=("left", "left", "right")),
            kind="tables",
        )


@dataclass(frozen=True)
class ReportFigure:
    """One figure: PNG (300 dpi) and SVG bytes, with a caption and alternative text.

    ``notes`` are printed under the figure's caption (what a reader needs to read it,
    such as why a bar stops short of 100%).
    """

    id: str
    title: str
    alt: str
    png: bytes
    svg: bytes
    number: int = 0
    notes: tuple[str, ...] = ()

    @property
    def caption(self) -> str:
        """ "Figure N. Title"."""
        return f"Figure {self.number}. {self.title}" if self.number else self.title

    def __repr__(self) -> str:
        return f"<ReportFigure {self.id!r}: {self.caption}; PNG {len(self.png):,} bytes>"

    def _repr_png_(self) -> bytes:
        return self.png


@dataclass(frozen=True)
class Section:
    """A section: a heading, one or two paragraphs of generated narrative, tables, figures.

    ``placement="front"`` puts the section before the body, straight after the contents
    (key messages); front sections are numbered first.
    """

    id: str
    title: str
    paragraphs: tuple[str, ...]
    tables: tuple[ReportTable, ...] = ()
    figures: tuple[ReportFigure, ...] = ()
    placement: Placement = "body"

    def __repr__(self) -> str:
        return (
            f"<Section {self.id!r}: {self.title}; {len(self.tables)} tables, "
            f"{len(self.figures)} figures>"
        )


@dataclass(frozen=True)
class ContentsEntry:
    """One line of the contents: the anchor every format links to, the title, the level."""

    anchor: str
    title: str
    level: int = 1


@dataclass(frozen=True)
class Omission:
    """A section (or part of one) left out of the chapter, and what data would add it.

    Examples
    --------
    >>> Omission("child_mortality", "Child mortality", ("a population table",)).line
    'Child mortality: needs a population table.'
    """

    id: str
    title: str
    needs: tuple[str, ...]

    @property
    def line(self) -> str:
        """The one line the chapter prints, saying what was left out and what would add it."""
        return f"{self.title}: needs {'; and '.join(self.needs)}."


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
        The disclosure rules in words, printed once (in the appendix).
    marker
        The marker of a hidden count ("*"); the HTML and Word files give it words a
        screen reader reads. Empty when disclosure control is off.
    protection
        What disclosure control hid and why, for the coordinator (never printed):
        ``protection.trail()`` and ``protection.loss()``.
    omitted
        The sections (or parts) left out because the data do not support them, each
        with what data would add it; the chapter lists them in its last section.
    """

    title: str
    subtitle: str
    date_text: str
    sections: tuple[Section, ...]
    provenance: tuple[tuple[str, str], ...] = ()
    stamp: str | None = None
    disclosure_note: str = ""
    intro: tuple[str, ...] = field(default=())
    marker: str = ""
    protection: Protection | None = field(default=None, repr=False, compare=False)
    omitted: tuple[Omission, ...] = field(default=())

    @property
    def front(self) -> tuple[Section, ...]:
        """The sections placed at the front (key messages), in order."""
        return tuple(s for s in self.sections if s.placement == "front")

    @property
    def body(self) -> tuple[Section, ...]:
        """The sections of the body, in order."""
        return tuple(s for s in self.sections if s.placement != "front")

    @property
    def has_appendix(self) -> bool:
        """Whether the chapter ends with the appendix (disclosure note, provenance)."""
        return bool(self.disclosure_note or self.provenance)

    def contents(self) -> tuple[ContentsEntry, ...]:
        """The contents list every format prints: front sections, body, appendix.

        Anchors are the HTML ids (``section-<id>``, ``appendix``) that the Word file uses
        as bookmark names and Markdown as link targets.
        """
        entries = [ContentsEntry(f"section-{s.id}", s.title) for s in (*self.front, *self.body)]
        if self.has_appendix:
            entries.append(ContentsEntry("appendix", APPENDIX_HEADING))
        return tuple(entries)

    @property
    def tables(self) -> ChapterTables:
        """Every table in reading order (front sections first), also by id
        (``chapter.tables["review_durations"]``)."""
        return ChapterTables(
            [replace(t, stamp=self.stamp) for s in (*self.front, *self.body) for t in s.tables]
        )

    @property
    def figures(self) -> tuple[ReportFigure, ...]:
        """Every figure in reading order (front sections first)."""
        return tuple(f for s in (*self.front, *self.body) for f in s.figures)

    def __repr__(self) -> str:
        stamp = f" [{self.stamp}]" if self.stamp else ""
        return (
            f"<Chapter{stamp}: {self.title!r}; {len(self.sections)} sections, "
            f"{len(self.tables)} tables, {len(self.figures)} figures>"
        )

    def _repr_html_(self) -> str:
        from cdop.report._notebook import chapter_html

        return chapter_html(self)
