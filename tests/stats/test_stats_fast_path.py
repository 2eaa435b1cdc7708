"""``rate`` and ``proportion`` give, to the last bit, the numbers of the plain implementation
their fast paths replaced, and the same error messages.

The reference here is that plain implementation, written out again in this file: every
column read with ``Series.to_numpy(dtype=float64, na_value=nan)`` and checked with full
masks, groups numbered by ``DataFrame.groupby(sort=True, dropna=False)``, missing values
summed as in ``numpy.bincount`` over those numbers, the Poisson limits of
:func:`~cdop.stats.exact_poisson_ci` below the threshold and :func:`~cdop.stats.byar_ci`
at or above it (a failed Byar lower limit read as 0), and the Wilson limits evaluated as
the formula is written, ``(2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / 2 / (n + z^2)``.
Those values were checked against PHEindicatormethods (``test_stats_reference_crude.py``);
this file checks that the in-place, blocked and counted paths change none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import special

from cdop import stats
from cdop.errors import CdopArgumentError
from cdop.stats._common import describe_rows, fail

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


# --------------------------------------------------------------------------- the reference


def _column(func: str, df: pd.DataFrame, arg: str, col: str, *, na: str, strict: bool) -> Any:
    values = df[col].to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(values)
    if na == "raise" and missing.any():
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
    with np.errstate(invalid="ignore"):
        bad = values <= 0 if strict else values < 0
    if bad.any():
        relation = "greater than" if strict else "greater than or equal to"
        raise fail(
            func,
            f"argument `{arg}` (column {col!r}) must be {relation} 0; "
            f"received {describe_rows(df.index, bad, values)}",
        )
    return values


def _wilson(xs: FloatArray, ns: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    nan = np.isnan(xs) | np.isnan(ns)
    if level == 1.0:
        return np.where(nan, np.nan, 0.0), np.where(nan, np.nan, 1.0)
    z = float(-special.ndtri((1.0 - level) / 2.0))
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        root = z * np.sqrt(z2 + 4.0 * xs * (1.0 - xs / ns))
        lower = (2.0 * xs + z2 - root) / 2.0 / (ns + z2)
        upper = (2.0 * xs + z2 + root) / 2.0 / (ns + z2)
    lower = np.where(xs == 0, 0.0, np.maximum(lower, 0.0))
    upper = np.where(xs == ns, 1.0, np.minimum(upper, 1.0))
    return np.where(nan, np.nan, lower), np.where(nan, np.nan, upper)


def _poisson(obs: FloatArray, level: float, threshold: float = 10) -> tuple[FloatArray, FloatArray]:
    lower = np.full(obs.shape, np.nan)
    upper = np.full(obs.shape, np.nan)
    small = obs < threshold
    if small.any():
        lower[small], upper[small] = stats.exact_poisson_ci(obs[small], level)
    large = obs >= threshold
    if large.any():
        lo, up = stats.byar_ci(obs[large], level)
        lower[large] = np.where(np.isnan(lo), 0.0, lo)
        upper[large] = up
    return lower, upper


def _reference(
    kind: str,
    df: pd.DataFrame,
    *,
    group_by: str | list[str] | None = None,
    na: str = "raise",
    multiplier: float | None = None,
    confidence: Sequence[float] = (0.95,),
) -> dict[str, Any]:
    """The columns the plain implementation gives (keys, sums, value, limits, method)."""
    if multiplier is None:  # the functions' defaults
        multiplier = 100_000 if kind == "rate" else 1
    xs = _column(kind, df, "x", "x", na=na, strict=False)
    ns = _column(kind, df, "n", "n", na=na, strict=True)
    if kind == "proportion":
        with np.errstate(invalid="ignore"):
            bad = xs > ns
        if bad.any():
            pairs = [f"{float(a)!r}/{float(b)!r}" for a, b in zip(xs, ns, strict=True)]
            raise fail(
                kind,
                "argument `x` (column 'x') must not exceed `n` (column 'n') for a proportion; "
                f"received {describe_rows(df.index, bad, pairs)}",
            )
    out: dict[str, Any] = {}
    if group_by is not None:
        cols = [group_by] if isinstance(group_by, str) else group_by
        grouper = df.groupby(cols, sort=True, dropna=False, observed=True)
        codes = grouper.ngroup().to_numpy()
        keys = grouper.size().index.to_frame(index=False)
        keys.columns = cols
        size = len(keys)
        sums = []
        for values in (xs, ns):
            missing = np.isnan(values)
            total = np.bincount(codes, weights=np.where(missing, 0.0, values), minlength=size)
            if missing.any():
                flagged = np.bincount(codes, weights=missing.astype(float), minlength=size)
                total = np.where(flagged > 0, np.nan, total)
            sums.append(total)
        xs, ns = sums
        out.update({c: keys[c] for c in cols})
    out["x"], out["n"] = xs, ns
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = xs / ns * multiplier
        names = (
            [("lower_ci", "upper_ci")]
            if len(confidence) == 1
            else [(f"lower_ci_{_suffix(c)}", f"upper_ci_{_suffix(c)}") for c in confidence]
        )
        for (lo_name, up_name), level in zip(names, confidence, strict=True):
            if kind == "proportion":
                lo, up = _wilson(xs, ns, level)
                out[lo_name], out[up_name] = lo * multiplier, up * multiplier
            else:
                lo, up = _poisson(xs, level)
                out[lo_name], out[up_name] = lo / ns * multiplier, up / ns * multiplier
    if kind == "rate":
        out["method"] = np.where(np.isnan(xs), None, np.where(xs < 10, "Exact", "Byars"))
    return out


def _suffix(level: float) -> str:
    return np.format_float_positional(round(level * 100, 10), trim="-").replace(".", "_")


# --------------------------------------------------------------------------- comparisons


def _same(kind: str, df: pd.DataFrame, **kwargs: Any) -> None:
    expected = _reference(kind, df, **kwargs)
    func = stats.rate if kind == "rate" else stats.proportion
    got = func(df, "x", "n", **kwargs)
    assert len(got) == len(expected["x"])
    for name, want in expected.items():
        column = got[name]
        if isinstance(want, pd.Series):  # group keys: values and dtype
            pd.testing.assert_series_equal(
                column.reset_index(drop=True), want.reset_index(drop=True), check_names=False
            )
        elif name == "method":
            assert [None if pd.isna(v) else v for v in column] == list(want)
        else:
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            assert np.array_equal(values, want, equal_nan=True), name


def _random_frame(seed: int, rows: int) -> pd.DataFrame:
    """Counts 0 to 40 (a third below 10: the exact branch) of denominators 1 to 60, with
    rows of ``x = 0`` and ``x = n`` and a few non-integer counts."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 60, rows).astype(np.float64)
    x = np.minimum(rng.integers(0, 40, rows), n)
    x[rng.random(rows) < 0.1] = 0
    whole = rng.random(rows) < 0.1
    x[whole] = n[whole]
    part = rng.random(rows) < 0.05
    x[part] = x[part] * rng.random(int(part.sum()))
    return pd.DataFrame(
        {
            "g": rng.integers(-3, 40, rows),
            "code": pd.Series(rng.choice(["E06000001", "E06000002", "W0600002", "é"], rows)),
            "half": rng.integers(0, 2, rows),
            "x": x,
            "n": n,
        }
    )


@pytest.mark.parametrize("kind", ["rate", "proportion"])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("group_by", [None, "g", "code", ["code", "half"]])
def test_random_counts_give_the_plain_numbers(
    kind: str, seed: int, group_by: str | list[str] | None
) -> None:
    df = _random_frame(seed, 1 + 997 * seed)
    for multiplier, confidence in ((1, (0.95,)), (100, (0.95, 0.998)), (0.5, (0.9, 1.0))):
        _same(kind, df, group_by=group_by, multiplier=multiplier, confidence=confidence)


@pytest.mark.parametrize("kind", ["rate", "proportion"])
def test_more_rows_than_a_block(kind: str) -> None:
    # Several blocks of the Wilson kernel (2^15 values each) and a part block after them.
    df = _random_frame(11, 3 * 2**15 + 123)
    _same(kind, df)
    _same(kind, df, group_by="g", multiplier=1000)


@pytest.mark.parametrize("kind", ["rate", "proportion"])
def test_small_counts_and_the_ends(kind: str) -> None:
    # Every count of the exact branch and the first ones past it, with x = 0 and x = n.
    x = np.arange(0, 13, dtype=np.float64)
    df = pd.DataFrame({"x": np.concatenate([x, x]), "n": np.concatenate([x + 1, np.maximum(x, 1)])})
    df.loc[12, "x"] = 0.0
    _same(kind, df)
    _same(kind, df, confidence=(0.95, 0.998, 1.0), multiplier=100_000)


@pytest.mark.parametrize("kind", ["rate", "proportion"])
@pytest.mark.parametrize("dtype", ["float64", "Float64", "Int64", "int64[pyarrow]"])
def test_missing_values_propagate_as_before(kind: str, dtype: str) -> None:
    df = _random_frame(3, 60)
    df["x"] = df["x"].round()
    x = df["x"].astype(dtype)
    n = df["n"].astype(dtype)
    x.iloc[[2, 17]] = None
    n.iloc[[5]] = None
    df = df.assign(x=x, n=n)
    _same(kind, df, na="propagate")
    _same(kind, df, na="propagate", group_by="g")
    _same(kind, df, na="propagate", group_by="code")


@pytest.mark.parametrize("kind", ["rate", "proportion"])
@pytest.mark.parametrize("dtype", ["int8", "int16", "uint8", "int32", "Int64", "float64"])
def test_integer_and_other_keys(kind: str, dtype: str) -> None:
    # Keys of small integer types spanning most of their range (the difference of two
    # int8 values does not fit an int8), and keys that are not plain integers.
    rng = np.random.default_rng(5)
    info = np.iinfo(dtype) if dtype[0] in "iu" else None
    low, high = (info.min, info.max) if info else (-1000, 1000)
    keys = rng.integers(low, high, 500, endpoint=True)
    df = pd.DataFrame(
        {"key": pd.Series(keys).astype(dtype), "x": rng.integers(0, 20, 500), "n": 20}
    )
    _same(kind, df, group_by="key")


@pytest.mark.parametrize("kind", ["rate", "proportion"])
def test_keys_with_missing_values_and_categories(kind: str) -> None:
    df = _random_frame(8, 300)
    df["fkey"] = df["g"].astype(np.float64).where(df["g"] % 7 != 0)
    df["cat"] = df["code"].astype("category")
    df["text"] = df["code"].where(df["g"] % 5 != 0)
    for key in ("fkey", "cat", "text"):
        _same(kind, df, group_by=key)


def test_poisson_limits_of_none_without_an_exact_branch() -> None:
    # A threshold of 0 gives Byar's limits for every count: the lower limit of no events is
    # 0, as the plain composition of exact_poisson_ci and byar_ci gave.
    counts = np.array([0.0, 3.0, 12.0, np.nan])
    for threshold in (0, -1, 5, 10, 20):
        got = stats.poisson_ci(counts, 0.95, threshold=threshold)
        want = _poisson(counts, 0.95, threshold)
        for g, w in zip(got, want, strict=True):
            assert np.array_equal(g, w, equal_nan=True), threshold


def test_wilson_ci_of_any_shape() -> None:
    xs = np.array([[0.0, 3.0, 7.0], [10.0, 0.5, 2.0]])
    ns = np.array([[5.0, 3.0, 10.0], [10.0, 1.0, 90.0]])
    for level in (0.8, 0.95, 1.0):
        got = stats.wilson_ci(xs, ns, level)
        want = _wilson(xs, ns, level)
        for g, w in zip(got, want, strict=True):
            assert g.shape == xs.shape
            assert np.array_equal(g, w)


# --------------------------------------------------------------------------- messages


def _bad_frames() -> list[tuple[str, pd.DataFrame, dict[str, Any]]]:
    base = _random_frame(2, 40).set_axis([f"r{i}" for i in range(40)])
    base["x"] = base["x"].round()
    many = list(range(3, 40, 5))  # eight rows: the message lists five and the count
    cases: list[tuple[str, pd.DataFrame, dict[str, Any]]] = []
    for kind in ("rate", "proportion"):
        for dtype in ("float64", "Float64"):
            x = base["x"].astype(dtype)
            x.iloc[many] = None
            cases.append((kind, base.assign(x=x), {}))
            cases.append((kind, base.assign(x=x), {"group_by": "g"}))
        n = base["n"].copy()
        n.iloc[[4]] = np.inf
        cases.append((kind, base.assign(n=n), {"na": "propagate"}))
        x = base["x"].astype(np.int64)
        x.iloc[many[:2]] = [-1, -7]
        cases.append((kind, base.assign(x=x), {}))
        n = base["n"].copy()
        n.iloc[many] = 0.0
        cases.append((kind, base.assign(n=n), {"group_by": "code"}))
        x = base["x"].copy()
        x.iloc[[1]] = -np.inf
        cases.append((kind, base.assign(x=x), {}))
    over = base.assign(x=base["n"] + 1)
    cases.append(("proportion", over, {}))
    cases.append(("proportion", over.iloc[:3], {"group_by": "g"}))
    return cases


@pytest.mark.parametrize("case", range(len(_bad_frames())))
def test_error_messages_as_before(case: int) -> None:
    kind, df, kwargs = _bad_frames()[case]
    with pytest.raises(CdopArgumentError) as expected:
        _reference(kind, df, **kwargs)
    func = stats.rate if kind == "rate" else stats.proportion
    with pytest.raises(CdopArgumentError) as got:
        func(df, "x", "n", **kwargs)
    assert str(got.value) == str(expected.value)
    assert "column" in str(got.value) and "index" in str(got.value)
