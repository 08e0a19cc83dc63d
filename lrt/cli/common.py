"""Options and loaders shared by several commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError

__all__ = ["check_out_dir", "add_line_options", "load_line_and_train", "number", "emit_json", "add_weather_option", "load_conditions"]


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


def number(option: str, value: float | None, *, minimum: float | None = None, maximum: float | None = None,
           positive: bool = False) -> float | None:
    """Check a numeric option's range; raise InputError naming the option."""
    if value is None:
        return None
    if positive and not value > 0:
        raise InputError("command line", option, f"{value:g}", "a positive number")
    if minimum is not None and value < minimum:
        raise InputError("command line", option, f"{value:g}", f"a number >= {minimum:g}")
    if maximum is not None and value > maximum:
        raise InputError("command line", option, f"{value:g}", f"a number <= {maximum:g}")
    return value


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
    """Refuse to replace a folder that is neither new, empty, nor an earlier output (holding ``marker``)."""
    if path.exists() and (not path.is_dir() or (any(path.iterdir()) and not (path / marker).exists())):
        raise InputError("command line", option, f"{str(path)!r} exists and is not {what}",
                         f"a new folder or {what} to replace")
