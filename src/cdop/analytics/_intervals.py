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
    """The statistic's columns on a fresh range index, with no method where there is no
    value."""
    kept = out.reset_index(drop=True)
    kept[METHOD] = kept[METHOD].where(kept[VALUE].notna())
    return kept


def _plain_counts(x: FloatArray, n: FloatArray, *, proportion: bool) -> bool:
    """Whether the numerators are whole counts (not missing, not negative, of the
    denominators' shape and, for a proportion, not above their denominator): what the
    analytics' own grids always give, so that :mod:`cdop.stats`'s checks of a frame can be
    skipped. Anything else goes through those checks and their messages."""
    if x.shape != n.shape or np.isnan(x).any() or (x < 0).any():
        return False
    return not (proportion and (x > np.nan_to_num(n, nan=np.inf)).any())


def percent_columns(x: FloatArray, total: FloatArray, confidence: Sequence[float]) -> pd.DataFrame:
    """``value`` = ``x / total * 100`` with Wilson limits, ``confidence``, ``statistic``,
    ``method``: the columns :func:`cdop.stats.proportion` gives for the same counts."""
    from cdop import stats
    from cdop.stats._common import parse_confidence
    from cdop.stats._proportion import proportion_frame

    xs = np.asarray(x, dtype=np.float64)
    ns = _denominator(np.asarray(total, dtype=np.float64))
    if _plain_counts(xs, ns, proportion=True):
        levels = parse_confidence("proportion", list(confidence))
        base = pd.DataFrame(index=pd.RangeIndex(xs.size))
        return _result(proportion_frame("proportion", base, xs, ns, 100.0, levels))
    work = pd.DataFrame({_X: xs, _N: ns})
    out = stats.proportion(
        work, _X, _N, multiplier=100, confidence=list(confidence), na="propagate"
    )
    return _result(out.drop(columns=[_X, _N]))


def rate_columns(
    x: FloatArray, n: FloatArray, multiplier: float, confidence: Sequence[float]
) -> pd.DataFrame:
    """``value`` = ``x / n * multiplier`` with Poisson limits, ``confidence``, ``statistic``,
    ``method``: the columns :func:`cdop.stats.rate` gives for the same counts."""
    from cdop import stats
    from cdop.stats._common import check_multiplier, parse_confidence
    from cdop.stats._rate import rate_frame

    xs = np.asarray(x, dtype=np.float64)
    ns = _denominator(np.asarray(n, dtype=np.float64))
    if _plain_counts(xs, ns, proportion=False):
        levels = parse_confidence("rate", list(confidence))
        mult = check_multiplier("rate", multiplier)
        base = pd.DataFrame(index=pd.RangeIndex(xs.size))
        return _result(rate_frame("rate", base, xs, ns, mult, levels))
    work = pd.DataFrame({_X: xs, _N: ns})
    out = stats.rate(
        work, _X, _N, multiplier=multiplier, confidence=list(confidence), na="propagate"
    )
    return _result(out.drop(columns=[_X, _N]))
