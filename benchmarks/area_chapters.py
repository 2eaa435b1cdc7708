"""Where an area chapter's time goes: a fixed subset of the national areas, one process.

Run: ``python benchmarks/area_chapters.py [--data DIR] [--areas N] [--profile FILE]``

Builds the chapter of every ``150 // N``-th area of the national benchmark data (the
same areas every run), writes it in every format, and prints the CPU and wall seconds
per area, split into:

- figures: drawing them and encoding their PNG and SVG files;
- disclosure protection: deciding what to hide over the chapter's counts as a whole
  (:meth:`cdop.disclosure.LinkedCounts.protect`, for the chapter and for each earlier
  year's counts);
- earlier years' counts: planning the sections of each earlier year, so that the counts
  every chapter prints stay hidden alike year after year (protection excluded);
- sections: the rest of planning and writing the sections (analytics, tables, text);
- Word: laying out and saving the ``.docx`` file;
- other formats: Markdown, HTML, Excel, CSV, and writing the files.

The split is measured by timing these steps in place (no profiler), so the figures are
the ones a plain run takes. One area is built first and not counted (imports, font
cache). ``--profile`` also writes a cProfile of the counted areas, for ``pstats``.
The national data are generated first if absent (``benchmarks/national.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "national"


class _Clock:
    """CPU and wall seconds spent inside the wrapped functions, by label (outermost call
    only), and the CPU seconds of each label spent inside another (``nested``)."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.nested: dict[tuple[str, str], float] = {}
        self._depth: dict[str, int] = {}

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = self._depth.get(label, 0)
            self._depth[label] = depth + 1
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth[label] = depth
                if depth == 0:
                    spent = time.process_time() - cpu
                    self.cpu[label] = self.cpu.get(label, 0.0) + spent
                    self.wall[label] = self.wall.get(label, 0.0) + time.perf_counter() - wall
                    for outer, active in self._depth.items():
                        if active and outer != label:
                            key = (outer, label)
                            self.nested[key] = self.nested.get(key, 0.0) + spent

        return timed


def _patch(clock: _Clock, label: str, owner: Any, name: str) -> None:
    """Time ``owner.name`` wherever cdop's modules hold it (``from x import f`` copies it)."""
    original = getattr(owner, name)
    timed = clock.wrap(label, original)
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("cdop"):
            for attr, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attr, timed)
    setattr(owner, name, timed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--areas", type=int, default=10, help="areas counted (default 10)")
    parser.add_argument("--profile", type=Path, help="also write a cProfile of the areas")
    args = parser.parse_args()
    if not (args.data / "notifications.parquet").is_file():
        subprocess.run([sys.executable, str(HERE / "national.py"), str(args.data)], check=True)

    import matplotlib

    matplotlib.use("Agg")
    import cdop
    from cdop import schema
    from cdop.disclosure import LinkedCounts
    from cdop.report import _build, _docx, _figures, _history, _render
    from cdop.report._areas import area_dataset

    ds = cdop.read_dataset(args.data, today=dt.date(2026, 1, 1))
    by = schema.NOTIFICATIONS.residence_area
    areas = sorted(str(a) for a in ds.notifications[by].dropna().unique())
    step = max(len(areas) // max(args.areas, 1), 1)
    chosen = areas[::step][: args.areas]
    warm = areas[1] if len(areas) > 1 else areas[0]

    clock = _Clock()
    _patch(clock, "figures", _figures, "make_figure")
    _patch(clock, "protection", LinkedCounts, "protect")
    _patch(clock, "year blocks", _history, "year_blocks")
    _patch(clock, "Word", _docx, "render_docx")
    _patch(clock, "chapter", _build, "build_chapter")
    _patch(clock, "render", _render, "render")

    def one(area: str, folder: Path) -> None:
        chapter = _build.build_chapter(area_dataset(ds, area, by=by), panel=area, progress=False)
        chapter = dataclasses.replace(chapter, title=f"{chapter.title}: {area}")
        _render.render(chapter, folder)

    with tempfile.TemporaryDirectory() as tmp:
        one(warm, Path(tmp) / "warm")
        clock.cpu.clear()
        clock.wall.clear()
        clock.nested.clear()
        profiler = None
        if args.profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        cpu, wall = time.process_time(), time.perf_counter()
        for i, area in enumerate(chosen):
            one(area, Path(tmp) / str(i))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)

    n = len(chosen)
    cpu_of = clock.cpu.get
    earlier = cpu_of("year blocks", 0.0) - clock.nested.get(("year blocks", "protection"), 0.0)
    parts = {
        "figures": cpu_of("figures", 0.0),
        "disclosure protection": cpu_of("protection", 0.0),
        "earlier years' counts": earlier,
        "Word": cpu_of("Word", 0.0),
    }
    parts["sections"] = (
        cpu_of("chapter", 0.0)
        - parts["figures"]
        - parts["disclosure protection"]
        - parts["earlier years' counts"]
    )
    parts["other formats"] = cpu_of("render", 0.0) - parts["Word"]
    parts["rest (area data)"] = cpu - sum(parts.values())
    print(f"{n} areas ({', '.join(chosen[:3])}, ...), one process")
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"per area: {cpu / n:.3f} CPU s, {wall / n:.3f} wall s")
    for name, seconds in parts.items():
        print(f"  {name:<23}{seconds / n:>8.3f} CPU s  {100 * seconds / cpu:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
