"""Shared plumbing of the statistics: argument checking, confidence levels, grouping, output.

Every public statistic goes through the same few steps: check the arguments
(raising :class:`~cdop.errors.CdopArgumentError` with a message that names the
argument, what was expected, what was received and the offending rows), pull
the numeric columns out as float64 arrays, optionally sum them per group, run a
vectorised kernel, and assemble a new DataFrame with the fixed output columns
``value``, ``lower_ci``, ``upper_ci``, ``confidence``, ``statistic`` and ``method``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop import schema
from cdop.errors import CdopArgumentError

FloatArray: TypeAlias = npt.NDArray[np.float64]
ConfidenceArg: TypeAlias = float | Sequence[float]
GroupBy: TypeAlias = str | Sequence[str] | None
#: What a statistic of one row does with a missing numerator or denominator: raise, or
#: give that row a missing value and limits.
NaPolicy: TypeAlias = Literal["raise", "propagate"]

#: Output columns every statistic appends (single confidence level): the shared
#: vocabulary of :data:`cdop.schema.OUTPUT`.
VALUE = schema.OUTPUT.value
LOWER = schema.OUTPUT.lower_ci
UPPER = schema.OUTPUT.upper_ci
CONFIDENCE = schema.OUTPUT.confidence
STATISTIC = schema.OUTPUT.statistic
METHOD = schema.OUTPUT.method
#: Further columns a statistic may append (comparison with a benchmark).
BENCHMARK = "benchmark"
COMPARISON = "comparison"
P_VALUE = "p_value"

#: Columns of an earlier statistic's result, replaced when that result is passed in again.
_RESULT_NAME = re.compile(
    rf"^(?:{VALUE}|{CONFIDENCE}|{STATISTIC}|{METHOD}|{BENCHMARK}|{P_VALUE}"
    rf"|(?:{LOWER}|{UPPER}|{COMPARISON})(?:_\d+(?:_\d+)?)?)$"
)

_MAX_ROWS_LISTED = 5


# --------------------------------------------------------------------------- errors


def describe_rows(index: pd.Index, mask: npt.NDArray[np.bool_], values: Any = None) -> str:
    """Describe the offending rows: count and the first few index labels (and values)."""
    positions = np.flatnonzero(mask)
    shown = []
    for pos in positions[:_MAX_ROWS_LISTED]:
        label = index[pos]
        if values is None:
            shown.append(f"{label!r}")
        else:
            value = values[pos]
            if isinstance(value, np.generic):
                value = value.item()
            shown.append(f"{label!r} ({value!r})")
    more = "" if positions.size <= _MAX_ROWS_LISTED else f", ... ({positions.size} rows in all)"
    noun = "row" if positions.size == 1 else "rows"
    return f"{noun} with index {', '.join(shown)}{more}"


def fail(func: str, message: str) -> CdopArgumentError:
    """Build the library's argument error with the function name as prefix."""
    return CdopArgumentError(f"{func}(): {message}")


# --------------------------------------------------------------------------- confidence


@dataclass(frozen=True)
class Levels:
    """Parsed confidence levels, as fractions in (0, 1], in the order given."""

    values: tuple[float, ...]

    @property
    def single(self) -> bool:
        return len(self.values) == 1

    @property
    def label(self) -> str:
        """Text for the ``confidence`` column, e.g. ``"95%"`` or ``"95%, 99.8%"``."""
        return ", ".join(f"{percent_text(c)}%" for c in self.values)

    def columns(self) -> list[tuple[str, str]]:
        """Names of the (lower, upper) limit columns, one pair per level."""
        if self.single:
            return [(LOWER, UPPER)]
        return [(f"{LOWER}_{level_suffix(c)}", f"{UPPER}_{level_suffix(c)}") for c in self.values]


def percent_text(level: float) -> str:
    """``0.95 -> "95"``, ``0.998 -> "99.8"``, ``0.9 -> "90"`` (no trailing zeros)."""
    pct = round(level * 100.0, 10)
    return np.format_float_positional(pct, trim="-")


def level_suffix(level: float) -> str:
    """Column suffix of a level: ``0.95 -> "95"``, ``0.998 -> "99_8"``."""
    return percent_text(level).replace(".", "_")


def parse_confidence(func: str, confidence: Any, *, arg: str = "confidence") -> Levels:
    """Validate a confidence level or a sequence of levels.

    A level is a fraction in (0, 1] (1 means 100%), or a percentage in (1, 100]
    (so ``95`` and ``0.95`` are the same level). Duplicates are refused.
    """
    if isinstance(confidence, (str, bytes)) or confidence is None:
        raise fail(
            func,
            f"argument `{arg}` must be a number in (0, 1] (or a percentage in (1, 100]) or a "
            f"sequence of them; received {confidence!r}",
        )
    raw: list[Any]
    if isinstance(confidence, (Sequence, np.ndarray, pd.Series)):
        raw = list(confidence)
        if not raw:
            raise fail(func, f"argument `{arg}` must hold at least one level; received {raw!r}")
    else:
        raw = [confidence]
    levels: list[float] = []
    for item in raw:
        if isinstance(item, (bool, np.bool_)) or not isinstance(
            item, (int, float, np.integer, np.floating)
        ):
            raise fail(
                func,
                f"argument `{arg}` must be numeric (a fraction in (0, 1] or a percentage in "
                f"(1, 100]); received {item!r} of type {type(item).__name__}",
            )
        value = float(item)
        if not math.isfinite(value) or value <= 0.0 or value > 100.0:
            raise fail(
                func,
                f"argument `{arg}` must be a fraction in (0, 1] or a percentage in (1, 100]; "
                f"received {item!r}",
            )
        levels.append(value / 100.0 if value > 1.0 else value)
    if len(set(levels)) != len(levels):
        raise fail(func, f"argument `{arg}` holds the same level twice; received {raw!r}")
    return Levels(tuple(levels))


def check_level(func: str, confidence: Any, *, arg: str = "confidence") -> float:
    """Validate one confidence level (kernels take exactly one)."""
    levels = parse_confidence(func, confidence, arg=arg)
    if not levels.single:
        raise fail(func, f"argument `{arg}` must be a single level here; received {confidence!r}")
    return levels.values[0]


# --------------------------------------------------------------------------- arguments


def check_frame(func: str, df: Any) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise fail(func, f"argument `df` must be a pandas DataFrame; received {type(df).__name__}")
    return df


def check_columns(func: str, df: pd.DataFrame, columns: Mapping[str, Any]) -> None:
    """Every argument naming a column must name an existing column."""
    for arg, col in columns.items():
        if col is None:
            continue
        if not isinstance(col, Hashable) or isinstance(col, (list, tuple)):
            raise fail(func, f"argument `{arg}` must be a column name; received {col!r}")
        if col not in df.columns:
            available = ", ".join(repr(c) for c in list(df.columns)[:20])
            raise fail(
                func,
                f"argument `{arg}` names column {col!r}, which is not in the DataFrame "
                f"(columns: {available})",
            )


def parse_group_by(
    func: str, df: pd.DataFrame, group_by: GroupBy, used: Sequence[str]
) -> list[str]:
    """Normalise ``group_by`` to a list of existing column names distinct from ``used``."""
    if group_by is None:
        return []
    cols = [group_by] if isinstance(group_by, str) else list(group_by)
    for col in cols:
        if not isinstance(col, str):
            raise fail(func, f"argument `group_by` must hold column names; received {col!r}")
    for col in cols:
        check_columns(func, df, {"group_by": col})
        if col in used:
            raise fail(
                func,
                f"argument `group_by` names column {col!r}, which is also an input of the "
                f"statistic",
            )
    if len(set(cols)) != len(cols):
        raise fail(func, f"argument `group_by` names a column twice; received {cols!r}")
    return cols


def check_multiplier(func: str, multiplier: Any, *, arg: str = "multiplier") -> float:
    if isinstance(multiplier, (bool, np.bool_)) or not isinstance(
        multiplier, (int, float, np.integer, np.floating)
    ):
        raise fail(
            func,
            f"argument `{arg}` must be a positive number; received {multiplier!r} "
            f"of type {type(multiplier).__name__}",
        )
    value = float(multiplier)
    if not math.isfinite(value) or value <= 0.0:
        raise fail(func, f"argument `{arg}` must be a positive number; received {multiplier!r}")
    return value


def check_na_policy(func: str, na: Any, allowed: Sequence[str]) -> str:
    if na not in allowed:
        raise fail(
            func,
            f"argument `na` must be one of {', '.join(repr(a) for a in allowed)}; received {na!r}",
        )
    return str(na)


def numeric_column(
    func: str,
    df: pd.DataFrame,
    arg: str,
    col: str,
    *,
    allow_na: bool = False,
    min_value: float | None = None,
    strict_min: bool = False,
) -> FloatArray:
    """Return a column as float64, refusing non-numeric dtypes, missing and out-of-range values.

    ``min_value`` with ``strict_min=False`` means ``>= min_value``; with ``True`` ``> min_value``.
    Missing values (NaN/NA/None) are refused unless ``allow_na``; infinite values always are.
    """
    series = df[col]
    if isinstance(series, pd.DataFrame):
        raise fail(func, f"argument `{arg}` names column {col!r}, which appears more than once")
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        raise fail(
            func,
            f"argument `{arg}` (column {col!r}) must be numeric; received dtype {dtype}",
        )
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":  # NumPy integers: never missing
        whole = series.to_numpy()
        values = whole.astype(np.float64)
        if min_value is None or not whole.size:
            return values
        lowest = whole.min()
        if lowest > min_value or (lowest == min_value and not strict_min):
            return values
    elif isinstance(dtype, np.dtype):  # NumPy floats: NaN is missing
        values = series.to_numpy(dtype=np.float64, copy=True)
    else:  # nullable and Arrow-backed columns: NA is missing
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if values.size and np.isfinite(np.add.reduce(values, axis=None)):
        # No NaN or infinity anywhere (either would poison the sum; large finite values
        # that overflow it are looked at one by one below): one pass instead of two masks.
        if min_value is None:
            return values
        lowest = float(np.minimum.reduce(values, axis=None))
        if lowest > min_value or (lowest == min_value and not strict_min):
            return values
    missing = np.isnan(values)
    if not allow_na and missing.any():
        raise fail(
            func,
            f"argument `{arg}` (column {col!r}) must not have missing values; received missing "
            f"values in {describe_rows(df.index, missing)}",
        )
    infinite = np.isinf(values)
    if infinite.any():
        raise fail(
            func,
            f"argument `{arg}` (column {col!r}) must hold finite numbers; received infinite "
            f"values in {describe_rows(df.index, infinite, values)}",
        )
    if min_value is not None:
        with np.errstate(invalid="ignore"):
            bad = values <= min_value if strict_min else values < min_value
        if bad.any():
            relation = "greater than" if strict_min else "greater than or equal to"
            raise fail(
                func,
                f"argument `{arg}` (column {col!r}) must be {relation} {min_value:g}; "
                f"received {describe_rows(df.index, bad, values)}",
            )
    return values


def check_not_above(
    func: str,
    df: pd.DataFrame,
    x_arg: str,
    x_col: str,
    n_arg: str,
    n_col: str,
    x: FloatArray,
    n: FloatArray,
) -> None:
    with np.errstate(invalid="ignore"):
        bad = x > n
    if bad.any():
        pairs = np.empty(len(x), dtype=object)
        for pos in np.flatnonzero(bad)[: _MAX_ROWS_LISTED + 1]:
            pairs[pos] = f"{float(x[pos])!r}/{float(n[pos])!r}"
        raise fail(
            func,
            f"argument `{x_arg}` (column {x_col!r}) must not exceed `{n_arg}` (column {n_col!r}) "
            f"for a proportion; received {describe_rows(df.index, bad, pairs)}",
        )


def is_result(columns: Sequence[Hashable]) -> bool:
    """Whether ``columns`` are those of an earlier result (a ``statistic`` or a limit column)."""
    return any(
        isinstance(c, str) and (c == STATISTIC or c.startswith((LOWER, UPPER))) for c in columns
    )


def result_columns(columns: Sequence[Hashable]) -> list[str]:
    """The columns of ``columns`` that an earlier statistic appended (value, limits, ...)."""
    return [c for c in columns if isinstance(c, str) and _RESULT_NAME.match(c)]


def replace_results(func: str, base: pd.DataFrame, new: Sequence[str]) -> pd.DataFrame:
    """``base`` without the columns of an earlier result, which the new result replaces.

    An earlier result (of :mod:`cdop.stats` or :mod:`cdop.analytics`: it has a
    ``statistic`` or a limit column) passed in again has its result columns (``value``,
    every ``lower_ci``/``upper_ci`` level, ``confidence``, ``statistic``, ``method``,
    comparison columns) replaced, so analytics output feeds a statistic unchanged. In any
    other frame a column the result would overwrite is an error.
    """
    existing = list(base.columns)
    clash = [c for c in new if c in set(existing)]
    if is_result(existing):
        stale = result_columns(existing)
        return base.drop(columns=stale) if stale else base
    if clash:
        raise fail(
            func,
            f"the input already has column(s) {', '.join(repr(c) for c in clash)}, which the "
            f"result would overwrite; rename or drop them first (an earlier result, with "
            f"'statistic' and limit columns, is replaced instead)",
        )
    return base


def check_no_clash(func: str, existing: Sequence[Hashable], new: Sequence[str]) -> None:
    clash = [c for c in new if c in set(existing)]
    if clash:
        raise fail(
            func,
            f"the input already has column(s) {', '.join(repr(c) for c in clash)}, which the "
            f"result would overwrite; rename or drop them first",
        )


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class Grouped:
    """Per-group sums: the key columns (one row per group) and the summed arrays."""

    keys: pd.DataFrame
    sums: dict[str, FloatArray]


def group_codes(
    df: pd.DataFrame, group_cols: Sequence[str]
) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    """Group number of every row (groups sorted by key, missing keys kept) and the key table."""
    if len(group_cols) == 1:
        fast = _single_key_codes(df[group_cols[0]])
        if fast is not None:
            return fast
    grouper = df.groupby(list(group_cols), sort=True, dropna=False, observed=True)
    codes: npt.NDArray[np.intp] = np.asarray(grouper.ngroup().to_numpy(), dtype=np.intp)
    keys = grouper.size().index.to_frame(index=False)
    keys.columns = list(group_cols)
    return codes, keys


def _single_key_codes(key: pd.Series) -> tuple[npt.NDArray[np.intp], pd.DataFrame] | None:
    """:func:`group_codes` of one integer or text key without missing values, by one sorted
    factorisation (what ``groupby`` does, without building a grouper); None for any other
    key, which ``groupby`` then handles."""
    if not _plain_key(key):
        return None
    dense = _dense_int_bins(key)
    if dense is not None:
        offset, present, keys = dense
        rank = np.cumsum(present, dtype=np.intp) - 1
        codes: npt.NDArray[np.intp] = rank[offset]
        return codes, keys
    factorised, uniques = pd.factorize(key, sort=True)
    keys = pd.DataFrame({key.name: pd.Series(uniques, dtype=key.dtype)})
    return np.asarray(factorised, dtype=np.intp), keys


def _plain_key(key: pd.Series) -> bool:
    """Whether a key is one :func:`_single_key_codes` factorises itself: NumPy integers (not
    64-bit unsigned) or text, nothing missing."""
    dtype = key.dtype
    if isinstance(dtype, np.dtype):  # NumPy integers are never missing
        return dtype.kind == "i" or (dtype.kind == "u" and dtype.itemsize <= 4)
    return pd.api.types.is_string_dtype(dtype) and not key.hasnans


def _dense_int_bins(
    key: pd.Series,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_], pd.DataFrame] | None:
    """A key of integers spanning a range not much wider than their number (area codes,
    years, group numbers), counted per value instead of hashed: each row's value less the
    smallest (its bin), which bins hold a row, and the key table of those (sorted). None for
    text, no rows or a range too wide for that."""
    dtype = key.dtype
    if not isinstance(dtype, np.dtype) or not _plain_key(key) or not len(key):
        return None
    values = np.asarray(key.to_numpy())
    low, high = int(values.min()), int(values.max())
    span = high - low + 1
    if span > 2 * len(values) + 1024:
        return None
    # In the index type first: the difference of two small integers may not fit their own.
    offset = values.astype(np.intp, copy=False)
    if low:
        offset = offset - low
    present = np.bincount(offset, minlength=span) > 0
    uniques = (np.flatnonzero(present) + low).astype(values.dtype)
    return offset, present, pd.DataFrame({key.name: pd.Series(uniques, dtype=dtype)})


def _group_bins(
    df: pd.DataFrame, group_cols: Sequence[str]
) -> tuple[npt.NDArray[np.intp], int, npt.NDArray[Any] | None, pd.DataFrame]:
    """For :func:`group_sums`: every row's bin, the number of bins, which bins in which order
    make the groups (None: all, as they are) and the key table."""
    key = df[group_cols[0]] if len(group_cols) == 1 else None
    if key is not None:
        dense = _dense_int_bins(key)
        if dense is not None:
            offset, present, keys = dense
            return offset, len(present), None if len(keys) == len(present) else present, keys
        dtype = key.dtype
        if not isinstance(dtype, np.dtype) and pd.api.types.is_string_dtype(dtype) and len(key):
            codes, uniques = pd.factorize(key, sort=False)
            if codes.min() >= 0:  # nothing missing (a missing text would be coded -1)
                order = np.asarray(np.argsort(uniques), dtype=np.intp)
                keys = pd.DataFrame({key.name: pd.Series(uniques.take(order), dtype=dtype)})
                return np.asarray(codes, dtype=np.intp), len(uniques), order, keys
    codes, keys = group_codes(df, group_cols)
    return codes, len(keys), None, keys


def group_sums(
    df: pd.DataFrame,
    group_cols: Sequence[str],
    arrays: Mapping[str, FloatArray],
    *,
    nan_if_any_missing: bool = True,
    maybe_missing: bool = True,
) -> Grouped:
    """Sum each array per group (a group with a missing value sums to NaN when asked).

    ``maybe_missing=False`` says the arrays were checked to hold no NaN (not looked for again).

    The rows are summed into bins, then the bins put in the groups' order: one integer
    key of a narrow range has its values' own bins (the empty ones dropped), one text key
    the bins of its texts in the order first seen (sorted afterwards: no group number
    worked out again for every row), any other key the group codes of :func:`group_codes`.
    Either way each group adds up its rows in their order: the same sums to the last bit.
    """
    bins, nbins, selection, keys = _group_bins(df, group_cols)

    def per_group(weights: npt.NDArray[Any]) -> FloatArray:
        total = np.asarray(np.bincount(bins, weights=weights, minlength=nbins), dtype=np.float64)
        return total if selection is None else total[selection]

    sums: dict[str, FloatArray] = {}
    for name, values in arrays.items():
        if not maybe_missing or not np.isnan(np.add.reduce(values, axis=None)):
            sums[name] = per_group(values)  # nothing missing: summed as it is
            continue
        missing = np.isnan(values)
        total = per_group(np.where(missing, 0.0, values))
        if nan_if_any_missing and missing.any():
            has_missing = per_group(missing.astype(np.float64))
            total = np.where(has_missing > 0, np.nan, total)
        sums[name] = total.astype(np.float64)
    return Grouped(keys=keys, sums=sums)


# --------------------------------------------------------------------------- output


def text_column(
    categories: Sequence[str], codes: npt.NDArray[np.integer[Any]], index: pd.Index
) -> pd.Series:
    """A string column built from category codes (``-1`` is missing), fast for large frames.

    The texts are gathered by Arrow and handed to pandas without a Python object per row.
    """
    import pyarrow as pa

    cats = pa.array(list(categories), type=pa.large_string())
    codes = np.asarray(codes)
    mask = codes < 0
    if mask.any():
        idx = pa.array(np.where(mask, 0, codes).astype(np.int32), mask=mask)
    else:
        idx = pa.array(codes)
    return _arrow_text(cats.take(idx), index)


#: Rows of the one Arrow chunk a constant text column repeats (see :func:`constant_text`).
_CONSTANT_CHUNK = 1 << 16


def constant_text(text: str, length: int, index: pd.Index) -> pd.Series:
    """A string column holding ``text`` on every row.

    A long column is one Arrow chunk of ``text`` repeated, referred to as many times as
    needed: the same values and dtype as a column of separate texts, built in microseconds
    and held in kilobytes (Arrow arrays are immutable, so the chunks can be shared).
    """
    import pyarrow as pa

    value = pa.scalar(text, type=pa.large_string())
    if length <= _CONSTANT_CHUNK:
        return _arrow_text(pa.repeat(value, length), index)
    full, rest = divmod(length, _CONSTANT_CHUNK)
    chunk = pa.repeat(value, _CONSTANT_CHUNK)
    chunks = [chunk] * full + ([chunk.slice(0, rest)] if rest else [])
    return _arrow_text(pa.chunked_array(chunks, type=pa.large_string()), index)


def _arrow_text(arr: Any, index: pd.Index) -> pd.Series:
    """Arrow large strings as a pandas ``str`` column, without copying the texts."""
    import pyarrow as pa

    text_dtype = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str"
    series = pd.Series(arr.to_pandas(types_mapper={pa.large_string(): text_dtype}.get))
    series.index = index
    return series


def format_number(value: float) -> str:
    """Format a multiplier as R's ``format(x, scientific = FALSE)`` does: ``100000``, ``0.5``."""
    if float(value).is_integer():
        return str(int(value))
    return np.format_float_positional(value, trim="-")


def assemble(
    base: pd.DataFrame,
    value: FloatArray,
    limits: Sequence[tuple[FloatArray, FloatArray]],
    levels: Levels,
    statistic: str | pd.Series,
    method: pd.Series | str,
    *,
    extra: Mapping[str, Any] | None = None,
    func: str,
) -> pd.DataFrame:
    """Append ``value``, the limits, ``confidence``, ``statistic``, ``method`` to ``base``."""
    names = [VALUE]
    for lo_col, up_col in levels.columns():
        names.extend([lo_col, up_col])
    names.extend([CONFIDENCE, STATISTIC, METHOD])
    if extra:
        names.extend(extra)
    base = replace_results(func, base, names)
    index = base.index
    columns: dict[str, Any] = {VALUE: value}
    for (lo_name, up_name), (lo, up) in zip(levels.columns(), limits, strict=True):
        columns[lo_name] = lo
        columns[up_name] = up
    columns[CONFIDENCE] = constant_text(levels.label, len(index), index)
    columns[STATISTIC] = (
        constant_text(statistic, len(index), index) if isinstance(statistic, str) else statistic
    )
    columns[METHOD] = (
        constant_text(method, len(index), index) if isinstance(method, str) else method
    )
    if extra:
        columns.update(extra)
    # The arrays are new and owned here: no copy, and no consolidation into one block.
    new = pd.DataFrame(columns, index=index, copy=False)
    return pd.concat([base, new], axis=1) if len(base.columns) else new


def as_float_array(values: Any, arg: str, func: str) -> FloatArray:
    """Coerce a kernel input to a float64 array, refusing text."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise fail(func, f"argument `{arg}` must be numeric; received {values!r}") from exc
    return arr
