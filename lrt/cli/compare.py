"""``lrt compare``: weather presets side by side, averaged over seeds with 95 % intervals, and a chart."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from ..errors import InputError
from ..limits import MAX_SEEDS
from .batch import WORKERS
from .common import (
    DAILY,
    SEED,
    add_line_options,
    check_out_dir,
    emit_json,
    load_line_and_train,
    read_checked_timetable,
)
from .options import Range, add_number

SEEDS = Range(minimum=1, maximum=MAX_SEEDS, integer=True, what="a whole number of seeds")

HELP = "compare weather presets: KPIs side by side with their change from normal, over several seeds"

OUT_FILES = ("compare.json", "compare.csv", "compare.png")
CSV_COLUMNS = ("kpi", "label", "unit", "preset", "mean", "ci95", "change", "change_pct", "change_ci95")


def add_parser(sub) -> None:
    p = sub.add_parser("compare", help=HELP, description=HELP.capitalize() + ".")
    add_line_options(p)
    p.add_argument("--weather", default="normal,cold,severe,extreme", metavar="LIST",
                   help="comma-separated presets or preset files (default normal,cold,severe,extreme)")
    p.add_argument("--daily", type=float, default=92000, metavar="N",
                   help="passengers a day before each preset's demand factor (default 92,000)")
    p.add_argument("--seeds", type=int, default=5, metavar="K", help="simulated days per preset (default 5)")
    p.add_argument("--seed", type=int, default=1, metavar="N", help="base seed the K run seeds are spawned from (default 1)")
    p.add_argument("--timetable", type=Path, metavar="DIR", help="timetable folder (default: the shipped weekday)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--out", type=Path, metavar="DIR", help="write compare.json, compare.csv and compare.png")
    add_number(p, "--workers", WORKERS, metavar="N", default=None,
               help="worker processes for the simulated days (default: the cores of this machine)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="local process pool (default) or a Dask cluster (pip install 'lrt[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (default: a LocalCluster)")
    from .report import add_report_options

    add_report_options(p)
    p.set_defaults(run=run)


def weather_list(raw: str) -> list[str]:
    """The presets of ``--weather``: comma-separated, blanks dropped, each at most once."""
    names = [x.strip() for x in raw.split(",") if x.strip()]
    if not names:
        raise InputError("--weather", "command line", repr(raw), "a comma-separated list of presets")
    repeated = sorted({x for x in names if names.count(x) > 1})
    if repeated:
        raise InputError("--weather", "command line", f"{repeated[0]!r} given twice", "each preset once")
    return names



def run(args: argparse.Namespace) -> int:
    from ..io.conditions import read_conditions, resolve_weather
    from ..io.pattern import read_pattern
    from ..paths import shipped, shipped_timetable
    from ..study.compare import compare_weather, comparison_seeds
    from .demand import load_demand

    DAILY.check("--daily", args.daily)
    SEEDS.check("--seeds", args.seeds)
    SEED.check("--seed", args.seed)
    names = weather_list(args.weather)
    if args.scheduler and args.executor != "dask":
        raise InputError("--scheduler", "command line", repr(args.scheduler), "--executor dask with it")
    from .report import check_report_options, write_folder_report

    thresholds = check_report_options(args)
    if args.out is not None:
        check_out_dir(args.out, option="--out", marker="compare.json", what="an lrt compare output folder")
    paths = [resolve_weather(name) for name in names]  # an unknown preset fails before any loading
    line, train = load_line_and_train(args)
    conditions = [read_conditions(p, line) for p in paths]
    labels = [c.name for c in conditions]
    if len(set(labels)) != len(labels):
        raise InputError("--weather", "command line", f"presets named {labels}", "presets with distinct names")
    timetable = read_checked_timetable(args.timetable or shipped_timetable("weekday"), line, train)
    pattern_path = shipped("timetables", "patterns", timetable.notes.get("pattern_file") or "-")
    # a timetable with no shipped pattern is thinned by dropping its last trains (service_for)
    pattern = read_pattern(pattern_path, line) if pattern_path.is_file() else None
    day = "weekend" if "weekend" in timetable.service_id else "weekday"
    demands = [load_demand(args, line, daily=args.daily, day=day, demand_factor=c.demand_factor) for c in conditions]
    seeds = comparison_seeds(args.seed, args.seeds)
    started = time.perf_counter()
    result = compare_weather(line, train, timetable, conditions, demands=demands, seeds=seeds, pattern=pattern,
                             workers=args.workers or os.cpu_count() or 1, executor=args.executor,
                             scheduler=args.scheduler)
    elapsed = time.perf_counter() - started
    report = _report(result, args, elapsed)
    report["input_files"] = _input_files(args, line, train, paths)
    if args.out is not None:
        write_outputs(args.out, result, report)
        write_folder_report(args.out, thresholds)
    if args.format == "json":
        emit_json(report)
    else:
        print(_text(result, report))
        if args.out is not None:
            print(f"written to {args.out}")
    return 0


def _report(result, args, elapsed: float) -> dict:
    import sys

    from .. import __version__
    from ..study.compare import comparison_json

    report = comparison_json(result)
    report.update({"daily": args.daily, "base_seed": args.seed, "elapsed_s": round(elapsed, 1),
                   "simulated_days": len(result.presets) * len(result.seeds),
                   "command": ["lrt", *sys.argv[1:]], "lrt_version": __version__})
    return report


def _input_files(args, line, train, presets) -> dict:
    """The input files by role, each with its path and SHA-256 (a folder's covers every file in it)."""
    from ..io.files import file_digest
    from ..paths import shipped_timetable

    paths = {"network": Path(line.source), "rolling_stock": Path(train.source) if train.source else None,
             "timetable": Path(args.timetable or shipped_timetable("weekday"))}
    paths.update({f"weather {Path(p).stem}": Path(p) for p in presets})
    return {role: {"path": str(p), "sha256": file_digest(p)} for role, p in paths.items() if p is not None and p.exists()}


def _text(result, report: dict) -> str:
    from ..study.compare import comparison_table_text

    k = len(result.seeds)
    base = result.baseline
    lines = [(f"{report['timetable']} timetable ({result.trips_planned} trips planned), "
              f"{report['daily']:,.0f} passengers/day x each preset's demand factor; "
              f"{k} seed{'s' if k != 1 else ''} per preset from base seed {report['base_seed']}, "
              "the same seeds for every preset (common random numbers)"), ""]
    lines.append(comparison_table_text(result))
    lines.append("")
    interval = "± is the 95 % interval over the seeds (Student t)" if k > 1 else "one seed: no interval"
    lines.append(f"  {interval}; (change from {base}; pp = percentage points)")
    if base != "normal":
        lines.append(f"  'normal' is not among the presets: changes are from the first, {base}")
    lines.append("  fixed figures (no seed): one-way time, headways, capacity, trains available, "
                 "trips in the timetable")
    lines.append(f"  {report['energy']}")
    for name, note in result.service.items():
        lines.append(f"  service, {name}: {note}")
    lines.append(f"  {report['simulated_days']} simulated days in {report['elapsed_s']:.1f} s")
    return "\n".join(lines)


def write_outputs(folder: Path, result, report: dict) -> None:
    """compare.json, compare.csv (long form: a row per KPI and preset) and compare.png, as one folder, atomically."""
    import csv

    from ..io.files import atomic_dir
    from ..plotting.compare import plot_comparison

    with atomic_dir(folder) as tmp:
        (tmp / "compare.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        with open(tmp / "compare.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(CSV_COLUMNS)
            for kpi in report["kpis"]:
                for preset, v in kpi["values"].items():
                    w.writerow([kpi["name"], kpi["label"], kpi["unit"], preset,
                                *("" if v[c] is None else v[c] for c in CSV_COLUMNS[4:])])
        plot_comparison(result, tmp / "compare.png")
