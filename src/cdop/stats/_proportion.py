"""Proportions with Wilson score confidence limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdop.stats._ci import wilson_limits
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
)
from cdop.stats._prepare import prepare_x_n

__all__ = ["proportion", "proportion_statistic"]


def proportion_statistic(multiplier: float) -> str:
    """``"proportion of 1"`` for 1, ``"percentage"`` for 100, else ``"proportion per <m>"``."""
    if multiplier == 1.0:
        return "proportion of 1"
    if multiplier == 100.0:
        return "percentage"
    return f"proportion per {format_number(multiplier)}"


def proportion(
    df: pd.DataFrame,
    x: str,
    n: str,
    *,
    multiplier: float = 1,
    confidence: ConfidenceArg = 0.95,
    group_by: GroupBy = None,
    na: NaPolicy = "raise",
) -> pd.DataFrame:
    r"""Proportion ``x / n * multiplier`` with Wilson score confidence limits.

    .. math::

        L, U = \frac{2x + z^2 \mp z\sqrt{z^2 + 4x(1 - x/n)}}{2(n + z^2)} \times \text{multiplier}

    with ``z`` the two-sided normal quantile of the confidence level. ``x = 0``
    gives ``L = 0`` and ``x = n`` gives ``U = multiplier``; ``confidence = 1``
    gives ``(0, multiplier)``.

    Parameters
    ----------
    df : pandas.DataFrame
        Input data; not modified.
    x, n : str
        Columns holding the numerator (``0 <= x <= n``) and the denominator (> 0).
    multiplier : float, default 1
        1 for a proportion, 100 for a percentage.
    confidence : float or sequence of float, default 0.95
        A level in (0, 1] or a percentage in (1, 100], or several levels.
    group_by : str or list of str, optional
        Sum ``x`` and ``n`` within each group first; one row per group.
    na : {"raise", "propagate"}, default "raise"
        Missing ``x`` or ``n``: raise, or return NA value and limits (as the reference).

    Returns
    -------
    pandas.DataFrame
        Input (or group keys and summed ``x``, ``n``) plus ``value``, the limit
        columns, ``confidence``, ``statistic`` (``"proportion of 1"`` or
        ``"percentage"``) and ``method`` (``"Wilson"``).

    Raises
    ------
    CdopArgumentError
        Unknown or non-numeric column, negative ``x``, ``n <= 0``, ``x > n``,
        missing values (with ``na="raise"``), bad ``multiplier`` or ``confidence``.

    Notes
    -----
    Tested against PHEindicatormethods ``phe_proportion`` (test data
    ``testdata_Proportion``) to 1e-9 relative.

    References
    ----------
    Wilson EB. J Am Stat Assoc 1927;22:209-212. Newcombe RG, Altman DG. In: Statistics
    with confidence (2nd edn). BMJ Books; 2000.

    Examples
    --------
    65 of 100 reviews within 12 months, as a percentage: with ``z = 1.96``,
    ``(130 + 3.84 -/+ 1.96 sqrt(3.84 + 91)) / (2 x 103.84) = 55.25%, 73.64%``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"reviewed": [65], "total": [100]})
    >>> out = proportion(df, "reviewed", "total", multiplier=100)
    >>> out[["value", "lower_ci", "upper_ci", "statistic"]].round(2)
       value  lower_ci  upper_ci   statistic
    0   65.0     55.25     73.64  percentage
    """
    func = "proportion"
    levels = parse_confidence(func, confidence)
    mult = check_multiplier(func, multiplier)
    prep = prepare_x_n(func, df, x, n, group_by=group_by, na=na, proportion=True)
    return proportion_frame(func, prep.base, prep.x, prep.n, mult, levels)


def proportion_values(
    xs: FloatArray, ns: FloatArray, mult: float, levels: Levels
) -> tuple[FloatArray, list[tuple[FloatArray, FloatArray]]]:
    """The proportion of checked counts and its Wilson limits at each level: the
    arithmetic of :func:`proportion` without a frame."""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = xs / ns
        if mult != 1.0:
            value *= mult
    limits = []
    for level in levels.values:
        lo, up = wilson_limits(xs, ns, level)
        if mult != 1.0:
            lo *= mult
            up *= mult
        limits.append((lo, up))
    return value, limits


def proportion_frame(
    func: str, base: pd.DataFrame, xs: FloatArray, ns: FloatArray, mult: float, levels: Levels
) -> pd.DataFrame:
    value, limits = proportion_values(xs, ns, mult, levels)
    return assemble(
        base,
        value,
        limits,
        levels,
        proportion_statistic(mult),
        "Wilson",
        func=func,
    )
