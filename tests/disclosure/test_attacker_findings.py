"""Two leaks an independent attacker found in the area chapters of small generated panels
(its data are kept in tests/data/attack_panels), each read back from the written files.

1. In an area chapter: a year's reviews within 12 months of notification and its cases
   open up to 12 months at its end were notified in the year or open up to 12 months a
   year before. Read with the cases open up to 12 months at the end of the year before
   (at most the deaths notified then), it narrowed two hidden review-duration bands of
   2023/24 to 1..5 (truth 1 and 3).
2. Area chapters with the comparison chapter: the infant mortality of all areas times
   their births gave the infant deaths of all areas (18); one area's neonatal deaths
   (10) bound its infant deaths from below, so the other's from above (8), and with it
   its four hidden deprivation quintiles to 1..5 (truth 2, 1, 1, 2).
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

import cdop
from cdop.report import build_areas

PANELS = Path(__file__).resolve().parents[1] / "data" / "attack_panels"
TODAY = dt.date(2026, 1, 1)


def _built(name: str, out: Path) -> Path:
    ds = cdop.read_dataset(PANELS / name, today=TODAY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_areas(ds, out=out, year=2024, formats=["csv", "md"], workers=1, progress=False)
    return out


def _cells(table: Path, row: str, period: str) -> float | None:
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    first = frame.columns[0]
    found = frame[(frame[first] == row) & (frame["period"] == period)]
    value = found["count"].iloc[0] if "count" in found else found.iloc[0, 3]
    return None if value == "" else float(value)


def test_review_bands_of_an_area_chapter_stay_protected_by_the_flow_of_cases(
    tmp_path: Path,
) -> None:
    tables = _built("g2", tmp_path / "g2") / "areas" / "northmoor" / "tables"
    durations, open_cases, activity = (
        tables / f"{n}.csv" for n in ("review_durations", "open_cases", "activity")
    )
    frame = pd.read_csv(activity, dtype=str, keep_default_na=False)

    def act(measure: str, period: str) -> float:
        value = frame[(frame["measure"] == measure) & (frame["period"] == period)]["count"]
        assert value.iloc[0] != "", (measure, period)  # printed in this build
        return float(value.iloc[0])

    bands = ["Under 6 months", "6-7 months", "8-9 months", "10 to 12 months"]
    shown = {b: _cells(durations, b, "2023/24") for b in bands}
    over = _cells(durations, "Over 12 months", "2023/24")
    reviews = _cells(durations, "Total reviews", "2023/24")
    open_over = _cells(open_cases, "Open more than 12 months", "2023/24")
    assert reviews is not None and open_over is not None
    hidden = [b for b in bands if shown[b] is None]
    assert hidden, "the test reads hidden bands"
    # Unknowns: the hidden within-12 bands, then the reviews over 12 months (if hidden),
    # then the cases open up to 12 months at 31 March 2023 (at most those notified in
    # 2022/23). Each hidden count is at least 1.
    n = len(hidden) + 2
    rows, low, high = [], [], []
    total_row = np.zeros(n)
    total_row[: len(hidden)] = 1
    total_row[len(hidden)] = 1
    known = sum(v for v in shown.values() if v is not None)
    rows.append(total_row)
    low.append(reviews - known)
    high.append(reviews - known)
    # the flow: within-12 reviews + open up to 12 months (2023/24) <= notified (2023/24)
    # + open up to 12 months a year before
    flow = np.zeros(n)
    flow[: len(hidden)] = 1
    flow[-1] = -1
    open_now = act("Cases open at year end", "2023/24") - open_over
    rows.append(flow)
    low.append(-np.inf)
    high.append(act("Deaths notified", "2023/24") - open_now - known)
    lower = np.ones(n)
    upper = np.full(n, np.inf)
    if over is not None:
        lower[len(hidden)] = upper[len(hidden)] = over
    lower[-1], upper[-1] = 0, act("Deaths notified", "2022/23")
    for i, band in enumerate(hidden):
        extremes = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[i] = -sign
            result = milp(
                c,
                constraints=[LinearConstraint(np.array(rows), low, high)],
                bounds=Bounds(lower, upper),
                integrality=np.ones(n),
            )
            assert result.status == 0
            extremes.append(float(result.x[i]))
        top, bottom = extremes
        # neither worked out nor narrowed to a range inside 1..5
        assert top > bottom and top >= 6, (band, bottom, top)


def test_the_value_of_all_areas_does_not_narrow_an_areas_hidden_quintiles(
    tmp_path: Path,
) -> None:
    out = _built("h12", tmp_path / "h12")
    compared = pd.read_csv(
        out / "comparison" / "tables" / "areas_infant_mortality.csv",
        dtype=str,
        keep_default_na=False,
    )
    quintiles = pd.read_csv(
        out / "areas" / "southvale" / "tables" / "infant_mortality_deprivation.csv",
        dtype=str,
        keep_default_na=False,
    )
    assert (quintiles["suppressed"] == "True").any()
    # With both areas' infant deaths hidden, the rate of all areas times their births
    # gave the deaths of all areas: the value of all areas is not printed.
    assert (compared["suppressed"] == "True").all()
    assert (compared["benchmark_value"] == "").all()


@pytest.mark.parametrize("name", ["g2", "h12"])
def test_the_attackers_panels_build(tmp_path: Path, name: str) -> None:
    out = _built(name, tmp_path / name)
    assert (out / "areas" / "northmoor" / "chapter.md").is_file()
    assert (out / "comparison" / "chapter.md").is_file()
