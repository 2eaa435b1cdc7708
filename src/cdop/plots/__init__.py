"""Figures of the annual report, drawn with matplotlib (imported only when a figure is drawn).

Every plotting function takes a tidy DataFrame from :mod:`cdop.analytics` and an optional
``ax`` and returns the Axes, following the house style of :mod:`cdop.plots._style`.
"""

from __future__ import annotations

from cdop.plots._funnel import funnel_plot
from cdop.plots._style import FIGURE_DPI, PALETTE, figure_style, series_style

__all__ = ["FIGURE_DPI", "PALETTE", "figure_style", "funnel_plot", "series_style"]
