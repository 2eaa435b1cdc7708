"""Shared helpers for the statistics tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "pheindicatormethods"

#: Relative tolerance for deterministic reference values.
RTOL = 1e-9


def read_reference(name: str, **kwargs: object) -> pd.DataFrame:
    path = REFERENCE_DIR / name
    if not path.exists():  # pragma: no cover - data shipped with the tests
        pytest.fail(f"reference file missing: {path}")
    return pd.read_csv(path, **kwargs)  # type: ignore[call-overload,no-any-return]


def max_rel_error(
    actual: Sequence[float] | np.ndarray, expected: Sequence[float] | np.ndarray
) -> float:
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    both_nan = np.isnan(a) & np.isnan(e)
    if not np.array_equal(np.isnan(a), np.isnan(e)):
        return float("inf")
    a = a[~both_nan]
    e = e[~both_nan]
    if a.size == 0:
        return 0.0
    scale = np.where(e == 0, 1.0, np.abs(e))
    return float(np.max(np.abs(a - e) / scale))


def assert_columns_close(
    actual: pd.DataFrame,
    expected: pd.DataFrame,
    mapping: dict[str, str],
    rtol: float = RTOL,
) -> None:
    """Compare columns by name: ``mapping`` is {our column: reference column}."""
    assert len(actual) == len(expected)
    for ours, theirs in mapping.items():
        err = max_rel_error(
            actual[ours].to_numpy(dtype=float, na_value=np.nan),
            expected[theirs].to_numpy(dtype=float, na_value=np.nan),
        )
        assert err <= rtol, f"{ours} vs {theirs}: max relative error {err:.3g}"


def assert_text_equal(actual: pd.Series, expected: pd.Series) -> None:
    a = [None if pd.isna(v) else str(v) for v in actual]
    e = [None if pd.isna(v) else str(v) for v in expected]
    assert a == e
