"""Indirectly standardised rates and ratios (observed vs expected from reference rates)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop.stats._ci import poisson_ci
from cdop.stats._common import (
    ConfidenceArg,
    FloatArray,
    GroupBy,
    Levels,
    assemble,
    check_columns,
    check_frame,
    check_multiplier,
    check_na_policy,
    describe_rows,
    fail,
    format_number,
    group_codes,
    numeric_column,
    parse_confidence,
    parse_group_by,
)
from cdop.stats._rate import rate_method_column
from cdop.stats._standard import per_group_vector

__all__ = ["isr", "isratio"]

RefSpec = str | Sequence[float]


def _observed_expected(
    func: str,
    df: pd.DataFrame,
    x: str,
    n: str,
    x_ref: RefSpec,
    n_ref: RefSpec,
    group_by: GroupBy,
    observed_totals: pd.DataFrame | None,
    na: str,
) -> tuple[pd.DataFrame, FloatArray, FloatArray, FloatArray]:
    """Group keys, observed, expected and the reference rate (per 1) of each group."""
    frame = check_frame(func, df)
    policy = check_na_policy(func, na, ("raise", "zero"))
    check_columns(func, frame, {"n": n})
    ref_cols = [c for c in (x_ref, n_ref) if isinstance(c, str)]
    check_columns(
        func,
        frame,
        {
            "x_ref": x_ref if isinstance(x_ref, str) else None,
            "n_ref": n_ref if isinstance(n_ref, str) else None,
        },
    )
    if observed_totals is None:
        check_columns(func, frame, {"x": x})
    group_cols = parse_group_by(func, frame, group_by, [x, n, *ref_cols])
    if len(frame) == 0:
        raise fail(func, "argument `df` has no rows")
    ns = numeric_column(func, frame, "n", n, allow_na=policy == "zero", min_value=0.0)
    ns = np.where(np.isnan(ns), 0.0, ns)
    if group_cols:
        codes, keys = group_codes(frame, group_cols)
    else:
        codes = np.zeros(len(frame), dtype=np.intp)
        keys = pd.DataFrame(index=range(1))
    xr = per_group_vector(
        func, frame, "x_ref", x_ref, codes, min_value=0.0, allow_na=policy == "zero"
    )
    xr = np.where(np.isnan(xr), 0.0, xr)
    nr = per_group_vector(func, frame, "n_ref", n_ref, codes, min_value=0.0, strict=True)
    ngroups = len(keys)
    expected = np.asarray(np.bincount(codes, weights=xr / nr * ns, minlength=ngroups), dtype=float)
    ref_rate = np.bincount(codes, weights=xr, minlength=ngroups) / np.bincount(
        codes, weights=nr, minlength=ngroups
    )
    observed = _observed(func, frame, x, codes, keys, group_cols, observed_totals, policy)
    return keys, observed, expected, ref_rate


def _observed(
    func: str,
    frame: pd.DataFrame,
    x: str,
    codes: npt.NDArray[np.intp],
    keys: pd.DataFrame,
    group_cols: list[str],
    observed_totals: pd.DataFrame | None,
    policy: str,
) -> FloatArray:
    if observed_totals is None:
        xs = numeric_column(func, frame, "x", x, allow_na=policy == "zero", min_value=0.0)
        total = np.bincount(codes, weights=np.where(np.isnan(xs), 0.0, xs), minlength=len(keys))
        return np.asarray(total, dtype=np.float64)
    totals = check_frame(func, observed_totals)
    check_columns(func, totals, {"x": x})
    for col in group_cols:
        check_columns(func, totals, {"group_by": col})
    obs = numeric_column(func, totals, "x", x, allow_na=policy == "zero", min_value=0.0)
    if not group_cols:
        if len(totals) != 1:
            raise fail(
                func,
                "argument `observed_totals` must have one row when there is no grouping; "
                f"received {len(totals)} rows",
            )
        return np.where(np.isnan(obs), 0.0, obs)
    lookup = totals[group_cols].assign(_observed=np.where(np.isnan(obs), 0.0, obs))
    dupes = lookup.duplicated(subset=group_cols, keep=False).to_numpy()
    if dupes.any():
        raise fail(
            func,
            "argument `observed_totals` must have one row per group; duplicated groups in "
            f"{describe_rows(totals.index, dupes)}",
        )
    merged = keys.merge(lookup, on=group_cols, how="left")
    values = merged["_observed"].to_numpy(dtype=np.float64)
    missing = np.isnan(values)
    if missing.any():
        raise fail(
            func,
            "argument `observed_totals` has no row for some groups: "
            f"{describe_rows(pd.Index(range(len(keys))), missing, keys.to_dict('records'))}",
        )
    return values


def _isr_frame(
    func: str,
    keys: pd.DataFrame,
    observed: FloatArray,
    expected: FloatArray,
    scale: FloatArray,
    levels: Levels,
    statistic: str,
    ref_rate: FloatArray | None,
) -> pd.DataFrame:
    base = keys.copy()
    base["observed"] = observed
    base["expected"] = expected
    if ref_rate is not None:
        base["ref_rate"] = ref_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        value = observed / expected * scale
        limits = []
        for level in levels.values:
            lo, up = poisson_ci(observed, level)
            limits.append((lo / expected * scale, up / expected * scale))
    method = rate_method_column(observed, base.index)
    return assemble(base, value, limits, levels, statistic, method, func=func)


def isr(
    df: pd.DataFrame,
    x: str,
    n: str,
    x_ref: RefSpec,
    n_ref: RefSpec,
    *,
    group_by: GroupBy = None,
    multiplier: float = 100_000,
    confidence: ConfidenceArg = 0.95,
    observed_totals: pd.DataFrame | None = None,
    na: Literal["raise", "zero"] = "raise",
) -> pd.DataFrame:
    r"""Indirectly standardised rate: observed / expected x the reference rate.

    For each group, with local populations :math:`n_i` and reference counts and
    populations :math:`X_i, N_i` per band:

    .. math::

        E = \sum_i \frac{X_i}{N_i} n_i, \qquad R = \frac{\sum_i X_i}{\sum_i N_i} m, \qquad
        \text{ISR} = \frac{O}{E} R

    and the limits are the Poisson limits of ``O`` (exact below 10, Byar's at 10 and
    above, as :func:`~cdop.stats.poisson_ci`) divided by ``E`` and times ``R``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group and band; not modified.
    x : str
        Observed events per band (summed per group), or, with ``observed_totals``,
        the column of that table holding each group's total.
    n : str
        Local population per band (>= 0; a zero band is allowed).
    x_ref, n_ref : str or sequence of float
        Reference events and populations: columns, or one value per band applied
        by position within every group (each group must then have that many rows).
    group_by : str or list of str, optional
    multiplier : float, default 100000
    confidence : float or sequence of float, default 0.95
    observed_totals : pandas.DataFrame, optional
        Observed totals per group (group columns and ``x``), when events are not
        available by band.
    na : {"raise", "zero"}, default "raise"
        Missing ``x`` or ``n``: raise or count as zero (as the reference).

    Returns
    -------
    pandas.DataFrame
        Group columns, ``observed``, ``expected``, ``ref_rate``, ``value``, the limit
        columns, ``confidence``, ``statistic`` (``"indirectly standardised rate per
        100000"``) and ``method`` (``"Exact"`` / ``"Byars"``).

    Notes
    -----
    Tested against PHEindicatormethods ``calculate_ISRate`` (``testresults_ISR``
    rows 1-6 and 13-14; reference given as vectors, as columns, and with
    observed totals) to 1e-9 relative.

    Examples
    --------
    Reference rates 1% and 2% in two bands of 1,000 and 500 people: ``E = 10 + 10 = 20``;
    30 observed; reference rate ``(100 + 200) / (10000 + 10000) x 1e5 = 1500``;
    ``ISR = 30 / 20 x 1500 = 2250``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"obs": [12, 18], "pop": [1000, 500]})
    >>> out = isr(df, "obs", "pop", x_ref=[100, 200], n_ref=[10000, 10000])
    >>> out[["observed", "expected", "ref_rate", "value", "method"]]
       observed  expected  ref_rate   value method
    0      30.0      20.0    1500.0  2250.0  Byars
    """
    func = "isr"
    levels = parse_confidence(func, confidence)
    mult = check_multiplier(func, multiplier)
    keys, observed, expected, ref_rate = _observed_expected(
        func, df, x, n, x_ref, n_ref, group_by, observed_totals, na
    )
    rr = ref_rate * mult
    return _isr_frame(
        func,
        keys,
        observed,
        expected,
        rr,
        levels,
        f"indirectly standardised rate per {format_number(mult)}",
        rr,
    )


def isratio(
    df: pd.DataFrame,
    x: str,
    n: str,
    x_ref: RefSpec,
    n_ref: RefSpec,
    *,
    group_by: GroupBy = None,
    refvalue: float = 1,
    confidence: ConfidenceArg = 0.95,
    observed_totals: pd.DataFrame | None = None,
    na: Literal["raise", "zero"] = "raise",
) -> pd.DataFrame:
    r"""Indirectly standardised ratio (e.g. SMR): observed / expected x ``refvalue``.

    ``E`` as in :func:`isr`; ``value = O / E x refvalue`` (``refvalue`` 1 or 100) and
    the limits are the Poisson limits of ``O`` (exact below 10, Byar's at 10 and
    above) divided by ``E`` times ``refvalue``.

    Returns
    -------
    pandas.DataFrame
        Group columns, ``observed``, ``expected``, ``value``, the limit columns,
        ``confidence``, ``statistic`` (``"indirectly standardised ratio x 100"``) and
        ``method``.

    Notes
    -----
    Tested against PHEindicatormethods ``calculate_ISRatio`` (``testresults_ISR``
    rows 7-12 and 15-16) to 1e-9 relative.

    Examples
    --------
    Five observed where 2.5 are expected: ``SMR = 200``; exact limits of 5 events,
    ``1.6235`` and ``11.6683``, give ``64.9`` to ``466.7``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"obs": [5], "pop": [500]})
    >>> out = isratio(df, "obs", "pop", x_ref=[50], n_ref=[10000], refvalue=100)
    >>> out[["expected", "value", "lower_ci", "upper_ci", "method"]].round(1)
       expected  value  lower_ci  upper_ci method
    0       2.5  200.0      64.9     466.7  Exact
    """
    func = "isratio"
    levels = parse_confidence(func, confidence)
    ref = check_multiplier(func, refvalue, arg="refvalue")
    keys, observed, expected, _ = _observed_expected(
        func, df, x, n, x_ref, n_ref, group_by, observed_totals, na
    )
    return _isr_frame(
        func,
        keys,
        observed,
        expected,
        np.full(len(keys), ref),
        levels,
        f"indirectly standardised ratio x {format_number(ref)}",
        None,
    )
