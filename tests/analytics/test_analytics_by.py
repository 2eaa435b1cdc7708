"""``by``: one vectorised pass whose rows for an area equal the area run alone; invariants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import area_dataset, build, sample_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cdop
from cdop import analytics as an


@pytest.fixture
def sample() -> cdop.Dataset:
    return sample_dataset()


AREA = "residence_area"

CASES: list[tuple[str, Callable[..., pd.DataFrame]]] = [
    ("activity", lambda ds, **kw: an.activity(ds, **kw)),
    ("durations", lambda ds, **kw: an.review_durations(ds, **kw)),
    ("durations_national", lambda ds, **kw: an.review_durations(ds, "national", **kw)),
    ("timeliness", lambda ds, **kw: an.review_timeliness(ds, **kw)),
    ("sex", lambda ds, **kw: an.breakdown(ds, "sex", **kw)),
    ("category_age", lambda ds, **kw: an.breakdown(ds, ["category", "age_group"], **kw)),
    (
        "quintile_notified",
        lambda ds, **kw: an.breakdown(ds, "imd_quintile", basis="notifications", **kw),
    ),
]


def _rows_of(out: pd.DataFrame, area: str) -> pd.DataFrame:
    rows = out[out[AREA] == area].drop(columns=[AREA]).reset_index(drop=True)
    return rows.assign(period=rows["period"].astype(str))


def _alone(out: pd.DataFrame) -> pd.DataFrame:
    return out.reset_index(drop=True).assign(period=out["period"].astype(str))


@pytest.mark.parametrize(("name", "func"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("area", ["Northmoor", "Southvale"])
def test_by_area_equals_area_alone(
    sample: cdop.Dataset, name: str, func: Callable[..., pd.DataFrame], area: str
) -> None:
    alone_ds = area_dataset(sample, area)
    years = list(an.activity(sample)["period"].astype(str))
    grouped = func(sample, by=AREA, years=years)
    alone = func(alone_ds, years=years)
    pd.testing.assert_frame_equal(
        _rows_of(grouped, area), _alone(alone), check_dtype=False, check_categorical=False
    )


@pytest.mark.parametrize("area", ["Northmoor", "Southvale"])
def test_mortality_by_area_equals_area_alone(sample: cdop.Dataset, area: str) -> None:
    alone_ds = area_dataset(sample, area)
    pairs = [
        (an.infant_mortality(sample, by=[AREA, "imd_quintile"]), an.infant_mortality(alone_ds)),
        (
            an.infant_mortality(sample, by=AREA, pool=3, period="financial"),
            an.infant_mortality(alone_ds, by=None, pool=3, period="financial"),
        ),
        (
            an.child_mortality(sample, by=[AREA, "age_group"]),
            an.child_mortality(alone_ds, by="age_group"),
        ),
    ]
    for grouped, alone in pairs:
        pd.testing.assert_frame_equal(
            _rows_of(grouped, area), _alone(alone), check_dtype=False, check_categorical=False
        )


def test_inputs_are_not_mutated(sample: cdop.Dataset) -> None:
    before = {
        t: getattr(sample, t).copy() for t in ("notifications", "reviews", "births", "population")
    }
    an.activity(sample, by=AREA)
    an.review_durations(sample, by=AREA)
    an.breakdown(sample, ["category", "age_group"], by=AREA)
    an.infant_mortality(sample, by=[AREA, "imd_quintile"], pool=3)
    an.child_mortality(sample, by="age_group")
    for name, table in before.items():
        pd.testing.assert_frame_equal(getattr(sample, name), table)


# --------------------------------------------------------------------------- properties

_START = dt.date(2019, 1, 1)


@st.composite
def _cases(draw: st.DrawFn) -> list[tuple[object, ...]]:
    size = draw(st.integers(min_value=1, max_value=25))
    cases: list[tuple[object, ...]] = []
    for i in range(size):
        death = _START + dt.timedelta(days=draw(st.integers(0, 4 * 365)))
        notified = death + dt.timedelta(days=draw(st.integers(0, 10)))
        reviewed = draw(st.one_of(st.none(), st.integers(0, 800)))
        review = None if reviewed is None else notified + dt.timedelta(days=reviewed)
        if review is not None and review >= dt.date(2025, 12, 31):
            review = None
        cases.append(
            (
                f"H{i:03d}",
                death.isoformat(),
                notified.isoformat(),
                draw(st.integers(0, 6574)),
                draw(st.sampled_from(["male", "female", "not_stated"])),
                draw(st.sampled_from(["white", "asian", "not_stated"])),
                draw(st.sampled_from(["North", "South"])),
                None if review is None else review.isoformat(),
                None if review is None else draw(st.integers(1, 10)),
                None if review is None else draw(st.sampled_from(["yes", "no"])),
            )
        )
    return cases


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases())
def test_counts_reconcile(cases: list[tuple[object, ...]]) -> None:
    ds = build(cases)
    years = list(range(2018, 2027))
    act = an.activity(ds, by=AREA, years=years)
    assert act["notifications"].sum() == len(ds.notifications)
    assert act["reviews"].sum() == len(ds.reviews)
    flow = act["open_at_start"] + act["notifications"] - act["reviews"]
    assert (flow == act["open_at_end"]).all()
    open_bands = act[["open_under_6_months", "open_6_to_12_months", "open_over_12_months"]]
    assert (open_bands.sum(axis=1) == act["open_at_end"]).all()
    dur = an.review_durations(ds, by=AREA, years=years)
    assert dur["numerator"].sum() == len(ds.reviews)
    per_year = dur.groupby([AREA, "year"], observed=True, dropna=False)
    assert (per_year["numerator"].sum() == per_year["denominator"].first()).all()
    pct = per_year["value"].sum()
    assert np.allclose(pct[per_year["denominator"].first() > 0], 100)
    assert (
        (dur["lower_ci"] <= dur["value"]) & (dur["value"] <= dur["upper_ci"]) | dur["value"].isna()
    ).all()
    t = an.review_timeliness(ds, years=years)
    assert (t["within_6_months"] <= t["within_12_months"]).all()
    national = an.review_durations(ds, "national", years=years)
    over = national[national["band"] == "Over 12 months"]["numerator"].to_numpy()
    assert (t["within_12_months"].to_numpy() + over == t["reviews"].to_numpy()).all()
    for variables in ("sex", ["modifiable_factors", "category"]):
        b = an.breakdown(ds, variables, years=years)
        assert b["numerator"].sum() == len(ds.reviews)
    for area in ("North", "South"):
        rows = _rows_of(act, area)
        sub = [c for c in cases if c[6] == area]
        if sub:
            alone = an.activity(build(sub), years=years)
            pd.testing.assert_frame_equal(
                rows, _alone(alone), check_dtype=False, check_categorical=False
            )
