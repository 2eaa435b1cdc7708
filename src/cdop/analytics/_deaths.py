"""Child deaths per year by date of death, by any characteristic of the notifications."""

from __future__ import annotations

import pandas as pd

from cdop import schema
from cdop.analytics._common import (
    NUMERATOR,
    PERIOD,
    YEAR,
    By,
    Grid,
    column_axis,
    counts_column,
    parse_by,
    remembered,
    with_start_year,
)
from cdop.analytics._periods import (
    PeriodKind,
    Years,
    build_year_axis,
    check_period,
    data_years,
    start_years,
    year_codes,
)
from cdop.dataset import Dataset

__all__ = ["child_deaths"]

_N = schema.NOTIFICATIONS


@remembered
def child_deaths(
    ds: Dataset,
    *,
    by: By = None,
    period: PeriodKind = "financial",
    years: Years = None,
    panel_year: bool = False,
    first_year: int | str = "2008/09",
) -> pd.DataFrame:
    """Deaths of children per year of death, by the characteristics of the notifications.

    The deaths counted are the numerators of :func:`child_mortality` (every notified
    death by the year of ``date_of_death``), without needing a population, so that a
    panel with no denominators can still publish its deaths by ethnic group or local
    authority. Every level of each ``by`` column appears, zero or not, with a trailing
    missing level for optional columns, so the levels add up to the year's deaths.

    Parameters
    ----------
    ds : Dataset
    by : str or list of str, optional
        Columns of the notifications (e.g. ``"ethnicity"``, ``"residence_area"``).
    period : {"financial", "calendar"}, default "financial"
    years : label, start year or list of them, optional
        Years to show (default: every year from the first to the last death).
    panel_year : bool, default False
    first_year : int or str, default "2008/09"

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` level and year (the vocabulary of ``docs/vocabulary.md``):
        the ``by`` columns, ``year`` (start year, integer), ``period`` (its label),
        ``numerator`` (the deaths).

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> d = cdop.analytics.child_deaths(ds, by="ethnicity", years="2023/24")
    >>> d.columns.tolist()
    ['ethnicity', 'year', 'period', 'numerator']
    >>> int(d["numerator"].sum()) == int(cdop.analytics.child_deaths(ds, years="2023/24")
    ...     ["numerator"].sum())
    True
    """
    func = "child_deaths"
    kind = check_period(func, period)
    notes = ds.notifications
    by_cols = parse_by(func, by, notes.columns, exclude=(YEAR, PERIOD))
    death_year = start_years(notes[_N.date_of_death], kind)
    year_ax, starts = build_year_axis(
        func, years, data_years(death_year), kind, panel_year, first_year
    )
    axes = [column_axis(c, notes[c]) for c in by_cols]
    grid = Grid((*axes, year_ax))
    codes = [a.codes(notes[c]) for a, c in zip(axes, by_cols, strict=True)]
    cells = grid.flat([*codes, year_codes(death_year, starts)])
    out = grid.frame()
    out[NUMERATOR] = counts_column(grid.count(cells))
    return with_start_year(out, starts)
