"""``lrt exercise drive ID``: a driving exercise in a live terminal cab, or headless with ``--plan FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from .options import Range, add_number

HELP = "drive a driving exercise: a live cab in the terminal, or a plan headless (--plan)"
CLOCK = Range(minimum=0.25, maximum=16, what="a clock rate (1 = real time)")
MARKER = "drive.json"


def add_parser(esub) -> None:
    from .exercise import add_exercises_option

    p = esub.add_parser("drive", help=HELP, description=HELP.capitalize() + " (docs/driving.md).")
    p.add_argument("id", metavar="ID", help="the exercise (see lrt exercise list)")
    add_exercises_option(p)
    p.add_argument("--plan", type=Path, metavar="FILE",
                   help="drive this plan or control log headless (CSV: time_s,position_m,control)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write the debrief: charts, trace, events, control log, score")
    p.add_argument("--log", type=Path, metavar="FILE",
                   help="live drive: write the control log here (default: --out DIR/controls.csv, else "
                        "ID-YYYYMMDD-HHMMSS.csv in the current folder)")
    add_number(p, "--clock-rate", CLOCK, default=1.0, metavar="F", help="live drive: run the clock F times real time")
    p.add_argument("--format", choices=["table", "json"], default="table", help="how to print the score")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..io.drive import check_plan_fits, read_drive
    from ..io.plan import read_plan
    from .common import check_out_dir
    from .exercise import find_exercise

    if args.out is not None:
        check_out_dir(args.out, option="--out", marker=MARKER, what="a drive debrief")
    live = args.plan is None
    if live:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise InputError("--plan", "command line", "none, and this is not a terminal",
                             "a terminal for the live cab, or --plan FILE to drive headless")
        log_path = _log_path(args)
        if args.log is not None or args.out is None:  # the --out folder is checked already
            from ..io.outputs import check_output_file

            check_output_file(log_path, source="--log")
    exercise = find_exercise(args)
    spec = read_drive(exercise)
    reference = None
    if exercise.reference is not None:
        reference = read_plan(exercise.reference)
        check_plan_fits(reference, spec)
    if live:
        from ..io.plan import write_plan
        from ..training.cab.console import drive_live

        result, interrupted = drive_live(spec, exercise.title, clock_rate=args.clock_rate)
        write_plan(log_path, result.controls, _log_comment(exercise, spec))
        print(f"control log: {log_path}")
        if interrupted:  # the log is kept; the run ends as every interrupted run does
            raise KeyboardInterrupt
    else:
        from ..training.cab.drive import drive_plan

        plan = read_plan(args.plan)
        check_plan_fits(plan, spec)
        result = drive_plan(spec, plan)
    report = debrief(exercise, spec, result, reference)
    if args.format == "json":
        from .common import emit_json

        emit_json(report)
    else:
        print(_table(report))
    if args.out is not None:
        write_debrief(args.out, exercise, spec, result, report)
    return 0


def _log_path(args) -> Path:
    if args.log is not None:
        return args.log
    if args.out is not None:
        return args.out / "controls.csv"
    import time

    return Path(f"{args.id}-{time.strftime('%Y%m%d-%H%M%S')}.csv")


def _log_comment(exercise, spec) -> str:
    from .. import __version__

    return (f"control log of lrt exercise drive {exercise.id} (lrt {__version__}, step {spec.step_s:g} s)\n"
            f"replay: lrt exercise drive {exercise.id} --plan THIS_FILE")


def debrief(exercise, spec, result, reference_plan) -> dict:
    """The drive's outcome, measures and score, with the reference run's beside it (the JSON printed)."""
    from ..training.cab.drive import drive_plan
    from ..training.cab.score import measure, score_drive

    m = measure(result, spec)
    ref_m = ref_score = None
    if reference_plan is not None:
        ref_m = measure(drive_plan(spec, reference_plan), spec)
        ref_score = score_drive(ref_m, spec, exercise.weights, ref_m.net_kwh if ref_m.outcome == "arrived" else None)
    score = score_drive(m, spec, exercise.weights, ref_m.net_kwh if ref_m and ref_m.outcome == "arrived" else None)
    line = spec.line
    return {
        "exercise": exercise.id, "title": exercise.title,
        "from": line.station(spec.from_code).name_en, "to": line.station(spec.to_code).name_en,
        "weather": spec.conditions.name, "outcome": result.outcome,
        "arrival_s": _round(result.arrival_s, 1), "scheduled_s": spec.scheduled_s,
        "stop_error_m": _round(result.stop_error_m, 3), "first_stop_error_m": _round(result.first_stop_error_m, 3),
        "corrections": result.corrections, "interventions": result.interventions,
        "energy_net_kwh": round(m.net_kwh, 3),
        "score": _score_json(score),
        "reference": None if ref_score is None else {"outcome": ref_m.outcome, "score": _score_json(ref_score)},
        "events": [{"time_s": e.time_s, "position_m": e.position_m, "kind": e.kind, "text": e.text}
                   for e in result.events],
    }


def _round(x, digits):
    return None if x is None else round(x, digits)


def _score_json(score) -> dict:
    return {"total": round(score.total, 2),
            "items": {i.item: {"weight": i.weight, "measured": i.measured, "points": round(i.points, 2)}
                      for i in score.items}}


def _table(r: dict) -> str:
    out = [f"{r['title']}  (drive exercise {r['exercise']})",
           f"{r['from']} → {r['to']}, weather {r['weather']}: {r['outcome']}"
           + (f" after {r['arrival_s']:.1f} s (scheduled {r['scheduled_s']:g} s)" if r["arrival_s"] is not None else ""),
           ""]
    ref = r["reference"]["score"]["items"] if r["reference"] else {}
    out.append(f"{'item':<15}{'weight':>7}  {'measured':<34}{'points':>7}  {'reference':>9}")
    for item, v in r["score"]["items"].items():
        rp = f"{ref[item]['points']:>9.1f}" if item in ref else f"{'':>9}"
        out.append(f"{item:<15}{v['weight']:>7g}  {v['measured']:<34}{v['points']:>7.1f}  {rp}")
    rt = f"{r['reference']['score']['total']:>9.1f}" if r["reference"] else ""
    out.append(f"{'total':<15}{'':>7}  {'':<34}{r['score']['total']:>7.1f}  {rt}")
    return "\n".join(out)


def write_debrief(folder: Path, exercise, spec, result, report: dict) -> None:
    """``--out DIR``: drive.json (outcome, score, events), trace.csv, events.csv, controls.csv (a valid
    plan), speed.png (speed against the limit and the braking curve over distance), notches.png."""
    import csv
    import io
    import json

    from ..io.files import atomic_dir
    from ..io.plan import plan_text
    from ..plotting import pyplot, save_figure
    from ..plotting.drive import lever_chart, speed_chart
    from ..training.cab.drive import TRACE_COLUMNS

    tr = result.trace
    error = "" if result.stop_error_m is None else f", stop error {result.stop_error_m:+.2f} m"
    title = f"{exercise.title}: {report['outcome']}{error}, score {report['score']['total']:.1f}"
    with atomic_dir(folder) as tmp:
        (tmp / MARKER).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(TRACE_COLUMNS)
        for row in zip(*(tr[c].tolist() for c in TRACE_COLUMNS)):
            w.writerow([repr(x) if isinstance(x, float) else x for x in row])
        (tmp / "trace.csv").write_text(buf.getvalue(), encoding="utf-8")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["time_s", "position_m", "kind", "text"])
        for e in result.events:
            w.writerow([e.time_s, e.position_m, e.kind, e.text])
        (tmp / "events.csv").write_text(buf.getvalue(), encoding="utf-8")
        (tmp / "controls.csv").write_text(plan_text(result.controls, _log_comment(exercise, spec)), encoding="utf-8")
        plt = pyplot()
        for name, chart in (("speed.png", speed_chart), ("notches.png", lever_chart)):
            fig, ax = plt.subplots(figsize=(11, 4))
            chart(tr, ax=ax, stop_m=_stop_m(spec), title=title)
            save_figure(fig, tmp / name)
            plt.close(fig)


def _stop_m(spec) -> float:
    from ..training.cab.route import Route

    return Route(spec).length_m
