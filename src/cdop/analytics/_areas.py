"""Many areas at once: a total row, and areas ranked and compared with a benchmark.

Every analytics function computes all areas in one vectorised pass with
``by="residence_area"``. :func:`with_total` adds the total of the areas ("All areas";
call it "England" only when the data are all of England) computed from the same data;
:func:`compare_areas` ranks the areas for one indicator, compares each with a
benchmark (that total, or a national figure given as ``benchmark``) and places it on a
funnel plot (:func:`area_funnel_limits`, :func:`cdop.plots.funnel_plot`). Table,
funnel and labels use one method, so an area outside a drawn limit is the area called
significantly different.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import pandas as pd

from cdop import schema
from cdop.analytics._common import (
    CONFIDENCE,
    DENOMINATOR,
    METHOD,
    NUMERATOR,
    PERIOD,
    STATISTIC,
    VALUE,
    YEAR,
    fail,
)
from cdop.dataset import Dataset
from cdop.errors import NationalComparisonWarning

__all__ = [
    "AREA_COMPARISON_COLUMNS",
    "FUNNEL_LIMIT_COLUMNS",
    "AreaStatistic",
    "area_funnel_limits",
    "compare_areas",
    "with_total",
]

#: What an area indicator is: a percentage of cases or a rate per births or children.
AreaStatistic: TypeAlias = Literal["proportion", "rate"]

BENCHMARK_VALUE: Final = "benchmark_value"
BENCHMARK_LABEL: Final = "benchmark_label"
#: Default label of the total of the areas passed in.
ALL_AREAS: Final = "All areas"
FUNNEL_SIGNIFICANCE: Final = "funnel_significance"
RANK: Final = "rank"
MULTIPLIER: Final = "multiplier"
P_VALUE: Final = "p_value"
LIMITS: Final = ("lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8")
COMPARISONS: Final = ("comparison_95", "comparison_99_8")

#: Columns of :func:`compare_areas` after the area column (and ``year`` when present).
AREA_COMPARISON_COLUMNS: Final = (
    RANK,
    NUMERATOR,
    DENOMINATOR,
    VALUE,
    *LIMITS,
    BENCHMARK_VALUE,
    BENCHMARK_LABEL,
    *COMPARISONS,
    P_VALUE,
    FUNNEL_SIGNIFICANCE,
    CONFIDENCE,
    STATISTIC,
    METHOD,
    MULTIPLIER,
)

LIMIT: Final = "limit"
LEVEL: Final = "level"
SIDE: Final = "side"
BASELINE: Final = "baseline"
#: Columns of :func:`area_funnel_limits`.
FUNNEL_LIMIT_COLUMNS: Final = (LIMIT, LEVEL, SIDE, DENOMINATOR, VALUE, BASELINE)

_AREA: Final = schema.NOTIFICATIONS.residence_area
#: What ``statistic`` says of a rate or a percentage (:mod:`cdop.stats`).
_RATE_STATISTIC: Final = re.compile(r"^rate per (\d+(?:\.\d+)?)$")
_PERCENT_STATISTIC: Final = "percentage"
_FUNNEL_LEVELS: Final = (("95", "95%"), ("99_8", "99.8%"))


def with_total(
    analysis: Callable[..., pd.DataFrame],
    ds: Dataset,
    *args: Any,
    by: str | Sequence[str] = _AREA,
    over: str | None = None,
    total_label: str = ALL_AREAS,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run an analysis by area and append the total over all areas, from the same data.

    ``analysis(ds, *args, by=by, **kwargs)`` gives the rows of every area;
    ``analysis(ds, *args, by=<by without over>, **kwargs)`` gives the total, whose
    ``over`` column is set to ``total_label``. The total rows are therefore exactly
    the analysis run on all the data without the area grouping, and follow the area
    rows. Records without an area form the missing level of the area rows (as
    everywhere in the analytics) and count in the total.

    Mortality gradients and trends (:func:`mortality_inequality`,
    :func:`mortality_trend`) take the result of :func:`infant_mortality` or
    :func:`child_mortality`: run those through ``with_total`` and the total is one
    more group.

    Parameters
    ----------
    analysis : callable
        An analytics function taking a dataset and ``by`` (:func:`activity`,
        :func:`review_durations`, :func:`review_timeliness`, :func:`breakdown`,
        :func:`infant_mortality`, :func:`child_mortality`).
    ds : Dataset
    *args
        Positional arguments after the dataset (e.g. the variables of :func:`breakdown`).
    by : str or list of str, default "residence_area"
        The grouping of the area rows.
    over : str, optional
        The column totalled over (default: the first of ``by``); the other ``by``
        columns group the total too.
    total_label : str, default "All areas"
        Value of ``over`` in the total rows; must not be one of its levels. Say
        "England" only when the areas passed in are the whole of England.
    **kwargs
        Other keyword arguments of ``analysis``, used for both runs.

    Returns
    -------
    pandas.DataFrame
        The columns of ``analysis(ds, by=by)``: the area rows, then the total rows.

    Examples
    --------
    >>> import cdop
    >>> from cdop.analytics import activity, with_total
    >>> ds = cdop.load_sample()
    >>> act = with_total(activity, ds, years="2023/24")
    >>> cols = ["residence_area", "period", "notifications", "reviews"]
    >>> print(act[cols].to_string(index=False))
    residence_area  period  notifications  reviews
         Northmoor 2023/24             38       31
         Southvale 2023/24             26       23
               NaN 2023/24              0        0
         All areas 2023/24             64       54
    >>> imr = with_total(cdop.analytics.infant_mortality, ds,
    ...                  by=["residence_area", "imd_quintile"], years=2023)
    >>> imr[imr["residence_area"] == "All areas"]["imd_quintile"].tolist()
    [1, 2, 3, 4, 5, <NA>]
    """
    func = "with_total"
    if not callable(analysis):
        raise fail(
            func,
            f"argument `analysis` must be an analytics function such as "
            f"cdop.analytics.activity; received {analysis!r}",
        )
    if not isinstance(ds, Dataset):
        raise fail(func, f"argument `ds` must be a cdop.Dataset; received {type(ds).__name__}")
    by_cols = [by] if isinstance(by, str) else list(by) if isinstance(by, Sequence) else None
    if not by_cols or not all(isinstance(c, str) for c in by_cols):
        raise fail(func, f"argument `by` must name one or more columns; received {by!r}")
    over_col = by_cols[0] if over is None else over
    if over_col not in by_cols:
        raise fail(
            func, f"argument `over` must be one of the `by` columns {by_cols!r}; received {over!r}"
        )
    if not isinstance(total_label, str) or not total_label:
        raise fail(
            func, f"argument `total_label` must be a non-empty text; received {total_label!r}"
        )
    rest = [c for c in by_cols if c != over_col]
    if "by" in kwargs:
        raise fail(func, "pass `by` once, as an argument of with_total")
    parts = analysis(ds, *args, by=by_cols, **kwargs)
    total = analysis(ds, *args, by=rest or None, **kwargs)
    if not isinstance(parts, pd.DataFrame) or over_col not in parts.columns:
        raise fail(
            func,
            f"argument `analysis` must return a DataFrame with a column {over_col!r} "
            f"when run with by={by_cols!r}",
        )
    levels = parts[over_col]
    if bool((levels.astype("str") == total_label).any()):
        raise fail(
            func,
            f"argument `total_label`: {total_label!r} is already a level of column "
            f"{over_col!r}; choose another label",
        )
    total.insert(list(parts.columns).index(over_col), over_col, total_label)
    if isinstance(levels.dtype, pd.CategoricalDtype):
        dtype = pd.CategoricalDtype(
            [*levels.dtype.categories, total_label], ordered=levels.dtype.ordered
        )
        parts = parts.assign(**{over_col: levels.astype(dtype)})
        total[over_col] = total[over_col].astype(dtype)
    out = pd.concat([parts, total[list(parts.columns)]], ignore_index=True)
    for col in parts.columns:
        # Keep categorical columns (year, band, ...) categorical when the parts differ.
        dtype_in = parts[col].dtype
        if isinstance(dtype_in, pd.CategoricalDtype) and not isinstance(
            out[col].dtype, pd.CategoricalDtype
        ):
            cats = pd.Index(dtype_in.categories).union(
                pd.Index(total[col].dropna().unique()), sort=False
            )
            out[col] = out[col].astype(pd.CategoricalDtype(cats, ordered=dtype_in.ordered))
    return out


def _defaults(
    func: str,
    table: pd.DataFrame,
    x: str | None,
    n: str | None,
    statistic: Any,
    multiplier: float | None,
) -> tuple[AreaStatistic, str, str, float]:
    told = _told(table)
    if statistic is None:
        kind: AreaStatistic = told[0] if told is not None else "proportion"
    elif statistic in ("proportion", "rate"):
        kind = statistic
    else:
        raise fail(
            func, f"argument `statistic` must be 'proportion' or 'rate'; received {statistic!r}"
        )
    x_col, n_col = x or NUMERATOR, n or DENOMINATOR
    if told is not None and told[0] == kind:
        default_mult: float | None = told[1]
    else:
        default_mult = 100.0 if kind == "proportion" else None
    for arg, col in (("x", x_col), ("n", n_col)):
        if col not in table.columns:
            raise fail(
                func,
                f"argument `{arg}`: column {col!r} is not in `table` (columns: "
                f"{', '.join(map(str, table.columns))}); pass `x` and `n`",
            )
    mult = multiplier if multiplier is not None else default_mult
    if (
        mult is None
        or isinstance(mult, bool)
        or not isinstance(mult, (int, float, np.integer, np.floating))
        or not np.isfinite(mult)
        or mult <= 0
    ):
        raise fail(
            func,
            f"argument `multiplier` must be a number > 0 (e.g. 100 for a percentage, "
            f"1000 per live births); received {multiplier!r}",
        )
    return kind, x_col, n_col, float(mult)


def _told(table: pd.DataFrame) -> tuple[AreaStatistic, float] | None:
    """The kind and multiplier an analytics table states in its ``statistic`` column."""
    if STATISTIC not in table.columns:
        return None
    found = {str(v) for v in table[STATISTIC].dropna().unique()}
    if len(found) != 1:
        return None
    text = found.pop()
    if text == _PERCENT_STATISTIC:
        return "proportion", 100.0
    match = _RATE_STATISTIC.match(text)
    return ("rate", float(match.group(1))) if match else None


def compare_areas(
    table: pd.DataFrame,
    *,
    x: str | None = None,
    n: str | None = None,
    statistic: AreaStatistic | None = None,
    multiplier: float | None = None,
    area: str = _AREA,
    total_label: str = ALL_AREAS,
    ascending: bool = False,
    benchmark: float | pd.Series | pd.DataFrame | None = None,
) -> pd.DataFrame:
    r"""Rank areas on one indicator and compare each with a benchmark at 95% and 99.8%.

    ``table`` holds one row per area for one period (e.g. :func:`review_timeliness`
    or :func:`infant_mortality` with ``by="residence_area"`` and one year or pooled
    period), optionally with the total row of :func:`with_total`. The benchmark is:

    - ``benchmark``, when given: a value on the scale of the indicator (e.g. 75.0 for
      75%), or a row of :func:`national_benchmarks` (its unit must be the
      indicator's; a warning says when its period is not the table's);
    - else the total row's ``x / n`` (labelled ``total_label``), or the pooled value
      of the areas ``sum(x) / sum(n)``, labelled "All areas". Call that total
      "England" (``total_label="England"``) only when the areas are all of England.

    For each area, with :mod:`cdop.stats`:

    - the value with Wilson (proportions) or exact/Byar's Poisson (rates) limits at
      95% and 99.8%, and ``comparison_95`` / ``comparison_99_8``: ``"higher"`` or
      ``"lower"`` when the interval excludes the benchmark, else ``"similar"``, with
      the ``p_value`` of the test the interval inverts (:func:`cdop.stats.compare`);
    - ``funnel_significance``: where the area falls against the funnel limits around
      the benchmark (:func:`area_funnel_limits`): ``"High (0.001)"`` /
      ``"Low (0.001)"`` beyond the 99.8% limits, ``"High (0.025)"`` /
      ``"Low (0.025)"`` beyond the 95% limits, else ``"Not significant"``. The
      limits are drawn from the same test, so this is the comparison read off the
      funnel: an area is beyond a limit exactly when its interval excludes the
      benchmark.

    Areas with a zero or missing denominator keep missing values and no rank.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per area (plus at most one row labelled ``total_label``).
    x, n : str, optional
        Numerator and denominator columns. Default ``numerator`` and
        ``denominator`` (every analytics table). :func:`review_timeliness` needs them
        given, e.g. ``x="within_12_months", n="reviews"``.
    statistic : {"proportion", "rate"}, optional
        Default: what the ``statistic`` column of ``table`` says (``"rate per
        1000"`` is a rate), else ``"proportion"``.
    multiplier : float, optional
        Default: the ``statistic`` column's (1,000 for rates per live births,
        100,000 for rates per population), or 100 for proportions.
    area : str, default "residence_area"
    total_label : str, default "All areas"
        Label of the total row in ``table`` (from :func:`with_total`), if any.
    ascending : bool, default False
        Rank 1 is the highest value (False) or the lowest (True).
    benchmark : float, pandas.Series or one-row pandas.DataFrame, optional
        The value to compare with instead of the total of the areas.

    Returns
    -------
    pandas.DataFrame
        One row per area, ordered by rank: ``area`` (and ``year``, ``period`` when
        ``table`` has them), then ``rank`` (1 = highest; ties share the lowest rank),
        ``numerator``, ``denominator``, ``value``, ``lower_ci_95``, ``upper_ci_95``,
        ``lower_ci_99_8``, ``upper_ci_99_8``, ``benchmark_value``,
        ``benchmark_label`` (e.g. "All areas" or "England 2024/25"),
        ``comparison_95``, ``comparison_99_8``, ``p_value``, ``funnel_significance``,
        ``confidence`` (``"95%, 99.8%"``), ``statistic`` (``"percentage"`` or ``"rate
        per 1000"``, ...), ``method`` and ``multiplier``.

    Examples
    --------
    Two areas of 100 reviews, 90 and 60 within 12 months: all areas (pooled) is
    150 / 200 = 75%. The Wilson 99.8% interval of 90% (79.5% to 95.5%) excludes 75%;
    so does that of 60% (44.9% to 73.4%).

    >>> import pandas as pd
    >>> from cdop.analytics import compare_areas
    >>> t = pd.DataFrame({"residence_area": ["Irevale", "Caldene"],
    ...                   "within_12_months": [90, 60], "reviews": [100, 100]})
    >>> out = compare_areas(t, x="within_12_months", n="reviews")
    >>> print(out[["residence_area", "value", "benchmark_value", "benchmark_label",
    ...            "comparison_99_8", "funnel_significance"]].to_string(index=False))
    residence_area  value  benchmark_value benchmark_label comparison_99_8 funnel_significance
           Irevale   90.0             75.0       All areas          higher        High (0.001)
           Caldene   60.0             75.0       All areas           lower         Low (0.001)

    Against a national figure instead (80%): 90% is similar, 60% lower.

    >>> out = compare_areas(t, x="within_12_months", n="reviews", benchmark=80.0)
    >>> out["comparison_99_8"].tolist(), out["benchmark_label"].iloc[0]
    (['similar', 'lower'], 'Benchmark')
    """
    func = "compare_areas"
    from cdop import stats

    if not isinstance(table, pd.DataFrame):
        raise fail(func, f"argument `table` must be a DataFrame; received {type(table).__name__}")
    if area not in table.columns:
        raise fail(
            func,
            f"argument `area`: column {area!r} is not in `table`; run the analysis "
            f"with by={area!r}",
        )
    kind, x_col, n_col, mult = _defaults(func, table, x, n, statistic, multiplier)
    if not isinstance(ascending, bool):
        raise fail(func, f"argument `ascending` must be True or False; received {ascending!r}")
    labels = table[area].astype("str")
    is_total = (labels == total_label).to_numpy()
    if int(is_total.sum()) > 1:
        raise fail(func, f"argument `table` holds {int(is_total.sum())} rows {total_label!r}")
    present = table[area].notna().to_numpy()
    rows = table[present & ~is_total]
    dup = rows[area].duplicated(keep=False)
    if dup.any():
        first = rows.loc[dup, area].iloc[0]
        raise fail(
            func,
            f"argument `table` must hold one row per area; {first!r} appears "
            f"{int((rows[area] == first).sum())} times (select one year or pooled period, "
            f"and one level of any other grouping)",
        )
    if rows.empty:
        raise fail(func, "argument `table` holds no area rows")
    xs = pd.to_numeric(rows[x_col]).to_numpy(dtype=np.float64, na_value=np.nan)
    ns = pd.to_numeric(rows[n_col]).to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(xs).any() or (xs < 0).any() or (ns < 0).any():
        raise fail(func, f"columns {x_col!r} and {n_col!r} must hold counts >= 0")
    # An area with no denominator at all (no births in the table) is one with 0: no value.
    ns = np.where(np.isnan(ns), 0.0, ns)
    if benchmark is not None:
        england, bench_label = _benchmark(func, benchmark, kind, mult, rows)
    else:
        if is_total.any():
            tot = table[is_total]
            tot_x = float(pd.to_numeric(tot[x_col]).to_numpy(np.float64, na_value=np.nan)[0])
            tot_n = float(pd.to_numeric(tot[n_col]).to_numpy(np.float64, na_value=np.nan)[0])
            bench_label = total_label
        else:
            tot_x, tot_n = float(xs.sum()), float(ns.sum())
            bench_label = ALL_AREAS
        if not tot_n > 0:
            raise fail(
                func,
                f"the denominator of {bench_label!r} ({n_col!r}) is 0; nothing to compare with",
            )
        england = tot_x / tot_n * mult

    work = pd.DataFrame({NUMERATOR: xs, DENOMINATOR: np.where(ns > 0, ns, np.nan)})
    compared = stats.compare(
        work,
        NUMERATOR,
        DENOMINATOR,
        england,
        statistic=kind,
        multiplier=mult,
        confidence=(0.95, 0.998),
        na="propagate",
    )
    out = pd.DataFrame({area: rows[area].to_numpy()})
    for col in (YEAR, PERIOD):
        if col in rows.columns:
            out[col] = rows[col].reset_index(drop=True)
    out[NUMERATOR] = _counts_or_float(xs)
    out[DENOMINATOR] = _counts_or_float(ns)
    for col in (VALUE, *LIMITS):
        out[col] = compared[col].to_numpy(dtype=np.float64)
    out[BENCHMARK_VALUE] = england
    out[BENCHMARK_LABEL] = bench_label
    for col in COMPARISONS:
        out[col] = compared[col].to_numpy()
    out[P_VALUE] = compared[P_VALUE].to_numpy(dtype=np.float64)
    out[FUNNEL_SIGNIFICANCE] = _funnel_labels(
        compared["comparison_95"], compared["comparison_99_8"], out.index
    )
    for col in (CONFIDENCE, STATISTIC, METHOD):
        out[col] = compared[col].to_numpy()
    out[MULTIPLIER] = mult
    rank = out[VALUE].rank(method="min", ascending=ascending)
    out.insert(list(out.columns).index(NUMERATOR), RANK, rank.astype("Int64"))
    order = np.lexsort((out[area].astype("str").to_numpy(), rank.fillna(np.inf).to_numpy()))
    return out.iloc[order].reset_index(drop=True)


_UNIT_SCALE: Final = {
    "percent": ("proportion", 100.0),
    "per 1,000": ("rate", 1_000.0),
    "per 100,000": ("rate", 100_000.0),
}


def _benchmark(
    func: str,
    benchmark: float | pd.Series | pd.DataFrame,
    kind: AreaStatistic,
    mult: float,
    rows: pd.DataFrame,
) -> tuple[float, str]:
    """The benchmark value on the indicator's scale and its label."""
    if isinstance(benchmark, pd.DataFrame):
        if len(benchmark) != 1:
            raise fail(
                func,
                f"argument `benchmark` must be one row of national_benchmarks(); received "
                f"{len(benchmark)} rows",
            )
        benchmark = benchmark.iloc[0]
    if isinstance(benchmark, pd.Series):
        needed = ("value", "unit", "period")
        if any(k not in benchmark.index for k in needed):
            raise fail(
                func,
                "argument `benchmark` must be a number or a row of national_benchmarks() "
                "(with value, unit and period)",
            )
        unit = str(benchmark["unit"])
        scale = _UNIT_SCALE.get(unit)
        if scale is None or scale != (kind, mult):
            raise fail(
                func,
                f"argument `benchmark` is in {unit!r}; the areas' indicator is a {kind} per "
                f"{mult:,.0f} (pass `statistic` / `multiplier`, or a figure in that unit)",
            )
        period = str(benchmark["period"])
        geography = str(benchmark.get("geography", "England"))
        years = set(rows[PERIOD].astype("str")) if PERIOD in rows.columns else set()
        if years and years != {period}:
            warnings.warn(
                f"{func}(): the benchmark is for {period}; the areas are for "
                f"{', '.join(sorted(years))}: not like for like",
                NationalComparisonWarning,
                stacklevel=3,
            )
        value = float(benchmark["value"])
        label = f"{geography} {period}"
    elif isinstance(benchmark, (bool, np.bool_)) or not isinstance(
        benchmark, (int, float, np.integer, np.floating)
    ):
        raise fail(
            func,
            f"argument `benchmark` must be a number or a row of national_benchmarks(); "
            f"received {type(benchmark).__name__}",
        )
    else:
        value, label = float(benchmark), "Benchmark"
    if not np.isfinite(value) or value < 0 or (kind == "proportion" and value > mult):
        raise fail(func, f"argument `benchmark` must be between 0 and {mult:g}; received {value!r}")
    return value, label


def _kind(kind: str) -> AreaStatistic:
    return "rate" if kind == "rate" else "proportion"


def _funnel_labels(c95: pd.Series, c998: pd.Series, index: pd.Index) -> pd.Series:
    """The funnel label of each area from its comparisons (the same test)."""
    a95 = c95.astype("object").to_numpy()
    a998 = c998.astype("object").to_numpy()
    label = np.where(
        a998 == "higher",
        "High (0.001)",
        np.where(
            a998 == "lower",
            "Low (0.001)",
            np.where(
                a95 == "higher",
                "High (0.025)",
                np.where(a95 == "lower", "Low (0.025)", "Not significant"),
            ),
        ),
    )
    out = pd.Series(label, index=index, dtype="str")
    return out.where(pd.notna(c95).to_numpy() & pd.notna(c998).to_numpy())


def _counts_or_float(values: np.ndarray) -> np.ndarray:
    """Whole numbers as int64 (counts), others (estimated births) as float."""
    whole = np.isfinite(values).all() and bool((values == np.rint(values)).all())
    return values.astype(np.int64) if whole else values


def area_funnel_limits(
    comparison: pd.DataFrame,
    *,
    benchmark: float | pd.Series | pd.DataFrame | None = None,
    points: int = 200,
) -> pd.DataFrame:
    r"""The 95% and 99.8% funnel limits of an area comparison, as curves to draw.

    The limits are centred on the benchmark of :func:`compare_areas` (its
    ``benchmark_value``) and drawn from the same tests as its comparisons, so an area
    is beyond a limit exactly when its interval excludes the benchmark:

    - proportions (Wilson interval, score test): at denominator ``n``,
      :math:`p_0 \pm z \sqrt{p_0 (1 - p_0) / n}` (clipped to 0 and the multiplier);
    - rates (exact Poisson interval below 10 events, Byar's from 10): at denominator
      ``n`` with expected events :math:`E = \theta n`, the upper limit is the count
      whose lower confidence limit is ``E``, the lower limit the count whose upper
      confidence limit is ``E`` (none while even 0 events are within the interval),
      divided by ``n``.

    The curves span the whole range of the areas' denominators (to 5% beyond the
    largest) on a geometric grid of ``points`` denominators.

    Parameters
    ----------
    comparison : pandas.DataFrame
        A table from :func:`compare_areas`.
    benchmark : float, pandas.Series or one-row pandas.DataFrame, optional
        The benchmark the comparison was made with (``compare_areas(...,
        benchmark=...)``); an error if it is not the comparison's.
    points : int, default 200

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per point of each limit: ``limit`` (``"lower_99_8"``,
        ``"lower_95"``, ``"upper_95"``, ``"upper_99_8"``), ``level`` (``"95%"`` or
        ``"99.8%"``), ``side`` (``"lower"`` or ``"upper"``), ``denominator``,
        ``value`` (the limit) and ``baseline`` (the benchmark), sorted by limit and
        denominator, less any point where a limit is undefined.

    Examples
    --------
    >>> import pandas as pd
    >>> from cdop.analytics import area_funnel_limits, compare_areas
    >>> t = pd.DataFrame({"residence_area": ["Irevale", "Caldene"],
    ...                   "numerator": [90, 60], "denominator": [100, 100]})
    >>> lim = area_funnel_limits(compare_areas(t))
    >>> sorted(lim["limit"].unique())
    ['lower_95', 'lower_99_8', 'upper_95', 'upper_99_8']
    >>> float(lim["baseline"].iloc[0]), float(lim["denominator"].max())
    (75.0, 105.0)
    """
    func = "area_funnel_limits"
    from cdop.stats import poisson_ci, z_value

    needed = (NUMERATOR, DENOMINATOR, STATISTIC, MULTIPLIER, BENCHMARK_VALUE)
    if not isinstance(comparison, pd.DataFrame) or any(c not in comparison for c in needed):
        raise fail(func, "argument `comparison` must be a table from compare_areas()")
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 10:
        raise fail(func, f"argument `points` must be a whole number >= 10; received {points!r}")
    usable = comparison[comparison[DENOMINATOR] > 0]
    if usable.empty:
        raise fail(func, "argument `comparison` has no area with a denominator > 0")
    kind = "rate" if str(usable[STATISTIC].iloc[0]).startswith("rate") else "proportion"
    mult = float(usable[MULTIPLIER].iloc[0])
    centre = float(usable[BENCHMARK_VALUE].iloc[0])
    if benchmark is not None:
        given, _ = _benchmark(func, benchmark, _kind(kind), mult, usable.iloc[0:0])
        if not np.isclose(given, centre, rtol=1e-12, atol=0.0):
            raise fail(
                func,
                f"argument `benchmark` ({given:g}) is not the benchmark of `comparison` "
                f"({centre:g}); compare the areas with compare_areas(..., benchmark=...) first",
            )
    dens = usable[DENOMINATOR].to_numpy(dtype=np.float64)
    grid = np.geomspace(float(dens.min()) / 4.0, float(dens.max()) * 1.05, int(points))
    parts = []
    for suffix, level in _FUNNEL_LEVELS:
        conf = 0.95 if suffix == "95" else 0.998
        if kind == "proportion":
            p0 = centre / mult
            half = z_value(conf) * np.sqrt(p0 * (1.0 - p0) / grid)
            lower = np.maximum(p0 - half, 0.0) * mult
            upper = np.minimum(p0 + half, 1.0) * mult
        else:
            expected = centre / mult * grid
            lower_count = _count_at_limit(expected, conf, upper_limit=True, ci=poisson_ci)
            upper_count = _count_at_limit(expected, conf, upper_limit=False, ci=poisson_ci)
            lower = lower_count / grid * mult
            upper = upper_count / grid * mult
        for side, values in (("lower", lower), ("upper", upper)):
            parts.append(
                pd.DataFrame(
                    {
                        LIMIT: f"{side}_{suffix}",
                        LEVEL: level,
                        SIDE: side,
                        DENOMINATOR: grid,
                        VALUE: values,
                        BASELINE: centre,
                    }
                )
            )
    out = pd.concat(parts, ignore_index=True)
    keep = np.isfinite(out[VALUE].to_numpy(dtype=np.float64))
    out = out[keep]
    order = ["lower_99_8", "lower_95", "upper_95", "upper_99_8"]
    out[LIMIT] = pd.Categorical(out[LIMIT], categories=order, ordered=True)
    ordered: pd.DataFrame = out.sort_values([LIMIT, DENOMINATOR], kind="stable")
    return ordered.reset_index(drop=True)


def _count_at_limit(
    expected: np.ndarray,
    confidence: float,
    *,
    upper_limit: bool,
    ci: Callable[..., tuple[np.ndarray, np.ndarray]],
) -> np.ndarray:
    """The (continuous) count whose upper (or lower) confidence limit equals ``expected``.

    ``upper_limit=True`` gives the lower funnel limit: counts at or below it have an
    upper limit below ``expected``; NaN where even 0 events do not. Otherwise the
    upper funnel limit: counts above it have a lower limit above ``expected``.
    Bisection on the count (both limits increase with it).
    """
    lo = np.zeros_like(expected)
    hi = expected + 10.0 * np.sqrt(expected) + 20.0
    which = 1 if upper_limit else 0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        limit = ci(mid, confidence)[which]
        below = limit < expected
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    count = (lo + hi) / 2.0
    if upper_limit:
        at_zero = ci(np.zeros_like(expected), confidence)[1]
        count = np.where(at_zero >= expected, np.nan, count)
    return np.asarray(count, dtype=np.float64)
