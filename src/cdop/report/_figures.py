"""Turning a drawn matplotlib figure into PNG (300 dpi) and SVG bytes, reproducibly.

Each figure is laid out once and drawn once for both files: one pass over the figure's
artists (bars, lines, ticks, text) hands every drawing call to Agg, whose pixels are
encoded here as PNG straight from its buffer (numpy and zlib: no image library, no
timestamp), and to matplotlib's SVG renderer, the same shapes scaled from pixels at
300 dpi to points. Text is measured once, by Agg, so the SVG places every label where the
PNG does. A figure drawing anything the single pass does not carry (images, meshes,
rasterised artists) is drawn a second time by matplotlib's SVG backend instead. Agg
renderers are kept per process for each canvas size, so figures of the same size reuse one
pixel buffer and its cache of text measurements instead of measuring every tick label
again.
"""

from __future__ import annotations

import functools
import io
import math
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
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure

__all__ = ["make_figure", "png_bytes"]

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
#: zlib level of the PNG data: fast, and within a tenth of the size of level 6 here.
_PNG_LEVEL: Final = 1
_INCH_M: Final = 0.0254
#: Agg renderers kept per process (one per canvas size; about 8 MB each at 300 dpi).
_RENDERERS_KEPT: Final = 6
_RENDERERS: OrderedDict[tuple[int, int, float], _BothFiles] = OrderedDict()
#: Text layouts and glyph bitmaps kept per process (see :meth:`_BothFiles._agg_text`).
_LAYOUTS: dict[tuple[Any, ...], tuple[tuple[Any, int, float, float], ...]] = {}
_LAYOUTS_KEPT: Final = 20_000
_GLYPHS: dict[tuple[Any, ...], tuple[np.ndarray[Any, Any], int, int]] = {}
_GLYPHS_KEPT: Final = 50_000
#: Fonts' vertical metrics by font and dpi (see :meth:`_BothFiles._get_font_height_metrics`).
_HEIGHTS: dict[tuple[Any, float], tuple[Any, Any, Any]] = {}
_HEIGHTS_KEPT: Final = 1_000


@functools.cache
def _glyphs_can_be_kept() -> bool:
    """Whether this matplotlib draws text glyph by glyph (3.11 and later), so that
    :meth:`_BothFiles._agg_text` can do the same; otherwise Agg draws text itself."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.ft2font import FT2Font

    return all(
        hasattr(owner, name)
        for owner, name in (
            (FT2Font, "_layout"),
            (FT2Font, "_render_glyph"),
            (FT2Font, "_set_transform"),
            (RendererAgg, "_draw_text_glyphs_and_boxes"),
            (RendererAgg, "_prepare_font"),
        )
    )


#: No date or software version in the SVG file.
_SVG_METADATA: Final[dict[str, Any]] = {"Date": None, "Creator": None}


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
            # tight_layout leaves a placeholder layout engine, for which savefig draws
            # the whole figure once more (drawing switched off) before drawing it.
            fig.set_layout_engine(None)
        else:
            left, bottom, right, top = margins
            fig.subplots_adjust(
                left=left / size[0],
                bottom=bottom / size[1],
                right=1 - right / size[0],
                top=1 - top / size[1],
            )
        raw = _PngFile(round(size[0] * FIGURE_DPI), FIGURE_DPI)
        canvas = fig.canvas
        assert isinstance(canvas, _shared_canvas_class())
        canvas.with_svg = True
        try:
            fig.savefig(raw, format="rgba", dpi=FIGURE_DPI)
        finally:
            canvas.with_svg = False
        png = raw.png()  # before anything else draws on the renderer
        svg_text = canvas.svg_text
        if svg_text is None:  # something one pass cannot carry: the SVG backend draws it
            svg = io.BytesIO()
            fig.savefig(svg, format="svg", metadata=_SVG_METADATA)
            svg_text = svg.getvalue().decode("utf-8")
    # matplotlib writes the text of labels as given; a character XML forbids (a control
    # character in an area's name, say) would leave the SVG file unreadable.
    return ReportFigure(
        id=fig_id,
        title=title,
        alt=alt,
        png=png,
        svg=xml_text(svg_text).encode("utf-8"),
    )


def _canvas(fig: Figure) -> None:
    """Give ``fig`` an Agg canvas that draws on the process's renderer of its size."""
    _shared_canvas_class()(fig)


@functools.cache
def _shared_canvas_class() -> type[Any]:
    """The Agg canvas whose renderers are kept per size and which, while ``with_svg`` is
    set, draws the SVG file in the same pass as the pixels, into ``svg_text`` (None when
    the drawing held something the pass does not carry). matplotlib is imported lazily."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG

    class SharedCanvas(FigureCanvasAgg):
        with_svg: bool = False
        svg_text: str | None = None

        def get_renderer(self) -> _BothFiles:
            width, height = self.get_width_height(physical=True)
            key = (width, height, float(self.figure.dpi))
            renderer = _RENDERERS.get(key)
            if renderer is None:
                renderer = _BothFiles(RendererAgg(width, height, self.figure.dpi))  # type: ignore[no-untyped-call]
                _RENDERERS[key] = renderer
                while len(_RENDERERS) > _RENDERERS_KEPT:
                    _RENDERERS.popitem(last=False)
            else:
                _RENDERERS.move_to_end(key)
            self.renderer = renderer
            return renderer

        def print_raw(self, filename_or_obj: Any, *, metadata: Any = None, **_: Any) -> None:
            # ``_``: what savefig passes every renderer (dpi, colours), already set on
            # the figure by then.
            renderer = self.get_renderer()
            if not self.with_svg:
                super().print_raw(filename_or_obj, metadata=metadata)  # type: ignore[no-untyped-call]
                return
            self.svg_text = None
            text = io.StringIO()
            inches = self.figure.get_size_inches()
            renderer.start_svg(
                RendererSVG(  # type: ignore[no-untyped-call]
                    inches[0] * 72.0,
                    inches[1] * 72.0,
                    text,
                    image_dpi=self.figure.dpi,
                    metadata=_SVG_METADATA,
                ),
                72.0 / self.figure.dpi,
            )
            try:
                super().print_raw(filename_or_obj, metadata=metadata)  # type: ignore[no-untyped-call]
            except BaseException:
                renderer.drop_svg()
                raise
            if renderer.finish_svg():
                self.svg_text = text.getvalue()

        print_rgba = print_raw

    return SharedCanvas


class _BothFiles:
    """A renderer handing every drawing call to Agg (pixels at the figure's dpi) and, while
    an SVG renderer is attached, to it too, with every position scaled to points.

    Measurements (text extents, points to pixels) are Agg's, so the figure is laid out
    once. Calls the single pass does not carry to the SVG file (images, meshes,
    rasterising, filters) are drawn by Agg and mark the SVG as failed; the caller then
    draws the SVG file the ordinary way.
    """

    def __init__(self, agg: RendererAgg) -> None:
        self._agg: Any = agg
        self.svg: Any = None
        self._scale: Any = None
        self._failed = False
        # Clip paths in points, by the clip path in pixels (kept, so its id is not reused).
        self._clips: dict[tuple[int, str], tuple[Any, Any]] = {}
        # The calls made most often go straight to Agg (no lookup through __getattr__).
        self.points_to_pixels = agg.points_to_pixels
        self.get_text_width_height_descent = agg.get_text_width_height_descent
        self.new_gc = agg.new_gc

    def __getattr__(self, name: str) -> Any:
        if name == "_agg":  # not set yet (a copy being made): no renderer to ask
            raise AttributeError(name)
        return getattr(self._agg, name)

    # -- measurements ------------------------------------------------------------------
    def _get_font_height_metrics(self, prop: Any) -> tuple[Any, Any, Any]:
        """The ascent, descent and line gap of the font ``prop`` names, at its size and
        this renderer's dpi: what matplotlib's text layout (3.11 and later) reads from
        the font's tables for every text it lays out, read here once per process for
        each font, size and dpi. The same numbers, to the bit (the same sums)."""
        from matplotlib.font_manager import font_family_aliases

        dpi = self._agg.dpi
        # A generic family ("sans-serif") means whatever the settings say at the time.
        kept = not any(family in font_family_aliases for family in prop.get_family())
        key = (prop.copy(), dpi)
        if kept:
            found = _HEIGHTS.get(key)
            if found is not None:
                return found
        found = _font_height_metrics(prop, dpi)
        if kept:
            if len(_HEIGHTS) >= _HEIGHTS_KEPT:
                _HEIGHTS.clear()
            _HEIGHTS[key] = found
        return found

    # -- the SVG file of one drawing ----------------------------------------------------
    def start_svg(self, svg: Any, scale: float) -> None:
        from matplotlib.transforms import Affine2D

        self.svg = svg
        self._scale = Affine2D().scale(scale)
        self._failed = False
        self._clips.clear()

    def finish_svg(self) -> bool:
        """Close the SVG file; whether it holds the whole drawing."""
        svg = self.svg
        self.drop_svg()
        if not self._failed:
            svg.finalize()
        return not self._failed

    def drop_svg(self) -> None:
        """Detach the SVG renderer (its file is left unfinished)."""
        self.svg = None
        self._clips.clear()

    def _unsupported(self) -> None:
        self._failed = True

    def _svg_gc(self, gc: Any) -> Any:
        """``gc`` with its clip rectangle and clip path in points."""
        from matplotlib.backend_bases import GraphicsContextBase
        from matplotlib.transforms import Bbox, TransformedPath

        out = GraphicsContextBase()
        out.copy_properties(gc)
        rect = gc.get_clip_rectangle()
        if rect is not None:
            out.set_clip_rectangle(Bbox(rect.get_points() * self._scale.get_matrix()[0, 0]))
        path, transform = gc.get_clip_path()
        if path is None:
            out.set_clip_path(None)
        else:
            # One clip path object per clip, so that the SVG file defines each clip once.
            key = (id(path), repr(transform.get_matrix().tolist()))
            kept = self._clips.get(key)
            if kept is None:
                kept = (TransformedPath(path, transform + self._scale), path)
                self._clips[key] = kept
            out.set_clip_path(kept[0])
        return out

    # -- drawing calls -------------------------------------------------------------------
    def draw_path(self, gc: Any, path: Any, transform: Any, rgbFace: Any = None) -> None:
        self._agg.draw_path(gc, path, transform, rgbFace)
        if self.svg is not None:
            self.svg.draw_path(self._svg_gc(gc), path, transform + self._scale, rgbFace)

    def draw_markers(
        self,
        gc: Any,
        marker_path: Any,
        marker_trans: Any,
        path: Any,
        trans: Any,
        rgbFace: Any = None,
    ) -> None:
        self._agg.draw_markers(gc, marker_path, marker_trans, path, trans, rgbFace)
        if self.svg is not None:
            self.svg.draw_markers(
                self._svg_gc(gc),
                marker_path,
                marker_trans + self._scale,
                path,
                trans + self._scale,
                rgbFace,
            )

    def draw_path_collection(
        self,
        gc: Any,
        master_transform: Any,
        paths: Any,
        all_transforms: Any,
        offsets: Any,
        offset_trans: Any,
        *rest: Any,
        **options: Any,
    ) -> None:
        self._agg.draw_path_collection(
            gc, master_transform, paths, all_transforms, offsets, offset_trans, *rest, **options
        )
        if self.svg is not None:
            self.svg.draw_path_collection(
                self._svg_gc(gc),
                master_transform + self._scale,
                paths,
                all_transforms,
                offsets,
                offset_trans + self._scale,
                *rest,
                **options,
            )

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        if ismath or not gc.get_antialiased() or not _glyphs_can_be_kept():
            self._agg.draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        else:
            self._agg_text(gc, x, y, s, prop, angle, mtext)
        if self.svg is not None:
            if ismath == "TeX":
                self._unsupported()
                return
            k = float(self._scale.get_matrix()[0, 0])
            anchor = None if mtext is None else _ScaledText(mtext, self._scale)
            self.svg.draw_text(self._svg_gc(gc), x * k, y * k, s, prop, angle, ismath, anchor)

    def _agg_text(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, mtext: Any
    ) -> None:
        """Agg's drawing of plain text, each glyph's bitmap rendered once per process.

        What matplotlib's Agg renderer does (lay the text out, render each glyph at its
        position to 1/64 pixel, draw its bitmap), with two results kept: the layout of a
        text in a font, and the bitmap of a glyph at a position within its pixel (a
        glyph moved by whole pixels has the same bitmap, moved by as many). The figures
        print the same labels, digits and words again and again; the pixels are the
        same as Agg's own, byte for byte.
        """
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.ft2font import RenderMode

        agg = self._agg
        font = agg._prepare_font(prop)
        flags = get_hinting_flag()  # type: ignore[no-untyped-call]
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        size = prop.get_size_in_points()
        dpi = agg.dpi
        layout_key = (font, size, dpi, s, flags, features, language)
        items = _LAYOUTS.get(layout_key)
        if items is None:
            items = tuple(
                (item.ft_object, item.glyph_index, item.x, item.y)
                for item in font._layout(s, flags=flags, features=features, language=language)
            )
            if len(_LAYOUTS) >= _LAYOUTS_KEPT:
                _LAYOUTS.clear()
            _LAYOUTS[layout_key] = items
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        height = agg.height
        draw = agg._renderer.draw_text_image
        matrix: Any = None
        for ft, glyph, dx, dy in items:  # dy is upwards
            tx = round(0x40 * (x + dx * cos - dy * sin))
            ty = round(0x40 * (height - y + dx * sin + dy * cos))  # FreeType's y is upwards
            key = (ft, size, dpi, glyph, angle, flags, tx & 0x3F, ty & 0x3F)
            kept = _GLYPHS.get(key)
            if kept is None:
                if matrix is None:
                    matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
                ft.set_size(size, dpi)
                ft._set_transform(matrix, [tx, ty])
                bitmap = ft._render_glyph(glyph, flags, RenderMode.NORMAL)
                kept = (np.array(bitmap.buffer), bitmap.left - (tx >> 6), bitmap.top - (ty >> 6))
                if len(_GLYPHS) >= _GLYPHS_KEPT:
                    _GLYPHS.clear()
                _GLYPHS[key] = kept
            buffer, left, top = kept
            # draw_text_image's y is downwards and at the bitmap's bottom side.
            draw(
                buffer,
                (tx >> 6) + left,
                int(height) - ((ty >> 6) + top) + buffer.shape[0],
                0,
                gc,
            )

    def open_group(self, s: str, gid: str | None = None) -> None:
        self._agg.open_group(s, gid)
        if self.svg is not None:
            self.svg.open_group(s, gid)

    def close_group(self, s: str) -> None:
        self._agg.close_group(s)
        if self.svg is not None:
            self.svg.close_group(s)

    def draw_image(self, *args: Any, **kwargs: Any) -> None:
        self._unsupported()
        self._agg.draw_image(*args, **kwargs)

    def draw_tex(self, *args: Any, **kwargs: Any) -> None:
        self._unsupported()
        self._agg.draw_tex(*args, **kwargs)

    def draw_gouraud_triangles(self, *args: Any, **kwargs: Any) -> None:
        self._unsupported()
        self._agg.draw_gouraud_triangles(*args, **kwargs)

    def draw_quad_mesh(self, *args: Any, **kwargs: Any) -> None:
        self._unsupported()
        self._agg.draw_quad_mesh(*args, **kwargs)

    def start_rasterizing(self) -> None:
        self._unsupported()
        self._agg.start_rasterizing()

    def stop_rasterizing(self) -> None:
        self._agg.stop_rasterizing()

    def start_filter(self) -> None:
        self._unsupported()
        self._agg.start_filter()

    def stop_filter(self, filter_func: Any) -> None:
        self._agg.stop_filter(filter_func)


def _font_height_metrics(prop: Any, dpi: float) -> tuple[Any, Any, Any]:
    """matplotlib's reading of a font's vertical metrics (``Text._get_layout``): the
    typographic ascent, descent and line gap (OS/2 table, else hhea), scaled to the
    font's size at ``dpi``; None for each when the font has neither table."""
    from matplotlib.font_manager import fontManager, get_font

    font: Any = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap_key, ascent_key, descent_key in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        size = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * size * dpi / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None


class _ScaledText:
    """A text artist as the SVG renderer reads it for anchoring: its position in points."""

    def __init__(self, text: Any, scale: Any) -> None:
        self._text = text
        self._scale = scale

    def get_transform(self) -> Any:
        return self._text.get_transform() + self._scale

    def __getattr__(self, name: str) -> Any:
        return getattr(self._text, name)


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
