"""A reader's attacker: recover hidden counts from the files a chapter publishes.

This module never imports cdop. It reads what a reader of a published chapter sees
(``chapter.md``, ``tables/*.csv`` and every sheet of ``chapter.xlsx``, in one or more
report folders, including the ``areas/<slug>/`` and ``comparison/`` folders of a
multi-area build), writes down what a careful reader knows about how the numbers hang
together, and solves integer programmes (``scipy.optimize.milp``) for the smallest and
largest value each hidden count can take.

What the reader knows
---------------------
* Every table's totals: the "Total" row of a table is the sum of its rows, a row-total
  column ("Reviews", "Total") the sum of its columns; in ``tables/*.csv`` too (rows
  "Total", "Total reviews", column "Reviews").
* A table's levels split its total in each year it shows (a level it leaves out is none
  there). Another table, or another year's chapter, may merge levels ("Indeterminate or
  not stated", "Other, not stated or not known", "Elsewhere or not stated", "5-14
  years"): each table's levels are one split of the same total, so a merged level is
  the sum of the levels it replaces. A sentence naming one part of a merged level ("7 of
  the 25 deaths reviewed were unexpected") makes its parts levels.
* The same count in several tables: a table's total for a year is the number of reviews
  completed that year (Table "activity"); a category in one table is the same category
  in another; duration bands written differently ("Under 6 months", "<6 months") are the
  same months; coarse bands ("6-12 months", "within 12 months") are sums of fine ones.
* Pooled periods ("2022/23 to 2024/25", "2022-2024") are sums of their years, so two
  overlapping pools, or a pool and its yearly tables, give differences.
* Percentages: a count is the percentage times its shown denominator, within rounding
  (decimals printed decide the rounding width), and a shown count with its percentage
  bounds a hidden denominator.
* Rates: deaths = rate x denominator / multiplier, within rounding; without a shown
  denominator, the ratio of the exact Poisson (below 10) or Byar (from 10) interval
  limits to the rate depends on the count alone, so the printed rate and interval
  allow only a few counts; "u" marks a rate from fewer than 20 deaths.
* Stock and flow: cases open at a year end = open at the previous year end + deaths
  notified - reviews completed.
* Several chapters of the same panel (consecutive years) share their years; an area
  chapter shares its numbers with the comparison chapter, and "England: all areas
  together" in the comparison chapter is the sum over the areas. Read with the panel's
  own chapter, every count of the panel is the sum of the same count over the areas
  the comparison chapter lists.
* Inequalities that always hold: reviews within 6 (12) complete months of the death are
  at most those within 6 (12) complete months of notification (a death is notified on
  or after the day it happens); cases open more than 12 months at a year end, with the
  year's reviews that took more than 12 months from notification, are at most the cases
  open at the end of the year before; cases open up to 12 months are at most the deaths
  notified in the year and the cases open less than 6 months at the end of the year
  before (a case notified on its last day is open 12 months to the day a year later);
  reviews recording a reason for delay are at most the year's reviews.
* Durations: "Under 6 months" is fewer than 6 complete months; "6 to 12 months" and
  "within 12 months" count to the day (12 months and no more); "Over 12 months" is more
  than 12 months to the day; "12 months" and "13 months or more" are complete months.

Each hidden count is an integer >= 0 (first run) and, separately, >= 1 (second run).
A hidden count is RECOVERED when its minimum equals its maximum (a zero excepted: a
count a reader can tell is 0 discloses no child), NARROWED when its range lies inside
1 to 5.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.stats import chi2

Z95 = 1.959963984540054
BIG = 1_000_000
OPTIONS: Any = {"presolve": True}
RATE_DEFAULT_MULT = 1.0

YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")
YEAR_IN_TEXT = re.compile(r"(\d{4})/(\d{2})")
POOL_RE = re.compile(r"(\d{4})/\d{2} to (\d{4})/\d{2}")
CAL_PERIOD_RE = re.compile(r"^(\d{4})-(\d{4})$")
CAL_PERIOD_IN_TEXT = re.compile(r"(?<![\d/])(\d{4})-(\d{4})(?![\d/])")
NUM = r"-?\d[\d,]*(?:\.\d+)?"
COUNT_PCT_RE = re.compile(rf"^({NUM})\s*\(({NUM})%\)$")
OF_RE = re.compile(rf"^(\*|{NUM}) of (\*|{NUM})$")
PCT_RE = re.compile(rf"^({NUM})%$")
RATE_RE = re.compile(rf"^({NUM})\s*\(({NUM}) to ({NUM})\)\s*(u?)$")
PCT_CI_RE = re.compile(rf"^({NUM})%\s*\(({NUM})% to ({NUM})%\)$")
PER_RE = re.compile(r"per ([\d,]+)")
TOTAL_COLUMNS = {"reviews", "deaths", "deaths reviewed", "reviews completed"}
U_DEATHS = 20  # "u": a rate from fewer than 20 deaths (ONS)
HIDDEN = {"*", "<5", "[c]", "c"}
# a table note saying a record can be counted in several rows
OVERLAP_RE = re.compile(r"more than one row|several rows", re.IGNORECASE)
NONE = {"", "–", "-", "—", "..", "n/a", "None"}


# --------------------------------------------------------------------------------------
# Quantities: what a published number counts
# --------------------------------------------------------------------------------------

Level = tuple[str, ...]  # a union of level labels (normalised)


@dataclass(frozen=True)
class Quantity:
    """A count: of ``family`` in ``scope``, for ``years``, restricted by ``dims``.

    ``dims`` holds (axis, level) pairs; an axis is resolved to a dimension once every
    table has been read (axes whose labels overlap are the same dimension).
    """

    scope: str
    family: str
    years: tuple[int, ...]
    dims: tuple[tuple[str, Level], ...] = ()


@dataclass(frozen=True)
class Where:
    """Where a reader sees a hidden count."""

    folder: str
    source: str
    table: str
    row: str
    column: str


@dataclass
class Facts:
    """Everything read: counts (shown or hidden), shares, rates and axes."""

    shown: list[tuple[Quantity, int]] = field(default_factory=list)
    hidden: list[tuple[Quantity, Where]] = field(default_factory=list)
    # sum(num) * scale / sum(den or const) lies in [lo, hi]
    shares: list[tuple[list[Quantity], list[Quantity] | float, float, float, float]] = field(
        default_factory=list
    )
    # count of a rate with its printed value, interval and rounding, no denominator
    rates: list[tuple[Quantity, float, float, float, float]] = field(default_factory=list)
    # count < limit (True, flagged "u") or >= limit (False)
    flags: list[tuple[Quantity, bool, int]] = field(default_factory=list)
    # the rows of a table add up to its total
    sums: list[tuple[list[Quantity], Quantity]] = field(default_factory=list)
    # a shown rate: at least this many deaths (a printed rule)
    at_least: list[tuple[Quantity, int]] = field(default_factory=list)
    # the levels of each table's axis (one axis per table, folder and format)
    axes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # the (scope, family, year) whose counts an axis splits into all their levels
    covers: dict[str, set[tuple[str, str, int]]] = field(default_factory=lambda: defaultdict(set))
    # every area of a multi-area build (the comparison chapter lists them all)
    areas: set[str] = field(default_factory=set)
    # the printed median and quartiles of a year's time from death to review: scope,
    # start year, reviews, and the lower quartile, median and upper quartile in months
    quartiles: list[tuple[str, int, int, tuple[float, float, float]]] = field(default_factory=list)


def norm(label: object) -> str:
    text = str(label).strip().replace("\\", "").replace("_", " ")
    return re.sub(r"\s+", " ", text).lower()


def is_total(label: object) -> bool:
    """A total row or column of a table ("Total", "Total reviews", "Reviews")."""
    t = norm(label)
    return t.startswith(("total", "all ")) or t in TOTAL_COLUMNS


def months_interval(label: str) -> tuple[int, int] | None:
    """The durations a band counts, in half months [from, to), or None if not a band.

    Complete calendar month ``m`` is ``[2m, 2m + 2)``: its first half holds the reviews
    of ``m`` complete months that a band measured to the day counts as "within m
    months", its second half those it counts as "over m months" (``m`` months and some
    days). A band in complete months ("6-7 months", "12 months", "13 months or more")
    takes whole months; a band to the day ("over 12 months", "6 to 12 months", "within
    12 months") splits the month at its edge. Where every band counts complete months,
    the split halves are simply found empty.
    """
    t = norm(label).replace("completed ", "")
    year = r"(\d+) (months?|years?)"

    def months(n: str, unit: str) -> int:
        return int(n) * (12 if unit.startswith("year") else 1)

    if m := re.fullmatch(rf"(?:<|under |fewer than ){year}", t):
        return (0, 2 * months(m.group(1), m.group(2)))
    if m := re.fullmatch(rf"within {year}", t):
        n = months(m.group(1), m.group(2))
        # the chapter's note: within 6 months is fewer than 6 complete months; within 12
        # months is 12 months or fewer
        return (0, 2 * n) if n < 12 else (0, 2 * n + 1)
    if m := re.fullmatch(r"(\d+)-(\d+) months", t):
        return (2 * int(m.group(1)), 2 * int(m.group(2)) + 2)
    if m := re.fullmatch(r"(\d+) to (\d+) months", t):
        return (2 * int(m.group(1)), 2 * int(m.group(2)) + 1)
    if m := re.fullmatch(r"(\d+) months?", t):
        return (2 * int(m.group(1)), 2 * int(m.group(1)) + 2)
    if m := re.fullmatch(rf"{year} or more", t):
        return (2 * months(m.group(1), m.group(2)), 100_000)
    if m := re.fullmatch(rf"(?:over|more than) {year}", t):
        return (2 * months(m.group(1), m.group(2)) + 1, 100_000)
    return None


def age_interval(label: str) -> tuple[int, int] | None:
    """Age at death in days [from, to) of an age label, or None if it is not one."""
    t = norm(label)
    if t in ("infants under one year", "under 1 year", "under 1", "infants"):
        return (0, 365)
    if m := re.fullmatch(r"(\d+)-(\d+) days", t):
        return (int(m.group(1)), int(m.group(2)) + 1)
    if m := re.fullmatch(r"(\d+)-(\d+) years", t):
        return (int(m.group(1)) * 365, (int(m.group(2)) + 1) * 365)
    return None


def start_year(text: str) -> int | None:
    m = YEAR_RE.match(text.strip())
    return int(m.group(1)) if m else None


def column_years(text: str) -> tuple[int, ...] | None:
    """Years of a column header: one reporting year or a pool of them."""
    t = str(text).strip()
    if m := YEAR_RE.match(t):
        return (int(m.group(1)),)
    if m := re.fullmatch(r"(\d{4})/\d{2} to (\d{4})/\d{2}", t):
        return tuple(range(int(m.group(1)), int(m.group(2)) + 1))
    return None


def title_years(title: str) -> tuple[int, ...] | None:
    """Years pooled in a title ("2022/23 to 2024/25"), or its single year."""
    if m := POOL_RE.search(title):
        return tuple(range(int(m.group(1)), int(m.group(2)) + 1))
    if m := YEAR_IN_TEXT.search(title):
        return (int(m.group(1)),)
    return None


def cal_period(text: str) -> tuple[int, ...] | None:
    m = CAL_PERIOD_RE.match(text.strip()) or CAL_PERIOD_IN_TEXT.search(text)
    return tuple(range(int(m.group(1)), int(m.group(2)) + 1)) if m else None


def to_number(text: str) -> float:
    return float(text.replace(",", ""))


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def half(text: str) -> float:
    return 0.5 * 10.0 ** (-decimals(text))


def family_of(title: str, notes: str = "") -> str:
    t = title.lower()
    if re.search(r"rows do not add up", notes, flags=re.IGNORECASE):
        # the table says its rows overlap (a review may be counted in several): they
        # split no total, so they are counts of their own
        return f"overlapping: {t}"
    if "cases open" in t:
        return "open"
    if "infant mortality" in t:
        return "infant_deaths"
    if "child mortality" in t:
        return "child_deaths"
    # counts of a group of deaths the title names: not the reviews of the whole year
    if "sudden unexpected deaths in infancy" in t:
        return "sudi_reviews"
    if "neonatal mortality" in t:
        return "neonatal_deaths"
    if "neonatal deaths" in t:
        return "neonatal_reviews"
    return "reviews"


def multiplier(title: str, header: str = "") -> float:
    m = PER_RE.search(header) or PER_RE.search(title)
    if m:
        return float(m.group(1).replace(",", ""))
    m = re.search(r"per_?(\d+)", header)
    return float(m.group(1)) if m else RATE_DEFAULT_MULT


def numeric_layout(
    cols: list[str], rows: list[dict[str, str]]
) -> tuple[list[str], list[dict[str, str]]]:
    """A table in the numeric layout, read as the reader reads the layout before it.

    In the numeric layout (``docs/vocabulary.md``) a hidden count is an empty cell and the
    row's ``suppressed`` column is true; ``count`` (a table of counts) or ``numerator``
    and ``denominator`` hold the counts, ``value`` the percentage or rate (``statistic``
    says which: "rate per 1000"), ``year`` the start year beside the ``period`` label.
    The layout before wrote the marker in ``n``, ``deaths`` or ``reviews``, the
    percentage in ``percent``, a rate in ``rate per 1000``, the label in ``year`` (a
    reporting year) or ``period`` (calendar years). Tables in the layout before are
    returned as they are. A table of two labels (rows and columns) over one pooled period
    repeats the title's period on every row: it is read as before, without it.
    """
    if "suppressed" not in cols or not ({"count", "numerator"} & set(cols)):
        return cols, rows
    pooled = "period" in cols and "year" in cols and cols.index("year") >= 2
    if pooled and len({r.get("period", "") for r in rows}) <= 1:
        rows = [{c: v for c, v in r.items() if c not in ("year", "period")} for r in rows]
        cols = [c for c in cols if c not in ("year", "period")]
    stat = next((norm(r.get("statistic", "")) for r in rows if r.get("statistic")), "")
    rename: dict[str, str] = {}
    if "count" in cols:
        rename = {"count": "n", "value": "percent"}
    elif stat.startswith("rate per"):
        rename = {"numerator": "deaths", "value": stat}
    elif stat == "percentage":
        rename = {"numerator": "n", "denominator": "reviews", "value": "percent"}
    counts = {"n", "deaths", "reviews", "numerator", "denominator"}
    if "period" in cols and "year" in cols:
        calendar = all(cal_period(r["period"]) is not None and "/" not in r["period"] for r in rows)
        drop = "year"
        if not calendar:
            rename["period"] = "year"
    else:
        drop = ""
    out_cols = [rename.get(c, c) for c in cols if c != drop]
    out_rows = []
    for r in rows:
        hidden = norm(r.get("suppressed", "")) == "true"
        new = {}
        for c, v in r.items():
            if c == drop:
                continue
            name = rename.get(c, c)
            new[name] = "*" if hidden and name in counts and v == "" else v
        out_rows.append(new)
    return out_cols, out_rows


# --------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    kind: str  # "hidden", "none", "count", "of", "pct", "rate", "text"
    count: int | None = None
    pct: float | None = None
    pct_half: float = 0.0
    total: int | None = None
    total_hidden: bool = False
    rate: tuple[float, float, float, float] | None = None  # value, lo, hi, half
    flag: bool = False


def parse_cell(value: object) -> Cell:
    if value is None:
        return Cell("none")
    if isinstance(value, bool):
        return Cell("text")
    if isinstance(value, int):
        return Cell("count", count=value)
    if isinstance(value, float):
        return Cell("count", count=int(value)) if value.is_integer() else Cell("text")
    text = str(value).strip().replace("\\*", "*")
    if text in HIDDEN:
        return Cell("hidden")
    if text in NONE:
        return Cell("none")
    if re.fullmatch(r"\d[\d,]*", text):
        return Cell("count", count=int(text.replace(",", "")))
    if m := COUNT_PCT_RE.match(text):
        return Cell(
            "count",
            count=int(to_number(m.group(1))),
            pct=to_number(m.group(2)),
            pct_half=half(m.group(2)),
        )
    if m := OF_RE.match(text):
        a, b = m.group(1), m.group(2)
        return Cell(
            "of",
            count=None if a == "*" else int(to_number(a)),
            total=None if b == "*" else int(to_number(b)),
            total_hidden=b == "*",
        )
    if m := PCT_RE.match(text):
        return Cell("pct", pct=to_number(m.group(1)), pct_half=half(m.group(1)))
    if m := RATE_RE.match(text):
        h = max(half(m.group(1)), half(m.group(2)), half(m.group(3)))
        return Cell(
            "rate",
            rate=(to_number(m.group(1)), to_number(m.group(2)), to_number(m.group(3)), h),
            flag=m.group(4) == "u",
        )
    if m := PCT_CI_RE.match(text):
        return Cell("pct", pct=to_number(m.group(1)), pct_half=half(m.group(1)))
    return Cell("text")


# --------------------------------------------------------------------------------------
# Reading a folder into wide tables
# --------------------------------------------------------------------------------------


@dataclass
class Table:
    """A table as a reader sees it: title, header and rows of cells (raw values)."""

    folder: str
    source: str  # "md", "xlsx" or "csv"
    stem: str
    title: str
    header: list[str]
    rows: list[list[object]]
    notes: str = ""


@dataclass
class Chapter:
    folder: str
    kind: str  # "chapter" or "comparison"
    year: int | None
    scope: str
    tables: list[Table]
    narrative: list[str]


def chapter_folders(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in map(Path, paths):
        if (p / "chapter.md").exists() or (p / "chapter.xlsx").exists() or (p / "tables").is_dir():
            yield p
        for sub in ("comparison",):
            if (p / sub).is_dir():
                yield from chapter_folders([p / sub])
        if (p / "areas").is_dir():
            yield from chapter_folders(sorted(q for q in (p / "areas").iterdir() if q.is_dir()))


def table_titles(folder: Path) -> dict[str, str]:
    """Title -> stem, from tables/README.txt (or the xlsx contents sheet)."""
    out: dict[str, str] = {}
    readme = folder / "tables" / "README.txt"
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            if m := re.match(r"^(\S+)\.csv\s+(Table \d+\..*)$", line):
                out[m.group(2).strip()] = m.group(1)
    return out


def strip_number(title: str) -> str:
    return re.sub(r"^Table \d+\.\s*", "", title.strip())


def slug(title: str) -> str:
    t = strip_number(title)
    t = re.sub(r"\d{4}(/\d{2})?", "", t)
    return re.sub(r"[^a-z]+", "_", t.lower()).strip("_")


def split_md_row(line: str) -> list[str]:
    inner = line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]
    cells = re.split(r"(?<!\\)\|", inner)
    return [c.strip() for c in cells]


def read_markdown(folder: Path, titles: dict[str, str]) -> tuple[str, list[Table], list[str]]:
    lines = (folder / "chapter.md").read_text(encoding="utf-8").splitlines()
    heading = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
    tables: list[Table] = []
    narrative: list[str] = []
    i = 0
    pending: str | None = None
    while i < len(lines):
        line = lines[i]
        if m := re.match(r"^\*\*(Table \d+\..*)\*\*$", line.strip()):
            pending = m.group(1)
            i += 1
            continue
        if line.startswith("|"):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(split_md_row(lines[i]))
                i += 1
            notes = []
            j = i
            while j < len(lines) and not lines[j].startswith(("**Table", "|", "#", "![")):
                notes.append(lines[j])
                j += 1
            if pending is not None:
                stem = titles.get(pending, slug(pending))
                header, body = block[0], block[2:]
                tables.append(
                    Table(
                        folder.name,
                        "md",
                        stem,
                        pending,
                        header,
                        [list(r) for r in body],
                        " ".join(notes),
                    )
                )
            pending = None
            continue
        if line.strip() and not line.startswith(("#", "!", "*", "\\*")):
            narrative.append(line.strip())
        i += 1
    return heading, tables, narrative


def sheet_text(value: object) -> str:
    """A cell of a sheet of values as its CSV file writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def read_xlsx(folder: Path, titles: dict[str, str]) -> list[Table]:
    import openpyxl

    wb = openpyxl.load_workbook(folder / "chapter.xlsx", read_only=True, data_only=True)
    out: list[Table] = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if not rows or not isinstance(rows[0][0], str) or not rows[0][0].startswith("Table "):
            continue
        title = rows[0][0].strip()
        h = 1
        # a stamp under the title ("NOT FOR PUBLICATION") before the header
        while h + 1 < len(rows) and not any(c is not None for c in rows[h][1:]):
            h += 1
        header = [str(c) if c is not None else "" for c in rows[h]]
        body: list[list[object]] = []
        k = h + 1
        if "suppressed" in header:
            # a sheet of values in the numeric layout: read as its CSV file is
            while k < len(rows) and rows[k] and any(c is not None for c in rows[k]):
                body.append([sheet_text(c) for c in rows[k]])
                k += 1
        while k < len(rows) and rows[k] and rows[k][0] is not None:
            body.append(list(rows[k]))
            k += 1
        notes = " ".join(str(r[0]) for r in rows[k:] if r and r[0] is not None)
        out.append(Table(folder.name, "xlsx", ws.title, title, header, body, notes))
    wb.close()
    return out


def read_csvs(folder: Path, titles: dict[str, str]) -> list[Table]:
    by_stem = {v: k for k, v in titles.items()}
    out = []
    for path in sorted((folder / "tables").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        if not rows:
            continue
        out.append(
            Table(
                folder.name,
                "csv",
                path.stem,
                by_stem.get(path.stem, path.stem),
                rows[0],
                [list(r) for r in rows[1:]],
            )
        )
    return out


def read_chapter(folder: Path) -> Chapter:
    titles = table_titles(folder)
    heading = ""
    tables: list[Table] = []
    narrative: list[str] = []
    if (folder / "chapter.md").exists():
        heading, md_tables, narrative = read_markdown(folder, titles)
        tables += md_tables
    if (folder / "chapter.xlsx").exists():
        tables += read_xlsx(folder, titles)
    if (folder / "tables").is_dir():
        # a CSV table is read with the notes the chapter prints under the same table
        notes = {t.stem: t.notes for t in tables if t.notes}
        tables += [
            dataclasses.replace(t, notes=t.notes or notes.get(t.stem, ""))
            for t in read_csvs(folder, titles)
        ]
    if not heading and (folder / "tables" / "README.txt").exists():
        heading = (folder / "tables" / "README.txt").read_text(encoding="utf-8").splitlines()[0]
    year = title_years(heading)
    kind = "comparison" if "areas compared" in heading.lower() else "chapter"
    m = re.search(r"\d{4}/\d{2}:\s*(.+)$", heading)
    scope = m.group(1).strip() if m and kind == "chapter" else "panel"
    return Chapter(str(folder), kind, year[-1] if year else None, scope, tables, narrative)


# --------------------------------------------------------------------------------------
# Interpreting tables into facts
# --------------------------------------------------------------------------------------


class Reader:
    """Turns chapters into facts about quantities."""

    def __init__(self) -> None:
        self.facts = Facts()
        self.pooled_stems: dict[str, set[str]] = {}
        self.prefix = ""
        # row axes of tables whose note says a record can be in several rows: their rows
        # are not a breakdown of a total (a reader does not add them up)
        self.overlapping: set[str] = set()

    # -- helpers
    def axis(self, name: str, labels: Iterable[str]) -> str:
        labels = [norm(x) for x in labels]
        if labels and all(months_interval(x) for x in labels):
            return "months"
        if labels and all(age_interval(x) for x in labels):
            return "age"
        # one axis per table as printed: the levels of a table split its total in the
        # years it covers; another table (another year's chapter) may merge levels
        name = self.prefix + name
        self.facts.axes[name].update(labels)
        return name

    def count(self, q: Quantity, cell: Cell, where: Where) -> None:
        for axis, _ in q.dims:
            if axis in self.facts.axes and axis not in self.overlapping:
                self.facts.covers[axis].update((q.scope, q.family, y) for y in q.years)
        if cell.kind == "hidden":
            self.facts.hidden.append((q, where))
        elif cell.count is not None and cell.kind in ("count",):
            self.facts.shown.append((q, cell.count))

    def share(
        self,
        num: Quantity | list[Quantity],
        den: Quantity | list[Quantity] | float,
        value: float,
        h: float,
        scale: float,
    ) -> None:
        nums = num if isinstance(num, list) else [num]
        dens: list[Quantity] | float = den if isinstance(den, (list, float)) else [den]
        self.facts.shares.append((nums, dens, scale, value - h, value + h))

    # -- chapter
    def read(self, ch: Chapter) -> None:
        self.pooled_stems[ch.folder] = {
            t.stem
            for t in ch.tables
            if re.search(r"(all )?areas together", t.notes, flags=re.IGNORECASE)
        }
        # the note under a table, in any format, says whether its rows overlap; the CSV
        # file of the table (no notes) is read the same way
        overlap = {strip_number(t.title) for t in ch.tables if OVERLAP_RE.search(t.notes)}
        for t in ch.tables:
            self.prefix = f"{ch.folder}|{t.source}|"
            if strip_number(t.title) in overlap:
                self.overlapping.add(f"{self.prefix}{t.stem}:rows")
            if ch.kind == "comparison":
                self.comparison(ch, t)
            else:
                self.table(ch, t)
        if ch.kind == "chapter":
            self.narrative(ch)

    def table(self, ch: Chapter, t: Table) -> None:
        h0 = norm(t.header[0]) if t.header else ""
        cols = [norm(h) for h in t.header]
        if t.source == "csv" and "median_months" in cols:
            self.quartiles(ch, t, cols)
        if t.source == "csv" or (t.source == "xlsx" and "suppressed" in cols):
            self.csv_table(ch, t, cols)
        elif h0 == "year":
            self.year_table(ch, t)
        elif h0 == "measure":
            self.measure_table(ch, t)
        elif h0 == "period":
            self.period_table(ch, t)
        elif h0 and h0 not in ("item", "rank"):
            self.dimension_table(ch, t)

    def quartiles(self, ch: Chapter, t: Table, cols: list[str]) -> None:
        """The median and quartiles in months of each year printed with its reviews."""
        for raw in t.rows:
            r = {c: str(v).strip() for c, v in zip(cols, raw, strict=False)}
            names = ("lower_quartile_months", "median_months", "upper_quartile_months")
            if not r.get("count") or not all(r.get(name) for name in names):
                continue
            lq, median, uq = (float(r[name]) for name in names)
            self.facts.quartiles.append(
                (ch.scope, int(r["year"]), int(float(r["count"])), (lq, median, uq))
            )

    def where(self, ch: Chapter, t: Table, row: str, col: str) -> Where:
        return Where(Path(ch.folder).name, t.source, strip_number(t.title), str(row), str(col))

    def dimension_table(self, ch: Chapter, t: Table) -> None:
        header = [str(h) for h in t.header]
        body = [r for r in t.rows if r and str(r[0]).strip()]
        totals = [r for r in body if norm(r[0]).startswith("total")]
        levels = [r for r in body if not norm(r[0]).startswith("total")]
        row_axis = self.axis(f"{t.stem}:rows", [str(r[0]) for r in levels])
        fam = family_of(t.title, t.notes)
        year_cols = {j: column_years(h) for j, h in enumerate(header) if j and column_years(h)}
        if year_cols:
            for j, ys in year_cols.items():
                assert ys is not None
                total_q = Quantity(ch.scope, fam, ys)
                for r in totals:
                    self.count(total_q, parse_cell(r[j]), self.where(ch, t, str(r[0]), header[j]))
                parts = []
                for r in levels:
                    q = Quantity(ch.scope, fam, ys, ((row_axis, (norm(r[0]),)),))
                    cell = parse_cell(r[j])
                    parts.append((q, cell))
                    self.count(q, cell, self.where(ch, t, str(r[0]), header[j]))
                    if cell.pct is not None:
                        self.share(q, total_q, cell.pct, cell.pct_half, 100.0)
                for r in totals:
                    self.adds_up(parts, (total_q, parse_cell(r[j])))
            return
        # a two-way table pooled over the years of its title
        years = title_years(t.title)
        if not years:
            return
        cols = [norm(h) for h in header]
        if "deaths" in cols and any(c.startswith("rate") for c in cols):
            self.deaths_table(ch, t, years, row_axis, fam)
            return
        count_cols = []
        total_col = None
        for j in range(1, len(header)):
            cells = [parse_cell(r[j]) for r in body]
            h = norm(header[j])
            if h.startswith("england") or not any(c.kind in ("count", "hidden") for c in cells):
                continue
            if h.startswith(("total", "all ")) or h in TOTAL_COLUMNS:
                total_col = j
            else:
                count_cols.append(j)
        if total_col is not None and not count_cols:
            # one column of counts (named like a total, "Deaths"): each row's count, the
            # rows adding up to the total row
            _, parts, totals = self.group_counts(ch, t, body, years, row_axis, fam, total_col)
            if f"{self.prefix}{t.stem}:rows" not in self.overlapping:
                for total in totals:
                    self.adds_up(parts, total)
            return
        if total_col is None and count_cols:
            # no column named as a total: the last one, if it has no percentages, is one
            last = count_cols[-1]
            if all(parse_cell(r[last]).pct is None for r in body):
                total_col = count_cols.pop()
        col_axis = self.axis(f"{t.stem}:cols", [header[j] for j in count_cols])
        columns: dict[int, list[tuple[Quantity, Cell]]] = defaultdict(list)
        column_totals: dict[int, tuple[Quantity, Cell]] = {}
        for r in body:
            is_total = norm(r[0]).startswith("total")
            row_dim = () if is_total else ((row_axis, (norm(r[0]),)),)
            row_q = Quantity(ch.scope, fam, years, row_dim)
            parts = []
            for j in count_cols:
                q = Quantity(ch.scope, fam, years, (*row_dim, (col_axis, (norm(header[j]),))))
                cell = parse_cell(r[j])
                parts.append((q, cell))
                if is_total:
                    column_totals[j] = (q, cell)
                else:
                    columns[j].append((q, cell))
                self.count(q, cell, self.where(ch, t, str(r[0]), header[j]))
                if cell.pct is not None and not is_total:
                    self.share(q, row_q, cell.pct, cell.pct_half, 100.0)
            if total_col is not None:
                total_cell = parse_cell(r[total_col])
                self.count(row_q, total_cell, self.where(ch, t, str(r[0]), header[total_col]))
                self.adds_up(parts, (row_q, total_cell))
        if f"{self.prefix}{t.stem}:rows" not in self.overlapping:
            for j, total in column_totals.items():
                self.adds_up(columns[j], total)

    def group_counts(
        self,
        ch: Chapter,
        t: Table,
        body: list[Any],
        years: tuple[int, ...],
        row_axis: str,
        fam: str,
        j: int,
    ) -> tuple[
        list[tuple[Any, Quantity]], list[tuple[Quantity, Cell]], list[tuple[Quantity, Cell]]
    ]:
        """The counts of column ``j`` of a table by group over the years of its title: the
        total row is the count of the whole period, each other row that of its group.
        Returns each row with its quantity, the groups' counts and the total rows'."""
        header = [str(h) for h in t.header]
        total_q = Quantity(ch.scope, fam, years)
        rows: list[tuple[Any, Quantity]] = []
        parts: list[tuple[Quantity, Cell]] = []
        totals: list[tuple[Quantity, Cell]] = []
        for r in body:
            is_total = norm(r[0]).startswith("total")
            q = (
                total_q
                if is_total
                else Quantity(ch.scope, fam, years, ((row_axis, (norm(r[0]),)),))
            )
            cell = parse_cell(r[j])
            self.count(q, cell, self.where(ch, t, str(r[0]), header[j]))
            (totals if is_total else parts).append((q, cell))
            if cell.pct is not None and not is_total:
                self.share(q, total_q, cell.pct, cell.pct_half, 100.0)
            rows.append((r, q))
        return rows, parts, totals

    def deaths_table(
        self, ch: Chapter, t: Table, years: tuple[int, ...], row_axis: str, fam: str
    ) -> None:
        """Deaths by group over the years of the title, with a denominator and a rate."""
        header = [str(h) for h in t.header]
        cols = [norm(h) for h in header]
        deaths_col = cols.index("deaths")
        rate_cols = [j for j, c in enumerate(cols) if c.startswith("rate")]
        # the denominator: the count column that is neither the deaths nor a rate
        den_col = next(
            (
                j
                for j, c in enumerate(cols)
                if j and j != deaths_col and j not in rate_cols and not c.startswith("england")
            ),
            None,
        )
        body = [r for r in t.rows if r and str(r[0]).strip()]
        rows, parts, totals = self.group_counts(ch, t, body, years, row_axis, fam, deaths_col)
        for r, q in rows:
            den = parse_cell(r[den_col]) if den_col is not None else None
            for j in rate_cols:
                rate = parse_cell(r[j])
                if rate.kind == "rate":
                    value = float(den.count) if den and den.kind == "count" and den.count else None
                    self.rate(q, rate, value, multiplier(t.title, header[j]), t.notes)
        for total in totals:
            self.adds_up(parts, total)

    def adds_up(self, parts: list[tuple[Quantity, Cell]], total: tuple[Quantity, Cell]) -> None:
        """The rows of a table add up to its total (unless the shown numbers say not)."""
        shown = [c.count for _, c in parts if c.kind == "count" and c.count is not None]
        known = total[1].count if total[1].kind == "count" else None
        if known is not None and (
            sum(shown) > known or (len(shown) == len(parts) and sum(shown) != known)
        ):
            return  # overlapping rows: not a breakdown of the total
        self.facts.sums.append(([q for q, _ in parts], total[0]))

    def year_table(self, ch: Chapter, t: Table) -> None:
        header = [str(h) for h in t.header]
        fam = family_of(t.title, t.notes)
        for r in t.rows:
            y = start_year(str(r[0]))
            if y is None:
                continue
            count_q: Quantity | None = None
            denominator: float | None = None
            for j in range(1, len(header)):
                h = norm(header[j])
                cell = parse_cell(r[j])
                where = self.where(ch, t, str(r[0]), header[j])
                if h.startswith(("england", "compared")):
                    continue
                if h == "reviews completed":
                    self.count(Quantity(ch.scope, "reviews", (y,)), cell, where)
                elif h == "deaths notified":
                    self.count(Quantity(ch.scope, "notified", (y,)), cell, where)
                elif h.startswith("cases open"):
                    self.count(Quantity(ch.scope, "open", (y,)), cell, where)
                elif h.startswith("deaths"):
                    count_q = Quantity(ch.scope, fam, (y,))
                    self.count(count_q, cell, where)
                elif cell.kind == "count" and cell.count is not None:
                    denominator = float(cell.count)
                elif cell.kind == "rate" and count_q is not None:
                    self.rate(count_q, cell, denominator, multiplier(t.title, header[j]), t.notes)

    def rate(
        self, q: Quantity, cell: Cell, denominator: float | None, mult: float, notes: str = ""
    ) -> None:
        assert cell.rate is not None
        value, lo, hi, h = cell.rate
        if denominator:
            self.share(q, denominator, value, h, mult)
        self.facts.rates.append((q, value, lo, hi, h))
        m = re.search(r"u: rate based on fewer than (\d+)", notes)
        self.facts.flags.append((q, cell.flag, int(m.group(1)) if m else U_DEATHS))
        # a printed rule: "Rates based on fewer than 3 deaths are not shown"
        if m := re.search(r"fewer than (\d+) deaths are not shown", notes):
            self.facts.at_least.append((q, int(m.group(1))))

    def measure_table(self, ch: Chapter, t: Table) -> None:
        years = title_years(t.title)
        if not years:
            return
        y = years[-1]
        header = [str(h) for h in t.header]
        for r in t.rows:
            label = norm(r[0])
            months = months_interval(label)
            if months is None:
                continue
            q = Quantity(ch.scope, "reviews", (y,), (("months", (label,)),))
            total_q = Quantity(ch.scope, "reviews", (y,))
            for j in range(1, len(header)):
                cell = parse_cell(r[j])
                h = norm(header[j])
                where = self.where(ch, t, str(r[0]), header[j])
                if cell.kind == "of":
                    if cell.count is None:
                        self.facts.hidden.append((q, where))
                    else:
                        self.facts.shown.append((q, cell.count))
                    if cell.total is not None:
                        self.facts.shown.append((total_q, cell.total))
                    elif cell.total_hidden:
                        self.facts.hidden.append((total_q, where))
                elif cell.kind == "pct" and h.startswith("percentage"):
                    assert cell.pct is not None
                    self.share(q, total_q, cell.pct, cell.pct_half, 100.0)

    def period_table(self, ch: Chapter, t: Table) -> None:
        header = [str(h) for h in t.header]
        fam = family_of(t.title, t.notes)
        for r in t.rows:
            years = cal_period(str(r[0]))
            if not years:
                continue
            for j in range(1, len(header)):
                m = re.match(r"quintile (\d)", norm(header[j]))
                if not m:
                    continue
                q = Quantity(ch.scope, fam, years, (("quintile", (m.group(1),)),))
                cell = parse_cell(r[j])
                if cell.kind == "rate":
                    self.rate(q, cell, None, multiplier(t.title), t.notes)
                elif cell.kind == "hidden":
                    self.facts.hidden.append((q, self.where(ch, t, str(r[0]), header[j])))

    # -- long CSV tables
    def labelled(
        self, ch: Chapter, t: Table, rows: list[dict[str, str]], label: str, fam: str
    ) -> Iterator[tuple[dict[str, str], Quantity]]:
        """The rows of a table with a label column and a year (or pooled period) column,
        each with its quantity: the label's level of the years, or their published total
        ("Total", "Total reviews")."""
        axis = self.axis(f"{t.stem}:rows", [r[label] for r in rows if not is_total(r[label])])
        for r in rows:
            ys = column_years(r["year"])
            if ys is None:
                continue
            level = () if is_total(r[label]) else ((axis, (norm(r[label]),)),)
            yield r, Quantity(ch.scope, fam, ys, level)

    def csv_table(self, ch: Chapter, t: Table, cols: list[str]) -> None:
        rows = [{c: str(v) for c, v in zip(cols, r, strict=False)} for r in t.rows]
        cols, rows = numeric_layout(cols, rows)
        fam = family_of(t.title, t.notes)
        if "n" in cols and "year" in cols and cols[0] not in ("year", "measure"):
            label = cols[0]
            for r, q in self.labelled(ch, t, rows, label, fam):
                cell = self.csv_count(r)
                self.count(q, cell, self.where(ch, t, r[label], r["year"]))
                if cell.pct is not None and q.dims:
                    total = Quantity(ch.scope, fam, q.years)
                    self.share(q, total, cell.pct, cell.pct_half, 100.0)
        elif "n" in cols and "year" not in cols and len(cols) >= 3 and cols[2] == "n":
            years = title_years(t.title)
            if not years:
                return
            a, b = cols[0], cols[1]
            row_axis = self.axis(f"{t.stem}:rows", [r[a] for r in rows if not is_total(r[a])])
            col_axis = self.axis(f"{t.stem}:cols", [r[b] for r in rows if not is_total(r[b])])
            for r in rows:
                # a "Total" row and a "Reviews" (or "Total") column are the published totals
                row_dim = () if is_total(r[a]) else ((row_axis, (norm(r[a]),)),)
                col_dim = () if is_total(r[b]) else ((col_axis, (norm(r[b]),)),)
                row_q = Quantity(ch.scope, fam, years, row_dim)
                q = Quantity(ch.scope, fam, years, (*row_dim, *col_dim))
                cell = self.csv_count(r)
                self.count(q, cell, self.where(ch, t, r[a], r[b]))
                if cell.pct is not None and col_dim:
                    self.share(q, row_q, cell.pct, cell.pct_half, 100.0)
        elif cols[:2] == ["year", "measure"] and "n" in cols:
            for r in rows:
                y = start_year(r["year"])
                m = norm(r["measure"])
                fam2 = {"reviews completed": "reviews", "deaths notified": "notified"}.get(
                    m, "open" if m.startswith("cases open") else m
                )
                if y is not None:
                    self.count(
                        Quantity(ch.scope, fam2, (y,)),
                        self.csv_count(r),
                        self.where(ch, t, r["year"], r["measure"]),
                    )
        elif cols[0] == "measure" and "reviews" in cols:
            for r in rows:
                y = start_year(r["year"])
                label = norm(r["measure"])
                if y is None or months_interval(label) is None:
                    continue
                q = Quantity(ch.scope, "reviews", (y,), (("months", (label,)),))
                total_q = Quantity(ch.scope, "reviews", (y,))
                where = self.where(ch, t, r["measure"], "n")
                self.count(q, self.csv_count(r), where)
                self.count(total_q, parse_cell(r["reviews"]), where)
                if parse_cell(r.get("percent", "")).kind == "count" or r.get("percent"):
                    p = r.get("percent", "")
                    if re.fullmatch(NUM, p or ""):
                        self.share(q, total_q, to_number(p), half(p), 100.0)
        elif (
            "deaths" in cols
            and "year" in cols
            and cols[0] not in ("year", "period", "measure")
            and any(c.startswith("rate per") for c in cols)
        ):
            # deaths and rates by a group (local authority, ethnic group) over a period
            rate_col = next(c for c in cols if c.startswith("rate per"))
            mult = multiplier("", rate_col.replace(" ", "_"))
            label = cols[0]
            for r, q in self.labelled(ch, t, rows, label, fam):
                hidden = norm(r.get("suppressed", "")) == "true"
                cell = Cell("hidden") if hidden else parse_cell(r["deaths"])
                self.count(q, cell, self.where(ch, t, r[label], r["year"]))
                self.csv_rate(q, r, rate_col, "denominator", mult)
        elif "deaths" in cols and any(c.startswith("rate per") for c in cols):
            rate_col = next(c for c in cols if c.startswith("rate per"))
            mult = multiplier("", rate_col.replace(" ", "_"))
            den_col = cols[cols.index("deaths") + 1]
            for r in rows:
                if "period" in r:
                    years = cal_period(r["period"])
                    dims: tuple[tuple[str, Level], ...] = ()
                    if "imd quintile" in r:
                        dims = (("quintile", (norm(r["imd quintile"]),)),)
                    row = f"{r['period']} quintile {r.get('imd quintile', '')}"
                else:
                    y = start_year(r["year"])
                    years = (y,) if y is not None else None
                    dims = ()
                    row = r["year"]
                if not years:
                    continue
                q = Quantity(ch.scope, fam, years, dims)
                self.count(q, parse_cell(r["deaths"]), self.where(ch, t, row, "deaths"))
                self.csv_rate(q, r, rate_col, den_col, mult)

    def csv_rate(
        self, q: Quantity, r: dict[str, str], rate_col: str, den_col: str, mult: float
    ) -> None:
        value = r.get(rate_col, "")
        if not re.fullmatch(NUM, value or ""):
            return
        lo, hi = r.get("lower ci", ""), r.get("upper ci", "")
        den = parse_cell(r.get(den_col, ""))
        h = max(half(value), half(lo or "0"), half(hi or "0"))
        if den.kind == "count" and den.count:
            self.share(q, float(den.count), to_number(value), half(value), mult)
        if re.fullmatch(NUM, lo or "") and re.fullmatch(NUM, hi or ""):
            self.facts.rates.append((q, to_number(value), to_number(lo), to_number(hi), h))
        self.facts.flags.append((q, norm(r.get("flag", "")) == "u", U_DEATHS))

    @staticmethod
    def csv_count(r: dict[str, str]) -> Cell:
        n = r.get("n", "")
        # a row flagged ``suppressed`` hides what it leaves empty: a count it prints
        # (beside a hidden percentage) is shown
        if n in HIDDEN or (n == "" and norm(r.get("suppressed", "")) == "true"):
            return Cell("hidden")
        if not re.fullmatch(r"\d+", n or ""):
            return Cell("none")
        p = r.get("percent", "")
        if re.fullmatch(NUM, p or ""):
            return Cell("count", count=int(n), pct=to_number(p), pct_half=half(p))
        return Cell("count", count=int(n))

    # -- the comparison chapter
    def comparison(self, ch: Chapter, t: Table) -> None:
        cols = [norm(h) for h in t.header]
        title = t.title.lower()
        if t.source == "csv" or (t.source == "xlsx" and "suppressed" in cols):
            if "numerator" not in cols:
                return
            rows = [{c: str(v) for c, v in zip(cols, r, strict=False)} for r in t.rows]
            cols, rows = numeric_layout(cols, rows)
            area_col = cols[0]
            # the value of all areas together, where the chapter says that is what it is
            pooled = self.pooled_stems.get(ch.folder, set())
            bench = next((c for c in cols if c in ("england value", "benchmark value")), "")
            names = ("numerator", "denominator", "value")
            records: list[tuple[str, object, object, object, str | None]] = [
                (
                    r[area_col],
                    r.get(names[0], ""),
                    r.get(names[1], ""),
                    r.get(names[2], ""),
                    r.get(bench) if bench and t.stem in pooled else None,
                )
                for r in rows
            ]
        else:
            if "area" not in cols or len(cols) < 5:
                return
            ia = cols.index("area")
            records = [(str(r[ia]), r[ia + 1], r[ia + 2], r[ia + 3], None) for r in t.rows]
        if "within 12 months" in title:
            years = title_years(t.title)
            kind = "months"
        elif "infant mortality" in title:
            years = cal_period(t.title)
            kind = "infant"
        elif "child mortality" in title:
            years = title_years(t.title)
            kind = "child"
        else:
            return
        if not years:
            return
        nums: list[Quantity] = []
        dens: list[Quantity] = []
        den_total = 0.0
        england: str | None = None
        for area, num, den, value, eng in records:
            self.facts.areas.add(area)
            where = self.where(ch, t, area, "numerator")
            if kind == "months":
                q = Quantity(area, "reviews", years, (("months", ("within 12 months",)),))
                dq: Quantity | None = Quantity(area, "reviews", years)
            elif kind == "infant":
                q = Quantity(area, "infant_deaths", years)
                dq = None
            else:
                q = Quantity(area, "child_deaths", years)
                dq = None
            self.count(q, parse_cell(num), where)
            nums.append(q)
            dcell = parse_cell(den)
            if dq is not None:
                self.count(dq, dcell, self.where(ch, t, area, "denominator"))
                dens.append(dq)
            elif dcell.kind == "count" and dcell.count:
                den_total += dcell.count
            vcell = parse_cell(value)
            if (t.source == "csv" or "suppressed" in cols) and re.fullmatch(NUM, str(value) or ""):
                v = str(value)
                mult = 100.0 if kind == "months" else multiplier(t.title, " ".join(t.header))
                if kind == "infant":
                    mult = 1000.0
                elif kind == "child":
                    mult = 100000.0
                if dq is not None:
                    self.share(q, dq, to_number(v), half(v), mult)
                elif dcell.count:
                    self.share(q, float(dcell.count), to_number(v), half(v), mult)
            elif vcell.kind == "pct" and vcell.pct is not None and dq is not None:
                self.share(q, dq, vcell.pct, vcell.pct_half, 100.0)
            elif vcell.kind == "rate" and dq is None:
                self.rate(
                    q,
                    vcell,
                    float(dcell.count) if dcell.count else None,
                    multiplier(t.title, " ".join(t.header)),
                )
            if eng and re.fullmatch(NUM, eng):
                england = eng
        if england is not None:
            mult = {"months": 100.0, "infant": 1000.0, "child": 100000.0}[kind]
            if kind == "months":
                self.share(nums, dens, to_number(england), half(england), mult)
            elif den_total:
                self.share(nums, den_total, to_number(england), half(england), mult)

    # -- numbers in the narrative
    def narrative(self, ch: Chapter) -> None:
        if ch.year is None:
            return
        y = ch.year
        s = ch.scope
        total = Quantity(s, "reviews", (y,))
        text = " ".join(ch.narrative)
        if m := re.search(
            rf"notified of ({NUM}) child deaths, (?:compared with|a significant "
            rf"(?:increase|decrease) from) ({NUM}) in (\d{{4}})/\d{{2}}",
            text,
        ):
            self.facts.shown.append((Quantity(s, "notified", (y,)), int(to_number(m.group(1)))))
            self.facts.shown.append(
                (Quantity(s, "notified", (int(m.group(3)),)), int(to_number(m.group(2))))
            )
        if m := re.search(rf"and completed ({NUM}) reviews", text):
            self.facts.shown.append((total, int(to_number(m.group(1)))))
        if m := re.search(rf"({NUM}) cases were awaiting review", text):
            self.facts.shown.append((Quantity(s, "open", (y,)), int(to_number(m.group(1)))))
        for m in re.finditer(
            rf"({NUM})% of reviews \(({NUM}) of ({NUM})\) were completed "
            r"(within \d+ months)",
            text,
        ):
            q = Quantity(s, "reviews", (y,), (("months", (m.group(4),)),))
            self.facts.shown.append((q, int(to_number(m.group(2)))))
            self.facts.shown.append((total, int(to_number(m.group(3)))))
        if m := re.search(rf"({NUM})% of the deaths reviewed were of boys", text):
            q = Quantity(s, "reviews", (y,), (("?", ("male",)),))
            self.share(q, total, to_number(m.group(1)), half(m.group(1)), 100.0)
        if m := re.search(rf"({NUM}) \(({NUM})%\) were infants under one year", text):
            q = Quantity(s, "reviews", (y,), (("age", ("infants under one year",)),))
            self.facts.shown.append((q, int(to_number(m.group(1)))))
            self.share(q, total, to_number(m.group(2)), half(m.group(2)), 100.0)
        if m := re.search(
            r"most common category of death in \d{4}/\d{2} was ([^(]+?) "
            rf"\(({NUM}) of ({NUM}) reviews\)",
            text,
        ):
            label = norm(m.group(1))
            q = Quantity(s, "reviews", (y,), (("?", ("~" + label,)),))
            self.facts.shown.append((q, int(to_number(m.group(2)))))
            self.facts.shown.append((total, int(to_number(m.group(3)))))
        if m := re.search(
            rf"Modifiable factors were identified in ({NUM}) reviews \(({NUM})%", text
        ):
            q = Quantity(s, "reviews", (y,), (("?", ("modifiable factors",)),))
            self.facts.shown.append((q, int(to_number(m.group(1)))))
            self.share(q, total, to_number(m.group(2)), half(m.group(2)), 100.0)
        if m := re.search(
            rf"({NUM}) of the ({NUM}) deaths reviewed \(({NUM})%\) were (unexpected|expected)",
            text,
        ):
            q = Quantity(s, "reviews", (y,), (("?", (m.group(4),)),))
            self.facts.shown.append((q, int(to_number(m.group(1)))))
            self.facts.shown.append((total, int(to_number(m.group(2)))))
        if m := re.search(rf"({NUM})% of the children died in hospital", text):
            q = Quantity(s, "reviews", (y,), (("?", ("hospital",)),))
            self.share(q, total, to_number(m.group(1)), half(m.group(1)), 100.0)


# --------------------------------------------------------------------------------------
# Dimensions: axes whose labels overlap are one dimension
# --------------------------------------------------------------------------------------

INTERVAL_DIMS = {"months": months_interval, "age": age_interval}


class Dimensions:
    """Resolves axes to dimensions and levels to their finest parts."""

    def __init__(self, axes: dict[str, set[str]], quantities: Iterable[Quantity]) -> None:
        axes = {k: set(v) for k, v in axes.items()}
        quantities = list(quantities)
        for q in quantities:
            for axis, level in q.dims:
                if axis not in INTERVAL_DIMS and axis != "?" and axis not in axes:
                    axes[axis] = set()
                if axis in axes and not axis.endswith((":rows", ":cols")):
                    axes[axis].update(level)
        names = sorted(axes)
        parent = {n: n for n in names}

        def find(n: str) -> str:
            while parent[n] != n:
                n = parent[n]
            return n

        def table_of(n: str) -> str:
            return n.rsplit("|", 1)[-1]

        # the same table (in another format or another chapter) or tables sharing most
        # of their levels ("not stated" and "other" do not count: every dimension has them)
        specific = {n: {x for x in axes[n] if not generic(x)} for n in names}
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                common = specific[a] & specific[b]
                smaller = min(len(specific[a]), len(specific[b]))
                same_table = table_of(a) == table_of(b) and table_of(a).endswith((":rows", ":cols"))
                if same_table or (len(common) >= 2 and len(common) >= 0.5 * smaller):
                    parent[find(b)] = find(a)
        self.axis_labels = axes
        self.dim_of = {n: find(n) for n in names}
        self.labels: dict[str, set[str]] = defaultdict(set)
        for n in names:
            self.labels[self.dim_of[n]].update(axes[n])
        self.bounds: dict[str, set[int]] = {d: {0} for d in INTERVAL_DIMS}
        for q in quantities:
            for axis, level in q.dims:
                if axis in INTERVAL_DIMS:
                    for label in level:
                        iv = INTERVAL_DIMS[axis](label)
                        if iv is None:
                            raise ValueError(f"not an interval of {axis}: {label!r}")
                        self.bounds[axis].update(iv)
        for d in INTERVAL_DIMS:
            self.bounds[d].add(10_000_000)
        # a sentence naming one part of a merged level ("7 were unexpected" where the
        # table has "unexpected or not stated"): the merged level's parts are levels
        named = {x for q in quantities for a, lv in q.dims if a == "?" for x in lv}
        for label in sorted(x for x in named if not x.startswith("~")):
            if any(label in labels for labels in self.labels.values()):
                continue
            found = {
                (d, x)
                for d, labels in self.labels.items()
                for x in labels
                if label in split_label(x)
            }
            if len({d for d, _ in found}) == 1:
                for d, x in found:
                    self.labels[d].update(split_label(x))
        # compound labels ("other or not stated") are unions of labels of their dimension
        self.parts: dict[tuple[str, str], tuple[str, ...]] = {}
        for d, labels in self.labels.items():
            for label in labels:
                pieces = split_label(label)
                if len(pieces) > 1 and all(p in labels for p in pieces):
                    self.parts[(d, label)] = tuple(pieces)

    def resolve(self, axis: str, level: Level) -> tuple[str, tuple[str, ...]]:
        """The dimension of an axis and the finest parts that make up a level."""
        if axis in INTERVAL_DIMS:
            cuts = sorted(self.bounds[axis])
            fine: set[str] = set()
            for label in level:
                iv = INTERVAL_DIMS[axis](label)
                assert iv is not None
                fine.update(f"{a}-{b}" for a, b in pairwise(cuts) if a >= iv[0] and b <= iv[1])
            return axis, tuple(sorted(fine))
        if axis == "?":
            dims = set()
            for label in level:
                key = label.lstrip("~")
                found = [
                    d
                    for d, labels in self.labels.items()
                    if any(x == key or (label.startswith("~") and key in x) for x in labels)
                ]
                dims.update(found)
            if len(dims) != 1:
                raise LookupError(f"no single dimension has the levels {level}")
            d = dims.pop()
            level = tuple(
                x
                for label in level
                for x in self.labels[d]
                if x == label.lstrip("~") or (label.startswith("~") and label[1:] in x)
            )
        else:
            d = self.dim_of[axis]
        fine_levels: set[str] = set()
        for label in level:
            fine_levels.update(self.parts.get((d, label), (label,)))
        return d, tuple(sorted(fine_levels))

    def fine(self, d: str) -> list[str]:
        if d in INTERVAL_DIMS:
            cuts = sorted(self.bounds[d])
            return [f"{a}-{b}" for a, b in pairwise(cuts)]
        return sorted(x for x in self.labels[d] if (d, x) not in self.parts)

    def partition(self, axis: str) -> list[str]:
        """The finest levels that the levels of one table's axis split into."""
        if axis in INTERVAL_DIMS:
            return self.fine(axis)
        out: set[str] = set()
        for label in self.axis_labels.get(axis, ()):
            out.update(self.resolve(axis, (label,))[1])
        return sorted(out)


def split_label(label: str) -> list[str]:
    """The parts a merged level names ("unexpected or not stated": two parts)."""
    return [p.strip() for p in re.split(r",| or | and |/", label) if p.strip()]


GENERIC = ("not stated", "not known", "unknown", "other")


def generic(label: str) -> bool:
    """A level most dimensions have ("other", "not stated", "other or not stated")."""
    return any(label == g or label.startswith(g + " ") or label.endswith(" " + g) for g in GENERIC)


# --------------------------------------------------------------------------------------
# The integer programme
# --------------------------------------------------------------------------------------


def poisson_limits(k: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exact and Byar 95% limits for counts ``k`` (both, so that either method fits)."""
    kf = k.astype(float)
    exact_lo = np.where(k > 0, chi2.ppf(0.025, 2 * np.maximum(kf, 1)) / 2, 0.0)
    exact_hi = np.asarray(chi2.ppf(0.975, 2 * kf + 2) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        kk = np.maximum(kf, 1)
        byar_lo = np.where(k > 0, kk * (1 - 1 / (9 * kk) - Z95 / (3 * np.sqrt(kk))) ** 3, 0.0)
    k1 = kf + 1
    byar_hi = k1 * (1 - 1 / (9 * k1) + Z95 / (3 * np.sqrt(k1))) ** 3
    return exact_lo, exact_hi, byar_lo, byar_hi


_LIMITS: dict[int, tuple[np.ndarray, ...]] = {}


def rate_counts(value: float, lo: float, hi: float, h: float, kmax: int = 20_000) -> list[int]:
    """Counts whose rate and interval limits, at one scale, print as shown."""
    k = np.arange(kmax + 1)
    if kmax not in _LIMITS:
        _LIMITS[kmax] = poisson_limits(k)
    limits = _LIMITS[kmax]
    ok = np.zeros(k.shape, dtype=bool)
    for low, high in (limits[:2], limits[2:]):
        s_lo = np.zeros(k.shape)
        s_hi = np.full(k.shape, np.inf)
        fine = np.ones(k.shape, dtype=bool)
        for mult, target in ((k.astype(float), value), (low, lo), (high, hi)):
            pos = mult > 0
            with np.errstate(divide="ignore", invalid="ignore"):
                s_lo = np.where(pos, np.maximum(s_lo, (target - h) / np.where(pos, mult, 1)), s_lo)
                s_hi = np.where(pos, np.minimum(s_hi, (target + h) / np.where(pos, mult, 1)), s_hi)
            fine &= pos | (abs(target) <= h + 1e-12)
        ok |= fine & (s_lo <= s_hi * (1 + 1e-12) + 1e-15) & (s_hi > 0)
    return [int(x) for x in k[ok]]


@dataclass
class Programme:
    """Variables, constraints and the hidden counts of one attack."""

    names: dict[tuple[object, ...], int] = field(default_factory=dict)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    binaries: list[int] = field(default_factory=list)

    def var(self, key: tuple[object, ...]) -> int:
        if key not in self.names:
            self.names[key] = len(self.names)
        return self.names[key]

    def add(self, coefs: dict[int, float], lo: float, hi: float) -> None:
        self.rows.append((coefs, lo, hi))


def combine(*terms: tuple[float, dict[int, float]]) -> dict[int, float]:
    out: dict[int, float] = defaultdict(float)
    for scale, expr in terms:
        for i, c in expr.items():
            out[i] += scale * c
    return {i: c for i, c in out.items() if c != 0}


Rows = list[tuple[dict[int, float], float, float]]
ENUMERATE_LIMIT = 200_000


def propagate(rows: Rows, variables: list[int], passes: int = 30) -> dict[int, list[float]]:
    """Bounds of each variable implied by the rows, by interval propagation."""
    box = {i: [0.0, float(BIG)] for i in variables}
    for _ in range(passes):
        changed = False
        for coefs, lo, hi in rows:
            low = sum(c * (box[i][0] if c > 0 else box[i][1]) for i, c in coefs.items())
            high = sum(c * (box[i][1] if c > 0 else box[i][0]) for i, c in coefs.items())
            for i, c in coefs.items():
                own_low = c * (box[i][0] if c > 0 else box[i][1])
                own_high = c * (box[i][1] if c > 0 else box[i][0])
                rest_low, rest_high = low - own_low, high - own_high
                # lo - rest_high <= c * x <= hi - rest_low
                a, b = lo - rest_high, hi - rest_low
                if c > 0:
                    new_lo, new_hi = a / c, b / c
                else:
                    new_lo, new_hi = b / c, a / c
                new_lo = math.ceil(new_lo - 1e-7) if np.isfinite(new_lo) else box[i][0]
                new_hi = math.floor(new_hi + 1e-7) if np.isfinite(new_hi) else box[i][1]
                if new_lo > box[i][0]:
                    box[i][0] = float(new_lo)
                    changed = True
                if new_hi < box[i][1]:
                    box[i][1] = float(new_hi)
                    changed = True
        if not changed:
            break
    return box


def enumerate_part(
    rows: Rows, order: list[int], box: dict[int, list[float]]
) -> tuple[list[int], np.ndarray] | None:
    """Every integer solution of a small part (None when it is too large to list)."""
    sizes = [box[i][1] - box[i][0] + 1 for i in order]
    if any(n <= 0 for n in sizes):
        return order, np.zeros((0, len(order)))
    if math.prod(sizes) > ENUMERATE_LIMIT:
        return None
    # variables pinned by propagation take one value; the grid spans the others
    free = [k for k, n in enumerate(sizes) if n > 1]
    if len(free) > 30:
        return None
    grids = np.meshgrid(
        *[np.arange(box[order[k]][0], box[order[k]][1] + 1) for k in free], indexing="ij"
    )
    n_points = grids[0].size if free else 1
    pts = np.tile(np.array([box[i][0] for i in order], dtype=float), (n_points, 1))
    for k, g in zip(free, grids, strict=True):
        pts[:, k] = g.ravel()
    col = {i: k for k, i in enumerate(order)}
    keep = np.ones(len(pts), dtype=bool)
    for coefs, lo, hi in rows:
        value = sum(c * pts[:, col[i]] for i, c in coefs.items())
        keep &= (value >= lo - 1e-7) & (value <= hi + 1e-7)
    return order, pts[keep]


class Part:
    """An independent part of the system: the smallest and largest value of sums.

    Small parts are listed point by point. Larger ones are solved as linear programmes
    (an integral optimum of the relaxation is the integer optimum) or, failing that, with
    ``milp``; the bounds from interval propagation, once reached by a solution already
    found, settle an extreme without solving.
    """

    def __init__(self, rows: Rows, variables: set[int], binaries: set[int]) -> None:
        self.order = sorted(variables)
        self.col = {i: k for k, i in enumerate(self.order)}
        self.box = propagate(rows, self.order)
        for i in binaries & variables:
            self.box[i][1] = min(self.box[i][1], 1.0)
        self.lo = np.array([self.box[i][0] for i in self.order])
        self.hi = np.array([self.box[i][1] for i in self.order])
        self.points = enumerate_part(rows, self.order, self.box)
        self.witnesses: list[np.ndarray] = []
        n = len(self.order)
        data, ri, ci = [], [], []
        for r, (coefs, _, _) in enumerate(rows):
            for i, v in coefs.items():
                data.append(v)
                ri.append(r)
                ci.append(self.col[i])
        self.a = sparse.csr_array((data, (ri, ci)), shape=(len(rows), n))
        self.row_lo = np.array([r[1] for r in rows], dtype=float)
        self.row_hi = np.array([r[2] for r in rows], dtype=float)
        eq = self.row_lo == self.row_hi
        up = ~eq & np.isfinite(self.row_hi)
        down = ~eq & np.isfinite(self.row_lo)
        self.lp: dict[str, object] = {}
        if up.any() or down.any():
            self.lp["A_ub"] = sparse.vstack([self.a[up], -self.a[down]])
            self.lp["b_ub"] = np.concatenate([self.row_hi[up], -self.row_lo[down]])
        if eq.any():
            self.lp["A_eq"] = self.a[eq]
            self.lp["b_eq"] = self.row_lo[eq]
        self.infeasible = self.points is not None and len(self.points[1]) == 0

    def extreme(self, objective: dict[int, float], sign: float) -> float:
        """The smallest (sign 1) or largest (sign -1) value of the objective."""
        if self.infeasible:
            return np.nan  # some hidden count here must be 0
        c = np.zeros(len(self.order))
        for i, v in objective.items():
            c[self.col[i]] = v
        if self.points is not None:
            values = self.points[1] @ c
            return float(values.min() if sign > 0 else values.max())
        # the propagated bound, if a known solution reaches it
        bound = float(np.where(sign * c > 0, c * self.lo, c * self.hi).sum())
        if self.witnesses and np.isfinite(bound):
            values = np.array(self.witnesses) @ c
            best = float(values.min() if sign > 0 else values.max())
            if abs(best - bound) < 1e-9:
                return bound
        lp = linprog(
            sign * c,
            bounds=list(zip(self.lo, self.hi, strict=True)),
            method="highs",
            **self.lp,  # type: ignore[call-overload]
        )
        if lp.status == 2:
            self.infeasible = True
            return np.nan
        if lp.status == 0 and np.allclose(lp.x, np.round(lp.x), atol=1e-7):
            self.witnesses.append(np.round(lp.x))
            return sign * float(lp.fun)
        res = milp(
            sign * c,
            constraints=[LinearConstraint(self.a, self.row_lo, self.row_hi)],
            integrality=np.ones(len(self.order), dtype=int),
            bounds=Bounds(self.lo, self.hi),
            options=OPTIONS,
        )
        if res.status == 2:
            self.infeasible = True
            return np.nan
        if res.status != 0:
            raise RuntimeError(f"milp failed: {res.message}")
        self.witnesses.append(np.round(res.x))
        return sign * float(res.fun)


class Model:
    """The linear system a reader can write from the facts."""

    def __init__(self, facts: Facts, areas_add_up: bool = True) -> None:
        self.facts = facts
        self.add_areas = areas_add_up
        quantities = [q for q, _ in facts.shown] + [q for q, _ in facts.hidden]
        quantities += [q for s in facts.shares for q in s[0]]
        quantities += [q for s in facts.shares if isinstance(s[1], list) for q in s[1]]
        quantities += [q for q, *_ in facts.rates] + [q for q, *_ in facts.flags]
        quantities += [q for parts, total in facts.sums for q in (*parts, total)]
        self.dims = Dimensions(facts.axes, quantities)
        self.p = Programme()
        self.pairs: set[tuple[str, str, str, str, int]] = set()
        self.singles: set[tuple[str, str, str, int]] = set()
        self.totals: set[tuple[str, str, int]] = set()
        self.contradictions: list[str] = []
        self.cache: dict[Quantity, dict[int, float]] = {}
        self.unresolved: set[Quantity] = set()
        for q in quantities:
            try:
                self.expr(q)
            except LookupError:  # a sentence naming a level no table shows: not used
                self.unresolved.add(q)
        self.drop_unresolved()
        self.structure()
        self.inequalities()
        self.constraints()

    def drop_unresolved(self) -> None:
        f, bad = self.facts, self.unresolved
        if not bad:
            return
        f.shown = [(q, v) for q, v in f.shown if q not in bad]
        f.hidden = [(q, w) for q, w in f.hidden if q not in bad]
        f.shares = [
            s
            for s in f.shares
            if not bad & set(s[0]) and (isinstance(s[1], float) or not bad & set(s[1]))
        ]
        f.rates = [r for r in f.rates if r[0] not in bad]
        f.flags = [x for x in f.flags if x[0] not in bad]
        f.at_least = [x for x in f.at_least if x[0] not in bad]
        f.sums = [x for x in f.sums if x[1] not in bad and not bad & set(x[0])]

    def expr(self, q: Quantity) -> dict[int, float]:
        if q in self.cache:
            return self.cache[q]
        resolved = [(*self.dims.resolve(a, lv), a) for a, lv in q.dims]
        out: dict[int, float] = defaultdict(float)
        for y in q.years:
            self.totals.add((q.scope, q.family, y))
            if not resolved:
                out[self.p.var(("T", q.scope, q.family, y))] += 1
            elif len(resolved) == 1:
                d, levels, a = resolved[0]
                self.singles.add((q.scope, q.family, a, y))
                for f in levels:
                    out[self.p.var(("A", q.scope, q.family, d, f, y))] += 1
            elif len(resolved) == 2:
                (d1, l1, a1), (d2, l2, a2) = sorted(resolved)
                self.pairs.add((q.scope, q.family, a1, a2, y))
                self.singles.add((q.scope, q.family, a1, y))
                self.singles.add((q.scope, q.family, a2, y))
                for f1 in l1:
                    for f2 in l2:
                        out[self.p.var(("B", q.scope, q.family, d1, f1, d2, f2, y))] += 1
            else:
                raise ValueError(f"three-way counts are not modelled: {q}")
        self.cache[q] = dict(out)
        return self.cache[q]

    def structure(self) -> None:
        p = self.p
        dims = self.dims
        covers = self.facts.covers
        seen: set[tuple[tuple[int, float], ...]] = set()

        def add_once(row: dict[int, float]) -> None:
            key = tuple(sorted(row.items()))
            if key not in seen:
                seen.add(key)
                p.add(row, 0, 0)

        def splits(a: str, s: str, fam: str, y: int) -> bool:
            # a table's levels split its total in the years the table shows (a level a
            # table leaves out is none there; other years may have it); levels not from
            # a table (interval bands, deprivation quintiles) split every year
            return (
                a not in dims.axis_labels
                or not a.endswith((":rows", ":cols"))
                or ((s, fam, y) in covers.get(a, set()))
            )

        for s, fam, a, y in sorted(self.singles):
            if a == "?" or not splits(a, s, fam, y):
                continue
            d = dims.dim_of.get(a, a)
            row = {p.var(("A", s, fam, d, f, y)): 1.0 for f in dims.partition(a)}
            row[p.var(("T", s, fam, y))] = -1.0
            add_once(row)
        for s, fam, a1, a2, y in sorted(self.pairs):
            d1, d2 = dims.dim_of.get(a1, a1), dims.dim_of.get(a2, a2)
            fine1, fine2 = dims.partition(a1), dims.partition(a2)
            if splits(a2, s, fam, y):
                for f1 in fine1:
                    row = {p.var(("B", s, fam, d1, f1, d2, f2, y)): 1.0 for f2 in fine2}
                    row[p.var(("A", s, fam, d1, f1, y))] = -1.0
                    add_once(row)
            if splits(a1, s, fam, y):
                for f2 in fine2:
                    row = {p.var(("B", s, fam, d1, f1, d2, f2, y)): 1.0 for f1 in fine1}
                    row[p.var(("A", s, fam, d2, f2, y))] = -1.0
                    add_once(row)
        # cases open at a year end = open the year before + notified - reviewed
        for s, fam, y in sorted(self.totals):
            if fam != "open" or (s, "open", y - 1) not in self.totals:
                continue
            if (s, "notified", y) in self.totals and (s, "reviews", y) in self.totals:
                p.add(
                    {
                        p.var(("T", s, "open", y)): 1.0,
                        p.var(("T", s, "open", y - 1)): -1.0,
                        p.var(("T", s, "notified", y)): -1.0,
                        p.var(("T", s, "reviews", y)): 1.0,
                    },
                    0,
                    0,
                )
        # the panel's chapter and its area chapters: every count of the panel is the sum
        # of the same count over the areas the comparison chapter lists
        areas = sorted(self.facts.areas)
        if areas and self.add_areas:
            for key in [k for k in p.names if k[0] in ("T", "A", "B") and k[1] == "panel"]:
                row = {p.var(key): 1.0}
                for area in areas:
                    row[p.var((key[0], area, *key[2:]))] = -1.0
                p.add(row, 0, 0)

    def inequalities(self) -> None:
        """What always holds between counts without being a sum (see the module's
        docstring): each row's sum is at most 0."""
        p = self.p
        names = list(p.names)
        have = set(names)

        def start(level: str) -> int | None:
            head = level.split("-")[0]
            return int(head) if head.isdigit() else None

        # the reviews of each (scope, year) by half months from notification
        months: dict[tuple[str, int], list[tuple[int, tuple[object, ...]]]] = defaultdict(list)
        for k in names:
            if k[0] == "A" and k[2] == "reviews" and k[3] == "months":
                lo = start(str(k[4]))
                if lo is not None:
                    months[(str(k[1]), int(k[5]))].append((lo, k))
        by_level: dict[tuple[str, str, str, int], tuple[object, ...]] = {}
        for k in names:
            if k[0] == "A":
                by_level[(str(k[1]), str(k[2]), str(k[4]), int(k[5]))] = k
        for (s, y), bands in months.items():
            # within 6 (12) complete months of death: at most within as many of
            # notification (a death is notified on or after the day it happens)
            death = [
                by_level.get((s, "reviews", level, y))
                for level in ("less than 6 months", "6 to 11 months")
            ]
            for upto, edge in ((1, 12), (2, 24)):
                parts = death[:upto]
                if all(part is not None for part in parts):
                    row = {p.var(part): 1.0 for part in parts if part is not None}
                    for lo, k in bands:
                        if lo < edge:
                            row[p.var(k)] = -1.0
                    p.add(row, -np.inf, 0)
        for s, fam, y in sorted(self.totals):
            if fam != "open":
                continue
            # open more than 12 months at a year end, and the year's reviews that took more
            # than 12 months to the day, were open at the end of the year before
            over = by_level.get((s, "open", "open more than 12 months", y))
            if over is not None and ("T", s, "open", y - 1) in have:
                row = {p.var(over): 1.0, p.var(("T", s, "open", y - 1)): -1.0}
                for lo, k in months.get((s, y), []):
                    if lo >= 25:
                        row[p.var(k)] = 1.0
                p.add(row, -np.inf, 0)
            # open up to 12 months at a year end: notified in the year, or notified on
            # the last day of the year before (open 12 months to the day), which were
            # then open less than 6 months at that year's end (or at least open)
            under = by_level.get((s, "open", "open less than 6 months", y))
            before = by_level.get((s, "open", "open less than 6 months", y - 1))
            if before is None and ("T", s, "open", y - 1) in have:
                before = ("T", s, "open", y - 1)
            if under is not None and before is not None and ("T", s, "notified", y) in have:
                row = {p.var(under): 1.0, p.var(("T", s, "notified", y)): -1.0}
                row[p.var(before)] = row.get(p.var(before), 0.0) - 1.0
                middle = by_level.get((s, "open", "open 6 to 12 months", y))
                if middle is not None:
                    row[p.var(middle)] = 1.0
                p.add(row, -np.inf, 0)
        # the median and quartiles of the time from death to review (linear
        # interpolation): a quartile p of n durations lies between those ranked
        # floor(h) + 1 and ceil(h) + 1, h = (n - 1) p. One clearly below a band boundary
        # b says at least floor(h) + 1 took less than b; one clearly above, at most
        # ceil(h). "Clearly": months to one decimal place against complete calendar
        # months (28 to 31 days), so a quartile within 0.15 months of b says nothing.
        death_levels = (
            "less than 6 months",
            "6 to 11 months",
            "12 to 17 months",
            "18 to 23 months",
        )
        for s, y, n, quartiles in self.facts.quartiles:
            below: list[tuple[object, ...]] = []
            for level, edge in zip(death_levels, (6, 12, 18, 24), strict=True):
                part = by_level.get((s, "reviews", level, y))
                if part is None:
                    break
                below.append(part)
                row = {p.var(k): 1.0 for k in below}
                for share, printed in zip((0.25, 0.5, 0.75), quartiles, strict=True):
                    at = (n - 1) * share
                    if printed <= edge - 0.15:
                        p.add(row, math.floor(at) + 1, np.inf)
                    elif printed >= edge + 0.15:
                        p.add(row, -np.inf, math.ceil(at))
        # reviews recording a reason for delay: at most the year's reviews
        for k in names:
            if (
                k[0] == "A"
                and "reasons recorded for the delay of reviews" in str(k[2])
                and ("T", k[1], "reviews", k[5]) in have
            ):
                p.add({p.var(k): 1.0, p.var(("T", k[1], "reviews", k[5])): -1.0}, -np.inf, 0)

    def constraints(self) -> None:
        p = self.p
        tol = 1e-7
        known = {q for q, _ in self.facts.shown}
        for q, v in self.facts.shown:
            p.add(self.expr(q), v, v)
        for nums, dens, scale, lo, hi in self.facts.shares:
            if set(nums) <= known and (isinstance(dens, float) or set(dens) <= known):
                continue  # nothing to learn from a share of shown counts
            num = combine(*((1.0, self.expr(q)) for q in nums))
            if isinstance(dens, float):
                p.add(num, lo * dens / scale - tol, hi * dens / scale + tol)
            else:
                den = combine(*((1.0, self.expr(q)) for q in dens))
                p.add(combine((scale, num), (-hi, den)), -np.inf, tol)
                p.add(combine((scale, num), (-lo, den)), -tol, np.inf)
        for q, few, limit in self.facts.flags:
            if q in known:
                continue
            p.add(self.expr(q), 0, limit - 1) if few else p.add(self.expr(q), limit, np.inf)
        for q, n in self.facts.at_least:
            if q not in known:
                p.add(self.expr(q), n, np.inf)
        seen_sums = set()
        for parts, total in self.facts.sums:
            row = combine(*((1.0, self.expr(q)) for q in parts), (-1.0, self.expr(total)))
            key = tuple(sorted(row.items()))
            if row and key not in seen_sums:
                seen_sums.add(key)
                p.add(row, 0, 0)
        for q, value, lo, hi, h in self.facts.rates:
            if q in known:
                continue
            counts = rate_counts(value, lo, hi, h)
            if not counts:
                self.contradictions.append(f"no count prints as {value} ({lo} to {hi}): {q}")
                continue
            e = self.expr(q)
            if counts[-1] - counts[0] + 1 == len(counts) or len(counts) > 60:
                p.add(e, counts[0], counts[-1])
            else:
                row = dict(e)
                ones = {}
                for c in counts:
                    z = p.var(("z", q, c))
                    p.binaries.append(z)
                    row[z] = row.get(z, 0.0) - c
                    ones[z] = 1.0
                p.add(row, 0, 0)
                p.add(ones, 1, 1)

    def describe(
        self, coefs: dict[int, float], lo: float, hi: float, fixed: dict[int, float]
    ) -> str:
        """A relation in words, with the values already worked out."""
        names = {i: k for k, i in self.p.names.items()}
        terms = [
            f"{c:+g} x {'/'.join(str(x) for x in names[i][1:])}"
            + (f" (= {fixed[i]:g})" if i in fixed else "")
            for i, c in coefs.items()
        ]
        return f"{lo:g} <= {' '.join(terms)} <= {hi:g}"

    def bounds(self, hidden_exprs: Sequence[dict[int, float]], positive: bool) -> pd.DataFrame:
        """Smallest and largest value of each hidden expression.

        Equalities with one unknown fix it (repeatedly); the rest splits into
        independent parts, each solved on its own.
        """
        p = self.p
        rows = [(dict(c), lo, hi) for c, lo, hi in p.rows]
        fixed: dict[int, float] = {}
        changed = True
        while changed:
            changed = False
            for coefs, lo, hi in rows:
                if lo != hi:
                    continue
                unknown = [i for i in coefs if i not in fixed]
                if len(unknown) == 1:
                    i = unknown[0]
                    rest = sum(c * fixed[j] for j, c in coefs.items() if j != i)
                    value = (lo - rest) / coefs[i]
                    if abs(value - round(value)) > 1e-6 or value < -1e-9:
                        raise ValueError(
                            "the published numbers contradict the reader's knowledge: "
                            + self.describe(coefs, lo, hi, fixed)
                        )
                    fixed[i] = float(round(value))
                    changed = True
        # the remaining rows on the free variables
        reduced: Rows = []
        for coefs, lo, hi in rows:
            rest = sum(c * fixed[j] for j, c in coefs.items() if j in fixed)
            free = {i: c for i, c in coefs.items() if i not in fixed}
            if not free:
                if rest < lo - 1e-6 or rest > hi + 1e-6:
                    raise ValueError(
                        "the published numbers contradict the reader's knowledge: "
                        + self.describe(coefs, lo, hi, fixed)
                    )
                continue
            reduced.append((free, lo - rest, hi - rest))
        if positive:
            # every hidden count is >= 1 (those already fixed are known anyway)
            for e in hidden_exprs:
                rest = sum(c * fixed[j] for j, c in e.items() if j in fixed)
                free = {i: c for i, c in e.items() if i not in fixed}
                if free:
                    reduced.append((free, 1.0 - rest, np.inf))
        parent: dict[int, int] = {}

        def find(i: int) -> int:
            parent.setdefault(i, i)
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for free, _, _ in reduced:
            first = next(iter(free))
            for i in free:
                parent[find(i)] = find(first)
        groups: dict[int, list[int]] = defaultdict(list)
        for r, (free, _, _) in enumerate(reduced):
            groups[find(next(iter(free)))].append(r)
        out: list[tuple[float, float]] = []
        parts: dict[int, Part] = {}
        for e in hidden_exprs:
            const = sum(c * fixed[i] for i, c in e.items() if i in fixed)
            free = {i: c for i, c in e.items() if i not in fixed}
            if not free:
                out.append((round(const), round(const)))
                continue
            comps = {find(i) for i in free}
            lo_sum, hi_sum = const, const
            # an expression over several parts: its bounds add up part by part
            for comp in comps:
                objective = {i: c for i, c in free.items() if find(i) == comp}
                if comp not in parts:
                    variables = {i for i in parent if find(i) == comp}
                    part_rows = [reduced[r] for r in groups.get(comp, [])]
                    parts[comp] = Part(part_rows, variables, set(p.binaries))
                mn, mx = parts[comp].extreme(objective, 1.0), parts[comp].extreme(objective, -1.0)
                lo_sum += mn
                hi_sum += mx
            out.append(
                (float(round(lo_sum)), float(round(hi_sum)))
                if np.isfinite(lo_sum)
                else (np.nan, np.nan)
            )
        return pd.DataFrame(out, columns=["min", "max"])


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def read_facts(folders: Iterable[str | Path]) -> Facts:
    """Read every chapter under ``folders`` (report folders, areas and comparison)."""
    reader = Reader()
    for folder in chapter_folders(folders):
        reader.read(read_chapter(folder))
    return reader.facts


def shown_values(folders: Iterable[str | Path]) -> dict[Quantity, int]:
    """Every count shown in ``folders``: the truth, when read from a --no-suppress build."""
    return dict(read_facts(folders).shown)


def attack(folders: Iterable[str | Path]) -> pd.DataFrame:
    """Bounds of every hidden count in the published ``folders``, read together.

    Returns one row per hidden count (the first place a reader sees it): ``folder``,
    ``source``, ``table``, ``row``, ``column``, ``min``/``max`` knowing hidden counts are
    >= 0, ``min1``/``max1`` knowing they are >= 1, ``verdict`` (``RECOVERED``,
    ``NARROWED``, ``zero`` for a hidden count a reader can tell is 0, which discloses
    no child, or ``safe``) and the ``quantity`` it counts.
    """
    facts = read_facts(folders)
    model = Model(facts)
    if model.contradictions:
        raise ValueError("; ".join(model.contradictions))
    seen: dict[tuple[tuple[int, float], ...], tuple[Quantity, Where]] = {}
    for q, where in facts.hidden:
        key = tuple(sorted(model.expr(q).items()))
        if key not in seen:  # a count hidden here but printed elsewhere is recovered
            seen[key] = (q, where)
    hidden = list(seen.values())
    exprs = [model.expr(q) for q, _ in hidden]
    columns = [
        "folder",
        "source",
        "table",
        "row",
        "column",
        "min",
        "max",
        "min1",
        "max1",
        "verdict",
        "quantity",
    ]
    if not hidden:
        return pd.DataFrame(columns=columns)
    b0 = model.bounds(exprs, positive=False)
    b1 = model.bounds(exprs, positive=True)
    records = []
    for (q, w), (mn, mx), (mn1, mx1) in zip(
        hidden, b0.itertuples(index=False), b1.itertuples(index=False), strict=True
    ):
        if mn == mx == 0:
            verdict = "zero"  # a zero (printed elsewhere or worked out): no child in it
        elif mn == mx or mn1 == mx1:
            verdict = "RECOVERED"
        elif (mn >= 1 and mx <= 5) or (mn1 >= 1 and mx1 <= 5):
            verdict = "NARROWED"
        else:
            verdict = "safe"
        records.append((w.folder, w.source, w.table, w.row, w.column, mn, mx, mn1, mx1, verdict, q))
    return pd.DataFrame(records, columns=columns)


def true_values(
    result: pd.DataFrame, folders: Iterable[str | Path], truth: Iterable[str | Path]
) -> pd.Series:
    """The true value of each hidden count of an ``attack`` on ``folders``.

    ``truth`` holds the same chapters built with every count shown (``--no-suppress``).
    Read with the published chapters, the shown counts fix each hidden one, merged levels
    ("other or not stated") included. Raises ``ValueError`` when the truth contradicts
    what the reader assumes (the reader's model is then unsound).
    """
    if result.empty:
        return pd.Series(dtype=float)
    model = Model(read_facts([*folders, *truth]))
    if model.contradictions:
        raise ValueError("; ".join(model.contradictions))
    b = model.bounds([model.expr(q) for q in result["quantity"]], positive=False)
    values = np.where(b["min"] == b["max"], b["min"], np.nan)
    return pd.Series(values, index=result.index)


def leaks(result: pd.DataFrame) -> pd.DataFrame:
    """The hidden counts recovered or narrowed, for an assertion message."""
    return result[result["verdict"].isin(["RECOVERED", "NARROWED"])].drop(columns="quantity")


def main(argv: Sequence[str]) -> int:
    """``python tests/disclosure/reader_attack.py DIR [DIR ...]``: print what leaks."""
    if not argv:
        print("usage: reader_attack.py REPORT_DIR [REPORT_DIR ...]")
        return 2
    result = attack(argv)
    found = leaks(result)
    with pd.option_context("display.width", 250, "display.max_colwidth", 60):
        print(found.to_string() if len(found) else "no hidden count recovered or narrowed")
    print(f"{len(result)} hidden counts; {len(found)} recovered or narrowed")
    return 1 if len(found) else 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
