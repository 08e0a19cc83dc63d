"""``lrt demand``: daily demand, peak hour and direction, and the peak segment against capacity."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import DAILY, add_line_options, emit_json, load_line_and_train, read_checked_timetable
from .options import add_number

HELP = "passenger demand: totals, peak hour, peak direction, peak-segment load against capacity"


def add_parser(sub) -> None:
    p = sub.add_parser("demand", help=HELP, description=HELP.capitalize() + ".")
    add_line_options(p)
    add_number(p, "--daily", DAILY, metavar="N", help="passengers a day (default: the model's, 92,000)")
    p.add_argument("--day", choices=["weekday", "weekend"], default="weekday", help="time-of-day profile")
    p.add_argument("--demand-model", type=Path, metavar="FILE", help="demand model (default: the line's demand.toml)")
    p.add_argument("--od", type=Path, metavar="CSV", help="a measured OD table in 15-min bins instead of the model")
    p.add_argument("--timetable", type=Path, metavar="DIR",
                   help="timetable giving the offered capacity (default: the shipped weekday or weekend)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(run=run)


def load_demand(args, line, *, daily=None, day="weekday", demand_factor: float = 1.0):
    """The demand a command asked for: a measured OD table, or the gravity model scaled to ``daily``."""
    from ..demand import build_demand
    from ..errors import InputError
    from ..io.demand import read_demand_model, read_measured_od
    from ..limits import MAX_DAILY_PASSENGERS

    if getattr(args, "od", None) is not None:
        demand = read_measured_od(args.od, line)
        if demand.total > MAX_DAILY_PASSENGERS:
            raise InputError(str(args.od), "passengers", f"{demand.total:,.0f} in the table",
                             f"at most {MAX_DAILY_PASSENGERS:,} a day")
        return demand
    model_path = getattr(args, "demand_model", None) or Path(line.source) / "demand.toml"
    model = read_demand_model(model_path, line)
    demand = build_demand(line, model, daily=daily, day=day, demand_factor=demand_factor)
    if demand.total > MAX_DAILY_PASSENGERS * (1 + 1e-9):  # the weather's demand factor can push --daily past it
        raise InputError("--daily", "command line", f"{demand.total:,.0f} passengers a day after the weather's "
                         f"demand factor {demand_factor:g}", f"at most {MAX_DAILY_PASSENGERS:,}")
    return demand


def offered_pphpd(timetable, capacity: int, start_s: float) -> float:
    """Trains leaving the busiest terminus in the hour from ``start_s``, times the train capacity [pphpd]."""
    best = 0
    for direction in ("up", "down"):
        n = sum(1 for t in timetable.trips if t.direction == direction and start_s <= t.start_s < start_s + 3600)
        best = max(best, n)
    return float(best * capacity)


def run(args: argparse.Namespace) -> int:
    from ..demand_report import demand_report, format_demand_report, peak_hour
    from ..paths import shipped_timetable

    line, train = load_line_and_train(args)
    timetable = read_checked_timetable(args.timetable or shipped_timetable(args.day), line, train)
    demand = load_demand(args, line, daily=args.daily, day=args.day)
    hour = peak_hour(demand)
    offered = offered_pphpd(timetable, train.capacity, demand.start_s + hour.start * demand.bin_s)
    report = demand_report(demand, line, offered_pphpd=offered or None)
    report["offered_from"] = f"{timetable.name} timetable, trains in the peak hour × {train.capacity}"
    if args.format == "json":
        emit_json(report)
    else:
        print(format_demand_report(report))
        print(f"  (offered capacity: {report['offered_from']})")
    return 0
