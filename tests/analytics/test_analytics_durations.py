"""review_durations() and review_timeliness(): bands and quartiles worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import build, sample_dataset, small_dataset

import cdop
from cdop.analytics import NATIONAL_BANDS, REPORT_BANDS, review_durations, review_timeliness
from cdop.errors import CdopArgumentError
from cdop.stats import wilson_ci


@pytest.fixture
def small() -> cdop.Dataset:
    return small_dataset()


@pytest.fixture
def sample() -> cdop.Dataset:
    return sample_dataset()


REPORT = [b.label for b in REPORT_BANDS]
NATIONAL = [b.label for b in NATIONAL_BANDS]


def _one_review(notified: str, completed: str) -> cdop.Dataset:
    case = ("Z01", notified, notified, 100, "male", "white", "North", completed, 8, "no")
    return build([case])


def _table(out: pd.DataFrame) -> dict[str, list[int]]:
    """Band counts per year, in band order."""
    return {
        str(year): grp["numerator"].tolist()
        for year, grp in out.groupby("period", observed=True, sort=True)
    }


def test_report_bands_by_hand(small: cdop.Dataset) -> None:
    out = review_durations(small)
    assert out.columns.tolist() == [
        "year",
        "period",
        "band",
        "numerator",
        "denominator",
        "value",
        "lower_ci",
        "upper_ci",
        "confidence",
        "statistic",
        "method",
    ]
    assert out["band"].cat.categories.tolist() == REPORT
    assert out["band"].tolist() == REPORT * 4
    # 2021/22: A01 0, A02 1. 2022/23: A05 1, A06 5 (completed on the year end).
    # 2023/24: A03 exactly 12, A04 exactly 13, A07 6, A08 0 (31 Mar -> 30 Apr), A11 0
    # (31 Jan -> 29 Feb 2024). 2024/25: A12 11 (1 Mar -> 28 Feb), A13 12 (29 Feb -> 1 Mar).
    assert _table(out) == {
        "2021/22": [2, 0, 0, 0, 0, 0],
        "2022/23": [2, 0, 0, 0, 0, 0],
        "2023/24": [2, 1, 0, 0, 1, 1],
        "2024/25": [0, 0, 0, 1, 1, 0],
    }
    assert out["denominator"].tolist() == [2] * 6 + [2] * 6 + [5] * 6 + [2] * 6


def test_national_bands_from_death(small: cdop.Dataset) -> None:
    out = review_durations(small, "national", start="death")
    assert out["band"].tolist() == NATIONAL * 4
    # From death: A06 30 Sep -> 31 Mar is 6; A07 30 Sep -> 1 Apr is 6; A08 1; A04 13;
    # A03 10 Apr 2022 -> 15 Apr 2023 is 12 months and 5 days: over 12 months to the day.
    assert _table(out) == {
        "2021/22": [2, 0, 0],
        "2022/23": [1, 1, 0],
        "2023/24": [2, 1, 2],
        "2024/25": [0, 2, 0],
    }


def test_custom_bands(small: cdop.Dataset) -> None:
    out = review_durations(
        small, [("Within 12 months", 0, 12), ("Later", 13, None)], years="2023/24"
    )
    assert out["band"].tolist() == ["Within 12 months", "Later"]
    assert out["numerator"].tolist() == [4, 1]


@pytest.mark.parametrize(
    "bands",
    [
        [("a", 1, None)],  # does not start at 0
        [("a", 0, 5), ("b", 7, None)],  # gap
        [("a", 0, 5), ("b", 6, 8)],  # last not open
        [("a", 0, 5), ("a", 6, None)],  # duplicate label
        [("a", 0)],  # malformed
        "annual",
    ],
)
def test_bad_bands(small: cdop.Dataset, bands: object) -> None:
    with pytest.raises(CdopArgumentError, match="`bands`"):
        review_durations(small, bands)  # type: ignore[arg-type]


def test_percent_and_wilson(small: cdop.Dataset) -> None:
    out = review_durations(small, years="2023/24")
    np.testing.assert_allclose(out["value"], [40, 20, 0, 0, 20, 20])
    lo, up = wilson_ci(out["numerator"], out["denominator"], 0.95)
    np.testing.assert_allclose(out["lower_ci"], lo * 100)
    np.testing.assert_allclose(out["upper_ci"], up * 100)


def test_empty_year_gives_zero_counts_and_missing_percent(small: cdop.Dataset) -> None:
    out = review_durations(small, years=[2020])
    assert out["numerator"].tolist() == [0] * 6
    assert out["denominator"].tolist() == [0] * 6
    assert out["value"].isna().all()


def test_timeliness_by_hand(small: cdop.Dataset) -> None:
    out = review_timeliness(small)
    assert out.columns.tolist() == [
        "year",
        "period",
        "reviews",
        "median_days",
        "q1_days",
        "q3_days",
        "within_6_months",
        "within_6_months_value",
        "within_6_months_lower_ci",
        "within_6_months_upper_ci",
        "within_12_months",
        "within_12_months_value",
        "within_12_months_lower_ci",
        "within_12_months_upper_ci",
        "confidence",
        "statistic",
        "method",
    ]
    assert out["reviews"].tolist() == [2, 2, 5, 2]
    # 2023/24 durations in days: A11 29, A08 30, A07 182, A03 365, A04 395.
    row = out.iloc[2]
    assert (row["median_days"], row["q1_days"], row["q3_days"]) == (182.0, 30.0, 365.0)
    # 2021/22: A01 28, A02 29 days.
    assert out["median_days"].iloc[0] == 28.5
    assert out["within_6_months"].tolist() == [2, 2, 2, 0]
    # Within 12 months includes exactly 12 (A03, A13) but not 13 (A04).
    assert out["within_12_months"].tolist() == [2, 2, 4, 2]
    np.testing.assert_allclose(out["within_12_months_value"], [100, 100, 80, 100])
    lo, up = wilson_ci([4], [5], 0.95)
    assert out["within_12_months_lower_ci"].iloc[2] == pytest.approx(lo[0] * 100)
    assert out["within_12_months_upper_ci"].iloc[2] == pytest.approx(up[0] * 100)


def test_timeliness_matches_bands_on_sample(sample: cdop.Dataset) -> None:
    bands = review_durations(sample, "national")
    t = review_timeliness(sample)
    wide = bands.pivot_table(index="year", columns="band", values="numerator", observed=True)
    assert (wide.sum(axis=1).to_numpy() == t["reviews"].to_numpy()).all()
    assert (wide["Under 6 months"].to_numpy() == t["within_6_months"].to_numpy()).all()
    within_12 = wide["Under 6 months"] + wide["6 to 12 months"]
    assert (within_12.to_numpy() == t["within_12_months"].to_numpy()).all()
    # 2023/24: 14 of 54 reviews took more than 12 months to the day (counted by hand
    # from the sample: 11 took 13 complete months or more, 3 took 12 months and days).
    row = bands[(bands["period"] == "2023/24") & (bands["band"] == "Over 12 months")]
    assert row["numerator"].tolist() == [14] and row["denominator"].tolist() == [54]


@pytest.mark.parametrize(
    ("completed", "band", "within_12"),
    [
        ("2024-01-15", "6 to 12 months", True),  # 12 months to the day
        ("2024-02-04", "Over 12 months", False),  # 12 months and 20 days
        ("2024-02-15", "Over 12 months", False),  # 13 complete months
        ("2023-07-14", "Under 6 months", True),  # a day short of 6 months
        ("2023-07-15", "6 to 12 months", True),  # 6 months to the day
    ],
)
def test_over_12_months_means_more_than_12_months_to_the_day(
    completed: str, band: str, within_12: bool
) -> None:
    ds = _one_review("2023-01-15", completed)
    out = review_durations(ds, "national")
    counted = out.loc[out["numerator"] == 1, "band"].astype(str).tolist()
    assert counted == [band]
    t = review_timeliness(ds)
    assert t["within_12_months"].tolist() == [int(within_12)]


def test_bands_sum_to_reviews_on_sample(sample: cdop.Dataset) -> None:
    out = review_durations(sample, by="residence_area")
    sums = out.groupby(["residence_area", "year"], observed=True, dropna=False)["numerator"].sum()
    totals = out.groupby(["residence_area", "year"], observed=True, dropna=False)[
        "denominator"
    ].first()
    assert (sums == totals).all()
    assert out["numerator"].sum() == len(sample.reviews)
