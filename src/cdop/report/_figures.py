"""Turning a drawn matplotlib figure into PNG (300 dpi) and SVG bytes, reproducibly."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from cdop.plots._style import FIGURE_DPI, figure_style
from cdop.report._model import ReportFigure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["make_figure"]


def make_figure(
    fig_id: str,
    title: str,
    alt: str,
    draw: Callable[[Axes], object],
    *,
    size: tuple[float, float] = (6.5, 3.4),
) -> ReportFigure:
    """Draw with ``draw(ax)`` in the house style and return the figure's bytes.

    No date or software version is written into the files, and SVG element ids are
    fixed, so the same data always give the same bytes.
    """
    from matplotlib.figure import Figure

    with figure_style():
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        draw(ax)
        fig.tight_layout(pad=0.6)  # laid out once, for both files
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(
            png,
            format="png",
            dpi=FIGURE_DPI,
            metadata={"Software": None},
            pil_kwargs={"compress_level": 3},
        )
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return ReportFigure(id=fig_id, title=title, alt=alt, png=png.getvalue(), svg=svg.getvalue())
