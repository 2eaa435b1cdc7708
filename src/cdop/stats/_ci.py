"""Vectorised confidence interval kernels: exact Poisson, Byar's, Wilson score.

These work on whole numpy arrays and take one confidence level. They do no
grouping and build no DataFrame; the DataFrame statistics (``rate``,
``proportion``, ``dsr``, ...) and the analytics layer call them on columns.

Missing values (NaN) pass through as NaN; negative counts and denominators are
refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from cdop.stats._common import FloatArray, as_float_array, check_level, fail

__all__ = [
    "BYAR_THRESHOLD",
    "byar_ci",
    "exact_poisson_ci",
    "poisson_ci",
    "poisson_limits",
    "wilson_ci",
    "wilson_limits",
    "z_value",
]

#: Counts below this use the exact Poisson interval; counts at or above it use Byar's.
BYAR_THRESHOLD = 10


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: ``z`` with ``P(|Z| <= z) = confidence``.

    ``z_value(1.0)`` is ``inf``.

    Examples
    --------
    >>> round(z_value(0.95), 6)
    1.959964
    """
    level = check_level("z_value", confidence)
    return float(-special.ndtri((1.0 - level) / 2.0))


def _count_array(values: Any, arg: str, func: str) -> FloatArray:
    arr = as_float_array(values, arg, func)
    with np.errstate(invalid="ignore"):
        if np.any(arr < 0):
            raise fail(func, f"argument `{arg}` must be >= 0; received negative values")
        if np.any(np.isinf(arr)):
            raise fail(func, f"argument `{arg}` must be finite; received infinite values")
    return arr


def exact_poisson_ci(count: Any, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    r"""Exact (Garwood) Poisson confidence limits for an observed count.

    .. math::

        L = \tfrac12 \chi^2_{\alpha/2}(2O), \qquad U = \tfrac12 \chi^2_{1-\alpha/2}(2O + 2)

    computed as inverse regularised incomplete gamma functions
    (``L = P^{-1}(O, \alpha/2)``, ``U = Q^{-1}(O + 1, \alpha/2)``). ``O = 0`` gives
    ``L = 0``; ``confidence = 1`` gives ``(0, inf)``.

    Parameters
    ----------
    count : array_like
        Observed counts (>= 0; need not be integers).
    confidence : float
        One level in (0, 1] or a percentage in (1, 100].

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits for the expected count (divide by a denominator for a rate).

    References
    ----------
    Armitage P, Berry G. Statistical methods in medical research (4th edn). 2002.

    Examples
    --------
    One event: ``L = -ln(1 - 0.025)`` and ``U`` solves ``e^{-U}(1 + U) = 0.025``.

    >>> lo, up = exact_poisson_ci([1], 0.95)
    >>> print(f"{lo[0]:.6f} {up[0]:.6f}")
    0.025318 5.571643
    """
    func = "exact_poisson_ci"
    level = check_level(func, confidence)
    obs = _count_array(count, "count", func)
    alpha = 1.0 - level
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(
            obs > 0, special.gammaincinv(np.where(obs > 0, obs, 1.0), alpha / 2.0), 0.0
        )
        upper = special.gammainccinv(obs + 1.0, alpha / 2.0)
    lower = np.where(np.isnan(obs), np.nan, lower)
    if level == 1.0:
        lower = np.where(np.isnan(obs), np.nan, 0.0)
        upper = np.where(np.isnan(obs), np.nan, np.inf)
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def byar_ci(count: Any, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    r"""Byar's approximation to the Poisson confidence limits for an observed count.

    .. math::

        L = O\left(1 - \frac{1}{9O} - \frac{z}{3\sqrt{O}}\right)^3, \qquad
        U = (O + 1)\left(1 - \frac{1}{9(O + 1)} + \frac{z}{3\sqrt{O + 1}}\right)^3

    with ``z`` the two-sided normal quantile. As in the reference implementation,
    a negative lower limit (tiny counts, very high confidence) is returned as NaN:
    the approximation does not hold there. ``O = 0`` gives a NaN lower limit too;
    use :func:`poisson_ci`, which switches to the exact interval below
    :data:`BYAR_THRESHOLD`.

    Parameters
    ----------
    count : array_like
        Observed counts (>= 0).
    confidence : float
        One level in (0, 1] or a percentage in (1, 100].

    Returns
    -------
    lower, upper : numpy.ndarray

    References
    ----------
    Breslow NE, Day NE. Statistical methods in cancer research, volume II. IARC; 1987.

    Tested against PHEindicatormethods (``byars_lower``/``byars_upper``).

    Examples
    --------
    ``O = 65``, 95%: ``L = 65 (1 - 1/585 - 1.959964/(3 sqrt 65))^3``.

    >>> lo, up = byar_ci([65], 0.95)
    >>> print(f"{lo[0]:.6f} {up[0]:.6f}")
    50.163188 82.849139
    """
    func = "byar_ci"
    level = check_level(func, confidence)
    obs = _count_array(count, "count", func)
    z = float(-special.ndtri((1.0 - level) / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = obs * (1.0 - 1.0 / (9.0 * obs) - z / (3.0 * np.sqrt(obs))) ** 3
        up1 = obs + 1.0
        upper = up1 * (1.0 - 1.0 / (9.0 * up1) + z / (3.0 * np.sqrt(up1))) ** 3
    lower = np.where((lower < 0) | (obs == 0), np.nan, lower)
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def poisson_ci(
    count: Any, confidence: float = 0.95, *, threshold: float = BYAR_THRESHOLD
) -> tuple[FloatArray, FloatArray]:
    r"""Poisson confidence limits for counts: exact below ``threshold``, Byar's at or above.

    This is the public health convention in England (PHEindicatormethods
    ``phe_rate``): exact (chi-squared) limits for ``O < 10``, Byar's
    approximation for ``O >= 10``. ``O = 0`` gives ``L = 0``.
    ``confidence = 1`` gives ``(0, inf)``.

    Parameters
    ----------
    count : array_like
        Observed counts (>= 0).
    confidence : float
        One level in (0, 1] or a percentage in (1, 100].
    threshold : float, default :data:`BYAR_THRESHOLD` (10)
        Counts below it get the exact interval.

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits for the expected count; divide by the denominator and multiply by
        the multiplier for a rate.

    Examples
    --------
    Five deaths (exact) and twenty deaths (Byar's):

    >>> lo, up = poisson_ci([5, 20], 0.95)
    >>> [round(float(v), 4) for v in lo], [round(float(v), 4) for v in up]
    ([1.6235, 12.2114], [11.6683, 30.8899])
    """
    func = "poisson_ci"
    level = check_level(func, confidence)
    obs = _count_array(count, "count", func)
    lower, upper = poisson_limits(obs.reshape(-1), level, threshold=threshold)
    return lower.reshape(obs.shape), upper.reshape(obs.shape)


def poisson_limits(
    obs: FloatArray, level: float, *, threshold: float = BYAR_THRESHOLD
) -> tuple[FloatArray, FloatArray]:
    """:func:`poisson_ci` on counts already checked (float64, >= 0 or NaN, finite) and one
    level already parsed: the kernel the DataFrame statistics call."""
    # Byar's limits on every row (a NaN count gives NaN), then the exact ones on the few
    # small counts: position by position the same numbers as computing each part apart.
    lower, upper = _byar_large(obs, level)
    if not threshold > 0:  # no exact limits even for none: Byar's lower limit of 0 is 0
        np.copyto(lower, 0.0, where=obs == 0)
    small = np.flatnonzero(obs < threshold)
    if small.size:
        lo, up = _exact(obs[small], level)
        lower[small] = lo
        upper[small] = up
    return lower, upper


def _exact(obs: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Exact limits of checked counts (the arithmetic of :func:`exact_poisson_ci`)."""
    alpha = 1.0 - level
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(
            obs > 0, special.gammaincinv(np.where(obs > 0, obs, 1.0), alpha / 2.0), 0.0
        )
        upper = special.gammainccinv(obs + 1.0, alpha / 2.0)
    lower = np.where(np.isnan(obs), np.nan, lower)
    if level == 1.0:
        lower = np.where(np.isnan(obs), np.nan, 0.0)
        upper = np.where(np.isnan(obs), np.nan, np.inf)
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def _byar_large(obs: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Byar's limits of counts (meant for those of at least :data:`BYAR_THRESHOLD`), a
    failed (negative) lower limit read as 0.

    The same operations, in the same order, as :func:`byar_ci`, done in place on two
    arrays: the results are identical to the last bit.
    """
    z = float(-special.ndtri((1.0 - level) / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = _byar_bound(obs, -z)
        upper = _byar_bound(obs + 1.0, z)
    np.copyto(lower, 0.0, where=lower < 0)
    return lower, upper


def _byar_bound(obs: FloatArray, signed_z: float) -> FloatArray:
    """``obs (1 - 1/(9 obs) -/+ z/(3 sqrt(obs)))^3`` in place (``signed_z`` carries the sign)."""
    term = np.sqrt(obs)
    term *= 3.0
    np.divide(abs(signed_z), term, out=term)
    out = 9.0 * obs
    np.divide(1.0, out, out=out)
    np.subtract(1.0, out, out=out)
    if signed_z < 0:
        out -= term
    else:
        out += term
    np.power(out, 3, out=out)
    out *= obs
    return out


def wilson_ci(x: Any, n: Any, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    r"""Wilson score confidence limits for a proportion ``x / n`` (on the 0-1 scale).

    .. math::

        \frac{2x + z^2 \mp z\sqrt{z^2 + 4x(1 - x/n)}}{2(n + z^2)}

    ``x = 0`` gives a lower limit of exactly 0 and ``x = n`` an upper limit of
    exactly 1; ``confidence = 1`` gives ``(0, 1)``.

    Parameters
    ----------
    x : array_like
        Numerators, ``0 <= x <= n`` (need not be integers).
    n : array_like
        Denominators, ``> 0``.
    confidence : float
        One level in (0, 1] or a percentage in (1, 100].

    Returns
    -------
    lower, upper : numpy.ndarray

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference.
    J Am Stat Assoc 1927;22:209-212. Newcombe RG, Altman DG. Proportions and their
    differences. In: Statistics with confidence (2nd edn). BMJ Books; 2000.

    Tested against PHEindicatormethods (``wilson_lower``/``wilson_upper``).

    Examples
    --------
    65 of 100 at 95%: ``(130 + z^2 -/+ z sqrt(z^2 + 260 * 0.35)) / (2 (100 + z^2))``.

    >>> lo, up = wilson_ci([65], [100], 0.95)
    >>> print(f"{lo[0]:.6f} {up[0]:.6f}")
    0.552544 0.736358
    """
    func = "wilson_ci"
    level = check_level(func, confidence)
    xs = _count_array(x, "x", func)
    ns = as_float_array(n, "n", func)
    with np.errstate(invalid="ignore"):
        if np.any(ns <= 0):
            raise fail(func, "argument `n` must be > 0; received zero or negative values")
        if np.any(xs > ns):
            raise fail(func, "argument `x` must not exceed `n`; received x > n")
    shape = np.broadcast(xs, ns).shape
    lower, upper = wilson_limits(
        np.broadcast_to(xs, shape).reshape(-1), np.broadcast_to(ns, shape).reshape(-1), level
    )
    return lower.reshape(shape), upper.reshape(shape)


def wilson_limits(xs: FloatArray, ns: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """:func:`wilson_ci` on arrays already checked (same shape, ``0 <= x <= n``, ``n > 0``,
    or NaN) and one level already parsed: the kernel the DataFrame statistics call.

    The operations of the formula are done in place, in the order written, so that the
    limits are identical to the last bit to the formula evaluated term by term. Long arrays
    are worked through in blocks of :data:`_BLOCK` values, whose intermediate terms stay in
    the processor's cache between steps.
    """
    nan = np.isnan(xs) | np.isnan(ns) if _has_nan(xs) or _has_nan(ns) else None
    if level == 1.0:
        lower, upper = np.zeros(xs.shape), np.ones(xs.shape)
    else:
        z = float(-special.ndtri((1.0 - level) / 2.0))
        flat_x, flat_n = xs.reshape(-1), ns.reshape(-1)
        lower, upper = np.empty(flat_x.shape), np.empty(flat_x.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            for start in range(0, flat_x.size, _BLOCK):
                part = slice(start, start + _BLOCK)
                _wilson_block(flat_x[part], flat_n[part], z, lower[part], upper[part])
        lower, upper = lower.reshape(xs.shape), upper.reshape(xs.shape)
    if nan is not None:
        np.copyto(lower, np.nan, where=nan)
        np.copyto(upper, np.nan, where=nan)
    return lower, upper


#: Values per block of :func:`wilson_limits` (a few arrays of them fit a core's cache).
_BLOCK = 1 << 15


def _wilson_block(
    xs: FloatArray, ns: FloatArray, z: float, lower: FloatArray, upper: FloatArray
) -> None:
    """The Wilson limits of one block, written into ``lower`` and ``upper``."""
    z2 = z * z
    root = xs / ns  # z sqrt(z^2 + 4 x (1 - x/n))
    np.subtract(1.0, root, out=root)
    np.multiply(4.0 * xs, root, out=root)
    root += z2
    np.sqrt(root, out=root)
    root *= z
    centre = 2.0 * xs
    centre += z2
    half = ns + z2  # (2x + z^2 -/+ root) / 2 / (n + z^2)
    np.subtract(centre, root, out=lower)
    lower /= 2.0
    lower /= half
    np.add(centre, root, out=upper)
    upper /= 2.0
    upper /= half
    np.maximum(lower, 0.0, out=lower)
    np.copyto(lower, 0.0, where=xs == 0)
    np.minimum(upper, 1.0, out=upper)
    np.copyto(upper, 1.0, where=xs == ns)


def _has_nan(values: FloatArray) -> bool:
    """Whether an array holds NaN, without a boolean array of its size (NaN poisons a sum)."""
    return bool(np.isnan(np.add.reduce(values, axis=None)))
