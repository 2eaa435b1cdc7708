"""How long reviews take: duration bands, median and interquartile range, timeliness."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Final, Literal, NamedTuple, TypeAlias

import numpy as np
import pandas as pd

from cdop import schema
from cdop.analytics._common import (
    BAND,
    CONFIDENCE,
    DENOMINATOR,
    METHOD,
    NUMERATOR,
    PERIOD,
    STATISTIC,
    YEAR,
    Axis,
    By,
    FloatArray,
    Grid,
    IntArray,
    check_choice,
    check_confidence,
    column_axis,
    counts_column,
    fail,
    group_total,
    parse_by,
    remembered,
    reviewed,
    with_start_year,
)
from cdop.analytics._intervals import percent_columns
from cdop.analytics._periods import (
    PeriodKind,
    Years,
    build_year_axis,
    check_period,
    complete_months_array,
    data_years,
    day_numbers,
    start_years,
    year_codes,
)
from cdop.dataset import Dataset

__all__ = [
    "NATIONAL_BANDS",
    "REPORT_BANDS",
    "Band",
    "BandPreset",
    "DurationStart",
    "review_durations",
    "review_timeliness",
]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS


class Band(NamedTuple):
    """A duration band: label and inclusive bounds in complete months (None = no upper).

    A review is in the band when its complete months lie in ``min_months`` to
    ``max_months``. With ``to_the_day=True`` the upper bound is exact: the band holds
    reviews taking at most ``max_months`` months to the day, and a review taking
    ``max_months`` complete months and some days more goes to the next band (so a
    band "Over 12 months" after it holds every review taking more than 12 months).
    """

    label: str
    min_months: int
    max_months: int | None
    to_the_day: bool = False


BandPreset: TypeAlias = Literal["report", "national"]
#: Where a review duration starts: notification (default) or death.
DurationStart: TypeAlias = Literal["notified", "death"]

#: The bands of a CDOP annual report, in complete months ("6-7 months": 6 or 7 complete
#: months, i.e. from 6 months to the day before 8 months).
REPORT_BANDS: Final = (
    Band("Under 6 months", 0, 5),
    Band("6-7 months", 6, 7),
    Band("8-9 months", 8, 9),
    Band("10-11 months", 10, 11),
    Band("12 months", 12, 12),
    Band("13 months or more", 13, None),
)
#: The bands of the national child death review statistics: under 6 months, 6 to 12
#: months (12 months to the day included), more than 12 months to the day.
NATIONAL_BANDS: Final = (
    Band("Under 6 months", 0, 5),
    Band("6 to 12 months", 6, 12, True),
    Band("Over 12 months", 13, None),
)

REVIEWS_COLUMN: Final = "reviews"
MEDIAN_DAYS: Final = "median_days"
Q1_DAYS: Final = "q1_days"
Q3_DAYS: Final = "q3_days"
WITHIN_6: Final = "within_6_months"
WITHIN_12: Final = "within_12_months"
#: Columns of the two percentages of :func:`review_timeliness` given once (they agree).
_SHARED: Final = (CONFIDENCE, STATISTIC, METHOD)


def _bands(
    func: str, bands: BandPreset | Sequence[Band | tuple[str, int, int | None]]
) -> tuple[Band, ...]:
    if isinstance(bands, str):
        check_choice(func, "bands", bands, ("report", "national"))
        return REPORT_BANDS if bands == "report" else NATIONAL_BANDS
    expected = (
        "argument `bands` must be 'report', 'national' or a sequence of (label, "
        "min_months, max_months) from 0 upwards without gaps, the last with "
        "max_months None"
    )
    try:
        parsed = tuple(Band(*b) for b in bands)
    except TypeError as exc:
        raise fail(func, f"{expected}; received {bands!r}") from exc
    ok = bool(parsed) and parsed[0].min_months == 0 and parsed[-1].max_months is None
    for prev, nxt in itertools.pairwise(parsed):
        ok = ok and prev.max_months is not None and nxt.min_months == prev.max_months + 1
    for band in parsed:
        ok = ok and isinstance(band.label, str) and isinstance(band.min_months, int)
        ok = ok and (band.max_months is None or band.max_months >= band.min_months)
        ok = ok and isinstance(band.to_the_day, bool)
        ok = ok and not (band.to_the_day and band.max_months is None)
    ok = ok and len({b.label for b in parsed}) == len(parsed)
    if not ok:
        raise fail(func, f"{expected}; received {bands!r}")
    return parsed


def _durations(
    func: str, reviewed: pd.DataFrame, start: DurationStart
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Complete months, days, and complete months to the day before completion.

    The last is below the first exactly when the review ended on a whole number of
    months to the day (e.g. 12 months: 12 and 11); a review taking more than ``k``
    months to the day has at least ``k`` complete months to the day before it ended.
    """
    check_choice(func, "start", start, ("notified", "death"))
    col = _N.date_notified if start == "notified" else _N.date_of_death
    end = reviewed[_R.date_review_completed]
    months = complete_months_array(reviewed[col], end)
    before = complete_months_array(reviewed[col], end - pd.Timedelta(days=1))
    days = day_numbers(end) - day_numbers(reviewed[col])
    return months, days, before


def _band_months(months: FloatArray, before: FloatArray, bands: Sequence[Band]) -> FloatArray:
    """Complete months, moved up by one past a ``to_the_day`` bound exceeded by days."""
    out = months.copy()
    for band in bands:
        if band.to_the_day and band.max_months is not None:
            over = (months == band.max_months) & (before >= band.max_months)
            out = np.where(over, band.max_months + 1, out)
    return out


def _setup(
    func: str,
    ds: Dataset,
    by: By,
    period: PeriodKind,
    years: Years,
    panel_year: bool,
    first_year: int | str,
    extra: Sequence[Axis] = (),
) -> tuple[pd.DataFrame, Grid, list[IntArray], IntArray, list[int]]:
    kind = check_period(func, period)
    joined = reviewed(ds)
    by_cols = parse_by(func, by, joined.columns, exclude=(YEAR, PERIOD, BAND))
    review_year = start_years(joined[_R.date_review_completed], kind)
    year_ax, starts = build_year_axis(
        func, years, data_years(review_year), kind, panel_year, first_year
    )
    axes = [column_axis(c, joined[c]) for c in by_cols]
    grid = Grid((*axes, year_ax, *extra))
    codes = [a.codes(joined[c]) for a, c in zip(axes, by_cols, strict=True)]
    return joined, grid, codes, year_codes(review_year, starts), starts


@remembered
def review_durations(
    ds: Dataset,
    bands: BandPreset | Sequence[Band | tuple[str, int, int | None]] = "report",
    *,
    start: DurationStart = "notified",
    by: By = None,
    period: PeriodKind = "financial",
    years: Years = None,
    panel_year: bool = False,
    first_year: int | str = "2008/09",
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Reviews completed per year by duration band.

    Duration is the number of complete calendar months from ``date_notified`` (or
    ``date_of_death`` with ``start="death"``) to ``date_review_completed``: a month is
    complete on reaching the same day of the month (see :func:`complete_months`).

    Presets (bounds in complete months, inclusive):

    - ``"report"``: ``Under 6 months`` (0-5), ``6-7 months``, ``8-9 months``,
      ``10-11 months``, ``12 months`` (12 complete months, i.e. from 12 months to
      the day before 13), ``13 months or more``;
    - ``"national"``: ``Under 6 months`` (0-5), ``6 to 12 months`` (from 6 months to
      12 months to the day), ``Over 12 months`` (more than 12 months to the day: a
      review of 12 months and 20 days is over 12 months).

    Parameters
    ----------
    ds : Dataset
    bands : {"report", "national"} or sequence of Band, default "report"
        A preset, or ``(label, min_months, max_months)`` bands from 0 upwards
        without gaps, the last with ``max_months=None``.
    start : {"notified", "death"}, default "notified"
    by : str or list of str, optional
        Extra grouping by columns of ``ds.reviewed`` (e.g. ``"residence_area"``).
    period : {"financial", "calendar"}, default "financial"
        Years of review completion.
    years : label, start year or list of them, optional
        Years to show (default: every year from the first to the last review).
    panel_year : bool, default False
    first_year : int or str, default "2008/09"
    confidence : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` level, year and band (every band, zero or not):

        - the ``by`` columns, ``year`` (start year), ``period`` (its label), ``band``
          (ordered categorical);
        - ``numerator``: reviews completed in the year in the band;
        - ``denominator``: reviews completed in the year (the bands sum to it);
        - ``value``: ``numerator / denominator * 100`` (NaN when the denominator is 0);
        - ``lower_ci``, ``upper_ci`` (with a level suffix for several levels): Wilson
          score limits of ``value``; ``confidence``, ``statistic``, ``method``
          (:func:`cdop.stats.proportion`).

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> dur = cdop.analytics.review_durations(ds, "national")
    >>> cols = ["band", "numerator", "denominator"]
    >>> print(dur[dur["year"] == 2018][cols].to_string(index=False))
              band  numerator  denominator
    Under 6 months         20           64
    6 to 12 months         32           64
    Over 12 months         12           64
    """
    func = "review_durations"
    band_list = _bands(func, bands)
    conf = check_confidence(func, confidence)
    labels = pd.Index([b.label for b in band_list], dtype="str")
    band_ax = Axis(BAND, labels, dtype=pd.CategoricalDtype(labels, ordered=True))
    reviewed, grid, codes, year_pos, starts = _setup(
        func, ds, by, period, years, panel_year, first_year, (band_ax,)
    )
    months, _, before = _durations(func, reviewed, start)
    lower_bounds = np.array([b.min_months for b in band_list], dtype=np.float64)
    banded = _band_months(months, before, band_list)
    band_pos = (np.searchsorted(lower_bounds, banded, side="right") - 1).astype(np.intp)
    cells = grid.flat([*codes, year_pos, band_pos])
    counts = grid.count(cells)
    total = group_total(grid, counts, (BAND,))
    out = grid.frame()
    out[NUMERATOR] = counts_column(counts)
    out[DENOMINATOR] = counts_column(total)
    out = pd.concat([out, percent_columns(counts, total, conf)], axis=1)
    return with_start_year(out, starts)


@remembered
def review_timeliness(
    ds: Dataset,
    *,
    start: DurationStart = "notified",
    by: By = None,
    period: PeriodKind = "financial",
    years: Years = None,
    panel_year: bool = False,
    first_year: int | str = "2008/09",
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Per year of review completion: median and quartiles of duration, and timeliness.

    Durations in days run from ``date_notified`` (or ``date_of_death``) to
    ``date_review_completed``; quartiles use linear interpolation (pandas' default).
    *Within 6 months* means under 6 complete months (the national ``Under 6
    months``); *within 12 months* means at most 12 months to the day (a review of 12
    months and 20 days is not), so within 12 months is the national ``Under 6
    months`` plus ``6 to 12 months`` and the rest is ``Over 12 months``.

    Parameters
    ----------
    ds : Dataset
    start : {"notified", "death"}, default "notified"
    by : str or list of str, optional
        Extra grouping by columns of ``ds.reviewed``.
    period : {"financial", "calendar"}, default "financial"
    years : label, start year or list of them, optional
    panel_year : bool, default False
    first_year : int or str, default "2008/09"
    confidence : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` level and year:

        - the ``by`` columns, ``year`` (start year), ``period`` (its label);
        - ``reviews``: reviews completed in the year;
        - ``median_days``, ``q1_days``, ``q3_days``: median and quartiles of duration
          in days (NaN without reviews);
        - ``within_6_months``: reviews completed in under 6 complete months;
          ``within_6_months_value``, ``within_6_months_lower_ci``,
          ``within_6_months_upper_ci``: its percentage of ``reviews`` with Wilson limits
          (a level suffix for several levels: ``within_6_months_lower_ci_95``);
        - ``within_12_months`` and its ``_value``, ``_lower_ci``, ``_upper_ci``;
        - ``confidence``, ``statistic``, ``method`` of both percentages.

        :func:`compare_national` with ``"reviews_within_12_months"`` reads
        ``within_12_months`` of ``reviews`` without being told.

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> t = cdop.analytics.review_timeliness(ds)
    >>> print(t[["period", "reviews", "within_12_months"]].head(3).to_string(index=False))
     period  reviews  within_12_months
    2017/18       25                25
    2018/19       64                52
    2019/20       66                48
    """
    func = "review_timeliness"
    conf = check_confidence(func, confidence)
    reviewed, grid, codes, year_pos, starts = _setup(
        func, ds, by, period, years, panel_year, first_year
    )
    months, days, before = _durations(func, reviewed, start)
    cells = grid.flat([*codes, year_pos])
    out = grid.frame()
    total = grid.count(cells)
    out[REVIEWS_COLUMN] = counts_column(total)
    keep = cells >= 0
    grouped = pd.Series(days[keep]).groupby(cells[keep])
    for name, q in ((MEDIAN_DAYS, 0.5), (Q1_DAYS, 0.25), (Q3_DAYS, 0.75)):
        per_cell = grouped.quantile(q) if keep.any() else pd.Series(dtype=np.float64)
        out[name] = per_cell.reindex(range(grid.size)).to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        under_6, within_12 = months < 6, before < 12
    for name, within in ((WITHIN_6, under_6), (WITHIN_12, within_12)):
        x = grid.count(cells, within)
        out[name] = counts_column(x)
        ci = percent_columns(x, total, conf)
        for col in ci.columns:
            if col not in _SHARED:
                out[f"{name}_{col}"] = ci[col].to_numpy()
    for col in _SHARED:
        out[col] = ci[col].to_numpy()
    return with_start_year(out, starts)
