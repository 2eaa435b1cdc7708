"""National figures and compare_national(), checked against the quoted sources and tests here."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analytics_helpers import sample_dataset, small_dataset
from scipy import stats as sps

import cdop
from cdop import stats
from cdop.analytics import (
    BENCHMARK_COLUMNS,
    NATIONAL_EDITION,
    NationalComparisonWarning,
    breakdown,
    child_mortality,
    compare_national,
    infant_mortality,
    national_benchmarks,
    read_national,
    review_timeliness,
)
from cdop.errors import CdopArgumentError

REQUIRED = (
    "indicator",
    "period",
    "period_type",
    "value",
    "unit",
    "definition",
    "denominator_definition",
    "geography",
    "publisher",
    "title",
    "url",
    "location",
    "quote",
)


@pytest.fixture
def small() -> cdop.Dataset:
    return small_dataset()


@pytest.fixture
def sample() -> cdop.Dataset:
    return sample_dataset()


def _numbers(text: str) -> set[float]:
    """Every number written in a sentence ("3,595", "29.8", "48%")."""
    return {
        float(m.replace(",", "")) for m in re.findall(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", text)
    }


def test_every_row_is_complete_and_states_its_value() -> None:
    nb = national_benchmarks()
    assert nb.columns.tolist() == list(BENCHMARK_COLUMNS)
    assert (nb["edition"] == NATIONAL_EDITION).all()
    for col in REQUIRED:
        assert nb[col].notna().all(), col
    assert nb["url"].str.startswith("https://").all()
    assert set(nb["period_type"]) <= {"financial year", "calendar year"}
    for _, row in nb.iterrows():
        # The value is one of the numbers of the quoted sentence of the source.
        assert row["value"] in _numbers(row["quote"]), (row["indicator"], row["period"])
        if row["period_type"] == "financial year":
            assert re.fullmatch(r"\d{4}/\d{2}", row["period"])
        else:
            assert re.fullmatch(r"\d{4}", row["period"])


# Values read in the sources (quoted in national.csv) by hand:
# NHS Digital, Child Death Reviews: year ending 31 March 2018, "Number of Reviews" and
# "Characteristics"; NCMD data release 2021; NCMD data release year ending 31 March 2024,
# section 2; University of Bristol news release on the NCMD release for the year ending
# 31 March 2025; ONS Child and infant mortality in England and Wales: 2023, main points.
CONFIRMED = [
    ("reviews_completed", "2016/17", None, 3575, "NHS Digital"),
    ("reviews_completed", "2017/18", None, 3595, "NHS Digital"),
    ("reviews_with_modifiable_factors", "2013/14", "yes", 22, "NHS Digital"),
    ("reviews_with_modifiable_factors", "2017/18", "yes", 28, "NHS Digital"),
    ("reviews_under_1_year", "2017/18", None, 65, "NHS Digital"),
    ("deaths_notified", "2020/21", None, 3068, "National Child Mortality Database"),
    ("reviews_completed", "2020/21", None, 2575, "National Child Mortality Database"),
    ("deaths_notified", "2023/24", None, 3577, "National Child Mortality Database"),
    ("child_mortality_rate", "2023/24", None, 29.8, "National Child Mortality Database"),
    ("deaths_notified", "2024/25", None, 3492, "University of Bristol"),
    ("infant_mortality_rate", "2024/25", None, 3.8, "University of Bristol"),
    ("deaths_under_1_year", "2024/25", None, 61, "University of Bristol"),
    ("reviews_with_modifiable_factors", "2024/25", "yes", 48, "University of Bristol"),
    ("child_mortality_rate_by_imd_quintile", "2024/25", "1", 42.0, "University of Bristol"),
    ("child_mortality_rate_by_imd_quintile", "2024/25", "5", 17.4, "University of Bristol"),
    ("infant_mortality_rate", "2023", None, 3.9, "Office for National Statistics"),
]


def test_values_confirmed_in_the_sources() -> None:
    nb = national_benchmarks()
    assert len(nb) == len(CONFIRMED)
    for indicator, period, level, value, publisher in CONFIRMED:
        rows = nb[(nb["indicator"] == indicator) & (nb["period"] == period)]
        if level is not None:
            rows = rows[rows["level"] == level]
        assert len(rows) == 1, (indicator, period, level)
        assert rows["value"].iloc[0] == value
        assert rows["publisher"].iloc[0].startswith(publisher)


def test_corrections_of_the_earlier_table() -> None:
    nb = national_benchmarks()
    # The 2017/18 release was NHS Digital's, not the Department for Education's.
    assert set(nb.loc[nb["period"] == "2017/18", "publisher"]) == {"NHS Digital"}
    # Words are not figures: "around 4 in 10" neonatal events is not in the table.
    assert "reviews_by_category" not in set(nb["indicator"])
    # Infant rates by quintile per 1,000 infant population are not comparable with
    # infant_mortality() (per 1,000 live births); no such row is shipped.
    assert "infant_mortality_rate_by_imd_quintile" not in set(nb["indicator"])
    # ONS figures are for England and Wales, and say so.
    ons = nb[nb["publisher"] == "Office for National Statistics"]
    assert (ons["geography"] == "England and Wales").all()
    assert (ons["period_type"] == "calendar year").all()


def _row(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "indicator": "child_mortality_rate",
        "period": "2025/26",
        "period_type": "financial year",
        "value": "30.5",
        "unit": "per 100,000",
        "definition": "deaths aged 0-17 per 100,000 children",
        "denominator_definition": "children aged 0-17",
        "geography": "England",
        "publisher": "National Child Mortality Database",
        "title": "Child Death Review Data Release: Year ending 31 March 2026",
        "url": "https://www.ncmd.info/",
        "location": "section 2",
        "quote": "an estimated rate of 30.5 deaths per 100,000 children",
    }
    base.update(kw)
    return base


def test_user_rows_add_and_override() -> None:
    extra = pd.DataFrame(
        [_row(), _row(period="2023/24", value="30.0", quote="a rate of 30.0 deaths per 100,000")]
    )
    nb = national_benchmarks(extra)
    rows = nb[nb["indicator"] == "child_mortality_rate"]
    assert rows["period"].tolist() == ["2025/26", "2023/24"]
    assert rows["value"].tolist() == [30.5, 30.0]
    assert rows["edition"].tolist() == ["user", "user"]
    assert len(nb) == len(national_benchmarks()) + 1


def test_next_release_as_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "national-2026.csv"
    pd.DataFrame([_row()]).to_csv(path, index=False)
    rows = read_national(path)
    assert rows.columns.tolist() == list(BENCHMARK_COLUMNS)
    assert national_benchmarks(path)["period"].iloc[-1] == "2025/26"
    bad = tmp_path / "bad.csv"
    pd.DataFrame([_row(), _row(period="2026/27", value="31.0")]).to_csv(bad, index=False)
    with pytest.raises(CdopArgumentError) as err:
        read_national(bad)
    message = str(err.value)
    assert "bad.csv" in message and "row 3" in message and "'quote'" in message
    assert "does not state the value 31.0" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"unit": "per cent"}, "column 'unit': 'per cent'"),
        ({"period": "last year"}, "column 'period': 'last year'"),
        ({"period_type": "calendar year"}, "does not match the period"),
        ({"quote": ""}, "column 'quote': '': must not be empty"),
        ({"url": "ncmd.info"}, "must be a web address"),
        ({"unit": "per 1,000", "quote": "30.5 per 1,000"}, "is in 'per 100,000'"),
        ({"value": "-1", "quote": "-1"}, "must be a number >= 0"),
    ],
)
def test_rows_are_validated(change: dict[str, object], expected: str) -> None:
    with pytest.raises(CdopArgumentError, match=re.escape(expected)):
        national_benchmarks(pd.DataFrame([_row(**change)]))


def test_missing_columns_are_named() -> None:
    with pytest.raises(CdopArgumentError, match=r"missing .*quote"):
        national_benchmarks(pd.DataFrame([_row()]).drop(columns="quote"))


# ----------------------------------------------------------------------- comparing


def _local(x: int, total: int, year: str = "2024/25") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [int(year[:4])],
            "period": [year],
            "modifiable_factors": ["yes"],
            "numerator": [x],
            "denominator": [total],
        }
    )


def _score_p(x: int, n: int, p0: float) -> float:
    z = (x - n * p0) / np.sqrt(n * p0 * (1 - p0))
    return float(2 * sps.norm.sf(abs(z)))


def test_same_period_is_tested() -> None:
    row = compare_national(_local(36, 75), "reviews_with_modifiable_factors").iloc[0]
    assert row["national_value"] == 48.0 and row["national_period"] == "2024/25"
    assert bool(row["like_for_like"]) and bool(row["same_period"])
    assert row["comparison_note"] == "like for like"
    assert row["comparison_95"] == "similar"
    assert row["p_value"] == pytest.approx(_score_p(36, 75, 0.48), rel=1e-9)
    assert "University of Bristol" in row["national_source"]
    assert row["national_url"].startswith("https://")


def test_other_period_is_context_only() -> None:
    # The sample's flip: 2023/24 was "similar" to 28% (2017/18), 2024/25 "lower" than 48%.
    local = pd.concat(
        [_local(20, 54, "2023/24"), _local(26, 74, "2024/25"), _local(4, 25, "2017/18")],
        ignore_index=True,
    )
    out = compare_national(local, "reviews_with_modifiable_factors")
    assert out["like_for_like"].tolist() == [False, True, True]
    assert pd.isna(out["comparison_95"].iloc[0]) and pd.isna(out["p_value"].iloc[0])
    assert out["national_value"].tolist() == [48.0, 48.0, 28.0]
    assert out["comparison_note"].iloc[0] == "national figure for 2024/25, not 2023/24"


def test_max_gap_never_crosses_the_2019_reforms() -> None:
    local = pd.concat([_local(20, 54, "2023/24"), _local(20, 54, "2019/20")], ignore_index=True)
    out = compare_national(local, "reviews_with_modifiable_factors", max_gap=1)
    assert out["like_for_like"].tolist() == [True, False]
    out = compare_national(_local(8, 25, "2018/19"), "reviews_with_modifiable_factors", max_gap=1)
    assert out["like_for_like"].tolist() == [True]
    assert out["national_period"].tolist() == ["2017/18"]
    out = compare_national(_local(8, 25, "2019/20"), "reviews_with_modifiable_factors", max_gap=5)
    assert out["national_period"].tolist() == ["2024/25"]
    with pytest.raises(CdopArgumentError, match="max_gap"):
        compare_national(_local(8, 25), "reviews_with_modifiable_factors", max_gap=-1)


def test_calendar_years_against_financial_figures_warn(sample: cdop.Dataset) -> None:
    local = infant_mortality(sample, by=None, period="calendar", years=[2023, 2024])
    with pytest.warns(NationalComparisonWarning, match="England and Wales|calendar"):
        out = compare_national(local, "infant_mortality_rate")
    assert not out["like_for_like"].any()
    # 2023 gets the nearest figure for England (a financial year), as context and said so.
    assert out["comparison_note"].iloc[0] == (
        "national figure for a financial year (2024/25); local figures for calendar years"
    )
    financial = infant_mortality(sample, by=None, period="financial", years=["2024/25"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = compare_national(financial, "infant_mortality_rate").iloc[0]
    assert bool(row["like_for_like"]) and row["national_value"] == 3.8


def test_rows_by_quintile_against_an_overall_figure(sample: cdop.Dataset) -> None:
    by_q = infant_mortality(sample, by="imd_quintile", period="financial", years=["2024/25"])
    with pytest.raises(CdopArgumentError, match=r"split by imd_quintile.*whole population"):
        compare_national(by_q, "infant_mortality_rate")


def test_indicator_without_figures_gives_notes() -> None:
    local = pd.DataFrame(
        {"period": ["2024/25"], "sex": ["male"], "numerator": [3], "denominator": [5]}
    )
    with pytest.warns(NationalComparisonWarning, match="hold none of 'reviews_by_sex'"):
        out = compare_national(local, "reviews_by_sex")
    assert out["comparison_note"].tolist() == ["no national figure for sex male"]
    assert out["national_value"].isna().all()


def test_matching_on_level(small: cdop.Dataset) -> None:
    local = breakdown(small, "modifiable_factors", years=["2022/23", "2023/24"])
    out = compare_national(local, "reviews_with_modifiable_factors", max_gap=10)
    assert out.index.equals(local.index)
    assert out.columns.tolist()[: len(local.columns)] == local.columns.tolist()
    yes = out["modifiable_factors"] == "yes"
    assert out.loc[yes, "national_value"].eq(48.0).all()
    assert out.loc[~yes, "national_value"].isna().all()


def test_rates_use_the_paired_poisson_test(sample: cdop.Dataset) -> None:
    row = compare_national(child_mortality(sample, years=["2023/24"]), "child_mortality_rate")
    row = row.iloc[0]
    o = float(row["numerator"])
    e = 29.8 / 1e5 * row["denominator"]
    if o < 10:
        p = min(1.0, 2 * min(sps.poisson.cdf(o, e), sps.poisson.sf(o - 1, e)))
    else:  # Byar's approximation, inverted at the observed count (methods-statistics.md)
        z_l = 3 * np.sqrt(o) * (1 - 1 / (9 * o) - (e / o) ** (1 / 3))
        z_u = 3 * np.sqrt(o + 1) * ((e / (o + 1)) ** (1 / 3) - 1 + 1 / (9 * (o + 1)))
        p = min(1.0, 2 * sps.norm.sf(max(z_l, z_u)))
    assert row["p_value"] == pytest.approx(p, rel=1e-9)
    label = "higher" if row["lower_ci"] > 29.8 else "lower" if row["upper_ci"] < 29.8 else "similar"
    assert row["comparison_95"] == label
    assert "Poisson" in row["comparison_method"]


def test_timeliness_columns_follow_from_the_indicator(sample: cdop.Dataset) -> None:
    t = review_timeliness(sample)
    # No England figure of reviews within 12 months is shipped: said, not silently empty.
    with pytest.warns(NationalComparisonWarning, match="hold none of 'reviews_within_12"):
        alone = compare_national(t, "reviews_within_12_months")
    assert alone["national_value"].isna().all() and not alone["like_for_like"].any()
    # With a panel's own figure for England (a made-up 80% in 2024/25): like for like,
    # the same whether the columns are named or follow from the indicator.
    mine = national_benchmarks(
        pd.DataFrame(
            [
                _row(
                    indicator="reviews_within_12_months",
                    period="2024/25",
                    value="80",
                    unit="percent",
                    definition="reviews completed within 12 months of the death",
                    denominator_definition="reviews completed in the year",
                    quote="80% of reviews were completed within 12 months",
                )
            ]
        )
    )
    told = compare_national(
        t, "reviews_within_12_months", national=mine, x="within_12_months", n="reviews"
    )
    inferred = compare_national(t, "reviews_within_12_months", national=mine)
    pd.testing.assert_frame_equal(told, inferred)
    latest = told[told["period"] == "2024/25"].iloc[0]
    assert bool(latest["like_for_like"]) and latest["national_value"] == 80.0
    x, n = int(latest["within_12_months"]), int(latest["reviews"])
    assert latest["p_value"] == pytest.approx(_score_p(x, n, 0.80), rel=1e-9)
    with pytest.warns(NationalComparisonWarning, match="to the table passed as `national`"):
        compare_national(t, "reviews_within_12_months", national=national_benchmarks())
    with pytest.raises(CdopArgumentError, match=r"'reviews' \(the denominator of"):
        compare_national(t.drop(columns="reviews"), "reviews_within_12_months")


def test_errors() -> None:
    with pytest.raises(CdopArgumentError, match="`indicator`"):
        compare_national(_local(1, 2), "no_such_indicator")
    with pytest.raises(CdopArgumentError, match="count"):
        compare_national(_local(1, 2), "reviews_completed")
    with pytest.raises(CdopArgumentError, match="'sex'"):
        compare_national(_local(1, 2), "reviews_by_sex")
    with pytest.raises(CdopArgumentError, match="'period'"):
        compare_national(_local(1, 2).drop(columns="period"), "reviews_with_modifiable_factors")


def test_the_shipped_table_round_trips_through_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    national_benchmarks().to_csv(path, index=False)
    again = read_national(path)
    pd.testing.assert_frame_equal(again, national_benchmarks())


def test_each_area_against_england() -> None:
    """One row per area and year is each area's whole population: like for like with
    England's child mortality rate (29.8 per 100,000 in 2023/24, the shipped national
    figure). Rows of a part of an area's population are still refused."""
    local = pd.DataFrame(
        {
            "residence_area": ["Northmoor", "Southvale"],
            "period": ["2023/24", "2023/24"],
            "numerator": [12, 30],
            "denominator": [40_000, 100_000],
        }
    )
    out = compare_national(local, "child_mortality_rate")
    assert out["residence_area"].tolist() == ["Northmoor", "Southvale"]
    assert out["national_value"].tolist() == [29.8, 29.8]
    assert out["like_for_like"].tolist() == [True, True]
    by_sex = pd.concat([local.assign(sex="male"), local.assign(sex="female")])
    with pytest.raises(
        CdopArgumentError, match=r"2 rows for 2023/24, residence_area 'Northmoor' \(split by sex"
    ):
        compare_national(by_sex, "child_mortality_rate")


_CONFIDENCES: list[float | tuple[float, ...]] = [(0.95, 0.998), 0.95, (0.8, 0.9, 0.99)]


def _labels_and_p(frame: pd.DataFrame) -> dict[str, list[object]]:
    """The label columns and p-values of a comparison, missing values as None."""
    cols = [c for c in frame.columns if c.startswith("comparison") and c != "comparison_note"]
    cols = [c for c in cols if c != "comparison_method"] + ["p_value"]
    return {c: [None if pd.isna(v) else v for v in frame[c]] for c in cols}


def _stats_compare(
    local: pd.DataFrame, national: float, confidence: object, **options: object
) -> pd.DataFrame:
    """cdop.stats.compare of the local counts against ``national``, a denominator of 0
    read as none (as compare_national reads it)."""
    frame = local.assign(
        national=national, denominator=local["denominator"].where(local["denominator"] > 0)
    )
    return stats.compare(
        frame,
        "numerator",
        "denominator",
        "national",
        confidence=confidence,  # type: ignore[arg-type]
        na="propagate",
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("seed", range(6))
def test_verdicts_are_those_of_stats_compare(seed: int) -> None:
    """compare_national's labels and p-values against the public cdop.stats.compare run
    on the same counts and national value (48% of reviews with modifiable factors in
    2024/25, 29.8 child deaths per 100,000 in 2023/24: the shipped figures), over random
    counts with zeros, missing and zero denominators, at one and at several levels."""
    rng = np.random.default_rng(seed)
    confidence = _CONFIDENCES[seed % 3]
    k = 80
    total = rng.integers(0, 60, k).astype(float)
    x = rng.integers(0, 61, k) % (total.astype(int) + 1)
    total[rng.random(k) < 0.1] = np.nan
    share = pd.DataFrame(
        {"period": "2024/25", "modifiable_factors": "yes", "numerator": x, "denominator": total}
    )
    out = compare_national(share, "reviews_with_modifiable_factors", confidence=confidence)
    direct = _stats_compare(share, 48.0, confidence, statistic="proportion", multiplier=100)
    assert _labels_and_p(out) == _labels_and_p(direct)

    children = rng.integers(0, 200_000, k).astype(float)
    deaths = rng.poisson(children * 3e-4).astype(float)
    deaths[rng.random(k) < 0.05] = np.nan
    areas = pd.DataFrame(
        {
            "residence_area": [f"area {i}" for i in range(k)],
            "period": "2023/24",
            "numerator": deaths,
            "denominator": children,
        }
    )
    out = compare_national(areas, "child_mortality_rate", confidence=confidence)
    direct = _stats_compare(areas, 29.8, confidence)
    assert _labels_and_p(out) == _labels_and_p(direct)
    levels = confidence if isinstance(confidence, tuple) else (confidence,)
    first = "comparison" if len(levels) == 1 else f"comparison_{round(levels[0] * 100)}"
    assert out[first].notna().sum() > 40


def test_counts_stats_compare_refuses_are_refused_alike() -> None:
    with pytest.raises(CdopArgumentError, match=r"compare\(\): argument `x`.*must not exceed"):
        compare_national(_local(10, 5), "reviews_with_modifiable_factors")
    with pytest.raises(CdopArgumentError, match=r"compare\(\): argument `x`.*greater than or"):
        compare_national(_local(-1, 5), "reviews_with_modifiable_factors")
    with pytest.raises(CdopArgumentError, match=r"compare\(\): argument `confidence`"):
        compare_national(_local(1, 5), "reviews_with_modifiable_factors", confidence=-0.5)
