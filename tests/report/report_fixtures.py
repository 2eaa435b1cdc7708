"""Hand-built chapters for the renderer tests (no analytics, no matplotlib), and a
hand-chosen protection for the section tests."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from html.parser import HTMLParser

import numpy as np
import pandas as pd

from cdop.disclosure import CellKey, LinkedCounts, Protection
from cdop.report._model import Chapter, ReportFigure, ReportTable, Section

STAMP = "NOT FOR PUBLICATION"


def tiny_png(width: int = 40, height: int = 20) -> bytes:
    """A valid grey PNG of the given size, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes([180]) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def tiny_svg(label: str = "bars") -> bytes:
    """A small SVG in the shape matplotlib writes (prologue, metadata, ids, references)."""
    return f"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="200pt" height="100pt" \
viewBox="0 0 200 100" xmlns="http://www.w3.org/2000/svg" version="1.1">
 <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
 <defs><clipPath id="p1"><rect x="0" y="0" width="200" height="100"/></clipPath>
 <path id="m1" d="M 0 0 L 0 4" style="stroke: #000"/></defs>
 <g id="figure_1" clip-path="url(#p1)">
  <rect x="10" y="40" width="30" height="60" style="fill: #0072B2"/>
  <rect x="60" y="20" width="30" height="80" style="fill: #E69F00"/>
  <use xlink:href="#m1" x="25" y="100"/>
  <text x="120" y="50" style="font: 10px 'DejaVu Sans'">{label}</text>
 </g>
</svg>
""".encode()


def _tidy(rows: list[dict[str, object]], **numbers: list[float | None]) -> pd.DataFrame:
    """Values in the numeric layout: counts as nullable integers (missing where hidden),
    numbers as floats, a ``suppressed`` flag per row."""
    frame = pd.DataFrame(rows)
    frame["count"] = pd.array(frame["count"].tolist(), dtype="Int64")
    for name, values in numbers.items():
        frame[name] = pd.array(values, dtype="float64")
    frame["suppressed"] = frame["count"].isna().to_numpy(dtype=bool)
    return frame


def notifications_table() -> ReportTable:
    return ReportTable(
        id="notifications_by_year",
        title="Deaths notified and reviews completed, 2019/20 to 2021/22",
        header=("Year", "Deaths notified", "Reviews completed", "Share <5 days & >2 | x"),
        rows=(
            ("2019/20", "1,234", "16 (57%)", "*"),
            ("2020/21", "48", "*", "12.5"),
            ("2021/22", "0", "39 (81%)", "u 3.4"),
        ),
        tidy=_tidy(
            [
                {"year": 2019, "period": "2019/20", "measure": "notified", "count": 1234},
                {"year": 2020, "period": "2020/21", "measure": "notified", "count": 48},
                {"year": 2021, "period": "2021/22", "measure": "notified", "count": 0},
                {"year": 2019, "period": "2019/20", "measure": "reviewed", "count": 16},
                {"year": 2020, "period": "2020/21", "measure": "reviewed", "count": None},
                {"year": 2021, "period": "2021/22", "measure": "reviewed", "count": 39},
            ],
            rate=[None, 12.5, 3.4, None, None, None],
        ),
        notes=(
            "* Counts from 1 to 5 are suppressed, with their percentages.",
            "Source: CDOP notifications; <national> figures from NCMD.",
        ),
        number=1,
    )


def place_table() -> ReportTable:
    return ReportTable(
        id="place_of_death",
        title="Place of death",
        header=("Place", "Deaths", "Per cent"),
        rows=(("Hospital", "30", "75%"), ("Home", "7", "18%"), ("Other", "*", "*")),
        tidy=_tidy(
            [
                {"place": "hospital", "count": 30},
                {"place": "home", "count": 7},
                {"place": "other", "count": None},
            ],
            value=[75.0, 17.5, None],
        ),
        notes=(),
        align=("left", "right", "right"),
        number=2,
    )


def bar_figure() -> ReportFigure:
    return ReportFigure(
        id="notifications_trend",
        title="Deaths notified per year",
        alt="Bar chart: deaths notified fell from 52 in 2019/20 to 40 in 2021/22.",
        png=tiny_png(),
        svg=tiny_svg(),
        number=1,
    )


def make_chapter(stamp: str | None = None) -> Chapter:
    """A chapter with two sections, two tables (with markup characters) and a figure."""
    return Chapter(
        title="Child Death Overview Panel: annual report",
        subtitle="Northmoor and Southvale CDOP, 2021/22",
        date_text="Produced 25 November 2026",
        intro=("This chapter describes the deaths of children reviewed by the panel.",),
        sections=(
            Section(
                id="notifications",
                title="Notifications and reviews",
                paragraphs=("The panel was notified of 48 deaths in 2020/21.",),
                tables=(notifications_table(),),
                figures=(bar_figure(),),
            ),
            Section(
                id="place",
                title="Place of death",
                paragraphs=("Most deaths happened in hospital.", "A second paragraph."),
                tables=(place_table(),),
            ),
        ),
        provenance=(
            ("cdop version", "0.1.0"),
            ("notifications.csv SHA-256", "ab" * 32),
            ("Options", "year=2021/22, suppress=True"),
        ),
        stamp=stamp,
        disclosure_note="Counts from 1 to 5 are shown as *; rates from fewer than 20 "
        "events are flagged u.",
    )


def tiny_chapter(stamp: str | None = None) -> Chapter:
    """The smallest useful chapter, for the Markdown snapshot."""
    table = ReportTable(
        id="t1",
        title="Deaths by sex",
        header=("Sex", "Deaths"),
        rows=(("Female", "12"), ("Male", "*")),
        tidy=_tidy([{"sex": "female", "count": 12}, {"sex": "male", "count": None}]),
        notes=("* 1 to 5 deaths.",),
        number=1,
    )
    figure = ReportFigure(
        id="f1", title="Deaths by sex", alt="Bars: female 12.", png=b"", svg=b"", number=1
    )
    return Chapter(
        title="Tiny chapter",
        subtitle="Panel, 2021/22",
        date_text="Produced 1 April 2026",
        sections=(
            Section("sex", "Sex", ("Twelve girls died.",), tables=(table,), figures=(figure,)),
        ),
        provenance=(("cdop version", "0.1.0"),),
        stamp=stamp,
        disclosure_note="Counts from 1 to 5 are shown as *.",
    )


def every_cell(chapter: Chapter) -> list[str]:
    """Every header and display cell of every table of the chapter."""
    return [c for t in chapter.tables for c in (*t.header, *(x for r in t.rows for x in r))]


class HtmlTables(HTMLParser):
    """Collect every ``<table>`` of an HTML text: caption and rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, object]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._caption: list[str] | None = None
        self.th_scopes: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "rows": [], "attrs": dict(attrs)})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.th_scopes.append(dict(attrs).get("scope"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            rows = self.tables[-1]["rows"]
            assert isinstance(rows, list)
            rows.append(tuple(self._row))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def html_tables(text: str) -> HtmlTables:
    parser = HtmlTables()
    parser.feed(text)
    parser.close()
    return parser


def protection_hiding(counts: LinkedCounts, hidden: Iterable[CellKey]) -> Protection:
    """A protection of ``counts`` that hides exactly the keys ``hidden``, as disclosure
    control would have decided (a section's finishing step reads it)."""
    chosen = set(hidden)
    keys = counts.keys
    return Protection(
        keys=keys,
        values=np.array([counts.value(k) for k in keys], dtype=np.int64),
        hidden_mask=np.array([k in chosen for k in keys]),
        reasons={},
        places={},
        counts=counts,
    )
