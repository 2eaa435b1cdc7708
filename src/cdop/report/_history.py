"""Counts that several chapters print, decided the same way in every chapter.

A panel publishes a chapter every year, and consecutive chapters print the same years:
the counts of 2023/24 appear in the 2023/24 chapter and again in the 2024/25 one. If the
two chapters hid different counts of 2023/24, a reader holding both could combine them.

So the counts of one financial year (every table's column for that year, and the
sentences about it) are decided once, from that year's counts alone, as a *year block*:
the block of year Y is the chapter of year Y restricted to the counts of year Y, protected
on its own (counts of other years it is tied to, such as the cases open a year before,
are taken as known to the reader, the cautious assumption). Every chapter that prints a
year prints it with that year's block. A chapter then protects what is its own (pooled
periods, rates over calendar years) with the year blocks fixed. Pooled periods are fixed
three-year windows, so consecutive chapters print the same window or windows that do not
overlap, never two windows that differ by one year.

A panel whose earlier chapters were built otherwise (other data, other rules) gives their
folders (``previous``): what they published is kept, whatever the blocks would say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from cdop import schema
from cdop.dataset import Dataset
from cdop.disclosure import CellKey
from cdop.errors import CdopArgumentError
from cdop.report._settings import ChapterSettings
from cdop.report._tables import Disclosure
from cdop.report.sections import Context, SectionSpec, financial_label
from cdop.report.sections._base import (
    DIM,
    is_financial_label,
    plan_sections,
    single_financial_year,
)

__all__ = ["Published", "read_previous", "single_year", "year_blocks"]

_O = schema.OUTPUT
_COUNT = _O.count
_NUMERATOR = _O.numerator
_PERIOD = _O.period
_STATISTIC = _O.statistic
_SUPPRESSED = _O.suppressed
_YEAR = _O.year
#: The count column of the tables written before counts were numbers (the marker in it).
_OLD_COUNT = "n"

#: Counts published elsewhere: their value and whether they were hidden.
Published = dict[CellKey, tuple[int, bool]]
#: Year blocks worked out in this process, by dataset, year and settings (the dataset is
#: kept with them so that its id cannot be reused by another).
_BLOCKS: dict[tuple[object, ...], tuple[Dataset, Published]] = {}
_MAX_CACHED = 64


#: The financial year of a count of one financial year ("2024/25"), else None.
single_year = single_financial_year


def _block(source: Context, label: str) -> Published:
    counts = source.counts
    keys = [k for k in counts.keys if single_year(k) == label]
    known = [k for k in counts.explicit_keys() if single_year(k) != label]
    block = counts.subset(keys, known=known)
    protection = block.protect(source.disclosure.rules)
    return {k: (counts.value(k), protection.hidden(k)) for k in keys}


def year_blocks(ctx: Context, sections: Sequence[SectionSpec]) -> Published:
    """The year block of every financial year the chapter prints (see the module)."""
    if not ctx.disclosure.suppress:
        return {}
    # Every financial year the chapter prints, alone or within a pooled period.
    labels = sorted(
        {
            label
            for key in ctx.counts.keys
            for label in key.levels(DIM.YEAR) or ()
            if is_financial_label(label)
        }
    )
    out: Published = {}
    for label in labels:
        year = int(label[:4])
        memo = (
            id(ctx.ds),
            year,
            ctx.disclosure,
            tuple(s.id for s in sections),
            ctx.area,
            ctx.years_shown,
            ctx.pool,
            ctx.settings,
        )
        cached = _BLOCKS.get(memo)
        if cached is not None and cached[0] is ctx.ds:
            out.update(cached[1])
            continue
        source = ctx if year == ctx.year else _earlier_year(ctx, year, sections)
        block = _block(source, label)
        if len(_BLOCKS) >= _MAX_CACHED:
            _BLOCKS.clear()
        _BLOCKS[memo] = (ctx.ds, block)
        out.update(block)
    return out


def _earlier_year(ctx: Context, year: int, sections: Sequence[SectionSpec]) -> Context:
    """The chapter of an earlier ``year`` planned for its counts of that year.

    Sections that only restate counts of others, or print pooled counts only, add
    nothing to a year's counts and are not planned. They may still declare the levels of
    a characteristic that a count of the year is split by (so that its levels add up to
    a total); if the chapter declares levels the plan without them lacks, the year is
    planned again with every section.
    """

    def planned(chosen: Sequence[SectionSpec]) -> Context:
        source = Context(
            ds=ctx.ds,
            year=year,
            disclosure=ctx.disclosure,
            years_shown=ctx.years_shown,
            pool=ctx.pool,
            area=ctx.area,
            settings=ctx.settings,
            _inputs=ctx._inputs,
        )
        plan_sections(source, chosen)
        return source

    source = planned([s for s in sections if not (s.restates or s.pooled)])
    label = financial_label(year)
    split_by = {
        dim for key in source.counts.keys if single_year(key) == label for dim, _ in key.dims
    }
    declared = source.counts.declared()
    if any(dim in ctx.counts.declared() and dim not in declared for dim in split_by):
        source = planned([s for s in sections if not s.restates])
    return source


def read_previous(
    folders: Iterable[str | Path],
    ds: Dataset,
    settings: Disclosure,
    sections: Sequence[SectionSpec],
    *,
    area: str | None = None,
    chapter_settings: ChapterSettings | None = None,
) -> Published:
    """What earlier chapters, written by :func:`cdop.report.build` into ``folders``,
    published: each folder's chapter is planned again from ``ds`` (for the keys of its
    counts), and its published tables say which counts were hidden; a row of zeros it
    left out (not in its tables) was known to its reader."""
    published: Published = {}
    for folder in folders:
        root = Path(folder)
        tables = root / "tables"
        if not tables.is_dir():
            raise CdopArgumentError(
                f"previous: {root} holds no tables/ folder; give the folder of an earlier "
                "chapter written by cdop report"
            )
        ctx = Context(
            ds=ds,
            year=_chapter_year(root),
            disclosure=settings,
            area=area,
            settings=chapter_settings or ChapterSettings(),
        )
        plan_sections(ctx, sections)
        shown = _published_cells(tables, settings.marker)
        for key in ctx.counts.keys:
            for where in ctx.counts.places(key):
                if where in shown:
                    published[key] = (ctx.counts.value(key), shown[where])
                    break
            else:
                if ctx.counts.is_known(key):
                    # a row of zeros the chapter left out: its reader knows it
                    published[key] = (ctx.counts.value(key), False)
    return published


def _chapter_year(root: Path) -> int:
    chapter = root / "chapter.md"
    if not chapter.is_file():
        raise CdopArgumentError(f"previous: {root} holds no chapter.md")
    for line in chapter.read_text(encoding="utf-8").splitlines()[:3]:
        if "annual report" in line:
            label = line.rsplit(" ", 1)[-1]
            if label[:4].isdigit() and financial_label(int(label[:4])) == label:
                return int(label[:4])
    raise CdopArgumentError(f"previous: the reporting year of {chapter} cannot be read")


def _published_cells(tables: Path, marker: str) -> dict[str, bool]:
    """Each table cell's place ("table <id>: <row> / <column>") and whether it was hidden.

    Tables of counts are read in either layout cdop has written: a ``count`` column
    (empty where hidden) with a ``suppressed`` flag, the row and column in the first two
    columns other than the start ``year``; or, in files written before, an ``n`` column
    holding the marker where hidden, the row and column in the first two columns. A table
    of deaths and rates by a group over a pooled period holds its deaths as ``numerator``,
    its rows in the first column and the period beside them (written as ``count`` before).
    """
    out: dict[str, bool] = {}
    for path in sorted(tables.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if _SUPPRESSED not in frame.columns or frame.shape[1] < 3:
            continue
        labels = [c for c in frame.columns if c != _YEAR][:2]
        # deaths and rates by a group: a numerator of rates, the rows then the period
        rates = frame.get(_STATISTIC, pd.Series(dtype=str)).str.startswith("rate per")
        by_group = (
            _NUMERATOR in frame.columns
            and labels[1] == _PERIOD != labels[0]
            and len(rates) > 0
            and bool(rates.all())
        )
        if _COUNT in frame.columns or by_group:
            row_name, column_name = labels
            hidden = (frame[_SUPPRESSED].str.strip().str.lower() == "true").tolist()
        elif _OLD_COUNT in frame.columns:
            row_name, column_name = frame.columns[0], frame.columns[1]
            hidden = (frame[_OLD_COUNT] == marker).tolist()
        else:
            continue
        for row, column, was_hidden in zip(
            frame[row_name], frame[column_name], hidden, strict=True
        ):
            out[f"table {path.stem}: {row} / {column}"] = bool(was_hidden)
    return out
