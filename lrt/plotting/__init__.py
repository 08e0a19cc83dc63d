"""Charts (matplotlib, Agg backend). Every chart is written atomically."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

__all__ = ["check_image_path", "plot_speed_profiles", "save_figure", "pyplot"]

_FORMATS = (".png", ".svg", ".pdf")


def check_image_path(path: Path, option: str) -> None:
    """Refuse an output path matplotlib cannot write, before any work is done."""
    from ..io.outputs import check_output_file

    path = Path(path)
    if path.suffix.lower() not in _FORMATS:
        raise InputError(option, "command line", f"{str(path)!r}", f"a file name ending in {', '.join(_FORMATS)}")
    check_output_file(path, source=option)


def save_figure(fig, path: Path) -> None:
    """Save via a temporary file in the same folder, then rename (no half-written chart)."""
    from ..io.outputs import atomic_write

    path = Path(path)
    with atomic_write(path, "wb") as f:
        fig.savefig(f, format=path.suffix.lstrip(".").lower(), dpi=130, bbox_inches="tight")


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
