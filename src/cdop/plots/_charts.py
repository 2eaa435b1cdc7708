"""Charts of the annual report: bars, stacked shares, rates over time with intervals.

Each function takes a tidy DataFrame and optional ``ax``, draws in the house style and
returns the Axes. Values that disclosure control hides are passed as missing (NaN) and
are drawn as an empty slot marked with the suppression marker, never as a value.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cdop.plots._style import PALETTE, series_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["grouped_bars", "horizontal_bars", "rate_lines", "stacked_shares"]

_HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--", "oo")
#: The benchmark (England): dark grey, apart from every series colour, itself black.
_BENCHMARK_COLOUR = "#595959"


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size)
    return new


def grouped_bars(
    data: pd.DataFrame,
    x: str,
    series: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    ylabel: str = "",
    marker: str = "*",
    ax: Axes | None = None,
) -> Axes:
    """Bars of several count columns side by side for each value of ``x``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> d = pd.DataFrame({"year": ["2023/24", "2024/25"], "a": [5.0, 7.0], "b": [4.0, None]})
    >>> ax = grouped_bars(d, "year", ["a", "b"])
    >>> len(ax.patches)  # the hidden value draws no bar
    3
    """
    ax = _axes(ax, (6.5, 3.2))
    positions = np.arange(len(data))
    width = 0.8 / max(len(series), 1)
    names = list(labels) if labels is not None else list(series)
    for i, column in enumerate(series):
        values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
        offset = positions - 0.4 + width * (i + 0.5)
        shown = ~np.isnan(values)
        bars = ax.bar(
            offset[shown],
            values[shown],
            width * 0.95,
            label=names[i],
            color=PALETTE[i % len(PALETTE)],
            hatch=_HATCHES[i % len(_HATCHES)],
            edgecolor="white",
            linewidth=0.5,
        )
        ax.bar_label(bars, fmt="%d", fontsize=7, padding=1)
        for pos in offset[~shown]:
            ax.annotate(marker, (pos, 0), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(positions, [str(v) for v in data[x]])
    ax.set_ylabel(ylabel)
    ax.legend(ncols=len(series), loc="upper left", bbox_to_anchor=(0, 1.12))
    ax.grid(axis="x", visible=False)
    return ax


def stacked_shares(
    data: pd.DataFrame,
    row: str,
    part: str,
    value: str,
    *,
    order: Sequence[str] | None = None,
    xlabel: str = "Percentage",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of 100%, one per ``row``, split into ``part`` shares.

    Hidden shares (NaN) are left blank at the end of the bar, so the visible shares
    keep their true size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> d = pd.DataFrame({"year": ["A", "A", "B", "B"], "band": ["x", "y", "x", "y"],
    ...                   "percent": [40.0, 60.0, 30.0, 70.0]})
    >>> len(stacked_shares(d, "year", "band", "percent").patches)
    4
    """
    ax = _axes(ax, (6.5, 2.8))
    rows = list(dict.fromkeys(data[row].astype(str)))
    parts = list(order) if order is not None else list(dict.fromkeys(data[part].astype(str)))
    table = (
        data.assign(**{row: data[row].astype(str), part: data[part].astype(str)})
        .pivot(index=row, columns=part, values=value)
        .reindex(index=rows, columns=parts)
    )
    left = np.zeros(len(rows))
    for i, name in enumerate(parts):
        widths = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float)
        shown = np.nan_to_num(widths)
        ax.barh(
            np.arange(len(rows)),
            shown,
            left=left,
            height=0.6,
            label=name,
            color=PALETTE[i % len(PALETTE)],
            hatch=_HATCHES[i % len(_HATCHES)],
            edgecolor="white",
            linewidth=0.5,
        )
        for y, (start, w) in enumerate(zip(left, shown, strict=True)):
            if w >= 8:
                ax.text(
                    start + w / 2,
                    y,
                    f"{w:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="black",
                    bbox={
                        "boxstyle": "round,pad=0.15",
                        "facecolor": "white",
                        "edgecolor": "none",
                        "alpha": 0.85,
                    },
                )
        left = left + shown
    ax.set_yticks(np.arange(len(rows)), rows)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.legend(ncols=min(len(parts), 3), loc="lower left", bbox_to_anchor=(0, 1.02))
    ax.grid(axis="y", visible=False)
    return ax


def horizontal_bars(
    data: pd.DataFrame,
    label: str,
    value: str,
    *,
    xlabel: str = "",
    marker: str = "*",
    ax: Axes | None = None,
) -> Axes:
    """One horizontal bar per row (e.g. reviews by category); hidden values marked.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> d = pd.DataFrame({"category": ["Infection", "Malignancy"], "n": [12.0, None]})
    >>> len(horizontal_bars(d, "category", "n").patches)
    1
    """
    ax = _axes(ax, (6.5, 0.35 * len(data) + 0.8))
    values = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float)
    y = np.arange(len(data))
    shown = ~np.isnan(values)
    bars = ax.barh(y[shown], values[shown], height=0.6, color=PALETTE[0])
    ax.bar_label(bars, fmt="%d", fontsize=7, padding=2)
    for pos in y[~shown]:
        ax.annotate(
            marker,
            (0, pos),
            ha="left",
            va="center",
            fontsize=9,
            xytext=(2, 0),
            textcoords="offset points",
        )
    ax.set_yticks(y, [textwrap.fill(str(v), 38) for v in data[label]])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    return ax


def rate_lines(
    data: pd.DataFrame,
    x: str,
    group: str | None,
    value: str,
    lower: str,
    upper: str,
    *,
    ylabel: str = "",
    benchmark: float | Mapping[str, float] | None = None,
    benchmark_label: str = "England",
    group_labels: dict[Any, str] | None = None,
    bands: Sequence[Any] | None = None,
    series_label: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Rates over time, one line per group, with shaded confidence intervals.

    ``bands`` limits the shaded intervals to some groups (many overlapping bands are
    hard to read); each band drawn is named in the legend ("95% CI, <group>").
    ``series_label`` names the line when there are no groups. Every line has its own
    colour, marker and line style, so lines are told apart in greyscale too.
    Missing rates (hidden, or too few events) break the line. A benchmark (e.g.
    England) is drawn in dark grey: a number as a long-dashed horizontal line without
    markers across every year, labelled with its value at the right-hand end; a
    mapping ``{x label: value}`` as diamonds at those years only (the years with a
    comparable national figure), so no year shows a benchmark it does not have.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> d = pd.DataFrame({"year": ["2021", "2022"], "rate": [4.0, 5.0],
    ...                   "lo": [3.0, 4.0], "hi": [5.0, 6.0]})
    >>> ax = rate_lines(d, "year", None, "rate", "lo", "hi", benchmark=3.8)
    >>> len(ax.lines)  # the rate line and the benchmark
    2
    >>> ax.get_legend_handles_labels()[1]  # the band is named in the legend
    ['95% CI', 'England']
    >>> ax = rate_lines(d, "year", None, "rate", "lo", "hi", benchmark={"2022": 3.8})
    >>> ax.lines[-1].get_xdata().tolist(), ax.lines[-1].get_ydata().tolist()
    ([1.0], [3.8])
    """
    ax = _axes(ax, (6.5, 3.4))
    xs = list(dict.fromkeys(data[x].astype(str)))
    positions = {v: i for i, v in enumerate(xs)}
    groups = [None] if group is None else list(dict.fromkeys(data[group]))
    for i, key in enumerate(groups):
        part = data if key is None else data[data[group] == key]
        pos = np.array([positions[str(v)] for v in part[x]], dtype=float)
        mid = pd.to_numeric(part[value], errors="coerce").to_numpy(dtype=float)
        lo = pd.to_numeric(part[lower], errors="coerce").to_numpy(dtype=float)
        hi = pd.to_numeric(part[upper], errors="coerce").to_numpy(dtype=float)
        style = series_style(i)
        name = series_label if key is None else (group_labels or {}).get(key, str(key))
        ax.plot(pos, mid, label=name, linewidth=1.6, markersize=4, **style)
        if bands is None or key in bands:
            band_name = "95% CI" if key is None or name is None else f"95% CI, {name}"
            ax.fill_between(
                pos, lo, hi, color=style["color"], alpha=0.15, linewidth=0, label=band_name
            )
    if isinstance(benchmark, Mapping):
        known = [(positions[str(k)], float(v)) for k, v in benchmark.items() if str(k) in positions]
        if known:
            ax.plot(
                [float(p) for p, _ in known],
                [v for _, v in known],
                color=_BENCHMARK_COLOUR,
                linestyle="none",
                marker="D",
                markersize=5,
                label=benchmark_label,
            )
    elif benchmark is not None:
        ax.axhline(
            benchmark,
            color=_BENCHMARK_COLOUR,
            linestyle=(0, (8, 3)),
            linewidth=1.3,
            label=benchmark_label,
        )
        ax.annotate(
            f"{benchmark:g}",
            (1.0, benchmark),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color=_BENCHMARK_COLOUR,
        )
    ax.set_xticks(range(len(xs)), xs)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    _, names = ax.get_legend_handles_labels()
    if names:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax
