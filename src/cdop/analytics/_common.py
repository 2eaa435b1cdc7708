"""Shared plumbing of the analytics: output column names, argument checks, full grids.

Every analytics table is built the same way: each grouping column (the extra ``by``
columns, the year, the levels counted) becomes an :class:`Axis` with a fixed list of
levels; the rows of the input get an integer code on every axis; the codes are
combined into one flat cell number; and counts (or sums) per cell come from one
``numpy.bincount``. The output has one row per cell of the full grid, zero or not,
in the order of the axes' levels. No Python loop runs over groups.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, Final, ParamSpec, TypeAlias, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop import schema
from cdop.errors import CdopArgumentError

if TYPE_CHECKING:
    from cdop.dataset import Dataset

#: Extra grouping: a column name, several, or none.
By: TypeAlias = str | Sequence[str] | None
IntArray: TypeAlias = npt.NDArray[np.intp]
FloatArray: TypeAlias = npt.NDArray[np.float64]

# --------------------------------------------------------------------------- output columns

_O = schema.OUTPUT
#: Start year (integer) of the year or pooled period a row belongs to.
YEAR: Final = _O.year
#: Label of that year or pooled period (``"2024/25"``, ``"2022-2024"``).
PERIOD: Final = _O.period
#: Count of records or events in the cell (numerator of ``value``).
NUMERATOR: Final = _O.numerator
#: What the numerator is counted out of: the records of the year (within the ``by``
#: group), live births or children.
DENOMINATOR: Final = _O.denominator
#: The percentage or rate.
VALUE: Final = _O.value
#: Lower and upper confidence limits (with a level suffix for several levels).
LOWER_CI: Final = _O.lower_ci
UPPER_CI: Final = _O.upper_ci
#: Confidence level(s), what the value is, and how the limits were computed.
CONFIDENCE: Final = _O.confidence
STATISTIC: Final = _O.statistic
METHOD: Final = _O.method
#: Duration band label.
BAND: Final = _O.band

# Columns whose levels are fixed integer codes (not categoricals in the tables).
_INTEGER_LEVELS: Final[dict[str, tuple[int, ...]]] = {
    schema.REVIEWS.category: tuple(schema.CATEGORY_LABELS),
    schema.NOTIFICATIONS.imd_quintile: (1, 2, 3, 4, 5),
    schema.NOTIFICATIONS.imd_decile: tuple(range(1, 11)),
}

# Columns of the record tables (notifications, reviews) that may be missing: their axes
# carry a trailing missing level so that levels always sum to totals.
_OPTIONAL: Final[frozenset[str]] = frozenset(
    c.name
    for table in ("notifications", "reviews")
    for c in schema.TABLES[table].columns
    if not c.required
)


def fail(func: str, message: str) -> CdopArgumentError:
    """The library's argument error, prefixed with the function name."""
    return CdopArgumentError(f"{func}(): {message}")


def parse_by(
    func: str,
    by: Any,
    available: Iterable[Hashable],
    *,
    arg: str = "by",
    exclude: Sequence[str] = (),
) -> list[str]:
    """Normalise ``by`` to a list of distinct column names of ``available``."""
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else by
    if not isinstance(cols, Sequence) or isinstance(cols, bytes):
        raise fail(
            func,
            f"argument `{arg}` must be a column name, a list of column names or "
            f"None; received {by!r}",
        )
    names = list(cols)
    have = {str(c) for c in available}
    for col in names:
        if not isinstance(col, str):
            raise fail(func, f"argument `{arg}` must hold column names (str); received {col!r}")
        if col not in have:
            shown = ", ".join(sorted(have))
            raise fail(
                func,
                f"argument `{arg}` names column {col!r}, which is not available "
                f"here (available: {shown})",
            )
        if col in exclude:
            raise fail(
                func,
                f"argument `{arg}` names column {col!r}, which is already a column of the result",
            )
    if len(set(names)) != len(names):
        raise fail(func, f"argument `{arg}` names a column twice; received {names!r}")
    return names


def check_choice(func: str, arg: str, value: Any, allowed: Sequence[Any]) -> None:
    if isinstance(value, bool) or value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise fail(func, f"argument `{arg}` must be one of {shown}; received {value!r}")


def check_confidence(func: str, confidence: Any) -> tuple[float, ...]:
    """One confidence level or several: fractions in (0, 1) or percentages in (1, 100).

    With one level the limits are ``lower_ci``/``upper_ci``; with several, one pair per
    level named with the level (``lower_ci_95``, ``upper_ci_99_8``), as in
    :mod:`cdop.stats`.
    """
    items = (
        list(confidence)
        if isinstance(confidence, (list, tuple, np.ndarray, pd.Series))
        else [confidence]
    )
    if not items:
        raise fail(func, "argument `confidence` must hold at least one level; received []")
    levels: list[float] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, float, np.number)):
            raise fail(
                func,
                f"argument `confidence` must be a number such as 0.95, or several such as "
                f"(0.95, 0.998); received {confidence!r}",
            )
        value = float(item)
        if value > 1.0:
            value /= 100.0
        if not 0.0 < value < 1.0:
            raise fail(
                func,
                f"argument `confidence` must lie in (0, 1) (or be a percentage in "
                f"(1, 100)); received {confidence!r}",
            )
        levels.append(value)
    if len(set(levels)) != len(levels):
        raise fail(func, f"argument `confidence` holds the same level twice; received {items!r}")
    return tuple(levels)


# --------------------------------------------------------------------------- grids


@dataclass(frozen=True)
class Axis:
    """One grouping column of a result: its levels in output order.

    ``levels`` holds the values (without missing); ``missing`` adds a trailing level
    for missing values; ``dtype`` is the categorical dtype of the output column, or
    None to keep the dtype of ``levels``.
    """

    name: str
    levels: pd.Index
    missing: bool = False
    dtype: pd.CategoricalDtype | None = None

    @property
    def size(self) -> int:
        return len(self.levels) + int(self.missing)

    def codes(self, values: pd.Series | pd.Index | npt.ArrayLike) -> IntArray:
        """Level number of every value (missing -> the trailing level, or -1 if none)."""
        if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
            cats = values.dtype.categories
            if cats.equals(self.levels):
                raw = np.asarray(values.cat.codes.to_numpy(), dtype=np.intp)
            else:
                raw = np.asarray(self.levels.get_indexer(cats), dtype=np.intp)[
                    values.cat.codes.to_numpy()
                ]
                raw = np.where(values.cat.codes.to_numpy() < 0, -1, raw)
        else:
            as_index: Any = pd.Index(cast(Any, values))
            raw = np.asarray(self.levels.get_indexer(as_index), dtype=np.intp)
        if self.missing:
            raw = np.where(raw < 0, len(self.levels), raw)
        return raw

    def column(self, codes: IntArray) -> pd.api.extensions.ExtensionArray | pd.Index:
        """Output values for grid codes."""
        fill = np.where(codes >= len(self.levels), -1, codes)
        if self.dtype is not None:
            return pd.Categorical.from_codes(fill, dtype=self.dtype)
        if self.missing:
            return self.levels.take(fill, allow_fill=True, fill_value=None)
        return self.levels.take(fill)


def year_axis(labels: Sequence[str]) -> Axis:
    """The period axis: labels in chronological order, as an ordered categorical."""
    index = pd.Index(list(labels), dtype="str")
    return Axis(PERIOD, index, dtype=pd.CategoricalDtype(index, ordered=True))


def with_start_year(frame: pd.DataFrame, starts: Sequence[int]) -> pd.DataFrame:
    """Insert the integer ``year`` (start year) before the ``period`` label of ``frame``.

    ``starts`` holds the start year of each period level, in the order of the levels.
    """
    period = frame[PERIOD]
    codes = np.asarray(period.cat.codes.to_numpy(), dtype=np.intp)
    lookup = np.asarray(list(starts), dtype=np.int64)
    years = lookup[codes] if len(lookup) else np.zeros(len(frame), dtype=np.int64)
    out = frame.copy()
    out.insert(list(frame.columns).index(PERIOD), YEAR, years.astype(np.int64))
    return out


def column_axis(name: str, *series: pd.Series, optional: bool | None = None) -> Axis:
    """The axis of a data column: fixed schema levels where the contract has them.

    Categoricals keep their categories; category, imd_quintile and imd_decile get their
    fixed integer codes; other columns get the sorted distinct values of ``series``.
    Optional columns of the notifications and reviews (or any column when ``optional``
    is True), and any column holding missing values, get a trailing missing level.
    """
    first = series[0]
    has_na = any(bool(s.isna().any()) for s in series)
    missing = (name in _OPTIONAL if optional is None else optional) or has_na
    if isinstance(first.dtype, pd.CategoricalDtype):
        return Axis(name, pd.Index(first.dtype.categories), missing, first.dtype)
    if name in _INTEGER_LEVELS:
        dtype = "Int64" if missing else first.dtype
        return Axis(name, pd.Index(_INTEGER_LEVELS[name], dtype=dtype), missing)
    values = pd.concat([s.dropna() for s in series], ignore_index=True)
    levels = pd.Index(values.unique()).sort_values()
    return Axis(name, levels, missing)


@dataclass(frozen=True)
class Grid:
    """The full cross product of some axes, in C order (the first axis varies slowest)."""

    axes: tuple[Axis, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.size for a in self.axes)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def flat(self, codes: Sequence[IntArray]) -> IntArray:
        """Cell number of every row; rows with a code of -1 on any axis get -1."""
        if not self.axes:
            raise ValueError("a grid needs at least one axis")
        stacked = [np.asarray(c, dtype=np.intp) for c in codes]
        bad = np.zeros(stacked[0].shape, dtype=bool)
        for c in stacked:
            bad |= c < 0
        if self.size == 0:
            return np.full(stacked[0].shape, -1, dtype=np.intp)
        safe = [np.where(bad, 0, c) for c in stacked]
        cells = np.asarray(np.ravel_multi_index(tuple(safe), self.shape), dtype=np.intp)
        return np.where(bad, -1, cells)

    def count(self, cells: IntArray, weights: npt.ArrayLike | None = None) -> FloatArray:
        """Sum of ``weights`` (or number of rows) per cell; rows in cell -1 are skipped."""
        keep = cells >= 0
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[keep]
        return np.bincount(cells[keep], weights=w, minlength=self.size).astype(np.float64)

    def frame(self) -> pd.DataFrame:
        """One row per cell: the axis columns, in cell order."""
        if not self.axes:
            return pd.DataFrame(index=pd.RangeIndex(1))
        if self.size == 0:
            codes: tuple[npt.NDArray[np.intp], ...] = tuple(
                np.zeros(0, dtype=np.intp) for _ in self.axes
            )
        else:
            codes = np.unravel_index(np.arange(self.size, dtype=np.intp), self.shape)
        return pd.DataFrame(
            {
                a.name: a.column(np.asarray(c, dtype=np.intp))
                for a, c in zip(self.axes, codes, strict=True)
            }
        )


def counts_column(values: FloatArray) -> npt.NDArray[np.int64]:
    """Counts as int64 (they are sums of ones, so exact)."""
    return np.rint(values).astype(np.int64)


def group_total(grid: Grid, values: FloatArray, over: Sequence[str]) -> FloatArray:
    """For each cell, the sum of ``values`` over the axes named in ``over``."""
    arr = values.reshape(grid.shape)
    axes = tuple(i for i, a in enumerate(grid.axes) if a.name in over)
    return np.broadcast_to(arr.sum(axis=axes, keepdims=True), grid.shape).reshape(-1).copy()


# --------------------------------------------------------------------------- memo

_P = ParamSpec("_P")
#: Most tables a dataset keeps (a bound on memory; the oldest half is let go beyond it).
_MAX_DERIVED: Final = 512


def _frozen(value: Any) -> Hashable:
    """``value`` as a key that tells apart what the analytics tell apart (its type
    included, so that 1, 1.0 and True stay apart); TypeError for anything else."""
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    if value is None or isinstance(value, str | int | float | np.integer | np.floating):
        if isinstance(value, float | np.floating) and value != value:
            raise TypeError("NaN is not a key")
        return (type(value).__name__, value)
    hash(value)  # frozen dataclasses (duration bands) and the like
    return (type(value).__name__, value)


def call_key(
    function: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
) -> tuple[Hashable, ...]:
    """The key of ``function(ds, *args, **kwargs)`` among a dataset's derived tables: the
    function's module and name and its arguments (TypeError for an argument that is not a
    plain value)."""
    return (
        function.__module__,
        function.__qualname__,
        _frozen(list(args)),
        tuple(sorted((name, _frozen(v)) for name, v in kwargs.items())),
    )


def derived(
    ds: Dataset, key: tuple[Hashable, ...], compute: Callable[[], pd.DataFrame]
) -> pd.DataFrame:
    """The table ``compute()`` gives for ``ds``, worked out once per dataset and ``key``.

    A dataset never changes, so a table derived from it alone is the same every time.
    Each caller gets its own shallow copy (pandas copy-on-write: changing it changes
    neither the table kept nor another caller's copy).
    """
    store: dict[object, pd.DataFrame] = ds._derived
    table = store.get(key)
    if table is None:
        table = compute()
        if len(store) >= _MAX_DERIVED:
            for old in list(store)[: _MAX_DERIVED // 2]:
                del store[old]
        store[key] = table
    return table.copy(deep=False)


def remembered(
    function: Callable[Concatenate[Dataset, _P], pd.DataFrame],
) -> Callable[Concatenate[Dataset, _P], pd.DataFrame]:
    """An analytics function of a dataset whose table, for the same dataset and the same
    arguments, is worked out once (see :func:`derived`).

    A report asks the same questions of one dataset many times: each section, the key
    messages restating them, and every earlier year's chapter planned again for the
    counts it shares. Arguments that are not plain values (a table, for one) are not
    remembered: the function then runs every time. A warning the function gives is given
    when the table is worked out (the first time it is asked for); an error, every time.
    """

    @functools.wraps(function)
    def remembering(*args: Any, **kwargs: Any) -> pd.DataFrame:
        from cdop.dataset import Dataset

        ds = args[0] if args else None
        if not isinstance(ds, Dataset):  # not a dataset: the function says what is wrong
            return function(*args, **kwargs)
        try:
            key = call_key(function, args[1:], kwargs)
        except TypeError:
            return function(*args, **kwargs)
        return derived(ds, key, lambda: function(*args, **kwargs))

    return cast("Callable[Concatenate[Dataset, _P], pd.DataFrame]", remembering)


# --------------------------------------------------------------------------- joins


def review_positions(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame, IntArray]:
    """The notifications, the reviews, and the review row of each notification (-1: none).

    Validation guarantees unique case ids and a notification for every review, so a
    positional lookup replaces a merge (several times faster at national scale).
    """
    notes = ds.notifications
    reviews = ds.reviews
    ids = pd.concat(
        [notes[schema.NOTIFICATIONS.case_id], reviews[schema.REVIEWS.case_id]], ignore_index=True
    )
    codes = np.asarray(pd.factorize(ids)[0], dtype=np.intp)
    note_codes, review_codes = codes[: len(notes)], codes[len(notes) :]
    review_of_code = np.full(int(codes.max(initial=-1)) + 1, -1, dtype=np.intp)
    review_of_code[review_codes] = np.arange(len(reviews), dtype=np.intp)
    review_of = np.asarray(review_of_code[note_codes], dtype=np.intp)
    return notes, reviews, review_of


def reviewed(ds: Dataset) -> pd.DataFrame:
    """``ds.reviewed`` (reviews joined to their notification), by positional lookup.

    Same rows (in notification order), columns and values as :attr:`Dataset.reviewed`.
    """
    return derived(ds, (__name__, "reviewed"), lambda: _reviewed(ds))


def _reviewed(ds: Dataset) -> pd.DataFrame:
    notes, reviews, review_of = review_positions(ds)
    rows = np.flatnonzero(review_of >= 0)
    extra = [c for c in reviews.columns if c not in notes.columns]
    left = notes.take(rows).reset_index(drop=True)
    right = reviews[extra].take(review_of[rows]).reset_index(drop=True)
    return pd.concat([left, right], axis=1)
