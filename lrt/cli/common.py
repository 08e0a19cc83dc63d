"""Options and loaders shared by several commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError
from ..limits import MAX_DAILY_PASSENGERS, MAX_SEED
from .options import Range

__all__ = ["check_out_dir", "add_line_options", "load_line_and_train", "emit_json", "add_weather_option",
           "load_conditions", "check_reserve", "read_checked_timetable", "timetable_reserve",
           "DAILY", "SEED", "DWELL", "ADHESION", "RESERVE"]

DAILY = Range(minimum=1, maximum=MAX_DAILY_PASSENGERS, what="a finite number of passengers a day")
SEED = Range(minimum=0, maximum=MAX_SEED, integer=True, what="a whole number")
DWELL = Range(minimum=0, maximum=600, what="a dwell in seconds")
ADHESION = Range(minimum=0, maximum=1, above_minimum=True, what="an adhesion coefficient")
RESERVE = Range(minimum=0, maximum=1000, integer=True, what="a whole number of trains")


def add_line_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--network", metavar="DIR", type=Path, help="line folder (default: the shipped Astana line 1)")
    p.add_argument("--rolling-stock", metavar="FILE", type=Path,
                   help="train file (default: the shipped CRRC Tangshan four-car train)")


def load_line_and_train(args):
    from ..io.line import read_line
    from ..io.rollingstock import read_train
    from ..paths import shipped_network, shipped_rolling_stock

    line = read_line(args.network or shipped_network())
    train = read_train(args.rolling_stock or shipped_rolling_stock())
    return line, train


def check_reserve(reserve: int | None, line, *, option: str = "--reserve") -> None:
    """Refuse a reserve that leaves no train for service (the range depends on the line's fleet)."""
    if reserve is not None and not 0 <= reserve < line.operations.fleet:
        raise InputError(option, "command line", str(reserve), f"0 to {line.operations.fleet - 1} trains")


def timetable_reserve(timetable, line, folder: Path) -> int | None:
    """The reserve a timetable was planned with (meta.toml ``reserve_trains``), if it says."""
    reserve = timetable.notes.get("reserve_trains")
    if reserve is not None and not 0 <= reserve < line.operations.fleet:
        raise InputError(str(folder / "meta.toml"), "reserve_trains", str(reserve),
                         f"0 to {line.operations.fleet - 1} trains (fewer than the fleet of {line.name})")
    return reserve


def read_checked_timetable(folder: Path, line, train):
    """A timetable folder that ``lrt timetable check`` passes in normal conditions (:mod:`lrt.scenario`)."""
    from ..scenario import read_checked_timetable as read

    return read(folder, line, train)


def emit_json(obj) -> None:
    json.dump(obj, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def add_weather_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weather", metavar="NAME|FILE", default="normal",
                   help="conditions preset: normal, cold, severe, extreme, icing, or a preset file (default normal)")


def load_conditions(args, line):
    """The conditions preset named by ``--weather`` (validated against the line)."""
    from ..io.conditions import read_conditions, resolve_weather

    return read_conditions(resolve_weather(args.weather), line)


def check_out_dir(path: Path, *, option: str, marker: str, what: str) -> None:
    """Refuse, before any work, an output folder that cannot be written or holds the user's files.

    A folder is accepted when it is new, empty, or an earlier output (holding ``marker``); only the
    files lrt writes are replaced there (:func:`lrt.io.outputs.atomic_dir`).
    """
    from ..io.outputs import check_output_folder

    check_output_folder(path, source=option, marker=marker, what=what)
