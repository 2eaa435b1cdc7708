"""Funnel plots: control limits (95% and 99.8%) and the significance of each point.

Follows the Fingertips funnel plot methods as implemented by PHEindicatormethods
(``calculate_funnel_limits``, ``assign_funnel_significance``,
``calculate_funnel_points``): Wilson-based limits for proportions, exact Poisson
limits (found by bisection, as the reference does) for ratios and rates.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special

from cdop.stats._ci import poisson_ci
from cdop.stats._common import (
    FloatArray,
    check_columns,
    check_frame,
    check_multiplier,
    check_no_clash,
    describe_rows,
    fail,
    numeric_column,
    text_column,
)

__all__ = [
    "SIGNIFICANCE_LEVELS",
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
]

Statistic = Literal["proportion", "ratio", "rate"]

#: Significance labels, as in the reference.
SIGNIFICANCE_LEVELS = (
    "High (0.001)",
    "High (0.025)",
    "Low (0.001)",
    "Low (0.025)",
    "Not significant",
    "Not applicable for events less than 10 for dsrs",
)

#: One-sided tail probabilities of the 95% ("2 sigma") and 99.8% ("3 sigma") limits.
_TAILS = (("95", 0.025), ("99_8", 0.001))

_POINTS = 100


# --------------------------------------------------------------------------- formulas


def _proportion_limit(
    p: float, population: FloatArray, average: float, side: str, multiplier: float
) -> FloatArray:
    r"""Observed proportion at which the Wilson interval at tail ``1 - p`` touches ``average``.

    Solves the Wilson score quadratic for the observed proportion (Fingertips method):
    with ``q = z_p^2``, ``A = 1/q + 1/N``,

    .. math::

        \hat p = \frac{\bar p (N/q + 1) \mp \sqrt{D}/8}{A}, \quad
        D = 64\bar p^2 (N/q + 1)^2 - 64 A \bar p \bigl(N(\bar p(N/q + 2) - 1) + q(\bar p - 1)\bigr)

    divided by ``N`` and multiplied by the multiplier.
    """
    q2 = float(special.ndtri(p)) ** 2
    first = average * (population / q2 + 1.0)
    with np.errstate(invalid="ignore"):
        adj = np.sqrt(
            (-8.0 * average * (population / q2 + 1.0)) ** 2
            - 64.0
            * (1.0 / q2 + 1.0 / population)
            * average
            * (population * (average * (population / q2 + 2.0) - 1.0) + q2 * (average - 1.0))
        )
    last = 1.0 / q2 + 1.0 / population
    limit = (first - adj / 8.0) / last if side == "low" else (first + adj / 8.0) / last
    return np.asarray(limit / population * multiplier, dtype=np.float64)


def _poisson_bisect(obs: FloatArray, tail: float, side: str) -> FloatArray:
    """Expected count at which observing ``obs`` is exactly at the ``tail`` probability.

    ``side="low"``: the mean whose upper tail ``P(X >= obs)`` equals ``tail``;
    ``side="high"``: the mean whose lower tail ``P(X <= obs)`` equals ``tail``. The
    mean is ``(1 + obs) v / (1 - v)`` and ``v`` is found by the same fixed
    bisection as the reference (start 0.5, halve the step until it is <= 1e-7),
    vectorised over all points.
    """
    v = np.full(obs.shape, 0.5)
    dv = 0.5
    positive = obs > 0
    safe_obs = np.where(positive, obs, 1.0)
    while dv > 1e-7:
        dv /= 2.0
        mean = (1.0 + obs) * v / (1.0 - v)
        if side == "low":
            prob = np.where(positive, special.gammainc(safe_obs, mean), 1.0)
            v = np.where(prob > tail, v - dv, v + dv)
        else:
            prob = special.gammaincc(obs + 1.0, mean)
            v = np.where(prob < tail, v - dv, v + dv)
    return np.asarray((1.0 + obs) * v / (1.0 - v), dtype=np.float64)


def _r_nchar(value: float) -> int:
    """Characters R uses to print a non-negative whole number (``1e+05`` for 100000)."""
    digits = str(int(value))
    fixed = len(digits)
    significant = len(digits.rstrip("0")) or 1
    exponent = fixed - 1
    mantissa = 1 if significant == 1 else significant + 1
    sci = mantissa + 2 + max(2, len(str(exponent)))
    return fixed if fixed <= sci else sci


def _floor_neat(x: float, down: float = 0.95) -> float:
    if x == 0:
        return 0.0
    digits = _r_nchar(math.floor(x * down)) - 1
    return math.floor(x * down / 10.0**digits) * 10.0**digits


def _ceiling_neat(x: float, up: float = 1.05) -> float:
    if x == 0:
        return 0.0
    digits = _r_nchar(math.ceil(x * up)) - 2
    return math.ceil(x * up / 10.0**digits) * 10.0**digits


def _axis_points(minimum: float, maximum: float, statistic: str) -> FloatArray:
    """The 100 denominators (or event counts) at which the funnel is drawn.

    Geometric spacing from ``max(1, minimum)`` to ``maximum``, rounded, strictly
    increasing. Each point depends on the previous one, hence the short loop over
    the 100 plotting positions (not over data rows).
    """
    points = [max(1.0, minimum)]
    for j in range(2, _POINTS + 1):
        offset = j if statistic in ("proportion", "rate") else j - 1
        prev = points[-1]
        step = round((maximum / prev) ** (1.0 / (101 - offset)) * prev)
        points.append(float(max(step, prev + 1.0)))
    return np.asarray(points, dtype=np.float64)


# --------------------------------------------------------------------------- inputs


def _derived_denominator(
    func: str,
    df: pd.DataFrame,
    numerator: str,
    denominator: str | None,
    rate: str | None,
    statistic: str,
    rate_type: str | None,
    multiplier: float | None,
    *,
    need_rate_args: tuple[str, ...] = (),
) -> tuple[FloatArray, FloatArray]:
    """Numerator and (derived) denominator arrays after the reference's checks."""
    if statistic not in ("proportion", "ratio", "rate"):
        raise fail(
            func,
            f"argument `statistic` must be 'proportion', 'ratio' or 'rate'; received {statistic!r}",
        )
    check_columns(func, df, {"numerator": numerator, "denominator": denominator, "rate": rate})
    if statistic == "rate":
        if rate is None or rate_type is None or multiplier is None:
            raise fail(
                func,
                "arguments `rate`, `rate_type` and `multiplier` are required when "
                "statistic='rate'"
                + (f" (and {', '.join(need_rate_args)})" if need_rate_args else ""),
            )
        if rate_type not in ("dsr", "crude"):
            raise fail(
                func, f"argument `rate_type` must be 'dsr' or 'crude'; received {rate_type!r}"
            )
        num = numeric_column(func, df, "numerator", numerator, min_value=0.0)
        rates = numeric_column(func, df, "rate", rate, allow_na=True, min_value=0.0)
        den_given = (
            numeric_column(func, df, "denominator", denominator, allow_na=True)
            if denominator is not None
            else None
        )
        zero = num == 0
        if zero.any():
            if den_given is None:
                raise fail(
                    func,
                    "for rates, rows with 0 events need a denominator: pass `denominator`; "
                    f"0 events in {describe_rows(df.index, zero)}",
                )
            bad = zero & ~(den_given > 0)
            if bad.any():
                raise fail(
                    func,
                    "for rates, rows with 0 events need a denominator > 0; received "
                    f"{describe_rows(df.index, bad, den_given)}",
                )
        missing_rate = np.isnan(rates) & (
            np.ones_like(num, dtype=bool) if den_given is None else np.isnan(den_given)
        )
        if missing_rate.any():
            raise fail(
                func,
                "argument `rate` must be given for every row (or a denominator where the rate "
                f"is 0); missing in {describe_rows(df.index, missing_rate)}",
            )
        bad_rate = (rates == 0) & ~zero
        if bad_rate.any():
            raise fail(
                func,
                "argument `rate` must be > 0 where there are events; received 0 in "
                f"{describe_rows(df.index, bad_rate)}",
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            derived = multiplier * num / rates
        if rate_type == "dsr":
            den = np.where(zero, np.nan, derived)
        elif den_given is None:
            den = derived
        else:
            den = np.where(zero, den_given, derived)
        return num, np.asarray(den, dtype=np.float64)
    if denominator is None:
        raise fail(func, f"argument `denominator` is required when statistic={statistic!r}")
    num = numeric_column(func, df, "numerator", numerator, min_value=0.0)
    den = numeric_column(func, df, "denominator", denominator, min_value=0.0, strict_min=True)
    if statistic == "proportion":
        bad = num > den
        if bad.any():
            raise fail(
                func,
                f"argument `numerator` must not exceed `denominator` for proportions; received "
                f"{describe_rows(df.index, bad)}",
            )
    return num, den


# --------------------------------------------------------------------------- public


def funnel_limits(
    df: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    *,
    statistic: Statistic,
    multiplier: float,
    rate: str | None = None,
    rate_type: Literal["dsr", "crude"] | None = None,
    ratio_type: Literal["count", "isr"] | None = None,
    years_of_data: float | None = None,
) -> pd.DataFrame:
    r"""Funnel plot control limits at 95% and 99.8%, as a 100-point table for plotting.

    The baseline is the pooled average ``sum(numerator) / sum(denominator)``.
    The x-axis runs from a rounded minimum to a rounded maximum of the
    denominators (from 0 when the largest is more than twice the smallest) in 100
    geometrically spaced, rounded points.

    * ``statistic="proportion"``: at each population ``N`` the observed proportion
      whose Wilson interval (two-sided 95% / 99.8%) just touches the baseline,
      clipped to ``[0, multiplier]``.
    * ``statistic="ratio"`` (observed / expected): at each observed count ``O``,
      the expected count ``E`` at which ``O`` is at the 2.5% / 0.1% Poisson tail
      (found by bisection), giving the ratio limits ``O / E``; ``ratio_type="count"``
      reports ``O/E - 1``, ``"isr"`` reports ``100 O/E``.
    * ``statistic="rate"``: as for ratios with ``O`` events; the population at
      which the limit is reached is ``E / baseline`` (per year: divided by
      ``years_of_data``) and the limit rate is ``O / population * multiplier``.
      Denominators are derived as ``multiplier * numerator / rate``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per area; not modified.
    numerator : str
        Events (or cases) column.
    denominator : str, optional
        Population (proportion), expected events (ratio), or population for rows
        with zero events (rate).
    statistic : {"proportion", "ratio", "rate"}
    multiplier : float
        Scale of the proportion or rate (e.g. 100, 100000).
    rate : str, optional
        Column of rates (required for ``statistic="rate"``).
    rate_type : {"dsr", "crude"}, optional
        Required for rates; DSR rows with 0 events are left out of the average.
    ratio_type : {"count", "isr"}, optional
        Required for ratios.
    years_of_data : float, optional
        Required for rates: the number of years the data cover.

    Returns
    -------
    pandas.DataFrame
        100 rows. The first column is ``population`` (proportion), ``observed_events``
        (ratio) or ``events`` (rate); then ``lower_limit_95``, ``upper_limit_95``,
        ``lower_limit_99_8``, ``upper_limit_99_8`` (for ratios each preceded by
        ``*_expected_events_*``, for rates by the one-year population
        ``lower_population_95`` etc.), ``baseline``, ``statistic`` and ``method``.

    Notes
    -----
    Tested against PHEindicatormethods ``calculate_funnel_limits`` (all funnel
    test files), to the 7-10 significant digits those files were stored with.

    Examples
    --------
    A pooled proportion of 0.5 with populations 100 and 150 (axis from 0.95 x 100
    rounded down to 90, to 1.05 x 150 rounded up to 160). At ``N = 90`` the 95%
    lower limit is the proportion whose Wilson 95% upper limit is exactly 0.5:
    ``(p + z^2/180 + z sqrt(p(1-p)/90 + z^2/32400)) / (1 + z^2/90) = 0.5`` at ``p = 39.67%``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [50, 75], "n": [100, 150]})
    >>> out = funnel_limits(df, "x", "n", statistic="proportion", multiplier=100)
    >>> out.loc[0, ["population", "lower_limit_95", "upper_limit_95", "baseline"]].round(2).tolist()
    [90.0, 39.67, 60.33, 50.0]
    """
    func = "funnel_limits"
    frame = check_frame(func, df)
    mult = check_multiplier(func, multiplier)
    if statistic == "rate" and years_of_data is None:
        raise fail(func, "argument `years_of_data` is required when statistic='rate'")
    if statistic == "ratio" and ratio_type not in ("count", "isr"):
        raise fail(func, f"argument `ratio_type` must be 'count' or 'isr'; received {ratio_type!r}")
    years = 1.0
    if statistic == "rate":
        years = check_multiplier(func, years_of_data, arg="years_of_data")
    num, den = _derived_denominator(
        func, frame, numerator, denominator, rate, statistic, rate_type, mult
    )
    if len(num) == 0:
        raise fail(func, "argument `df` has no rows")
    average = float(num.sum() / np.nansum(den))
    min_den = float(np.nanmin(den))
    max_den = float(np.nanmax(den))
    if max_den > 2 * min_den:
        axis_min = 0.0
    elif statistic == "rate":
        axis_min = _floor_neat(min_den / years) * years
    else:
        axis_min = _floor_neat(min_den)
    if statistic == "rate":
        axis_max = _ceiling_neat(max_den / years) * years
        axis_min = float(math.floor(axis_min * average))
        axis_max = float(math.ceil(axis_max * average))
    else:
        axis_max = _ceiling_neat(max_den)
    points = _axis_points(axis_min, axis_max, statistic)

    columns: dict[str, object] = {}
    if statistic == "proportion":
        columns["population"] = points
        for suffix, tail in _TAILS:
            lo = _proportion_limit(1.0 - tail, points, average, "low", mult)
            up = _proportion_limit(1.0 - tail, points, average, "high", mult)
            columns[f"lower_limit_{suffix}"] = np.maximum(lo, 0.0)
            columns[f"upper_limit_{suffix}"] = np.minimum(up, mult)
        columns["baseline"] = np.full(_POINTS, average * mult)
        label, method = "proportion", "Wilson"
    elif statistic == "ratio":
        columns["observed_events"] = points
        for suffix, tail in _TAILS:
            for side, name in (("high", "lower"), ("low", "upper")):
                expected = _poisson_bisect(points, tail, side)
                ratio = points / expected
                columns[f"{name}_expected_events_{suffix}"] = expected
                columns[f"{name}_limit_{suffix}"] = (
                    ratio - 1.0 if ratio_type == "count" else ratio * 100.0
                )
        columns["baseline"] = np.full(_POINTS, 0.0 if ratio_type == "count" else 100.0)
        label, method = f"ratio ({ratio_type})", "Poisson"
    else:
        columns["events"] = points
        for suffix, tail in _TAILS:
            for side, name in (("high", "lower"), ("low", "upper")):
                population = _poisson_bisect(points, tail, side) / average
                columns[f"{name}_population_{suffix}"] = population / years
                columns[f"{name}_limit_{suffix}"] = points / population * mult
        columns["baseline"] = np.full(_POINTS, average * mult)
        label = (
            f"rate ({rate_type} per {mult:,.0f})"
            if mult.is_integer()
            else f"rate ({rate_type} per {mult:g})"
        )
        method = "Poisson"
    out = pd.DataFrame(columns)
    index = out.index
    out["statistic"] = text_column([label], np.zeros(_POINTS, dtype=np.int8), index)
    out["method"] = text_column([method], np.zeros(_POINTS, dtype=np.int8), index)
    return out


def funnel_significance(
    df: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    *,
    statistic: Statistic,
    rate: str | None = None,
    rate_type: Literal["dsr", "crude"] | None = None,
    multiplier: float | None = None,
) -> pd.DataFrame:
    r"""Label each row by where it falls against the funnel limits.

    Appends ``significance``: ``"High (0.001)"`` / ``"Low (0.001)"`` outside the
    99.8% limits, ``"High (0.025)"`` / ``"Low (0.025)"`` outside the 95% limits,
    else ``"Not significant"``; for DSRs with fewer than 10 events,
    ``"Not applicable for events less than 10 for dsrs"``.

    * proportions: the row's proportion against the Wilson-based funnel limits at
      its own denominator, around the pooled average;
    * ratios: the Poisson interval of ``O / E`` (exact below 10 events, Byar's
      from 10) against 1;
    * rates: the Poisson interval of ``O / D`` against the pooled average rate,
      where ``D`` is the derived denominator ``multiplier * O / rate`` (for crude
      rates with 0 events, the supplied denominator).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per area; not modified.
    numerator, denominator : str
        As for :func:`funnel_limits`.
    statistic : {"proportion", "ratio", "rate"}
    rate, rate_type, multiplier
        Required for rates.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with a ``significance`` column.

    Notes
    -----
    Tested against PHEindicatormethods ``assign_funnel_significance`` (all 8 rate
    variants, ratios and proportions): every label matches.

    Examples
    --------
    30 observed against 20 expected: Byar's 99.8% limits of 30 are 15.84 and
    51.12, so the 99.8% interval of ``O / E`` (0.79 to 2.56) contains 1, but the
    95% lower limit 20.24 / 20 = 1.012 is above 1:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"obs": [30, 20], "exp": [20.0, 20.0]})
    >>> funnel_significance(df, "obs", "exp", statistic="ratio")["significance"].tolist()
    ['High (0.025)', 'Not significant']
    """
    func = "funnel_significance"
    frame = check_frame(func, df)
    mult = None if multiplier is None else check_multiplier(func, multiplier)
    if statistic == "rate" and mult is None:
        raise fail(func, "argument `multiplier` is required when statistic='rate'")
    num, den = _derived_denominator(
        func, frame, numerator, denominator, rate, statistic, rate_type, mult
    )
    check_no_clash(func, list(frame.columns), ["significance"])
    n_rows = len(num)
    codes = np.full(n_rows, 4, dtype=np.int8)
    if statistic == "proportion":
        average = float(num.sum() / den.sum())
        prop = num / den
        high1 = prop > _proportion_limit(0.999, den, average, "high", 1.0)
        high2 = prop > _proportion_limit(0.975, den, average, "high", 1.0)
        low1 = prop < _proportion_limit(0.999, den, average, "low", 1.0)
        low2 = prop < _proportion_limit(0.975, den, average, "low", 1.0)
        # The reference checks low before high.
        codes = np.select([low1, low2, high1, high2], [2, 3, 0, 1], default=4).astype(np.int8)
    else:
        if statistic == "ratio":
            target = np.ones(n_rows)
        else:
            target = np.full(n_rows, float(num.sum() / np.nansum(den)))
        lo998, up998 = poisson_ci(num, 0.998)
        lo95, up95 = poisson_ci(num, 0.95)
        with np.errstate(invalid="ignore", divide="ignore"):
            conditions = [
                target < lo998 / den,
                target < lo95 / den,
                target > up998 / den,
                target > up95 / den,
            ]
        codes = np.select(conditions, [0, 1, 2, 3], default=4).astype(np.int8)
        if statistic == "rate" and rate_type == "dsr":
            codes = np.where(num < 10, 5, codes).astype(np.int8)
    out = frame.copy(deep=False)
    out["significance"] = text_column(SIGNIFICANCE_LEVELS, codes, frame.index)
    return out


def funnel_points(
    df: pd.DataFrame,
    numerator: str,
    rate: str,
    *,
    rate_type: Literal["dsr", "crude"],
    years_of_data: float,
    multiplier: float,
    denominator: str | None = None,
) -> pd.DataFrame:
    r"""Rate and one-year denominator of each area, for drawing points on a rate funnel.

    Appends ``<rate>_chart`` (the rate; NA for DSRs with fewer than 10 events) and
    ``denominator_derived`` = ``multiplier * numerator / rate / years_of_data``
    (for crude rates with 0 events, ``denominator / years_of_data``; NA for DSRs
    with fewer than 10 events).

    Notes
    -----
    Tested against PHEindicatormethods ``calculate_funnel_points``.

    Examples
    --------
    414 events at 184 per 100,000 over 3 years: ``1e5 x 414 / 184 / 3 = 75,000`` a year.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"ev": [414, 5], "rate": [184.0, 90.0]})
    >>> out = funnel_points(df, "ev", "rate", rate_type="dsr", years_of_data=3, multiplier=1e5)
    >>> out["denominator_derived"].round(1).tolist()
    [75000.0, nan]
    """
    func = "funnel_points"
    frame = check_frame(func, df)
    mult = check_multiplier(func, multiplier)
    years = check_multiplier(func, years_of_data, arg="years_of_data")
    num, den = _derived_denominator(
        func, frame, numerator, denominator, rate, "rate", rate_type, mult
    )
    rates = numeric_column(func, frame, "rate", rate, allow_na=True)
    chart_name = f"{rate}_chart"
    check_no_clash(func, list(frame.columns), [chart_name, "denominator_derived"])
    out = frame.copy(deep=False)
    if rate_type == "dsr":
        small = num < 10
        out[chart_name] = np.where(small, np.nan, rates)
        out["denominator_derived"] = np.where(small, np.nan, den / years)
    else:
        out[chart_name] = rates
        out["denominator_derived"] = den / years
    return out
