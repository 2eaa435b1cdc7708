"""Percentages and rates with their intervals, computed by :mod:`cdop.stats`.

The analytics never compute an interval themselves: these helpers hand the counts
of a full grid to :func:`cdop.stats.proportion` (Wilson) or :func:`cdop.stats.rate`
(exact below 10 events, Byar's at 10 and above) and rename ``value`` to what it
measures. A zero denominator (an empty year or group) gives missing values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdop.analytics._common import LOWER_CI, METHOD, PERCENT, RATE, UPPER_CI, FloatArray

_X = "x"
_N = "n"


def _denominator(total: FloatArray) -> FloatArray:
    return np.where(total > 0, total, np.nan)


def percent_columns(x: FloatArray, total: FloatArray, confidence: float) -> pd.DataFrame:
    """``percent``, ``lower_ci``, ``upper_ci``: ``x / total * 100`` with Wilson limits."""
    from cdop import stats

    work = pd.DataFrame({_X: np.asarray(x, dtype=np.float64), _N: _denominator(total)})
    out = stats.proportion(work, _X, _N, multiplier=100, confidence=confidence, na="propagate")
    return pd.DataFrame(
        {
            PERCENT: out["value"].to_numpy(dtype=np.float64),
            LOWER_CI: out["lower_ci"].to_numpy(dtype=np.float64),
            UPPER_CI: out["upper_ci"].to_numpy(dtype=np.float64),
        }
    )


def rate_columns(
    x: FloatArray, n: FloatArray, multiplier: float, confidence: float
) -> pd.DataFrame:
    """``rate``, ``lower_ci``, ``upper_ci``, ``method``: ``x / n * multiplier``."""
    from cdop import stats

    work = pd.DataFrame({_X: np.asarray(x, dtype=np.float64), _N: _denominator(n)})
    out = stats.rate(work, _X, _N, multiplier=multiplier, confidence=confidence, na="propagate")
    return pd.DataFrame(
        {
            RATE: out["value"].to_numpy(dtype=np.float64),
            LOWER_CI: out["lower_ci"].to_numpy(dtype=np.float64),
            UPPER_CI: out["upper_ci"].to_numpy(dtype=np.float64),
            METHOD: out["method"].where(out["value"].notna()),
        }
    )
