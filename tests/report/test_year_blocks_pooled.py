"""Each earlier year's counts are worked out without the sections that print pooled
counts only, with the same result as planning every section.

The year block of a financial year (:func:`cdop.report._history.year_blocks`) holds the
counts of that year a chapter prints and whether each is hidden. A section marked
``pooled`` prints no count of a single financial year, so leaving it out of an earlier
year's plan must change no block.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import cdop
from cdop.disclosure import CellKey
from cdop.report._history import _block, _earlier_year, single_year
from cdop.report._tables import Disclosure
from cdop.report.sections import SECTIONS, Context, SectionSpec
from cdop.report.sections._base import plan_sections
from cdop.sample import generate_sample


def _blocks_both_ways(ds: cdop.Dataset, year: int) -> list[tuple[dict, dict]]:
    ctx = Context(ds=ds, year=year, disclosure=Disclosure())
    chosen, _ = plan_sections(ctx, SECTIONS)
    assert any(s.pooled for s in chosen), "the test needs a pooled section planned"
    labels = sorted({label for key in ctx.counts.keys if (label := single_year(key)) is not None})
    out = []
    for label in labels:
        start = int(label[:4])
        if start == year:
            continue
        quick = _block(_earlier_year(ctx, start, chosen), label)
        full = Context(ds=ds, year=start, disclosure=Disclosure())
        plan_sections(full, [s for s in chosen if not s.restates])
        out.append((quick, _block(full, label)))
    return out


def test_the_sample_s_earlier_years_are_the_same_without_pooled_sections() -> None:
    pairs = _blocks_both_ways(cdop.load_sample(), 2024)
    assert len(pairs) >= 4
    for quick, full in pairs:
        assert quick == full
        assert quick  # a year block holds counts


@pytest.mark.parametrize("seed", [3, 17, 41])
def test_small_panels_earlier_years_are_the_same_without_pooled_sections(
    seed: int, tmp_path: Path
) -> None:
    tables = generate_sample(seed, first_year=2018, last_year=2024)
    ds = cdop.read_dataset(tables, today=dt.date(2026, 1, 1))
    for quick, full in _blocks_both_ways(ds, 2024):
        assert quick == full


def test_a_pooled_section_that_prints_a_year_s_count_is_refused() -> None:
    """The promise is checked whenever the section is planned: a section marked pooled
    that prints a count of one financial year stops the build."""

    def plan(ctx: Context) -> object:
        ctx.count(CellKey.of("reviewed", year=ctx.label), 3, "sentence: a year's count")
        return lambda: None

    spec = SectionSpec("liar", "A section that breaks its promise", plan, pooled=True)  # type: ignore[arg-type]
    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    with pytest.raises(RuntimeError, match="pooled counts only"):
        plan_sections(ctx, [spec])


def test_levels_declared_only_by_a_pooled_section_are_not_lost() -> None:
    """A section prints a year's reviews split by colour (3 red, 10 blue) and their total
    (13) without declaring the levels of colour; a pooled section declares them. With the
    levels, a reader sees red = 13 - 10, so blue is hidden too. An earlier year planned
    without the pooled section would lack the levels (and hide red alone): it is planned
    again with every section, and its block is the full plan's."""

    def split(ctx: Context) -> object:
        for colour, n in (("red", 3), ("blue", 10)):
            ctx.count(CellKey.of("reviewed", year=ctx.label, colour=colour), n, colour)
        ctx.count(CellKey.of("reviewed", year=ctx.label), 13, "total")
        return lambda: None

    def pooled(ctx: Context) -> object:
        ctx.counts.universe("colour", ["red", "blue"])
        ctx.count(CellKey.of("reviewed", year=ctx.pooled_years, colour="red"), 9, "pooled")
        return lambda: None

    sections = [
        SectionSpec("split", "By colour", split),  # type: ignore[arg-type]
        SectionSpec("pooled", "Pooled", pooled, pooled=True),  # type: ignore[arg-type]
    ]
    ds = cdop.load_sample()
    ctx = Context(ds=ds, year=2024, disclosure=Disclosure())
    plan_sections(ctx, sections)
    quick = _block(_earlier_year(ctx, 2023, sections), "2023/24")
    full = Context(ds=ds, year=2023, disclosure=Disclosure())
    plan_sections(full, sections)
    assert quick == _block(full, "2023/24")
    blue = CellKey.of("reviewed", year="2023/24", colour="blue")
    assert quick[blue] == (10, True)
