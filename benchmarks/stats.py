"""Benchmark of cdop.stats.rate and cdop.stats.proportion, each figure a ratio measured in one run.

Run with ``python benchmarks/stats.py [--rows 1000000] [--groups 10000]``. Not a unit test.

Every figure is a ratio to references timed in the same process, turn about, in CPU time, so
that a busy machine slows all of them alike:

- the **floor**: a bare numpy kernel of the same formula (the numerator and denominator
  columns as arrays, the value and the limits as arrays; no argument checks and no output
  frame). Grouped, the floor sums the columns per group with ``numpy.bincount``: over the
  integer keys themselves, less their smallest (the keys are 0-9,999 here), or for text keys
  (area codes such as ``"E06000001"``) over the codes of ``pandas.factorize``, the sums then
  put in the sorted order of the texts.
  Target: cdop within 2x of it.
- the **hand-written** equivalent an analyst would write: pandas for the data (and
  ``groupby(...).sum()`` when grouped), ``statsmodels``' ``proportion_confint(method="wilson")``
  for a proportion, and Byar's formula with ``scipy.stats.chi2`` for the counts below 10 (the
  exact limits worked out for those rows only) for a rate, the result put back into a
  DataFrame. Target: cdop faster (ratio below 1). statsmodels is a benchmark
  dependency only (``pip install cdop[bench]``); without it the proportion reference uses
  ``scipy.stats.norm`` and the Wilson formula written out.

The values and the 95% limits of cdop, the floor and the hand-written code are checked to
agree to 1e-9 relative; the script exits 1 if they do not. With PHStatsMethods installed
(``pip install phstatsmethods``, optional, never a dependency of cdop), cdop is also timed
against its ``ph_rate`` / ``ph_proportion`` on 100,000 rows (their functions fail on zero
counts, so that input has at least one event per row).
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from cdop import stats

ROWS = 1_000_000
GROUPS = 10_000
ROWS_PHSTATS = 100_000
RTOL = 1e-9
Z95 = float(-special.ndtri(0.025))
TARGET_FLOOR = 2.0
TARGET_REFERENCE = 1.0


def timed(calls: dict[str, Callable[[], Any]], repeat: int) -> dict[str, tuple[float, Any]]:
    """Best CPU time of each call over ``repeat`` rounds, the calls taking turns in each round
    (after one warm-up round), and each call's last result.

    CPU time (of every thread of the process) rather than wall time: on a shared machine the
    wall time also counts the time other processes held the core.
    """
    results = {name: call() for name, call in calls.items()}
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(repeat):
        for name, call in calls.items():
            start = time.process_time()
            results[name] = call()
            best[name] = min(best[name], time.process_time() - start)
    return {name: (best[name], results[name]) for name in calls}


def max_rel(a: Any, b: Any) -> float:
    """Largest difference relative to the reference value (or, for a value near 0, to a
    millionth of the largest reference value: a limit of 0 may come out as 1e-17)."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if not np.array_equal(np.isfinite(x), np.isfinite(y)):
        return float("inf")
    both = np.isfinite(x)
    scale = np.maximum(np.abs(y[both]), 1e-6 * np.max(np.abs(y[both]), initial=0.0))
    return float(np.max(np.abs(x[both] - y[both]) / np.maximum(scale, 1e-300), initial=0.0))


def make_input(rows: int, groups: int, seed: int = 7, *, min_events: int = 0) -> pd.DataFrame:
    """Areas with 1,000 to 200,000 children and 0 to 299 deaths (a few below 10), in groups
    numbered 0 to ``groups - 1`` (``group``) and named by a text code (``code``, ``"E06000001"``
    and so on, the same groups)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1_000, 200_000, rows)
    x = rng.integers(min_events, 300, rows)
    group = np.random.default_rng(seed + 4).integers(0, groups, rows)
    names = pd.array([f"E{6_000_001 + g:08d}" for g in range(groups)], dtype="str")
    code = pd.Series(names.take(group), dtype="str")
    return pd.DataFrame({"area": np.arange(rows), "group": group, "code": code, "x": x, "n": n})


# --------------------------------------------------------------------------- floors


def _floor_arrays(df: pd.DataFrame, key: str | None) -> tuple[np.ndarray, np.ndarray]:
    """The numerator and denominator as arrays, summed per group of ``key`` if given."""
    xs = df["x"].to_numpy(dtype=np.float64)
    ns = df["n"].to_numpy(dtype=np.float64)
    if key is None:
        return xs, ns
    column = df[key]
    if column.dtype.kind == "i":  # integers: their own bin, less the smallest
        values = column.to_numpy()
        codes = values - values.min()
        present = np.bincount(codes) > 0
        return (
            np.bincount(codes, weights=xs)[present],
            np.bincount(codes, weights=ns)[present],
        )
    codes, uniques = pd.factorize(column)
    order = np.argsort(uniques)
    return (
        np.bincount(codes, weights=xs, minlength=len(uniques))[order],
        np.bincount(codes, weights=ns, minlength=len(uniques))[order],
    )


def floor_proportion(df: pd.DataFrame, key: str | None) -> tuple[np.ndarray, ...]:
    """Wilson score limits, as written in the formula."""
    xs, ns = _floor_arrays(df, key)
    z2 = Z95 * Z95
    root = Z95 * np.sqrt(z2 + 4.0 * xs * (1.0 - xs / ns))
    lower = (2.0 * xs + z2 - root) / 2.0 / (ns + z2)
    upper = (2.0 * xs + z2 + root) / 2.0 / (ns + z2)
    return xs / ns, lower, upper


def floor_rate(df: pd.DataFrame, key: str | None) -> tuple[np.ndarray, ...]:
    """Byar's limits for every count, the exact ones for counts below 10, per 100,000."""
    xs, ns = _floor_arrays(df, key)
    up1 = xs + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = xs * (1.0 - 1.0 / (9.0 * xs) - Z95 / (3.0 * np.sqrt(xs))) ** 3
    upper = up1 * (1.0 - 1.0 / (9.0 * up1) + Z95 / (3.0 * np.sqrt(up1))) ** 3
    small = np.flatnonzero(xs < 10)
    obs = xs[small]
    lower[small] = np.where(obs > 0, special.gammaincinv(np.maximum(obs, 1.0), 0.025), 0.0)
    upper[small] = special.gammainccinv(obs + 1.0, 0.025)
    return xs / ns * 1e5, lower / ns * 1e5, upper / ns * 1e5


# --------------------------------------------------------------------------- by hand


def _summed(df: pd.DataFrame, key: str | None) -> pd.DataFrame:
    return df if key is None else df.groupby(key)[["x", "n"]].sum().reset_index()


def hand_proportion(df: pd.DataFrame, key: str | None) -> pd.DataFrame:
    data = _summed(df, key)
    if importlib.util.find_spec("statsmodels") is not None:
        from statsmodels.stats.proportion import proportion_confint

        lower, upper = proportion_confint(data["x"], data["n"], alpha=0.05, method="wilson")
    else:
        from scipy.stats import norm

        z = norm.ppf(0.975)
        p = data["x"] / data["n"]
        centre = (p + z**2 / (2 * data["n"])) / (1 + z**2 / data["n"])
        half = (
            z
            / (1 + z**2 / data["n"])
            * np.sqrt(p * (1 - p) / data["n"] + z**2 / (4 * data["n"] ** 2))
        )
        lower, upper = centre - half, centre + half
    return data.assign(value=data["x"] / data["n"], lower_ci=lower, upper_ci=upper)


def hand_rate(df: pd.DataFrame, key: str | None) -> pd.DataFrame:
    from scipy.stats import chi2, norm

    data = _summed(df, key)
    obs, pop = data["x"], data["n"]
    z = norm.ppf(0.975)
    lower = obs * (1 - 1 / (9 * obs) - z / (3 * np.sqrt(obs))) ** 3
    upper = (obs + 1) * (1 - 1 / (9 * (obs + 1)) + z / (3 * np.sqrt(obs + 1))) ** 3
    small = obs < 10  # exact limits, worked out for these rows only
    lower[small] = np.nan_to_num(chi2.ppf(0.025, 2 * obs[small]) / 2)
    upper[small] = chi2.ppf(0.975, 2 * obs[small] + 2) / 2
    return data.assign(
        value=obs / pop * 100_000, lower_ci=lower / pop * 100_000, upper_ci=upper / pop * 100_000
    )


# --------------------------------------------------------------------------- main


def compare_statistics(rows: int, groups: int) -> tuple[list[list[str]], int]:
    df = make_input(rows, groups)
    table: list[list[str]] = []
    status = 0
    kinds = {
        "proportion": (stats.proportion, floor_proportion, hand_proportion),
        "rate": (stats.rate, floor_rate, hand_rate),
    }
    for kind, (ours, floor, hand) in kinds.items():
        for key in (None, "group", "code"):
            times = timed(
                {
                    "cdop": lambda ours=ours, k=key: ours(df, "x", "n", group_by=k),
                    "floor": lambda floor=floor, k=key: floor(df, k),
                    "hand": lambda hand=hand, k=key: hand(df, k),
                },
                repeat=5,
            )
            cdop_t, result = times["cdop"]
            floor_t, floor_result = times["floor"]
            hand_t, hand_result = times["hand"]
            for name, reference in (
                ("floor", floor_result),
                ("hand-written", [hand_result[c] for c in ("value", "lower_ci", "upper_ci")]),
            ):
                for column, expected in zip(
                    ("value", "lower_ci", "upper_ci"), reference, strict=True
                ):
                    err = max_rel(result[column], expected)
                    if err > RTOL:
                        print(f"  {kind}: {column} differs from the {name} by {err:.2e}")
                        status = 1
            label = f"{kind}, {rows:,} rows"
            if key is not None:
                label += f", {len(result):,} {'text ' if key == 'code' else ''}groups"
            table.append(
                [
                    label,
                    f"{cdop_t:.4f}",
                    f"{floor_t:.4f}",
                    f"{cdop_t / floor_t:.2f}",
                    "ok" if cdop_t / floor_t <= TARGET_FLOOR else "MISSED",
                    f"{hand_t:.4f}",
                    f"{cdop_t / hand_t:.2f}",
                    "ok" if cdop_t / hand_t < TARGET_REFERENCE else "MISSED",
                ]
            )
    return table, status


def compare_phstatsmethods() -> int:
    if importlib.util.find_spec("PHStatsMethods") is None:
        print("PHStatsMethods is not installed (pip install phstatsmethods): skipped.")
        return 0
    import PHStatsMethods as ph

    df = make_input(ROWS_PHSTATS, 1, min_events=1)
    times = timed(
        {
            "cdop rate": lambda: stats.rate(df, "x", "n"),
            "ph_rate": lambda: ph.ph_rate(df, "x", "n"),
            "cdop proportion": lambda: stats.proportion(df, "x", "n"),
            "ph_proportion": lambda: ph.ph_proportion(df, "x", "n"),
        },
        repeat=1,
    )
    status = 0
    for kind, theirs in (("rate", "ph_rate"), ("proportion", "ph_proportion")):
        ours_t, ours = times[f"cdop {kind}"]
        their_t, their = times[theirs]
        for column, their_column in (
            ("value", "Value"),
            ("lower_ci", "lower_95_ci"),
            ("upper_ci", "upper_95_ci"),
        ):
            err = max_rel(ours[column], their[their_column])
            if err > RTOL:
                print(f"  {kind}: {column} differs from PHStatsMethods by {err:.2e}")
                status = 1
        print(
            f"PHStatsMethods {theirs}, {ROWS_PHSTATS:,} rows: {their_t:.3f} s; "
            f"cdop {ours_t:.4f} s, ratio {ours_t / their_t:.4f}"
        )
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--groups", type=int, default=GROUPS)
    args = parser.parse_args()
    reference = (
        "pandas + statsmodels/scipy"
        if importlib.util.find_spec("statsmodels") is not None
        else "pandas + scipy (statsmodels not installed)"
    )
    print(
        f"cdop.stats benchmark - Python {platform.python_version()}, pandas {pd.__version__}, "
        f"numpy {np.__version__}, {platform.machine()}; hand-written: {reference}"
    )
    table, status = compare_statistics(args.rows, args.groups)
    head = [
        "measurement",
        "cdop s",
        "floor s",
        "/floor",
        f"<={TARGET_FLOOR:g}",
        "by hand s",
        "/hand",
        f"<{TARGET_REFERENCE:g}",
    ]
    widths = [max(len(r[i]) for r in [head, *table]) for i in range(len(head))]
    print()
    for row in [head, *table]:
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    status |= compare_phstatsmethods()
    return status


if __name__ == "__main__":
    sys.exit(main())
