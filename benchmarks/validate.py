"""Benchmark: read and validate 1,000,000 notifications and 1,000,000 reviews from CSV.

Prints the wall time, the CPU time and the peak memory of the read (targets on a 2-core
machine: under 4 s for 1,000,000 + 1,000,000, the time target shown pro rata for other
sizes; within 2 GB for 5,000,000 + 5,000,000), each with its ratio to the target, and the
ratio of the wall time to reading the same files bare with ``pyarrow.csv`` in the same run
(after the validation, so that it does not count in the peak memory). The read runs in a
fresh interpreter, so that its peak is its own (``import cdop`` included). The input is
the sample scaled up: each sample record, with every field of the statutory forms,
repeated with new case IDs, written once to benchmarks/_data/ (kept between runs). The
time includes the identifier scan of every cell.

Run: python benchmarks/validate.py [--rows 1000000] [--quoted]
     python benchmarks/validate.py --rows 5000000   # the memory target
     python benchmarks/validate.py --quoted   # every field in quotes, as some exports write
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cdop.sample import generate_sample

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peak import PEAK_SOURCE

HERE = Path(__file__).resolve().parent


def make_input(rows: int, *, quoted: bool = False) -> Path:
    """The input folder, written once: ``quoted`` writes every field in quotes (as R's
    ``write.csv`` and many database exports do), which Arrow reads as a stream."""
    width = len(generate_sample()["notifications"].columns)
    folder = HERE / "_data" / f"validate_{rows}_{width}{'_quoted' if quoted else ''}"
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
    quoting = csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL
    big_notes.to_csv(folder / "notifications.csv", index=False, quoting=quoting)
    big_reviews.to_csv(folder / "reviews.csv", index=False, quoting=quoting)
    return folder


_MEASURE = (
    PEAK_SOURCE
    + """
import datetime as dt, json, pathlib, sys, time
import cdop
start, cpu = time.perf_counter(), time.process_time()
ds = cdop.read_dataset(sys.argv[1], today=dt.date(2026, 1, 1))
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
peak = peak_mb()
accepted = [len(ds.notifications), len(ds.reviews)]
del ds
import pyarrow.csv
start = time.perf_counter()
bare = [pyarrow.csv.read_csv(p).num_rows for p in sorted(pathlib.Path(sys.argv[1]).glob("*.csv"))]
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mb": peak,
                  "accepted": accepted, "bare": bare,
                  "bare_seconds": time.perf_counter() - start}))
"""
)

#: Targets: seconds per 1,000,000 notifications + 1,000,000 reviews, and peak memory (MB).
SECONDS_PER_MILLION = 4.0
PEAK_MB = 2048


def measure(folder: Path) -> dict[str, Any]:
    """Read and validate ``folder`` in a fresh interpreter: its figures as a dict."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quoted", action="store_true", help="every field of the input in quotes")
    args = parser.parse_args()
    folder = make_input(args.rows, quoted=args.quoted)
    size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
    load_before = os.getloadavg()
    m = measure(folder)
    target_s = SECONDS_PER_MILLION * args.rows / 1_000_000
    print(
        f"input: {args.rows:,} notifications + {args.rows:,} reviews, {size:.0f} MB of CSV"
        + (", every field quoted" if args.quoted else "")
    )
    print(
        f"accepted: {m['accepted'][0]:,} notifications, {m['accepted'][1]:,} reviews "
        f"(read bare: {m['bare']})"
    )
    print(f"{'measure':<34}{'value':>10}{'target':>10}{'ratio':>8}")
    print(
        f"{'read + validate, wall (s)':<34}{m['seconds']:>10.2f}{target_s:>10g}"
        f"{m['seconds'] / target_s:>8.2f}"
    )
    print(f"{'  of which CPU (s)':<34}{m['cpu_seconds']:>10.2f}")
    print(
        f"{'  to a bare pyarrow.csv read':<34}{m['seconds'] / m['bare_seconds']:>10.2f}"
        f"{'':>10}{'':>8}  (bare read {m['bare_seconds']:.2f} s)"
    )
    print(
        f"{'peak memory (MB)':<34}{m['peak_mb']:>10.0f}{PEAK_MB:>10}{m['peak_mb'] / PEAK_MB:>8.2f}"
    )
    print(f"{'  per record pair (KB)':<34}{m['peak_mb'] * 1024 / args.rows:>10.2f}")
    print(
        "load average before / after: "
        f"{', '.join(f'{x:.2f}' for x in load_before)} / "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
