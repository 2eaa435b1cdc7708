"""National benchmarks and compare_national(), checked against exact tests written here."""

from __future__ import annotations

import pandas as pd
import pytest
from analytics_helpers import sample_dataset, small_dataset
from scipy import stats as sps

import cdop
from cdop.analytics import (
    BENCHMARK_COLUMNS,
    NATIONAL_EDITION,
    breakdown,
    child_mortality,
    compare_national,
    national_benchmarks,
    review_timeliness,
)
from cdop.errors import CdopArgumentError


@pytest.fixture
def small() -> cdop.Dataset:
    return small_dataset()


@pytest.fixture
def sample() -> cdop.Dataset:
    return sample_dataset()


def _central_binomial_p(x: int, n: int, p0: float) -> float:
    """The score test the Wilson interval inverts (the p-value printed beside its verdict)."""
    z = (x - n * p0) / (n * p0 * (1 - p0)) ** 0.5
    return float(2 * sps.norm.sf(abs(z)))


def test_shipped_table() -> None:
    nb = national_benchmarks()
    assert nb.columns.tolist() == list(BENCHMARK_COLUMNS)
    assert (nb["edition"] == NATIONAL_EDITION).all()
    assert nb["source"].notna().all()

    def value(indicator: str, period: str, level: str | None = None) -> float:
        rows = nb[(nb["indicator"] == indicator) & (nb["period"] == period)]
        if level is not None:
            rows = rows[rows["level"] == level]
        assert len(rows) == 1
        return float(rows["value"].iloc[0])

    # Figures of the domain brief.
    assert value("reviews_completed", "2016/17") == 3575
    assert value("reviews_completed", "2020/21") == 2575
    assert value("review_duration_band", "2016/17", "Under 6 months") == 32
    assert value("reviews_within_12_months", "2016/17") == 76
    assert value("reviews_by_sex", "2016/17", "male") == 56
    assert value("reviews_with_modifiable_factors", "2024/25", "yes") == 48
    assert value("deaths_notified", "2023/24") == 3577
    assert value("child_mortality_rate", "2023/24") == 29.8
    assert value("infant_mortality_rate", "2024/25") == 3.8
    assert value("infant_mortality_rate_by_imd_quintile", "2024/25", "1") == 5.3
    assert value("child_mortality_rate_by_imd_quintile", "2024/25", "5") == 17.4
    assert value("infant_mortality_rate_by_imd_decile", "2022", "1") == 6.1


def test_user_rows_add_and_override() -> None:
    extra = pd.DataFrame(
        {
            "indicator": ["child_mortality_rate", "child_mortality_rate"],
            "period": ["2023/24", "2024/25"],
            "value": [30.0, 31.0],
            "unit": ["per 100,000"] * 2,
            "source": ["mine", "mine"],
        }
    )
    nb = national_benchmarks(extra)
    rows = nb[nb["indicator"] == "child_mortality_rate"]
    assert rows["period"].tolist() == ["2023/24", "2024/25"]
    assert rows["value"].tolist() == [30.0, 31.0]
    assert rows["edition"].tolist() == ["user", "user"]
    assert len(nb) == len(national_benchmarks()) + 1
    with pytest.raises(CdopArgumentError, match="unit"):
        national_benchmarks(extra.assign(unit="per cent"))
    with pytest.raises(CdopArgumentError, match="period"):
        national_benchmarks(extra.assign(period="last year"))


def _local(x: int, total: int, year: str = "2016/17") -> pd.DataFrame:
    return pd.DataFrame({"year": [year], "band": ["Under 6 months"], "n": [x], "total": [total]})


def test_equal_proportion_is_similar() -> None:
    out = compare_national(_local(32, 100), "review_duration_band")
    row = out.iloc[0]
    assert row["national_value"] == 32.0
    assert row["national_period"] == "2016/17"
    assert bool(row["same_period"])
    assert row["comparison_95"] == "similar"
    assert row["comparison_99_8"] == "similar"
    assert row["p_value"] == pytest.approx(_central_binomial_p(32, 100, 0.32))
    assert row["p_value"] == pytest.approx(1.0)
    assert "Wilson" in row["comparison_method"]


@pytest.mark.parametrize(
    ("x", "label_95", "label_998"),
    [(10, "lower", "lower"), (60, "higher", "higher"), (22, "lower", "similar")],
)
def test_different_proportion(x: int, label_95: str, label_998: str) -> None:
    out = compare_national(_local(x, 100), "review_duration_band")
    row = out.iloc[0]
    assert row["comparison_95"] == label_95
    assert row["comparison_99_8"] == label_998
    assert row["p_value"] == pytest.approx(_central_binomial_p(x, 100, 0.32), rel=1e-9)


def test_latest_earlier_period_is_flagged() -> None:
    local = pd.concat(
        [
            _local(30, 100, "2015/16"),
            _local(30, 100, "2016/17"),
            _local(30, 100, "2019/20"),
            _local(30, 100, "Yr 12 19/20"),
        ],
        ignore_index=True,
    )
    out = compare_national(local, "review_duration_band")
    assert out["national_period"].isna().tolist() == [True, False, False, False]
    assert out["same_period"].tolist()[1:] == [True, False, False]
    assert pd.isna(out["same_period"].iloc[0])
    assert pd.isna(out["comparison_95"].iloc[0])
    assert out["national_value"].tolist()[1:] == [32.0, 32.0, 32.0]


def test_matching_on_level(small: cdop.Dataset) -> None:
    local = breakdown(small, "sex", years=["2022/23", "2023/24"])
    out = compare_national(local, "reviews_by_sex")
    assert out.index.equals(local.index)
    assert out.columns.tolist()[: len(local.columns)] == local.columns.tolist()
    # Male and female rows get their national share (latest earlier period: 2016/17).
    assert out["national_value"].iloc[[0, 1, 4, 5]].tolist() == [56.0, 44.0, 56.0, 44.0]
    assert out["national_value"].iloc[[2, 3, 6, 7]].isna().all()
    male = out.iloc[4]  # 2023/24: 3 of 5
    assert male["p_value"] == pytest.approx(_central_binomial_p(3, 5, 0.56))


def test_rates_use_poisson_test(sample: cdop.Dataset) -> None:
    local = child_mortality(sample, years=["2023/24"])
    out = compare_national(local, "child_mortality_rate")
    row = out.iloc[0]
    expected = 29.8 / 1e5 * row["population"]
    d = int(row["deaths"])
    if d < 10:
        p = min(1.0, 2 * min(sps.poisson.cdf(d, expected), sps.poisson.sf(d - 1, expected)))
    else:  # Byar's test, the one Byar's limits invert
        z_l = 3 * d**0.5 * (1 - 1 / (9 * d) - (expected / d) ** (1 / 3))
        z_u = 3 * (d + 1) ** 0.5 * ((expected / (d + 1)) ** (1 / 3) - 1 + 1 / (9 * (d + 1)))
        p = min(1.0, 2 * sps.norm.sf(max(z_l, z_u)))
    assert row["p_value"] == pytest.approx(p, rel=1e-9)
    label = "higher" if row["lower_ci"] > 29.8 else "lower" if row["upper_ci"] < 29.8 else "similar"
    assert row["comparison_95"] == label
    assert "Poisson" in row["comparison_method"]


def test_timeliness_needs_columns(sample: cdop.Dataset) -> None:
    t = review_timeliness(sample)
    with pytest.raises(CdopArgumentError, match="pass `x` and `n`"):
        compare_national(t, "reviews_within_12_months")
    out = compare_national(t, "reviews_within_12_months", x="within_12_months", n="reviews")
    assert out["national_value"].eq(76.0).all()


def test_errors() -> None:
    with pytest.raises(CdopArgumentError, match="`indicator`"):
        compare_national(_local(1, 2), "no_such_indicator")
    with pytest.raises(CdopArgumentError, match="count"):
        compare_national(_local(1, 2), "reviews_completed")
    with pytest.raises(CdopArgumentError, match="'sex'"):
        compare_national(_local(1, 2), "reviews_by_sex")
    with pytest.raises(CdopArgumentError, match="'year'"):
        compare_national(_local(1, 2).drop(columns="year"), "review_duration_band")
