"""Standard populations and per-group weights shared by ``dsr`` and ``isr``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from cdop.stats._common import FloatArray, describe_rows, fail, numeric_column

__all__ = ["DSR_THRESHOLD", "esp2013", "per_group_vector"]

#: Directly standardised rates from fewer total events than this are suppressed.
DSR_THRESHOLD = 10


@cache
def _esp2013_table() -> pd.DataFrame:
    with (
        resources.files("cdop.stats").joinpath("data/esp2013.csv").open("r", encoding="utf-8") as fh
    ):
        table = pd.read_csv(fh, dtype={"ageband": "str"})
    return table


def esp2013() -> pd.DataFrame:
    """The European Standard Population 2013: 19 five-year age bands (0-4 ... 90+).

    Returns a new DataFrame with columns ``ageband`` (``"0-4"`` ... ``"90+"``),
    ``age_from``, ``age_to`` (NA for 90+) and ``esp2013`` (the standard
    population; the bands sum to 100,000).

    Source: Eurostat, Revision of the European Standard Population, 2013 edition.

    Examples
    --------
    >>> table = esp2013()
    >>> int(table["esp2013"].sum()), table["ageband"].iloc[0], int(table["esp2013"].iloc[0])
    (100000, '0-4', 5000)
    """
    return _esp2013_table().copy()


def per_group_vector(
    func: str,
    df: pd.DataFrame,
    arg: str,
    spec: str | Sequence[float] | None,
    codes: Any,
    *,
    default: Sequence[float] | None = None,
    min_value: float = 0.0,
    strict: bool = False,
    allow_na: bool = False,
) -> FloatArray:
    """A column, or a vector appended by position within each group.

    ``spec`` names a column, or gives one value per row of every group (the
    reference's ``refpoptype = "vector"``: each group must have exactly that many
    rows, in the same order), or is ``None`` to use ``default`` the same way.
    """
    if isinstance(spec, str):
        return numeric_column(
            func, df, arg, spec, min_value=min_value, strict_min=strict, allow_na=allow_na
        )
    vector = default if spec is None else spec
    if vector is None:
        raise fail(func, f"argument `{arg}` is required")
    try:
        values = np.asarray(vector, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise fail(
            func,
            f"argument `{arg}` must be a column name or a sequence of numbers; received {spec!r}",
        ) from exc
    if values.ndim != 1 or values.size == 0:
        raise fail(func, f"argument `{arg}` must be a one-dimensional sequence; received {spec!r}")
    bad = ~np.isfinite(values) | (values <= min_value if strict else values < min_value)
    if bad.any():
        raise fail(
            func,
            f"argument `{arg}` must hold finite numbers {'>' if strict else '>='} {min_value:g}; "
            f"received {values[bad][:5].tolist()!r}",
        )
    codes_arr = np.asarray(codes, dtype=np.intp)
    sizes = np.bincount(codes_arr)
    wrong = sizes != values.size
    if wrong.any():
        row_wrong = wrong[codes_arr]
        raise fail(
            func,
            f"argument `{arg}` gives {values.size} values by position, so every group must have "
            f"{values.size} rows; groups have {sorted(set(sizes.tolist()))} rows "
            f"(e.g. the group of {describe_rows(df.index, row_wrong)})",
        )
    position = pd.Series(codes_arr).groupby(codes_arr).cumcount().to_numpy()
    return np.asarray(values[position], dtype=np.float64)
