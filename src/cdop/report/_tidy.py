"""The values behind a published table, in long form and in the shared vocabulary.

Every published CSV (``tables/<id>.csv``) and every table sheet of ``chapter.xlsx`` holds a
table's values as numbers: a count hidden by disclosure control is an empty cell, never
the marker, and the row says so in its own ``suppressed`` column (``True``/``False``);
rates, percentages and limits are numbers rounded as the chapter rounds them, empty where
they are not shown. Only the Markdown, HTML and Word tables print the marker. Column names
are those of ``docs/vocabulary.md``: ``year`` (start year) beside ``period`` (the label),
``count`` (a table's count), ``numerator``, ``denominator``, ``value``, ``lower_ci``,
``upper_ci``, ``statistic``, ``flag``, ``national_value``, ``suppressed``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from cdop import schema

__all__ = [
    "RATE_NUMBERS",
    "decimals",
    "rate_record",
    "start_year",
    "text_frame",
    "tidy_frame",
    "with_start_year",
]

_O = schema.OUTPUT
_YEAR_IN_LABEL: Final = re.compile(r"(?<!\d)(\d{4})(?!\d)")
#: Decimals of a published rate, its limits and a national rate beside it.
RATE_NUMBERS: Final = {
    _O.value: 3,
    _O.lower_ci: 3,
    _O.upper_ci: 3,
    _O.national_value: 3,
}


def start_year(label: object) -> int | None:
    """The start year of a year or period label (its first four-digit year), else None.

    Examples
    --------
    >>> start_year("2024/25"), start_year("2020-2022"), start_year("2022/23 to 2024/25")
    (2024, 2020, 2022)
    >>> start_year("Total") is None
    True
    """
    found = _YEAR_IN_LABEL.search(str(label))
    return int(found.group(1)) if found else None


def is_missing(value: object) -> bool:
    """Whether a cell holds no value: None, NA, NaN, NaT or empty text."""
    if value is None or (isinstance(value, str) and value == ""):
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def tidy_frame(
    records: Sequence[Mapping[str, Any]],
    *,
    counts: Sequence[str] = (),
    numbers: Mapping[str, int] | None = None,
    flags: Sequence[str] = (_O.suppressed,),
) -> pd.DataFrame:
    """The records as a frame with typed columns.

    ``counts`` become nullable integers (``Int64``: a hidden count is missing); the
    columns of ``numbers`` become floats rounded to the decimals given (missing where not
    shown); ``flags`` become booleans. Other columns are kept as they are.

    Examples
    --------
    >>> f = tidy_frame([{"count": 12, "value": 41.379, "suppressed": False},
    ...                 {"count": None, "value": None, "suppressed": True}],
    ...                counts=["count"], numbers={"value": 1})
    >>> f.dtypes.astype(str).tolist()
    ['Int64', 'float64', 'bool']
    >>> f["count"].tolist(), f["value"].tolist()
    ([12, <NA>], [41.4, nan])
    """
    frame = pd.DataFrame([dict(r) for r in records])
    for col in counts:
        if col in frame.columns:
            values = [None if is_missing(v) else round(float(v)) for v in frame[col]]
            frame[col] = pd.array(values, dtype="Int64")
    for col, digits in (numbers or {}).items():
        if col in frame.columns:
            raw = [np.nan if is_missing(v) else float(v) for v in frame[col]]
            frame[col] = np.round(np.asarray(raw, dtype=np.float64), digits)
    for col in flags:
        if col in frame.columns:
            frame[col] = frame[col].astype(bool)
    return frame


def with_start_year(frame: pd.DataFrame, label_column: str) -> pd.DataFrame:
    """Rename a column of year labels to ``period`` and put the start ``year`` before it.

    Rows whose label names no year (a "Total" column) have a missing year.

    Examples
    --------
    >>> f = with_start_year(pd.DataFrame({"year": ["2023/24", "Total"], "count": [3, 9]}),
    ...                     "year")
    >>> f.columns.tolist(), f["year"].tolist()
    (['year', 'period', 'count'], [2023, <NA>])
    """
    if label_column not in frame.columns:
        return frame
    out = frame.rename(columns={label_column: _O.period})
    years = pd.Series([start_year(v) for v in out[_O.period]], index=out.index, dtype="Int64")
    if not years.isna().any():
        years = years.astype("int64")
    out.insert(list(out.columns).index(_O.period), _O.year, years)
    return out


def rate_record(
    *,
    count: object,
    count_hidden: bool,
    denominator: object,
    value: object,
    lower: object,
    upper: object,
    status: str,
    statistic: str,
    flag: str,
) -> dict[str, Any]:
    """The published values of one rate: the count (missing where hidden), its
    denominator, the rate and limits (missing where the rate is not shown), what the
    rate is, its reliability flag and whether anything of the row is hidden."""
    shown = status != "suppressed"
    return {
        _O.numerator: None if count_hidden else count,
        _O.denominator: denominator,
        _O.value: value if shown else None,
        _O.lower_ci: lower if shown else None,
        _O.upper_ci: upper if shown else None,
        _O.statistic: statistic,
        _O.flag: flag if status == "unreliable" else "",
        _O.suppressed: bool(count_hidden or not shown),
    }


def decimals(values: pd.Series | np.ndarray, most: int = 6) -> int:
    """The fewest decimals (at least one) that write every value of a float column exactly.

    Values are rounded when the table is made (rates to 3 decimals, percentages to 1), so
    a column is written with the decimals it was rounded to: a reader of ``12.300`` knows
    the rounding.

    Examples
    --------
    >>> decimals(pd.Series([12.3, 4.125, float("nan")])), decimals(np.array([50.0]))
    (3, 1)
    """
    if isinstance(values, pd.Series):
        shown = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        shown = np.asarray(values, dtype=np.float64)
    shown = shown[np.isfinite(shown)]  # an infinite value is written as it is at any rounding
    tolerance = 10.0 ** -(most + 2)
    for digits in range(1, most + 1):
        if np.abs(np.round(shown, digits) - shown).max(initial=0.0) <= tolerance:
            return digits
    return most


def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each float column written with its decimals (missing: empty).

    Examples
    --------
    >>> text_frame(pd.DataFrame({"value": [12.3, 4.125, None]}))["value"].tolist()
    ['12.300', '4.125', '']
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_float_dtype(series.dtype):
            digits = decimals(series)
            out[col] = [
                "" if pd.isna(v) else f"{v:.{digits}f}" for v in series.to_numpy(dtype=np.float64)
            ]
    return out
