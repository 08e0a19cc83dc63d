"""Charts (matplotlib, Agg backend). Every chart is written atomically.

Each chart is one function taking plain data and an optional Axes.  :func:`figure` makes a figure without
pyplot (no global state, nothing to close, a quarter of a second less to import); :func:`svg_text` renders
one as deterministic SVG for the HTML report (fixed hash salt, no date, text kept as text).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

__all__ = ["check_image_path", "plot_speed_profiles", "save_figure", "pyplot", "figure", "svg_text", "axes_of"]

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
    with atomic_write(path, "wb") as f:
        fig.savefig(f, format=fmt, dpi=dpi, bbox_inches="tight" if tight else None, metadata=_NO_DATE.get(fmt),
                    # zlib level 1: a quarter of the encoding time of the default 6, for files ~15 % larger
                    **({"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}))


_NO_DATE = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {"Software": None}}
"""Metadata that would make two saves of the same chart differ (a date), or name the software version."""


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
