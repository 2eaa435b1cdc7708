"""A chapter's figures and Word file: their writers' time per chapter, against earlier
methods measured in the same run, and a check that the files are the same.

Run: ``python benchmarks/figures_word.py [--data DIR] [--areas N] [--repeat R] [--against REV]``

Builds the chapter of the bundled sample and of ``N`` areas of the national benchmark data
(every ``150 // N``-th area, as ``benchmarks/area_chapters.py`` does), keeping each
figure's drawing (the arguments of ``make_figure``) and each chapter. Then, for each
chapter, the CPU seconds (best of ``R``) of:

- its figures, written as the library writes them (one drawing pass for the PNG and the
  SVG, PNG encoded with numpy and zlib), against matplotlib's own way of writing the same
  figure to both files: two ``savefig`` calls, the PNG encoded by Pillow;
- its Word file, written as the library writes it, against the same writer building
  and opening the empty styled document for every chapter (the styles and the table
  style built again, as before they were kept per process).

With ``--against REV`` (a git revision, e.g. ``main``), the figure and Word writers of
that revision are also timed, their modules read from git, and their files compared
with today's: the SVGs and Word files byte for byte, the PNGs pixel for pixel. The PNG
pixels are always checked against matplotlib's own PNG (decoded with Pillow).

Every ratio is today's time over the reference's, both measured in this run, so a busy
machine slows both alike. The national data are generated first if absent
(``benchmarks/national.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import os
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "national"


@dataclasses.dataclass
class _Chapter:
    name: str
    chapter: Any
    figures: list[tuple[tuple[Any, ...], dict[str, Any]]]


def _capture(data: Path, n_areas: int) -> list[_Chapter]:
    """Build the sample chapter and ``n_areas`` area chapters, keeping every figure's
    drawing (``make_figure``'s arguments)."""
    import cdop
    from cdop import schema
    from cdop.report import _build, _figures
    from cdop.report._areas import area_dataset
    from cdop.report._build import chapter_settings
    from cdop.sample import sample_path

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    original = _figures.make_figure

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    for module in list(sys.modules.values()):
        named = getattr(module, "__name__", "")
        if named.startswith("cdop") and getattr(module, "make_figure", None) is original:
            module.make_figure = recording  # type: ignore[attr-defined]

    out = []
    start = len(calls)
    chapter = _build.build_chapter(
        cdop.load_sample(),
        settings=chapter_settings(sample_path() / "chapter.toml"),
        progress=False,
    )
    out.append(_Chapter("sample", chapter, calls[start:]))
    if n_areas:
        ds = cdop.read_dataset(data, today=dt.date(2026, 1, 1))
        by = schema.NOTIFICATIONS.residence_area
        areas = sorted(str(a) for a in ds.notifications[by].dropna().unique())
        step = max(len(areas) // n_areas, 1)
        for area in areas[::step][:n_areas]:
            start = len(calls)
            chapter = _build.build_chapter(
                area_dataset(ds, area, by=by), panel=area, progress=False
            )
            chapter = dataclasses.replace(chapter, title=f"{chapter.title}: {area}")
            out.append(_Chapter(area, chapter, calls[start:]))
    return out


def _plain_matplotlib(
    fig_id: str,
    title: str,
    alt: str,
    draw: Callable[[Any], object],
    *,
    size: tuple[float, float] = (6.5, 3.4),
    margins: tuple[float, float, float, float] | None = None,
) -> tuple[bytes, bytes]:
    """The figure written the plain way: drawn and laid out for the PNG (Pillow) and
    again for the SVG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from cdop.plots._style import FIGURE_DPI, figure_style

    with figure_style():
        fig = Figure(figsize=size)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        draw(ax)
        if margins is None:
            fig.tight_layout(pad=0.6)
        else:
            left, bottom, right, top = margins
            fig.subplots_adjust(
                left=left / size[0],
                bottom=bottom / size[1],
                right=1 - right / size[0],
                top=1 - top / size[1],
            )
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=FIGURE_DPI, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg.getvalue()


def _module_at(revision: str, path: str, name: str) -> types.ModuleType:
    """The module in ``path`` as it was at git ``revision``, imported as ``name``."""
    source = subprocess.run(
        ["git", "show", f"{revision}:{path}"],
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(name)
    module.__file__ = f"{revision}:{path}"
    sys.modules[name] = module  # dataclasses look their module up while it runs
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def _race(repeat: int, *works: Callable[[], object]) -> list[float]:
    """The least CPU seconds of each of ``works`` over ``repeat`` rounds, run in turn
    within each round (so that a busy spell slows them alike)."""
    best = [float("inf")] * len(works)
    for _ in range(repeat):
        for i, work in enumerate(works):
            cpu = time.process_time()
            work()
            best[i] = min(best[i], time.process_time() - cpu)
    return best


def _pixels(png: bytes) -> Any:
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGBA"))


def _measure(
    item: _Chapter,
    repeat: int,
    against: str | None,
    then: tuple[Any, Any] | None,
    problems: list[str],
) -> dict[str, float]:
    """One chapter's times (CPU seconds, best of ``repeat``), its files checked."""
    import numpy as np

    from cdop.report import _docx, _figures

    figures, chapter = item.figures, item.chapter

    def styles_per_chapter() -> bytes:
        _docx._styled_blank.cache_clear()
        _docx._blank_document.cache_clear()
        return _docx.render_docx(chapter)

    now = [_figures.make_figure(*a, **k) for a, k in figures]  # warm, and kept
    plain = [_plain_matplotlib(*a, **k) for a, k in figures]
    for made, (png, _) in zip(now, plain, strict=True):
        mine, theirs = _pixels(made.png), _pixels(png)
        if mine.shape != theirs.shape or not np.array_equal(mine, theirs):
            problems.append(f"{item.name}: {made.id}.png pixels differ from matplotlib's")
    word = _docx.render_docx(chapter)
    if styles_per_chapter() != word:
        problems.append(f"{item.name}: Word file differs when its styles are built anew")
    figure_works: list[Callable[[], object]] = [
        lambda: [_figures.make_figure(*a, **k) for a, k in figures],
        lambda: [_plain_matplotlib(*a, **k) for a, k in figures],
    ]
    word_works: list[Callable[[], object]] = [
        lambda: _docx.render_docx(chapter),
        styles_per_chapter,
    ]
    if then is not None:
        old_figures, old_docx = then
        old_made = [old_figures.make_figure(*a, **k) for a, k in figures]
        for made, old in zip(now, old_made, strict=True):
            if made.svg != old.svg:
                problems.append(f"{item.name}: {made.id}.svg differs from {against}'s")
            if made.png != old.png and not np.array_equal(_pixels(made.png), _pixels(old.png)):
                problems.append(f"{item.name}: {made.id}.png pixels differ from {against}'s")
        if old_docx.render_docx(chapter) != word:
            problems.append(f"{item.name}: Word file differs from {against}'s")
        figure_works.append(lambda: [old_figures.make_figure(*a, **k) for a, k in figures])
        word_works.append(lambda: old_docx.render_docx(chapter))
    times: dict[str, float] = {"n figures": len(figures)}
    names = ["figures", "figures, matplotlib", "figures, then"]
    times.update(zip(names, _race(repeat, *figure_works), strict=False))
    names = ["Word", "Word, styles per chapter", "Word, then"]
    times.update(zip(names, _race(repeat, *word_works), strict=False))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--areas", type=int, default=4, help="area chapters (default 4)")
    parser.add_argument("--repeat", type=int, default=3, help="best of (default 3)")
    parser.add_argument("--against", help="also time the writers of this git revision")
    args = parser.parse_args()
    if args.areas and not (args.data / "notifications.parquet").is_file():
        subprocess.run([sys.executable, str(HERE / "national.py"), str(args.data)], check=True)

    import matplotlib

    matplotlib.use("Agg")
    chapters = _capture(args.data, args.areas)
    then = None
    if args.against:
        then = (
            _module_at(args.against, "src/cdop/report/_figures.py", "_figures_then"),
            _module_at(args.against, "src/cdop/report/_docx.py", "_docx_then"),
        )

    columns: dict[str, dict[str, float]] = {}
    problems: list[str] = []
    for item in chapters:
        columns[item.name] = _measure(item, args.repeat, args.against, then, problems)

    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"CPU ms per chapter, best of {args.repeat}; ratio = today / reference")
    pairs = [("figures", "figures, matplotlib"), ("Word", "Word, styles per chapter")]
    if args.against:
        pairs += [("figures", "figures, then"), ("Word", "Word, then")]
    header = f"{'chapter':<12}{'figs':>5}"
    for now_name, ref_name in pairs:
        header += f" | {now_name} vs {ref_name.replace(now_name + ', ', '')}"
    print(header)

    def row(name: str, times: dict[str, float], n: float) -> str:
        text = f"{name:<12}{times['n figures'] / n:>5.1f}"
        for now_name, ref_name in pairs:
            a, b = times[now_name] / n, times[ref_name] / n
            text += f" | {1000 * a:6.0f} / {1000 * b:6.0f} = {a / b:4.2f}"
        return text

    for name, times in columns.items():
        print(row(name, times, 1))
    areas = [times for name, times in columns.items() if name != "sample"]
    if areas:
        total = {key: sum(t[key] for t in areas) for key in areas[0]}
        print(row("area mean", total, len(areas)))
    for problem in problems:
        print("DIFFERS:", problem)
    print("files: all the same" if not problems else f"files: {len(problems)} differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
