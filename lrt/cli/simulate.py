"""``lrt simulate``: one operating day of trains and passengers, with its KPIs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..errors import InputError
from .common import (
    DAILY,
    SEED,
    add_line_options,
    add_weather_option,
    check_out_dir,
    emit_json,
    load_conditions,
    load_line_and_train,
    read_checked_timetable,
)
from .options import as_found

LOAD_STANDARD_MAX = 2000
"""Largest ``--load-standard`` in passengers a train: about twice the crush load of a four-car train."""

HELP = "simulate an operating day (trains and passengers) and report its KPIs"


def add_parser(sub) -> None:
    p = sub.add_parser("simulate", help=HELP, description=HELP.capitalize() + ".")
    add_line_options(p)
    p.add_argument("--timetable", type=Path, metavar="DIR", help="timetable folder (default: the shipped weekday)")
    p.add_argument("--daily", type=float, default=92000, metavar="N", help="passengers a day (default 92,000)")
    p.add_argument("--day", choices=["weekday", "weekend"], help="demand profile (default: from the timetable)")
    p.add_argument("--demand-model", type=Path, metavar="FILE", help="demand model (default: the line's demand.toml)")
    p.add_argument("--od", type=Path, metavar="CSV", help="a measured OD table in 15-min bins instead of the model")
    p.add_argument("--seed", type=int, default=1, metavar="N", help="random seed (default 1)")
    p.add_argument("--load-standard", default="design", metavar="S",
                   help="boarding stops at 'design' (6/m²), 'crush', or a number of passengers")
    p.add_argument("--no-variability", action="store_true", help="no run-time or dwell noise, no primary delays")
    p.add_argument("--no-timetable-holding", action="store_true",
                   help="let trains leave intermediate stations ahead of the timetable")
    p.add_argument("--headway-holding", action="store_true",
                   help="also hold trains at stations for even headways (80 %% of the planned headway)")
    add_weather_option(p)
    p.add_argument("--faults", type=Path, metavar="FILE",
                   help="scripted faults (scenarios/disruptions/*.toml), on top of the weather's random ones")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write events.csv, passengers.csv, faults.csv, kpis.json, run.json, marey.png, loads.png")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(run=run)


def _load_standard(raw: str) -> str | int:
    if raw in ("design", "crush"):
        return raw
    expected = f"design, crush or a whole number of passengers from 1 to {LOAD_STANDARD_MAX:,}"
    try:
        value = int(raw)
    except ValueError:
        raise InputError("--load-standard", "command line", as_found(raw), expected) from None
    if not 1 <= value <= LOAD_STANDARD_MAX:
        raise InputError("--load-standard", "command line", raw, expected)
    return value



def run(args: argparse.Namespace) -> int:
    from ..io.faults import read_faults
    from ..io.files import file_digest
    from ..paths import shipped_rolling_stock, shipped_timetable
    from ..sim import Scenario, SimOptions, simulate
    from ..sim.service import service_for
    from .demand import load_demand

    DAILY.check("--daily", args.daily)
    SEED.check("--seed", args.seed)
    load_standard = _load_standard(args.load_standard)
    if args.out is not None:
        check_out_dir(args.out, option="--out", marker="run.json", what="an lrt output folder")
    line, train = load_line_and_train(args)
    conditions = load_conditions(args, line)
    tt_path = args.timetable or shipped_timetable("weekday")
    planned = read_checked_timetable(tt_path, line, train)
    timetable, service_note = service_for(line, train, planned, conditions, _pattern_of(planned, line))
    faults = read_faults(args.faults, line, set(timetable.blocks())) if args.faults is not None else ()
    day = args.day or ("weekend" if "weekend" in timetable.service_id else "weekday")
    demand = load_demand(args, line, daily=args.daily, day=day, demand_factor=conditions.demand_factor)
    options = SimOptions(variability=not args.no_variability, headway_holding=args.headway_holding,
                         hold_station_departures=not args.no_timetable_holding, load_standard=load_standard)
    sources = {"network": file_digest(Path(line.source)),
               "rolling_stock": file_digest(args.rolling_stock or shipped_rolling_stock()),
               "timetable": file_digest(tt_path)}
    for name, path in (("od", args.od), ("faults", args.faults), ("weather", Path(conditions.source))):
        if path is not None:
            sources[name] = file_digest(path)
    scenario = Scenario(name=f"{timetable.name}, {demand.label}, {conditions.name}", line=line, train=train,
                        timetable=timetable, conditions=conditions, demand=demand, options=options, faults=faults,
                        sources=sources)
    warn_shortfall(scenario)
    started = time.perf_counter()
    result = simulate(scenario, args.seed)
    elapsed = time.perf_counter() - started
    from ..kpis import compute_kpis, kpi_table_text

    kpis = compute_kpis(result, scenario)
    kpis["trips_in_timetable"] = len(planned.trips)
    kpis["trips_cancelled"] = len(result.cancelled)
    kpis["faults"] = len(result.faults)
    if args.out is not None:
        write_outputs(args.out, scenario, result, kpis, {"command": ["lrt", *sys.argv[1:]], "elapsed_s": elapsed,
                                                         "service": service_note})
    if args.format == "json":
        emit_json({"seed": args.seed, "kpis": kpis})
    else:
        print(f"{scenario.name}, seed {args.seed} ({elapsed:.2f} s)")
        if timetable is not planned:
            print(f"service thinned: {service_note}")
        print(kpi_table_text(kpis))
        print(_fault_text(result, len(planned.trips)))
        if args.out is not None:
            print(f"written to {args.out}")
    return 0


def write_outputs(folder: Path, scenario, result, kpis: dict, extra: dict) -> None:
    """Write the run's records and charts as one folder, atomically."""
    from ..io.files import atomic_dir
    from ..plotting.loads import plot_load_heatmap
    from ..plotting.marey import plot_marey

    with atomic_dir(folder) as tmp:
        result.events_frame().to_csv(tmp / "events.csv", index=False, float_format="%.1f")
        result.passengers_frame().to_csv(tmp / "passengers.csv", index=False, float_format="%.1f")
        (tmp / "kpis.json").write_text(json.dumps(kpis, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        run = {**result.metadata, **extra, "trips_planned": result.trips_planned, "trips_run": result.trips_run,
               "trips_cancelled": len(result.cancelled)}
        (tmp / "run.json").write_text(json.dumps(run, indent=2, ensure_ascii=False, default=str) + "\n",
                                      encoding="utf-8")
        plot_marey(scenario.line, scenario.timetable, tmp / "marey.png", actual=result.actual_trips(),
                   title=f"{scenario.name}: planned (dashed) and simulated (solid), seed {result.seed}")
        plot_load_heatmap(result, scenario, tmp / "loads.png")
        import pandas as pd

        columns = ["fault_id", "kind", "source", "start_s", "duration_s", "train", "station", "section", "description",
                   "response"]
        pd.DataFrame(list(result.faults), columns=columns).to_csv(tmp / "faults.csv", index=False)
        pd.DataFrame(list(result.cancelled), columns=["trip_id", "train", "reason"]).to_csv(tmp / "cancelled.csv",
                                                                                            index=False)


def warn_shortfall(scenario) -> None:
    """One line on stderr when the demand exceeds what the timetable can carry somewhere, some hour."""
    from ..demand_report import capacity_shortfall, shortfall_text

    capacity = scenario.options.capacity(scenario.train, scenario.conditions)
    shortfall = capacity_shortfall(scenario.demand, scenario.timetable, scenario.line, capacity)
    if shortfall is not None:
        print(f"warning: {scenario.conditions.name}: {shortfall_text(shortfall, capacity)}", file=sys.stderr)


def _pattern_of(timetable, line):
    """The service pattern a shipped timetable was built from (to thin it), if it can be found."""
    from ..io.pattern import read_pattern
    from ..paths import shipped

    name = timetable.notes.get("pattern_file", "")
    path = shipped("timetables", "patterns", name) if name else None
    return read_pattern(path, line) if path is not None and path.is_file() else None


def _fault_text(result, planned: int) -> str:
    from ..units import format_clock

    lines = ["Faults", f"  {'faults / trips cancelled':<43}{len(result.faults)} / {len(result.cancelled)}"
             f" (timetable {planned} trips, run {result.trips_run})"]
    for f in result.faults[:12]:
        lines.append(f"  {format_clock(f['start_s'])[:5]}  {f['description']}: {f['response']}")
    if len(result.faults) > 12:
        lines.append(f"  ... {len(result.faults) - 12} more in faults.csv (--out)")
    return "\n".join(lines)
