"""Trends: Poisson log-linear regression of counts over time, and the chi-squared test for
linear trend in proportions."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from cdop.errors import SmallNumberWarning
from cdop.stats._common import (
    ConfidenceArg,
    FloatArray,
    GroupBy,
    assemble,
    check_columns,
    check_frame,
    check_multiplier,
    check_not_above,
    fail,
    group_codes,
    numeric_column,
    parse_confidence,
    parse_group_by,
)

__all__ = ["chi2_trend", "poisson_trend"]

_MAX_ITER = 100
_TOL = 1e-12


def _codes(
    func: str, frame: pd.DataFrame, group_cols: list[str]
) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    if group_cols:
        return group_codes(frame, group_cols)
    return np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1))


def _sum(codes: npt.NDArray[np.intp], weights: FloatArray, size: int) -> FloatArray:
    return np.asarray(np.bincount(codes, weights=weights, minlength=size), dtype=np.float64)


def poisson_trend(
    df: pd.DataFrame,
    x: str,
    n: str,
    time: str,
    *,
    confidence: ConfidenceArg = 0.95,
    group_by: GroupBy = None,
) -> pd.DataFrame:
    r"""Trend in a rate: Poisson log-linear regression of counts on time with a population offset.

    For each group the model :math:`\log E[x_t] = \log n_t + \beta_0 + \beta_1 t` is
    fitted by maximum likelihood (Newton-Raphson, which for this canonical-link
    model is iteratively reweighted least squares), with time centred within the
    group. The result is the rate ratio per unit of time :math:`e^{\beta_1}`, its
    Wald interval :math:`e^{\beta_1 \pm z\,\mathrm{SE}}` with
    :math:`\mathrm{SE}^2 = [I^{-1}]_{11}`, :math:`I = \sum_t \mu_t (1, t)(1, t)^T`,
    and the two-sided Wald p-value for :math:`\beta_1 = 0`.

    Groups with no events, fewer than two distinct times, or events only at their
    first or only at their last time (the slope would be infinite) get NA results and
    a :class:`~cdop.errors.SmallNumberWarning`.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per period (per group and period); not modified.
    x, n : str
        Counts (>= 0) and populations or person-years (> 0).
    time : str
        Numeric time (e.g. year, or 0, 1, 2, ...): the rate ratio is per unit of it.
    confidence : float or sequence of float, default 0.95
    group_by : str or list of str, optional

    Returns
    -------
    pandas.DataFrame
        One row per group: group columns, ``value`` (rate ratio per unit of time),
        limit columns, ``confidence``, ``statistic`` (``"rate ratio per unit of
        <time>"``), ``method``, ``slope`` (:math:`\beta_1`), ``se``, ``p_value``,
        ``periods`` and ``events``.

    Notes
    -----
    No counterpart in PHEindicatormethods; tested against closed-form results
    (two periods: the ratio of the rates, SE :math:`\sqrt{1/x_1 + 1/x_2}`) and
    the likelihood equations.

    Examples
    --------
    10 then 20 deaths in 1,000 children: rate ratio 2, ``SE = sqrt(1/10 + 1/20) = 0.387``,
    95% limits ``2 exp(-/+ 1.96 x 0.387) = 0.936, 4.273``, ``p = 2 (1 - Phi(1.790)) = 0.074``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"year": [2020, 2021], "deaths": [10, 20], "pop": [1000, 1000]})
    >>> out = poisson_trend(df, "deaths", "pop", "year")
    >>> out[["value", "lower_ci", "upper_ci", "se", "p_value"]].round(3)
       value  lower_ci  upper_ci     se  p_value
    0    2.0     0.936     4.273  0.387    0.074
    """
    func = "poisson_trend"
    frame = check_frame(func, df)
    levels = parse_confidence(func, confidence)
    check_columns(func, frame, {"x": x, "n": n, "time": time})
    group_cols = parse_group_by(func, frame, group_by, [x, n, time])
    if len(frame) == 0:
        raise fail(func, "argument `df` has no rows")
    xs = numeric_column(func, frame, "x", x, min_value=0.0)
    ns = numeric_column(func, frame, "n", n, min_value=0.0, strict_min=True)
    ts = numeric_column(func, frame, "time", time)
    codes, keys = _codes(func, frame, group_cols)
    size = len(keys)
    count = _sum(codes, np.ones_like(xs), size)
    t_mean = _sum(codes, ts, size) / count
    tc = ts - t_mean[codes]
    events = _sum(codes, xs, size)
    spread = _sum(codes, tc**2, size)
    # All events at the earliest or at the latest time: the likelihood keeps rising as
    # the slope grows, so there is no finite estimate (and no Wald interval).
    t_max = np.full(size, -np.inf)
    np.maximum.at(t_max, codes, tc)
    t_min = np.full(size, np.inf)
    np.minimum.at(t_min, codes, tc)
    at_max = _sum(codes, np.where(tc == t_max[codes], xs, 0.0), size)
    at_min = _sum(codes, np.where(tc == t_min[codes], xs, 0.0), size)
    unbounded = (events > 0) & (spread > 0) & ((at_max == events) | (at_min == events))
    usable = (events > 0) & (spread > 0) & ~unbounded
    # Start from the constant rate.
    with np.errstate(divide="ignore"):
        beta0 = np.log(np.where(usable, events, 1.0) / _sum(codes, ns, size))
    beta1 = np.zeros(size)
    log_n = np.log(ns)
    i00 = i01 = i11 = np.ones(size)
    for _ in range(_MAX_ITER):
        mu = np.exp(log_n + beta0[codes] + beta1[codes] * tc)
        resid = xs - mu
        u0 = _sum(codes, resid, size)
        u1 = _sum(codes, tc * resid, size)
        i00 = _sum(codes, mu, size)
        i01 = _sum(codes, tc * mu, size)
        i11 = _sum(codes, tc * tc * mu, size)
        with np.errstate(divide="ignore", invalid="ignore"):
            det = i00 * i11 - i01**2
            d0 = np.where(usable, (i11 * u0 - i01 * u1) / det, 0.0)
            d1 = np.where(usable, (i00 * u1 - i01 * u0) / det, 0.0)
        # Damp very large steps (e.g. a series of zeros followed by events).
        step = np.maximum(1.0, np.abs(d1) / 5.0)
        beta0 = beta0 + d0 / step
        beta1 = beta1 + d1 / step
        if np.all(np.abs(d1) < _TOL * (1.0 + np.abs(beta1))) and np.all(
            np.abs(d0) < _TOL * (1.0 + np.abs(beta0))
        ):
            break
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(i00 / (i00 * i11 - i01**2))
    beta1 = np.where(usable, beta1, np.nan)
    se = np.where(usable, se, np.nan)
    if not usable.all():
        sparse = int((~usable & ~unbounded).sum())
        reasons = []
        if sparse:
            reasons.append(f"{sparse} group(s) have no events or fewer than two distinct times")
        if unbounded.any():
            reasons.append(
                f"{int(unbounded.sum())} group(s) have events only in their first or only in "
                "their last period (no finite trend)"
            )
        warnings.warn(
            f"{func}(): {'; '.join(reasons)}; their trend is NA",
            SmallNumberWarning,
            stacklevel=2,
        )
    value = np.exp(beta1)
    limits = []
    for level in levels.values:
        z = float(-special.ndtri((1.0 - level) / 2.0))
        limits.append((np.exp(beta1 - z * se), np.exp(beta1 + z * se)))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_value = special.erfc(np.abs(beta1 / se) / np.sqrt(2.0))
    return assemble(
        keys,
        value,
        limits,
        levels,
        f"rate ratio per unit of {time}",
        "Poisson regression (log link, offset log n); Wald interval",
        extra={
            "slope": beta1,
            "se": se,
            "p_value": p_value,
            "periods": count.astype(np.int64),
            "events": events,
        },
        func=func,
    )


def chi2_trend(
    df: pd.DataFrame,
    x: str,
    n: str,
    score: str,
    *,
    multiplier: float = 1,
    confidence: ConfidenceArg = 0.95,
    group_by: GroupBy = None,
) -> pd.DataFrame:
    r"""Chi-squared test for linear trend in proportions (Armitage), with the fitted slope.

    With :math:`\bar p = \sum x_i / \sum n_i`, :math:`\bar s = \sum n_i s_i / \sum n_i`
    and :math:`S = \sum n_i (s_i - \bar s)^2`, the least squares slope of the
    proportion on the score is :math:`b = \sum x_i (s_i - \bar s) / S` and

    .. math::

        \chi^2_1 = \frac{b^2 S}{\bar p (1 - \bar p)}

    (the form of R's ``prop.trend.test``). ``value`` is the slope ``b`` (change in
    proportion per unit of score) times ``multiplier``, with limits
    :math:`b \pm z \sqrt{\bar p(1 - \bar p)/S}` (the null standard error, so the
    interval excludes 0 exactly when the test is significant at that level).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per category (per group and category); not modified.
    x, n : str
        Numerators (``0 <= x <= n``) and denominators (> 0).
    score : str
        Numeric score of each category (e.g. 1, 2, 3 or the year).
    multiplier : float, default 1
        100 gives percentage points per unit of score.
    confidence : float or sequence of float, default 0.95
    group_by : str or list of str, optional

    Returns
    -------
    pandas.DataFrame
        One row per group: group columns, ``value`` (slope), limit columns,
        ``confidence``, ``statistic``, ``method``, ``chi2`` and ``p_value``.

    Notes
    -----
    No counterpart in PHEindicatormethods; tested against R ``prop.trend.test``
    (its documented example: smokers 83/86, 90/93, 129/136, 70/82 give
    X-squared = 8.2249, p = 0.004132).

    References
    ----------
    Armitage P. Tests for linear trends in proportions and frequencies.
    Biometrics 1955;11:375-386.

    Examples
    --------
    2/10, 5/10, 8/10 at scores 1, 2, 3: ``p = 0.5``, ``S = 20``,
    ``b = (2 x -1 + 8 x 1) / 20 = 0.3``, ``chi2 = 0.09 x 20 / 0.25 = 7.2``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"s": [1, 2, 3], "x": [2, 5, 8], "n": [10, 10, 10]})
    >>> out = chi2_trend(df, "x", "n", "s")
    >>> out[["value", "chi2", "p_value"]].round(4)
       value  chi2  p_value
    0    0.3   7.2   0.0073
    """
    func = "chi2_trend"
    frame = check_frame(func, df)
    levels = parse_confidence(func, confidence)
    mult = check_multiplier(func, multiplier)
    check_columns(func, frame, {"x": x, "n": n, "score": score})
    group_cols = parse_group_by(func, frame, group_by, [x, n, score])
    if len(frame) == 0:
        raise fail(func, "argument `df` has no rows")
    xs = numeric_column(func, frame, "x", x, min_value=0.0)
    ns = numeric_column(func, frame, "n", n, min_value=0.0, strict_min=True)
    check_not_above(func, frame, "x", x, "n", n, xs, ns)
    ss = numeric_column(func, frame, "score", score)
    codes, keys = _codes(func, frame, group_cols)
    size = len(keys)
    total_n = _sum(codes, ns, size)
    p_bar = _sum(codes, xs, size) / total_n
    s_bar = _sum(codes, ns * ss, size) / total_n
    dev = ss - s_bar[codes]
    s_dev = _sum(codes, ns * dev**2, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = _sum(codes, xs * dev, size) / s_dev
        var0 = p_bar * (1.0 - p_bar) / s_dev
        chi2 = slope**2 / var0
    p_value = special.chdtrc(1.0, chi2)
    limits = []
    for level in levels.values:
        z = float(-special.ndtri((1.0 - level) / 2.0))
        half = z * np.sqrt(var0)
        limits.append(((slope - half) * mult, (slope + half) * mult))
    return assemble(
        keys,
        slope * mult,
        limits,
        levels,
        "change in proportion per unit of score"
        if mult == 1.0
        else f"change in proportion x {mult:g} per unit of score",
        "Chi-squared test for linear trend (Armitage)",
        extra={"chi2": chi2, "p_value": p_value},
        func=func,
    )
