"""The PNG encoder of the charts (:func:`lrt.plotting.png_bytes`): the pixels matplotlib draws, byte for byte."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from PIL import Image

from lrt.plotting import figure, png_bytes, save_figure


def _chart(facecolor="white"):
    """A small chart with what the simulate charts have: lines, an image, text, a colour bar."""
    fig = figure(3.2, 2.1, margins=(0.5, 0.6, 0.3, 0.4))
    fig.set_facecolor(facecolor)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2, 3], [0, 2, 1, 3], color="#1f5fa8", lw=1.3)
    image = ax.imshow(np.arange(12.0).reshape(3, 4), extent=(0, 3, 0, 3), aspect="auto", alpha=0.8)
    fig.colorbar(image, ax=ax)
    ax.set_title("Nurly Zhol → Airport", fontsize=7)
    ax.text(1.5, 1.5, "92", fontsize=6)
    return fig


def _savefig(fig, dpi) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _savefig_pixels(fig, dpi):
    return np.asarray(Image.open(io.BytesIO(_savefig(fig, dpi))).convert("RGBA"))


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        out.append((kind, body))
        at += 12 + length
    return out


@pytest.mark.parametrize("dpi", [72, 100])
def test_an_opaque_chart_is_the_pixels_savefig_draws_as_rgb(dpi):
    fig = _chart()
    data = png_bytes(fig, dpi=dpi)
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB"  # every pixel is opaque: no alpha channel written
    assert_array_equal(np.asarray(image.convert("RGBA")), _savefig_pixels(fig, dpi))
    assert fig.dpi == 100  # the figure's own resolution is left as it was
    assert dict(_chunks(data))[b"pHYs"] == dict(_chunks(_savefig(fig, dpi)))[b"pHYs"]  # the same resolution


def test_a_transparent_chart_keeps_its_alpha_channel():
    fig = _chart(facecolor=(1, 1, 1, 0))
    fig.axes[0].set_facecolor((0, 0, 0, 0))
    data = png_bytes(fig, dpi=100)
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGBA"
    pixels = np.asarray(image)
    assert pixels[..., 3].min() == 0  # the transparent background is still transparent
    assert_array_equal(pixels, _savefig_pixels(fig, 100))


def test_the_file_is_deterministic_and_holds_only_the_resolution_besides_the_pixels():
    a, b = png_bytes(_chart(), dpi=100), png_bytes(_chart(), dpi=100)
    assert a == b
    kinds = [kind for kind, _ in _chunks(a)]
    assert kinds == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]  # no date, no software name
    (phys,) = [body for kind, body in _chunks(a) if kind == b"pHYs"]
    assert struct.unpack(">IIB", phys) == (3937, 3937, 1)  # 100 dpi in pixels a metre, as Pillow writes it
    assert Image.open(io.BytesIO(a)).info["dpi"] == pytest.approx((100, 100), abs=0.01)


def test_save_figure_writes_the_same_bytes_through_a_temporary(tmp_path):
    fig = _chart()
    save_figure(fig, tmp_path / "chart.png", tight=False, dpi=100)
    assert (tmp_path / "chart.png").read_bytes() == png_bytes(fig, dpi=100)
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]
