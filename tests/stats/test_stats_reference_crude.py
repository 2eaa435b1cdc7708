"""Crude rates, proportions and the Byar's / Wilson kernels against PHEindicatormethods.

Reference files (see tests/data/pheindicatormethods/README.md):

* ``testdata_Rate__testdata_Rate.csv``: rows 1-8 multiplier 100, rows 9-16 multiplier 1e5,
  rows 17-19 NA handling, row 20 x > n. Both 95% and 99.8% limits.
* ``testdata_Rate__testdata_Rate_g.csv``: the same table grouped by ``Area`` (x, n summed).
* ``testdata_Proportion__testdata_Prop.csv`` / ``..._Prop_g.csv``: the same for proportions
  (rows 1-8 multiplier 1, 9-16 multiplier 100, 17-19 NA).
* ``testdata_Byars_Wilson__testdata_B_W.csv``: Byar's limits for counts (rows 1-6, 13; always
  Byar's, negative lower limit is NA) and Wilson limits (rows 7-12).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stats_helpers import assert_columns_close, assert_text_equal, read_reference

from cdop import stats

BOTH = {
    "value": "value",
    "lower_ci_95": "lower95_0cl",
    "upper_ci_95": "upper95_0cl",
    "lower_ci_99_8": "lower99_8cl",
    "upper_ci_99_8": "upper99_8cl",
}


@pytest.fixture(scope="module")
def rate_ref() -> pd.DataFrame:
    return read_reference("testdata_Rate__testdata_Rate.csv")


@pytest.fixture(scope="module")
def prop_ref() -> pd.DataFrame:
    return read_reference("testdata_Proportion__testdata_Prop.csv")


def _inputs(ref: pd.DataFrame) -> pd.DataFrame:
    return ref[["Area", "Numerator", "Denominator"]]


@pytest.mark.parametrize(("rows", "multiplier"), [(slice(0, 8), 100), (slice(8, 16), 100_000)])
def test_rate_both_levels(rate_ref: pd.DataFrame, rows: slice, multiplier: int) -> None:
    ref = rate_ref.iloc[rows]
    out = stats.rate(
        _inputs(ref), "Numerator", "Denominator", multiplier=multiplier, confidence=(0.95, 0.998)
    )
    assert_columns_close(out, ref, BOTH)
    assert_text_equal(out["method"], ref["method"])
    assert_text_equal(out["statistic"], ref["statistic"])
    assert (out["confidence"] == "95%, 99.8%").all()


@pytest.mark.parametrize("confidence", [0.998, 99.8])
def test_rate_single_998(rate_ref: pd.DataFrame, confidence: float) -> None:
    ref = rate_ref.iloc[8:16]
    out = stats.rate(_inputs(ref), "Numerator", "Denominator", confidence=confidence)
    assert_columns_close(out, ref, {"lower_ci": "lower99_8cl", "upper_ci": "upper99_8cl"})
    assert (out["confidence"] == "99.8%").all()


def test_rate_na_rows_propagate(rate_ref: pd.DataFrame) -> None:
    # Rows 17-19: NA x gives NA value, limits and method; NA n with x = 10 gives NA outputs but
    # method Byars. Row 20: x > n is allowed for rates.
    ref = rate_ref.iloc[16:20]
    out = stats.rate(
        _inputs(ref), "Numerator", "Denominator", confidence=(0.95, 0.998), na="propagate"
    )
    assert_columns_close(out, ref, BOTH)
    assert_text_equal(out["method"], ref["method"])


def test_rate_grouped(rate_ref: pd.DataFrame) -> None:
    expected = read_reference("testdata_Rate__testdata_Rate_g.csv")
    out = stats.rate(_inputs(rate_ref), "Numerator", "Denominator", group_by="Area", na="propagate")
    assert list(out.columns[:3]) == ["Area", "Numerator", "Denominator"]
    # Groups come sorted by key; the workbook lists them in another order.
    assert out["Area"].is_monotonic_increasing
    out = out.set_index("Area").loc[expected["Area"]].reset_index()
    assert_columns_close(
        out,
        expected,
        {
            "Numerator": "Numerator",
            "Denominator": "Denominator",
            "value": "value",
            "lower_ci": "lowercl",
            "upper_ci": "uppercl",
        },
    )
    assert_text_equal(out["method"], expected["method"])
    assert_text_equal(out["confidence"], expected["confidence"])
    assert_text_equal(out["statistic"], expected["statistic"])


@pytest.mark.parametrize(("rows", "multiplier"), [(slice(0, 8), 1), (slice(8, 16), 100)])
def test_proportion_both_levels(prop_ref: pd.DataFrame, rows: slice, multiplier: int) -> None:
    ref = prop_ref.iloc[rows]
    out = stats.proportion(
        _inputs(ref), "Numerator", "Denominator", multiplier=multiplier, confidence=(0.95, 0.998)
    )
    assert_columns_close(out, ref, BOTH)
    assert_text_equal(out["method"], ref["method"])
    assert_text_equal(out["statistic"], ref["statistic"])


def test_proportion_na_rows(prop_ref: pd.DataFrame) -> None:
    ref = prop_ref.iloc[16:19]
    out = stats.proportion(
        _inputs(ref), "Numerator", "Denominator", confidence=(0.95, 0.998), na="propagate"
    )
    assert_columns_close(out, ref, BOTH)
    assert_text_equal(out["method"], ref["method"])


def test_proportion_grouped(prop_ref: pd.DataFrame) -> None:
    expected = read_reference("testdata_Proportion__testdata_Prop_g.csv")
    out = stats.proportion(
        _inputs(prop_ref), "Numerator", "Denominator", group_by="Area", na="propagate"
    )
    out = out.set_index("Area").loc[expected["Area"]].reset_index()
    assert_columns_close(
        out,
        expected,
        {
            "Numerator": "Numerator",
            "Denominator": "Denominator",
            "value": "value",
            "lower_ci": "lowercl",
            "upper_ci": "uppercl",
        },
    )
    assert_text_equal(out["statistic"], expected["statistic"])
    assert_text_equal(out["method"], expected["method"])


@pytest.fixture(scope="module")
def bw_ref() -> pd.DataFrame:
    return read_reference("testdata_Byars_Wilson__testdata_B_W.csv")


def test_byar_kernel(bw_ref: pd.DataFrame) -> None:
    for level_text, level in [("95%", 0.95), ("99.8%", 0.998)]:
        ref = bw_ref[(bw_ref["method"] == "Byars") & (bw_ref["confidence"] == level_text)]
        lower, upper = stats.byar_ci(ref["x"].to_numpy(), level)
        frame = pd.DataFrame({"lower": lower, "upper": upper})
        # Row 13 (x = 1 at 99.8%): the negative Byar's lower limit is NA in the reference.
        assert_columns_close(frame, ref, {"lower": "lowercl", "upper": "uppercl"})


def test_wilson_kernel(bw_ref: pd.DataFrame) -> None:
    for level_text, level in [("95%", 0.95), ("99.8%", 0.998)]:
        ref = bw_ref[(bw_ref["method"] == "Wilson") & (bw_ref["confidence"] == level_text)]
        lower, upper = stats.wilson_ci(ref["x"].to_numpy(), ref["n"].to_numpy(), level)
        frame = pd.DataFrame({"lower": lower, "upper": upper})
        assert_columns_close(frame, ref, {"lower": "lowercl", "upper": "uppercl"})


def test_poisson_kernel_matches_rate(rate_ref: pd.DataFrame) -> None:
    ref = rate_ref.iloc[8:16]
    lower, upper = stats.poisson_ci(ref["Numerator"].to_numpy(), 0.95)
    got = pd.DataFrame(
        {
            "lower": lower / ref["Denominator"].to_numpy() * 1e5,
            "upper": upper / ref["Denominator"].to_numpy() * 1e5,
        }
    )
    assert_columns_close(
        got, ref.reset_index(drop=True), {"lower": "lower95_0cl", "upper": "upper95_0cl"}
    )
    assert np.all(np.isfinite(lower))
