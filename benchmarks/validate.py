"""Benchmark: read and validate 1,000,000 notifications and 1,000,000 reviews from CSV.

Prints the wall time, the CPU time and peak memory (targets: under 4 s for 1,000,000 +
1,000,000 on a 2-core machine; 5,000,000 + 5,000,000 within 2 GB), and the ratio of the
wall time to reading the same files bare with ``pyarrow.csv`` in the same run (after
the validation, so that it does not count in the peak memory). The input is the sample
scaled up: each sample record, with every field of the statutory forms, repeated with
new case IDs, written once to benchmarks/_data/ (kept between runs). The time includes
the identifier scan of every cell.

Run: python benchmarks/validate.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import cdop
from cdop.sample import generate_sample

HERE = Path(__file__).resolve().parent


def make_input(rows: int) -> Path:
    folder = HERE / "_data" / f"validate_{rows}_{len(generate_sample()['notifications'].columns)}"
    if (folder / "reviews.csv").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    sample = generate_sample()
    notes, reviews = sample["notifications"], sample["reviews"]
    notes = notes[notes["case_id"].isin(reviews["case_id"])].reset_index(drop=True)
    reviews = reviews.set_index("case_id").loc[notes["case_id"]].reset_index()
    repeat = -(-rows // len(notes))
    index = np.tile(np.arange(len(notes)), repeat)[:rows]
    ids = pd.Series([f"B{i:08d}" for i in range(rows)])
    big_notes = notes.iloc[index].reset_index(drop=True).assign(case_id=ids)
    big_reviews = reviews.iloc[index].reset_index(drop=True).assign(case_id=ids)
    big_notes.to_csv(folder / "notifications.csv", index=False)
    big_reviews.to_csv(folder / "reviews.csv", index=False)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = make_input(args.rows)
    size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
    start, cpu = time.perf_counter(), time.process_time()
    ds = cdop.read_dataset(folder, today=dt.date(2026, 1, 1))
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    accepted = len(ds.notifications), len(ds.reviews)
    del ds
    import pyarrow.csv

    start = time.perf_counter()
    bare = [pyarrow.csv.read_csv(p).num_rows for p in sorted(folder.glob("*.csv"))]
    bare_seconds = time.perf_counter() - start
    print(f"input: {args.rows:,} notifications + {args.rows:,} reviews, {size:.0f} MB of CSV")
    print(f"accepted: {accepted[0]:,} notifications, {accepted[1]:,} reviews (read {bare})")
    print(f"{'measure':<34}{'value':>10}{'target':>10}{'ratio':>8}")
    print(f"{'read + validate (s)':<34}{seconds:>10.2f}{4:>10}{seconds / 4:>8.2f}")
    print(f"{'  of which CPU (s)':<34}{cpu_seconds:>10.2f}")
    print(
        f"{'  to a bare pyarrow.csv read':<34}{seconds / bare_seconds:>10.2f}"
        f"{'':>10}{'':>8}  (bare read {bare_seconds:.2f} s)"
    )
    print(f"{'peak memory (MB)':<34}{peak_mb:>10.0f}{2048:>10}{peak_mb / 2048:>8.2f}")
    print(f"{'  per record pair (KB)':<34}{peak_mb * 1024 / args.rows:>10.2f}")
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
