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
    margins: tuple[float, float, float, float] | None = None,
) -> ReportFigure:
    """Draw with ``draw(ax)`` in the house style and return the figure's bytes.

    ``margins`` (left, bottom, right, top, in inches from the figure's edges) fixes
    the layout; without it the layout is fitted to the drawing (slower). No date or
    software version is written into the files, and SVG element ids are fixed, so the
    same data always give the same bytes.
    """
    from matplotlib.figure import Figure

    with figure_style():
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        draw(ax)
        if margins is None:
            fig.tight_layout(pad=0.6)  # laid out once, for both files
        else:
            left, bottom, right, top = margins
            fig.subplots_adjust(
                left=left / size[0],
                bottom=bottom / size[1],
                right=1 - right / size[0],
                top=1 - top / size[1],
            )
        raw, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(raw, format="rgba", dpi=FIGURE_DPI)
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        width = round(size[0] * FIGURE_DPI)
    return ReportFigure(
        id=fig_id, title=title, alt=alt, png=_png(raw.getvalue(), width), svg=svg.getvalue()
    )


def _png(rgba: bytes, width: int) -> bytes:
    """Encode raw RGBA pixels as an RGB PNG marked 300 dpi (smaller and faster than the
    RGBA file matplotlib writes; the figures have an opaque white background)."""
    from PIL import Image

    height = len(rgba) // (4 * width)
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="png", compress_level=1, dpi=(FIGURE_DPI, FIGURE_DPI))
    return out.getvalue()
