"""make_figure() and png_bytes(): the PNG shows exactly the pixels matplotlib draws, and
the same figure gives the same bytes whatever was drawn before it in the process."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable

import matplotlib
import numpy as np
import pytest
from matplotlib.axes import Axes
from PIL import Image

from cdop.plots._style import FIGURE_DPI, figure_style
from cdop.report._figures import make_figure, png_bytes

matplotlib.use("Agg")


def _bars(values: list[float]) -> Callable[[Axes], None]:
    def draw(ax: Axes) -> None:
        ax.bar(range(len(values)), values, label="deaths")
        ax.set_xticks(range(len(values)), [f"20{10 + i}/{11 + i}" for i in range(len(values))])
        ax.set_ylabel("Deaths reviewed")
        ax.legend()

    return draw


def _pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))


def test_png_bytes_decode_to_the_same_pixels() -> None:
    # Decoded by Pillow, an independent PNG reader: the RGB channels, alpha dropped.
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    data = png_bytes(pixels, dpi=300)
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGB" and image.size == (53, 37)
        # 300 dpi is 11,811 dots per metre, which Pillow reads back as 299.9994 dpi.
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        assert np.array_equal(np.asarray(image), pixels[:, :, :3])
    assert png_bytes(pixels[:, :, :3].copy(), dpi=300) == data  # RGB in, same file


def test_png_bytes_are_a_valid_png_stream() -> None:
    # Each chunk's CRC is checked by hand (the PNG specification: CRC-32 over type + data).
    data = png_bytes(np.full((4, 5, 3), 255, dtype=np.uint8), dpi=96)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, kinds = 8, []
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        payload = data[position + 8 : position + 8 + length]
        crc = int.from_bytes(data[position + 8 + length : position + 12 + length], "big")
        assert crc == zlib.crc32(kind + payload)
        kinds.append(kind)
        position += 12 + length
    assert kinds == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]


def test_png_bytes_refuse_other_shapes() -> None:
    with pytest.raises(ValueError, match="rows x columns"):
        png_bytes(np.zeros((4, 5), dtype=np.uint8))
    with pytest.raises(ValueError, match="rows x columns"):
        png_bytes(np.zeros((4, 5, 3), dtype=np.float64))


def test_figure_png_shows_what_matplotlib_draws() -> None:
    # The reference is matplotlib's own PNG of the same figure at the same resolution.
    from matplotlib.figure import Figure

    figure = make_figure("f", "Title", "Alt", _bars([3, 5, 2]), margins=(0.8, 0.6, 0.2, 0.2))
    with figure_style():
        reference = Figure(figsize=(6.5, 3.4))
        ax = reference.add_subplot()
        _bars([3, 5, 2])(ax)
        reference.subplots_adjust(
            left=0.8 / 6.5, bottom=0.6 / 3.4, right=1 - 0.2 / 6.5, top=1 - 0.2 / 3.4
        )
        buffer = io.BytesIO()
        reference.savefig(buffer, format="png", dpi=FIGURE_DPI)
    expected = _pixels(buffer.getvalue())
    assert expected.shape == (round(3.4 * FIGURE_DPI), round(6.5 * FIGURE_DPI), 3)
    assert np.array_equal(_pixels(figure.png), expected)


def test_same_figure_same_bytes_whatever_came_before() -> None:
    first = make_figure("a", "A", "A", _bars([3, 5, 2]))
    make_figure("b", "B", "B", _bars([40, 1, 7, 9]))  # same size, other text and bars
    make_figure("c", "C", "C", _bars([1]), size=(4.0, 2.0))
    again = make_figure("a", "A", "A", _bars([3, 5, 2]))
    assert again.png == first.png
    assert again.svg == first.svg


def test_svg_of_labels_with_characters_xml_forbids_is_well_formed() -> None:
    # An area named with a control character (found by the property test of random
    # names through every format): matplotlib writes label text as given.
    import warnings
    import xml.etree.ElementTree as ET

    def draw(ax: Axes) -> None:
        ax.barh([0, 1], [3, 4])
        ax.set_yticks([0, 1], ["North\x18moor", "South\x01vale"])
        ax.set_title("Deaths\x1b by area")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the font has no glyph for them
        figure = make_figure("areas", "Areas", "Areas", draw, margins=(1.0, 0.5, 0.2, 0.3))
    root = ET.fromstring(figure.svg)
    text = "".join(root.itertext())
    assert "North\ufffdmoor" in text and "\x18" not in figure.svg.decode("utf-8")
    # an SVG of ordinary text is untouched
    plain = make_figure("a", "A", "A", _bars([3, 5, 2]))
    ET.fromstring(plain.svg)


def _many_artists(ax: Axes) -> None:
    # Every kind of drawing the chapter's figures make: bars, lines with markers and
    # dashes, a scatter (a path collection with offsets), a band (a polygon collection),
    # error bars (a line collection), text at an angle, a legend and a clipped line.
    x = np.arange(5)
    ax.bar(x, [3, 5, 2, 6, 4], color="#0072b2", label="deaths")
    ax.plot(x, [2, 4, 3, 5, 3], marker="o", linestyle="--", label="rate")
    ax.scatter(x, [1, 2, 1.5, 2.5, 2], s=[10, 20, 30, 40, 50], label="areas")
    ax.fill_between(x, [0.5] * 5, [1.0, 1.5, 1.2, 1.8, 1.1], alpha=0.3)
    ax.errorbar(x, [4, 6, 3, 7, 5], yerr=0.5, fmt="none", ecolor="black")
    ax.plot([-1, 10], [0, 20], color="grey")  # runs out of the axes: clipped
    ax.set_xlim(-0.5, 4.5)
    ax.set_ylim(0, 8)
    ax.text(2, 7, "Label at an angle", rotation=30, ha="center")
    ax.set_xticks(x, ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"], rotation=45)
    ax.set_title("Deaths reviewed")
    ax.legend(loc="upper left")


def _svg_reference(
    draw: Callable[[Axes], None], margins: tuple[float, float, float, float]
) -> bytes:
    """matplotlib's own SVG of the figure (its SVG backend, drawing at 72 dpi)."""
    from matplotlib.figure import Figure

    with figure_style():
        reference = Figure(figsize=(6.5, 3.4))
        draw(reference.add_subplot())
        left, bottom, right, top = margins
        reference.subplots_adjust(
            left=left / 6.5, bottom=bottom / 3.4, right=1 - right / 6.5, top=1 - top / 3.4
        )
        buffer = io.BytesIO()
        reference.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _numbers(text: str) -> list[float]:
    import re

    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def _words(text: str) -> list[str]:
    """The words of a style, its numbers left out."""
    import re

    return re.sub(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", "#", text).split()


def _clip_shapes(root: object) -> dict[str, list[float]]:
    """The numbers of each clip path's shape, by the clip path's id."""
    import xml.etree.ElementTree as ET

    assert isinstance(root, ET.Element)
    shapes = {}
    for clip in root.iter("{http://www.w3.org/2000/svg}clipPath"):
        (shape,) = list(clip)
        text = " ".join(f"{v}" for k, v in sorted(shape.attrib.items()) if k != "id")
        shapes[clip.attrib["id"]] = _numbers(text)
    return shapes


def test_svg_drawn_with_the_png_matches_matplotlibs_svg() -> None:
    # The SVG is drawn in the pass that draws the pixels, scaled from 300 dpi to points.
    # The reference is matplotlib's SVG backend drawing the same figure on its own: the
    # same elements in the same order, every shape at the same place (path data within
    # 0.01 pt), drawn in the same style and clipped by a clip of the same shape, every text
    # the same, placed within half a point (text is measured by Agg in the single pass, by
    # the SVG backend in the reference).
    import xml.etree.ElementTree as ET

    margins = (0.8, 0.9, 0.2, 0.4)
    figure = make_figure("f", "F", "F", _many_artists, margins=margins)
    ours = ET.fromstring(figure.svg)
    theirs = ET.fromstring(_svg_reference(_many_artists, margins))
    mine, ref = list(ours.iter()), list(theirs.iter())
    assert [e.tag for e in mine] == [e.tag for e in ref]
    assert len(mine) > 150
    ours_clips, their_clips = _clip_shapes(ours), _clip_shapes(theirs)
    paths = texts = styles = clipped = 0
    for a, b in zip(mine, ref, strict=True):
        tag = a.tag.rsplit("}", 1)[-1]
        # Line widths, dash patterns, colours and opacity: the same words, the same
        # numbers (to 0.001: dashes are in points on both sides).
        if "style" in a.attrib or "style" in b.attrib:
            first, second = a.attrib.get("style", ""), b.attrib.get("style", "")
            assert _words(first) == _words(second)
            assert np.allclose(_numbers(first), _numbers(second), atol=1e-3)
            styles += 1
        # Each element clipped by a clip of the same shape, or by none.
        if "clip-path" in a.attrib or "clip-path" in b.attrib:
            first = ours_clips[a.attrib["clip-path"][5:-1]]
            second = their_clips[b.attrib["clip-path"][5:-1]]
            assert np.allclose(first, second, atol=0.01)
            clipped += 1
        if tag == "path" and "d" in a.attrib:
            first, second = _numbers(a.attrib["d"]), _numbers(b.attrib["d"])
            assert len(first) == len(second)
            assert np.allclose(first, second, atol=0.01)
            paths += 1
        if tag == "use":
            assert float(a.attrib["x"]) == pytest.approx(float(b.attrib["x"]), abs=0.01)
            assert float(a.attrib["y"]) == pytest.approx(float(b.attrib["y"]), abs=0.01)
        if tag == "text":
            assert (a.text or "") == (b.text or "")
            # anchored text has x and y; text at an angle a translation and a rotation
            where = [a.attrib.get(n, "") for n in ("x", "y", "transform")]
            there = [b.attrib.get(n, "") for n in ("x", "y", "transform")]
            assert np.allclose(_numbers(" ".join(where)), _numbers(" ".join(there)), atol=0.5)
            assert a.attrib["style"] == b.attrib["style"]
            texts += 1
        if tag == "rect" and "width" in a.attrib:  # clip rectangles
            for name in ("x", "y", "width", "height"):
                assert float(a.attrib[name]) == pytest.approx(float(b.attrib[name]), abs=0.01)
    assert paths > 20 and texts > 10 and styles > 50 and clipped > 10
    # the same figure gives the same bytes
    assert make_figure("f", "F", "F", _many_artists, margins=margins).svg == figure.svg


def test_figure_with_an_image_is_drawn_by_the_svg_backend() -> None:
    # An image is not carried by the single pass: the SVG backend draws the figure, whole.
    import xml.etree.ElementTree as ET

    def draw(ax: Axes) -> None:
        ax.imshow(np.arange(12, dtype=float).reshape(3, 4))
        ax.set_title("An image")

    figure = make_figure("img", "Image", "Image", draw, margins=(0.5, 0.5, 0.2, 0.3))
    root = ET.fromstring(figure.svg)
    assert figure.svg.count(b"<svg") == 1
    assert any(e.tag.endswith("image") for e in root.iter())
    assert "An image" in "".join(root.itertext())


def test_tight_layout_figure_svg_is_one_document() -> None:
    # A figure laid out to fit (no margins given) is drawn once per file, into one SVG.
    import xml.etree.ElementTree as ET

    figure = make_figure("t", "T", "T", _many_artists)
    assert figure.svg.count(b"<?xml") == 1
    ET.fromstring(figure.svg)
    assert make_figure("t", "T", "T", _many_artists).svg == figure.svg


@pytest.mark.parametrize(
    "setting",
    [
        {"figure.autolayout": True},
        {"figure.constrained_layout.use": True},
        {"savefig.bbox": "tight"},
    ],
)
def test_a_users_matplotlib_settings_do_not_change_the_figure(setting: dict[str, object]) -> None:
    # A notebook's own settings (layout engines, tight saving) neither move the figure's
    # layout nor stop it being drawn: the same files as with matplotlib's defaults.
    import warnings

    plain = make_figure("f", "F", "F", _many_artists)
    fixed = make_figure("f", "F", "F", _many_artists, margins=(0.8, 0.9, 0.2, 0.4))
    with matplotlib.rc_context(setting), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert make_figure("f", "F", "F", _many_artists).png == plain.png
        again = make_figure("f", "F", "F", _many_artists, margins=(0.8, 0.9, 0.2, 0.4))
    assert again.png == fixed.png and again.svg == fixed.svg


def _texts(ax: Axes) -> None:
    # Text of every kind the figures print, at positions that fall at many fractions of
    # a pixel, rotated, in several sizes and weights, with characters beyond ASCII.
    ax.plot([0, 10], [0, 10])
    for i in range(12):
        ax.text(0.37 * i + 0.013 * i * i, 0.8 * i, "Deaths 2024/25 (n = 17)", fontsize=6 + i % 4)
    ax.text(5, 5, "rotated label ≥ 5 – é", rotation=33, fontweight="bold")
    ax.text(8, 2, "up the side", rotation=90, fontsize=9)
    ax.set_xlabel("Financial year of death")
    ax.set_ylabel("Rate per 1,000 live births")
    ax.set_title("Infant mortality – Ölmere ≤ 3")


def test_text_drawn_glyph_by_glyph_shows_what_matplotlib_draws() -> None:
    # Agg's text is drawn with each glyph's bitmap rendered once per process; the pixels
    # must be matplotlib's own, the first time (bitmaps being kept) and the second (kept
    # bitmaps reused, after other figures).
    from matplotlib.figure import Figure

    with figure_style():
        reference = Figure(figsize=(6.5, 3.4))
        _texts(reference.add_subplot())
        reference.subplots_adjust(
            left=0.8 / 6.5, bottom=0.6 / 3.4, right=1 - 0.2 / 6.5, top=1 - 0.2 / 3.4
        )
        buffer = io.BytesIO()
        reference.savefig(buffer, format="png", dpi=FIGURE_DPI)
    expected = _pixels(buffer.getvalue())
    for _ in range(2):
        figure = make_figure("t", "T", "T", _texts, margins=(0.8, 0.6, 0.2, 0.2))
        assert np.array_equal(_pixels(figure.png), expected)
        make_figure("b", "B", "B", _bars([40, 1, 7, 9]))


def test_text_layout_with_kept_font_metrics_is_matplotlibs() -> None:
    # The renderer hands matplotlib's text layout each font's ascent, descent and line
    # gap, read once per process; the reference is matplotlib's layout with its own Agg
    # renderer, which reads them from the font's tables every time. Several lines (the
    # line gap), sizes, weights and a rotation, twice (the second time from what is kept).
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.figure import Figure

    from cdop.report._figures import _HEIGHTS, _BothFiles

    _HEIGHTS.clear()
    with figure_style():
        fig = Figure(figsize=(6.5, 3.4), dpi=FIGURE_DPI)
        FigureCanvasAgg(fig)
        texts = [
            fig.text(0.1, 0.5, "Deaths\nreviewed\n2024/25", fontsize=7),
            fig.text(0.4, 0.5, "Infant mortality – Ölmere", fontsize=11, fontweight="bold"),
            fig.text(0.7, 0.2, "up the\nside", rotation=90, fontsize=9, linespacing=1.6),
        ]
        width, height = fig.canvas.get_width_height(physical=True)
        plain = RendererAgg(width, height, FIGURE_DPI)  # type: ignore[no-untyped-call]
        both = _BothFiles(RendererAgg(width, height, FIGURE_DPI))  # type: ignore[no-untyped-call]
        for _ in range(2):
            for text in texts:
                expected = text.get_window_extent(plain).get_points()
                assert np.array_equal(text.get_window_extent(both).get_points(), expected)
    assert len(_HEIGHTS) == 3  # matplotlib asked the renderer, once per font and size
