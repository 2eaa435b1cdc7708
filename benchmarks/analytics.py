"""Time the whole analytics suite on the bundled sample (target: under 1 second).

Run with ``python benchmarks/analytics.py``. Prints the time of each call (best of
``--repeat`` runs, after one warm-up run that pays for imports) and of the whole
suite: every table of an annual report, overall and by residence area.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import pandas as pd

import cdop
from cdop import analytics as an

TARGET_SECONDS = 1.0


def suite(ds: cdop.Dataset) -> list[tuple[str, Callable[[], pd.DataFrame]]]:
    area = "residence_area"
    imr = an.infant_mortality(ds)
    cmr = an.child_mortality(ds)
    return [
        ("activity", lambda: an.activity(ds)),
        ("activity by area", lambda: an.activity(ds, by=area)),
        ("review_durations report", lambda: an.review_durations(ds)),
        ("review_durations national", lambda: an.review_durations(ds, "national")),
        ("review_timeliness by area", lambda: an.review_timeliness(ds, by=area)),
        ("breakdown sex", lambda: an.breakdown(ds, "sex")),
        ("breakdown ethnicity", lambda: an.breakdown(ds, "ethnicity")),
        ("breakdown age_group", lambda: an.breakdown(ds, "age_group")),
        ("breakdown category", lambda: an.breakdown(ds, "category")),
        (
            "breakdown modifiable x category",
            lambda: an.breakdown(ds, ["modifiable_factors", "category"]),
        ),
        ("breakdown category x age_group", lambda: an.breakdown(ds, ["category", "age_group"])),
        (
            "breakdown place/expected/quintile/area",
            lambda: pd.concat(
                [
                    an.breakdown(ds, v)
                    for v in ("place_of_death", "expected_death", "imd_quintile", area)
                ]
            ),
        ),
        (
            "breakdown notifications by area",
            lambda: an.breakdown(ds, "age_group", basis="notifications", by=area),
        ),
        ("infant_mortality by quintile", lambda: an.infant_mortality(ds)),
        ("infant_mortality pooled 3y", lambda: an.infant_mortality(ds, by=None, pool=3)),
        (
            "infant_mortality neonatal FY",
            lambda: an.infant_mortality(ds, measure="neonatal", period="financial"),
        ),
        ("child_mortality by age", lambda: an.child_mortality(ds, by="age_group")),
        ("mortality_inequality (100k draws)", lambda: an.mortality_inequality(imr)),
        ("mortality_trend", lambda: an.mortality_trend(imr)),
        (
            "compare_national modifiable",
            lambda: an.compare_national(
                an.breakdown(ds, "modifiable_factors"), "reviews_with_modifiable_factors"
            ),
        ),
        (
            "compare_national durations",
            lambda: an.compare_national(
                an.review_durations(ds, "national"), "review_duration_band"
            ),
        ),
        (
            "compare_national child mortality",
            lambda: an.compare_national(cmr, "child_mortality_rate"),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    ds = cdop.load_sample()
    print(f"load_sample: {time.perf_counter() - start:.3f} s ({ds!r})")
    calls = suite(ds)
    for _, call in calls:  # warm-up: imports (scipy.special, pyarrow), caches
        call()
    per_call: dict[str, list[float]] = {name: [] for name, _ in calls}
    totals = []
    for _ in range(args.repeat):
        begin = time.perf_counter()
        for name, call in calls:
            t0 = time.perf_counter()
            call()
            per_call[name].append(time.perf_counter() - t0)
        totals.append(time.perf_counter() - begin)
    width = max(len(name) for name in per_call)
    print(f"\n{'call':<{width}}  best (ms)  median (ms)")
    for name, times in per_call.items():
        print(f"{name:<{width}}  {min(times) * 1e3:9.1f}  {statistics.median(times) * 1e3:11.1f}")
    best, median = min(totals), statistics.median(totals)
    verdict = "OK" if median < TARGET_SECONDS else "OVER TARGET"
    print(
        f"\nwhole suite ({len(calls)} calls): best {best:.3f} s, median {median:.3f} s "
        f"over {args.repeat} runs; target < {TARGET_SECONDS:.1f} s: {verdict}"
    )


if __name__ == "__main__":
    main()
