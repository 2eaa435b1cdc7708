"""Directly standardised rates (Dobson method with Byar's limits)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop.errors import SmallNumberWarning
from cdop.stats._ci import byar_ci
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
    text_column,
)
from cdop.stats._standard import DSR_THRESHOLD, _esp2013_table, per_group_vector

__all__ = ["dsr"]

_METHOD = "Dobson"
_METHOD_NONIND = "Dobson, with confidence adjusted for non-independent events"


def dsr(
    df: pd.DataFrame,
    x: str,
    n: str,
    *,
    stdpop: str | Sequence[float] | None = None,
    group_by: GroupBy = None,
    multiplier: float = 100_000,
    confidence: ConfidenceArg = 0.95,
    independent_events: bool = True,
    eventfreq: str | None = None,
    ageband: str | None = None,
    na: Literal["raise", "zero"] = "raise",
) -> pd.DataFrame:
    r"""Directly standardised rate with Dobson's confidence limits (Byar's for the total count).

    For each group, with counts :math:`O_i`, populations :math:`n_i` and standard
    populations :math:`w_i` over the standardisation bands (e.g. age bands):

    .. math::

        \text{DSR} = \frac{\sum_i w_i O_i / n_i}{\sum_i w_i} \times m, \qquad
        \operatorname{var} = \frac{\sum_i O_i (w_i / n_i)^2}{(\sum_i w_i)^2}

    and, with :math:`O = \sum_i O_i` and Byar's limits :math:`O_L, O_U` for
    :math:`O` (Dobson et al. 1991),

    .. math::

        L, U = \text{DSR} + \sqrt{\operatorname{var} / O}\,(O_{L,U} - O) \times m

    Groups with fewer than :data:`~cdop.stats.DSR_THRESHOLD` (10) events in
    total are suppressed: ``value`` and limits are NA, ``statistic`` reads
    ``"dsr NA for total count < 10"``, and a :class:`~cdop.errors.SmallNumberWarning`
    is issued.

    For non-independent events (``independent_events=False``; a person can have
    several events), ``x`` counts *persons* by event frequency ``eventfreq``
    (``f``): the events are :math:`\sum_f f\,x_f` per band, and the variance is
    :math:`\sum_f f^2 \operatorname{var}_f` where :math:`\operatorname{var}_f` is
    the variance above computed from the persons with frequency ``f``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group and band (per group, band and event frequency for
        non-independent events); not modified.
    x, n : str
        Event counts (>= 0) and populations (> 0).
    stdpop : str or sequence of float, optional
        Standard population: a column name, or values appended by position within
        each group (every group must then have that many rows, in band order).
        Default: the European Standard Population 2013 (19 bands 0-4 ... 90+) by
        position, as the reference does.
    group_by : str or list of str, optional
        One DSR per group; without it, one DSR for the whole frame.
    multiplier : float, default 100000
    confidence : float or sequence of float, default 0.95
    independent_events : bool, default True
    eventfreq, ageband : str, optional
        Required when ``independent_events`` is False: the event frequency and the
        band columns.
    na : {"raise", "zero"}, default "raise"
        Missing counts: raise, or count them as zero (as the reference does).

    Returns
    -------
    pandas.DataFrame
        One row per group: group columns, ``total_count``, ``total_pop``, ``value``,
        limit columns, ``confidence``, ``statistic`` (``"dsr per 100000"``) and
        ``method`` (``"Dobson"``).

    Notes
    -----
    Tested against PHEindicatormethods ``calculate_dsr`` (``testresults_DSR``
    rows 1-3 and 5-12, including non-independent events) to 1e-9 relative.

    References
    ----------
    Dobson A, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted
    sums of Poisson parameters. Stat Med 1991;10:457-62. Breslow NE, Day NE.
    Statistical methods in cancer research, volume II. IARC; 1987.

    Examples
    --------
    Two bands, 10 and 20 deaths in populations 1,000 and 4,000, standard
    weights 1 and 3: ``DSR = (1 x 0.01 + 3 x 0.005) / 4 x 1e5 = 625``; with
    ``var = (10 x 0.001^2 + 20 x 0.00075^2) / 16 = 1.328e-6`` and ``O = 30``,
    Byar's limits of 30 are 20.24 and 42.83, so the 95% limits are
    ``625 + sqrt(var / 30) (20.24 - 30) x 1e5 = 419.6`` and ``894.9``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"deaths": [10, 20], "pop": [1000, 4000], "std": [1, 3]})
    >>> out = dsr(df, "deaths", "pop", stdpop="std")
    >>> out[["total_count", "value", "lower_ci", "upper_ci"]].round(1)
       total_count  value  lower_ci  upper_ci
    0         30.0  625.0     419.6     894.9
    """
    func = "dsr"
    frame = check_frame(func, df)
    levels = parse_confidence(func, confidence)
    mult = check_multiplier(func, multiplier)
    policy = check_na_policy(func, na, ("raise", "zero"))
    if not isinstance(independent_events, (bool, np.bool_)):
        raise fail(
            func,
            f"argument `independent_events` must be True or False; received {independent_events!r}",
        )
    check_columns(func, frame, {"x": x, "n": n, "eventfreq": eventfreq, "ageband": ageband})
    used = [x, n] + [c for c in (eventfreq, ageband) if c is not None]
    if isinstance(stdpop, str):
        check_columns(func, frame, {"stdpop": stdpop})
        used.append(stdpop)
    group_cols = parse_group_by(func, frame, group_by, used)
    xs = numeric_column(func, frame, "x", x, allow_na=policy == "zero", min_value=0.0)
    xs = np.where(np.isnan(xs), 0.0, xs)
    ns = numeric_column(func, frame, "n", n, min_value=0.0, strict_min=True)
    if group_cols:
        codes, keys = group_codes(frame, group_cols)
    else:
        codes, keys = np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1))
    if len(frame) == 0:
        raise fail(func, "argument `df` has no rows")
    if not independent_events:
        if eventfreq is None or ageband is None:
            raise fail(
                func,
                "arguments `eventfreq` and `ageband` are required when independent_events=False",
            )
        freq = numeric_column(func, frame, "eventfreq", eventfreq, min_value=0.0)
        if frame[ageband].isna().any():
            raise fail(
                func,
                f"argument `ageband` (column {ageband!r}) must not have missing values; received "
                f"{describe_rows(frame.index, frame[ageband].isna().to_numpy())}",
            )
        std = per_group_vector(
            func,
            frame,
            "stdpop",
            stdpop,
            _freq_codes(codes, freq),
            default=_esp2013_table()["esp2013"].tolist(),
        )
        return _dsr_nonindependent(
            func, frame, keys, codes, xs, ns, std, freq, ageband, mult, levels
        )
    std = per_group_vector(
        func, frame, "stdpop", stdpop, codes, default=_esp2013_table()["esp2013"].tolist()
    )
    ngroups = len(keys)
    sum_w, sum_wr, var, total, pop = _dobson_sums(codes, ngroups, xs, ns, std)
    value = sum_wr / sum_w * mult
    return _dsr_frame(func, keys, total, pop, value, var, mult, levels, _METHOD)


def _freq_codes(codes: npt.NDArray[np.intp], freq: FloatArray) -> npt.NDArray[np.intp]:
    """Group codes refined by event frequency (for appending a standard population by position)."""
    combined = pd.MultiIndex.from_arrays([codes, freq])
    return np.asarray(pd.factorize(combined)[0], dtype=np.intp)


def _sum(codes: npt.NDArray[np.intp], weights: FloatArray, size: int) -> FloatArray:
    return np.asarray(np.bincount(codes, weights=weights, minlength=size), dtype=np.float64)


def _dobson_sums(
    codes: npt.NDArray[np.intp], ngroups: int, xs: FloatArray, ns: FloatArray, std: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    ratio = std / ns
    sum_w = _sum(codes, std, ngroups)
    sum_wr = _sum(codes, xs * ratio, ngroups)
    sum_sq = _sum(codes, xs * ratio**2, ngroups)
    total = _sum(codes, xs, ngroups)
    pop = _sum(codes, ns, ngroups)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = sum_sq / sum_w**2
    return sum_w, sum_wr, var, total, pop


def _dsr_nonindependent(
    func: str,
    frame: pd.DataFrame,
    keys: pd.DataFrame,
    codes: npt.NDArray[np.intp],
    xs: FloatArray,
    ns: FloatArray,
    std: FloatArray,
    freq: FloatArray,
    ageband: str,
    mult: float,
    levels: Levels,
) -> pd.DataFrame:
    ngroups = len(keys)
    # Variance from the persons with each event frequency, weighted by frequency squared.
    gf_codes, gf_uniques = pd.factorize(pd.MultiIndex.from_arrays([codes, freq]))
    n_gf = len(gf_uniques)
    _, _, var_f, _, _ = _dobson_sums(np.asarray(gf_codes, dtype=np.intp), n_gf, xs, ns, std)
    gf_group = np.asarray(gf_uniques.get_level_values(0), dtype=np.intp)
    gf_freq = np.asarray(gf_uniques.get_level_values(1), dtype=np.float64)
    var = _sum(gf_group, var_f * gf_freq**2, ngroups)
    # Events per group and band; the band must have one population and one standard population.
    band_codes, band_uniques = pd.factorize(
        pd.MultiIndex.from_arrays([codes, frame[ageband].to_numpy()])
    )
    band_codes = np.asarray(band_codes, dtype=np.intp)
    nb = len(band_uniques)
    for arg, values in (("n", ns), ("stdpop", std)):
        lo = np.full(nb, np.inf)
        hi = np.full(nb, -np.inf)
        np.minimum.at(lo, band_codes, values)
        np.maximum.at(hi, band_codes, values)
        varies = (lo != hi)[band_codes]
        if varies.any():
            raise fail(
                func,
                f"argument `{arg}` must take one value per group and band (column "
                f"{ageband!r}) when independent_events=False; it varies in "
                f"{describe_rows(frame.index, varies)}",
            )
    events = _sum(band_codes, freq * xs, nb)
    first = np.zeros(nb, dtype=np.intp)
    first[band_codes[::-1]] = np.arange(len(band_codes))[::-1]
    band_group = np.asarray(band_uniques.get_level_values(0), dtype=np.intp)
    sum_w, sum_wr, _, total, pop = _dobson_sums(band_group, ngroups, events, ns[first], std[first])
    value = sum_wr / sum_w * mult
    return _dsr_frame(func, keys, total, pop, value, var, mult, levels, _METHOD_NONIND)


def _dsr_frame(
    func: str,
    keys: pd.DataFrame,
    total: FloatArray,
    pop: FloatArray,
    value: FloatArray,
    var: FloatArray,
    mult: float,
    levels: Levels,
    method: str,
) -> pd.DataFrame:
    suppressed = total < DSR_THRESHOLD
    limits: list[tuple[FloatArray, FloatArray]] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(var / total)
        for level in levels.values:
            b_lo, b_up = byar_ci(total, level)
            lo = value + scale * (b_lo - total) * mult
            up = value + scale * (b_up - total) * mult
            limits.append((np.where(suppressed, np.nan, lo), np.where(suppressed, np.nan, up)))
    value = np.where(suppressed, np.nan, value)
    if suppressed.any():
        warnings.warn(
            f"dsr(): {int(suppressed.sum())} group(s) have fewer than {DSR_THRESHOLD} events in "
            "total; their DSR is suppressed (NA)",
            SmallNumberWarning,
            stacklevel=3,
        )
    base = keys.copy()
    base["total_count"] = total
    base["total_pop"] = pop
    stat_codes = suppressed.astype(np.int8)
    statistic = text_column(
        [f"dsr per {format_number(mult)}", f"dsr NA for total count < {DSR_THRESHOLD}"],
        stat_codes,
        base.index,
    )
    return assemble(base, value, limits, levels, statistic, method, func=func)
