"""Turning a drawn matplotlib figure into PNG (300 dpi) and SVG bytes, reproducibly.

Each figure is laid out once and drawn once per file: its pixels by Agg, encoded here as
PNG straight from Agg's buffer (numpy and zlib: no image library, no timestamp), and its
SVG by matplotlib's SVG backend. Agg renderers are kept per process for each canvas size,
so figures of the same size reuse one pixel buffer and its cache of text measurements
instead of measuring every tick label again.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from cdop._safe import xml_text
from cdop.plots._style import FIGURE_DPI, figure_style
from cdop.report._model import ReportFigure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.figure import Figure

__all__ = ["make_figure", "png_bytes"]

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
#: zlib level of the PNG data: fast, and within a tenth of the size of level 6 here.
_PNG_LEVEL: Final = 1
_INCH_M: Final = 0.0254
#: Agg renderers kept per process (one per canvas size; about 8 MB each at 300 dpi).
_RENDERERS_KEPT: Final = 6
_RENDERERS: OrderedDict[tuple[int, int, float], RendererAgg] = OrderedDict()


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
        _canvas(fig)
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
        raw = _PngFile(round(size[0] * FIGURE_DPI), FIGURE_DPI)
        fig.savefig(raw, format="rgba", dpi=FIGURE_DPI)
        png = raw.png()  # before anything else draws on the renderer
        svg = io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    # matplotlib writes the text of labels as given; a character XML forbids (a control
    # character in an area's name, say) would leave the SVG file unreadable.
    svg_text = svg.getvalue().decode("utf-8")
    return ReportFigure(
        id=fig_id, title=title, alt=alt, png=png, svg=xml_text(svg_text).encode("utf-8")
    )


def _canvas(fig: Figure) -> None:
    """Give ``fig`` an Agg canvas that draws on the process's renderer of its size."""
    _shared_canvas_class()(fig)


@functools.cache
def _shared_canvas_class() -> type[FigureCanvasAgg]:
    """The Agg canvas whose renderers are kept per size (matplotlib imported lazily)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    class SharedCanvas(FigureCanvasAgg):
        def get_renderer(self) -> RendererAgg:
            width, height = self.get_width_height(physical=True)
            key = (width, height, float(self.figure.dpi))
            renderer = _RENDERERS.get(key)
            if renderer is None:
                renderer = RendererAgg(width, height, self.figure.dpi)  # type: ignore[no-untyped-call]
                _RENDERERS[key] = renderer
                while len(_RENDERERS) > _RENDERERS_KEPT:
                    _RENDERERS.popitem(last=False)
            else:
                _RENDERERS.move_to_end(key)
            self.renderer = renderer
            return renderer

    return SharedCanvas


class _PngFile(io.BytesIO):
    """A file to which matplotlib writes raw RGBA pixels (rows of ``width`` pixels):
    :meth:`png` encodes them, reading Agg's buffer in place when it came in one piece."""

    def __init__(self, width: int, dpi: int) -> None:
        super().__init__()
        self.width = width
        self.dpi = dpi
        self._pieces: list[Any] = []

    def write(self, data: Any) -> int:
        piece = memoryview(data).cast("B")
        self._pieces.append(piece)
        return piece.nbytes

    def png(self) -> bytes:
        """The pixels written, as PNG bytes."""
        raw = self._pieces[0] if len(self._pieces) == 1 else b"".join(self._pieces)
        pixels = np.frombuffer(raw, dtype=np.uint8)
        if pixels.size % (4 * self.width):
            raise ValueError(f"figure: expected rows of {self.width} RGBA pixels")
        data = png_bytes(pixels.reshape(-1, self.width, 4), self.dpi)
        self._pieces.clear()
        return data


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_bytes(pixels: np.ndarray[Any, Any], dpi: int = FIGURE_DPI) -> bytes:
    """An RGB PNG of ``pixels`` (rows x columns x RGB or RGBA, 8 bits; alpha dropped)
    marked ``dpi`` dots per inch.

    The figures have an opaque white background, so an RGB file shows the same image as
    the RGBA one matplotlib writes, in three quarters of the data. Rows are stored
    unfiltered and compressed with zlib; the same pixels always give the same bytes.

    Examples
    --------
    >>> import numpy as np
    >>> pixels = np.zeros((2, 3, 4), dtype=np.uint8)
    >>> pixels[..., 0] = 255
    >>> data = png_bytes(pixels, dpi=300)
    >>> data[:8] == b"\\x89PNG\\r\\n\\x1a\\n", data[12:16], data[16:24].hex()
    (True, b'IHDR', '0000000300000002')
    """
    if pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or pixels.dtype != np.uint8:
        raise ValueError(f"pixels: expected rows x columns x 3 or 4 bytes; got {pixels.shape}")
    height, width = int(pixels.shape[0]), int(pixels.shape[1])
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) on every row
    rgb = rows[:, 1:].reshape(height, width, 3)  # a view: each row after its filter byte
    for channel in range(3):  # one channel at a time: three times faster than all at once
        rgb[:, :, channel] = pixels[:, :, channel]
    per_metre = round(dpi / _INCH_M)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"".join(
        (
            _PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib.compress(rows.data, _PNG_LEVEL)),
            _chunk(b"IEND", b""),
        )
    )
