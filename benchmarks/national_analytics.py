"""Time read + validate and every analytics table for all 150 areas of the national data.

Run ``python benchmarks/national.py`` first (writes ``benchmarks/_data/national/``), then
``python benchmarks/national_analytics.py [DATA_DIR] [--repeat N] [--full-inequality]``.

Prints, for the national Parquet data (150 areas, 20 years, about 70,000 deaths):

- read + validate (``cdop.read_dataset``; target < 3 s);
- each analytics call for all areas at once (``by="residence_area"``, with the England
  total of ``with_total`` where a report shows it) and the area comparisons, and the
  whole suite (target < 2 s);
- the deprivation gradient by area (:func:`cdop.analytics.mortality_inequality`: SII and
  RII limits by simulation, 100,000 draws a group), timed apart: its cost is the
  simulation, proportional to the number of area x period groups;
- the peak memory of the process (target < 2 GB).

Times are the best of ``--repeat`` runs after one warm-up run (imports, caches); read +
validate is also shown cold (its first run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import cdop
from cdop import analytics as an
from cdop.errors import DataQualityWarning

DEFAULT_DIR = Path(__file__).resolve().parent / "_data" / "national"
TODAY = dt.date(2026, 1, 1)
AREA = "residence_area"
TARGET_READ = 3.0
TARGET_ANALYTICS = 2.0
TARGET_MEMORY_GB = 2.0


def suite(ds: cdop.Dataset) -> list[tuple[str, Callable[[], object]]]:
    """Every table of an annual report, for all areas at once (plus England)."""
    years = ["2022/23", "2023/24", "2024/25"]

    def timeliness_comparison() -> pd.DataFrame:
        t = an.with_total(an.review_timeliness, ds, years="2023/24")
        return an.compare_areas(t, x="within_12_months", n="reviews")

    def imr_comparison() -> pd.DataFrame:
        imr = an.with_total(an.infant_mortality, ds, pool=3, years=[2021, 2022, 2023])
        return an.compare_areas(imr)

    def cmr_comparison() -> pd.DataFrame:
        cmr = an.with_total(an.child_mortality, ds, pool=3, years=[2021, 2022, 2023])
        return an.compare_areas(cmr)

    breakdowns = [
        "sex",
        "ethnicity",
        "age_group",
        "category",
        ["modifiable_factors", "category"],
        ["category", "age_group"],
        "place_of_death",
        "expected_death",
        "imd_quintile",
    ]
    calls: list[tuple[str, Callable[[], object]]] = [
        ("activity + England", lambda: an.with_total(an.activity, ds)),
        ("review_durations report + England", lambda: an.with_total(an.review_durations, ds)),
        (
            "review_durations national + England",
            lambda: an.with_total(an.review_durations, ds, "national"),
        ),
        ("review_timeliness + England", lambda: an.with_total(an.review_timeliness, ds)),
    ]
    for variables in breakdowns:
        name = " x ".join(variables) if isinstance(variables, list) else variables
        calls.append(
            (
                f"breakdown {name} + England",
                lambda v=variables: an.with_total(an.breakdown, ds, v, years=years),
            )
        )
    calls += [
        (
            "breakdown notifications age_group",
            lambda: an.breakdown(ds, "age_group", basis="notifications", by=AREA),
        ),
        (
            "infant_mortality area x quintile + England",
            lambda: an.with_total(an.infant_mortality, ds, by=[AREA, "imd_quintile"]),
        ),
        ("infant_mortality area + England", lambda: an.with_total(an.infant_mortality, ds)),
        (
            "infant_mortality neonatal FY pooled 3y",
            lambda: an.infant_mortality(
                ds, by=AREA, measure="neonatal", period="financial", pool=3
            ),
        ),
        (
            "child_mortality area x age + England",
            lambda: an.with_total(an.child_mortality, ds, by=[AREA, "age_group"]),
        ),
        (
            "mortality_trend by area",
            lambda: an.mortality_trend(an.with_total(an.infant_mortality, ds)),
        ),
        (
            "compare_national modifiable by area",
            lambda: an.compare_national(
                an.breakdown(ds, "modifiable_factors", by=AREA), "reviews_with_modifiable_factors"
            ),
        ),
        (
            "compare_national child mortality by area",
            lambda: an.compare_national(an.child_mortality(ds, by=AREA), "child_mortality_rate"),
        ),
        ("compare_areas % within 12 months", timeliness_comparison),
        ("compare_areas infant mortality 3y", imr_comparison),
        ("compare_areas child mortality 3y", cmr_comparison),
    ]
    return calls


def _best(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def _peak_gb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / (1024**3 if sys.platform == "darwin" else 1024**2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DIR))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--full-inequality",
        action="store_true",
        help="also time mortality_inequality for every area and every pooled period",
    )
    args = parser.parse_args()
    folder = Path(args.data_dir)
    if not (folder / "notifications.parquet").exists():
        raise SystemExit(f"{folder}: no national data; run python benchmarks/national.py first")

    rows: list[tuple[str, float, float | None]] = []
    start = time.perf_counter()
    ds = cdop.read_dataset(folder, today=TODAY)
    cold = time.perf_counter() - start
    read = _best(lambda: cdop.read_dataset(folder, today=TODAY), args.repeat)
    print(f"{ds!r}; {ds.notifications[AREA].nunique()} areas")
    rows.append(("read + validate (cold)", cold, TARGET_READ))
    rows.append(("read + validate", read, TARGET_READ))

    calls = suite(ds)
    for _, call in calls:  # warm-up
        call()
    per_call = [(name, _best(call, args.repeat)) for name, call in calls]
    total = sum(t for _, t in per_call)
    rows += [(f"  {name}", t, None) for name, t in per_call]
    rows.append((f"all analytics, all areas ({len(calls)} calls)", total, TARGET_ANALYTICS))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        imr = an.infant_mortality(ds, by=[AREA, "imd_quintile"], pool=3)
        latest = imr[imr["year"] == imr["year"].cat.categories[-1]]
        groups = latest[AREA].nunique()
        t_latest = _best(lambda: an.mortality_inequality(latest), 1)
        rows.append((f"mortality_inequality by area, latest 3y ({groups} groups)", t_latest, None))
        if args.full_inequality:
            n_groups = imr[[AREA, "year"]].drop_duplicates().shape[0]
            t_all = _best(lambda: an.mortality_inequality(imr), 1)
            rows.append((f"mortality_inequality by area, all 3y ({n_groups} groups)", t_all, None))
    peak = _peak_gb()

    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'measure':<{width}}  {'seconds':>8}  {'target':>7}  {'ratio':>6}")
    for name, seconds, target in rows:
        if target is None:
            print(f"{name:<{width}}  {seconds:8.3f}")
        else:
            print(f"{name:<{width}}  {seconds:8.3f}  {target:7.1f}  {seconds / target:6.2f}")
    print(
        f"{'peak memory (GB, process)':<{width}}  {peak:8.3f}  {TARGET_MEMORY_GB:7.1f}  "
        f"{peak / TARGET_MEMORY_GB:6.2f}"
    )


if __name__ == "__main__":
    main()
