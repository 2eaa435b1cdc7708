"""Deprivation gradient and trend of mortality rates: rate ratio, SII, RII, Poisson trend.

Both functions take a table from :func:`infant_mortality` or :func:`child_mortality`
and compute with :mod:`cdop.stats`: the most/least deprived rate ratio with
:func:`cdop.stats.poisson_trend` (a Poisson regression on an indicator of the most
deprived group: the ratio of the two rates with a Wald interval on the log scale),
the slope and relative indices of inequality with :func:`cdop.stats.sii` and
:func:`cdop.stats.rii`, and the trend with :func:`cdop.stats.poisson_trend`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from cdop.analytics._common import (
    CONFIDENCE,
    DENOMINATOR,
    LOWER_CI,
    METHOD,
    NUMERATOR,
    PERIOD,
    STATISTIC,
    UPPER_CI,
    VALUE,
    YEAR,
    check_confidence,
    fail,
)
from cdop.analytics._periods import parse_label
from cdop.errors import DataQualityWarning, SmallNumberWarning

__all__ = ["mortality_inequality", "mortality_trend"]

#: What ``statistic`` says of a mortality rate: ``"rate per 1000"``.
_RATE_STATISTIC: Final = re.compile(r"^rate per (\d+(?:\.\d+)?)$")

MOST_DEPRIVED_RATE: Final = "most_deprived_rate"
LEAST_DEPRIVED_RATE: Final = "least_deprived_rate"
RATE_RATIO: Final = "rate_ratio"
SII: Final = "sii"
RII: Final = "rii"
P_VALUE: Final = "p_value"
PERIODS: Final = "periods"
FIRST_YEAR: Final = "first_year"
LAST_YEAR: Final = "last_year"

_MOST = "_most"
_TIME = "_time"
#: What ``statistic`` says of a trend: the rate ratio from one year to the next.
TREND_STATISTIC = "rate ratio per year"


def _rates_table(func: str, rates: pd.DataFrame) -> tuple[float, list[str]]:
    """The multiplier and the grouping columns of a mortality table."""
    from cdop.stats._common import result_columns

    expected = (
        "argument `rates` must be a table from infant_mortality() or child_mortality() "
        "(columns 'year', 'period', 'numerator', 'denominator', 'value', 'statistic')"
    )
    if not isinstance(rates, pd.DataFrame):
        raise fail(func, expected)
    needed = (YEAR, PERIOD, NUMERATOR, DENOMINATOR, STATISTIC)
    missing = [c for c in needed if c not in rates.columns]
    if missing:
        raise fail(func, f"{expected}; missing {', '.join(repr(c) for c in missing)}")
    found = {str(v) for v in rates[STATISTIC].dropna().unique()}
    matches = [_RATE_STATISTIC.match(v) for v in found]
    if len(found) != 1 or matches[0] is None:
        raise fail(
            func,
            f"argument `rates` must hold one kind of rate (column 'statistic' such as "
            f"'rate per 1000'); received {sorted(found)!r}",
        )
    multiplier = float(matches[0].group(1))
    values = {YEAR, PERIOD, NUMERATOR, DENOMINATOR, *result_columns(list(rates.columns))}
    groups = [str(c) for c in rates.columns if c not in values]
    return multiplier, groups


def mortality_inequality(
    rates: pd.DataFrame,
    *,
    quantile: str = "imd_quintile",
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    seed: int | None = 1,
    rii: bool = True,
) -> pd.DataFrame:
    """Deprivation gradient of mortality per period: rate ratio, SII and RII.

    Quantile 1 is the most deprived (as in the English Indices of Deprivation). Per
    period (and per level of any other grouping column of ``rates``):

    - rate ratio = rate of the most deprived quantile / rate of the least deprived,
      with a Wald interval on the log scale (``exp(log RR +/- z sqrt(1/d1 + 1/d2))``)
      and p-value, from :func:`cdop.stats.poisson_trend` on the two quantiles;
    - SII = fitted rate at the most deprived end minus that at the least deprived end
      of the population ranking (so positive when mortality is higher in deprived
      areas), and RII = their ratio, by the Low & Low regression weighted by births
      (or population), limits by simulation (:func:`cdop.stats.sii`,
      :func:`cdop.stats.rii`; ``multiplier=-1`` so that 1 is the most deprived end).

    Periods where a quantile has no deaths get missing SII/RII (the simulation is on
    the log scale) with a :class:`~cdop.errors.DataQualityWarning`.

    Parameters
    ----------
    rates : pandas.DataFrame
        From :func:`infant_mortality` or :func:`child_mortality` with ``by`` including
        ``quantile``. Rows with a missing quantile or no births (population) are left
        out, and so are groups left empty.
    quantile : str, default "imd_quintile"
    confidence : float or sequence of float, default 0.95
        One level, or several (limits ``rate_ratio_lower_ci_95``, ``sii_upper_ci_99_8``,
        ...).
    repetitions : int, default 100000
        Simulation draws for the SII/RII limits.
    seed : int or None, default 1
        Seed of the simulation (fixed, so results are reproducible; None for fresh
        draws).
    rii : bool, default True
        Also compute the RII (its columns are left out when False, halving the
        simulation time).

    Returns
    -------
    pandas.DataFrame
        One row per other grouping level and period:

        - the other grouping columns, ``year`` (start year), ``period`` (its label);
        - ``most_deprived_rate``, ``least_deprived_rate``;
        - ``rate_ratio``, ``rate_ratio_lower_ci``, ``rate_ratio_upper_ci``,
          ``rate_ratio_p_value``;
        - ``sii``, ``sii_lower_ci``, ``sii_upper_ci`` (on the scale of the rate);
        - ``rii``, ``rii_lower_ci``, ``rii_upper_ci``;
        - ``confidence``: the level(s) of the limits (``"95%"``).

        With several levels each limit carries its level (``sii_lower_ci_95``,
        ``sii_lower_ci_99_8``, ...).

    Examples
    --------
    >>> import cdop
    >>> from cdop.analytics import infant_mortality, mortality_inequality
    >>> ds = cdop.load_sample()
    >>> gap = mortality_inequality(infant_mortality(ds, pool=3))
    >>> gap.columns.tolist()[:4]
    ['year', 'period', 'most_deprived_rate', 'least_deprived_rate']
    >>> row = gap.iloc[0]
    >>> bool(abs(row["rate_ratio"] - row["most_deprived_rate"] / row["least_deprived_rate"])
    ...      < 1e-9)
    True
    """
    func = "mortality_inequality"
    from cdop import stats

    conf = check_confidence(func, confidence)
    multiplier, groups = _rates_table(func, rates)
    if quantile not in groups:
        raise fail(
            func,
            f"argument `quantile`: column {quantile!r} is not a grouping column "
            f"of `rates` (grouping columns: {', '.join(groups) or 'none'})",
        )
    others = [g for g in groups if g != quantile]
    keys = [*others, YEAR, PERIOD]
    denominator = DENOMINATOR
    data = rates[rates[quantile].notna() & (rates[denominator] > 0).fillna(False)].copy()
    data[PERIOD] = data[PERIOD].astype("str")
    data[quantile] = pd.to_numeric(data[quantile])
    data[denominator] = pd.to_numeric(data[denominator]).astype(np.float64)
    data = data.drop(
        columns=[
            c for c in data.columns if c not in {*keys, quantile, NUMERATOR, denominator, VALUE}
        ]
    )
    if data.empty:
        raise fail(func, "argument `rates` holds no rows with a quantile and a denominator")
    q_low, q_high = data[quantile].min(), data[quantile].max()

    ends = data[data[quantile].isin([q_low, q_high])].copy()
    ends[_MOST] = (ends[quantile] == q_low).astype(np.int64)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", SmallNumberWarning)
        ratio = stats.poisson_trend(
            ends, NUMERATOR, denominator, _MOST, confidence=conf, group_by=keys
        )
    base = data[keys].drop_duplicates().reset_index(drop=True)
    out = base.copy()
    rate_at = ends[[*keys, _MOST, VALUE]]
    for name, flag in ((MOST_DEPRIVED_RATE, 1), (LEAST_DEPRIVED_RATE, 0)):
        picked = rate_at[rate_at[_MOST] == flag].drop(columns=_MOST)
        out[name] = _align(base, picked, keys)[VALUE].to_numpy(dtype=np.float64)
    ratio = _align(base, ratio, keys)
    out[RATE_RATIO] = ratio["value"].to_numpy(dtype=np.float64)
    for limit in _limits(conf):
        out[f"{RATE_RATIO}_{limit}"] = ratio[limit].to_numpy(dtype=np.float64)
    out[f"{RATE_RATIO}_{P_VALUE}"] = ratio[P_VALUE].to_numpy(dtype=np.float64)

    # SII/RII need 95% limits of each rate to derive its standard error.
    limits = stats.rate(
        data[[*keys, quantile, NUMERATOR, denominator]].reset_index(drop=True),
        NUMERATOR,
        denominator,
        multiplier=multiplier,
    )
    usable = limits[limits[NUMERATOR] > 0]
    complete = (
        usable.groupby(keys, observed=True)[quantile].transform("size") == data[quantile].nunique()
    )
    usable = usable[complete.to_numpy()]
    dropped = len(base) - usable[keys].drop_duplicates().shape[0]
    if dropped:
        warnings.warn(
            f"{func}(): SII and RII left out for {dropped} period(s) where a "
            f"quantile has no deaths or no denominator",
            DataQualityWarning,
            stacklevel=2,
        )
    indices = ((SII, stats.sii), (RII, stats.rii)) if rii else ((SII, stats.sii),)
    for name, statistic in indices:
        if usable.empty:
            values = base.assign(value=np.nan, **dict.fromkeys(_limits(conf), np.nan))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataQualityWarning)
                result = statistic(
                    usable,
                    quantile,
                    denominator,
                    value="value",
                    value_type="rate",
                    lower_cl=LOWER_CI,
                    upper_cl=UPPER_CI,
                    multiplier=-1,
                    repetitions=repetitions,
                    confidence=conf,
                    seed=seed,
                    group_by=keys,
                )
            values = _align(base, result, keys)
        out[name] = values["value"].to_numpy(dtype=np.float64)
        for limit in _limits(conf):
            out[f"{name}_{limit}"] = values[limit].to_numpy(dtype=np.float64)
    out[CONFIDENCE] = _levels_text(conf)
    period_dtype = rates[PERIOD].dtype
    if isinstance(period_dtype, pd.CategoricalDtype):
        out[PERIOD] = out[PERIOD].astype(period_dtype)
    return out


def _limits(levels: Sequence[float]) -> list[str]:
    """The limit columns of ``levels``, as :mod:`cdop.stats` names them (lower, then upper)."""
    from cdop.stats._common import Levels

    return [name for pair in Levels(tuple(levels)).columns() for name in pair]


def _levels_text(levels: Sequence[float]) -> str:
    """The ``confidence`` column's text: ``"95%"``, ``"95%, 99.8%"``."""
    from cdop.stats._common import Levels

    return Levels(tuple(levels)).label


def _align(base: pd.DataFrame, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows of ``frame`` matching each row of ``base`` on ``keys`` (missing where none)."""
    return base.merge(frame, on=keys, how="left", validate="one_to_one")


def mortality_trend(
    rates: pd.DataFrame, *, confidence: float | Sequence[float] = 0.95
) -> pd.DataFrame:
    """Trend of each mortality rate over the years: rate ratio per year.

    For each grouping level of ``rates`` (e.g. each quintile), a Poisson log-linear
    regression of deaths on the year with the births (or population) as offset
    (:func:`cdop.stats.poisson_trend`): the rate ratio per year (below 1 means
    falling), its Wald interval and p-value. Single years only (not pooled periods).

    Parameters
    ----------
    rates : pandas.DataFrame
        From :func:`infant_mortality` or :func:`child_mortality` with ``pool=1``.
    confidence : float or sequence of float, default 0.95
        One level, or several (limits ``lower_ci_95``, ``upper_ci_99_8``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per grouping level:

        - the grouping columns;
        - ``first_year``, ``last_year`` (start years, integers), ``periods``;
        - ``numerator``: deaths over the years;
        - ``value``: rate ratio per year; ``lower_ci``, ``upper_ci``; ``confidence``,
          ``statistic`` (``"rate ratio per year"``), ``method``;
        - ``p_value``: Wald test of no trend.

    Examples
    --------
    >>> import cdop
    >>> from cdop.analytics import infant_mortality, mortality_trend
    >>> ds = cdop.load_sample()
    >>> trend = mortality_trend(infant_mortality(ds))
    >>> cols = ["imd_quintile", "first_year", "last_year", "numerator"]
    >>> print(trend[cols].to_string(index=False))
     imd_quintile  first_year  last_year  numerator
                1        2018       2024         90
                2        2018       2024         67
                3        2018       2024         66
                4        2018       2024         50
                5        2018       2024         33
    """
    func = "mortality_trend"
    from cdop import stats

    conf = check_confidence(func, confidence)
    _, groups = _rates_table(func, rates)
    spans = [parse_label(str(y)) for y in rates[PERIOD]]
    if any(s is None or s.first != s.last for s in spans):
        raise fail(func, "argument `rates` must hold single years (pool=1), not pooled periods")
    data = rates[[*groups, YEAR, NUMERATOR, DENOMINATOR]].copy()
    data[DENOMINATOR] = pd.to_numeric(data[DENOMINATOR]).astype(np.float64)
    data = data[(data[DENOMINATOR] > 0).to_numpy()]
    data[YEAR] = data[YEAR].astype(np.int64)
    if groups:
        data = data.dropna(subset=groups)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", SmallNumberWarning)
        trend = stats.poisson_trend(
            data.assign(**{_TIME: data[YEAR]}),
            NUMERATOR,
            DENOMINATOR,
            _TIME,
            confidence=conf,
            group_by=groups or None,
        )
    if groups:
        span = data.groupby(groups, observed=True, sort=True)[YEAR].agg(["min", "max"])
        span = span.reset_index().drop(columns=groups)
    else:
        span = pd.DataFrame({"min": [data[YEAR].min()], "max": [data[YEAR].max()]})
    out = trend[groups].copy() if groups else pd.DataFrame(index=trend.index)
    out[FIRST_YEAR] = span["min"].to_numpy(dtype=np.int64)
    out[LAST_YEAR] = span["max"].to_numpy(dtype=np.int64)
    out[PERIODS] = trend["periods"].to_numpy(dtype=np.int64)
    out[NUMERATOR] = np.rint(trend["events"].to_numpy(dtype=np.float64)).astype(np.int64)
    for col in (VALUE, *_limits(conf)):
        out[col] = trend[col].to_numpy(dtype=np.float64)
    for col in (CONFIDENCE, STATISTIC, METHOD):
        out[col] = trend[col].to_numpy()
    out[STATISTIC] = TREND_STATISTIC  # the time is the start year, not a helper column's name
    out[P_VALUE] = trend[P_VALUE].to_numpy(dtype=np.float64)
    return out
