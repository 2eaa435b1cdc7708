"""How the comparison chapter scales with the number of areas.

Run: ``python benchmarks/comparison_scale.py [--areas 1000,2000,3000,5000] [--years 4]``

For each size, a fictional national dataset (:func:`cdop._national_sample.generate_national`)
is validated, then the comparison chapter of every area is computed and written in every
format (Markdown, HTML, Word, Excel, CSV, figures), each step timed on its own in a fresh
process. Target: 5,000 areas in under 60 s, and time growing linearly with the number
of areas (seconds per 1,000 areas roughly constant).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_ONE = """
import json, sys, time, datetime as dt, tempfile, pathlib, resource
import cdop
from cdop._national_sample import generate_national
from cdop.report import comparison_chapter
from cdop.report._render import render
areas, years = int(sys.argv[1]), int(sys.argv[2])
ds = cdop.read_dataset(generate_national(areas=areas, years=years, seed=1),
                       today=dt.date(2026, 1, 1))
times = {}
t = time.perf_counter()
chapter = comparison_chapter(ds)
times["chapter"] = time.perf_counter() - t
with tempfile.TemporaryDirectory() as tmp:
    for fmt in ("md", "html", "docx", "xlsx", "csv"):
        t = time.perf_counter()
        render(chapter, pathlib.Path(tmp) / fmt, [fmt])
        times[fmt] = time.perf_counter() - t
times["total"] = sum(times.values())
times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(times))
"""

TARGET_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--areas", default="1000,2000,3000,5000")
    parser.add_argument("--years", type=int, default=4)
    args = parser.parse_args()
    sizes = [int(a) for a in args.areas.split(",")]
    rows = []
    for areas in sizes:
        done = subprocess.run(
            [sys.executable, "-c", _ONE, str(areas), str(args.years)],
            capture_output=True,
            text=True,
            check=True,
        )
        times = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append((areas, times))
        steps = "  ".join(f"{k} {v:6.1f}" for k, v in times.items() if k != "peak_mb")
        print(f"{areas:>6} areas: {steps}  (peak {times['peak_mb']:.0f} MB)", flush=True)
    first_areas, first = rows[0]
    print("\nseconds per 1,000 areas (linear growth keeps these close):")
    for areas, times in rows:
        per = {k: 1000 * v / areas for k, v in times.items() if k != "peak_mb"}
        print(f"{areas:>6}: " + "  ".join(f"{k} {v:5.2f}" for k, v in per.items()))
    last_areas, last = rows[-1]
    ratio = (last["total"] / first["total"]) / (last_areas / first_areas)
    print(f"\ngrowth {first_areas} -> {last_areas} areas: {ratio:.2f} x linear")
    ok = last["total"] < TARGET_S
    print(
        f"{last_areas} areas: {last['total']:.1f} s (target < {TARGET_S:.0f} s): "
        f"{'OK' if ok else 'SLOW'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
