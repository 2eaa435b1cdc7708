"""Input preparation shared by the numerator/denominator statistics (rate, proportion, compare)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cdop.stats._common import (
    FloatArray,
    GroupBy,
    check_columns,
    check_frame,
    check_na_policy,
    check_not_above,
    fail,
    group_sums,
    numeric_column,
    parse_group_by,
)


@dataclass(frozen=True)
class Prepared:
    """Numerator and denominator arrays (summed per group if grouped) and the base frame.

    ``base`` is the frame the statistic columns are appended to: a shallow copy
    of the input (ungrouped) or the group keys with the summed columns (grouped).
    """

    x: FloatArray
    n: FloatArray
    base: pd.DataFrame
    group_cols: list[str]


def prepare_x_n(
    func: str,
    df: Any,
    x: str,
    n: str,
    *,
    group_by: GroupBy,
    na: str,
    proportion: bool,
) -> Prepared:
    """Check and extract ``x`` and ``n``; sum them per group when ``group_by`` is given."""
    frame = check_frame(func, df)
    check_columns(func, frame, {"x": x, "n": n})
    if x == n:
        raise fail(func, f"arguments `x` and `n` name the same column {x!r}")
    policy = check_na_policy(func, na, ("raise", "propagate"))
    allow_na = policy == "propagate"
    group_cols = parse_group_by(func, frame, group_by, [x, n])
    xs = numeric_column(func, frame, "x", x, allow_na=allow_na, min_value=0.0)
    ns = numeric_column(func, frame, "n", n, allow_na=allow_na, min_value=0.0, strict_min=True)
    if proportion:
        check_not_above(func, frame, "x", x, "n", n, xs, ns)
    if not group_cols:
        return Prepared(x=xs, n=ns, base=frame.copy(deep=False), group_cols=[])
    grouped = group_sums(
        frame, group_cols, {x: xs, n: ns}, nan_if_any_missing=True, maybe_missing=allow_na
    )
    gx = grouped.sums[x]
    gn = grouped.sums[n]
    keys = grouped.keys
    columns: dict[str, Any] = {col: keys[col] for col in keys.columns}
    columns[x] = _restore_dtype(frame[x], gx)
    columns[n] = _restore_dtype(frame[n], gn)
    base = pd.DataFrame(columns, index=keys.index, copy=False)
    return Prepared(x=gx, n=gn, base=base, group_cols=group_cols)


def _restore_dtype(original: pd.Series, summed: FloatArray) -> Any:
    """Keep integer input columns integer after summing when no value is missing."""
    if pd.api.types.is_integer_dtype(original.dtype) and not np.isnan(summed).any():
        return summed.astype(np.int64)
    return summed
