"""``lrt timetable build|check|plot|export-gtfs|import-gtfs``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError
from .common import (
    RESERVE,
    add_line_options,
    add_weather_option,
    check_out_dir,
    check_reserve,
    load_conditions,
    load_line_and_train,
    read_checked_timetable,
    timetable_reserve,
)
from .options import add_clock, add_number

HELP = "build, check, plot and convert timetables"


def add_parser(sub) -> None:
    p = sub.add_parser("timetable", help=HELP, description=HELP.capitalize() + ".")
    tsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    b = tsub.add_parser("build", help="build a full day's timetable from a service pattern (TOML)")
    b.add_argument("pattern", type=Path, metavar="PATTERN", help="service pattern, e.g. timetables/patterns/weekday.toml")
    b.add_argument("-o", "--out", type=Path, required=True, metavar="DIR", help="timetable folder to write")
    add_line_options(b)
    b.set_defaults(run=run_build)

    c = tsub.add_parser("check", help="validate a timetable; exit 0 clean, 1 violations, 2 unreadable")
    c.add_argument("folder", type=Path, nargs="?", metavar="DIR", help="timetable folder (default: the shipped weekday)")
    add_number(c, "--reserve", RESERVE, metavar="N",
               help="trains held in reserve (default: the timetable's), fewer than the fleet")
    add_line_options(c)
    add_weather_option(c)
    c.set_defaults(run=run_check)

    pl = tsub.add_parser("plot", help="time-distance (Marey) diagram")
    pl.add_argument("folder", type=Path, nargs="?", metavar="DIR", help="timetable folder (default: the shipped weekday)")
    pl.add_argument("-o", "--out", type=Path, required=True, metavar="FILE", help="chart file (.png, .svg, .pdf)")
    add_clock(pl, "--from", dest="start", help="start of the time window")
    add_clock(pl, "--to", dest="end", help="end of the time window")
    add_line_options(pl)
    pl.set_defaults(run=run_plot)

    e = tsub.add_parser("export-gtfs", help="write a GTFS feed (zip)")
    e.add_argument("folder", type=Path, nargs="?", metavar="DIR", help="timetable folder (default: the shipped weekday)")
    e.add_argument("-o", "--out", type=Path, required=True, metavar="FEED.zip")
    add_line_options(e)
    e.set_defaults(run=run_export)

    i = tsub.add_parser("import-gtfs", help="read a GTFS feed into a timetable folder")
    i.add_argument("feed", type=Path, metavar="FEED.zip")
    i.add_argument("-o", "--out", type=Path, required=True, metavar="DIR")
    add_line_options(i)
    i.set_defaults(run=run_import)


def _folder(args) -> Path:
    from ..paths import shipped_timetable

    return args.folder if args.folder is not None else shipped_timetable("weekday")



def run_build(args: argparse.Namespace) -> int:
    from ..io.pattern import read_pattern
    from ..io.timetable import write_timetable
    from ..timetable.build import build_timetable

    check_out_dir(args.out, option="-o", marker="meta.toml", what="a timetable folder")
    line, train = load_line_and_train(args)
    pattern = read_pattern(args.pattern, line)
    timetable = build_timetable(line, train, pattern)
    write_timetable(timetable, line, args.out)
    print(summary(timetable, line))
    print(f"written to {args.out}")
    return 0


def summary(timetable, line) -> str:
    from ..units import format_clock

    up = [t for t in timetable.trips if t.direction == "up"]
    down = [t for t in timetable.trips if t.direction == "down"]
    times = range(0, 30 * 3600, 60)
    counts = timetable.trains_in_service(times)
    peak = max(counts)
    lines = [f"{timetable.name}: {len(timetable.trips)} trips ({len(up)} up, {len(down)} down), "
             f"{len(timetable.blocks())} trains, at most {peak} out at once "
             f"(first at {format_clock(times[counts.index(peak)])})"]
    if up:
        starts = [t.start_s for t in up]
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        lines.append(f"  first departure {format_clock(starts[0])} from {line.station(up[0].origin).name_en}, "
                     f"last {format_clock(max(t.start_s for t in timetable.trips))}; "
                     f"headways {min(gaps) / 60:.2f}-{max(gaps) / 60:.2f} min")
        lines.append(f"  one-way time up {(up[0].end_s - up[0].start_s) / 60:.1f} min"
                     + (f", down {(down[0].end_s - down[0].start_s) / 60:.1f} min" if down else ""))
    return "\n".join(lines)


def run_check(args: argparse.Namespace) -> int:
    from ..io.timetable import read_timetable
    from ..timetable.check import check_timetable

    line, train = load_line_and_train(args)
    folder = _folder(args)
    timetable = read_timetable(folder)
    check_reserve(args.reserve, line)
    reserve = args.reserve if args.reserve is not None else timetable_reserve(timetable, line, folder)
    conditions = load_conditions(args, line)
    violations = check_timetable(timetable, line, train, conditions=conditions, reserve=reserve)
    for v in violations:
        print(v)
    n = len(violations)
    print(f"{timetable.name} in {conditions.name} conditions: {len(timetable.trips)} trips, "
          f"{len(timetable.blocks())} trains: "
          + ("no violations" if n == 0 else f"{n} violation{'s' if n > 1 else ''} ("
                                               + ", ".join(f"{count} {kind}" for kind, count in _by_kind(violations)) + ")"))
    return 1 if violations else 0


def run_plot(args: argparse.Namespace) -> int:
    from ..plotting import check_image_path
    from ..units import format_clock

    check_image_path(args.out, "-o")
    if args.start is not None and args.end is not None and args.end <= args.start:
        raise InputError("--to", "command line", format_clock(args.end), f"a time after --from {format_clock(args.start)}")
    line, train = load_line_and_train(args)
    timetable = read_checked_timetable(_folder(args), line, train)
    from ..plotting.marey import plot_marey

    plot_marey(line, timetable, args.out, start_s=args.start, end_s=args.end)
    print(f"written to {args.out}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from ..io.gtfs import export_gtfs
    from ..io.outputs import check_output_file

    if args.out.suffix.lower() != ".zip":
        raise InputError("-o", "command line", repr(str(args.out)), "a file name ending in .zip")
    check_output_file(args.out, source="-o")
    line, train = load_line_and_train(args)
    timetable = read_checked_timetable(_folder(args), line, train)
    export_gtfs(timetable, line, args.out)
    print(f"{len(timetable.trips)} trips written to {args.out}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ..io.gtfs import import_gtfs
    from ..io.timetable import write_timetable

    check_out_dir(args.out, option="-o", marker="meta.toml", what="a timetable folder")
    line, _ = load_line_and_train(args)
    timetable = import_gtfs(args.feed, line)
    write_timetable(timetable, line, args.out)
    print(f"{len(timetable.trips)} trips written to {args.out}")
    return 0


def _by_kind(violations) -> list[tuple[str, int]]:
    from collections import Counter

    return sorted(Counter(v.kind for v in violations).items(), key=lambda kv: -kv[1])
