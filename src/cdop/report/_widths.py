"""Column widths for Word tables, from the widths of the house font's characters.

Word lays out a table from the column widths stored in the file (LibreOffice follows
them strictly), so the renderer measures each column's text with the metrics of Arial
(identical to Helvetica and Liberation Sans) and chooses widths the way a browser's
automatic table layout does: every column as wide as its longest line when the table
fits the page; otherwise each column at least as wide as its longest word (numbers
never wrap) and the remaining width shared in proportion to what each column lacks.
Tables are never set below the table font size (9 pt, the smallest size a printed table
is read at): a table whose numbers do not fit the page's width says so (``fits``), and
the Word renderer then gives it a landscape page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cdop.report._model import Align

__all__ = ["TableLayout", "column_groups", "layout_table", "text_width_mm"]

_PT_MM: Final = 25.4 / 72
#: Advance widths of Arial / Helvetica regular, in thousandths of an em.
_WIDTHS: Final[dict[str, int]] = {
    **dict.fromkeys("0123456789", 556),
    **dict.fromkeys(" .,:;!/|'", 278),
    **dict.fromkeys("()[]-", 333),
    "*": 389,
    "%": 889,
    "<": 584,
    ">": 584,
    "=": 584,
    "+": 584,
    "&": 667,
    "\u2013": 556,
    "\u2014": 1000,
    **dict.fromkeys("abdeghnopqu", 556),
    **dict.fromkeys("ckszvxy", 500),
    **dict.fromkeys("fijlrt", 278),
    "i": 222,
    "j": 222,
    "l": 222,
    "r": 333,
    "m": 833,
    "w": 722,
    **dict.fromkeys("ABEKPSVXY", 667),
    **dict.fromkeys("CDHNRU", 722),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("GOQ", 778),
    "I": 278,
    "J": 500,
    "L": 556,
    "M": 833,
    "W": 944,
}
_DEFAULT_WIDTH: Final = 556
#: Bold Arial is a little wider; a small margin covers rounding in the layout engines.
_BOLD: Final = 1.08
_SAFETY: Final = 1.04
#: Left plus right cell margins (Word's default 0.19 cm each) and a little air.
CELL_PAD_MM: Final = 4.4
#: Tables take at least this share of the text width (as in the HTML).
MIN_SHARE: Final = 0.5


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of one line of text in the house font, in millimetres.

    Examples
    --------
    >>> round(text_width_mm("0000", 10), 2)
    8.16
    """
    ems = sum(_WIDTHS.get(ch, _DEFAULT_WIDTH) for ch in text) / 1000
    return ems * size_pt * _PT_MM * (_BOLD if bold else 1.0) * _SAFETY


@dataclass(frozen=True)
class TableLayout:
    """Font size (points) and column widths (millimetres) of one table.

    ``fits`` is False when even the narrowest sensible widths (every number on one line)
    add up to more than the width given: the widths are then squeezed in proportion.
    """

    size_pt: float
    widths_mm: tuple[float, ...]
    fits: bool = True


def _longest_word(text: str, size: float, bold: bool = False) -> float:
    return max((text_width_mm(w, size, bold) for w in text.split()), default=0.0)


def _bounds(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[Align],
    size: float,
) -> tuple[list[float], list[float]]:
    """Narrowest and widest sensible width of each column."""
    lows, highs = [], []
    for j, head in enumerate(header):
        cells = [r[j] for r in rows if j < len(r)]
        widest = max([text_width_mm(head, size, True), *(text_width_mm(c, size) for c in cells)])
        narrowest = max([_longest_word(head, size, True), *(_longest_word(c, size) for c in cells)])
        if j < len(aligns) and aligns[j] == "right":  # numbers do not wrap
            narrowest = max([narrowest, *(text_width_mm(c, size) for c in cells)])
        lows.append(narrowest + CELL_PAD_MM)
        highs.append(widest + CELL_PAD_MM)
    return lows, highs


def layout_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[Align],
    size_pt: float,
    width_mm: float,
) -> TableLayout:
    """Choose the column widths of a table at its font size.

    Parameters
    ----------
    header, rows
        Column headings and display cells.
    aligns
        Alignment of each column; right-aligned (numeric) columns are not wrapped.
    size_pt
        Table font size (never reduced).
    width_mm
        Text width of the page.

    Returns
    -------
    TableLayout
        The size and the widths, which never add up to more than ``width_mm``, and
        whether every number fits on one line.

    Examples
    --------
    >>> layout = layout_table(("Sex", "Deaths"), [("Female", "12")], ("left", "right"), 9, 170)
    >>> layout.size_pt, round(sum(layout.widths_mm)), layout.fits
    (9, 85, True)
    >>> wide = layout_table(("Period", "Rate"), [("2020-2022", "10.9 (7.9 to 14.7)" * 9)],
    ...                     ("left", "right"), 9, 170)
    >>> wide.fits, round(sum(wide.widths_mm))
    (False, 170)
    """
    lows, highs = _bounds(header, rows, aligns, size_pt)
    fits = sum(lows) <= width_mm
    if sum(highs) <= width_mm:
        widths = highs
        floor = width_mm * MIN_SHARE
        if sum(widths) < floor:
            widths = [w * floor / sum(widths) for w in widths]
    elif fits:
        spare = width_mm - sum(lows)
        lack = [h - lo for h, lo in zip(highs, lows, strict=True)]
        widths = [lo + spare * k / sum(lack) for lo, k in zip(lows, lack, strict=True)]
    else:
        widths = [lo * width_mm / sum(lows) for lo in lows]
    return TableLayout(size_pt, tuple(widths), fits)


def column_groups(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[Align],
    size_pt: float,
    width_mm: float,
) -> list[list[int]] | None:
    """Split a table too wide for the page into parts that fit, each repeating column 0.

    The fewest parts are used, with the columns shared among them as evenly as their
    order allows. None when even one column beside the first does not fit.

    Examples
    --------
    >>> cells = ("10.9 (7.9 to 14.6)",) * 6
    >>> column_groups(("Period", *"ABCDEF"), [("2020-2022", *cells)], ["left"] + ["right"] * 6,
    ...               9, 170)
    [[1, 2, 3], [4, 5, 6]]
    """
    lows, _ = _bounds(header, rows, aligns, size_pt)
    first, rest = lows[0], lows[1:]
    if not rest or first + max(rest) > width_mm:
        return None
    for parts in range(1, len(rest) + 1):
        size, extra = divmod(len(rest), parts)
        groups, start = [], 1
        for k in range(parts):
            end = start + size + (1 if k < extra else 0)
            groups.append(list(range(start, end)))
            start = end
        if all(first + sum(lows[j] for j in g) <= width_mm for g in groups):
            return groups
    return None
