"""Funnel plot of areas: each area's value against its denominator, with control limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cdop.errors import CdopArgumentError
from cdop.plots._style import figure_style, series_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["funnel_plot"]

_REQUIRED: Final = ("value", "denominator", "funnel_significance", "benchmark_value", "statistic")
# Significance labels (compare_areas' funnel_significance) by group of points.
_GROUPS: Final = (
    ("Within 95% limits", ("Not significant",)),
    ("Between 95% and 99.8% limits", ("High (0.025)", "Low (0.025)")),
    ("Beyond 99.8% limits", ("High (0.001)", "Low (0.001)")),
)
# Series style of each group of points: blue circles, orange squares, vermillion crosses.
_GROUP_STYLE: Final = (0, 1, 6)
_OUTLIERS: Final = {
    "99.8": ("High (0.001)", "Low (0.001)"),
    "95": ("High (0.001)", "Low (0.001)", "High (0.025)", "Low (0.025)"),
}
_LIMIT_STYLE: Final = {"95": "--", "99_8": ":"}


def funnel_plot(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    area: str = "residence_area",
    label_outliers: Literal["99.8", "95", "none"] = "99.8",
    total_label: str | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    benchmark: float | pd.Series | pd.DataFrame | None = None,
) -> Axes:
    """Funnel plot of an area comparison: points, benchmark line, 95% and 99.8% limits.

    Each area is a point at (denominator, value), its marker and colour showing
    whether it lies within the 95% limits, between the 95% and 99.8% limits or
    beyond the 99.8% limits (``funnel_significance`` of
    :func:`cdop.analytics.compare_areas`). The benchmark (the total of the areas,
    "All areas", or the national figure the areas were compared with) is a solid
    line; the 95% limits are dashed and the 99.8% limits dotted
    (:func:`cdop.analytics.area_funnel_limits`, over the whole range of
    denominators), so the figure reads in greyscale. Outlying areas are labelled with
    their name. The legend sits inside the axes, so a plain ``savefig`` keeps it.

    Parameters
    ----------
    table : pandas.DataFrame
        A table from :func:`cdop.analytics.compare_areas`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).
    area : str, default "residence_area"
        The area column of ``table``.
    label_outliers : {"99.8", "95", "none"}, default "99.8"
        Label the areas beyond the 99.8% limits, beyond the 95% limits, or none.
    total_label : str, optional
        Legend label of the benchmark line (default: the table's
        ``benchmark_label``, e.g. "All areas" or "England 2024/25").
    title, xlabel, ylabel : str, optional
        Default x label "Denominator" (e.g. reviews or live births), y label
        "Percentage" or "Rate per <multiplier>".
    benchmark : float, pandas.Series or one-row pandas.DataFrame, optional
        The benchmark ``table`` was compared with (checked against it; see
        :func:`cdop.analytics.area_funnel_limits`).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from cdop.analytics import compare_areas
    >>> from cdop.plots import funnel_plot
    >>> t = pd.DataFrame({"residence_area": ["Irevale", "Caldene", "Fenmoor"],
    ...                   "numerator": [90, 60, 75], "denominator": [100, 100, 100]})
    >>> ax = funnel_plot(compare_areas(t))
    >>> sorted(text.get_text() for text in ax.texts)
    ['Caldene', 'Irevale']
    """
    from cdop.analytics import area_funnel_limits

    if not isinstance(table, pd.DataFrame) or any(c not in table.columns for c in _REQUIRED):
        raise CdopArgumentError(
            "funnel_plot(): argument `table` must be a table from cdop.analytics.compare_areas()"
        )
    if area not in table.columns:
        raise CdopArgumentError(f"funnel_plot(): argument `area`: no column {area!r} in `table`")
    if label_outliers not in _OUTLIERS and label_outliers != "none":
        raise CdopArgumentError(
            "funnel_plot(): argument `label_outliers` must be '99.8', '95' or 'none'; "
            f"received {label_outliers!r}"
        )
    import matplotlib.pyplot as plt

    limits = area_funnel_limits(table, benchmark=benchmark)
    points = table[table["denominator"] > 0]
    multiplier = float(table["multiplier"].iloc[0]) if "multiplier" in table.columns else 100.0
    is_rate = str(table["statistic"].iloc[0]).startswith("rate")
    with figure_style():
        if ax is None:
            _, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
        x_max = float(points["denominator"].max()) * 1.05
        england = float(table["benchmark_value"].iloc[0])
        if total_label is None:
            total_label = (
                str(table["benchmark_label"].iloc[0])
                if "benchmark_label" in table.columns
                else "All areas"
            )
        ax.axhline(england, color="#000000", linewidth=1.2, linestyle="-", label=total_label)
        for suffix, level in (("95", "95%"), ("99_8", "99.8%")):
            for side in ("lower", "upper"):
                curve = limits[limits["limit"] == f"{side}_{suffix}"]
                curve = curve[curve["denominator"] <= x_max]
                ax.plot(
                    curve["denominator"].to_numpy(dtype=np.float64),
                    curve["value"].to_numpy(dtype=np.float64),
                    color="#555555",
                    linewidth=0.9,
                    linestyle=_LIMIT_STYLE[suffix],
                    label=f"{level} limits" if side == "lower" else "_nolegend_",
                )
        for (name, labels), style_index in zip(_GROUPS, _GROUP_STYLE, strict=True):
            group = points[points["funnel_significance"].isin(labels)]
            if group.empty:
                continue
            style = series_style(style_index)
            ax.scatter(
                group["denominator"].to_numpy(dtype=np.float64),
                group["value"].to_numpy(dtype=np.float64),
                color=style["color"],
                marker=style["marker"],
                s=26,
                edgecolors="white",
                linewidths=0.4,
                zorder=3,
                label=name,
            )
        if label_outliers != "none":
            marked = points[points["funnel_significance"].isin(_OUTLIERS[label_outliers])]
            for _, row in marked.iterrows():
                ax.annotate(
                    str(row[area]),
                    (float(row["denominator"]), float(row["value"])),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=7,
                )
        values = points["value"].to_numpy(dtype=np.float64)
        x_min = 0.8 * float(points["denominator"].min())
        ax.set_ylim(*_y_span(values, england, limits, (x_min, x_max), multiplier, is_rate))
        ax.set_xlim(0, x_max)
        ax.set_xlabel(xlabel or "Denominator")
        ax.set_ylabel(ylabel or (f"Rate per {multiplier:,.0f}" if is_rate else "Percentage"))
        if title:
            ax.set_title(title)
        ax.legend(loc="best", fontsize=7, framealpha=0.9)
    return ax


def _y_span(
    values: npt.NDArray[np.float64],
    england: float,
    limits: pd.DataFrame,
    x_range: tuple[float, float],
    multiplier: float,
    is_rate: bool,
) -> tuple[float, float]:
    """A y range showing every point and the limits over the areas' denominators."""
    near = limits[(limits["denominator"] >= x_range[0]) & (limits["denominator"] <= x_range[1])]
    shown = np.concatenate([values, [england], near["value"].to_numpy(dtype=np.float64)])
    lo, hi = float(np.nanmin(shown)), float(np.nanmax(shown))
    pad = 0.05 * (hi - lo) if hi > lo else 1.0
    lo, hi = max(lo - pad, 0.0), hi + pad
    if not is_rate:
        hi = min(hi, float(multiplier))
    return lo, hi
