"""Why reviews were delayed: the reasons recorded against completed reviews."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from cdop import schema
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
    Axis,
    By,
    Grid,
    check_confidence,
    counts_column,
    fail,
    remembered,
    with_start_year,
)
from cdop.analytics._durations import _setup
from cdop.analytics._intervals import percent_columns
from cdop.analytics._periods import PeriodKind, Years
from cdop.dataset import Dataset

__all__ = ["DELAY_COLUMNS", "review_delays"]

_R = schema.REVIEWS

#: The reason a row counts.
REASON: Final = "reason"
#: Reviews completed in the year with at least one reason recorded.
DELAYED: Final = "delayed"

#: Output columns of :func:`review_delays` after the ``by`` columns.
DELAY_COLUMNS: Final = (
    YEAR,
    PERIOD,
    REASON,
    NUMERATOR,
    DENOMINATOR,
    DELAYED,
    VALUE,
    LOWER_CI,
    UPPER_CI,
    CONFIDENCE,
    STATISTIC,
    METHOD,
)


@remembered
def review_delays(
    ds: Dataset,
    *,
    by: By = None,
    period: PeriodKind = "financial",
    years: Years = None,
    panel_year: bool = False,
    first_year: int | str = "2008/09",
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Reviews completed per year by each reason recorded for their delay.

    A review may record several reasons (``delay_reasons`` holds them separated by
    ``;``), so the reasons of a year do **not** add up to the reviews delayed: each
    reason counts the reviews that record it. Reviews are counted by the year of
    ``date_review_completed``.

    Parameters
    ----------
    ds : Dataset
        Its reviews must carry the optional ``delay_reasons`` column.
    by : str or list of str, optional
        Extra grouping by columns of ``ds.reviewed``.
    period : {"financial", "calendar"}, default "financial"
    years : label, start year or list of them, optional
        Years to show (default: every year from the first to the last review).
    panel_year : bool, default False
    first_year : int or str, default "2008/09"
    confidence : float or sequence of float, default 0.95
        With several levels the limits carry the level (``lower_ci_95``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` level, year and reason (every reason of
        :data:`cdop.schema.DELAY_REASON_CODES`, zero or not):

        - the ``by`` columns, ``year`` (start year, integer), ``period`` (its label),
          ``reason`` (ordered categorical);
        - ``numerator``: reviews completed in the year recording the reason;
        - ``denominator``: reviews completed in the year;
        - ``delayed``: reviews completed in the year recording at least one reason;
        - ``value``: ``numerator / denominator * 100`` (NaN without reviews) with its
          Wilson limits ``lower_ci`` and ``upper_ci``; ``confidence``, ``statistic``
          (``"percentage"``), ``method`` (``"Wilson"``).

    Raises
    ------
    CdopArgumentError
        When the reviews carry no ``delay_reasons`` column.

    Examples
    --------
    >>> import cdop
    >>> ds = cdop.load_sample()
    >>> d = cdop.analytics.review_delays(ds, years="2024/25")
    >>> d["reason"].tolist()[:2]
    ['inquest', 'police_investigation']
    >>> bool((d["numerator"] <= d["delayed"]).all())
    True
    >>> bool((d["delayed"] <= d["denominator"]).all())
    True
    """
    func = "review_delays"
    conf = check_confidence(func, confidence)
    if _R.delay_reasons not in ds.reviews.columns:
        raise fail(
            func,
            "the reviews carry no 'delay_reasons' column (the reasons a review was "
            "delayed); add it to the reviews export to count them",
        )
    reasons = pd.Index(list(schema.DELAY_REASON_CODES), dtype="str")
    reason_ax = Axis(REASON, reasons, dtype=pd.CategoricalDtype(reasons, ordered=True))
    joined, grid, codes, year_pos, starts = _setup(
        func, ds, by, period, years, panel_year, first_year, (reason_ax,)
    )
    base = Grid(grid.axes[:-1])
    base_cells = base.flat([*codes, year_pos])
    text = joined[_R.delay_reasons].astype("object")
    recorded = text.map(lambda v: isinstance(v, str) and v.strip() != "").to_numpy(dtype=bool)
    total = base.count(base_cells)
    delayed = base.count(base_cells, recorded)
    # One row per (review, reason): explode the ';'-joined codes.
    lists = text.where(recorded, "").str.split(";")
    exploded = lists.explode()
    rows = exploded.index.to_numpy(dtype=np.intp)
    reason_pos = reason_ax.codes(exploded.to_numpy(dtype=object))
    keep = reason_pos >= 0
    rows, reason_pos = rows[keep], reason_pos[keep]
    cells = grid.flat([*(c[rows] for c in codes), year_pos[rows], reason_pos])
    counts = grid.count(cells)
    k = len(reasons)
    out = grid.frame()
    out[NUMERATOR] = counts_column(counts)
    out[DENOMINATOR] = counts_column(np.repeat(total, k))
    out[DELAYED] = counts_column(np.repeat(delayed, k))
    out = pd.concat([out, percent_columns(counts, np.repeat(total, k), conf)], axis=1)
    return with_start_year(out, starts)
