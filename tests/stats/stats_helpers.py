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


def read_reference_text(name: str) -> pd.DataFrame:
    """A reference CSV with every cell as text (to know how many decimals were stored)."""
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


def assert_matches_stored(
    actual: pd.Series | np.ndarray,
    stored: pd.Series,
    *,
    skip: np.ndarray | None = None,
    label: str = "",
) -> None:
    """Each value must round to the stored text: |actual - stored| <= half a unit in the last
    stored decimal place (plus 1e-12 relative for the binary representation)."""
    a = np.asarray(actual, dtype=float)
    texts = list(stored)
    ok = np.ones(len(texts), dtype=bool)
    for i, text in enumerate(texts):
        if skip is not None and skip[i]:
            continue
        mantissa = text.lower().split("e")[0]
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        exponent = int(text.lower().split("e")[1]) if "e" in text.lower() else 0
        half_unit = 0.5 * 10.0 ** (exponent - decimals)
        expected = float(text)
        ok[i] = abs(a[i] - expected) <= half_unit * (1 + 1e-9) + 1e-12 * abs(expected)
    bad = np.flatnonzero(~ok)
    assert bad.size == 0, f"{label}: rows {bad[:5].tolist()} differ beyond the stored precision"
