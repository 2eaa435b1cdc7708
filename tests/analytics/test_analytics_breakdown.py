"""breakdown(): every level, fixed order, counts worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import sample_dataset, small_dataset

import cdop
from cdop import schema
from cdop.analytics import breakdown
from cdop.errors import CdopArgumentError
from cdop.stats import wilson_ci


@pytest.fixture
def small() -> cdop.Dataset:
    return small_dataset()


@pytest.fixture
def sample() -> cdop.Dataset:
    return sample_dataset()


def test_sex_with_unknown(small: cdop.Dataset) -> None:
    out = breakdown(small, "sex", years="2023/24")
    # Reviews completed in 2023/24: A03 male, A04 not stated, A07 male, A08 female, A11 male.
    assert out.columns.tolist() == [
        "year",
        "period",
        "sex",
        "numerator",
        "denominator",
        "value",
        "lower_ci",
        "upper_ci",
        "confidence",
        "statistic",
        "method",
    ]
    assert out["year"].tolist() == [2023] * 4 and out["period"].tolist() == ["2023/24"] * 4
    assert out["statistic"].iloc[0] == "percentage" and out["method"].iloc[0] == "Wilson"
    assert out["sex"].tolist() == list(schema.SEX_CODES)
    assert out["numerator"].tolist() == [3, 1, 0, 1]
    assert out["denominator"].tolist() == [5] * 4
    np.testing.assert_allclose(out["value"], [60, 20, 0, 20])
    lo, up = wilson_ci(out["numerator"], out["denominator"])
    np.testing.assert_allclose(out["lower_ci"], lo * 100)
    np.testing.assert_allclose(out["upper_ci"], up * 100)


def test_ethnicity_with_not_stated(small: cdop.Dataset) -> None:
    out = breakdown(small, "ethnicity", years=2023)
    assert out["ethnicity"].tolist() == list(schema.ETHNICITY_CODES)
    assert out["numerator"].tolist() == [4, 0, 0, 0, 0, 1]


def test_categories_with_no_deaths(small: cdop.Dataset) -> None:
    out = breakdown(small, "category", years="2023/24")
    assert out.columns.tolist()[:4] == ["year", "period", "category", "category_label"]
    assert out["category"].tolist() == list(range(1, 11))
    assert out["category_label"].tolist() == list(schema.CATEGORY_LABELS.values())
    # A07 2, A04 3, A08 7, A11 8, A03 10.
    assert out["numerator"].tolist() == [0, 1, 1, 0, 0, 0, 1, 1, 0, 1]


def test_age_groups_of_notifications(small: cdop.Dataset) -> None:
    out = breakdown(small, "age_group", basis="notifications", years="2022/23")
    # Notified in 2022/23: A03 200, A04 400, A05 30, A06 3000, A07 6000, A08 10, A09 5 days.
    assert out["age_group"].tolist() == list(schema.AGE_GROUPS)
    assert out["numerator"].tolist() == [2, 2, 1, 1, 0, 1]
    assert out["denominator"].tolist() == [7] * 6


def test_optional_column_has_missing_level(small: cdop.Dataset) -> None:
    out = breakdown(small, "imd_quintile", years="2023/24")
    assert out["imd_quintile"].iloc[:5].tolist() == [1, 2, 3, 4, 5]
    assert pd.isna(out["imd_quintile"].iloc[5])
    assert out["numerator"].tolist() == [0, 0, 0, 0, 0, 5]


def test_combination_modifiable_by_category(small: cdop.Dataset) -> None:
    out = breakdown(small, ["modifiable_factors", "category"], years="2023/24")
    assert out.columns.tolist()[:5] == [
        "year",
        "period",
        "modifiable_factors",
        "category",
        "category_label",
    ]
    assert len(out) == 3 * 10
    yes = out[out["modifiable_factors"] == "yes"]
    # Modifiable: A03 (10), A04 (3), A07 (2).
    assert yes["numerator"].tolist() == [0, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    assert out["numerator"].sum() == 5
    assert (out["denominator"] == 5).all()


def test_percent_within_by(small: cdop.Dataset) -> None:
    out = breakdown(small, "modifiable_factors", by="category", years="2023/24")
    assert out.columns.tolist()[:4] == ["category", "year", "period", "modifiable_factors"]
    cat10 = out[out["category"] == 10]
    assert cat10["numerator"].tolist() == [1, 0, 0]
    assert cat10["value"].tolist() == [100.0, 0.0, 0.0]
    empty = out[out["category"] == 1]
    assert empty["value"].isna().all()


def test_levels_sum_to_totals_on_sample(sample: cdop.Dataset) -> None:
    for variables in (
        "sex",
        "ethnicity",
        "age_group",
        "category",
        "modifiable_factors",
        "place_of_death",
        "expected_death",
        "imd_quintile",
        "residence_area",
        ["category", "age_group"],
    ):
        out = breakdown(sample, variables)
        sums = out.groupby("year", observed=True)["numerator"].sum()
        assert (sums == out.groupby("year", observed=True)["denominator"].first()).all()
        assert out["numerator"].sum() == len(sample.reviews)
        assert np.allclose(out.groupby("year", observed=True)["value"].sum(), 100)
    notes = breakdown(sample, "sex", basis="notifications")
    assert notes["numerator"].sum() == len(sample.notifications)


def test_arguments(small: cdop.Dataset) -> None:
    with pytest.raises(CdopArgumentError, match="`variables` names column 'category'"):
        breakdown(small, "category", basis="notifications")
    with pytest.raises(CdopArgumentError, match="`basis`"):
        breakdown(small, "sex", basis="deaths")  # type: ignore[arg-type]
    with pytest.raises(CdopArgumentError, match="`by` names column 'sex'"):
        breakdown(small, "sex", by="sex")
    with pytest.raises(CdopArgumentError, match="`variables`"):
        breakdown(small, [])
    with pytest.raises(CdopArgumentError, match="`confidence`"):
        breakdown(small, "sex", confidence=150)
