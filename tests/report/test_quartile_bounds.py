"""The median and quartiles of the time from death to review are printed only where they
tell a reader nothing more about a hidden count by band.

A hand-made year: 16 reviews, 2 of them within 6 months of the death (90 days each) and
14 between 213 and 330 days. The lower quartile, by linear interpolation, lies between
the 4th and 5th durations (h = 15 x 0.25 = 3.75): 220 + 0.75 x (230 - 220) = 227.5 days,
7.5 months, so a reader of the printed 7.5 knows at most ceil(3.75) = 4 reviews took
less than 6 months. With the 2 hidden beside the 14 and the 16 printed, that reader
narrows the 2 to 1-4: the attacker below, written in the test with scipy's integer
programming, finds it from the printed numbers and that bound alone.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pytest
from report_fixtures import protection_hiding
from scipy.optimize import Bounds, LinearConstraint, milp

import cdop
from cdop.disclosure import CellKey
from cdop.report._tables import Disclosure
from cdop.report.sections import Context
from cdop.report.sections._base import MEASURE
from cdop.report.sections.progress import (
    DAYS_PER_MONTH,
    DEATH_BANDS,
    FROM_DEATH,
    _quartiles_add_nothing,
)

DAYS = np.array([90, 90, 213, 220, 230, 240, 250, 260, 270, 280, 290, 300, 310, 315, 320, 330])


def _record(days: np.ndarray) -> dict[str, object]:
    q1, median, q3 = np.quantile(days, [0.25, 0.5, 0.75])  # linear interpolation
    return {"reviews": len(days), "q1_days": q1, "median_days": median, "q3_days": q3}


def _year(values: list[int], hidden: Iterable[int]) -> tuple[Context, CellKey, list[CellKey]]:
    """A chapter's counts of 2024/25 by band (``values``, adding up to the year's
    reviews), the bands ``hidden`` hidden (by index; -1: the year's reviews) as
    disclosure control would have hidden them."""
    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    total = ctx.key(MEASURE.REVIEWED, year="2024/25")
    bands = [total.having(FROM_DEATH, [band.label]) for band in DEATH_BANDS]
    ctx.counts.universe(FROM_DEATH, [band.label for band in DEATH_BANDS])
    ctx.count(total, sum(values), "table review_time_from_death: Total reviews / 2024/25")
    for key, value, band in zip(bands, values, DEATH_BANDS, strict=True):
        ctx.count(key, value, f"table review_time_from_death: {band.label} / 2024/25")
    chosen = [total if i == -1 else bands[i] for i in hidden]
    ctx._state["protection"] = protection_hiding(ctx.counts, chosen)
    return ctx, total, bands


def test_the_hand_made_year() -> None:
    record = _record(DAYS)
    assert record["q1_days"] == pytest.approx(227.5)  # the docstring's hand calculation
    months = np.floor(DAYS / DAYS_PER_MONTH)  # complete months, near enough here
    values = [
        int(((months >= b.min_months) & (months <= (b.max_months or 99))).sum())
        for b in DEATH_BANDS
    ]
    assert values == [2, 14, 0, 0, 0]


def _reader_range(bound: bool) -> tuple[int, int]:
    """The least and greatest the reader finds for the hidden 2 ('less than 6 months'),
    the 14 hidden beside it and the 16 and the zeros printed: whole numbers of at least
    1 adding up to 16, and, from the printed lower quartile, at most 4 (``bound``)."""
    found = []
    for sign in (1.0, -1.0):
        rows, low, high = [[1.0, 1.0]], [16.0], [16.0]
        if bound:
            rows.append([1.0, 0.0])
            low.append(-np.inf)
            high.append(4.0)
        result = milp(
            np.array([sign, 0.0]),
            constraints=LinearConstraint(np.array(rows), low, high),
            integrality=np.ones(2, dtype=np.int64),
            bounds=Bounds([1.0, 1.0], [16.0, 16.0]),
        )
        assert result.status == 0
        found.append(round(float(result.x[0])))
    return found[0], found[1]


def test_quartiles_that_narrow_a_hidden_band_are_not_printed() -> None:
    # the reader with the quartiles narrows the 2 to 1-4; without them, 1-15
    assert _reader_range(bound=True) == (1, 4)
    assert _reader_range(bound=False) == (1, 15)
    ctx, total, _ = _year([2, 14, 0, 0, 0], hidden=[0, 1])
    assert not _quartiles_add_nothing(ctx, total, _record(DAYS))


def test_quartiles_beside_printed_bands_are_printed() -> None:
    ctx, total, _ = _year([2, 14, 0, 0, 0], hidden=[])
    assert _quartiles_add_nothing(ctx, total, _record(DAYS))


def test_quartiles_far_from_the_hidden_bands_are_printed() -> None:
    """The sample's 2024/25 shape: the bands from 12 months hidden, every quartile below
    12 months. The boundaries next to the quartiles (6 and 12) have every band below
    them printed; the bound at 18 (at least 12 of 16 under 18 months) follows from that
    at 12 (a band holds no fewer than 0)."""
    days = np.array(
        [100, 120, 150, 170, 190, 200, 210, 220, 230, 240, 250, 260, 280, 400, 600, 800]
    )
    record = _record(days)
    assert max(record["q3_days"], record["q1_days"]) < 12 * DAYS_PER_MONTH - 10  # type: ignore[call-overload]
    ctx, total, _ = _year([4, 9, 1, 1, 1], hidden=[2, 3, 4])
    assert _quartiles_add_nothing(ctx, total, record)
    # the reviews from 12 months follow from the year's reviews too: hidden, they do not
    ctx, total, _ = _year([4, 9, 1, 1, 1], hidden=[1, 2])
    assert not _quartiles_add_nothing(ctx, total, record)


def test_a_quartile_near_a_boundary_counts_for_both_sides() -> None:
    """A lower quartile of 6.05 months (184 days): the durations next to it may be either
    side of 6 complete months, so a reader may take it as above 6 and bound the reviews
    below 12 months from below; those must be printed too. The median (20.5 months) and
    upper quartile (21.8) are next to 18 and 24, whose reviews below follow from the
    printed bands from 18 months and the year's reviews."""
    days = np.array([60, 90, 120, 184, 184, 600, 610, 620, 630, 640, 650, 660, 670, 680, 690, 700])
    record = _record(days)
    assert abs(record["q1_days"] / DAYS_PER_MONTH - 6.05) < 0.01  # type: ignore[operator]
    assert 18 < record["median_days"] / DAYS_PER_MONTH < 24  # type: ignore[operator]
    ctx, total, _ = _year([3, 2, 0, 11, 0], hidden=[])
    assert _quartiles_add_nothing(ctx, total, record)
    # the 2 and the 11 hidden: a reader knows they add up to 13, each 1 to 12. The lower
    # quartile adds nothing (at least 4 below 12 months: 3 + at least 1), but the median
    # of 20.5 months says at most ceil(7.5) = 8 reviews took less than 18 months, so the
    # hidden 2 is at most 5: not printed.
    ctx, total, _ = _year([3, 2, 0, 11, 0], hidden=[1, 3])
    assert not _quartiles_add_nothing(ctx, total, record)
    ctx, total, _ = _year([3, 2, 0, 11, 0], hidden=[2, 3])  # below 12 printed, 18 not
    assert not _quartiles_add_nothing(ctx, total, record)


def _band_values(days: np.ndarray) -> list[int]:
    months = np.floor(days / DAYS_PER_MONTH)  # complete months, near enough here
    return [
        int(((months >= b.min_months) & (months <= (b.max_months or 99))).sum())
        for b in DEATH_BANDS
    ]


def _range_of_first_band(bounds: list[tuple[list[float], float, float]]) -> tuple[int, int]:
    """The least and greatest a reader finds for the hidden reviews under 6 months (x0)
    beside the hidden 6 to 12 months (x1), the printed 11 from 12 to 18 months, zeros
    above and 16 in all: x0 + x1 = 5, each at least 1; ``bounds`` adds the quartiles'
    bounds as rows over (x0, x1) with their least and greatest sums."""
    found = []
    for sign in (1.0, -1.0):
        rows, low, high = [[1.0, 1.0]], [5.0], [5.0]
        for row, lo, hi in bounds:
            rows.append(row)
            low.append(lo)
            high.append(hi)
        result = milp(
            np.array([sign, 0.0]),
            constraints=LinearConstraint(np.array(rows), low, high),
            integrality=np.ones(2, dtype=np.int64),
            bounds=Bounds([1.0, 1.0], [np.inf, np.inf]),
        )
        assert result.status == 0
        found.append(round(float(result.x[0])))
    return found[0], found[1]


def test_quartiles_whose_bounds_the_reader_has_already_are_printed() -> None:
    """16 reviews: 2 under 6 months and 3 from 6 to 12, both hidden, 11 from 12 to 18.
    The lower quartile (h = 3.75: 250 + 0.75 x 50 = 287.5 days, 9.4 months) says at
    most 4 reviews took under 6 months and at least 4 under 12; the median (14.8) and
    upper quartile (16.8) at most 8 and 12 under 12 months and at least 9 and 13 under
    18. The number under 6 months is neither printed nor follows from printed counts,
    yet the reader knows it is 1 to 4 already (the two hidden add up to 16 - 11 = 5,
    each at least 1): the quartiles narrow nothing, and are printed. The attacker
    below, with scipy's integer programming, finds 1 to 4 with and without them."""
    days = np.array([60, 100, 200, 250, 300, 400, 420, 440, 460, 480, 500, 510, 520, 530, 540, 545])
    record = _record(days)
    assert record["q1_days"] == pytest.approx(287.5)
    assert _band_values(days) == [2, 3, 11, 0, 0]
    quartile_bounds = [
        ([1.0, 0.0], -np.inf, 4.0),  # lower quartile: at most 4 under 6 months
        ([1.0, 1.0], 4.0, np.inf),  # lower quartile: at least 4 under 12 months
        ([1.0, 1.0], -np.inf, 8.0),  # median: at most 8 under 12 months
        ([1.0, 1.0], -np.inf, 12.0),  # upper quartile: at most 12 under 12 months
    ]
    assert _range_of_first_band([]) == _range_of_first_band(quartile_bounds) == (1, 4)
    ctx, total, _ = _year(_band_values(days), hidden=[0, 1])
    assert _quartiles_add_nothing(ctx, total, record)
    # the same reviews with the 11 hidden as well: the reader no longer knows that the
    # two under 12 months add up to 5, and the lower quartile's "at most 4 under 6
    # months" would narrow the hidden 2
    ctx, total, _ = _year(_band_values(days), hidden=[0, 1, 2])
    assert not _quartiles_add_nothing(ctx, total, record)
