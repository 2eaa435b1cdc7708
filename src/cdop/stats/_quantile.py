"""Assigning small areas to quantiles (deciles, quintiles) as Fingertips does."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cdop.errors import SmallNumberWarning
from cdop.stats._common import (
    GroupBy,
    check_columns,
    check_frame,
    check_no_clash,
    describe_rows,
    fail,
    group_codes,
    numeric_column,
    parse_group_by,
)

__all__ = ["quantile"]

_TRUE = {True, "true", "True", "TRUE"}
_FALSE = {False, "false", "False", "FALSE"}


def quantile(
    df: pd.DataFrame,
    values: str,
    *,
    nquantiles: int = 10,
    invert: bool | str = True,
    group_by: GroupBy = None,
) -> pd.DataFrame:
    r"""Assign each row to a quantile of ``values`` (within each group).

    Rows are ranked within their group (ties take the lowest rank; missing values
    get no rank and no quantile). With ``N`` ranked rows and ``q`` quantiles, the
    row of rank ``r`` gets

    .. math::

        Q = \left\lfloor (q + 1) - \left\lceil \frac{(N + 1) - r}{N / q} \right\rceil \right\rfloor

    (0 becomes 1). With ``invert=True`` the highest value is ranked first, so
    quantile 1 holds the highest values (e.g. IMD scores: decile 1 = most
    deprived). Groups with fewer than ``q`` values get no quantiles and a
    :class:`~cdop.errors.SmallNumberWarning`.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per small area; not modified.
    values : str
        Numeric column to rank.
    nquantiles : int, default 10
    invert : bool or str, default True
        Whether quantile 1 holds the highest values; or a column of booleans
        (constant within each group) giving it per group.
    group_by : str or list of str, optional
        Assign separate quantiles within each group.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with ``quantile`` (nullable integer) appended.

    Notes
    -----
    Tested against PHEindicatormethods ``phe_quantile`` (``testdata_Quantiles``:
    within-region deciles by indicator, septiles, quartiles, ties and missing
    values): every quantile matches.

    Examples
    --------
    Ten areas into quintiles, highest value first: ranks 1-2 go to quintile 1, e.g.
    rank 1 gives ``floor(6 - ceil((11 - 1) / 2)) = 1`` and rank 10 gives
    ``floor(6 - ceil(1 / 2)) = 5``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [5.0, 40.1, 12.0, 33.3, 8.2, 25.0, 19.9, 2.2, 45.0, 30.0]})
    >>> quantile(df, "score", nquantiles=5)["quantile"].tolist()
    [5, 1, 4, 2, 4, 3, 3, 5, 1, 2]
    """
    func = "quantile"
    frame = check_frame(func, df)
    if (
        isinstance(nquantiles, bool)
        or not isinstance(nquantiles, (int, np.integer))
        or nquantiles < 1
    ):
        raise fail(
            func, f"argument `nquantiles` must be a positive integer; received {nquantiles!r}"
        )
    check_columns(func, frame, {"values": values})
    invert_col = invert if isinstance(invert, str) else None
    if invert_col is not None:
        check_columns(func, frame, {"invert": invert_col})
    elif not isinstance(invert, (bool, np.bool_)):
        raise fail(
            func, f"argument `invert` must be True, False or a column name; received {invert!r}"
        )
    group_cols = parse_group_by(
        func, frame, group_by, [values] + ([invert_col] if invert_col else [])
    )
    check_no_clash(func, list(frame.columns), ["quantile"])
    vals = numeric_column(func, frame, "values", values, allow_na=True)
    if group_cols:
        codes, keys = group_codes(frame, group_cols)
    else:
        codes, keys = np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1))
    size = len(keys)
    if invert_col is not None:
        raw = frame[invert_col]
        flags = np.array([v in _TRUE for v in raw], dtype=bool)
        unknown = ~flags & ~np.array([v in _FALSE for v in raw], dtype=bool)
        if unknown.any():
            raise fail(
                func,
                f"argument `invert` (column {invert_col!r}) must hold booleans; received "
                f"{describe_rows(frame.index, unknown, raw.to_numpy())}",
            )
        per_group_true = np.bincount(codes, weights=flags.astype(float), minlength=size)
        per_group_n = np.bincount(codes, minlength=size)
        mixed = (per_group_true > 0) & (per_group_true < per_group_n)
        if mixed.any():
            raise fail(
                func,
                f"argument `invert` (column {invert_col!r}) must be the same within each group; "
                f"it varies in {describe_rows(frame.index, mixed[codes])}",
            )
    else:
        flags = np.full(len(frame), bool(invert))
    signed = np.where(flags, -vals, vals)
    ranks = pd.Series(signed).groupby(codes).rank(method="min", na_option="keep").to_numpy()
    counts = np.bincount(codes, weights=(~np.isnan(vals)).astype(float), minlength=size)
    total = counts[codes]
    q = float(nquantiles)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.floor((q + 1.0) - np.ceil(((total + 1.0) - ranks) / (total / q)))
    result = np.where(result == 0, 1.0, result)
    too_few = total < q
    result = np.where(too_few | np.isnan(ranks), np.nan, result)
    if (counts < q).any():
        warnings.warn(
            f"{func}(): {int((counts < q).sum())} group(s) have fewer than {nquantiles} values; "
            "no quantiles were assigned to them",
            SmallNumberWarning,
            stacklevel=2,
        )
    out = frame.copy(deep=False)
    out["quantile"] = pd.array(result, dtype="Float64").astype("Int64")
    return out
