"""Benchmark of cdop.stats.rate and cdop.stats.proportion.

Run with ``python benchmarks/stats.py``. Not a unit test.

1. On one 100,000-row input, times ``cdop.stats.rate`` / ``proportion`` against the Python port
   PHStatsMethods (``ph_rate`` / ``ph_proportion``) in the same process, checks that the values
   and 95% limits agree to 1e-9 relative, and prints the speed-up (target: at least 100x).
   PHStatsMethods is optional (``pip install phstatsmethods``); it is never a dependency of
   cdop. Without it, that comparison is skipped and the script still exits 0. Its functions
   fail on zero counts, so the shared input has at least one event per row.
2. Times ``rate`` on 1,000,000 rows ungrouped (target under 0.2 s) and grouped into 10,000
   groups (target under 0.5 s).
"""

from __future__ import annotations

import importlib.util
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from cdop import stats

ROWS_COMPARE = 100_000
ROWS_LARGE = 1_000_000
GROUPS = 10_000
RTOL = 1e-9


def best_time(func: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs (after one warm-up run) and the last result."""
    result = func()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def once(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def max_rel(a: Any, b: Any) -> float:
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    return float(np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-300)))


def make_input(rows: int, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = rng.integers(1_000, 200_000, rows)
    x = rng.integers(1, 300, rows)  # >= 1: PHStatsMethods fails on zero counts
    return pd.DataFrame({"area": np.arange(rows), "x": x, "n": n})


def main() -> int:
    rows: list[tuple[str, str, str]] = []
    print(
        f"cdop.stats benchmark - Python {platform.python_version()}, pandas {pd.__version__}, "
        f"numpy {np.__version__}, {platform.machine()}"
    )

    df = make_input(ROWS_COMPARE)
    ours_rate_t, ours_rate = best_time(lambda: stats.rate(df, "x", "n"))
    ours_prop_t, ours_prop = best_time(lambda: stats.proportion(df, "x", "n"))
    rows.append((f"cdop rate, {ROWS_COMPARE:,} rows", f"{ours_rate_t:.4f} s", ""))
    rows.append((f"cdop proportion, {ROWS_COMPARE:,} rows", f"{ours_prop_t:.4f} s", ""))

    status = 0
    if importlib.util.find_spec("PHStatsMethods") is None:
        print(
            "PHStatsMethods is not installed (pip install phstatsmethods): "
            "skipping the comparison with it."
        )
    else:
        import PHStatsMethods as ph

        their_rate_t, their_rate = once(lambda: ph.ph_rate(df, "x", "n"))
        their_prop_t, their_prop = once(lambda: ph.ph_proportion(df, "x", "n"))
        checks = {
            "rate value": max_rel(ours_rate["value"], their_rate["Value"]),
            "rate lower 95%": max_rel(ours_rate["lower_ci"], their_rate["lower_95_ci"]),
            "rate upper 95%": max_rel(ours_rate["upper_ci"], their_rate["upper_95_ci"]),
            "proportion value": max_rel(ours_prop["value"], their_prop["Value"]),
            "proportion lower 95%": max_rel(ours_prop["lower_ci"], their_prop["lower_95_ci"]),
            "proportion upper 95%": max_rel(ours_prop["upper_ci"], their_prop["upper_95_ci"]),
        }
        for name, err in checks.items():
            flag = "ok" if err <= RTOL else "DIFFERS"
            print(f"  agreement, {name}: max relative difference {err:.2e} ({flag})")
            if err > RTOL:
                status = 1
        rows.append(
            (
                f"PHStatsMethods ph_rate, {ROWS_COMPARE:,} rows",
                f"{their_rate_t:.3f} s",
                f"cdop {their_rate_t / ours_rate_t:,.0f}x faster",
            )
        )
        rows.append(
            (
                f"PHStatsMethods ph_proportion, {ROWS_COMPARE:,} rows",
                f"{their_prop_t:.3f} s",
                f"cdop {their_prop_t / ours_prop_t:,.0f}x faster",
            )
        )

    big = make_input(ROWS_LARGE, seed=7)
    big["group"] = np.random.default_rng(11).integers(0, GROUPS, ROWS_LARGE)
    ungrouped_t, _ = best_time(lambda: stats.rate(big, "x", "n"))
    grouped_t, grouped = best_time(lambda: stats.rate(big, "x", "n", group_by="group"))
    both_t, _ = best_time(lambda: stats.rate(big, "x", "n", confidence=(0.95, 0.998)))
    rows.append(
        (f"cdop rate, {ROWS_LARGE:,} rows ungrouped", f"{ungrouped_t:.4f} s", "target < 0.2 s")
    )
    rows.append(
        (
            f"cdop rate, {ROWS_LARGE:,} rows, {len(grouped):,} groups",
            f"{grouped_t:.4f} s",
            "target < 0.5 s",
        )
    )
    rows.append((f"cdop rate, {ROWS_LARGE:,} rows, 95% + 99.8%", f"{both_t:.4f} s", ""))

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measurement':<{width}}  {'time':>10}  note")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 24}")
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>10}  {note}")
    return status


if __name__ == "__main__":
    sys.exit(main())
