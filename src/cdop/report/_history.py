"""Counts that several chapters print, decided the same way in every chapter.

A panel publishes a chapter every year, and consecutive chapters print the same years:
the counts of 2023/24 appear in the 2023/24 chapter and again in the 2024/25 one. If the
two chapters hid different counts of 2023/24, a reader holding both could combine them.

So the counts of one financial year (every table's column for that year, and the
sentences about it) are decided once, from that year's counts alone, as a *year block*:
the block of year Y is the chapter of year Y restricted to the counts of year Y, protected
on its own, with the counts of earlier years it is tied to (the cases open a year before)
fixed as their own blocks decided them (see :func:`_year_block`). Every chapter that
prints a year prints it with that year's block.

Pooled periods are fixed three-year windows, so consecutive chapters print the same window
or windows that do not overlap, never two windows that differ by one year; three chapters
print each window. Its counts are decided once too, as a *window block*: the chapter of the
window's last year restricted to the window's counts, with the year blocks of the window's
years fixed (a pooled count is the sum of its years' counts, so the window is decided
knowing which of those every chapter hides). A chapter then protects what is its own
(rates over calendar years, for example) with the blocks fixed.

A panel whose earlier chapters were built otherwise (other data, other rules) gives their
folders (``previous``): what they published is kept, whatever the blocks would say.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from cdop import schema
from cdop.dataset import Dataset
from cdop.disclosure import CellKey, DisclosureRules, LinkedCounts, Protection
from cdop.errors import CdopArgumentError
from cdop.report._settings import ChapterSettings
from cdop.report._tables import Disclosure
from cdop.report.sections import Context, SectionSpec, financial_label
from cdop.report.sections._base import (
    DIM,
    POOL_ANCHOR,
    is_financial_label,
    plan_sections,
    safe,
    single_financial_year,
)

__all__ = [
    "Published",
    "least_left_out",
    "pooled_windows",
    "protect_year",
    "read_previous",
    "single_year",
    "tied_years",
    "window_printed",
    "window_register",
    "window_withheld",
    "year_blocks",
    "year_register",
]

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
#: Key of a window's verdict in ``_BLOCKS``: a count of it is hidden that its years' blocks
#: show (see :func:`window_withheld`).
_WITHHELD = CellKey("\x00window withheld")
#: Measure of the keys marking a section whose window tables alone are left out.
_LEFT_OUT = "\x00window left out"
_MARKERS = frozenset({_WITHHELD.measure, _LEFT_OUT})
#: Start of the measure of a stand-in for a count of the year after a year block's (see
#: :func:`_room_for_next_year`).
_AHEAD = "\x00the year after: "


#: The financial year of a count of one financial year ("2024/25"), else None.
single_year = single_financial_year


def year_register(counts: LinkedCounts, label: str, fixed: Published) -> LinkedCounts:
    """The counts of year ``label`` in a chapter's register ``counts`` (the chapter of that
    year), with the other years' counts the chapter prints beside them: those tied to them
    (declared identities) and those of years already decided (``fixed``: a total and its
    parts of an earlier year, which a reader also combines with the tied ones). Counts of
    ``fixed`` are fixed as given there, other tied counts taken as known to the reader.

    Every count of ``fixed`` is taken in, printed by this chapter or not: the chapters
    of the earlier years printed it, and the chapter printing this year beside them is
    protected knowing it (:func:`cdop.report._build.plan_chapter` fixes every year's
    block). The 2022/23 chapter prints the reviews of 2022/23 within 12 months of
    notification, a later chapter only their bands: the block of a later year that did
    not know that count could leave a hidden count of its own narrowed in the chapter."""
    keys = [k for k in counts.keys if single_year(k) == label]
    ties = [k for k in counts.explicit_keys() if single_year(k) != label]
    tied = set(ties)
    ties += [k for k in counts.keys if k in fixed and k not in tied and single_year(k) != label]
    elsewhere = [k for k in fixed if k not in counts and single_year(k) != label]
    # every tie is taken in (an identity is kept only with all its counts), then those
    # decided before are fixed as they were decided
    block = counts.subset(keys, known=ties)
    for key in (*keys, *ties, *elsewhere):
        if key in fixed:
            value, hidden = fixed[key]
            block.fix(key, value, hidden=hidden)
    _room_for_next_year(block, counts, label)
    return block


def _room_for_next_year(block: LinkedCounts, counts: LinkedCounts, label: str) -> None:
    """Leave room in the block of year ``label`` for the counts of the year after.

    Some inequalities tie a year's counts to the year before's: the cases open more than
    12 months at a year end, with the reviews of the year that took more than 12 months,
    are at most the cases open a year before. The year after is decided on its own,
    later, with this year's counts fixed as this block decides them: if a reader could
    then tell that this year's open cases are at most 6, next year's two counts, hidden
    and each at least 1, would each be at most 5, whatever next year hides.

    So each such inequality the chapter of ``label`` declares towards the year after
    (:meth:`cdop.disclosure.LinkedCounts.bound_ahead`) is declared in the block, with
    hidden stand-ins in place of next year's counts: 1 each (as many as this year's
    counts allow, then 0), the worst case for next year. Protecting the stand-ins keeps
    enough room. They are printed nowhere, are not counts of any year, and are never
    reported as unprotectable (:func:`protect_year`): next year's block answers for
    next year. The first year the data cover gets room too, though its chapter prints
    no year before it."""
    after = financial_label(int(label[:4]) + 1)
    for terms, why in counts.ahead():
        now = {k: c for k, c in terms if single_year(k) == label}
        later = [(k, c) for k, c in terms if single_year(k) == after]
        if (
            len(now) + len(later) != len(terms)
            or not now
            or not later
            or any(c > 0 or k not in block for k, c in now.items())
            or any(c < 0 for _, c in later)
        ):
            continue  # next year's counts on the greater side: no worst case
        room = -sum(c * block.value(k) for k, c in now.items())
        shifted = dict(now)
        for key, coefficient in later:
            stand_in = CellKey(f"{_AHEAD}{key.label()}")
            value = 1 if room >= coefficient else 0
            room -= coefficient * value
            block.fix(stand_in, value, hidden=True)
            shifted[stand_in] = coefficient
        block.bound(shifted, why=f"{why} (the year after)")


def protect_year(block: LinkedCounts, rules: DisclosureRules) -> Protection:
    """The protection of a year's block (:func:`year_register`), an error when it leaves
    a count of the block unprotectable; the stand-ins for the year after are not counts
    of the block, and are left out of its ``unprotectable``."""
    protection = block.protect(rules)
    kept = tuple(k for k in protection.unprotectable if not k.measure.startswith(_AHEAD))
    return safe(dataclasses.replace(protection, unprotectable=kept))


def window_register(counts: LinkedCounts, window: frozenset[str]) -> LinkedCounts:
    """The counts of a pooled ``window`` in a chapter's register ``counts``, other counts
    tied to them taken as known to the reader (the cautious assumption)."""
    keys = [k for k in counts.keys if k.levels(DIM.YEAR) == window]
    known = [k for k in counts.explicit_keys() if k.levels(DIM.YEAR) != window]
    return counts.subset(keys, known=known)


def tied_years(registers: Iterable[LinkedCounts], year: int) -> list[int]:
    """The earlier financial years (start years) whose counts the registers tie to
    others (declared identities), oldest first."""
    return sorted(
        {
            int(other[:4])
            for counts in registers
            for key in counts.explicit_keys()
            if (other := single_year(key)) is not None and int(other[:4]) < year
        }
    )


def _block(source: Context, label: str, fixed: Published | None = None) -> Published:
    """The counts of year ``label`` in ``source`` (the chapter of that year), protected
    on their own (see :func:`year_register`)."""
    counts = source.counts
    protection = protect_year(year_register(counts, label, fixed or {}), source.disclosure.rules)
    return {
        k: (counts.value(k), protection.hidden(k)) for k in counts.keys if single_year(k) == label
    }


def year_blocks(
    ctx: Context, sections: Sequence[SectionSpec], *, windows: bool = True
) -> Published:
    """The year block of every financial year the chapter prints and, with ``windows``,
    the window block of every fixed pooled window it prints (see the module)."""
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
        out.update(_year_block(ctx, int(label[:4]), sections))
    if windows:
        out.update(_window_blocks(ctx, sections, out))
    return out


def _window_blocks(ctx: Context, sections: Sequence[SectionSpec], years: Published) -> Published:
    """The window block of every fixed pooled window the chapter prints (``years``: the
    chapter's year blocks)."""
    out: Published = {}
    for window in pooled_windows(ctx):
        memo = _memo(ctx, window, sections)
        cached = _BLOCKS.get(memo)
        if cached is not None and cached[0] is ctx.ds:
            out.update(cached[1])
            continue
        end = int(max(window)[:4])
        if end == ctx.year:
            source, blocks = ctx, years
        else:
            source = _window_year(ctx, end, sections)
            blocks = year_blocks(source, sections, windows=False)
        found = _window_block(source, window, blocks)
        if _WITHHELD in found:
            found = _lighter(ctx, source, window, blocks, sections) or found
        out.update(_remember(memo, ctx.ds, found))
    for marker in [k for k in out if k.measure in _MARKERS]:
        del out[marker]
    return out


def _lighter(
    ctx: Context,
    source: Context,
    window: frozenset[str],
    years: Published,
    sections: Sequence[SectionSpec],
) -> Published | None:
    """The block of a pooled ``window`` that would hide counts its years' blocks show
    (``source``: the chapter of the window's last year, every table printed), decided
    again without some sections' window tables, as few as will do (None when even
    leaving out every section's does not: the whole window is then withheld).

    The sections are chosen by :func:`least_left_out`, the one printing fewest counts of
    the window first. The block found is marked with the sections left out, so every
    chapter printing the window leaves them out."""
    planned = [s for s in sections if not s.restates]
    printed = window_printed(source, planned, window)
    end = int(max(window)[:4])
    tried: dict[frozenset[str], Published] = {}

    def without(left_out: frozenset[str]) -> Published:
        found = tried.get(left_out)
        if found is None:
            trial = _planned(ctx, end, planned, withheld=left_out)
            found = tried[left_out] = _window_block(trial, window, years)
        return found

    chosen = least_left_out(printed, lambda left_out: _WITHHELD not in without(left_out))
    if chosen is None:
        return None
    found = dict(without(chosen))
    for section in chosen:
        found[_left_out(section)] = (0, True)
    return found


def window_printed(
    chapter: Context, sections: Sequence[SectionSpec], window: frozenset[str]
) -> dict[str, int]:
    """How many counts of the pooled ``window`` each of ``sections`` (those that do not
    restate others) registered first in ``chapter``, in the sections' order: what
    :func:`least_left_out` weighs."""
    return {
        s.id: sum(1 for k in chapter.registered_by(s.id) if k.levels(DIM.YEAR) == window)
        for s in sections
        if not s.restates
    }


def least_left_out(
    printed: Mapping[str, int], publishable: Callable[[frozenset[str]], bool]
) -> frozenset[str] | None:
    """The sections whose window tables to leave out so that a pooled window can be
    published beside its years' counts (``publishable``, asked of a set of sections left
    out), as few as will do; None when leaving out all of them does not do.

    ``printed``: each section's number of counts of the window, in the chapter's order
    (sections printing none are not tried). They are tried from the one printing fewest
    (the least lost) to the most, in the chapter's order when equal: first one section
    alone; otherwise sections are left out in that order until the window can be
    published, then each put back (the most printed first) whose tables it can keep.
    Each set is asked once.

    Examples
    --------
    >>> sorted(least_left_out({"a": 2, "b": 5, "c": 1}, lambda out: {"a", "b"} <= out) or ())
    ['a', 'b']
    """
    ranked = sorted((n, i, section) for i, (section, n) in enumerate(printed.items()) if n)
    order = [section for _, _, section in ranked]
    answers: dict[frozenset[str], bool] = {}

    def ask(left_out: frozenset[str]) -> bool:
        if left_out not in answers:
            answers[left_out] = publishable(left_out)
        return answers[left_out]

    for section in order:  # one section, the least lost first
        if ask(frozenset({section})):
            return frozenset({section})
    left_out: frozenset[str] = frozenset()
    for section in order:
        left_out |= {section}
        if ask(left_out):
            break
    else:
        return None
    for section in sorted(left_out, key=order.index, reverse=True):
        fewer = left_out - {section}
        if fewer and ask(fewer):
            left_out = fewer
    return left_out


def _left_out(section: str) -> CellKey:
    """The marker of a section whose window tables are left out (see :func:`_lighter`)."""
    return CellKey.of(_LEFT_OUT, section=section)


def window_withheld(ctx: Context, sections: Sequence[SectionSpec]) -> bool | frozenset[str]:
    """Whether the fixed pooled window ``ctx`` prints cannot be published beside the
    counts of its years as every chapter prints them (their year blocks).

    A year's block is decided when its chapter is published, before the window holding it
    exists. The window's tables break its years' counts down further (category by age
    group, by modifiable factors), and a hidden cell there tells a reader that it is at
    least 1, which can narrow a count the year's block hid. When the window's block can
    protect its counts only by hiding counts its years' blocks show, the chapters before
    have printed them: the window's tables are left out instead, by every chapter that
    would print them (the verdict is the window block's, decided once)."""
    if not ctx.disclosure.suppress:
        return False
    window = frozenset(ctx.pooled_years)
    cached = _BLOCKS.get(_memo(ctx, window, sections))
    if cached is None or cached[0] is not ctx.ds:
        year_blocks(ctx, sections)
        cached = _BLOCKS.get(_memo(ctx, window, sections))
    if cached is None:
        return False
    if _WITHHELD in cached[1]:
        return True
    left_out = frozenset(
        section
        for key in cached[1]
        if key.measure == _LEFT_OUT
        for section in key.levels("section") or ()
    )
    return left_out or False


def _memo(ctx: Context, what: object, sections: Sequence[SectionSpec]) -> tuple[object, ...]:
    """The key of something worked out for ``ctx``'s chapters (see ``_BLOCKS``)."""
    return (
        id(ctx.ds),
        what,
        ctx.disclosure,
        tuple(s.id for s in sections),
        ctx.area,
        ctx.years_shown,
        ctx.pool,
        ctx.settings,
    )


def _remember(memo: tuple[object, ...], ds: Dataset, found: Published) -> Published:
    if len(_BLOCKS) >= _MAX_CACHED:
        _BLOCKS.clear()
    _BLOCKS[memo] = (ds, found)
    return found


def _year_block(ctx: Context, year: int, sections: Sequence[SectionSpec]) -> Published:
    """The year block of ``year``, decided from the chapter of that year.

    Counts of a year are tied to counts of the years before (the cases open at the end of
    a year are those open a year before, plus the deaths notified, less the reviews
    completed), and a chapter prints several years. A block that took the year before's
    counts as known to the reader would protect its own counts but not those: if the
    year before's block hid its open cases, this year's counts shown could give them
    back. So the block of a year is decided with the counts of earlier years it is tied
    to fixed as their own blocks decided them, and those blocks in turn, back to the
    first year the data cover: a year's block then depends on that year and the years
    before it alone, and every chapter decides it alike. Blocks are kept per process (by
    dataset, year and settings).
    """
    memo = _memo(ctx, year, sections)
    cached = _BLOCKS.get(memo)
    if cached is not None and cached[0] is ctx.ds:
        return cached[1]
    source = ctx if year == ctx.year else _earlier_year(ctx, year, sections)
    earlier: Published = {}
    for before in tied_years([source.counts], year):
        earlier.update(_year_block(ctx, before, sections))
    return _remember(memo, ctx.ds, _block(source, financial_label(year), earlier))


def pooled_windows(ctx: Context) -> list[frozenset[str]]:
    """The fixed pooled windows of financial years (see ``Context.pooled_years``) the
    chapter prints counts of."""
    found: set[frozenset[str]] = set()
    for key in ctx.counts.keys:
        levels = key.levels(DIM.YEAR)
        if levels is None or len(levels) != ctx.pool or not all(map(is_financial_label, levels)):
            continue
        end = max(int(label[:4]) for label in levels)
        fixed = (end - POOL_ANCHOR - (ctx.pool - 1)) % ctx.pool == 0
        if fixed and levels == {financial_label(y) for y in range(end - ctx.pool + 1, end + 1)}:
            found.add(levels)
    return sorted(found, key=sorted)


def _window_block(source: Context, window: frozenset[str], years: Published) -> Published:
    """The counts of a pooled window, decided from the chapter of its last year with the
    year blocks of the window's years fixed as every chapter prints them.

    A pooled count is the sum of its years' counts; the window is decided knowing which
    of those each chapter shows (a window shown beside two shown years of three, the
    third hidden, would give the third away). Counts of earlier years tied to the
    window's are fixed as their own blocks decided them too (a count hidden there stays
    protected, and is not taken as known). Other counts tied to the window are taken as
    known to the reader (the cautious assumption)."""
    counts = source.counts
    block = window_register(counts, window)
    for key, (value, hidden) in years.items():
        # the window's years, and the counts of earlier years tied to the window's
        # counts: every chapter printing the window prints them as their blocks decided
        if single_year(key) in window or key in block:
            block.fix(key, value, hidden=hidden)
    protection = block.protect(source.disclosure.rules)
    found = {
        k: (counts.value(k), protection.hidden(k))
        for k in block.keys
        if k.levels(DIM.YEAR) == window
    }
    if protection.unprotectable or any(
        not hidden and protection.hidden(k) for k, (_, hidden) in years.items() if k in block
    ):
        found[_WITHHELD] = (0, True)
    return found


def _planned(
    ctx: Context,
    year: int,
    sections: Sequence[SectionSpec],
    *,
    withheld: frozenset[str] = frozenset(),
) -> Context:
    """The chapter of ``year`` with ``ctx``'s settings, ``sections`` planned (the window
    tables of the sections ``withheld`` left out)."""
    source = Context(
        ds=ctx.ds,
        year=year,
        disclosure=ctx.disclosure,
        years_shown=ctx.years_shown,
        pool=ctx.pool,
        area=ctx.area,
        settings=ctx.settings,
        window_withheld=withheld,
        _inputs=ctx._inputs,
    )
    plan_sections(source, sections)
    return source


def _window_year(ctx: Context, year: int, sections: Sequence[SectionSpec]) -> Context:
    """The chapter of an earlier ``year`` planned for the counts of its pooled window:
    every section but those that only restate others' counts."""
    return _planned(ctx, year, [s for s in sections if not s.restates])


def _earlier_year(ctx: Context, year: int, sections: Sequence[SectionSpec]) -> Context:
    """The chapter of an earlier ``year`` planned for its counts of that year.

    Sections that only restate counts of others, or print pooled counts only, add
    nothing to a year's counts and are not planned. They may still declare the levels of
    a characteristic that a count of the year is split by (so that its levels add up to
    a total); if the chapter declares levels the plan without them lacks, the year is
    planned again with every section.
    """
    source = _planned(ctx, year, [s for s in sections if not (s.restates or s.pooled)])
    label = financial_label(year)
    split_by = {
        dim for key in source.counts.keys if single_year(key) == label for dim, _ in key.dims
    }
    declared = source.counts.declared()
    if any(dim in ctx.counts.declared() and dim not in declared for dim in split_by):
        source = _planned(ctx, year, [s for s in sections if not s.restates])
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
                "chapter written by cdop report with its CSV tables (every format, or "
                "--format including csv): what it hid is read from them"
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
        if not shown:
            raise CdopArgumentError(
                f"previous: {tables} holds no table of counts cdop wrote, so what the "
                "earlier chapter hid cannot be read; give the folder as cdop report wrote it"
            )
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
    try:
        text = chapter.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CdopArgumentError(
            f"previous: {chapter} cannot be read as a chapter cdop wrote ({exc})"
        ) from exc
    for line in text.splitlines()[:3]:
        if "annual report" in line:
            label = line.rsplit(" ", 1)[-1]
            year = label[:4]
            if year.isascii() and year.isdigit() and financial_label(int(year)) == label:
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
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # pandas' ParserError too
            raise CdopArgumentError(
                f"previous: {path} cannot be read as a table cdop wrote ({exc}); give the "
                "folder of an earlier chapter as cdop report wrote it"
            ) from exc
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
