"""Where the shipped data lives, in a source checkout and after a non-editable install."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_root", "shipped_network", "shipped_rolling_stock", "shipped", "shipped_timetable"]

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder that holds ``network/`` (and later ``timetables/``, ``scenarios/``).

    A wheel carries the data inside the package (``lrt/_shipped``, see pyproject.toml); a source
    checkout or an editable install reads the repository's top-level folders.
    """
    packaged = _PACKAGE / "_shipped"
    if (packaged / "network").is_dir():
        return packaged
    return _PACKAGE.parent


def shipped(*parts: str) -> Path:
    """A path inside the shipped data."""
    return data_root().joinpath(*parts)


def shipped_network() -> Path:
    """The shipped Astana line 1 folder."""
    return shipped("network", "astana-line1")


def shipped_rolling_stock() -> Path:
    """The shipped CRRC Tangshan four-car train file."""
    return shipped("network", "rolling-stock", "crrc-tangshan-4car.toml")


def shipped_timetable(name: str = "weekday") -> Path:
    """A shipped timetable folder (``timetables/<name>``)."""
    return shipped("timetables", name)
