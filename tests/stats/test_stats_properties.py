"""Property-based invariants of the rate and proportion statistics (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cdop import stats

SETTINGS = settings(max_examples=60, deadline=None)

counts = st.integers(min_value=0, max_value=10**7)
sizes = st.integers(min_value=1, max_value=10**9)


@st.composite
def frames(draw: st.DrawFn, proportion: bool = False) -> pd.DataFrame:
    rows = draw(st.integers(min_value=1, max_value=12))
    n = np.array(draw(st.lists(sizes, min_size=rows, max_size=rows)), dtype=np.int64)
    if proportion:
        frac = np.array(draw(st.lists(st.floats(0, 1), min_size=rows, max_size=rows)))
        x = np.floor(frac * n).astype(np.int64)
    else:
        x = np.array(draw(st.lists(counts, min_size=rows, max_size=rows)), dtype=np.int64)
    group = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=rows, max_size=rows))
    return pd.DataFrame({"g": group, "x": x, "n": n})


def _limits_ok(out: pd.DataFrame) -> None:
    for lo, up in [("lower_ci_95", "upper_ci_95"), ("lower_ci_99_8", "upper_ci_99_8")]:
        v = out["value"].to_numpy()
        assert (out[lo].to_numpy() <= v * (1 + 1e-12)).all()
        assert (v <= out[up].to_numpy() * (1 + 1e-12)).all()
        assert (out[lo] >= 0).all()
    # Wider at higher confidence.
    assert (out["lower_ci_99_8"] <= out["lower_ci_95"]).all()
    assert (out["upper_ci_99_8"] >= out["upper_ci_95"]).all()


@SETTINGS
@given(frames())
def test_rate_invariants(df: pd.DataFrame) -> None:
    before = df.copy(deep=True)
    out = stats.rate(df, "x", "n", confidence=(0.95, 0.998))
    pd.testing.assert_frame_equal(df, before)  # input never mutated
    _limits_ok(out)


@SETTINGS
@given(frames(proportion=True))
def test_proportion_invariants(df: pd.DataFrame) -> None:
    before = df.copy(deep=True)
    out = stats.proportion(df, "x", "n", confidence=(0.95, 0.998))
    pd.testing.assert_frame_equal(df, before)
    _limits_ok(out)
    assert (out["upper_ci_99_8"] <= 1).all()


@SETTINGS
@given(frames(), st.sampled_from([1, 100, 1000, 100_000]))
def test_rate_linear_in_multiplier(df: pd.DataFrame, multiplier: int) -> None:
    base = stats.rate(df, "x", "n", multiplier=1)
    scaled = stats.rate(df, "x", "n", multiplier=multiplier)
    for col in ("value", "lower_ci", "upper_ci"):
        np.testing.assert_allclose(scaled[col], base[col] * multiplier, rtol=1e-12)


@SETTINGS
@given(frames(proportion=True), st.sampled_from([1, 100]))
def test_proportion_linear_in_multiplier(df: pd.DataFrame, multiplier: int) -> None:
    base = stats.proportion(df, "x", "n")
    scaled = stats.proportion(df, "x", "n", multiplier=multiplier)
    for col in ("value", "lower_ci", "upper_ci"):
        np.testing.assert_allclose(scaled[col], base[col] * multiplier, rtol=1e-12)


@SETTINGS
@given(frames(), st.booleans())
def test_grouped_equals_presummed(df: pd.DataFrame, proportion: bool) -> None:
    if proportion:
        df = df.assign(x=np.minimum(df["x"], df["n"]))
    func = stats.proportion if proportion else stats.rate
    before = df.copy(deep=True)
    grouped = func(df, "x", "n", group_by="g", confidence=(0.95, 0.998))
    pd.testing.assert_frame_equal(df, before)
    summed = df.groupby("g", as_index=False)[["x", "n"]].sum()
    direct = func(summed, "x", "n", confidence=(0.95, 0.998))
    pd.testing.assert_frame_equal(grouped, direct, check_dtype=False)


@SETTINGS
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_poisson_kernel_contains_count(xs: list[int]) -> None:
    x = np.array(xs, dtype=float)
    for level in (0.9, 0.95, 0.998):
        lo, up = stats.poisson_ci(x, level)
        assert (lo <= x).all() and (x <= up).all()
