"""One method per verdict: the printed label and p-value of a comparison never disagree.

The label comes from the interval (Wilson for proportions; exact below 10 events, Byar's
from 10 for rates) and the p-value from the test that interval inverts, so "similar"
holds exactly when the p-value is at least 1 - confidence. Checked over a grid of counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cdop import stats
from cdop.analytics import national_benchmarks


def test_no_verdict_contradicts_its_p_value_or_interval() -> None:
    """Over n = 1..500, every x, and every national percentage shipped."""
    nb = national_benchmarks()
    percentages = sorted(set(nb.loc[nb["unit"] == "percent", "value"]))
    assert percentages
    n = np.concatenate([np.full(k + 1, k) for k in range(1, 501)]).astype(float)
    x = np.concatenate([np.arange(k + 1) for k in range(1, 501)]).astype(float)
    grid = pd.DataFrame({"x": x, "n": n})
    for pct in percentages:
        out = stats.compare(grid, "x", "n", pct, statistic="proportion", multiplier=100)
        for level, alpha in (("95", 0.05), ("99_8", 0.002)):
            label = out[f"comparison_{level}"]
            significant = label != "similar"
            excluded = (out[f"lower_ci_{level}"] > pct) | (out[f"upper_ci_{level}"] < pct)
            assert (significant == (out["p_value"] < alpha)).all(), pct
            assert (significant == excluded).all(), pct
            up = out["value"] > pct
            assert (label[significant & up] == "higher").all()
            assert (label[significant & ~up] == "lower").all()
    # The case of the issue: 14 of 28 against 32% is higher, and p < 0.05 says so.
    row = stats.compare(
        pd.DataFrame({"x": [14], "n": [28]}),
        "x",
        "n",
        32.0,
        statistic="proportion",
        multiplier=100,
    ).iloc[0]
    assert row["comparison_95"] == "higher" and row["p_value"] < 0.05


def test_rate_verdicts_agree_with_their_p_values() -> None:
    observed = np.arange(0, 301, dtype=float)
    for rate in (0.5, 2.2, 3.8, 29.8, 42.0, 150.0):
        grid = pd.DataFrame({"x": observed, "n": np.full(len(observed), 200_000.0)})
        out = stats.compare(grid, "x", "n", rate, statistic="rate", multiplier=100_000)
        for level, alpha in (("95", 0.05), ("99_8", 0.002)):
            significant = out[f"comparison_{level}"] != "similar"
            assert (significant == (out["p_value"] < alpha)).all(), rate
