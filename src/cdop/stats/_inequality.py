"""Slope and relative index of inequality (Low & Low regression, simulated limits)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from cdop.errors import DataQualityWarning, SmallNumberWarning
from cdop.stats._common import (
    ConfidenceArg,
    FloatArray,
    GroupBy,
    Levels,
    assemble,
    check_columns,
    check_frame,
    describe_rows,
    fail,
    group_codes,
    numeric_column,
    parse_confidence,
    parse_group_by,
)

__all__ = ["rii", "sii"]

ValueType = Literal["normal", "rate", "proportion"]
_VALUE_TYPES: dict[Any, str] = {
    "normal": "normal",
    "rate": "rate",
    "proportion": "proportion",
    0: "normal",
    1: "rate",
    2: "proportion",
}
#: Numbers of normal draws held in memory at once during the simulation.
_CHUNK_ELEMENTS = 5_000_000
#: The normal draws of the last simulation of one chunk with a fixed seed, by seed and
#: shape (at most one chunk, 40 MB, is kept).
_DRAWS: dict[tuple[int, int, int, int], FloatArray] = {}


@dataclass(frozen=True)
class _Fit:
    keys: pd.DataFrame
    sii: FloatArray
    rii: FloatArray
    intercept: FloatArray
    sii_se: FloatArray
    rii_se: FloatArray
    sii_limits: list[tuple[FloatArray, FloatArray]]
    rii_limits: list[tuple[FloatArray, FloatArray]]
    levels: Levels
    method: str


def _link(values: FloatArray, kind: str) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "rate":
            return np.asarray(np.log(values), dtype=np.float64)
        if kind == "proportion":
            return np.asarray(np.log(values / (1.0 - values)), dtype=np.float64)
    return values


def _inverse(values: FloatArray, kind: str) -> FloatArray:
    if kind == "rate":
        return np.asarray(np.exp(values), dtype=np.float64)
    if kind == "proportion":
        return np.asarray(np.exp(values) / (1.0 + np.exp(values)), dtype=np.float64)
    return values


def _inverse_slope(values: FloatArray, kind: str) -> FloatArray:
    """Derivative of the inverse link."""
    if kind == "rate":
        return np.asarray(np.exp(values), dtype=np.float64)
    if kind == "proportion":
        p = _inverse(values, kind)
        return np.asarray(p * (1.0 - p), dtype=np.float64)
    return np.ones_like(values)


def _fit(
    func: str,
    df: Any,
    quantile: str,
    population: str,
    value: str | None,
    x: str | None,
    value_type: Any,
    transform: bool,
    lower_cl: str | None,
    upper_cl: str | None,
    se: str | None,
    multiplier: float,
    repetitions: int,
    confidence: ConfidenceArg,
    seed: int | np.random.Generator | None,
    group_by: GroupBy,
) -> _Fit:
    frame = check_frame(func, df)
    kind = _VALUE_TYPES.get(value_type) if isinstance(value_type, (str, int)) else None
    if kind is None:
        raise fail(
            func,
            "argument `value_type` must be 'normal', 'rate' or 'proportion' (or 0, 1, 2); "
            f"received {value_type!r}",
        )
    levels = parse_confidence(func, confidence)
    if (
        isinstance(multiplier, bool)
        or not isinstance(multiplier, (int, float, np.integer, np.floating))
        or not np.isfinite(multiplier)
        or multiplier == 0
    ):
        raise fail(
            func, f"argument `multiplier` must be a non-zero number; received {multiplier!r}"
        )
    mult = float(multiplier)
    if isinstance(repetitions, bool) or not isinstance(repetitions, (int, np.integer)):
        raise fail(func, f"argument `repetitions` must be an integer; received {repetitions!r}")
    if repetitions < 1000:
        raise fail(func, f"argument `repetitions` must be at least 1000; received {repetitions!r}")
    if value is None and x is None:
        raise fail(func, "one of `value` or `x` (with value_type='proportion') is required")
    if value is None and kind != "proportion":
        raise fail(func, "argument `x` can only replace `value` when value_type='proportion'")
    if se is None and (lower_cl is None or upper_cl is None):
        raise fail(func, "either `se` or both `lower_cl` and `upper_cl` are required")
    if transform:
        if kind == "normal":
            raise fail(func, "argument `transform=True` needs value_type 'rate' or 'proportion'")
        if se is not None:
            raise fail(func, "argument `se` must be omitted when transform=True (give the limits)")
    columns = {
        "quantile": quantile,
        "population": population,
        "value": value,
        "x": x,
        "lower_cl": lower_cl,
        "upper_cl": upper_cl,
        "se": se,
    }
    check_columns(func, frame, columns)
    used = [c for c in columns.values() if c is not None]
    group_cols = parse_group_by(func, frame, group_by, used)
    if len(frame) == 0:
        raise fail(func, "argument `df` has no rows")

    pops = numeric_column(func, frame, "population", population, min_value=0.0, strict_min=True)
    if value is not None:
        vals = numeric_column(func, frame, "value", value, allow_na=True)
    else:
        counts = numeric_column(
            func, frame, "x", str(x), allow_na=True, min_value=0.0, strict_min=True
        )
        vals = counts / pops
    ses = numeric_column(func, frame, "se", se, allow_na=True, min_value=0.0) if se else None
    lows = numeric_column(func, frame, "lower_cl", lower_cl, allow_na=True) if lower_cl else None
    ups = numeric_column(func, frame, "upper_cl", upper_cl, allow_na=True) if upper_cl else None
    if kind == "proportion":
        for arg, arr in (("value", vals), ("lower_cl", lows), ("upper_cl", ups)):
            if arr is None:
                continue
            with np.errstate(invalid="ignore"):
                bad = (arr < 0) | (arr > 1)
            if bad.any():
                raise fail(
                    func,
                    f"argument `{arg}` must lie between 0 and 1 for proportions; received "
                    f"{describe_rows(frame.index, bad, arr)}",
                )
    if kind == "rate":
        for arg, arr in (("value", vals), ("lower_cl", lows), ("upper_cl", ups)):
            if arr is None:
                continue
            with np.errstate(invalid="ignore"):
                bad = arr <= 0
            if bad.any():
                raise fail(
                    func,
                    f"argument `{arg}` must be > 0 for rates (they are log-transformed); received "
                    f"{describe_rows(frame.index, bad, arr)}",
                )
    link_value = _link(vals, kind)
    if ses is not None:
        link_se = ses
    elif lows is not None and ups is not None:
        z95 = float(-special.ndtri(0.025))
        link_se = (_link(ups, kind) - _link(lows, kind)) / z95 / 2.0
    else:  # pragma: no cover - excluded by the argument checks above
        raise fail(func, "either `se` or both `lower_cl` and `upper_cl` are required")

    # Quantiles: the same set is needed in every group.
    qvals = frame[quantile]
    if qvals.isna().any():
        raise fail(
            func,
            f"argument `quantile` (column {quantile!r}) must not have missing values; received "
            f"{describe_rows(frame.index, qvals.isna().to_numpy())}",
        )
    q_codes, q_uniques = pd.factorize(qvals, sort=True)
    nq = len(q_uniques)
    if nq < 5 or nq > 100:
        raise fail(
            func,
            f"argument `quantile` (column {quantile!r}) must have between 5 and 100 distinct "
            f"quantiles; received {nq}",
        )
    if nq > 10:
        warnings.warn(
            f"{func}(): {nq} quantiles; small numbers in each can make the SII unstable",
            SmallNumberWarning,
            stacklevel=3,
        )
    if group_cols:
        codes, keys = group_codes(frame, group_cols)
    else:
        codes, keys = np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1))
    ngroups = len(keys)
    flat = codes * nq + q_codes
    dupes = pd.Series(flat).duplicated(keep=False).to_numpy()
    if dupes.any():
        raise fail(
            func,
            f"argument `quantile` (column {quantile!r}) must not repeat within a group; received "
            f"{describe_rows(frame.index, dupes)}",
        )
    valid_row = np.isfinite(link_value) & np.isfinite(link_se)
    present = np.zeros(ngroups * nq, dtype=bool)
    present[flat[valid_row]] = True
    complete = present.reshape(ngroups, nq).all(axis=1)
    if not complete.all():
        dropped = keys.iloc[np.flatnonzero(~complete)]
        warnings.warn(
            f"{func}(): {int((~complete).sum())} group(s) lack a valid value and standard error "
            f"for every one of the {nq} quantiles and are left out: "
            f"{dropped.head(5).to_dict('records')}",
            DataQualityWarning,
            stacklevel=3,
        )
    # (group, quantile) grids, quantiles in ascending order.
    grid_pop = np.full(ngroups * nq, np.nan)
    grid_val = np.full(ngroups * nq, np.nan)
    grid_se = np.full(ngroups * nq, np.nan)
    grid_pop[flat] = pops
    grid_val[flat] = link_value
    grid_se[flat] = link_se
    keep = np.flatnonzero(complete)
    pop = grid_pop.reshape(ngroups, nq)[keep]
    val = grid_val.reshape(ngroups, nq)[keep]
    sd = grid_se.reshape(ngroups, nq)[keep]
    keys = keys.iloc[keep].reset_index(drop=True)

    # Relative rank: midpoint of each quantile's share of the cumulative population.
    a = pop / pop.sum(axis=1, keepdims=True)
    cum_before = np.concatenate([np.zeros((len(keep), 1)), np.cumsum(a, axis=1)[:, :-1]], axis=1)
    b = a / 2.0 + cum_before
    sqrt_a = np.sqrt(a)
    # Least squares of y sqrt(a) on (sqrt(a), b sqrt(a)): beta = M (sqrt(a) y).
    s_aa = np.sum(a, axis=1)
    s_ab = np.sum(a * b, axis=1)
    s_bb = np.sum(a * b * b, axis=1)
    det = s_aa * s_bb - s_ab**2
    m0 = (s_bb[:, None] * sqrt_a - s_ab[:, None] * b * sqrt_a) / det[:, None]
    m1 = (-s_ab[:, None] * sqrt_a + s_aa[:, None] * b * sqrt_a) / det[:, None]
    y = val if transform else _inverse(val, kind)
    beta0 = np.sum(m0 * sqrt_a * y, axis=1)
    beta1 = np.sum(m1 * sqrt_a * y, axis=1)

    # Analytic (delta method) standard errors.
    var_y = sd**2 if transform else (sd * _inverse_slope(val, kind)) ** 2
    w = a * var_y
    v00 = np.sum(m0 * m0 * w, axis=1)
    v01 = np.sum(m0 * m1 * w, axis=1)
    v11 = np.sum(m1 * m1 * w, axis=1)
    if transform:
        top = beta0 + beta1
        h_top, h_0 = _inverse(top, kind), _inverse(beta0, kind)
        d_top, d_0 = _inverse_slope(top, kind), _inverse_slope(beta0, kind)
        sii_value = (h_top - h_0) * mult
        rii_value = h_top / h_0
        intercept = h_0 * abs(mult)
        g_sii = ((d_top - d_0) * mult, d_top * mult)
        g_rii = ((d_top * h_0 - h_top * d_0) / h_0**2, d_top / h_0)
    else:
        sii_value = beta1 * mult
        rii_value = (beta0 + beta1) / beta0
        intercept = beta0 * abs(mult)
        g_sii = (np.zeros_like(beta1), np.full_like(beta1, mult))
        g_rii = (-beta1 / beta0**2, 1.0 / beta0)
    if mult < 0:
        g_rii = (-g_rii[0] / rii_value**2, -g_rii[1] / rii_value**2)
        rii_value = 1.0 / rii_value

    def _delta(g: tuple[FloatArray, FloatArray]) -> FloatArray:
        return np.asarray(
            np.sqrt(g[0] ** 2 * v00 + 2 * g[0] * g[1] * v01 + g[1] ** 2 * v11), dtype=np.float64
        )

    sii_lim, rii_lim = _simulate(
        val, sd, sqrt_a, m0, m1, beta0, beta1, kind, transform, mult, repetitions, levels, seed
    )
    method = f"Low & Low regression; limits by simulation ({repetitions} repetitions)"
    return _Fit(
        keys=keys,
        sii=sii_value,
        rii=rii_value,
        intercept=intercept,
        sii_se=_delta(g_sii),
        rii_se=_delta(g_rii),
        sii_limits=sii_lim,
        rii_limits=rii_lim,
        levels=levels,
        method=method,
    )


def _order_positions(repetitions: int, levels: Levels) -> list[tuple[int, int]]:
    """0-based positions of the lower and upper limits among the sorted simulated values."""
    out = []
    for level in levels.values:
        upper_p = level + (1.0 - level) / 2.0
        lo = int(np.rint(repetitions * (1.0 - upper_p)))
        up = int(np.rint(repetitions * upper_p))
        out.append((min(max(lo, 1), repetitions) - 1, min(max(up, 1), repetitions) - 1))
    return out


def _simulate(
    val: FloatArray,
    sd: FloatArray,
    sqrt_a: FloatArray,
    m0: FloatArray,
    m1: FloatArray,
    beta0: FloatArray,
    beta1: FloatArray,
    kind: str,
    transform: bool,
    mult: float,
    repetitions: int,
    levels: Levels,
    seed: int | np.random.Generator | None,
) -> tuple[list[tuple[FloatArray, FloatArray]], list[tuple[FloatArray, FloatArray]]]:
    """Monte Carlo limits: draw each quantile's value from N(value, se) (link scale), refit."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    ngroups, nq = val.shape
    positions = _order_positions(repetitions, levels)
    kth = sorted({p for pair in positions for p in pair})
    sii_sel = np.full((ngroups, len(kth)), np.nan)
    rii_sel = np.full((ngroups, len(kth)), np.nan)
    chunk = max(1, _CHUNK_ELEMENTS // (repetitions * nq))
    w0 = m0 * sqrt_a
    w1 = m1 * sqrt_a
    # A fixed seed draws the same numbers every time: a simulation of one chunk (a
    # report's gradient, area after area) takes them from the last one of its shape.
    kept_key = (
        (int(seed), ngroups, repetitions, nq)
        if isinstance(seed, int | np.integer) and ngroups <= chunk
        else None
    )
    for start in range(0, ngroups, chunk):
        stop = min(ngroups, start + chunk)
        if kept_key is not None:
            kept = _DRAWS.get(kept_key)
            if kept is None:
                kept = rng.standard_normal((stop - start, repetitions, nq))
                kept.flags.writeable = False
                _DRAWS.clear()
                _DRAWS[kept_key] = kept
            draws = np.multiply(kept, sd[start:stop, None, :])
        else:
            draws = rng.standard_normal((stop - start, repetitions, nq))
            draws *= sd[start:stop, None, :]
        draws += val[start:stop, None, :]
        y = draws if transform else _inverse(draws, kind)
        b0 = np.einsum("grq,gq->gr", y, w0[start:stop])
        b1 = np.einsum("grq,gq->gr", y, w1[start:stop])
        if transform:
            sii_sim = b1
        else:
            sii_sim = b1 * mult
            rii_sim = (b0 + b1) / b0
            if mult < 0:
                rii_sim = 1.0 / rii_sim
            rii_sel[start:stop] = np.partition(rii_sim, kth, axis=1)[:, kth]
        sii_sel[start:stop] = np.partition(sii_sim, kth, axis=1)[:, kth]
    where = {p: i for i, p in enumerate(kth)}
    sii_limits: list[tuple[FloatArray, FloatArray]] = []
    rii_limits: list[tuple[FloatArray, FloatArray]] = []
    for lo_pos, up_pos in positions:
        lo = sii_sel[:, where[lo_pos]]
        up = sii_sel[:, where[up_pos]]
        if not transform:
            sii_limits.append((lo, up))
            rii_limits.append((rii_sel[:, where[lo_pos]], rii_sel[:, where[up_pos]]))
            continue
        # Limits of the link-scale slope, placed symmetrically about the fitted midpoint.
        half = beta0 + beta1 / 2.0
        h = {
            name: _inverse(v, kind)
            for name, v in {
                "int_lo": half - lo / 2.0,
                "int_up": half - up / 2.0,
                "top_lo": half + lo / 2.0,
                "top_up": half + up / 2.0,
            }.items()
        }
        s_lo = (h["top_lo"] - h["int_lo"]) * mult
        s_up = (h["top_up"] - h["int_up"]) * mult
        r_lo = h["top_lo"] / h["int_lo"]
        r_up = h["top_up"] / h["int_up"]
        if mult < 0:
            s_lo, s_up = s_up, s_lo
            r_lo, r_up = 1.0 / r_up, 1.0 / r_lo
        sii_limits.append((s_lo, s_up))
        rii_limits.append((r_lo, r_up))
    return sii_limits, rii_limits


_DOC_PARAMETERS = """
    Parameters
    ----------
    df : pandas.DataFrame
        One row per quantile (per group and quantile when grouped); not modified.
    quantile : str
        Quantile column (e.g. deprivation decile); 5 to 100 distinct values, sorted
        ascending to form the ranking (so the SII is the fitted value at the last
        quantile minus that at the first: with decile 1 = most deprived, a positive
        SII means higher values in less deprived areas).
    population : str
        Population of each quantile (> 0).
    value : str, optional
        Indicator value of each quantile.
    x : str, optional
        Numerator for proportions (``value = x / population``) when ``value`` is absent.
    value_type : {"normal", "rate", "proportion"} or {0, 1, 2}, default "normal"
        Rates are simulated on the log scale and proportions on the logit scale.
    transform : bool, default False
        Fit the regression on the log / logit scale (rates / proportions) and
        back-transform, as the reference's ``transform = TRUE``.
    lower_cl, upper_cl : str, optional
        95% limits of each value, used to derive the standard error (on the
        log / logit scale for rates / proportions): ``(U - L) / (2 x 1.959964)``.
    se : str, optional
        Standard error of each value (on the log / logit scale for rates and
        proportions); used instead of the limits.
    multiplier : float, default 1
        Scale of the SII (e.g. 100 for percentage points; negative to reverse the
        polarity, which also inverts the RII).
    repetitions : int, default 100000
        Simulation draws (>= 1000).
    confidence : float or sequence of float, default 0.95
    seed : int or numpy.random.Generator, optional
        Seed for reproducible limits.
    group_by : str or list of str, optional
        One SII/RII per group. Groups lacking a valid value and standard error for
        any quantile are left out with a :class:`~cdop.errors.DataQualityWarning`.
"""


def sii(
    df: pd.DataFrame,
    quantile: str,
    population: str,
    *,
    value: str | None = None,
    x: str | None = None,
    value_type: ValueType | int = "normal",
    transform: bool = False,
    lower_cl: str | None = None,
    upper_cl: str | None = None,
    se: str | None = None,
    multiplier: float = 1,
    repetitions: int = 100_000,
    confidence: ConfidenceArg = 0.95,
    seed: int | np.random.Generator | None = None,
    group_by: GroupBy = None,
) -> pd.DataFrame:
    r"""Slope index of inequality across ordered quantiles (e.g. deprivation deciles).

    Each quantile ``i`` gets its population share :math:`a_i` and relative rank
    :math:`b_i` (midpoint of its band of the cumulative population share). The
    weighted regression of Low & Low (2004),

    .. math::

        y_i \sqrt{a_i} = \beta_0 \sqrt{a_i} + \beta_1 b_i \sqrt{a_i}

    gives :math:`\text{SII} = \beta_1 \times \text{multiplier}` (the fitted
    difference between the top and the bottom of the ranking) and the intercept
    :math:`\beta_0`. With ``transform=True`` the fit is on the log / logit scale and
    :math:`\text{SII} = (g^{-1}(\beta_0 + \beta_1) - g^{-1}(\beta_0)) \times m`.

    Confidence limits by simulation, as the reference: each value is drawn
    ``repetitions`` times from a normal distribution with its standard error (on
    the log scale for rates, logit for proportions, then back-transformed unless
    ``transform``), the regression refitted, and the limits are the order
    statistics at positions ``round(R (1 - c'))`` and ``round(R c')`` with
    :math:`c' = c + (1 - c)/2`. ``se`` gives an analytic delta-method standard
    error for comparison.
    {parameters}
    Returns
    -------
    pandas.DataFrame
        One row per group: group columns, ``value`` (the SII), limit columns,
        ``confidence``, ``statistic`` (``"slope index of inequality"``), ``method``,
        ``intercept`` (fitted value at the bottom of the ranking, times
        ``abs(multiplier)``) and ``se`` (delta method).

    Notes
    -----
    Tested against PHEindicatormethods ``phe_sii`` (``testdata_SII``, every
    calculation block): SII, RII and intercept to 1e-9 relative (1e-6 where the
    workbook holds rounded figures), simulated limits within 2%.

    References
    ----------
    Low A, Low A. Measuring the gap: quantifying and comparing local health
    inequalities. J Public Health 2004;26:388-395.

    Examples
    --------
    Five equal quintiles (shares 0.2, ranks 0.1 ... 0.9) with values rising by 2 per
    quintile: the fitted line has slope ``2 / 0.2 = 10`` and passes 10 at rank 0.1,
    so the SII is 10 and the intercept 9.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"q": [1, 2, 3, 4, 5], "pop": [100] * 5,
    ...                    "v": [10.0, 12.0, 14.0, 16.0, 18.0], "se": [1.0] * 5})
    >>> out = sii(df, "q", "pop", value="v", se="se", seed=1)
    >>> out[["value", "intercept"]].round(6)
       value  intercept
    0   10.0        9.0
    """
    fit = _fit(
        "sii",
        df,
        quantile,
        population,
        value,
        x,
        value_type,
        transform,
        lower_cl,
        upper_cl,
        se,
        multiplier,
        repetitions,
        confidence,
        seed,
        group_by,
    )
    return assemble(
        fit.keys,
        fit.sii,
        fit.sii_limits,
        fit.levels,
        "slope index of inequality",
        fit.method,
        extra={"intercept": fit.intercept, "se": fit.sii_se},
        func="sii",
    )


def rii(
    df: pd.DataFrame,
    quantile: str,
    population: str,
    *,
    value: str | None = None,
    x: str | None = None,
    value_type: ValueType | int = "normal",
    transform: bool = False,
    lower_cl: str | None = None,
    upper_cl: str | None = None,
    se: str | None = None,
    multiplier: float = 1,
    repetitions: int = 100_000,
    confidence: ConfidenceArg = 0.95,
    seed: int | np.random.Generator | None = None,
    group_by: GroupBy = None,
) -> pd.DataFrame:
    r"""Relative index of inequality: fitted value at the top of the ranking over the bottom.

    From the same regression as :func:`sii`:
    :math:`\text{RII} = (\beta_0 + \beta_1) / \beta_0` (with ``transform=True``,
    :math:`g^{-1}(\beta_0 + \beta_1) / g^{-1}(\beta_0)`), inverted when the
    multiplier is negative. Limits by the same simulation as :func:`sii` (the
    same ``seed`` gives the same draws).
    {parameters}
    Returns
    -------
    pandas.DataFrame
        One row per group: group columns, ``value`` (the RII), limit columns,
        ``confidence``, ``statistic`` (``"relative index of inequality"``),
        ``method``, ``intercept`` and ``se`` (delta method).

    Notes
    -----
    Tested against PHEindicatormethods ``phe_sii(rii = TRUE)``.

    Examples
    --------
    Values 10 to 18 over five equal quintiles: fitted 9 at rank 0 and 19 at rank
    1, so the RII is ``19 / 9 = 2.111``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"q": [1, 2, 3, 4, 5], "pop": [100] * 5,
    ...                    "v": [10.0, 12.0, 14.0, 16.0, 18.0], "se": [1.0] * 5})
    >>> round(float(rii(df, "q", "pop", value="v", se="se", seed=1)["value"].iloc[0]), 3)
    2.111
    """
    fit = _fit(
        "rii",
        df,
        quantile,
        population,
        value,
        x,
        value_type,
        transform,
        lower_cl,
        upper_cl,
        se,
        multiplier,
        repetitions,
        confidence,
        seed,
        group_by,
    )
    return assemble(
        fit.keys,
        fit.rii,
        fit.rii_limits,
        fit.levels,
        "relative index of inequality",
        fit.method,
        extra={"intercept": fit.intercept, "se": fit.rii_se},
        func="rii",
    )


if sii.__doc__ is not None:
    sii.__doc__ = sii.__doc__.replace("{parameters}", _DOC_PARAMETERS)
if rii.__doc__ is not None:
    rii.__doc__ = rii.__doc__.replace("{parameters}", _DOC_PARAMETERS)
