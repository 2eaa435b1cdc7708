"""House style of the library's figures: colour-blind-safe and readable in greyscale.

Colours are the Okabe-Ito palette, ordered so that neighbouring series also differ in
lightness; every series also gets its own marker and line style, so a figure printed in
greyscale still tells series apart. Style is applied with a context manager around each
figure, never by changing matplotlib's global settings.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Final

__all__ = ["FIGURE_DPI", "LINESTYLES", "MARKERS", "PALETTE", "figure_style", "series_style"]

#: Okabe-Ito colours, dark and light alternating.
PALETTE: Final = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#000000",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
)
MARKERS: Final = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES: Final = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), "-", "--")
#: Resolution of PNG figures.
FIGURE_DPI: Final = 300

_RC: Final[dict[str, Any]] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "figure.dpi": 100,
    # Figures are laid out by the chapter (fixed margins or one tight layout), whatever a
    # user's own matplotlib settings ask for, and saved at their full size.
    "figure.autolayout": False,
    "figure.constrained_layout.use": False,
    "savefig.bbox": "standard",
    "savefig.dpi": FIGURE_DPI,
    "svg.hashsalt": "cdop",  # stable SVG ids: the same figure gives the same bytes
    "svg.fonttype": "none",
    "text.parse_math": False,  # "$" in a name is a dollar sign, not mathematics
    "pdf.fonttype": 42,
}


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Apply the house style inside a ``with`` block (matplotlib imported lazily)."""
    import matplotlib as mpl

    settings: Any = _RC  # matplotlib's stubs list keys as literals; these are all valid
    with mpl.rc_context(settings):
        yield


def series_style(index: int) -> dict[str, Any]:
    """Colour, marker and line style of the ``index``-th series.

    Examples
    --------
    >>> series_style(0)["color"], series_style(1)["marker"]
    ('#0072B2', 's')
    """
    i = index % len(PALETTE)
    return {"color": PALETTE[i], "marker": MARKERS[i], "linestyle": LINESTYLES[i]}
