"""publishable(): an analytics result with the chapter's disclosure rules and formats.

Every expected cell is worked out by hand in the test from the default rules (hide 1-5,
"*", no rate below 3 events, "u" below 20: docs/disclosure.md) and the chapter's
rounding (half away from zero, as Excel's ROUND).
"""

from __future__ import annotations

import pandas as pd
import pytest

import cdop
from cdop import analytics
from cdop.disclosure import DisclosureRules
from cdop.report import publishable


def test_small_counts_and_a_count_that_would_reveal_them_are_hidden() -> None:
    result = pd.DataFrame(
        {
            "year": ["2023/24"] * 3,
            "band": ["Under 6 months", "6-12 months", "Over 12 months"],
            "n": [14, 3, 9],
            "total": [26, 26, 26],
            "percent": [100 * 14 / 26, 100 * 3 / 26, 100 * 9 / 26],
        }
    )
    table = publishable(result)
    # 3 is small; the year's total of 26 is printed, so 26 - 14 - 9 would give it away:
    # one more count of the year is hidden (9, the smaller of the two left).
    assert table.to_frame()["n"].tolist() == ["14", "*", "*"]
    # 14 / 26 = 53.85% -> "54%"; the percentages of hidden counts are hidden with them.
    assert table.to_frame()["percent"].tolist() == ["54%", "*", "*"]
    assert table.tidy["n"].tolist() == [14, pd.NA, pd.NA]
    assert table.tidy["suppressed"].tolist() == [False, True, True]
    assert table.notes[0].startswith("* Counts from 1 to 5 are not shown")


def test_a_count_close_to_its_total_is_hidden() -> None:
    # 22 of 24 reviews within 12 months: 2 were not, a small count readers could work out.
    result = pd.DataFrame(
        {"year": ["2024/25", "2023/24"], "n": [22, 30], "total": [24, 60], "percent": [91.7, 50.0]}
    )
    assert publishable(result).to_frame()["n"].tolist() == ["*", "30"]


def test_rates_from_few_deaths_are_withheld_or_flagged() -> None:
    result = pd.DataFrame(
        {
            "year": ["2022", "2023", "2024"],
            "deaths": [7, 12, 25],
            "live_births": [3100, 3050, 2990],
            "rate": [7 / 3.1, 12 / 3.05, 25 / 2.99],
            "lower_ci": [0.91, 2.03, 5.41],
            "upper_ci": [4.65, 6.87, 12.34],
            "method": ["Exact", "Byars", "Byars"],
        }
    )
    rules = DisclosureRules(min_rate_events=8)
    frame = publishable(result, rules=rules).to_frame()
    # 7 deaths: shown (above 5) but fewer than 8, so no rate; 12: rate flagged u (< 20);
    # 25: the rate as it is. 12 / 3.05 = 3.934 -> "3.9"; 25 / 2.99 = 8.361 -> "8.4".
    assert frame["deaths"].tolist() == ["7", "12", "25"]
    assert frame["rate"].tolist() == ["*", "3.9 u", "8.4"]
    assert frame["lower_ci"].tolist() == ["*", "2.0", "5.4"]
    assert frame["live_births"].tolist() == ["3,100", "3,050", "2,990"]  # never hidden
    assert "method" not in frame.columns
    notes = " ".join(publishable(result, rules=rules).notes)
    assert "Rates based on fewer than 8 deaths are not shown." in notes
    assert "Intervals: Byars, Exact." in notes


def test_p_values_never_print_as_zero() -> None:
    result = pd.DataFrame({"year": ["2024/25"], "n": [40], "p_value": [0.0]})
    assert publishable(result).to_frame()["p_value"].tolist() == ["p < 0.001"]


def test_real_analytics_results_keep_their_rows_and_hide_small_counts() -> None:
    ds = cdop.load_sample()
    result = analytics.breakdown(ds, "category")
    table = publishable(result, title="Category of death")
    frame = table.to_frame()
    assert len(frame) == len(result) and table.caption == "Category of death"
    counts = result["numerator"].to_numpy()
    shown = frame["numerator"].to_numpy()
    small = (counts >= 1) & (counts <= 5)
    assert (shown[small] == "*").all()
    zeros = counts == 0
    assert (shown[zeros] == "0").all()
    # Nothing shown is a small count, and shown counts are the true counts.
    visible = shown != "*"
    assert [int(s.replace(",", "")) for s in shown[visible]] == counts[visible].tolist()
    # The input is not changed.
    assert result.equals(analytics.breakdown(ds, "category"))


def test_wrong_input_explains_itself() -> None:
    with pytest.raises(cdop.CdopArgumentError, match="no rows"):
        publishable(pd.DataFrame({"n": []}))
    with pytest.raises(cdop.CdopArgumentError, match="expected a pandas DataFrame"):
        publishable([1, 2])  # type: ignore[arg-type]
    with pytest.raises(cdop.CdopArgumentError, match="counts: no column 'deaths'"):
        publishable(pd.DataFrame({"n": [1]}), counts=["deaths"])
    with pytest.raises(cdop.CdopArgumentError, match=r"whole numbers of 0 or more; row 1 holds -2"):
        publishable(pd.DataFrame({"year": ["a", "b"], "n": [3, -2]}), counts=["n"])


def test_a_value_of_unknown_kind_must_be_named() -> None:
    result = pd.DataFrame({"residence_area": ["A", "B"], "numerator": [7, 30], "value": [1.0, 2]})
    with pytest.raises(cdop.CdopArgumentError, match="statistic='rate' or statistic='proportion'"):
        publishable(result)
    rates = publishable(result, statistic="rate").to_frame()
    assert rates["value"].tolist() == ["1.0 u", "2.0"]  # 7 deaths < 20: flagged
    shares = publishable(result, statistic="proportion").to_frame()
    assert shares["value"].tolist() == ["1%", "2%"]  # percentages: never flagged


def test_area_rates_with_financial_year_births() -> None:
    # compare_areas' columns for rates: the denominator counts live births, shared out from
    # calendar years for a financial year (3/4 of 2024 + 1/4 of 2025 = 1,056.25 here).
    result = pd.DataFrame(
        {
            "residence_area": ["Irevale", "Caldene"],
            "numerator": [2, 35],
            "denominator": [0.75 * 1060 + 0.25 * 1045, 5045.0],
            "value": [1000 * 2 / 1056.25, 1000 * 35 / 5045],
            "statistic": ["rate", "rate"],
        }
    )
    table = publishable(result)
    frame = table.to_frame()
    assert frame["numerator"].tolist() == ["*", "35"]
    assert frame["denominator"].tolist() == ["1,056", "5,045"]  # births are never hidden
    assert frame["value"].tolist() == ["*", "6.9"]  # 35 / 5,045 x 1,000 = 6.94
    assert any("not whole numbers" in note for note in table.notes)


def test_only_the_statistic_and_its_limits_print_as_percentages() -> None:
    # review_timeliness: the statistic column says "percentage", but the days are days.
    result = pd.DataFrame(
        {
            "year": [2024],
            "period": ["2024/25"],
            "reviews": [74],
            "median_days": [232.0],
            "within_12_months": [59],
            "within_12_months_value": [79.72973],
            "within_12_months_lower_ci": [69.212223],
            "within_12_months_upper_ci": [87.312925],
            "confidence": ["95%"],
            "statistic": ["percentage"],
            "method": ["Wilson"],
        }
    )
    row = publishable(result).to_frame().iloc[0]
    assert row["median_days"] == "232.0"
    assert row[["within_12_months_value", "within_12_months_lower_ci"]].tolist() == ["80%", "69%"]
    # compare_areas: a rank and a multiplier are whole numbers, not percentages.
    areas = pd.DataFrame(
        {
            "residence_area": ["A", "B"],
            "rank": [1, 2],
            "numerator": [33, 26],
            "denominator": [41, 33],
            "value": [80.49, 78.79],
            "benchmark_value": [79.73, 79.73],
            "statistic": ["percentage", "percentage"],
            "multiplier": [100, 100],
        }
    )
    shown = publishable(areas).to_frame()
    assert shown["rank"].tolist() == ["1", "2"] and shown["multiplier"].tolist() == ["100"] * 2
    assert shown["value"].tolist() == ["80%", "79%"] and shown["benchmark_value"][0] == "80%"
    # mortality_inequality: limits of a rate ratio or an SII are not percentages.
    gap = pd.DataFrame(
        {
            "year": [2018],
            "period": ["2018-2020"],
            "rate_ratio": [1.625],
            "rate_ratio_lower_ci": [0.93],
            "rate_ratio_upper_ci": [2.841],
            "sii": [2.811],
            "sii_lower_ci": [0.311],
            "sii_upper_ci": [5.277],
            "confidence": ["95%"],
        }
    )
    row = publishable(gap).to_frame().iloc[0]
    assert row[["rate_ratio", "rate_ratio_lower_ci", "rate_ratio_upper_ci"]].tolist() == [
        "1.6",
        "0.9",
        "2.8",
    ]
    assert row[["sii_lower_ci", "sii_upper_ci"]].tolist() == ["0.3", "5.3"]


def test_band_labels_and_a_trend_span_are_shown_as_they_are() -> None:
    ds = cdop.load_sample()
    bands = analytics.neonatal_bands(ds, "birthweight", years=2024)
    frame = publishable(bands).to_frame()
    # The band says which row is which, also where its count is hidden.
    labels = bands["birthweight_band"].astype("object").fillna("").tolist()
    assert frame["birthweight_band"].tolist() == labels
    trend = analytics.mortality_trend(analytics.infant_mortality(ds))
    shown = publishable(trend).to_frame()
    assert shown["first_year"].tolist() == [str(y) for y in trend["first_year"]]
    assert shown["last_year"].tolist() == [str(y) for y in trend["last_year"]]
    assert shown["periods"].tolist() == [str(p) for p in trend["periods"]]


def test_a_statistics_result_without_key_columns() -> None:
    # cdop.stats results have no label column: counts are hidden one by one (ONS: no
    # rate from fewer than 3 deaths), not as a grid with totals.
    from cdop import stats

    frame = pd.DataFrame({"x": [20, 4, 0], "n": [50_000, 30_000, 1_000]})
    out = publishable(stats.compare(frame, "x", "n", 29.8)).to_frame()
    assert out["x"].tolist() == ["20", "*", "0"]
    assert out["n"].tolist() == ["50,000", "30,000", "1,000"]
    assert out["value"].tolist() == ["40.0", "*", "*"]  # 20 / 50,000 x 100,000
