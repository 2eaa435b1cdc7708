"""infant_mortality() and child_mortality(): by hand, and independently on the sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import build, sample_dataset, small_dataset

import cdop
from cdop import stats
from cdop.analytics import (
    child_mortality,
    infant_mortality,
    mortality_inequality,
    mortality_trend,
)
from cdop.errors import CdopArgumentError


@pytest.fixture
def small() -> cdop.Dataset:
    return small_dataset()


@pytest.fixture
def sample() -> cdop.Dataset:
    return sample_dataset()


# Births: 2022 200 per quintile (1,000), 2023 160 per quintile (800).
BIRTHS = pd.DataFrame(
    {
        "year": ["2022"] * 5 + ["2023"] * 5,
        "imd_quintile": [str(q) for q in range(1, 6)] * 2,
        "live_births": ["200"] * 5 + ["160"] * 5,
    }
)
# Population: mid-2022 and mid-2023 by age group.
POPULATION = pd.DataFrame(
    {
        "year": ["2022"] * 5 + ["2023"] * 5,
        "age_group": ["under_1", "1-4", "5-9", "10-14", "15-17"] * 2,
        "population": ["1000", "4000", "5000", "5000", "3000"] * 2,
    }
)


@pytest.fixture(scope="module")
def panel() -> cdop.Dataset:
    return build(births=BIRTHS, population=POPULATION)


def test_infant_by_hand(panel: cdop.Dataset) -> None:
    # Notifications run from 2021/22 to 2023/24: calendar 2022 and 2023 are wholly covered.
    # Deaths under 1 by year of death: 2022 A01, A02, A03, A05; 2023 A08, A09, A10.
    out = infant_mortality(panel, by=None)
    assert out.columns.tolist() == [
        "year",
        "period",
        "numerator",
        "denominator",
        "value",
        "lower_ci",
        "upper_ci",
        "confidence",
        "statistic",
        "method",
    ]
    assert out["period"].astype(str).tolist() == ["2022", "2023"]
    assert out["year"].tolist() == [2022, 2023]
    assert out["statistic"].tolist() == ["rate per 1000"] * 2
    assert out["numerator"].tolist() == [4, 3]
    assert out["denominator"].tolist() == [1000, 800]
    np.testing.assert_allclose(out["value"], [4.0, 3.75])
    assert out["method"].tolist() == ["Exact", "Exact"]


@pytest.mark.parametrize(("measure", "deaths"), [("neonatal", [2, 2]), ("postneonatal", [2, 1])])
def test_neonatal_and_postneonatal(panel: cdop.Dataset, measure: str, deaths: list[int]) -> None:
    # 0-27 days: A01, A02 (2022); A08, A09 (2023). 28-364: A03, A05 (2022); A10 (2023).
    out = infant_mortality(panel, by=None, measure=measure)  # type: ignore[arg-type]
    assert out["numerator"].tolist() == deaths


def test_infant_by_quintile_without_deprivation(panel: cdop.Dataset) -> None:
    out = infant_mortality(panel)
    assert out["imd_quintile"].iloc[:10].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert out["numerator"].iloc[:10].tolist() == [0] * 10
    assert out["value"].iloc[:10].tolist() == [0.0] * 10
    # Deaths with no quintile form a last level, without births.
    last = out.iloc[10:]
    assert last["imd_quintile"].isna().all()
    assert last["numerator"].tolist() == [4, 3]
    assert last["value"].isna().all()


def test_infant_financial_and_pooled(panel: cdop.Dataset) -> None:
    fy = infant_mortality(panel, by=None, period="financial")
    # 2022/23 only (2021/22 lacks 2021 births, 2023/24 lacks 2024 births);
    # births 0.75 x 1000 + 0.25 x 800 = 950; deaths A03, A05, A08, A09.
    assert fy["period"].astype(str).tolist() == ["2022/23"]
    assert fy["denominator"].tolist() == [950.0]
    assert fy["numerator"].tolist() == [4]
    pooled = infant_mortality(panel, by=None, pool=2)
    assert pooled["period"].astype(str).tolist() == ["2022-2023"]
    assert pooled["year"].tolist() == [2022]
    assert pooled["numerator"].tolist() == [7]
    assert pooled["denominator"].tolist() == [1800]
    with pytest.raises(CdopArgumentError, match=r"`pool` \(3 years\) is wider .*2022, 2023"):
        infant_mortality(panel, by=None, pool=3)
    with pytest.raises(CdopArgumentError, match=r"start years 2023, 2024"):
        infant_mortality(panel, by=None, pool=3, years=[2023, 2024])


def test_infant_financial_year_without_both_calendar_years_of_births(
    panel: cdop.Dataset,
) -> None:
    # Asked for by name, 2021/22 (no 2021 births) and 2023/24 (no 2024 births) have no
    # denominator: 0.25 x 1000 or 0.75 x 800 alone would understate their births (and
    # overstate the rate) by a quarter or more. 2022/23 is as before: 0.75 x 1000 +
    # 0.25 x 800 = 950 (the births of the panel above).
    fy = infant_mortality(panel, by=None, period="financial", years=[2021, 2022, 2023])
    assert fy["period"].astype(str).tolist() == ["2021/22", "2022/23", "2023/24"]
    assert fy["denominator"].isna().tolist() == [True, False, True]
    assert fy["denominator"].iloc[1] == 950.0
    assert fy["value"].isna().tolist() == [True, False, True]
    by_quintile = infant_mortality(panel, period="financial", years=[2023])
    assert by_quintile["denominator"].isna().all()


def test_a_pooled_period_needs_the_births_of_every_year(panel: cdop.Dataset) -> None:
    # 2022/23 + 2023/24 pooled: 2023/24 lacks the 2024 births, so the pool has no
    # denominator (it had 7 deaths over 950 births, the births of 2022/23 alone). The
    # same for calendar 2023 + 2024 (no 2024 births; it had 5 deaths over 800).
    fy = infant_mortality(panel, by=None, period="financial", years=[2022, 2023], pool=2)
    assert fy["numerator"].tolist() == [7] and fy["denominator"].isna().all()
    cal = infant_mortality(panel, by=None, years=[2023, 2024], pool=2)
    assert cal["denominator"].isna().all() and cal["value"].isna().all()
    # Both years given: 0.75 x 1000 + 0.25 x 800 = 950 and 1,000 + 800 = 1,800.
    assert infant_mortality(panel, by=None, period="financial", years=[2022])[
        "denominator"
    ].tolist() == [950.0]
    assert infant_mortality(panel, by=None, years=[2022, 2023], pool=2)["denominator"].tolist() == [
        1800
    ]


def test_a_group_needs_its_own_births_of_every_year() -> None:
    # Quintile 1 has no 2023 births: its 2022/23 (and its 2022-2023 pool) have no
    # denominator, where 0.75 x 200 alone would have been taken; the other quintiles keep
    # 0.75 x 200 + 0.25 x 160 = 190 and 200 + 160 = 360.
    births = BIRTHS[~((BIRTHS["year"] == "2023") & (BIRTHS["imd_quintile"] == "1"))]
    ds = build(births=births.reset_index(drop=True), population=POPULATION)
    fy = infant_mortality(ds, period="financial", years=[2022]).set_index("imd_quintile")
    assert pd.isna(fy.loc[1, "denominator"])
    assert [fy.loc[q, "denominator"] for q in (2, 3, 4, 5)] == [190.0] * 4
    pooled = infant_mortality(ds, pool=2).set_index("imd_quintile")
    assert pd.isna(pooled.loc[1, "denominator"])
    assert [pooled.loc[q, "denominator"] for q in (2, 3, 4, 5)] == [360] * 4


def test_infant_explicit_years_and_deaths_table(panel: cdop.Dataset) -> None:
    out = infant_mortality(panel, by=None, years=[2024])
    # A11 and A12 died in 2024; no births for 2024.
    assert out["numerator"].tolist() == [2]
    # No births: a missing denominator, not 0.
    assert out["denominator"].isna().all()
    assert out["value"].isna().all()
    supplied = pd.DataFrame(
        {"year": [2022, 2022, 2023], "imd_quintile": [1, 2, 1], "deaths": [3, 1, 2]}
    )
    by_q = infant_mortality(panel, deaths=supplied)
    q1 = by_q[by_q["imd_quintile"] == 1]
    assert q1["numerator"].tolist() == [3, 2]
    np.testing.assert_allclose(q1["value"], [3 / 200 * 1000, 2 / 160 * 1000])


def test_child_by_hand(panel: cdop.Dataset) -> None:
    out = child_mortality(panel, by="age_group")
    assert out.columns.tolist() == [
        "age_group",
        "year",
        "period",
        "numerator",
        "denominator",
        "value",
        "lower_ci",
        "upper_ci",
        "confidence",
        "statistic",
        "method",
    ]
    assert out["age_group"].astype(str).tolist()[::2] == ["under_1", "1-4", "5-9", "10-14", "15-17"]
    # 2022/23: A03, A05, A08, A09 under 1; A04 1-4; A06 5-9; A07 15-17.
    # 2023/24: A10, A11, A12 under 1; A13 1-4.
    assert out["numerator"].tolist() == [4, 3, 1, 1, 1, 0, 0, 0, 1, 0]
    assert out["denominator"].tolist() == [
        1000,
        1000,
        4000,
        4000,
        5000,
        5000,
        5000,
        5000,
        3000,
        3000,
    ]
    whole = child_mortality(panel)
    assert whole["numerator"].tolist() == [7, 4]
    np.testing.assert_allclose(whole["value"], [7 / 18000 * 1e5, 4 / 18000 * 1e5])


def test_child_mortality_needs_the_children_of_every_age_group() -> None:
    # Mid-2023 without the 15-17 year-olds: the 2023/24 rate of all children has no
    # denominator (it would be 4 deaths over 15,000 children instead of 18,000); 2022/23
    # keeps 7 over 18,000 (the deaths of the panel above), and the rates by age group keep
    # every group that is given.
    population = POPULATION[
        ~((POPULATION["year"] == "2023") & (POPULATION["age_group"] == "15-17"))
    ]
    ds = build(births=BIRTHS, population=population.reset_index(drop=True))
    out = child_mortality(ds).set_index("period")
    assert out.loc["2022/23", "denominator"] == 18_000 and out.loc["2022/23", "numerator"] == 7
    assert pd.isna(out.loc["2023/24", "denominator"]) and pd.isna(out.loc["2023/24", "value"])
    by_age = child_mortality(ds, by="age_group")
    late = by_age[by_age["period"] == "2023/24"].set_index("age_group")["denominator"]
    assert late.isna().tolist() == [False, False, False, False, True]


def test_child_errors(panel: cdop.Dataset, small: cdop.Dataset) -> None:
    with pytest.raises(CdopArgumentError, match="population table"):
        child_mortality(small)
    with pytest.raises(CdopArgumentError, match="'sex'"):
        child_mortality(panel, by="sex")
    with pytest.raises(CdopArgumentError, match="births table"):
        infant_mortality(small)
    with pytest.raises(CdopArgumentError, match="`pool`"):
        infant_mortality(panel, pool=0)
    with pytest.raises(CdopArgumentError, match="`measure`"):
        infant_mortality(panel, measure="perinatal")  # type: ignore[arg-type]


def test_infant_on_sample_equals_independent_count(sample: cdop.Dataset) -> None:
    out = infant_mortality(sample)
    notes = sample.notifications
    infants = notes[notes["age_at_death_days"] < 365]
    deaths = (
        infants.assign(year=infants["date_of_death"].dt.year)
        .groupby(["imd_quintile", "year"])
        .size()
    )
    births = sample.births.groupby(["imd_quintile", "year"])["live_births"].sum()
    rows = out[out["imd_quintile"].notna()]
    assert len(rows) == 5 * rows["year"].nunique()
    for _, row in rows.iterrows():
        key = (int(row["imd_quintile"]), int(row["year"]))
        d = int(deaths.get(key, 0))
        b = int(births[key])
        assert row["numerator"] == d
        assert row["denominator"] == b
        assert row["value"] == pytest.approx(d / b * 1000, rel=1e-12)
    reference = stats.rate(
        rows[["numerator", "denominator"]].reset_index(drop=True),
        "numerator",
        "denominator",
        multiplier=1000,
    )
    np.testing.assert_allclose(rows["lower_ci"], reference["lower_ci"], rtol=1e-12)
    np.testing.assert_allclose(rows["upper_ci"], reference["upper_ci"], rtol=1e-12)
    assert rows["method"].tolist() == reference["method"].tolist()
    # The default years are the calendar years wholly inside 2017/18 to 2024/25.
    assert out["period"].astype(str).unique().tolist() == [str(y) for y in range(2018, 2025)]


def test_child_on_sample(sample: cdop.Dataset) -> None:
    out = child_mortality(sample, by="age_group")
    total = child_mortality(sample)
    sums = out.groupby("year", observed=True)[["numerator", "denominator"]].sum()
    assert sums["numerator"].tolist() == total["numerator"].tolist()
    assert sums["denominator"].tolist() == total["denominator"].tolist()
    per_year = cdop.analytics.period_labels(sample.notifications["date_of_death"])
    counts = per_year.value_counts(sort=False)
    assert total["numerator"].tolist() == counts.reindex(total["period"].astype(str)).tolist()


# --------------------------------------------------------------------------- gradient, trend

GRADIENT = pd.DataFrame(
    {
        "year": [2022] * 5 + [2023] * 5,
        "imd_quintile": [1, 2, 3, 4, 5] * 2,
        "deaths": [20, 16, 12, 8, 4, 10, 9, 8, 7, 5],
    }
)


def test_inequality_rate_ratio_by_hand(panel: cdop.Dataset) -> None:
    rates = infant_mortality(panel, deaths=GRADIENT)
    out = mortality_inequality(rates, repetitions=2000)
    assert out.columns.tolist() == [
        "year",
        "period",
        "most_deprived_rate",
        "least_deprived_rate",
        "rate_ratio",
        "rate_ratio_lower_ci",
        "rate_ratio_upper_ci",
        "rate_ratio_p_value",
        "sii",
        "sii_lower_ci",
        "sii_upper_ci",
        "rii",
        "rii_lower_ci",
        "rii_upper_ci",
        "confidence",
    ]
    assert out["period"].astype(str).tolist() == ["2022", "2023"]
    # 2022: 20/200 vs 4/200 per 1,000 = 100 vs 20, ratio 5; 2023: 10/160 vs 5/160, ratio 2.
    np.testing.assert_allclose(out["most_deprived_rate"], [100.0, 62.5])
    np.testing.assert_allclose(out["least_deprived_rate"], [20.0, 31.25])
    np.testing.assert_allclose(out["rate_ratio"], [5.0, 2.0])
    se = np.sqrt([1 / 20 + 1 / 4, 1 / 10 + 1 / 5])
    z = 1.959963984540054
    np.testing.assert_allclose(out["rate_ratio_lower_ci"], [5, 2] * np.exp(-z * se), rtol=1e-6)
    np.testing.assert_allclose(out["rate_ratio_upper_ci"], [5, 2] * np.exp(z * se), rtol=1e-6)
    wald = np.log([5.0, 2.0]) / se
    from scipy.stats import norm

    np.testing.assert_allclose(out["rate_ratio_p_value"], 2 * norm.sf(wald), rtol=1e-6)
    # Mortality falls with deprivation: positive SII (deprived end higher), RII above 1.
    assert (out["sii"] > 0).all()
    assert (out["rii"] > 1).all()


def test_inequality_matches_stats_sii(sample: cdop.Dataset) -> None:
    rates = infant_mortality(sample, pool=3)
    out = mortality_inequality(rates, repetitions=5000, seed=7)
    rows = rates[rates["imd_quintile"].notna()]
    limits = stats.rate(
        rows[["year", "imd_quintile", "numerator", "denominator"]].reset_index(drop=True),
        "numerator",
        "denominator",
        multiplier=1000,
    )
    expected = stats.sii(
        limits,
        "imd_quintile",
        "denominator",
        value="value",
        value_type="rate",
        lower_cl="lower_ci",
        upper_cl="upper_ci",
        multiplier=-1,
        repetitions=5000,
        seed=7,
        group_by="year",
    )
    np.testing.assert_allclose(out["sii"], expected["value"], rtol=1e-12)
    np.testing.assert_allclose(out["sii_lower_ci"], expected["lower_ci"], rtol=1e-12)
    expected_rii = stats.rii(
        limits,
        "imd_quintile",
        "denominator",
        value="value",
        value_type="rate",
        lower_cl="lower_ci",
        upper_cl="upper_ci",
        multiplier=-1,
        repetitions=5000,
        seed=7,
        group_by="year",
    )
    np.testing.assert_allclose(out["rii"], expected_rii["value"], rtol=1e-12)


def test_inequality_errors(panel: cdop.Dataset) -> None:
    with pytest.raises(CdopArgumentError, match="`quantile`"):
        mortality_inequality(infant_mortality(panel, by=None))
    with pytest.raises(CdopArgumentError, match="`rates`"):
        mortality_inequality(pd.DataFrame({"year": ["2022"]}))


def test_trend_two_years_closed_form(panel: cdop.Dataset) -> None:
    rates = infant_mortality(panel, deaths=GRADIENT)
    out = mortality_trend(rates)
    assert out.columns.tolist() == [
        "imd_quintile",
        "first_year",
        "last_year",
        "periods",
        "numerator",
        "value",
        "lower_ci",
        "upper_ci",
        "confidence",
        "statistic",
        "method",
        "p_value",
    ]
    q1 = out[out["imd_quintile"] == 1].iloc[0]
    # Two years: the ratio of the rates, 62.5 / 100.
    assert q1["value"] == pytest.approx(0.625, rel=1e-9)
    assert (q1["first_year"], q1["last_year"], q1["periods"], q1["numerator"]) == (
        2022,
        2023,
        2,
        30,
    )
    se = np.sqrt(1 / 20 + 1 / 10)
    assert q1["upper_ci"] == pytest.approx(0.625 * np.exp(1.959963984540054 * se), rel=1e-6)
    assert set(out["statistic"]) == {"rate ratio per year"}  # no helper column's name
    with pytest.raises(CdopArgumentError, match="pooled"):
        mortality_trend(infant_mortality(panel, by=None, pool=2))


def test_trend_equals_stats_on_sample(sample: cdop.Dataset) -> None:
    rates = child_mortality(sample)
    out = mortality_trend(rates)
    starts = [int(str(y)[:4]) for y in rates["period"]]
    plain = rates[["numerator", "denominator"]].astype("float64").assign(t=starts)
    ref = stats.poisson_trend(plain, "numerator", "denominator", "t")
    assert out["value"].iloc[0] == pytest.approx(ref["value"].iloc[0], rel=1e-12)
    assert out["p_value"].iloc[0] == pytest.approx(ref["p_value"].iloc[0], rel=1e-12)
    assert out["numerator"].iloc[0] == len(sample.notifications)


def test_gradient_and_trend_take_several_levels(sample: cdop.Dataset) -> None:
    pooled = infant_mortality(sample, pool=3)
    one = mortality_inequality(pooled, repetitions=2000)
    two = mortality_inequality(pooled, repetitions=2000, confidence=(0.95, 0.998))
    assert one["confidence"].tolist() == ["95%"] * len(one)
    assert set(two["confidence"]) == {"95%, 99.8%"}
    for measure in ("rate_ratio", "sii", "rii"):
        assert f"{measure}_lower_ci" not in two.columns
        # The 95% limits are those of one level (the same seeded draws for SII and RII),
        # and the 99.8% interval holds the 95% one.
        for side in ("lower", "upper"):
            np.testing.assert_allclose(
                two[f"{measure}_{side}_ci_95"], one[f"{measure}_{side}_ci"], rtol=1e-12
            )
        assert (two[f"{measure}_lower_ci_99_8"] <= two[f"{measure}_lower_ci_95"]).all()
        assert (two[f"{measure}_upper_ci_99_8"] >= two[f"{measure}_upper_ci_95"]).all()
    rates = infant_mortality(sample)
    trend = mortality_trend(rates, confidence=[0.9, 0.95])
    assert [c for c in trend.columns if "_ci" in c] == [
        "lower_ci_90",
        "upper_ci_90",
        "lower_ci_95",
        "upper_ci_95",
    ]
    np.testing.assert_allclose(trend["upper_ci_95"], mortality_trend(rates)["upper_ci"])
    assert set(trend["confidence"]) == {"90%, 95%"}
