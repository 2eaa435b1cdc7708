"""compare_areas and funnel_plot against small hand-built cases.

Expected values are computed independently here: Wilson limits from the textbook
formula, exact Poisson (chi-squared) and Byar's limits from the formulas in
docs/methods-statistics.md, and the p-values of the tests those limits invert (score
test; exact or Byar's Poisson test) from scipy.stats.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from scipy import stats as sps

from cdop import analytics as an
from cdop import stats
from cdop.errors import CdopArgumentError, NationalComparisonWarning
from cdop.plots import funnel_plot

AREA = "residence_area"


def _wilson(x: float, n: float, conf: float) -> tuple[float, float]:
    z = sps.norm.ppf(1 - (1 - conf) / 2)
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    d = 1 + z * z / n
    return (centre - half) / d, (centre + half) / d


def _poisson(o: float, conf: float) -> tuple[float, float]:
    alpha = 1 - conf
    z = sps.norm.ppf(1 - alpha / 2)
    if o < 10:
        lo = 0.0 if o == 0 else sps.chi2.ppf(alpha / 2, 2 * o) / 2
        return lo, sps.chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    lo = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    up = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lo, up


def _proportion_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            AREA: ["Irevale", "Caldene", "Fenmoor", "Olddene", "Quargarth"],
            "year": [2023] * 5,
            "period": ["2023/24"] * 5,
            "within_12_months": [45, 25, 160, 7, 0],
            "reviews": [50, 50, 200, 10, 0],
        }
    )


def test_proportion_comparison_matches_independent_calculation() -> None:
    t = _proportion_table()
    out = an.compare_areas(t, x="within_12_months", n="reviews")
    assert list(out.columns) == [AREA, "year", "period", *an.AREA_COMPARISON_COLUMNS]
    england = 237 / 310 * 100
    assert out["benchmark_value"].iloc[0] == pytest.approx(england)
    assert out[AREA].tolist() == ["Irevale", "Fenmoor", "Olddene", "Caldene", "Quargarth"]
    assert out["rank"].tolist()[:4] == [1, 2, 3, 4] and pd.isna(out["rank"].iloc[4])
    for _, row in out.iloc[:4].iterrows():
        x, n = float(row["numerator"]), float(row["denominator"])
        assert row["value"] == pytest.approx(x / n * 100)
        for conf, suffix in ((0.95, "95"), (0.998, "99_8")):
            lo, up = _wilson(x, n, conf)
            assert row[f"lower_ci_{suffix}"] == pytest.approx(lo * 100, rel=1e-9)
            assert row[f"upper_ci_{suffix}"] == pytest.approx(up * 100, rel=1e-9)
            expected = (
                "higher" if lo * 100 > england else "lower" if up * 100 < england else ("similar")
            )
            assert row[f"comparison_{suffix}"] == expected
        # The score test (the test the Wilson interval inverts).
        p0 = england / 100
        score = 2 * sps.norm.sf(abs(x - n * p0) / math.sqrt(n * p0 * (1 - p0)))
        assert row["p_value"] == pytest.approx(score, rel=1e-6)
    # 45/50 = 90% against 76.5%: the 95% interval (78.6%, 95.7%) excludes it, 99.8% not.
    irevale = out.set_index(AREA).loc["Irevale"]
    assert (irevale["comparison_95"], irevale["comparison_99_8"]) == ("higher", "similar")
    caldene = out.set_index(AREA).loc["Caldene"]
    assert caldene["comparison_99_8"] == "lower"
    empty = out.set_index(AREA).loc["Quargarth"]
    assert np.isnan(empty["value"]) and pd.isna(empty["funnel_significance"])


def test_funnel_significance_agrees_with_stats_and_with_the_comparison() -> None:
    t = _proportion_table()
    out = an.compare_areas(t, x="within_12_months", n="reviews").set_index(AREA)
    usable = t[t["reviews"] > 0]
    expected = stats.funnel_significance(
        usable, "within_12_months", "reviews", statistic="proportion"
    ).set_index(AREA)["significance"]
    for area, label in expected.items():
        assert out.loc[area, "funnel_significance"] == label
        # With England the pooled value, outside the 99.8% funnel == interval excludes it.
        beyond = label in ("High (0.001)", "Low (0.001)")
        assert beyond == (out.loc[area, "comparison_99_8"] != "similar")
        outside95 = label != "Not significant"
        assert outside95 == (out.loc[area, "comparison_95"] != "similar")


def _paired_poisson_p(o: float, e: float) -> float:
    """The test each Poisson interval inverts: exact below 10 events, Byar's from 10."""
    if o < 10:
        return float(min(1.0, 2 * min(sps.poisson.cdf(o, e), sps.poisson.sf(o - 1, e))))
    z_l = 3 * math.sqrt(o) * (1 - 1 / (9 * o) - (e / o) ** (1 / 3))
    z_u = 3 * math.sqrt(o + 1) * ((e / (o + 1)) ** (1 / 3) - 1 + 1 / (9 * (o + 1)))
    return float(min(1.0, 2 * sps.norm.sf(max(z_l, z_u))))


def test_rate_comparison_uses_exact_and_byars_limits() -> None:
    t = pd.DataFrame(
        {
            AREA: ["Irevale", "Caldene", "Fenmoor", "Olddene"],
            "year": [2021] * 4,
            "period": ["2021-2023"] * 4,
            "numerator": [4, 80, 20, 0],
            "denominator": [2000, 10000, 8000, 500],
            "rate": [2.0, 8.0, 2.5, 0.0],
            "statistic": "rate per 1000",
        }
    )
    out = an.compare_areas(t)  # a rate per 1,000 live births, by default
    assert out["statistic"].iloc[0] == "rate per 1000" and out["multiplier"].iloc[0] == 1000
    england = 104 / 20500 * 1000
    assert out["benchmark_value"].iloc[0] == pytest.approx(england)
    for _, row in out.iterrows():
        o, n = float(row["numerator"]), float(row["denominator"])
        for conf, suffix in ((0.95, "95"), (0.998, "99_8")):
            lo, up = _poisson(o, conf)
            assert row[f"lower_ci_{suffix}"] == pytest.approx(lo / n * 1000, rel=1e-7)
            assert row[f"upper_ci_{suffix}"] == pytest.approx(up / n * 1000, rel=1e-7)
        e = england / 1000 * n
        assert row["p_value"] == pytest.approx(_paired_poisson_p(o, e), rel=1e-6)
    assert out[AREA].iloc[0] == "Caldene"
    assert out.set_index(AREA).loc["Caldene", "comparison_99_8"] == "higher"
    sig = stats.funnel_significance(
        t,
        "numerator",
        "denominator",
        statistic="rate",
        rate="rate",
        rate_type="crude",
        multiplier=1000,
    ).set_index(AREA)["significance"]
    assert out.set_index(AREA)["funnel_significance"].to_dict() == sig.to_dict()


def test_total_row_of_with_total_is_the_benchmark() -> None:
    t = pd.DataFrame(
        {
            AREA: ["Irevale", "Caldene", "All areas"],
            "numerator": [40, 30, 80],
            "denominator": [50, 50, 110],
        }
    )
    out = an.compare_areas(t)
    assert len(out) == 2
    assert out["benchmark_value"].iloc[0] == pytest.approx(80 / 110 * 100)
    assert (out["benchmark_label"] == "All areas").all()
    # Two areas are not England: the pooled total is "All areas" unless said otherwise.
    pooled = an.compare_areas(t.iloc[:2])
    assert (pooled["benchmark_label"] == "All areas").all()
    assert pooled["benchmark_value"].iloc[0] == pytest.approx(70 / 100 * 100)
    england = t.assign(**{AREA: ["Irevale", "Caldene", "England"]})
    out = an.compare_areas(england, total_label="England")
    assert len(out) == 2 and (out["benchmark_label"] == "England").all()
    assert len(an.compare_areas(england)) == 3  # "England" is then an area like any other


def test_benchmark_a_value_or_a_national_row() -> None:
    t = _proportion_table()
    out = an.compare_areas(t, x="within_12_months", n="reviews", benchmark=80.0)
    assert (out["benchmark_value"] == 80.0).all() and (out["benchmark_label"] == "Benchmark").all()
    for _, row in out.iloc[:4].iterrows():
        x, n = float(row["numerator"]), float(row["denominator"])
        lo, up = _wilson(x, n, 0.95)
        expected = "higher" if lo > 0.8 else "lower" if up < 0.8 else "similar"
        assert row["comparison_95"] == expected
    national = an.national_benchmarks()
    row = national[
        (national["indicator"] == "infant_mortality_rate") & (national["period"] == "2024/25")
    ]
    rates = pd.DataFrame(
        {
            AREA: ["A", "B"],
            "year": [2024] * 2,
            "period": ["2024/25"] * 2,
            "numerator": [10, 30],
            "denominator": [4000, 5000],
            "rate": [2.5, 6.0],
            "statistic": "rate per 1000",
        }
    )
    out = an.compare_areas(rates, benchmark=row)
    assert out["benchmark_label"].tolist() == ["England 2024/25"] * 2
    assert out["benchmark_value"].tolist() == [3.8, 3.8]
    lim = an.area_funnel_limits(out, benchmark=row)
    assert (lim["baseline"] == 3.8).all()
    with pytest.warns(NationalComparisonWarning, match="2024/25.*2023/24"):
        an.compare_areas(rates.assign(year=2023, period="2023/24"), benchmark=row)
    with pytest.raises(CdopArgumentError, match="is in 'per 1,000'"):
        an.compare_areas(t, x="within_12_months", n="reviews", benchmark=row)
    with pytest.raises(CdopArgumentError, match="not the benchmark of `comparison`"):
        an.area_funnel_limits(out, benchmark=4.0)


def test_ties_share_a_rank_and_ascending_ranks_lowest_first() -> None:
    t = pd.DataFrame({AREA: ["A", "B", "C"], "numerator": [5, 5, 9], "denominator": [10, 10, 10]})
    assert an.compare_areas(t)["rank"].tolist() == [1, 2, 2]
    low = an.compare_areas(t, ascending=True)
    assert low[AREA].tolist() == ["A", "B", "C"] and low["rank"].tolist() == [1, 1, 3]


@pytest.mark.parametrize(
    ("table", "kwargs", "message"),
    [
        (
            pd.DataFrame({AREA: ["A", "A"], "numerator": [1, 2], "denominator": [5, 5]}),
            {},
            "one row per area",
        ),
        (
            pd.DataFrame({"area": ["A"], "numerator": [1], "denominator": [5]}),
            {},
            "argument `area`",
        ),
        (
            pd.DataFrame({AREA: ["A"], "numerator": [1], "denominator": [5]}),
            {"x": "k"},
            "argument `x`",
        ),
        (
            pd.DataFrame({AREA: ["A"], "numerator": [1], "denominator": [5]}),
            {"statistic": "ratio"},
            "argument `statistic`",
        ),
        (
            pd.DataFrame({AREA: ["A"], "numerator": [1], "kids": [5]}),
            {"statistic": "rate", "n": "kids"},
            "argument `multiplier`",
        ),
        (pd.DataFrame({AREA: ["A"], "numerator": [0], "denominator": [0]}), {}, "denominator"),
    ],
)
def test_compare_areas_rejects_bad_input(
    table: pd.DataFrame, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(CdopArgumentError, match=message):
        an.compare_areas(table, **kwargs)  # type: ignore[arg-type]


def test_funnel_limits_are_the_comparison_read_off_a_curve() -> None:
    t = _proportion_table()
    comparison = an.compare_areas(t, x="within_12_months", n="reviews")
    lim = an.area_funnel_limits(comparison)
    assert list(lim.columns) == list(an.FUNNEL_LIMIT_COLUMNS)
    p0 = 237 / 310
    assert lim["baseline"].iloc[0] == pytest.approx(p0 * 100)
    upper = lim[lim["limit"] == "upper_99_8"]
    # The score-test bound: p0 + z sqrt(p0 (1 - p0) / n), by hand.
    z = sps.norm.ppf(0.999)
    expected = np.minimum(p0 + z * np.sqrt(p0 * (1 - p0) / upper["denominator"]), 1) * 100
    np.testing.assert_allclose(upper["value"], expected, rtol=1e-12)
    # Beyond a limit at its own denominator exactly when its interval excludes p0.
    for _, row in comparison.dropna(subset=["value"]).iterrows():
        n = float(row["denominator"])
        for suffix, conf in (("95", 0.95), ("99_8", 0.998)):
            half = sps.norm.ppf(1 - (1 - conf) / 2) * np.sqrt(p0 * (1 - p0) / n) * 100
            outside = abs(row["value"] - p0 * 100) > half
            assert outside == (row[f"comparison_{suffix}"] != "similar")


def test_funnel_limits_span_every_denominator() -> None:
    t = pd.DataFrame(
        {
            AREA: [f"Area {i}" for i in range(6)],
            "numerator": [40, 90, 60, 110, 70, 100],
            "denominator": [9000, 20334, 15000, 26496, 12000, 22000],
            "rate": [0.0] * 6,
            "statistic": "rate per 1000",
        }
    )
    comparison = an.compare_areas(t)
    lim = an.area_funnel_limits(comparison)
    for name, curve in lim.groupby("limit", observed=True):
        assert curve["denominator"].max() == pytest.approx(26496 * 1.05), name
    # At the largest area, the drawn limits bracket the rate exactly as its comparison says.
    big = comparison.set_index(AREA).loc["Area 3"]
    at = lim[lim["denominator"] == lim["denominator"].max()].set_index("limit")["value"]
    assert at["lower_99_8"] < at["lower_95"] < big["benchmark_value"] < at["upper_95"]
    assert at["upper_95"] < at["upper_99_8"]


def test_funnel_plot_legend_is_inside_the_saved_figure(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    comparison = an.compare_areas(_proportion_table(), x="within_12_months", n="reviews")
    ax = funnel_plot(comparison)
    path = tmp_path / "funnel.png"
    ax.figure.savefig(path)
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    legend = ax.get_legend().get_window_extent(renderer)
    figure = ax.figure.bbox
    assert legend.x0 >= figure.x0 and legend.x1 <= figure.x1
    assert legend.y0 >= figure.y0 and legend.y1 <= figure.y1
    plt.close("all")


def test_funnel_plot_draws_points_lines_and_outlier_labels() -> None:
    t = _proportion_table()
    comparison = an.compare_areas(t, x="within_12_months", n="reviews")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    returned = funnel_plot(comparison, ax)
    assert returned is ax
    offsets = [c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(o) for o in offsets) == 4  # the area without reviews is not drawn
    styles = {str(line.get_label()): line.get_linestyle() for line in ax.get_lines()}
    assert len(ax.get_lines()) == 5  # all areas, and lower and upper 95% and 99.8% limits
    assert styles["All areas"] == "-"
    assert styles["95% limits"] != styles["99.8% limits"]
    beyond = comparison[comparison["funnel_significance"].isin(["High (0.001)", "Low (0.001)"])]
    assert sorted(text.get_text() for text in ax.texts) == sorted(beyond[AREA])
    assert len(beyond) >= 1
    plt.close(fig)


def test_funnel_plot_of_rates_and_label_choice() -> None:
    t = pd.DataFrame(
        {
            AREA: [f"Area {i}" for i in range(8)],
            "numerator": [4, 60, 20, 8, 30, 12, 15, 5],
            "denominator": [2000, 10000, 8000, 3000, 9000, 4000, 5000, 2500],
            "rate": [0.0] * 8,
            "statistic": "rate per 1000",
        }
    )
    comparison = an.compare_areas(t)
    ax = funnel_plot(comparison, label_outliers="95", title="Infant mortality")
    outside = comparison[comparison["funnel_significance"] != "Not significant"]
    assert sorted(text.get_text() for text in ax.texts) == sorted(outside[AREA])
    assert ax.get_ylabel() == "Rate per 1,000"
    assert ax.get_title() == "Infant mortality"
    none = funnel_plot(comparison, label_outliers="none")
    assert len(none.texts) == 0
    import matplotlib.pyplot as plt

    plt.close("all")


def test_funnel_plot_rejects_other_tables() -> None:
    with pytest.raises(CdopArgumentError, match="compare_areas"):
        funnel_plot(pd.DataFrame({"x": [1]}))
