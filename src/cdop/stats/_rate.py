"""Crude rates with exact Poisson (below 10 events) or Byar's (10 and above) confidence limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdop.stats._ci import BYAR_THRESHOLD, poisson_limits
from cdop.stats._common import (
    ConfidenceArg,
    FloatArray,
    GroupBy,
    Levels,
    NaPolicy,
    assemble,
    check_multiplier,
    format_number,
    parse_confidence,
    text_column,
)
from cdop.stats._prepare import prepare_x_n

__all__ = ["rate", "rate_method_column"]


def rate_method_column(x: FloatArray, index: pd.Index) -> pd.Series:
    """``"Exact"`` below :data:`BYAR_THRESHOLD` events, ``"Byars"`` at or above, NA if missing."""
    codes = (x >= BYAR_THRESHOLD).view(np.int8)  # 0 exact, 1 Byar's (a NaN count is neither)
    missing = np.isnan(x)
    if missing.any():
        codes = np.where(missing, np.int8(-1), codes)
    return text_column(["Exact", "Byars"], codes, index)


def rate(
    df: pd.DataFrame,
    x: str,
    n: str,
    *,
    multiplier: float = 100_000,
    confidence: ConfidenceArg = 0.95,
    group_by: GroupBy = None,
    na: NaPolicy = "raise",
) -> pd.DataFrame:
    r"""Crude rate ``x / n * multiplier`` with Poisson confidence limits.

    The limits for the count ``O = x`` are exact (chi-squared) when ``O < 10``
    and Byar's approximation when ``O >= 10`` (:data:`~cdop.stats.BYAR_THRESHOLD`):

    .. math::

        \text{exact: } L = \tfrac12\chi^2_{\alpha/2}(2O),\;
        U = \tfrac12\chi^2_{1-\alpha/2}(2O+2)

        \text{Byar: } L = O\Bigl(1-\frac{1}{9O}-\frac{z}{3\sqrt O}\Bigr)^3,\;
        U = (O+1)\Bigl(1-\frac{1}{9(O+1)}+\frac{z}{3\sqrt{O+1}}\Bigr)^3

    then each limit is divided by ``n`` and multiplied by ``multiplier``.
    Zero events are valid (lower limit 0). ``x > n`` is allowed (rates can exceed
    the multiplier).

    Parameters
    ----------
    df : pandas.DataFrame
        Input data; not modified.
    x, n : str
        Columns holding the numerator (events, >= 0) and the denominator
        (population or person-years, > 0).
    multiplier : float, default 100000
        Scale of the rate (e.g. 1000 for infant mortality per 1,000 live births).
    confidence : float or sequence of float, default 0.95
        A level in (0, 1] or a percentage in (1, 100], or several levels
        (e.g. ``(0.95, 0.998)``). ``1`` (100%) gives limits ``(0, inf)``.
    group_by : str or list of str, optional
        Sum ``x`` and ``n`` within each group first; the result has one row per
        group (sorted by the group keys), group columns first.
    na : {"raise", "propagate"}, default "raise"
        Missing ``x`` or ``n``: raise :class:`~cdop.errors.CdopArgumentError`, or
        return NA value and limits for that row (as the reference does; a group
        containing a missing value is NA). ``"zero"`` is refused here: a missing count
        of a rate is not known to be none. It belongs to the standardised rates
        (:func:`dsr`, :func:`isr`), where an age band with no record has no deaths.

    Returns
    -------
    pandas.DataFrame
        The input columns (or the group keys and summed ``x``, ``n``) followed by
        ``value``, ``lower_ci``, ``upper_ci`` (``lower_ci_95``, ``upper_ci_95``,
        ``lower_ci_99_8``, ... with several levels), ``confidence`` (e.g. ``"95%"``),
        ``statistic`` (``"rate per 100000"``) and ``method`` (``"Exact"`` or ``"Byars"``).

    Raises
    ------
    CdopArgumentError
        Unknown column, non-numeric column, negative ``x``, ``n <= 0``, missing
        values (with ``na="raise"``), bad ``multiplier`` or ``confidence``.

    Notes
    -----
    Tested against PHEindicatormethods ``phe_rate`` (test data ``testdata_Rate``)
    to 1e-9 relative.

    References
    ----------
    Breslow NE, Day NE. Statistical methods in cancer research, volume II. IARC; 1987.
    Armitage P, Berry G. Statistical methods in medical research (4th edn). 2002.

    Examples
    --------
    Twenty deaths in 100 children, per 100: Byar's limits
    ``20 (1 - 1/180 - 1.96/(3 sqrt 20))^3 = 12.21`` and
    ``21 (1 - 1/189 + 1.96/(3 sqrt 21))^3 = 30.89``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"area": ["A", "B"], "deaths": [20, 0], "pop": [100, 100]})
    >>> out = rate(df, "deaths", "pop", multiplier=100)
    >>> out[["value", "lower_ci", "upper_ci", "method"]].round(4)
       value  lower_ci  upper_ci method
    0   20.0   12.2114   30.8899  Byars
    1    0.0    0.0000    3.6889  Exact
    """
    func = "rate"
    levels = parse_confidence(func, confidence)
    mult = check_multiplier(func, multiplier)
    prep = prepare_x_n(func, df, x, n, group_by=group_by, na=na, proportion=False)
    return rate_frame(func, prep.base, prep.x, prep.n, mult, levels)


def rate_values(
    xs: FloatArray, ns: FloatArray, mult: float, levels: Levels
) -> tuple[FloatArray, list[tuple[FloatArray, FloatArray]]]:
    """The rate of checked counts and its limits at each level: the arithmetic of
    :func:`rate` without a frame."""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = xs / ns * mult
    limits = []
    for level in levels.values:
        lo, up = poisson_limits(xs, level)
        with np.errstate(invalid="ignore", divide="ignore"):
            for limit in (lo, up):  # in place: limit / n * multiplier
                limit /= ns
                limit *= mult
        limits.append((lo, up))
    return value, limits


def rate_frame(
    func: str, base: pd.DataFrame, xs: FloatArray, ns: FloatArray, mult: float, levels: Levels
) -> pd.DataFrame:
    value, limits = rate_values(xs, ns, mult, levels)
    method = rate_method_column(xs, base.index)
    return assemble(
        base,
        value,
        limits,
        levels,
        f"rate per {format_number(mult)}",
        method,
        func=func,
    )
