"""The analytics' percentage and rate columns are exactly what cdop.stats gives for the
same counts (the analytics skip the frame checks for their own counts, nothing else)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdop import stats
from cdop.analytics._intervals import percent_columns, rate_columns
from cdop.errors import CdopArgumentError

LEVELS = st.sampled_from([(0.95,), (0.95, 0.998), (0.9,)])


@st.composite
def counts(draw: st.DrawFn, *, proportion: bool) -> tuple[np.ndarray, np.ndarray]:
    size = draw(st.integers(0, 12))
    n = np.array(draw(st.lists(st.integers(0, 400), min_size=size, max_size=size)), dtype=float)
    if proportion:
        x = np.array([draw(st.integers(0, int(v))) for v in n], dtype=float)
    else:
        x = np.array(draw(st.lists(st.integers(0, 60), min_size=size, max_size=size)), dtype=float)
    return x, n


def _reference(kind: str, x: np.ndarray, n: np.ndarray, **kwargs: object) -> pd.DataFrame:
    """The public statistic on a frame of the counts, a zero denominator as missing."""
    frame = pd.DataFrame({"x": x, "n": np.where(n > 0, n, np.nan)})
    func = stats.proportion if kind == "proportion" else stats.rate
    out = func(frame, "x", "n", na="propagate", **kwargs)  # type: ignore[operator]
    out = out.drop(columns=["x", "n"])
    out["method"] = out["method"].where(out["value"].notna())
    return out


@settings(max_examples=60, deadline=None)
@given(data=counts(proportion=True), levels=LEVELS)
def test_percent_columns_are_the_proportion_statistic(
    data: tuple[np.ndarray, np.ndarray], levels: tuple[float, ...]
) -> None:
    x, n = data
    expected = _reference("proportion", x, n, multiplier=100, confidence=list(levels))
    pd.testing.assert_frame_equal(percent_columns(x, n, levels), expected)


@settings(max_examples=60, deadline=None)
@given(data=counts(proportion=False), levels=LEVELS, multiplier=st.sampled_from([1000, 1e5]))
def test_rate_columns_are_the_rate_statistic(
    data: tuple[np.ndarray, np.ndarray], levels: tuple[float, ...], multiplier: float
) -> None:
    x, n = data
    expected = _reference("rate", x, n, multiplier=multiplier, confidence=list(levels))
    pd.testing.assert_frame_equal(rate_columns(x, n, multiplier, levels), expected)


def test_counts_stats_would_refuse_still_get_its_message() -> None:
    """A numerator above its denominator is not a proportion: the statistic's own check
    names it, as before the analytics took their short way."""
    with pytest.raises(CdopArgumentError, match="must not exceed"):
        percent_columns(np.array([5.0]), np.array([3.0]), (0.95,))
