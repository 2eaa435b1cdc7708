"""Every invalid input raises CdopArgumentError naming the argument, what was expected, what was
received and the offending rows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cdop import stats
from cdop.errors import CdopArgumentError, CdopError


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame(
        {"area": ["a", "b", "c"], "x": [1, 2, 3], "n": [10, 20, 30]}, index=["r1", "r2", "r3"]
    )


def _raises(match: str):  # type: ignore[no-untyped-def]
    return pytest.raises(CdopArgumentError, match=match)


def test_error_is_library_error_and_value_error() -> None:
    assert issubclass(CdopArgumentError, CdopError)
    assert issubclass(CdopArgumentError, ValueError)


def test_negative_numerator(df: pd.DataFrame) -> None:
    bad = df.assign(x=[1, -2, -5])
    with _raises(
        re.escape(
            "rate(): argument `x` (column 'x') must be greater than or equal to "
            "0; received rows with index 'r2' (-2.0), 'r3' (-5.0)"
        )
    ):
        stats.rate(bad, "x", "n")


def test_missing_value(df: pd.DataFrame) -> None:
    bad = df.assign(x=[1.0, np.nan, 3.0])
    with _raises(
        re.escape(
            "proportion(): argument `x` (column 'x') must not have missing "
            "values; received missing values in row with index 'r2'"
        )
    ):
        stats.proportion(bad, "x", "n")


def test_missing_value_pandas_na(df: pd.DataFrame) -> None:
    bad = df.assign(n=pd.array([10, None, 30], dtype="Int64"))
    with _raises(r"argument `n` \(column 'n'\) must not have missing values; .*'r2'"):
        stats.rate(bad, "x", "n")


def test_zero_denominator(df: pd.DataFrame) -> None:
    bad = df.assign(n=[10, 0, 30])
    with _raises(
        re.escape(
            "rate(): argument `n` (column 'n') must be greater than 0; "
            "received row with index 'r2' (0.0)"
        )
    ):
        stats.rate(bad, "x", "n")


def test_numerator_above_denominator(df: pd.DataFrame) -> None:
    bad = df.assign(x=[1, 25, 3])
    with _raises(
        re.escape(
            "proportion(): argument `x` (column 'x') must not exceed `n` "
            "(column 'n') for a proportion; received row with index 'r2' "
            "('25.0/20.0')"
        )
    ):
        stats.proportion(bad, "x", "n")


@pytest.mark.parametrize("confidence", [0, -0.5, 101, 1.5e3, float("nan")])
def test_confidence_out_of_range(df: pd.DataFrame, confidence: float) -> None:
    with _raises(
        r"rate\(\): argument `confidence` must be a fraction in \(0, 1\] or a "
        r"percentage in \(1, 100\]; received"
    ):
        stats.rate(df, "x", "n", confidence=confidence)


def test_confidence_wrong_type(df: pd.DataFrame) -> None:
    with _raises(r"argument `confidence` must be numeric .*received '95%' of type str"):
        stats.rate(df, "x", "n", confidence=["95%"])  # type: ignore[list-item]


def test_confidence_duplicate(df: pd.DataFrame) -> None:
    with _raises(r"argument `confidence` holds the same level twice"):
        stats.rate(df, "x", "n", confidence=(0.95, 95))


def test_unknown_column(df: pd.DataFrame) -> None:
    with _raises(
        re.escape(
            "rate(): argument `n` names column 'pop', which is not in the "
            "DataFrame (columns: 'area', 'x', 'n')"
        )
    ):
        stats.rate(df, "x", "pop")


def test_unknown_group_column(df: pd.DataFrame) -> None:
    with _raises(r"argument `group_by` names column 'region', which is not in the DataFrame"):
        stats.rate(df, "x", "n", group_by="region")


def test_wrong_dtype(df: pd.DataFrame) -> None:
    with _raises(
        re.escape("rate(): argument `x` (column 'area') must be numeric; received dtype str")
    ):
        stats.rate(df, "area", "n")


def test_boolean_dtype_refused(df: pd.DataFrame) -> None:
    with _raises(r"argument `x` \(column 'flag'\) must be numeric; received dtype bool"):
        stats.proportion(df.assign(flag=[True, False, True]), "flag", "n")


def test_infinite_value(df: pd.DataFrame) -> None:
    with _raises(r"argument `n` \(column 'n'\) must hold finite numbers; .*'r1' \(inf\)"):
        stats.rate(df.assign(n=[np.inf, 1.0, 2.0]), "x", "n")


def test_bad_multiplier(df: pd.DataFrame) -> None:
    with _raises(r"rate\(\): argument `multiplier` must be a positive number; received -5"):
        stats.rate(df, "x", "n", multiplier=-5)


def test_not_a_dataframe() -> None:
    with _raises(r"argument `df` must be a pandas DataFrame; received dict"):
        stats.rate({"x": [1]}, "x", "n")  # type: ignore[arg-type]


def test_bad_na_policy(df: pd.DataFrame) -> None:
    with _raises(r"argument `na` must be one of 'raise', 'propagate'; received 'drop'"):
        stats.rate(df, "x", "n", na="drop")  # type: ignore[arg-type]


def test_output_clash(df: pd.DataFrame) -> None:
    with _raises(r"the input already has column\(s\) 'value'"):
        stats.rate(df.assign(value=1.0), "x", "n")


def test_many_rows_listed_briefly() -> None:
    bad = pd.DataFrame({"x": -np.arange(1, 21), "n": np.ones(20)})
    with _raises(
        r"index 0 \(-1.0\), 1 \(-2.0\), 2 \(-3.0\), 3 \(-4.0\), 4 \(-5.0\), "
        r"\.\.\. \(20 rows in all\)"
    ):
        stats.rate(bad, "x", "n")


def test_compare_bad_benchmark(df: pd.DataFrame) -> None:
    with _raises(r"compare\(\): argument `benchmark` must be a finite number >= 0; received -1"):
        stats.compare(df, "x", "n", -1)
    with _raises(r"argument `benchmark` must lie between 0 and the multiplier \(1\)"):
        stats.compare(df, "x", "n", 2.0, statistic="proportion")


def test_dsr_stdpop_by_position_needs_matching_rows(df: pd.DataFrame) -> None:
    with _raises(
        r"dsr\(\): argument `stdpop` gives 19 values by position, so every group "
        r"must have 19 rows; groups have \[3\] rows"
    ):
        stats.dsr(df, "x", "n")


def test_isr_reference_population_positive(df: pd.DataFrame) -> None:
    with _raises(r"isr\(\): argument `n_ref` must hold finite numbers > 0; received \[0.0\]"):
        stats.isr(df, "x", "n", x_ref=[1, 2, 3], n_ref=[10, 0, 10])


def test_sii_needs_enough_quantiles(df: pd.DataFrame) -> None:
    with _raises(
        r"sii\(\): argument `quantile` \(column 'x'\) must have between 5 and 100 "
        r"distinct quantiles; received 3"
    ):
        stats.sii(df.assign(v=1.0, se=0.1), "x", "n", value="v", se="se")


def test_sii_negative_population() -> None:
    data = pd.DataFrame({"q": range(1, 6), "pop": [10, -1, 10, 10, 10], "v": 1.0, "se": 0.1})
    with _raises(
        r"sii\(\): argument `population` \(column 'pop'\) must be greater than 0; "
        r"received row with index 1 \(-1.0\)"
    ):
        stats.sii(data, "q", "pop", value="v", se="se")


def test_sii_repetitions() -> None:
    data = pd.DataFrame({"q": range(1, 6), "pop": 10, "v": 1.0, "se": 0.1})
    with _raises(r"argument `repetitions` must be at least 1000; received 10"):
        stats.sii(data, "q", "pop", value="v", se="se", repetitions=10)


def test_sii_proportion_range() -> None:
    data = pd.DataFrame({"q": range(1, 6), "pop": 10, "v": [0.1, 0.2, 1.5, 0.3, 0.4], "se": 0.1})
    with _raises(
        r"argument `value` must lie between 0 and 1 for proportions; received row "
        r"with index 2 \(1.5\)"
    ):
        stats.sii(data, "q", "pop", value="v", se="se", value_type="proportion")


def test_funnel_requires_statistic_arguments(df: pd.DataFrame) -> None:
    with _raises(r"funnel_limits\(\): argument `ratio_type` must be 'count' or 'isr'"):
        stats.funnel_limits(df, "x", "n", statistic="ratio", multiplier=100)
    with _raises(r"argument `statistic` must be 'proportion', 'ratio' or 'rate'; received 'pop'"):
        stats.funnel_significance(df, "x", "n", statistic="pop")  # type: ignore[arg-type]


def test_funnel_rate_zero_events_need_denominator() -> None:
    data = pd.DataFrame({"ev": [0, 10], "rate": [0.0, 5.0]})
    with _raises(
        r"for rates, rows with 0 events need a denominator: pass `denominator`; "
        r"0 events in row with index 0"
    ):
        stats.funnel_significance(
            data, "ev", rate="rate", statistic="rate", rate_type="crude", multiplier=1e5
        )


def test_quantile_non_numeric(df: pd.DataFrame) -> None:
    with _raises(r"quantile\(\): argument `values` \(column 'area'\) must be numeric"):
        stats.quantile(df, "area")


def test_trend_time_missing(df: pd.DataFrame) -> None:
    with _raises(
        r"poisson_trend\(\): argument `time` \(column 't'\) must not have missing "
        r"values; received missing values in row with index 'r3'"
    ):
        stats.poisson_trend(df.assign(t=[1.0, 2.0, np.nan]), "x", "n", "t")
