"""Panel activity per year: notifications, reviews completed and cases carried forward."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from cdop import schema
from cdop.analytics._common import (
    PERIOD,
    YEAR,
    By,
    Grid,
    column_axis,
    counts_column,
    parse_by,
    remembered,
    review_positions,
    with_start_year,
)
from cdop.analytics._periods import (
    PeriodKind,
    Years,
    build_year_axis,
    check_period,
    data_years,
    date_parts,
    day_numbers,
    months_between,
    start_years,
    year_codes,
    year_end,
)
from cdop.dataset import Dataset

__all__ = ["ACTIVITY_COLUMNS", "activity"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS

OPEN_AT_START: Final = "open_at_start"
NOTIFICATIONS: Final = "notifications"
REVIEWS: Final = "reviews"
OPEN_AT_END: Final = "open_at_end"
OPEN_MEDIAN_DAYS: Final = "open_median_days"
OPEN_UNDER_6_MONTHS: Final = "open_under_6_months"
OPEN_6_TO_12_MONTHS: Final = "open_6_to_12_months"
OPEN_OVER_12_MONTHS: Final = "open_over_12_months"

#: Output columns of :func:`activity` after the ``by`` columns and ``year``.
ACTIVITY_COLUMNS: Final = (
    OPEN_AT_START,
    NOTIFICATIONS,
    REVIEWS,
    OPEN_AT_END,
    OPEN_MEDIAN_DAYS,
    OPEN_UNDER_6_MONTHS,
    OPEN_6_TO_12_MONTHS,
    OPEN_OVER_12_MONTHS,
)


@remembered
def activity(
    ds: Dataset,
    *,
    by: By = None,
    period: PeriodKind = "financial",
    years: Years = None,
    panel_year: bool = False,
    first_year: int | str = "2008/09",
) -> pd.DataFrame:
    """Notifications, reviews completed and open cases per year.

    A case is open at a year end when it was notified on or before that day and its
    review was not completed by then (still open, or completed later). Open cases
    carry forward: ``open_at_start + notifications - reviews = open_at_end``, and a
    year's ``open_at_start`` is the previous year's ``open_at_end`` (cases notified
    before the first year shown are counted).

    How long open cases have been open is measured from ``date_notified`` to the
    year end: the median in days, and the number open under 6 complete months, from 6
    months to 12 months to the day, and more than 12 months to the day (a case open 12
    months and 20 days is over 12 months; see :func:`complete_months`).

    Parameters
    ----------
    ds : Dataset
    by : str or list of str, optional
        Extra grouping by notification columns (e.g. ``"residence_area"``); every
        level appears for every year.
    period : {"financial", "calendar"}, default "financial"
    years : label, start year or list of them, optional
        The years to show (default: every year from the earliest notification or
        review to the latest).
    panel_year : bool, default False
        Label years ``"Yr 10 17/18"``.
    first_year : int or str, default "2008/09"
        The year numbered ``Yr 1``.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` level and year, columns in this order:

        - the ``by`` columns, then ``year`` (start year, integer) and ``period`` (its
          label, an ordered categorical);
        - ``open_at_start``: cases open at the end of the previous year;
        - ``notifications``: notifications by ``date_notified`` in the year;
        - ``reviews``: reviews by ``date_review_completed`` in the year;
        - ``open_at_end``: cases open at the year end;
        - ``open_median_days``: median days open at the year end (NaN if none);
        - ``open_under_6_months``, ``open_6_to_12_months``, ``open_over_12_months``:
          open cases at the year end: under 6 complete months, 6 to 12 months (to the
          day), more than 12 months.

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> act = cdop.analytics.activity(ds)
    >>> int(act["notifications"].sum()) == len(ds.notifications)
    True
    >>> bool((act["open_at_start"] + act["notifications"] - act["reviews"]
    ...       == act["open_at_end"]).all())
    True
    >>> act.columns.tolist()[:5]
    ['year', 'period', 'open_at_start', 'notifications', 'reviews']
    """
    func = "activity"
    kind = check_period(func, period)
    notes = ds.notifications
    by_cols = parse_by(func, by, notes.columns, exclude=(YEAR, PERIOD))
    _, reviews, review_of = review_positions(ds)
    completed = reviews[_R.date_review_completed].to_numpy(dtype="datetime64[ns]")
    padded = np.append(completed, np.datetime64("NaT", "ns"))  # position -1: no review
    review_date = pd.Series(padded[review_of], index=notes.index, name=_R.date_review_completed)
    notified_year = start_years(notes[_N.date_notified], kind)
    review_year = start_years(review_date, kind)
    year_ax, starts = build_year_axis(
        func, years, data_years(notified_year, review_year), kind, panel_year, first_year
    )
    axes = [column_axis(c, notes[c]) for c in by_cols]
    grid = Grid((*axes, year_ax))
    group_codes = [a.codes(notes[c]) for a, c in zip(axes, by_cols, strict=True)]

    def cells(year_pos: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        return grid.flat([*(g[rows] for g in group_codes), year_pos])

    out = grid.frame()
    k = len(starts)
    out[NOTIFICATIONS] = counts_column(grid.count(cells(year_codes(notified_year, starts))))
    out[REVIEWS] = counts_column(grid.count(cells(year_codes(review_year, starts))))

    # Open cases at each year end (and at the end of the year before the first).
    ends = pd.DatetimeIndex([year_end(y, kind) for y in [starts[0] - 1, *starts]] if k else [])
    notified_days = day_numbers(notes[_N.date_notified])
    review_days = day_numbers(review_date)
    end_days = day_numbers(ends)
    with np.errstate(invalid="ignore"):
        is_open = (notified_days[:, None] <= end_days[None, :]) & ~(
            review_days[:, None] <= end_days[None, :]
        )
    at_start = np.nonzero(is_open[:, :-1]) if k else (np.array([], int), np.array([], int))
    rows_s, pos_s = at_start
    out.insert(len(by_cols) + 1, OPEN_AT_START, counts_column(grid.count(cells(pos_s, rows_s))))
    rows, pos = np.nonzero(is_open[:, 1:]) if k else (np.array([], int), np.array([], int))
    open_cells = cells(pos, rows)
    out[OPEN_AT_END] = counts_column(grid.count(open_cells))
    days = end_days[1:][pos] - notified_days[rows]
    y, m, d = date_parts(notes[_N.date_notified])
    ey, em, ed = date_parts(ends[1:])
    months = months_between((y[rows], m[rows], d[rows]), (ey[pos], em[pos], ed[pos]))
    # Complete months to the day before the year end: at least 12 exactly when a case
    # has been open more than 12 months to the day.
    before = pd.DatetimeIndex(ends[1:]) - pd.Timedelta(days=1)
    b_y, b_m, b_d = date_parts(before)
    months_before = months_between((y[rows], m[rows], d[rows]), (b_y[pos], b_m[pos], b_d[pos]))
    over_12 = months_before >= 12
    median = pd.Series(days).groupby(open_cells).median() if len(days) else pd.Series()
    out[OPEN_MEDIAN_DAYS] = median.reindex(range(grid.size)).to_numpy(dtype=np.float64)
    out[OPEN_UNDER_6_MONTHS] = counts_column(grid.count(open_cells, months < 6))
    out[OPEN_6_TO_12_MONTHS] = counts_column(grid.count(open_cells, (months >= 6) & ~over_12))
    out[OPEN_OVER_12_MONTHS] = counts_column(grid.count(open_cells, over_12))
    return with_start_year(out, starts)
