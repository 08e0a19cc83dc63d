"""``lrt simulate``: one operating day of trains and passengers, with its KPIs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..errors import InputError
from .common import DAILY, RESERVE, SEED, check_out_dir, emit_json
from .options import as_found

LOAD_STANDARD_MAX = 2000
"""Largest ``--load-standard`` in passengers a train: about twice the crush load of a four-car train."""

HELP = "simulate an operating day (trains and passengers) and report its KPIs"


def add_parser(sub) -> None:
    p = sub.add_parser("simulate", help=HELP, description=HELP.capitalize() + ". A scenario file (default: the "
                       "shipped weekday, scenarios/weekday.toml) names the inputs; the options override it.")
    add_scenario_options(p)
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write events.csv, passengers.csv, faults.csv, kpis.json, run.json, marey.png, loads.png")
    p.add_argument("--format", choices=["table", "json"], default="table")
    from .report import add_report_options

    add_report_options(p)
    p.set_defaults(run=run)


def add_scenario_options(p: argparse.ArgumentParser) -> None:
    """A scenario file and the options that override it (every option defaults to the file's value)."""
    p.add_argument("scenario", type=Path, nargs="?", metavar="SCENARIO",
                   help="scenario file (default: the shipped weekday, scenarios/weekday.toml)")
    p.add_argument("--network", metavar="DIR", type=Path, help="line folder")
    p.add_argument("--rolling-stock", metavar="FILE", type=Path, help="train file")
    p.add_argument("--timetable", type=Path, metavar="DIR", help="timetable folder")
    p.add_argument("--daily", type=float, metavar="N", help="passengers a day (the demand model scaled to it)")
    p.add_argument("--day", choices=["weekday", "weekend"], help="demand profile (default: from the timetable)")
    p.add_argument("--demand-model", type=Path, metavar="FILE", help="demand model (default: the line's demand.toml)")
    p.add_argument("--od", type=Path, metavar="CSV", help="a measured OD table in 15-min bins instead of the model")
    p.add_argument("--seed", type=int, metavar="N", help="random seed")
    p.add_argument("--weather", metavar="NAME|FILE",
                   help="conditions preset: normal, cold, severe, extreme, icing, or a preset file")
    p.add_argument("--faults", type=Path, metavar="FILE",
                   help="scripted faults (scenarios/disruptions/*.toml), on top of the weather's random ones")
    p.add_argument("--reserve", type=int, metavar="N", help="trains fit for service kept back as reserves")
    p.add_argument("--load-standard", metavar="S",
                   help="boarding stops at 'design' (6/m²), 'crush', or a number of passengers")
    p.add_argument("--no-variability", action="store_true", help="no run-time or dwell noise, no primary delays")
    p.add_argument("--no-timetable-holding", action="store_true",
                   help="let trains leave intermediate stations ahead of the timetable")
    p.add_argument("--headway-holding", action="store_true",
                   help="also hold trains at stations for even headways (80 %% of the planned headway)")


def scenario_overrides(args: argparse.Namespace) -> dict:
    """The scenario fields the options change, by dotted key; paths made absolute (they are the user's)."""
    DAILY.check("--daily", args.daily)
    SEED.check("--seed", args.seed)
    RESERVE.check("--reserve", args.reserve)
    out: dict = {}

    def path(value):
        return None if value is None else str(Path(value).resolve())

    for key, value in (("network", path(args.network)), ("rolling_stock", path(args.rolling_stock)),
                       ("timetable", path(args.timetable)), ("faults", path(args.faults)), ("seed", args.seed),
                       ("demand.day", args.day), ("service.reserve_trains", args.reserve)):
        if value is not None:
            out[key] = value
    if args.weather is not None:
        weather = args.weather
        out["weather"] = path(weather) if "/" in weather or weather.endswith(".toml") else weather
    if args.od is not None:  # a measured table replaces the model and its daily total
        out.update({"demand.od": path(args.od), "demand.daily": None, "demand.model": None})
    if args.daily is not None or args.demand_model is not None:
        out["demand.od"] = None
        if args.daily is not None:
            out["demand.daily"] = args.daily
        if args.demand_model is not None:
            out["demand.model"] = path(args.demand_model)
    if args.load_standard is not None:
        out["options.load_standard"] = _load_standard(args.load_standard)
    for flag, key, value in (("no_variability", "options.variability", False),
                             ("no_timetable_holding", "options.hold_station_departures", False),
                             ("headway_holding", "options.headway_holding", True)):
        if getattr(args, flag):
            out[key] = value
    return out


def load_scenario(args: argparse.Namespace, overrides: dict):
    """The scenario of ``args.scenario`` (default: the shipped weekday) with the options' ``overrides``."""
    from ..scenario import default_scenario_path, load

    given = ", ".join(f"--{k.split('.')[-1].replace('_', '-')}" for k, v in overrides.items() if v is not None)
    return load(args.scenario or default_scenario_path(), overrides, origin=f"with {given}" if given else "")


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
    from ..sim import simulate
    from .report import check_report_options, write_folder_report

    overrides = scenario_overrides(args)  # the options are judged before any file is read
    thresholds = check_report_options(args)
    if args.out is not None:
        check_out_dir(args.out, option="--out", marker="run.json", what="an lrt output folder")
    scenario = load_scenario(args, overrides)
    warn_shortfall(scenario)
    started = time.perf_counter()
    result = simulate(scenario, scenario.seed)
    elapsed = time.perf_counter() - started
    from ..kpis import compute_kpis, kpi_table_text

    kpis = compute_kpis(result, scenario)
    kpis["trips_in_timetable"] = scenario.notes.get("planned_trips", len(scenario.timetable.trips))
    kpis["trips_cancelled"] = len(result.cancelled)
    kpis["faults"] = len(result.faults)
    if args.out is not None:
        write_outputs(args.out, scenario, result, kpis, {"command": ["lrt", *sys.argv[1:]], "elapsed_s": elapsed,
                                                         "service": scenario.notes.get("service", ""),
                                                         "input_files": input_files(args, scenario)})
        write_folder_report(args.out, thresholds)
    if args.format == "json":
        emit_json({"seed": scenario.seed, "kpis": kpis})
    else:
        print(f"{scenario.name}, seed {scenario.seed} ({elapsed:.2f} s)")
        if scenario.notes.get("thinned"):
            print(f"service thinned: {scenario.notes['service']}")
        print(kpi_table_text(kpis))
        print(_fault_text(result, kpis["trips_in_timetable"]))
        if args.out is not None:
            print(f"written to {args.out}")
    return 0


def write_outputs(folder: Path, scenario, result, kpis: dict, extra: dict) -> None:
    """Write the run's records and charts as one folder, atomically.

    Where it can (:func:`lrt.io.outputs.writers`) the tables are written and the Marey diagram drawn each in a
    forked process while this one draws the load chart: the same files, in about half the time.
    """
    from ..io.files import atomic_dir
    from ..io.outputs import writers
    from ..plotting import load_matplotlib
    from ..plotting.loads import plot_load_heatmap
    from ..plotting.marey import plot_marey

    with atomic_dir(folder) as tmp, writers() as jobs:
        jobs.start("the tables", lambda: write_tables(tmp, result))
        (tmp / "kpis.json").write_text(json.dumps(kpis, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        run = {**result.metadata, **extra, "trips_planned": result.trips_planned, "trips_run": result.trips_run,
               "trips_cancelled": len(result.cancelled),
               # the line as the report draws it (code, name, chainage [m]): the folder alone makes the report
               "stations": [[s.code, s.name_en, s.chainage_m] for s in scenario.line.stations]}
        (tmp / "run.json").write_text(json.dumps(run, indent=2, ensure_ascii=False, default=str) + "\n",
                                      encoding="utf-8")
        load_matplotlib()  # once, before the fork: both charts' processes start with it
        jobs.start("marey.png", lambda: plot_marey(
            scenario.line, scenario.timetable, tmp / "marey.png", actual=result.actual_trips(),
            title=f"{scenario.name}: planned (dashed) and simulated (solid), seed {result.seed}"))
        plot_load_heatmap(result, scenario, tmp / "loads.png")


def write_tables(folder: Path, result) -> None:
    """The run's records as CSV files in ``folder``: events, passengers, faults and cancelled trips."""
    import numpy as np

    from ..io.outputs import write_table_csv
    from ..sim.records import EVENT_COLUMNS, PASSENGER_COLUMNS

    write_table_csv(folder / "events.csv", {name: result.events[name] for name in EVENT_COLUMNS})
    write_table_csv(folder / "passengers.csv", {name: result.passengers.get(name, ()) for name in PASSENGER_COLUMNS})
    columns = ["fault_id", "kind", "source", "start_s", "duration_s", "train", "station", "section", "description",
               "response"]
    for name, rows, names in (("faults.csv", result.faults, columns),
                              ("cancelled.csv", result.cancelled, ["trip_id", "train", "reason"])):
        table = {c: np.array([row[c] for row in rows], dtype=object) for c in names}
        for c in ("start_s", "duration_s"):  # times: numbers (as pandas would write them)
            if c in table and rows:
                table[c] = table[c].astype(float)
        write_table_csv(folder / name, table, float_format=None)


def input_files(args: argparse.Namespace, scenario) -> dict:
    """Every input file or folder of the run by role: its path and SHA-256 (a folder's covers its files)."""
    from ..io.files import file_digest
    from ..scenario import default_scenario_path

    paths = {"scenario": Path(args.scenario or default_scenario_path()), "network": Path(scenario.line.source),
             "rolling_stock": Path(scenario.train.source) if scenario.train.source else None,
             "timetable": Path(scenario.notes["timetable_folder"]) if scenario.notes.get("timetable_folder") else None,
             "weather": Path(scenario.conditions.source) if scenario.conditions.source else None}
    for role, option in (("faults", args.faults), ("od", args.od), ("demand_model", args.demand_model)):
        if option is not None:
            paths[role] = Path(option)
    out = {}
    for role, path in paths.items():
        if path is not None and path.exists():
            out[role] = {"path": str(path), "sha256": scenario.sources.get(role) if role != "scenario" and
                         scenario.sources.get(role) else file_digest(path)}
    for role, digest in scenario.sources.items():  # named by the scenario file: the digest it was run with
        if role not in out and role != "scenario":
            out[role] = {"path": "", "sha256": digest}
    return out


def warn_shortfall(scenario) -> None:
    """One line on stderr when the demand exceeds what the timetable can carry somewhere, some hour."""
    from ..demand_report import capacity_shortfall, shortfall_text

    capacity = scenario.options.capacity(scenario.train, scenario.conditions)
    shortfall = capacity_shortfall(scenario.demand, scenario.timetable, scenario.line, capacity)
    if shortfall is not None:
        print(f"warning: {scenario.conditions.name}: {shortfall_text(shortfall, capacity)}", file=sys.stderr)


def _fault_text(result, planned: int) -> str:
    from ..units import format_clock

    lines = ["Faults", f"  {'faults / trips cancelled':<43}{len(result.faults)} / {len(result.cancelled)}"
             f" (timetable {planned} trips, run {result.trips_run})"]
    for f in result.faults[:12]:
        lines.append(f"  {format_clock(f['start_s'])[:5]}  {f['description']}: {f['response']}")
    if len(result.faults) > 12:
        lines.append(f"  ... {len(result.faults) - 12} more in faults.csv (--out)")
    return "\n".join(lines)
