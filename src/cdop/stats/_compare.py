"""Benchmarking: is a local rate or proportion higher, lower or similar to a benchmark?"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from cdop.stats._ci import BYAR_THRESHOLD
from cdop.stats._common import (
    ConfidenceArg,
    FloatArray,
    GroupBy,
    Levels,
    NaPolicy,
    check_multiplier,
    check_no_clash,
    describe_rows,
    fail,
    level_suffix,
    numeric_column,
    parse_confidence,
    text_column,
)
from cdop.stats._prepare import prepare_x_n
from cdop.stats._proportion import proportion_frame, proportion_values
from cdop.stats._rate import rate_frame, rate_values

__all__ = [
    "LABELS",
    "binomial_test_p",
    "compare",
    "poisson_interval_test_p",
    "poisson_test_p",
    "score_test_p",
    "verdicts",
]

#: Comparison labels, in code order (0, 1, 2).
LABELS = ("lower", "similar", "higher")


def poisson_test_p(observed: FloatArray, expected: FloatArray) -> FloatArray:
    r"""Two-sided exact Poisson test p-value of ``observed`` against ``expected`` events.

    Central (doubled one-tailed) form, consistent with equal-tailed intervals:
    ``p = min(1, 2 min(P(X <= O), P(X >= O)))`` with ``X ~ Poisson(E)``, using
    ``P(X <= O) = Q(O + 1, E)`` and ``P(X >= O) = P(O, E)`` (regularised incomplete
    gamma functions, so the formula is continuous in ``O``).
    """
    obs = np.asarray(observed, dtype=np.float64)
    exp = np.asarray(expected, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        below = special.gammaincc(obs + 1.0, exp)
        above = np.where(obs > 0, special.gammainc(np.where(obs > 0, obs, 1.0), exp), 1.0)
        p = np.minimum(1.0, 2.0 * np.minimum(below, above))
    p = np.where(np.isnan(obs) | np.isnan(exp), np.nan, p)
    return np.asarray(p, dtype=np.float64)


def binomial_test_p(x: FloatArray, n: FloatArray, p0: FloatArray) -> FloatArray:
    r"""Two-sided exact binomial test p-value of ``x`` out of ``n`` against probability ``p0``.

    Central form: ``p = min(1, 2 min(P(X <= x), P(X >= x)))`` with ``X ~ Bin(n, p0)``,
    using ``P(X <= x) = I_{1-p0}(n - x, x + 1)`` and ``P(X >= x) = I_{p0}(x, n - x + 1)``
    (regularised incomplete beta function).
    """
    xs = np.asarray(x, dtype=np.float64)
    ns = np.asarray(n, dtype=np.float64)
    ps = np.broadcast_to(np.asarray(p0, dtype=np.float64), xs.shape)
    with np.errstate(invalid="ignore"):
        rest = ns - xs
        below = np.where(
            rest > 0, special.betainc(np.where(rest > 0, rest, 1.0), xs + 1.0, 1.0 - ps), 1.0
        )
        above = np.where(xs > 0, special.betainc(np.where(xs > 0, xs, 1.0), rest + 1.0, ps), 1.0)
        p = np.minimum(1.0, 2.0 * np.minimum(below, above))
    p = np.where(np.isnan(xs) | np.isnan(ns) | np.isnan(ps), np.nan, p)
    return np.asarray(p, dtype=np.float64)


def score_test_p(x: FloatArray, n: FloatArray, p0: FloatArray) -> FloatArray:
    r"""Two-sided score test p-value of ``x`` out of ``n`` against probability ``p0``.

    .. math:: z = \frac{x - n p_0}{\sqrt{n p_0 (1 - p_0)}}, \qquad p = 2\,(1 - \Phi(|z|))

    This is the test the Wilson score interval inverts: the Wilson interval at level
    ``1 - alpha`` excludes ``p0`` exactly when ``p < alpha``, so a verdict read from
    the interval and this p-value never disagree. ``p0 = 0`` (or 1) gives ``p = 1``
    when ``x = 0`` (or ``n``) and ``p = 0`` otherwise.

    Examples
    --------
    14 of 28 against 32%: ``z = (14 - 8.96) / sqrt(28 * 0.32 * 0.68) = 2.04``.

    >>> import numpy as np
    >>> round(float(score_test_p(np.array([14.0]), np.array([28.0]), np.array([0.32]))[0]), 4)
    0.0412
    """
    xs = np.asarray(x, dtype=np.float64)
    ns = np.asarray(n, dtype=np.float64)
    ps = np.broadcast_to(np.asarray(p0, dtype=np.float64), xs.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = ns * ps * (1.0 - ps)
        z = np.abs(xs - ns * ps) / np.sqrt(var)
        p = special.erfc(z / np.sqrt(2.0))
        degenerate = var == 0
        p = np.where(degenerate, np.where(np.isclose(xs, ns * ps), 1.0, 0.0), p)
    p = np.where(np.isnan(xs) | np.isnan(ns) | np.isnan(ps) | (ns <= 0), np.nan, p)
    return np.asarray(p, dtype=np.float64)


def poisson_interval_test_p(
    observed: FloatArray, expected: FloatArray, *, threshold: float = BYAR_THRESHOLD
) -> FloatArray:
    r"""Two-sided p-value of ``observed`` events against ``expected``, paired with the interval.

    The test each Poisson interval of :func:`~cdop.stats.poisson_ci` inverts:

    * ``O < threshold`` (10): the exact central test of :func:`poisson_test_p`,
      which the exact (Garwood) limits invert;
    * ``O >= threshold``: Byar's approximation, which Byar's limits invert:
      :math:`z_L = 3\sqrt{O}\,(1 - \frac{1}{9O} - (E/O)^{1/3})` (evidence of
      more events than expected), :math:`z_U = 3\sqrt{O+1}\,((E/(O+1))^{1/3} - 1 +
      \frac{1}{9(O+1)})` (fewer), and :math:`p = \min(1, 2\,(1 - \Phi(\max(z_L, z_U))))`.

    So the interval at level ``1 - alpha`` excludes ``E`` exactly when ``p < alpha``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(poisson_interval_test_p(np.array([20.0]), np.array([14.9]))[0]), 3)
    0.238
    """
    obs = np.asarray(observed, dtype=np.float64)
    exp = np.broadcast_to(np.asarray(expected, dtype=np.float64), obs.shape)
    exact = poisson_test_p(obs, exp)
    with np.errstate(invalid="ignore", divide="ignore"):
        o = np.where(obs > 0, obs, 1.0)
        ratio_l = np.cbrt(exp / o)
        z_l = 3.0 * np.sqrt(o) * (1.0 - 1.0 / (9.0 * o) - ratio_l)
        o1 = obs + 1.0
        z_u = 3.0 * np.sqrt(o1) * (np.cbrt(exp / o1) - 1.0 + 1.0 / (9.0 * o1))
        byar = np.minimum(1.0, special.erfc(np.maximum(z_l, z_u) / np.sqrt(2.0)))
    p = np.where(obs < threshold, exact, byar)
    p = np.where(np.isnan(obs) | np.isnan(exp), np.nan, p)
    return np.asarray(p, dtype=np.float64)


def _labels(
    value: FloatArray, lower: FloatArray, upper: FloatArray, bench: FloatArray
) -> npt.NDArray[np.int8]:
    """Codes of :data:`LABELS` (-1 where anything is missing)."""
    codes = np.where(lower > bench, 2, np.where(upper < bench, 0, 1))
    missing = np.isnan(value) | np.isnan(lower) | np.isnan(upper) | np.isnan(bench)
    return np.where(missing, -1, codes).astype(np.int8)


def _p_values(
    statistic: str, xs: FloatArray, ns: FloatArray, bench: FloatArray, mult: float
) -> FloatArray:
    """The p-value of the test the interval inverts (see :func:`compare`)."""
    if statistic == "rate":
        return poisson_interval_test_p(xs, bench / mult * ns)
    return score_test_p(xs, ns, bench / mult)


def verdicts(
    xs: FloatArray,
    ns: FloatArray,
    bench: FloatArray,
    *,
    statistic: Literal["rate", "proportion"],
    mult: float,
    levels: Levels,
) -> tuple[list[npt.NDArray[np.int8]], FloatArray]:
    """What :func:`compare` decides, for arrays it would accept (``x >= 0``, ``n > 0``,
    ``x <= n`` for a proportion, a benchmark ``>= 0``, or NaN) without building frames:
    the codes of :data:`LABELS` at each level (-1 where anything is missing) and the
    p-values. The arithmetic is :func:`compare`'s, so the results are the same to the
    last bit.

    Examples
    --------
    Twenty deaths in 50,000 children against 29.8 per 100,000 (as :func:`compare`):

    >>> import numpy as np
    >>> from cdop.stats._common import parse_confidence
    >>> codes, p = verdicts(
    ...     np.array([20.0]), np.array([50_000.0]), np.array([29.8]),
    ...     statistic="rate", mult=100_000.0, levels=parse_confidence("compare", 0.95),
    ... )
    >>> [LABELS[c[0]] for c in codes], round(float(p[0]), 2)
    (['similar'], 0.24)
    """
    kernel = rate_values if statistic == "rate" else proportion_values
    value, limits = kernel(xs, ns, mult, levels)
    codes = [_labels(value, lo, up, bench) for lo, up in limits]
    return codes, _p_values(statistic, xs, ns, bench, mult)


def comparison_names(levels: Levels) -> list[str]:
    """The names of the comparison label columns: ``comparison`` for one confidence
    level, ``comparison_95``, ``comparison_99_8``, ... for several.

    Examples
    --------
    >>> from cdop.stats._common import parse_confidence
    >>> comparison_names(parse_confidence("compare", 0.95))
    ['comparison']
    >>> comparison_names(parse_confidence("compare", [0.95, 0.998]))
    ['comparison_95', 'comparison_99_8']
    """
    if levels.single:
        return ["comparison"]
    return [f"comparison_{level_suffix(c)}" for c in levels.values]


def compare(
    df: pd.DataFrame,
    x: str,
    n: str,
    benchmark: float | str,
    *,
    statistic: Literal["rate", "proportion"] = "rate",
    multiplier: float | None = None,
    confidence: ConfidenceArg = (0.95, 0.998),
    group_by: GroupBy = None,
    na: NaPolicy = "raise",
) -> pd.DataFrame:
    r"""Compare each rate or proportion with a benchmark: higher, lower or similar.

    The statistic is computed as :func:`~cdop.stats.rate` (exact/Byar's limits) or
    :func:`~cdop.stats.proportion` (Wilson limits) at each confidence level. A row
    is ``"higher"`` when its lower limit is above the benchmark, ``"lower"`` when
    its upper limit is below it, otherwise ``"similar"`` (the Fingertips
    convention: the interval excludes the benchmark). A two-sided p-value is added
    from the test the interval inverts, so the label and the p-value never
    disagree (``"similar"`` exactly when ``p >= 1 - confidence``):

    * rates: :func:`poisson_interval_test_p` of the observed count ``x`` against the
      expected count ``E = benchmark / multiplier * n`` (exact below 10 events,
      Byar's from 10, as the limits);
    * proportions: :func:`score_test_p` of ``x`` out of ``n`` against
      ``p0 = benchmark / multiplier`` (the test the Wilson interval inverts).

    Parameters
    ----------
    df : pandas.DataFrame
        Input data; not modified.
    x, n : str
        Numerator and denominator columns.
    benchmark : float or str
        The benchmark on the scale of the result (e.g. 29.8 for 29.8 per 100,000),
        or the name of a column holding one (constant within a group when grouped).
    statistic : {"rate", "proportion"}, default "rate"
    multiplier : float, optional
        Default 100000 for rates and 1 for proportions.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels at which to label.
    group_by : str or list of str, optional
        Sum ``x`` and ``n`` per group first.
    na : {"raise", "propagate"}, default "raise"

    Returns
    -------
    pandas.DataFrame
        The :func:`rate` / :func:`proportion` output plus ``benchmark``, one label
        column per level (``comparison`` for one level; ``comparison_95``,
        ``comparison_99_8`` for several) and ``p_value``.

    Notes
    -----
    The labels follow PHEindicatormethods' limits exactly (they are the
    :func:`rate` / :func:`proportion` limits); the p-value is the test those limits
    invert (checked over a grid of counts in the test suite), so a printed verdict
    and a printed p-value cannot contradict each other.

    Examples
    --------
    Twenty deaths in 50,000 children (40 per 100,000) against England's 29.8:
    Byar's 95% limits are 24.4 to 61.8, so "similar"; the expected count is
    ``29.8 / 100000 * 50000 = 14.9``, and Byar's test gives ``p = 0.24`` (>= 0.05,
    as the interval says).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"deaths": [20], "children": [50_000]})
    >>> out = compare(df, "deaths", "children", 29.8)
    >>> out[["value", "comparison_95", "comparison_99_8"]]
       value comparison_95 comparison_99_8
    0   40.0       similar         similar
    >>> round(float(out["p_value"].iloc[0]), 2)
    0.24
    """
    func = "compare"
    if statistic not in ("rate", "proportion"):
        raise fail(
            func, f"argument `statistic` must be 'rate' or 'proportion'; received {statistic!r}"
        )
    levels = parse_confidence(func, confidence)
    default = 100_000.0 if statistic == "rate" else 1.0
    mult = check_multiplier(func, default if multiplier is None else multiplier)
    prep = prepare_x_n(
        func, df, x, n, group_by=group_by, na=na, proportion=statistic == "proportion"
    )
    bench = _benchmark(func, df, benchmark, prep.group_cols, len(prep.base))
    if statistic == "proportion" and np.any(bench > mult):
        raise fail(
            func,
            f"argument `benchmark` must lie between 0 and the multiplier ({mult:g}) for a "
            f"proportion; received {bench[bench > mult][0]!r}",
        )
    frame = rate_frame if statistic == "rate" else proportion_frame
    out = frame(func, prep.base, prep.x, prep.n, mult, levels)
    p_value = _p_values(statistic, prep.x, prep.n, bench, mult)
    label_names = comparison_names(levels)
    check_no_clash(func, list(out.columns), ["benchmark", *label_names, "p_value"])
    value = out["value"].to_numpy(dtype=np.float64)
    extra: dict[str, object] = {"benchmark": bench}
    for name, (lo_col, up_col) in zip(label_names, levels.columns(), strict=True):
        codes = _labels(
            value,
            out[lo_col].to_numpy(dtype=np.float64),
            out[up_col].to_numpy(dtype=np.float64),
            bench,
        )
        extra[name] = text_column(LABELS, codes, out.index)
    extra["p_value"] = p_value
    return pd.concat([out, pd.DataFrame(extra, index=out.index)], axis=1)


def _benchmark(
    func: str, df: pd.DataFrame, benchmark: float | str, group_cols: list[str], length: int
) -> FloatArray:
    if isinstance(benchmark, str):
        if benchmark not in df.columns:
            raise fail(
                func,
                f"argument `benchmark` names column {benchmark!r}, which is not in the DataFrame",
            )
        values = numeric_column(func, df, "benchmark", benchmark, allow_na=True, min_value=0.0)
        if not group_cols:
            return values
        frame = df[group_cols].assign(_bench=values)
        grouped = frame.groupby(group_cols, sort=True, dropna=False, observed=True)["_bench"]
        varies = (grouped.nunique(dropna=False) > 1).to_numpy()
        if varies.any():
            keys = grouped.size().index
            raise fail(
                func,
                f"argument `benchmark` (column {benchmark!r}) must be constant within each group; "
                f"it varies in {describe_rows(keys, varies)}",
            )
        return grouped.first().to_numpy(dtype=np.float64)
    if isinstance(benchmark, (bool, np.bool_)) or not isinstance(
        benchmark, (int, float, np.integer, np.floating)
    ):
        raise fail(
            func,
            f"argument `benchmark` must be a number or a column name; received {benchmark!r}",
        )
    value = float(benchmark)
    if not np.isfinite(value) or value < 0:
        raise fail(
            func, f"argument `benchmark` must be a finite number >= 0; received {benchmark!r}"
        )
    return np.full(length, value)
