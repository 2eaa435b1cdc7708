"""Counts and percentages of reviews (or notifications) by any characteristic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal, TypeAlias

import pandas as pd

from cdop import schema
from cdop.analytics._common import (
    DENOMINATOR,
    NUMERATOR,
    PERIOD,
    YEAR,
    By,
    Grid,
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
    data_years,
    start_years,
    year_codes,
)
from cdop.dataset import Dataset

__all__ = ["Basis", "breakdown"]

#: What is counted: completed reviews (by year of completion) or notifications.
Basis: TypeAlias = Literal["reviews", "notifications"]

_N = schema.NOTIFICATIONS
_R = schema.REVIEWS
_D = schema.DERIVED

_CATEGORY_LABEL_DTYPE: Final = pd.CategoricalDtype(
    pd.Index(list(schema.CATEGORY_LABELS.values()), dtype="str")
)


@remembered
def breakdown(
    ds: Dataset,
    variables: str | list[str],
    *,
    basis: Basis = "reviews",
    by: By = None,
    years: Years = None,
    period: PeriodKind = "financial",
    panel_year: bool = False,
    first_year: int | str = "2008/09",
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Counts per year by one characteristic, or a combination of several.

    Each level of every variable appears, zero or not, in the fixed order of the data
    contract: sex, ethnicity, place_of_death, expected_death and modifiable_factors in
    the order of their code lists (``schema.SEX_CODES``, ...), age_group in
    ``schema.AGE_GROUPS`` order, category 1 to 10, imd_quintile 1 to 5, imd_decile 1
    to 10, other columns (residence_area, ...) sorted. Optional columns of the
    contract (imd_quintile, residence_area, place_of_death, expected_death, ...) add a
    final missing level counting records without a value, so the levels always sum to
    the year's total.

    Parameters
    ----------
    ds : Dataset
    variables : str or list of str
        Column(s) to count by: ``"sex"``, ``"category"``, or a combination such as
        ``["modifiable_factors", "category"]`` or ``["category", "age_group"]``.
    basis : {"reviews", "notifications"}, default "reviews"
        Count reviews completed (year of ``date_review_completed``; any column of
        ``ds.reviewed``) or deaths notified (year of ``date_notified``; notification
        columns only).
    by : str or list of str, optional
        Extra grouping; ``percent`` is then of the total within each ``by`` level
        (so ``breakdown(ds, "modifiable_factors", by="category")`` gives the percentage
        with modifiable factors within each category).
    years : label, start year or list of them, optional
        Years to show (default: every year from the first to the last record).
    period : {"financial", "calendar"}, default "financial"
    panel_year : bool, default False
    first_year : int or str, default "2008/09"
    confidence : float or sequence of float, default 0.95
        One level, or several (``(0.95, 0.998)``: limits ``lower_ci_95``,
        ``upper_ci_95``, ``lower_ci_99_8``, ``upper_ci_99_8``).

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` level, year and combination of levels (the shared
        vocabulary of ``docs/vocabulary.md``):

        - the ``by`` columns, ``year`` (start year, integer), ``period`` (its label),
          then the ``variables`` columns (with ``category_label`` after ``category``);
        - ``numerator``: records in the cell;
        - ``denominator``: records of the year (within the ``by`` level);
        - ``value``: ``numerator / denominator * 100`` (NaN when the denominator is 0);
        - ``lower_ci``, ``upper_ci``: Wilson score limits of ``value``;
        - ``confidence``, ``statistic`` (``"percentage"``), ``method`` (``"Wilson"``).

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> sex = cdop.analytics.breakdown(ds, "sex", years="2023/24")
    >>> print(sex[["year", "period", "sex", "numerator", "denominator"]].to_string(index=False))
     year  period           sex  numerator  denominator
     2023 2023/24          male         27           54
     2023 2023/24        female         27           54
     2023 2023/24 indeterminate          0           54
     2023 2023/24    not_stated          0           54
    >>> cat = cdop.analytics.breakdown(ds, "category", years=2023)
    >>> int(cat["numerator"].sum()) == int(cat["denominator"].iloc[0])
    True
    """
    func = "breakdown"
    check_choice(func, "basis", basis, ("reviews", "notifications"))
    kind = check_period(func, period)
    conf = check_confidence(func, confidence)
    if basis == "reviews":
        table = reviewed(ds)
        date_col = _R.date_review_completed
    else:
        table = ds.notifications
        date_col = _N.date_notified
    var_cols = parse_by(func, variables, table.columns, arg="variables", exclude=(YEAR, PERIOD))
    if not var_cols:
        raise fail(
            func, f"argument `variables` must name at least one column; received {variables!r}"
        )
    by_cols = parse_by(func, by, table.columns, exclude=(YEAR, PERIOD, *var_cols))
    starts_arr = start_years(table[date_col], kind)
    year_ax, starts = build_year_axis(
        func, years, data_years(starts_arr), kind, panel_year, first_year
    )
    by_axes = [column_axis(c, table[c]) for c in by_cols]
    var_axes = [column_axis(c, table[c]) for c in var_cols]
    grid = Grid((*by_axes, year_ax, *var_axes))
    codes = [a.codes(table[a.name]) for a in by_axes]
    var_codes = [a.codes(table[a.name]) for a in var_axes]
    cells = grid.flat([*codes, year_codes(starts_arr, starts), *var_codes])
    counts = grid.count(cells)
    total = group_total(grid, counts, var_cols)
    out = grid.frame()
    if _R.category in var_cols and _D.category_label not in var_cols:
        labels = out[_R.category].map(dict(schema.CATEGORY_LABELS)).astype(_CATEGORY_LABEL_DTYPE)
        out.insert(list(out.columns).index(_R.category) + 1, _D.category_label, labels)
    out[NUMERATOR] = counts_column(counts)
    out[DENOMINATOR] = counts_column(total)
    out = pd.concat([out, percent_columns(counts, total, conf)], axis=1)
    return with_start_year(out, starts)
