"""Benchmarks of the whole library at national scale: one table, one JSON file.

Run: ``python benchmarks/run.py [--data DIR] [--skip-areas]``

Each step runs in a fresh Python process, so its wall time and peak memory (the
process's maximum resident set, children included) are its own:

- ``import cdop`` (wall time of ``python -c "import cdop"`` minus a bare ``python -c pass``);
- read + validate the national Parquet data (150 areas, 20 years; target < 3 s);
- each analytics table for all areas at once, and all of them together (target < 2 s);
- the report chapter of the bundled sample through the command line, including Python
  start-up (target < 10 s);
- the comparison chapter of all areas (target < 15 s);
- every area's chapter, every format, figures included, plus the comparison chapter,
  with both cores (``cdop report --by residence_area``; target < 120 s, < 2 GB).

The national data are generated first if absent (``benchmarks/national.py``). Results are
printed as a table and written to ``benchmarks/results.json`` for comparison across
changes.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "national"
RESULTS = HERE / "results.json"

TARGETS = {
    "import cdop": None,
    "read + validate (national)": 3.0,
    "all analytics, 150 areas + England": 2.0,
    "sample report, CLI incl. start-up": 10.0,
    "comparison chapter (150 areas)": 15.0,
    "150 area chapters + comparison, 2 cores": 120.0,
}


def _child(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object of extra figures."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    extra: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    extra.setdefault("wall_s", wall)
    extra["process_wall_s"] = wall
    extra["peak_mb_so_far"] = usage.ru_maxrss / 1024
    return extra


_READ = """
import json, sys, time, datetime as dt, resource
t = time.perf_counter()
import cdop
ds = cdop.read_dataset(sys.argv[1], today=dt.date(2026, 1, 1))
print(json.dumps({"wall_s": time.perf_counter() - t, "notifications": len(ds.notifications),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_ANALYTICS = """
import json, sys, time, datetime as dt, resource, warnings
sys.path.insert(0, "benchmarks")
import cdop
from national_analytics import suite
ds = cdop.read_dataset(sys.argv[1], today=dt.date(2026, 1, 1))
calls = suite(ds)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _, call in calls:  # warm-up: imports and caches
        call()
    times = {}
    start = time.perf_counter()
    for name, call in calls:
        t = time.perf_counter(); call(); times[name] = time.perf_counter() - t
print(json.dumps({"wall_s": time.perf_counter() - start, "calls": times,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_COMPARISON = """
import json, sys, time, datetime as dt, resource, tempfile, pathlib
import cdop
from cdop.report import comparison_chapter
from cdop.report._render import render
ds = cdop.read_dataset(sys.argv[1], today=dt.date(2026, 1, 1))
t = time.perf_counter()
chapter = comparison_chapter(ds)
with tempfile.TemporaryDirectory() as tmp:
    render(chapter, pathlib.Path(tmp))
print(json.dumps({"wall_s": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _cli(*args: str) -> dict[str, Any]:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cdop.cli", *args], check=True, cwd=HERE.parent, capture_output=True
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall_s": wall, "peak_mb_so_far": peak}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--skip-areas",
        action="store_true",
        help="leave out the 150 area chapters (the longest step)",
    )
    args = parser.parse_args()
    if not (args.data / "notifications.parquet").is_file():
        subprocess.run([sys.executable, str(HERE / "national.py"), str(args.data)], check=True)
    data = str(args.data)
    results: dict[str, dict[str, Any]] = {}

    bare = _child("import json; print(json.dumps({}))")["process_wall_s"]
    with_import = _child("import json, cdop; print(json.dumps({}))")["process_wall_s"]
    results["import cdop"] = {"wall_s": max(with_import - bare, 0.0)}
    results["read + validate (national)"] = _child(_READ, data)
    results["all analytics, 150 areas + England"] = _child(_ANALYTICS, data)
    with tempfile.TemporaryDirectory() as tmp:
        results["sample report, CLI incl. start-up"] = _cli(
            "report", "--out", f"{tmp}/sample", "--quiet"
        )
    results["comparison chapter (150 areas)"] = _child(_COMPARISON, data)
    if not args.skip_areas:
        with tempfile.TemporaryDirectory() as tmp:
            results["150 area chapters + comparison, 2 cores"] = _cli(
                "report",
                "--data",
                data,
                "--by",
                "residence_area",
                "--out",
                f"{tmp}/areas",
                "--workers",
                "2",
                "--quiet",
            )

    record = {
        "machine": {
            "python": platform.python_version(),
            "cpus": _cpus(),
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%d"),
        "results": results,
    }
    RESULTS.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    print(f"{'step':<44}{'wall s':>9}{'target s':>10}{'ratio':>8}{'peak MB':>10}")
    for name, row in results.items():
        target = TARGETS.get(name)
        ratio = f"{row['wall_s'] / target:.2f}" if target else "–"
        peak = row.get("peak_mb", row.get("peak_mb_so_far"))
        peak_text = "–" if peak is None else str(round(peak))
        target_text = "–" if target is None else f"{target:.1f}"
        print(f"{name:<44}{row['wall_s']:>9.2f}{target_text:>10}{ratio:>8}{peak_text:>10}")
    for name, seconds in results["all analytics, 150 areas + England"].get("calls", {}).items():
        print(f"  {name:<42}{seconds:>9.3f}")
    print(f"written {RESULTS.relative_to(HERE.parent)}")
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
