"""Charts (matplotlib, Agg backend). Every chart is written atomically.

Each chart is one function taking plain data and an optional Axes.  :func:`figure` makes a figure without
pyplot (no global state, nothing to close, a quarter of a second less to import); :func:`svg_text` renders
one as deterministic SVG for the HTML report (fixed hash salt, no date, text kept as text).
"""

from __future__ import annotations

from pathlib import Path
from struct import pack as struct_pack

from ..errors import InputError

__all__ = ["check_image_path", "plot_speed_profiles", "save_figure", "pyplot", "figure", "svg_text", "axes_of",
           "png_bytes", "load_matplotlib"]

_FORMATS = (".png", ".svg", ".pdf")


def check_image_path(path: Path, option: str) -> None:
    """Refuse an output path matplotlib cannot write, before any work is done."""
    from ..io.outputs import check_output_file

    path = Path(path)
    if path.suffix.lower() not in _FORMATS:
        raise InputError(option, "command line", f"{str(path)!r}", f"a file name ending in {', '.join(_FORMATS)}")
    check_output_file(path, source=option)


def save_figure(fig, path: Path, *, tight: bool = True, dpi: float = 130) -> None:
    """Save via a temporary file in the same folder, then rename (no half-written chart).

    ``tight=False`` keeps the figure's own layout: measuring every text for a tight box costs about as
    much as drawing the figure, so charts laid out in inches (:func:`figure` with margins) skip it.
    """
    from ..io.outputs import atomic_write

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt == "png" and not tight:
        data = png_bytes(fig, dpi=dpi)  # drawn and encoded before the file is opened
        with atomic_write(path, "wb") as f:
            f.write(data)
        return
    with atomic_write(path, "wb") as f:
        fig.savefig(f, format=fmt, dpi=dpi, bbox_inches="tight" if tight else None, metadata=_NO_DATE.get(fmt),
                    # zlib level 1: a quarter of the encoding time of the default 6, for files ~15 % larger
                    **({"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}))


def png_bytes(fig, *, dpi: float = 100) -> bytes:
    """The figure drawn on its Agg canvas at ``dpi`` as the bytes of a PNG file: the pixels ``savefig`` draws,
    encoded in half its time (a full-day Marey diagram: 40 ms instead of 83) and some 10 % smaller.

    ``savefig`` hands the RGBA buffer to Pillow, which tries five row filters on every row and keeps the alpha
    channel even when every pixel is opaque; here every row gets the "up" filter (the row above subtracted:
    on charts, with their long horizontal runs, the smallest files of the single filters), an opaque figure is
    written as RGB, and zlib runs at level 1.  Deterministic: no date and no software name, only the resolution
    (``pHYs``), as ``savefig`` writes it.
    """
    import zlib

    import numpy as np

    previous = fig.dpi
    fig.dpi = dpi
    try:
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())
    finally:
        fig.dpi = previous
    height, width, _ = rgba.shape
    opaque = bool(rgba[..., 3].min() == 255)
    if opaque:  # Pillow drops the alpha bytes in a quarter of numpy's time
        from PIL import Image

        rgba = np.asarray(Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1).convert("RGB"))
    pixels = rgba.reshape(height, -1)
    rows = np.empty((height, 1 + pixels.shape[1]), dtype=np.uint8)
    rows[:, 0] = 2  # filter type "up"
    rows[0, 1:] = pixels[0]  # above the first row is a row of zeros
    np.subtract(pixels[1:], pixels[:-1], out=rows[1:, 1:])  # modulo 256, as the filter is defined
    per_metre = int(dpi / 0.0254 + 0.5)
    header = struct_pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"pHYs", struct_pack(">IIB", per_metre, per_metre, 1)),
                     _chunk(b"IDAT", zlib.compress(rows, 1)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    import zlib

    return struct_pack(">I", len(data)) + kind + data + struct_pack(">I", zlib.crc32(kind + data))


_NO_DATE = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {"Software": None}}
"""Metadata that would make two saves of the same chart differ (a date), or name the software version."""


def load_matplotlib() -> None:
    """Import what :func:`figure` and the charts need (a third of a second, once a process)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.collections  # noqa: F401
    import matplotlib.figure  # noqa: F401


def figure(width_in: float, height_in: float, *, margins: tuple[float, float, float, float] | None = None):
    """A matplotlib Figure on the Agg canvas, without pyplot.

    ``margins`` (left, right, top, bottom) [in] fixes the axes' place, so no layout pass is needed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(fig)
    if margins is not None:
        left, right, top, bottom = margins
        fig.subplots_adjust(left=left / width_in, right=1 - right / width_in, top=1 - top / height_in,
                            bottom=bottom / height_in)
    return fig


def axes_of(ax, width_in: float, height_in: float, margins: tuple[float, float, float, float]):
    """``ax`` if given, else the Axes of a new :func:`figure` of that size and those margins [in]."""
    if ax is not None:
        return ax
    return figure(width_in, height_in, margins=margins).add_subplot()


def svg_text(fig, *, salt: str) -> str:
    """The figure as an SVG element to inline in HTML: deterministic (the ids are hashed with ``salt``, which
    must differ between the charts of one page; no date), text kept as text, no XML prologue."""
    import io
    import re

    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "svg.id": salt}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):].strip()
    # inline in HTML the namespaces are implied, and the metadata names matplotlib's web site: drop both, so
    # the page holds no address at all
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text, count=3)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.S)
    # matplotlib names its groups figure_1, axes_1, ... in every chart: prefixed with the salt, the ids of
    # the charts of one page stay unique (the referenced ones, clip paths and markers, are hashed with it)
    referenced = set(re.findall(r'#([^"\s)]+)', text))
    return re.sub(r' id="([^"]+)"', lambda m: m.group(0) if m.group(1) in referenced or m.group(1) == salt
                  else f' id="{salt}-{m.group(1)}"', text)


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_speed_profiles(line, profiles, path: Path) -> None:
    """Speed against chainage for each direction, with the speed-limit profile and the stations."""
    plt = pyplot()
    fig, axes = plt.subplots(len(profiles), 1, figsize=(14, 3.6 * len(profiles)), sharex=True, squeeze=False)
    for ax, p in zip(axes[:, 0], profiles):
        km = p.chainage_m / 1000
        ax.plot(km, p.limit_ms * 3.6, color="tab:red", lw=1, label="speed limit (whole train)")
        ax.plot(km, p.speed_ms * 3.6, color="tab:blue", lw=1.3, label="speed")
        for code in p.stops:
            st = line.station(code)
            ax.axvline(st.chainage_m / 1000, color="0.8", lw=0.6, zorder=0)
            ax.text(st.chainage_m / 1000, 1.01, st.name_en, rotation=60, fontsize=7, ha="left", va="bottom",
                    transform=ax.get_xaxis_transform())
        first, last = line.station(p.stops[0]).name_en, line.station(p.stops[-1]).name_en
        ax.set_title(f"{p.direction}: {first} → {last}, running {p.running_s / 60:.1f} min", loc="left",
                     fontsize=9, y=1.18)
        ax.set_ylabel("speed [km/h]")
        ax.set_ylim(0, max(p.limit_ms.max() * 3.6 * 1.1, 10))
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=7)
    axes[-1, 0].set_xlabel("chainage [km]")
    fig.text(0.01, 0.0, line.credit, fontsize=6, color="0.4")
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)
