"""Behaviour beyond the reference files: edge counts, levels, compare, trends, kernels."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from cdop import stats
from cdop.errors import SmallNumberWarning


def test_zero_to_eleven_events_either_side_of_byar_switch() -> None:
    df = pd.DataFrame({"x": np.arange(12), "n": np.full(12, 1000)})
    out = stats.rate(df, "x", "n", multiplier=1000)
    assert out["method"].tolist() == ["Exact"] * 10 + ["Byars"] * 2
    assert out.loc[0, "lower_ci"] == 0.0
    assert out.loc[0, "value"] == 0.0
    # Exact limits equal the chi-squared quantiles (scipy.stats used only in the test).
    x = np.arange(1, 10)
    assert np.allclose(out["lower_ci"][1:10], sps.chi2.ppf(0.025, 2 * x) / 2, rtol=1e-12)
    assert np.allclose(
        out["upper_ci"][:10], sps.chi2.ppf(0.975, 2 * np.arange(10) + 2) / 2, rtol=1e-12
    )
    # Byar's at 10 and 11.
    z = sps.norm.ppf(0.975)
    for o in (10, 11):
        assert np.isclose(
            out.loc[o, "lower_ci"], o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3, rtol=1e-12
        )
    assert (np.diff(out["upper_ci"]) > 0).all()
    assert (out["lower_ci"] <= out["value"]).all() and (out["value"] <= out["upper_ci"]).all()


def test_byar_threshold_constant() -> None:
    assert stats.BYAR_THRESHOLD == 10
    assert stats.DSR_THRESHOLD == 10


def test_very_large_counts() -> None:
    df = pd.DataFrame({"x": [5e9, 7_776_456], "n": [1e10, 7_564_336_677]})
    out = stats.rate(df, "x", "n", confidence=(0.95, 0.998))
    assert np.isfinite(out.filter(like="_ci_").to_numpy()).all()
    assert out.loc[0, "lower_ci_95"] < 50_000 < out.loc[0, "upper_ci_95"]
    half = (out.loc[0, "upper_ci_95"] - out.loc[0, "lower_ci_95"]) / 2
    assert np.isclose(half, 1.959964 * np.sqrt(5e9) / 1e10 * 1e5, rtol=1e-4)
    prop = stats.proportion(df, "x", "n", confidence=(0.95, 0.998))
    assert (prop["lower_ci_99_8"] < prop["lower_ci_95"]).all()
    assert np.isclose(prop.loc[0, "upper_ci_95"] - 0.5, 1.959964 * np.sqrt(0.25 / 1e10), rtol=1e-4)


@pytest.mark.parametrize(
    ("confidence", "names", "label"),
    [
        (0.95, ["lower_ci", "upper_ci"], "95%"),
        (0.998, ["lower_ci", "upper_ci"], "99.8%"),
        (90, ["lower_ci", "upper_ci"], "90%"),
        (
            (0.95, 0.998),
            ["lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8"],
            "95%, 99.8%",
        ),
        (
            [0.9, 0.95, 0.998],
            [
                "lower_ci_90",
                "upper_ci_90",
                "lower_ci_95",
                "upper_ci_95",
                "lower_ci_99_8",
                "upper_ci_99_8",
            ],
            "90%, 95%, 99.8%",
        ),
        (
            (0.975, 99.9),
            ["lower_ci_97_5", "upper_ci_97_5", "lower_ci_99_9", "upper_ci_99_9"],
            "97.5%, 99.9%",
        ),
    ],
)
def test_confidence_levels_and_column_names(
    confidence: object, names: list[str], label: str
) -> None:
    df = pd.DataFrame({"x": [3, 30], "n": [100, 100]})
    for func in (stats.rate, stats.proportion):
        out = func(df, "x", "n", confidence=confidence)  # type: ignore[operator]
        assert list(out.columns) == ["x", "n", "value", *names, "confidence", "statistic", "method"]
        assert (out["confidence"] == label).all()


def test_ninety_percent_matches_normal_quantile() -> None:
    out = stats.proportion(pd.DataFrame({"x": [30], "n": [100]}), "x", "n", confidence=0.9)
    z = sps.norm.ppf(0.95)
    p, n = 0.3, 100
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert np.isclose(out.loc[0, "lower_ci"], centre - half, rtol=1e-12)
    assert np.isclose(out.loc[0, "upper_ci"], centre + half, rtol=1e-12)


def test_confidence_one_is_whole_range() -> None:
    df = pd.DataFrame({"x": [0, 5, 50], "n": [100, 100, 100]})
    r = stats.rate(df, "x", "n", confidence=1)
    assert (r["lower_ci"] == 0).all() and np.isinf(r["upper_ci"]).all()
    assert (r["confidence"] == "100%").all()
    p = stats.proportion(df, "x", "n", confidence=1.0, multiplier=100)
    assert (p["lower_ci"] == 0).all() and (p["upper_ci"] == 100).all()


def test_proportion_zero_and_all() -> None:
    out = stats.proportion(pd.DataFrame({"x": [0, 7], "n": [7, 7]}), "x", "n")
    assert out.loc[0, "lower_ci"] == 0.0 and out.loc[1, "upper_ci"] == 1.0
    assert 0 < out.loc[0, "upper_ci"] < 1 and 0 < out.loc[1, "lower_ci"] < 1


def test_grouping_keeps_group_columns_first_and_sorted() -> None:
    df = pd.DataFrame(
        {
            "year": [2021, 2020, 2021, 2020],
            "sex": ["F", "M", "M", "F"],
            "x": [1, 2, 3, 4],
            "n": [10, 20, 30, 40],
            "other": list("abcd"),
        }
    )
    out = stats.rate(df, "x", "n", group_by=["year", "sex"])
    assert list(out.columns[:4]) == ["year", "sex", "x", "n"]
    assert out[["year", "sex"]].to_records(index=False).tolist() == [
        (2020, "F"),
        (2020, "M"),
        (2021, "F"),
        (2021, "M"),
    ]
    assert out["x"].dtype == np.int64
    assert "other" not in out.columns


def test_compare_labels_and_p_values() -> None:
    df = pd.DataFrame(
        {
            "area": ["A", "B", "C", "D"],
            "deaths": [60, 20, 2, 0],
            "pop": [100_000, 50_000, 100_000, 1_000],
        }
    )
    out = stats.compare(df, "deaths", "pop", 29.8)
    assert out["comparison_95"].tolist() == ["higher", "similar", "lower", "similar"]
    assert list(out.columns[-4:]) == ["benchmark", "comparison_95", "comparison_99_8", "p_value"]
    # 20 events (Byar's limits): Byar's test against the expected count, by hand.
    expected = 29.8 / 1e5 * 50_000
    z_l = 3 * np.sqrt(20) * (1 - 1 / 180 - (expected / 20) ** (1 / 3))
    assert np.isclose(out.loc[1, "p_value"], 2 * sps.norm.sf(z_l), rtol=1e-10)
    # 2 events (exact limits): the exact central Poisson test, checked with scipy.
    expected_c = 29.8 / 1e5 * 100_000
    assert np.isclose(out.loc[2, "p_value"], 2 * sps.poisson.cdf(2, expected_c), rtol=1e-10)
    assert out.loc[3, "p_value"] == 1.0  # no events, tiny population: no evidence either way
    # Proportions: the score test the Wilson interval inverts, z = (76 - 50) / 5.
    props = pd.DataFrame({"x": [76, 30], "n": [100, 60]})
    res = stats.compare(props, "x", "n", 0.5, statistic="proportion", confidence=0.95)
    assert res["comparison"].tolist() == ["higher", "similar"]
    assert np.isclose(res.loc[0, "p_value"], 2 * sps.norm.sf(26 / 5), rtol=1e-9)
    assert np.isclose(res.loc[1, "p_value"], 1.0)


def test_compare_benchmark_column_grouped() -> None:
    df = pd.DataFrame(
        {"g": ["a", "a", "b"], "x": [5, 6, 50], "n": [1000, 1000, 1000], "eng": [0.5, 0.5, 0.01]}
    )
    out = stats.compare(df, "x", "n", "eng", statistic="proportion", multiplier=1, group_by="g")
    assert out["benchmark"].tolist() == [0.5, 0.01]
    assert out["comparison_99_8"].tolist() == ["lower", "higher"]


def test_poisson_trend_two_periods_closed_form() -> None:
    df = pd.DataFrame(
        {
            "g": ["a", "a", "b", "b"],
            "t": [0, 1, 0, 1],
            "x": [10, 20, 30, 15],
            "n": [1000, 1000, 2000, 1000],
        }
    )
    out = stats.poisson_trend(df, "x", "n", "t", group_by="g")
    assert np.allclose(out["value"], [2.0, 1.0], rtol=1e-10)
    assert np.allclose(out["se"], [np.sqrt(1 / 10 + 1 / 20), np.sqrt(1 / 30 + 1 / 15)], rtol=1e-9)
    assert out["statistic"].iloc[0] == "rate ratio per unit of t"


def test_poisson_trend_solves_likelihood_equations() -> None:
    rng = np.random.default_rng(3)
    years = np.arange(2010, 2024)
    n = rng.integers(50_000, 60_000, years.size).astype(float)
    x = rng.poisson(n * 4e-4 * 0.97 ** (years - 2010))
    df = pd.DataFrame({"year": years, "x": x, "n": n})
    out = stats.poisson_trend(df, "x", "n", "year")
    beta1 = np.log(out["value"].iloc[0])
    # Score equations at the MLE: sum(x - mu) = 0 and sum(t (x - mu)) = 0.
    t = years - years.mean()
    beta0 = np.log(x.sum() / (n * np.exp(beta1 * t)).sum())
    mu = n * np.exp(beta0 + beta1 * t)
    assert abs(np.sum(t * (x - mu))) < 1e-6 * x.sum()
    assert out["lower_ci"].iloc[0] < out["value"].iloc[0] < out["upper_ci"].iloc[0]
    assert out["periods"].iloc[0] == years.size


def test_poisson_trend_no_events_is_na() -> None:
    df = pd.DataFrame({"t": [1, 2, 3], "x": [0, 0, 0], "n": [10, 10, 10]})
    with pytest.warns(SmallNumberWarning):
        out = stats.poisson_trend(df, "x", "n", "t")
    assert np.isnan(out["value"].iloc[0])


def test_chi2_trend_matches_r_prop_trend_test() -> None:
    # R: prop.trend.test(c(83, 90, 129, 70), c(86, 93, 136, 82)) -> X-squared = 8.2249,
    # p-value = 0.004132 (the example in R's documentation).
    df = pd.DataFrame({"s": [1, 2, 3, 4], "x": [83, 90, 129, 70], "n": [86, 93, 136, 82]})
    out = stats.chi2_trend(df, "x", "n", "s")
    assert round(float(out["chi2"].iloc[0]), 4) == 8.2249
    assert round(float(out["p_value"].iloc[0]), 6) == 0.004132
    assert out["upper_ci"].iloc[0] < 0  # significant downward trend: interval excludes 0


def test_dsr_suppression_warns_and_labels() -> None:
    df = pd.DataFrame({"x": [1, 2], "n": [100, 100], "w": [1, 1]})
    with pytest.warns(SmallNumberWarning, match="suppressed"):
        out = stats.dsr(df, "x", "n", stdpop="w")
    assert np.isnan(out["value"].iloc[0])
    assert out["statistic"].iloc[0] == "dsr NA for total count < 10"


def test_kernels_on_arrays() -> None:
    lo, up = stats.poisson_ci(np.array([[0, 9], [10, 100]]), 0.95)
    assert lo.shape == up.shape == (2, 2) and lo[0, 0] == 0
    lo, _up = stats.wilson_ci([0, 5, np.nan], [10, 10, 10], 95)
    assert lo[0] == 0 and np.isnan(lo[2])
    assert np.isclose(stats.z_value(0.998), 3.090232, rtol=1e-6)


def test_kernel_rejects_negative() -> None:
    with pytest.raises(ValueError, match="poisson_ci"):
        stats.poisson_ci([-1], 0.95)


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, cdop, cdop.stats; "
        "print(sorted(m for m in ('scipy.stats', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_no_warnings_for_ordinary_input() -> None:
    df = pd.DataFrame({"x": [12, 40], "n": [1000, 2000]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.rate(df, "x", "n")
        stats.proportion(df, "x", "n")


@pytest.mark.parametrize("deaths", [[0, 0, 5], [4, 0, 0], [0, 0, 0, 7], [2, 0]])
def test_poisson_trend_without_a_finite_slope_warns_not_runtime(deaths: list[int]) -> None:
    df = pd.DataFrame(
        {"year": range(2020, 2020 + len(deaths)), "d": deaths, "p": [1000] * len(deaths)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(SmallNumberWarning, match="trend is NA"):
            out = stats.poisson_trend(df, "d", "p", "year")
    assert out["value"].isna().all() and out["p_value"].isna().all()
    # Events at more than one time do give a finite trend.
    df.loc[0, "d"] = 1
    df.loc[len(df) - 1, "d"] = 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(stats.poisson_trend(df, "d", "p", "year")["value"].iloc[0])
