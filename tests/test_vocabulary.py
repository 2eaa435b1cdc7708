"""One vocabulary: every public function's table uses the names and dtypes of docs/vocabulary.md.

The walk covers every public function of :mod:`cdop.stats` and :mod:`cdop.analytics`
returning a table; a new public function must be added to ``CALLS`` (or to
``NOT_TABLES`` when it returns arrays), so none escapes the check.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cdop
from cdop import analytics as an
from cdop import schema, stats
from cdop.errors import CdopArgumentError

OUT = schema.OUTPUT
DATA = Path(__file__).parent / "data" / "pheindicatormethods"
#: Names the vocabulary replaced: no result may use them.
OLD_NAMES = {
    "n",
    "total",
    "percent",
    "rate",
    "deaths",
    "live_births",
    "lowercl",
    "uppercl",
    "rate_per_1000",
    "rate_per_100000",
    "england_rate",
    "england_percent",
    "england_value",
    "england_period",
    "modifiable",
}
_LIMIT = re.compile(r"^(?:.+_)?(lower|upper)_ci(?:_\d+(?:_\d+)?)?$")
_PREFIXED = re.compile(r"^.+_(?:value|lower_ci|upper_ci)(?:_\d+(?:_\d+)?)?$")


@pytest.fixture(scope="module")
def ds() -> cdop.Dataset:
    return cdop.load_sample()


def _rates_input() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["A", "B", "C", "D", "E"],
            "numerator": [20, 3, 7, 35, 12],
            "denominator": [1000, 900, 1200, 1500, 800],
            "quintile": [1, 2, 3, 4, 5],
            "time": [1, 2, 3, 4, 5],
            "expected": [15.0, 3.0, 8.0, 30.0, 10.0],
        }
    )


def _stats_calls() -> dict[str, Callable[[cdop.Dataset], pd.DataFrame]]:
    df = _rates_input()
    std = stats.esp2013()
    ages = pd.DataFrame(
        {
            "ageband": std["ageband"],
            "numerator": np.arange(len(std)) % 7,
            "denominator": 5000 + 100 * np.arange(len(std)),
            "ref_x": 10 + np.arange(len(std)),
            "ref_n": 20000 + 500 * np.arange(len(std)),
        }
    )
    rated = stats.rate(df, "numerator", "denominator", multiplier=1000)
    return {
        "rate": lambda _: stats.rate(df, "numerator", "denominator", confidence=(0.95, 0.998)),
        "proportion": lambda _: stats.proportion(df, "numerator", "denominator", multiplier=100),
        "compare": lambda _: stats.compare(df, "numerator", "denominator", 1500.0),
        "dsr": lambda _: stats.dsr(ages, "numerator", "denominator", stdpop=list(std["esp2013"])),
        "isr": lambda _: stats.isr(ages, "numerator", "denominator", "ref_x", "ref_n"),
        "isratio": lambda _: stats.isratio(ages, "numerator", "denominator", "ref_x", "ref_n"),
        "chi2_trend": lambda _: stats.chi2_trend(df, "numerator", "denominator", "time"),
        "poisson_trend": lambda _: stats.poisson_trend(df, "numerator", "denominator", "time"),
        "sii": lambda _: stats.sii(
            rated,
            "quintile",
            "denominator",
            value="value",
            value_type="rate",
            lower_cl="lower_ci",
            upper_cl="upper_ci",
            repetitions=1000,
            seed=1,
        ),
        "rii": lambda _: stats.rii(
            rated,
            "quintile",
            "denominator",
            value="value",
            value_type="rate",
            lower_cl="lower_ci",
            upper_cl="upper_ci",
            repetitions=1000,
            seed=1,
        ),
        "quantile": lambda _: stats.quantile(df, "numerator", nquantiles=2),
        "funnel_limits": lambda _: stats.funnel_limits(
            df, "numerator", "denominator", statistic="proportion", multiplier=100
        ),
        "funnel_points": lambda _: stats.funnel_points(
            rated.assign(value=rated["value"]),
            "numerator",
            "value",
            rate_type="crude",
            years_of_data=1,
            multiplier=1000,
            denominator="denominator",
        ),
        "funnel_significance": lambda _: stats.funnel_significance(
            df, "numerator", "denominator", statistic="proportion", multiplier=100
        ),
        "esp2013": lambda _: stats.esp2013(),
        "phe_names": lambda _: stats.from_phe_names(stats.phe_names(rated)),
        "from_phe_names": lambda _: stats.from_phe_names(stats.phe_names(rated)),
    }


def _analytics_calls() -> dict[str, Callable[[cdop.Dataset], pd.DataFrame]]:
    def timely(ds: cdop.Dataset) -> pd.DataFrame:
        return an.with_total(an.review_timeliness, ds, years=[2024])

    def areas(ds: cdop.Dataset) -> pd.DataFrame:
        return an.compare_areas(timely(ds), x="within_12_months", n="reviews")

    def read_national(_: cdop.Dataset) -> pd.DataFrame:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "national.csv"
            an.national_benchmarks().to_csv(path, index=False)
            return an.read_national(path)

    return {
        "activity": lambda ds: an.activity(ds),
        "breakdown": lambda ds: an.breakdown(ds, "sex", confidence=(0.95, 0.998)),
        "review_durations": lambda ds: an.review_durations(ds, "national"),
        "review_timeliness": lambda ds: an.review_timeliness(ds, confidence=(0.95, 0.998)),
        "infant_mortality": lambda ds: an.infant_mortality(ds, pool=3),
        "child_mortality": lambda ds: an.child_mortality(ds, confidence=[0.9]),
        "mortality_inequality": lambda ds: an.mortality_inequality(
            an.infant_mortality(ds, pool=3), repetitions=1000, confidence=(0.95, 0.998)
        ),
        "mortality_trend": lambda ds: an.mortality_trend(
            an.infant_mortality(ds), confidence=(0.95, 0.998)
        ),
        "compare_national": lambda ds: an.compare_national(
            an.breakdown(ds, "modifiable_factors"), "reviews_with_modifiable_factors"
        ),
        "compare_areas": areas,
        "area_funnel_limits": lambda ds: an.area_funnel_limits(areas(ds)),
        "with_total": lambda ds: an.with_total(an.child_mortality, ds, years=[2024]),
        "national_benchmarks": lambda _: an.national_benchmarks(),
        "read_national": read_national,
        "factor_reviews": lambda ds: an.factor_reviews(ds, confidence=(0.95, 0.998)),
        "sudi_circumstances": lambda ds: an.sudi_circumstances(ds, "sleep_place"),
        "neonatal_bands": lambda ds: an.neonatal_bands(ds, "birthweight"),
        "review_delays": lambda ds: an.review_delays(ds, confidence=(0.95, 0.998)),
        "child_deaths": lambda ds: an.child_deaths(ds, by="ethnicity"),
    }


#: Public functions that return arrays, a number or a Series, not a table.
NOT_TABLES = {
    "binomial_test_p",
    "byar_ci",
    "exact_poisson_ci",
    "poisson_ci",
    "poisson_interval_test_p",
    "poisson_test_p",
    "score_test_p",
    "wilson_ci",
    "z_value",
    "complete_months",
    "period_labels",
    "sudi_mask",
}


def _public_functions() -> set[str]:
    names = set()
    for module in (stats, an):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type) and name[0].islower():
                names.add(name)
    return names


def test_every_public_function_is_walked() -> None:
    walked = set(_stats_calls()) | set(_analytics_calls()) | NOT_TABLES
    assert _public_functions() - walked == set()


def _is_text(series: pd.Series) -> bool:
    values = series.dropna()
    return pd.api.types.is_string_dtype(series.dtype) and all(isinstance(v, str) for v in values)


#: National reference figures: counts may be missing, hence float.
_REFERENCE = {"national_benchmarks", "read_national"}


def _check_vocabulary(name: str, out: pd.DataFrame, inputs: set[str]) -> None:
    columns = [str(c) for c in out.columns]
    assert not (set(columns) - inputs) & OLD_NAMES, (name, sorted(set(columns) & OLD_NAMES))
    if OUT.year in columns:
        assert out[OUT.year].dtype == np.int64, (name, out[OUT.year].dtype)
    if OUT.period in columns:
        assert isinstance(out[OUT.period].dtype, pd.CategoricalDtype) or _is_text(out[OUT.period])
        labels = out[OUT.period].astype("str")
        if OUT.year in columns:  # the year is the period's start year
            starts = labels.str.extract(r"(\d{4})", expand=False).astype("int64")
            assert (starts == out[OUT.year]).all(), name
    for col in (OUT.numerator, OUT.denominator):
        if col in columns and col not in inputs:
            assert pd.api.types.is_numeric_dtype(out[col].dtype), (name, col, out[col].dtype)
            assert not pd.api.types.is_bool_dtype(out[col].dtype), (name, col)
    if OUT.numerator in columns and OUT.numerator not in inputs and name not in _REFERENCE:
        assert pd.api.types.is_integer_dtype(out[OUT.numerator].dtype), (
            name,
            out[OUT.numerator].dtype,
        )
    for col in columns:
        if col == OUT.value or _LIMIT.match(col) or _PREFIXED.match(col):
            assert out[col].dtype == np.float64, (name, col, out[col].dtype)
        if _LIMIT.match(col):  # every lower limit has its upper limit
            other = col.replace("lower_ci", "upper_ci") if "lower_ci" in col else None
            assert other is None or other in columns, (name, col)
    if any(_LIMIT.match(c) for c in columns):  # limits say their level
        assert OUT.confidence in columns, name
    has_limits = any(_LIMIT.fullmatch(c) and not _PREFIXED.match(c) for c in columns)
    if OUT.value in columns and has_limits:
        for col in (OUT.confidence, OUT.statistic, OUT.method):
            assert col in columns, (name, col)
            assert _is_text(out[col]), (name, col, out[col].dtype)


def test_stats_speak_the_vocabulary(ds: cdop.Dataset) -> None:
    inputs = {*_rates_input().columns, "ageband", "ref_x", "ref_n", "esp2013"}
    for name, call in _stats_calls().items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = call(ds)
        _check_vocabulary(name, out, inputs)


def test_analytics_speak_the_vocabulary(ds: cdop.Dataset) -> None:
    for name, call in _analytics_calls().items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = call(ds)
        assert len(out), name
        _check_vocabulary(name, out, set())


def test_several_levels_name_the_limits(ds: cdop.Dataset) -> None:
    out = an.breakdown(ds, "sex", years=2024, confidence=(0.95, 0.998))
    limits = [c for c in out.columns if _LIMIT.match(c)]
    assert limits == ["lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8"]
    assert out[OUT.confidence].iloc[0] == "95%, 99.8%"
    # The same limits as the statistic itself (Wilson at each level).
    ref = stats.proportion(
        out[[OUT.numerator, OUT.denominator]].astype("float64"),
        OUT.numerator,
        OUT.denominator,
        multiplier=100,
        confidence=(0.95, 0.998),
    )
    for col in limits:
        np.testing.assert_allclose(out[col], ref[col], rtol=1e-12)
    t = an.review_timeliness(ds, years=2024, confidence=(0.95, 0.998))
    assert "within_12_months_upper_ci_99_8" in t.columns
    assert "within_12_months_upper_ci" not in t.columns
    with pytest.raises(CdopArgumentError, match="same level twice"):
        an.child_mortality(ds, confidence=(0.95, 95))


# --------------------------------------------------------------- analytics with user code


def test_merge_with_an_integer_year_frame(ds: cdop.Dataset) -> None:
    own = pd.DataFrame({"year": [2022, 2023, 2024], "budget": [10, 11, 12]})
    merged = an.activity(ds).merge(own, on="year")
    assert merged["year"].tolist() == [2022, 2023, 2024]
    assert merged["period"].astype(str).tolist() == ["2022/23", "2023/24", "2024/25"]
    assert merged["budget"].tolist() == [10, 11, 12]
    rates = an.infant_mortality(ds, by=None).merge(own, on="year", validate="one_to_one")
    assert rates["year"].tolist() == [2022, 2023, 2024]
    # A year column of labels is not silently empty either: an error says why.
    labels = own.assign(year=["2022/23", "2023/24", "2024/25"])
    with pytest.raises(ValueError, match="int64 and"):
        an.activity(ds).merge(labels, on="year")


def test_analytics_output_goes_straight_into_stats(ds: cdop.Dataset) -> None:
    rates = an.child_mortality(ds)
    again = stats.rate(rates, "numerator", "denominator", multiplier=100_000)
    # The earlier result's columns are replaced (once each), the values are the same.
    assert again.columns.tolist() == rates.columns.tolist()
    pd.testing.assert_frame_equal(again, rates, check_dtype=False)
    wider = stats.rate(rates, "numerator", "denominator", confidence=(0.95, 0.998))
    assert "lower_ci" not in wider.columns and "lower_ci_99_8" in wider.columns
    # A percentage table into proportion: the same Wilson limits, recomputed.
    sex = an.breakdown(ds, "sex", years=2024)
    again = stats.proportion(sex, "numerator", "denominator", multiplier=100)
    np.testing.assert_allclose(again["value"], sex["value"], rtol=1e-12)
    np.testing.assert_allclose(again["upper_ci"], sex["upper_ci"], rtol=1e-12)
    # A frame that is not a result still may not lose a column called "value".
    with pytest.raises(CdopArgumentError, match="already has column"):
        stats.rate(pd.DataFrame({"x": [1], "n": [10], "value": [3.0]}), "x", "n")


def test_rows_without_births_have_no_denominator(ds: cdop.Dataset) -> None:
    imr = an.infant_mortality(ds, years=[2024])
    none = imr[imr["imd_quintile"].isna()]
    # The deaths with no quintile: counted, but with no births rather than 0 births.
    assert len(none) == 1 and int(none["numerator"].iloc[0]) >= 0
    assert none["denominator"].isna().all() and none["value"].isna().all()
    with pytest.raises(CdopArgumentError, match="missing values"):
        stats.rate(imr, "numerator", "denominator", multiplier=1000)
    kept = stats.rate(imr, "numerator", "denominator", multiplier=1000, na="propagate")
    # 2024 quintile 1 by hand: deaths / births x 1000 of the quintile's own rows.
    q1 = imr[imr["imd_quintile"] == 1].iloc[0]
    expected = q1["numerator"] / q1["denominator"] * 1000
    assert kept.loc[imr["imd_quintile"] == 1, "value"].iloc[0] == pytest.approx(expected)
    assert kept["value"].isna().sum() == 1


def test_analytics_output_goes_straight_into_compare_national(ds: cdop.Dataset) -> None:
    timely = an.review_timeliness(ds)
    with pytest.warns(an.NationalComparisonWarning, match="hold none"):
        out = an.compare_national(timely, "reviews_within_12_months")
    with pytest.warns(an.NationalComparisonWarning, match="hold none"):
        told = an.compare_national(
            timely, "reviews_within_12_months", x="within_12_months", n="reviews"
        )
    pd.testing.assert_frame_equal(out, told)
    child = an.child_mortality(ds, years=[2023])
    row = an.compare_national(child, "child_mortality_rate").iloc[0]
    # 2023/24: England 29.8 per 100,000 (NCMD, DOMAIN national benchmarks).
    assert bool(row["like_for_like"]) and row["national_value"] == 29.8
    mod = an.breakdown(ds, "modifiable_factors", years=2024)
    yes = an.compare_national(mod, "reviews_with_modifiable_factors").set_index(
        "modifiable_factors"
    )
    assert yes.loc["yes", "national_value"] == 48.0  # NCMD 2024/25: 48% of reviews


def test_phe_names_round_trip(ds: cdop.Dataset) -> None:
    imr = an.infant_mortality(ds, by=None, confidence=(0.95, 0.998))
    phe = stats.phe_names(imr)
    assert {"lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"} <= set(phe.columns)
    pd.testing.assert_frame_equal(stats.from_phe_names(phe), imr)
    one = stats.phe_names(an.review_timeliness(ds))
    assert "within_12_months_lowercl" in one.columns
    # PHEindicatormethods' own test output reads back into our names.
    ref = pd.read_csv(DATA / "testdata_Rate__testdata_Rate.csv")
    ours = stats.from_phe_names(ref)
    assert {"lower_ci_95", "upper_ci_99_8"} <= set(ours.columns)


def test_publishable_keeps_the_vocabulary(ds: cdop.Dataset) -> None:
    # A result made fit to publish keeps its names; its counts are numbers (missing where
    # hidden) with the suppression flag in its own column, never the marker.
    from cdop.report import publishable

    for name, result in (
        ("breakdown", an.breakdown(ds, "sex", years=2024)),
        ("infant_mortality", an.infant_mortality(ds, years=[2024])),
        ("factor_reviews", an.factor_reviews(ds, "domain", years=2023)),
        ("sudi_circumstances", an.sudi_circumstances(ds, "sleep_place", years=2023)),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tidy = publishable(result).tidy
        _check_vocabulary(name, tidy, set())
        for col in (OUT.numerator, OUT.denominator):
            assert pd.api.types.is_integer_dtype(tidy[col].dtype), (name, col)
        assert tidy[OUT.suppressed].dtype == bool, name
        hidden = tidy[OUT.numerator].isna()
        assert tidy.loc[hidden, OUT.suppressed].all(), name
        assert not tidy.astype(str).isin(["*"]).any().any(), name
