"""activity(): notifications, reviews and open cases per year, worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import build, sample_dataset, small_dataset

import cdop
from cdop.analytics import ACTIVITY_COLUMNS, activity
from cdop.errors import CdopArgumentError


@pytest.fixture
def small() -> cdop.Dataset:
    return small_dataset()


@pytest.fixture
def sample() -> cdop.Dataset:
    return sample_dataset()


def test_activity_by_hand(small: cdop.Dataset) -> None:
    out = activity(small)
    assert out.columns.tolist() == ["year", "period", *ACTIVITY_COLUMNS]
    expected = pd.DataFrame(
        {
            "year": [2021, 2022, 2023, 2024],
            "period": ["2021/22", "2022/23", "2023/24", "2024/25"],
            "open_at_start": [0, 0, 5, 4],
            "notifications": [2, 7, 4, 0],
            "reviews": [2, 2, 5, 2],
            "open_at_end": [0, 5, 4, 2],
            # 2022/23: A03, A04 open 350 days, A07 181, A08 and A09 0 (notified on 31 March).
            # 2023/24: A12 30, A13 31, A10 365, A09 366 (29 February 2024 in between).
            # 2024/25: A10 730, A09 731.
            "open_median_days": [np.nan, 181.0, 198.0, 730.5],
            # Complete months at the year end: 2022/23 A03, A04 11; A07 5; A08, A09 0.
            # 2023/24: A09 12, A10 11, A12 0, A13 1. 2024/25: A09 24, A10 23.
            "open_under_6_months": [0, 3, 2, 0],
            "open_6_to_12_months": [0, 2, 2, 0],
            "open_over_12_months": [0, 0, 0, 2],
        }
    )
    got = out.assign(period=out["period"].astype(str))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert out["period"].cat.ordered and out["year"].dtype == "int64"


def test_activity_calendar_years(small: cdop.Dataset) -> None:
    out = activity(small, period="calendar")
    assert out["period"].tolist() == ["2022", "2023", "2024", "2025"]
    assert out["year"].tolist() == [2022, 2023, 2024, 2025]
    # 2022: A01-A07 notified; A01, A02, A05 reviewed. 2023: A08-A10 notified; A06, A03,
    # A07, A08, A04 reviewed. 2024: A11-A13 notified, A11 reviewed. 2025: A12, A13 reviewed.
    assert out["notifications"].tolist() == [7, 3, 3, 0]
    assert out["reviews"].tolist() == [3, 5, 1, 2]
    assert out["open_at_end"].tolist() == [4, 2, 4, 2]


def test_activity_years_selection_carries_forward(small: cdop.Dataset) -> None:
    out = activity(small, years=["2023/24", 2024, "2025/26"])
    assert out["period"].tolist() == ["2023/24", "2024/25", "2025/26"]
    assert out["open_at_start"].tolist() == [5, 4, 2]
    assert out["open_at_end"].tolist() == [4, 2, 2]


def test_activity_by_area_full_grid(small: cdop.Dataset) -> None:
    out = activity(small, by="residence_area")
    assert out.columns[:2].tolist() == ["residence_area", "year"]
    # North, South and a missing level (residence_area is optional), four years each.
    assert len(out) == 12
    assert out["residence_area"].iloc[:4].tolist() == ["North"] * 4
    assert out["residence_area"].iloc[8:].isna().all()
    assert out["notifications"].tolist() == [2, 5, 0, 0, 0, 2, 4, 0, 0, 0, 0, 0]
    totals = out.groupby("year", observed=True)[list(ACTIVITY_COLUMNS[:4])].sum()
    whole = activity(small).set_index("year")[list(ACTIVITY_COLUMNS[:4])]
    pd.testing.assert_frame_equal(
        totals, whole, check_dtype=False, check_index_type=False, check_categorical=False
    )


def test_activity_reconciles_on_sample(sample: cdop.Dataset) -> None:
    out = activity(sample)
    per_year = cdop.analytics.period_labels(sample.notifications["date_notified"])
    counts = per_year.value_counts(sort=False)
    assert out["notifications"].tolist() == counts.reindex(out["period"]).tolist()
    assert out["reviews"].sum() == len(sample.reviews)
    flow = out["open_at_start"] + out["notifications"] - out["reviews"]
    assert (flow == out["open_at_end"]).all()
    assert (out["open_at_start"].iloc[1:].to_numpy() == out["open_at_end"].iloc[:-1]).all()
    bands = out[["open_under_6_months", "open_6_to_12_months", "open_over_12_months"]]
    assert (bands.sum(axis=1) == out["open_at_end"]).all()


def test_activity_arguments(small: cdop.Dataset) -> None:
    with pytest.raises(CdopArgumentError, match="`by` names column 'category'"):
        activity(small, by="category")
    with pytest.raises(CdopArgumentError, match="`years`"):
        activity(small, years="2023")
    with pytest.raises(CdopArgumentError, match="`panel_year`"):
        activity(small, panel_year="yes")  # type: ignore[arg-type]


def test_no_years_gives_empty_tables_with_the_columns(small: cdop.Dataset) -> None:
    assert activity(small, years=[]).columns.tolist() == ["year", "period", *ACTIVITY_COLUMNS]
    assert cdop.analytics.review_durations(small, years=[]).empty
    out = cdop.analytics.breakdown(small, "sex", years=[], by="residence_area")
    assert out.columns.tolist()[:4] == ["residence_area", "year", "period", "sex"]
    assert out.empty


@pytest.mark.parametrize(
    ("notified", "band"),
    [
        ("2022-03-31", "open_6_to_12_months"),  # open 12 months to the day at 31 Mar 2023
        ("2022-03-15", "open_over_12_months"),  # 12 months and 16 days
        ("2022-10-01", "open_under_6_months"),  # a day short of 6 months
    ],
)
def test_open_over_12_months_is_to_the_day(notified: str, band: str) -> None:
    ds = build([("Z01", notified, notified, 100, "male", "white", "North", None, None, None)])
    out = activity(ds, years=["2022/23"])
    cols = ["open_under_6_months", "open_6_to_12_months", "open_over_12_months"]
    assert {c: int(out[c].iloc[0]) for c in cols} == {c: int(c == band) for c in cols}
