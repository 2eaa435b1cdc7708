"""Benchmarks of the whole library at national scale: one table, one JSON file.

Run: ``python benchmarks/run.py [--data DIR] [--skip-areas] [--rows N]``

Each step runs in a fresh Python process, so its wall time and peak memory are its own:
the peak resident memory of the step's largest process (see ``benchmarks/_peak.py``: the
``ru_maxrss`` of a child started from this script would include this script's own peak,
for example after it wrote the CSV input). Every figure is also given as a ratio to a
reference measured in the same run, so that a busy machine, which slows both alike,
cannot hide a regression (or fake a gain):

- ``import cdop``: the time it adds to ``import pandas`` (both read from
  ``python -X importtime -c "import pandas; import cdop"``, in the same interpreter, best of
  five; target: at most 0.25 s), and its ratio to ``import pandas``;
- read + validate the national Parquet data (150 areas, 20 years; target < 3 s), against
  reading the same files bare with ``pandas.read_parquet`` in the same process;
- read + validate ``--rows`` notifications and as many reviews from CSV (the input of
  ``benchmarks/validate.py``; target < 4 s for 1,000,000 + 1,000,000), against reading the
  same files bare with ``pyarrow.csv`` in the same process; and the same records with
  every field in quotes (``validate.py --quoted``, as R's ``write.csv`` and many database
  exports write them), against the same bare read of those files;
- the ``rate`` and ``proportion`` kernels on ``--rows`` rows, ungrouped and in 10,000 groups
  (of an integer key and of a text key),
  against a bare numpy kernel of the same formula (target: at most 2x) and against
  pandas + statsmodels/scipy written by hand (target: faster), from ``benchmarks/stats.py``;
- each analytics table for all areas at once, and all of them together (target < 2 s);
- the report chapter of the bundled sample through the command line, including Python
  start-up (target < 10 s);
- the comparison chapter of all areas (target < 15 s);
- every area's chapter, every format, figures included, plus the comparison chapter,
  with both cores (``cdop report --by residence_area``; target < 120 s, < 2 GB).

The last four have no reference of the same run yet: their ratio is to the target. The
national data are generated first if absent (``benchmarks/national.py``). Results are
printed as a table and written to ``benchmarks/results.json`` for comparison across
changes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _peak import PEAK_SOURCE

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "national"
RESULTS = HERE / "results.json"

TARGETS = {
    "import cdop": 0.25,
    "read + validate (national)": 3.0,
    "read + validate CSV": 4.0,
    "all analytics, 150 areas + England": 2.0,
    "sample report, CLI incl. start-up": 10.0,
    "comparison chapter (150 areas)": 15.0,
    "150 area chapters + comparison, 2 cores": 120.0,
}


def _child(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object of extra figures."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SOURCE + code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    wall = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    extra: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    extra.setdefault("wall_s", wall)
    extra["process_wall_s"] = wall
    return extra


_READ = """
import json, sys, time, datetime as dt, pathlib
t = time.perf_counter()
import cdop
ds = cdop.read_dataset(sys.argv[1], today=dt.date(2026, 1, 1))
wall = time.perf_counter() - t
peak = peak_mb()
import pandas as pd
t = time.perf_counter()
frames = [pd.read_parquet(p) for p in sorted(pathlib.Path(sys.argv[1]).glob("*.parquet"))]
print(json.dumps({"wall_s": wall, "notifications": len(ds.notifications), "peak_mb": peak,
                  "reference_s": time.perf_counter() - t,
                  "reference": "pandas.read_parquet of the same files"}))
"""

_READ_CSV = """
import json, sys, time, datetime as dt, pathlib
t = time.perf_counter()
import cdop
ds = cdop.read_dataset(sys.argv[1], today=dt.date(2026, 1, 1))
wall = time.perf_counter() - t
peak = peak_mb()
import pyarrow.csv
t = time.perf_counter()
tables = [pyarrow.csv.read_csv(p) for p in sorted(pathlib.Path(sys.argv[1]).glob("*.csv"))]
print(json.dumps({"wall_s": wall, "notifications": len(ds.notifications), "peak_mb": peak,
                  "reference_s": time.perf_counter() - t,
                  "reference": "pyarrow.csv.read_csv of the same files"}))
"""

_KERNELS = """
import json, sys
sys.path.insert(0, "benchmarks")
import stats
rows, groups = int(sys.argv[1]), 10_000
table, status = stats.compare_statistics(rows, groups)
print(json.dumps({"rows": [[r[0], float(r[1]), float(r[2]), float(r[5])] for r in table],
                  "status": status}))
"""

_ANALYTICS = """
import json, sys, time, datetime as dt, warnings
sys.path.insert(0, "benchmarks")
import cdop
from national_analytics import suite
ds = cdop.read_dataset(sys.argv[1], today=dt.date(2026, 1, 1))
calls = suite(ds)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _, call in calls:  # warm-up: imports and the national figures, read once
        call()
    ds._derived.clear()  # each table worked out again, not taken from the dataset's memo
    times = {}
    start = time.perf_counter()
    for name, call in calls:
        t = time.perf_counter(); call(); times[name] = time.perf_counter() - t
print(json.dumps({"wall_s": time.perf_counter() - start, "calls": times,
                  "peak_mb": peak_mb()}))
"""

_COMPARISON = """
import json, sys, time, datetime as dt, tempfile, pathlib
import cdop
from cdop.report import comparison_chapter
from cdop.report._render import render
ds = cdop.read_dataset(sys.argv[1], today=dt.date(2026, 1, 1))
t = time.perf_counter()
chapter = comparison_chapter(ds)
with tempfile.TemporaryDirectory() as tmp:
    render(chapter, pathlib.Path(tmp))
print(json.dumps({"wall_s": time.perf_counter() - t,
                  "peak_mb": peak_mb()}))
"""


_CLI = """
import json, sys
from cdop.cli import main
code = main(sys.argv[1:])
print(json.dumps({"peak_mb": peak_mb()}))
sys.exit(code)
"""


def _cli(*args: str) -> dict[str, Any]:
    """``cdop`` on the command line with ``args``: wall time (start-up included) and the
    peak memory of its largest process (its own or a worker's)."""
    figures = _child(_CLI, *args)
    figures["wall_s"] = figures["process_wall_s"]
    return figures


def _import_seconds(repeat: int = 5) -> tuple[float, float]:
    """What ``import cdop`` adds to ``import pandas``, and ``import pandas`` itself, read from
    ``python -X importtime -c "import pandas; import cdop"``: both in the same interpreter,
    one after the other (start-up excluded; cdop's figure leaves out pandas, already
    imported). The run of ``repeat`` fresh interpreters where cdop added least."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import pandas; import cdop"],
            capture_output=True,
            text=True,
            check=True,
            cwd=HERE.parent,
        )
        seconds = _top_level_imports(done.stderr)
        if seconds["cdop"] < best[0]:
            best = (seconds["cdop"], seconds["pandas"])
    return best


def _top_level_imports(report: str) -> dict[str, float]:
    """Seconds (cumulative) of each module a ``-X importtime`` report shows imported at the
    top level, that is by the program itself, not nested in another module's import."""
    seconds: dict[str, float] = {}
    for line in report.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            seconds[parts[2].strip()] = int(parts[1]) / 1e6
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--skip-areas",
        action="store_true",
        help="leave out the 150 area chapters (the longest step)",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=1_000_000,
        help="rows of the CSV read and of the kernels (default 1,000,000)",
    )
    args = parser.parse_args()
    if not (args.data / "notifications.parquet").is_file():
        subprocess.run([sys.executable, str(HERE / "national.py"), str(args.data)], check=True)
    data = str(args.data)
    results: dict[str, dict[str, Any]] = {}

    added_s, pandas_s = _import_seconds()
    results["import cdop (added to import pandas)"] = {
        "wall_s": added_s,
        "reference_s": pandas_s,
        "reference": "import pandas",
    }
    results["read + validate (national)"] = _child(_READ, data)
    sys.path.insert(0, str(HERE))
    from validate import make_input

    csv_folder = make_input(args.rows)
    results[f"read + validate CSV, {args.rows:,} + {args.rows:,}"] = _child(
        _READ_CSV, str(csv_folder)
    )
    # every field in quotes, as R's write.csv and many database exports write them
    quoted_folder = make_input(args.rows, quoted=True)
    results[f"read + validate CSV, every field quoted, {args.rows:,} + {args.rows:,}"] = _child(
        _READ_CSV, str(quoted_folder)
    )
    kernels = _child(_KERNELS, str(args.rows))
    for label, ours, floor, hand in kernels["rows"]:
        results[f"kernel {label} / floor"] = {
            "wall_s": ours,
            "reference_s": floor,
            "reference": "bare numpy kernel (CPU time)",
        }
        results[f"kernel {label} / by hand"] = {
            "wall_s": ours,
            "reference_s": hand,
            "reference": "pandas + statsmodels/scipy (CPU time)",
        }
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
            "load_average": list(os.getloadavg()),
        },
        "date": time.strftime("%Y-%m-%d"),
        "results": results,
    }
    RESULTS.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    width = max(len(name) for name in results) + 2
    print(f"{'step':<{width}}{'s':>9}{'ref s':>9}{'ratio':>8}{'target':>11}{'peak MB':>9}")
    for name, row in results.items():
        reference = row.get("reference_s")
        target = _target(name)
        if reference:
            ratio = f"{row['wall_s'] / reference:.2f}"
            ref_text = f"{reference:.3f}"
        else:
            ratio = f"{row['wall_s'] / target:.2f}*" if target else "-"
            ref_text = "-"
        peak = row.get("peak_mb")
        print(
            f"{name:<{width}}{row['wall_s']:>9.3f}{ref_text:>9}{ratio:>8}"
            f"{_target_text(name, target):>11}"
            f"{'-' if peak is None else str(round(peak)):>9}"
        )
    print("ratio: to the reference measured in the same run (* to the target: no reference yet)")
    for name, row in results.items():
        if "reference" in row:
            print(f"  {name}: reference is {row['reference']}")
    for name, seconds in results["all analytics, 150 areas + England"].get("calls", {}).items():
        print(f"  {name:<42}{seconds:>9.3f}")
    print(f"written {RESULTS.relative_to(HERE.parent)}")
    return 0


def _target_text(name: str, target: float | None) -> str:
    if target is None:
        return "-"
    if name.startswith("kernel"):
        return f"ratio<{target:g}" if target == 1.0 else f"ratio<={target:g}"
    return f"{target:g} s"


def _target(name: str) -> float | None:
    """The target of a step: seconds, or for a kernel the largest ratio allowed."""
    if name.startswith("kernel"):
        return 2.0 if name.endswith("/ floor") else 1.0
    for prefix, target in TARGETS.items():
        if name.startswith(prefix):
            return target
    return None


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
