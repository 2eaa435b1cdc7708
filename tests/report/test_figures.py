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
