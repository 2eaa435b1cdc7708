"""Percentages and rates with their intervals, computed by :mod:`cdop.stats`.

The analytics never compute an interval themselves: these helpers hand the counts
of a full grid to :func:`cdop.stats.proportion` (Wilson) or :func:`cdop.stats.rate`
(exact below 10 events, Byar's at 10 and above) and keep the statistic's own columns
(``value``, the limits, ``confidence``, ``statistic``, ``method``). A zero denominator
(an empty year or group) gives missing values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cdop.analytics._common import METHOD, VALUE, FloatArray

_X = "x"
_N = "n"


def _denominator(total: FloatArray) -> FloatArray:
    return np.where(total > 0, total, np.nan)


def _result(out: pd.DataFrame) -> pd.DataFrame:
    """The statistic's columns (without its inputs), on a fresh range index."""
    kept = out.drop(columns=[_X, _N]).reset_index(drop=True)
    kept[METHOD] = kept[METHOD].where(kept[VALUE].notna())
    return kept


def percent_columns(x: FloatArray, total: FloatArray, confidence: Sequence[float]) -> pd.DataFrame:
    """``value`` = ``x / total * 100`` with Wilson limits, ``confidence``, ``statistic``,
    ``method``."""
    from cdop import stats

    work = pd.DataFrame({_X: np.asarray(x, dtype=np.float64), _N: _denominator(total)})
    out = stats.proportion(
        work, _X, _N, multiplier=100, confidence=list(confidence), na="propagate"
    )
    return _result(out)


def rate_columns(
    x: FloatArray, n: FloatArray, multiplier: float, confidence: Sequence[float]
) -> pd.DataFrame:
    """``value`` = ``x / n * multiplier`` with Poisson limits, ``confidence``, ``statistic``,
    ``method``."""
    from cdop import stats

    work = pd.DataFrame({_X: np.asarray(x, dtype=np.float64), _N: _denominator(n)})
    out = stats.rate(
        work, _X, _N, multiplier=multiplier, confidence=list(confidence), na="propagate"
    )
    return _result(out)
