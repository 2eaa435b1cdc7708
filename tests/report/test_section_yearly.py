"""Sections take each year's analytics from one table of every year the data cover.

:meth:`Context.yearly` must give exactly what the analytics function gives for the
years asked alone (rows, their order, values, ``period`` categories), or a section's
table, and so the chapter, would change with the years its other plans asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import cdop
from cdop import analytics
from cdop.errors import CdopArgumentError
from cdop.report._tables import Disclosure
from cdop.report.sections import Context
from cdop.report.sections.durations import CHAPTER_BANDS
from cdop.report.sections.progress import DEATH_BANDS
from cdop.sample import generate_sample

CALLS: list[tuple[str, Callable[..., pd.DataFrame], tuple[Any, ...], dict[str, Any]]] = [
    ("activity", analytics.activity, (), {}),
    ("review_delays", analytics.review_delays, (), {}),
    ("review_timeliness", analytics.review_timeliness, (), {}),
    ("review_timeliness from death", analytics.review_timeliness, (), {"start": "death"}),
    ("review_durations", analytics.review_durations, (CHAPTER_BANDS,), {}),
    ("review_durations national", analytics.review_durations, ("national",), {}),
    ("review_durations from death", analytics.review_durations, (DEATH_BANDS,), {"start": "death"}),
    ("child_mortality", analytics.child_mortality, (), {}),
    ("breakdown modifiable", analytics.breakdown, ("modifiable_factors",), {}),
    (
        "breakdown category x modifiable",
        analytics.breakdown,
        (["category", "modifiable_factors"],),
        {},
    ),
    (
        "infant_mortality financial",
        analytics.infant_mortality,
        (),
        {"by": None, "period": "financial"},
    ),
]

#: Years asked for: one year, the last three, a run in the middle, the first year of the
#: data and years before it (outside the data: computed directly).
ASKED = [
    ["2024/25"],
    ["2022/23", "2023/24", "2024/25"],
    ["2019/20", "2020/21"],
    ["2017/18"],
    ["2015/16", "2016/17", "2017/18"],
]


@pytest.fixture(scope="module")
def contexts() -> list[Context]:
    sample = cdop.load_sample()
    tables = generate_sample(11, first_year=2021, last_year=2024)
    short = cdop.read_dataset(
        {k: tables[k] for k in ("notifications", "reviews")}, today=dt.date(2026, 1, 1)
    )
    # Population and births from 2019 only: the years before have deaths but no rates.
    full = generate_sample(11)
    later = {
        **full,
        "population": full["population"][full["population"]["year"] >= 2019],
        "births": full["births"][full["births"]["year"] >= 2019],
    }
    partial = cdop.read_dataset(later, today=dt.date(2026, 1, 1))
    return [
        Context(ds=sample, year=2024, disclosure=Disclosure()),
        Context(ds=short, year=2024, disclosure=Disclosure()),
        Context(ds=partial, year=2024, disclosure=Disclosure()),
    ]


@pytest.mark.parametrize(("name", "compute", "args", "kwargs"), CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("years", ASKED, ids=["+".join(y) for y in ASKED])
def test_yearly_is_the_direct_computation(
    contexts: list[Context],
    name: str,
    compute: Callable[..., pd.DataFrame],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    years: list[str],
) -> None:
    compared = 0
    for ctx in contexts:
        try:
            direct = compute(ctx.ds, *args, years=years, **kwargs)
        except CdopArgumentError:  # data it needs are not given (population, births)
            with pytest.raises(CdopArgumentError):
                ctx.yearly(compute, *args, years=years, **kwargs)
            continue
        shared = ctx.yearly(compute, *args, years=years, **kwargs)
        pd.testing.assert_frame_equal(shared, direct, check_exact=True)
        assert list(shared["period"].astype(str).unique()) == years
        compared += 1
    assert compared


def _counting(calls: list[Any]) -> Callable[..., pd.DataFrame]:
    """``analytics.review_delays``, noting the years of each call in ``calls``."""

    def counted(*args: Any, **kwargs: Any) -> pd.DataFrame:
        calls.append(kwargs.get("years"))
        return analytics.review_delays(*args, **kwargs)

    return counted


def test_yearly_shares_one_computation() -> None:
    """Two plans asking for different years put the same question to the analytics (every
    year the data cover, 2017/18 to 2024/25 in the sample), whose answer the dataset
    remembers: the second plan computes nothing new."""
    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    calls: list[Any] = []
    counted = _counting(calls)

    ctx.yearly(counted, years=["2023/24", "2024/25"])
    ctx.yearly(counted, years=["2021/22", "2022/23", "2023/24"])
    every = [f"{y}/{(y + 1) % 100:02d}" for y in range(2017, 2025)]
    assert calls == [every, every]


#: The years of each call of :func:`_counted_delays`.
_SEEN: list[Any] = []


def _counted_delays(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """``analytics.review_delays``, noting the years of each call in ``_SEEN``."""
    _SEEN.append(kwargs.get("years"))
    return analytics.review_delays(*args, **kwargs)


def test_the_same_years_are_sliced_once_and_kept_apart() -> None:
    """The chapter, its key messages and each earlier year's plan ask for the same years
    of a table again: the slice is kept by the dataset, and each caller gets a table of
    its own (changing one changes neither the kept slice nor another caller's). A
    function made inside another is not kept by its name (another made the same way
    may give other tables)."""
    ctx = Context(ds=cdop.load_sample(), year=2024, disclosure=Disclosure())
    _SEEN.clear()
    first = ctx.yearly(_counted_delays, years=["2023/24", "2024/25"])
    expected = first.copy()
    first.iloc[0, first.columns.get_loc("numerator")] = -1
    second = ctx.yearly(_counted_delays, years=["2023/24", "2024/25"])
    assert len(_SEEN) == 1
    pd.testing.assert_frame_equal(second, expected, check_exact=True)
    pd.testing.assert_frame_equal(
        second, analytics.review_delays(ctx.ds, years=["2023/24", "2024/25"]), check_exact=True
    )
    calls: list[Any] = []
    local = _counting(calls)
    ctx.yearly(local, years=["2023/24", "2024/25"])
    ctx.yearly(local, years=["2023/24", "2024/25"])
    assert len(calls) == 2
