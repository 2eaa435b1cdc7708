"""Reporting periods and whole calendar months.

Periods
-------
CDOP and national returns run by financial year, April to March, labelled
``"2017/18"`` (the default everywhere); ONS mortality runs by calendar year,
labelled ``"2017"``. Panels that number their years use ``"Yr 10 17/18"``: the
10th financial year counting the first year (default 2008/09, when reviews became
statutory) as ``Yr 1``. Pooled periods join the first and last labels:
``"2015-2017"`` or ``"2015/16-2017/18"``.

Complete months
---------------
A month is complete on reaching the same day of the month: 31 January to
28 February is 0 complete months, 31 January to 1 March is 1; 15 March to
15 April is 1, to 14 April 0. When the start day does not exist in a month
(the 29th-31st), that month is completed only on the 1st of the next month, so
31 January to 29 February 2024 is 0 and 31 March to 30 April is 0. The rule is
``(end year x 12 + end month) - (start year x 12 + start month)``, less one when
the end day is before the start day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import pandas as pd

from cdop.analytics._common import Axis, FloatArray, IntArray, fail, year_axis

#: How dates are grouped into years.
PeriodKind: TypeAlias = Literal["financial", "calendar"]
#: Year selection: labels (``"2017/18"``) or start years (``2017``).
Years: TypeAlias = str | int | Sequence[str | int] | None

PERIOD_KINDS: Final = ("financial", "calendar")
#: First month of the financial year (April).
FINANCIAL_YEAR_START_MONTH: Final = 4
#: Default first panel year (2008/09 = ``Yr 1``).
FIRST_PANEL_YEAR: Final = 2008

_FY = re.compile(r"^(\d{4})[/-](\d{2})$")
_CY = re.compile(r"^(\d{4})$")
_POOLED_CY = re.compile(r"^(\d{4})-(\d{4})$")
_POOLED_FY = re.compile(r"^(\d{4})/(\d{2})-(\d{4})/(\d{2})$")
_PANEL_FY = re.compile(r"^Yr (\d+) (\d{2})/(\d{2})$")
_PANEL_CY = re.compile(r"^Yr (\d+) (\d{4})$")


@dataclass(frozen=True)
class Span:
    """A period parsed from its label: kind, first and last start years, dates."""

    kind: PeriodKind
    first: int
    last: int

    @property
    def start(self) -> pd.Timestamp:
        month = FINANCIAL_YEAR_START_MONTH if self.kind == "financial" else 1
        return pd.Timestamp(self.first, month, 1)

    @property
    def end(self) -> pd.Timestamp:
        return year_end(self.last, self.kind)


def check_period(func: str, period: Any) -> PeriodKind:
    if period == "financial":
        return "financial"
    if period == "calendar":
        return "calendar"
    raise fail(func, f"argument `period` must be 'financial' or 'calendar'; received {period!r}")


def parse_first_year(func: str, first_year: Any) -> int:
    """``2008`` or ``"2008/09"`` -> 2008."""
    if isinstance(first_year, (int, np.integer)) and not isinstance(first_year, bool):
        return int(first_year)
    if isinstance(first_year, str):
        match = _FY.match(first_year.strip()) or _CY.match(first_year.strip())
        if match:
            return int(match.group(1))
    raise fail(
        func,
        f"argument `first_year` must be a start year such as 2008 or a label "
        f"such as '2008/09'; received {first_year!r}",
    )


def start_years(dates: pd.Series, period: PeriodKind) -> FloatArray:
    """Start year of the financial or calendar year of each date (NaN for missing)."""
    d = pd.to_datetime(dates)
    year = d.dt.year.to_numpy(dtype=np.float64, na_value=np.nan)
    if period == "calendar":
        return np.asarray(year, dtype=np.float64)
    month = d.dt.month.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(year - (month < FINANCIAL_YEAR_START_MONTH), dtype=np.float64)


def year_end(start: int, period: PeriodKind) -> pd.Timestamp:
    """Last day of the year starting in ``start``."""
    if period == "calendar":
        return pd.Timestamp(start, 12, 31)
    return pd.Timestamp(start + 1, FINANCIAL_YEAR_START_MONTH, 1) - pd.Timedelta(days=1)


def year_label(
    start: int, period: PeriodKind, *, panel_year: bool = False, first_year: int = FIRST_PANEL_YEAR
) -> str:
    """Label of one year: ``"2017/18"``, ``"2017"``, ``"Yr 10 17/18"`` or ``"Yr 10 2017"``."""
    text = f"{start}" if period == "calendar" else f"{start}/{(start + 1) % 100:02d}"
    if not panel_year:
        return text
    number = start - first_year + 1
    if period == "financial":
        text = f"{start % 100:02d}/{(start + 1) % 100:02d}"
    return f"Yr {number} {text}"


def pooled_label(first: int, last: int, period: PeriodKind) -> str:
    """Label of a pooled period: ``"2015-2017"`` or ``"2015/16-2017/18"``; one year as usual."""
    if first == last:
        return year_label(first, period)
    return f"{year_label(first, period)}-{year_label(last, period)}"


def parse_label(label: str) -> Span | None:
    """Parse any period label this library writes (or ``"2016-17"``); None if not one."""
    text = str(label).strip()
    if m := _FY.match(text):
        return Span("financial", int(m.group(1)), int(m.group(1)))
    if m := _CY.match(text):
        return Span("calendar", int(m.group(1)), int(m.group(1)))
    if m := _POOLED_CY.match(text):
        return Span("calendar", int(m.group(1)), int(m.group(2)))
    if m := _POOLED_FY.match(text):
        return Span("financial", int(m.group(1)), int(m.group(3)))
    if m := _PANEL_FY.match(text):
        start = 2000 + int(m.group(2))
        return Span("financial", start, start)
    if m := _PANEL_CY.match(text):
        return Span("calendar", int(m.group(2)), int(m.group(2)))
    return None


def check_panel(func: str, starts: Sequence[int], first_year: int) -> None:
    early = [s for s in starts if s < first_year]
    if early:
        raise fail(
            func,
            f"panel-year numbering starts at {first_year} (argument "
            f"`first_year`); received data for the earlier year starting {early[0]}",
        )


def select_years(func: str, years: Years, default: Sequence[int], period: PeriodKind) -> list[int]:
    """The start years of the year axis: ``years`` if given, else ``default``."""
    if years is None:
        return list(default)
    items: Sequence[str | int] = [years] if isinstance(years, (str, int)) else years
    out: list[int] = []
    for item in items:
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            out.append(int(item))
            continue
        span = parse_label(item) if isinstance(item, str) else None
        if span is None or span.first != span.last or span.kind != period:
            raise fail(
                func,
                f"argument `years` must hold start years (2017) or {period} year "
                f"labels (e.g. {year_label(2017, period)!r}); received {item!r}",
            )
        out.append(span.first)
    if len(set(out)) != len(out):
        raise fail(func, f"argument `years` names a year twice; received {years!r}")
    return sorted(out)


def build_year_axis(
    func: str,
    years: Years,
    default: Sequence[int],
    period: PeriodKind,
    panel_year: bool,
    first_year: int | str,
) -> tuple[Axis, list[int]]:
    """The year axis of a result and its start years."""
    first = parse_first_year(func, first_year)
    if not isinstance(panel_year, bool):
        raise fail(func, f"argument `panel_year` must be True or False; received {panel_year!r}")
    starts = select_years(func, years, default, period)
    if panel_year:
        check_panel(func, starts, first)
    labels = [year_label(y, period, panel_year=panel_year, first_year=first) for y in starts]
    return year_axis(labels), starts


def data_years(*arrays: FloatArray) -> list[int]:
    """Every start year from the earliest to the latest present in ``arrays``."""
    values = np.concatenate([a[~np.isnan(a)] for a in arrays]) if arrays else np.array([])
    if values.size == 0:
        return []
    return list(range(int(values.min()), int(values.max()) + 1))


def year_codes(starts: FloatArray, axis_starts: Sequence[int]) -> IntArray:
    """Position of each start year on the axis (-1 if not on it or missing)."""
    if not axis_starts:
        return np.full(starts.shape, -1, dtype=np.intp)
    first = axis_starts[0]
    lookup = np.full(axis_starts[-1] - first + 1, -1, dtype=np.intp)
    lookup[np.asarray(axis_starts) - first] = np.arange(len(axis_starts))
    pos = np.where(np.isnan(starts), -1, starts - first)
    inside = (pos >= 0) & (pos < lookup.size)
    idx = np.where(inside, pos, 0).astype(np.intp)
    return np.where(inside, lookup[idx], -1).astype(np.intp)


def date_parts(dates: pd.Series | pd.DatetimeIndex) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Year, month and day of each date as floats (NaN for missing)."""
    d = pd.DatetimeIndex(pd.to_datetime(dates))
    return (
        np.asarray(d.year, dtype=np.float64),
        np.asarray(d.month, dtype=np.float64),
        np.asarray(d.day, dtype=np.float64),
    )


def months_between(
    start: tuple[FloatArray, FloatArray, FloatArray], end: tuple[FloatArray, FloatArray, FloatArray]
) -> FloatArray:
    """Complete months between dates given as (year, month, day) arrays (broadcasting)."""
    sy, sm, sd = start
    ey, em, ed = end
    months = (ey * 12 + em) - (sy * 12 + sm)
    return np.asarray(months - (ed < sd), dtype=np.float64)


def complete_months_array(start: pd.Series, end: pd.Series) -> FloatArray:
    """Whole calendar months from ``start`` to ``end`` (NaN where either is missing)."""
    return months_between(date_parts(start), date_parts(end))


def day_numbers(dates: pd.Series | pd.DatetimeIndex) -> FloatArray:
    """Days since 1970-01-01 of each date as floats (NaN for missing)."""
    d = pd.DatetimeIndex(pd.to_datetime(dates))
    days = np.asarray(
        d.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64),
        dtype=np.float64,
    )
    return np.where(d.isna(), np.nan, days)


def complete_months(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole calendar months from ``start`` to ``end``, date by date.

    A month is complete on reaching the same day of the month; when that day does not
    exist in a month (29th-31st), the month completes on the 1st of the next month.

    Parameters
    ----------
    start, end : pandas.Series of datetime64
        Dates of equal length (aligned by position).

    Returns
    -------
    pandas.Series of Int64
        Complete months (missing where either date is missing), with the index of
        ``end``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cdop.analytics import complete_months
    >>> start = pd.Series(pd.to_datetime(["2023-01-31", "2023-01-31", "2024-01-31",
    ...                                   "2024-02-29", "2023-03-15"]))
    >>> end = pd.Series(pd.to_datetime(["2023-02-28", "2023-03-01", "2024-02-29",
    ...                                 "2025-02-28", "2024-03-15"]))
    >>> complete_months(start, end).tolist()
    [0, 1, 0, 11, 12]
    """
    start_s = pd.Series(pd.to_datetime(start)).reset_index(drop=True)
    end_s = pd.Series(pd.to_datetime(end))
    if len(start_s) != len(end_s):
        raise fail(
            "complete_months",
            f"arguments `start` and `end` must have the same "
            f"length; received {len(start_s)} and {len(end_s)}",
        )
    months = complete_months_array(start_s, end_s.reset_index(drop=True))
    return pd.Series(
        pd.array(np.where(np.isnan(months), 0, months).astype(np.int64), dtype="Int64"),
        index=end_s.index,
    ).mask(np.isnan(months))


def period_labels(
    dates: pd.Series,
    *,
    period: PeriodKind = "financial",
    panel_year: bool = False,
    first_year: int | str = "2008/09",
) -> pd.Series:
    """Label every date with its reporting year.

    Parameters
    ----------
    dates : pandas.Series of datetime64
    period : {"financial", "calendar"}, default "financial"
        Financial years run April to March (``"2017/18"``); calendar years are
        labelled ``"2017"``.
    panel_year : bool, default False
        Number the years from ``first_year`` (``"Yr 10 17/18"``).
    first_year : int or str, default "2008/09"
        The year numbered ``Yr 1`` (a start year or a label).

    Returns
    -------
    pandas.Series
        Ordered categorical of labels (every year from the earliest to the latest
        date), with the index of ``dates``; missing dates give missing labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from cdop.analytics import period_labels
    >>> d = pd.Series(pd.to_datetime(["2018-03-31", "2018-04-01", "2020-01-15"]))
    >>> period_labels(d).tolist()
    ['2017/18', '2018/19', '2019/20']
    >>> period_labels(d, panel_year=True).tolist()
    ['Yr 10 17/18', 'Yr 11 18/19', 'Yr 12 19/20']
    >>> period_labels(d, period="calendar").tolist()
    ['2018', '2018', '2020']
    """
    func = "period_labels"
    kind = check_period(func, period)
    first = parse_first_year(func, first_year)
    starts = start_years(dates, kind)
    axis_years = data_years(starts)
    if panel_year:
        check_panel(func, axis_years, first)
    labels = [year_label(y, kind, panel_year=panel_year, first_year=first) for y in axis_years]
    codes = year_codes(starts, axis_years)
    dtype = pd.CategoricalDtype(pd.Index(labels, dtype="str"), ordered=True)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=dates.index)
