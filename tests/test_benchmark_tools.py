"""The benchmark scripts' own measuring tools (``benchmarks/``), checked where they could
silently mislead: a figure a benchmark prints must be the step's, not the script's."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _peak_source() -> str:
    spec = importlib.util.spec_from_file_location("_peak", BENCHMARKS / "_peak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.PEAK_SOURCE)


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_a_steps_peak_memory_is_its_own_not_its_starters() -> None:
    """A step started after the benchmark script used much memory (writing a large
    input, say) reports its own peak. ``ru_maxrss`` would report the script's: on Linux
    it carries the starting process's peak over into the new program."""
    ballast = np.ones(40_000_000)  # 320 MB, touched, held by this (the starting) process
    code = _peak_source() + (
        "import json, resource\n"
        "print(json.dumps({'peak': peak_mb(),"
        " 'ru_maxrss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout)
    assert ballast.sum() == 40_000_000
    # A bare interpreter: tens of MB (its own); the carried-over figure: 320 MB and more.
    assert 1 < figures["peak"] < 150
    assert figures["ru_maxrss"] > 300


def test_a_steps_peak_counts_the_workers_it_waited_for() -> None:
    """A build's workers are the step's too: the largest process counts."""
    code = _peak_source() + (
        "import json, subprocess, sys\n"
        "subprocess.run([sys.executable, '-c',"
        " 'import numpy as np; a = np.ones(30_000_000); print(a.sum())'], check=True,"
        " capture_output=True)\n"
        "print(json.dumps({'peak': peak_mb()}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["peak"] > 230  # the worker's 240 MB of ones


def test_import_step_reads_top_level_lines() -> None:
    """The import step reads the top-level lines of a ``-X importtime`` report (``import
    pandas; import cdop``: pandas, then what cdop adds), not a module of the same name
    nested in another's import. The report below is the format CPython documents (``-X
    importtime``: self and cumulative microseconds, nesting shown by indentation)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("_bench_run", BENCHMARKS / "run.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    report = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:      1000 |       2000 |     numpy\n"
        "import time:       500 |       1500 |   pandas.core\n"
        "import time:       600 |     480000 | pandas\n"
        "import time:       300 |        300 |     cdop\n"
        "import time:       900 |      70000 | cdop\n"
    )
    assert module._top_level_imports(report) == {"pandas": 0.48, "cdop": 0.07}
