"""``lrt exercise list|brief ...``: training exercises for operations-control staff and degraded-mode drivers.

Each kind of exercise adds its own actions here (``run`` for the control room, ``drive`` for the cab).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import drive
from .common import SEED, check_out_dir
from .options import Range, add_number

RESTART = Range(minimum=0, maximum=10_000, integer=True, what="a number of decisions")

HELP = "training exercises: list them, read a briefing, run one (control room) or drive one (cab)"


def add_parser(sub) -> None:
    p = sub.add_parser("exercise", help=HELP, description=HELP.capitalize() + " (format: docs/exercises.md).")
    esub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = esub.add_parser("list", help="the exercises, with their kind and title")
    add_exercises_option(ls)
    ls.set_defaults(run=run_list)
    b = esub.add_parser("brief", help="an exercise's briefing: situation, rules, what success looks like")
    b.add_argument("id", metavar="ID", help="the exercise (see lrt exercise list)")
    add_exercises_option(b)
    b.set_defaults(run=run_brief)
    r = esub.add_parser("run", help="a control-room exercise: decide at each decision point, then the score")
    r.add_argument("id", metavar="ID", help="the exercise (see lrt exercise list)")
    r.add_argument("--decisions", type=Path, metavar="FILE", help="replay a decision log (any run writes one)")
    add_number(r, "--restart-at", RESTART, metavar="N", default=None,
               help="replay the first N decisions of --decisions, then decide at the terminal")
    add_number(r, "--seed", SEED, metavar="N", default=None, help="seed (default: the exercise's, or the log's)")
    r.add_argument("--out", type=Path, metavar="DIR",
                   help="write debrief.md, marey.png, decisions.toml, score.json and run.json")
    r.add_argument("--log", type=Path, metavar="FILE",
                   help="where to write the decision log without --out (default: ID-decisions.toml here, or "
                        "ID-decisions-2.toml ... when that exists)")
    add_exercises_option(r)
    from .report import add_report_options

    add_report_options(r)
    r.set_defaults(run=run_control)
    drive.add_parser(esub)


def add_exercises_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--exercises", type=Path, metavar="DIR",
                   help="folder of exercises (default: the shipped exercises/)")


def exercises_root(args) -> Path:
    from ..paths import shipped

    return args.exercises if args.exercises is not None else shipped("exercises")


def find_exercise(args):
    """The exercise ``args.id`` in the exercises folder, read and checked; an unknown id lists the known."""
    from ..errors import InputError
    from ..io.exercise import list_exercises, read_exercise

    root = exercises_root(args)
    folder = root / args.id
    if not (folder / "exercise.toml").is_file():
        known = [e.id for e in list_exercises(root)]
        raise InputError("ID", "command line", repr(args.id), "one of " + (", ".join(known) or "(none in " + str(root)
                                                                          + ")"))
    return read_exercise(folder)


def run_list(args: argparse.Namespace) -> int:
    from ..io.exercise import list_exercises

    exercises = list_exercises(exercises_root(args))
    width = max((len(e.id) for e in exercises), default=2)
    for e in exercises:
        print(f"{e.id:<{width}}  {e.kind:<8} {e.title}")
    if not exercises:
        print("no exercises")
    return 0


def run_brief(args: argparse.Namespace) -> int:
    e = find_exercise(args)
    print(f"{e.title}  ({e.kind} exercise {e.id})\n")
    print(e.briefing.rstrip())
    weights = ", ".join(f"{item} {w:g}" for item, w in e.weights.items())
    print(f"\nScored on: {weights}")
    return 0


def run_control(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..io.decisions import read_decisions
    from ..training.console import Console, Quit
    from ..training.session import evaluate, prepare, replay

    if args.restart_at is not None and args.decisions is None:
        raise InputError("--restart-at", "command line", str(args.restart_at), "--decisions FILE with it")
    from .report import check_report_options, write_folder_report

    thresholds = check_report_options(args)
    if args.out is not None:
        check_out_dir(args.out, option="--out", marker="debrief.md", what="an lrt exercise output folder")
    log_path = _log_path(args)
    exercise = find_exercise(args)
    if exercise.kind != "control":
        raise InputError("ID", "command line", f"{args.id!r}, a {exercise.kind} exercise",
                         f"a control exercise (drive this one with: lrt exercise drive {args.id})")
    interactive = args.decisions is None or args.restart_at is not None
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError("lrt exercise run", "command line", "no terminal to ask the trainee at",
                         "a terminal, or --decisions FILE to replay a decision log")
    decisions, seed = [], args.seed
    if args.decisions is not None:
        from ..io.line import read_line
        from ..io.scenario import read_scenario
        from ..paths import shipped_network

        spec = read_scenario((exercise.folder / exercise.body.string("scenario")).resolve())
        logged_seed, decisions = read_decisions(args.decisions, read_line(spec.network or shipped_network()),
                                                exercise=exercise.id)
        seed = args.seed if args.seed is not None else logged_seed
        if args.restart_at is not None:
            decisions = decisions[:args.restart_at]
    prepared = prepare(exercise, seed=seed)
    console = Console() if interactive else None
    try:
        outcome = replay(prepared, decisions, then=console)
    except Quit:
        print("exercise ended by the instructor; no score (the day was not finished)")
        return 0
    baseline = replay(prepared, [])  # the day with no decision, played once for the trainee and the reference
    evaluation = evaluate(prepared, outcome, baseline)
    reference = None
    if exercise.reference is not None:
        _, ref_decisions = read_decisions(exercise.reference, prepared.scenario.line, exercise=exercise.id)
        ref_outcome = replay(prepared, ref_decisions)
        reference = (ref_outcome, evaluate(prepared, ref_outcome, baseline))
    write_control_outputs(args.out, log_path, prepared, outcome, evaluation, reference,
                          decisions_file=args.decisions)
    if args.out is not None:
        write_folder_report(args.out, thresholds)
    from ..training.score import score_text

    print(f"{exercise.title}: {len(outcome.decisions)} decision(s), {len(outcome.refused)} refused, "
          f"{len(outcome.violations)} rule(s) broken; seed {prepared.seed}")
    print(score_text(evaluation.items, evaluation.total, (reference[1].items, reference[1].total) if reference else None))
    print(f"decision log: {args.out / 'decisions.toml' if args.out is not None else log_path}")
    if args.out is not None:
        print(f"debrief written to {args.out}")
    return 0


def _log_path(args) -> Path | None:
    """Where the decision log goes without --out: --log, or ID-decisions.toml here (a new name if taken)."""
    from ..io.outputs import check_output_file

    if args.out is not None:
        return None
    if args.log is not None:
        check_output_file(args.log, source="--log")
        return args.log
    path = Path(f"{args.id}-decisions.toml")
    n = 2
    while path.exists():  # never replace a file that is already there
        path = Path(f"{args.id}-decisions-{n}.toml")
        n += 1
    check_output_file(path, source="--log")
    return path


def write_control_outputs(folder, log_path, prepared, outcome, evaluation, reference, *, decisions_file=None) -> None:
    """The decision log (always), and with --out the debrief, the marked Marey diagram, score.json, run.json."""
    import json

    from .. import __version__
    from ..io.decisions import write_decisions
    from ..io.outputs import atomic_dir
    from ..training.debrief import debrief_markdown, score_json

    times = {n: s.time_s for n, s in enumerate(outcome.stops, start=1)}
    if folder is None:
        write_decisions(log_path, exercise=prepared.exercise.id, seed=prepared.seed, decisions=outcome.log,
                        times=times)
        return
    from ..plotting.marey import plot_marey

    with atomic_dir(folder) as tmp:
        write_decisions(tmp / "decisions.toml", exercise=prepared.exercise.id, seed=prepared.seed,
                        decisions=outcome.log, times=times)
        (tmp / "debrief.md").write_text(debrief_markdown(prepared, outcome, evaluation, reference=reference),
                                        encoding="utf-8")
        score = score_json(prepared, outcome, evaluation, reference)
        (tmp / "score.json").write_text(json.dumps(score, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        markers = [(s.time_s, s.why) for s in outcome.stops]
        first = min((s.time_s for s in outcome.stops), default=6 * 3600.0)
        plot_marey(prepared.scenario.line, prepared.scenario.timetable, tmp / "marey.png",
                   actual=outcome.result.actual_trips(), markers=markers,
                   start_s=max(first - 3600.0, 5 * 3600.0), end_s=first + 3 * 3600.0,
                   title=f"{prepared.exercise.title}: planned (dashed), as run (solid), decision points (green)")
        from ..io.files import file_digest

        files = {"exercise": Path(prepared.exercise.folder) / "exercise.toml", "decisions": decisions_file}
        run = {"exercise": prepared.exercise.id, "seed": prepared.seed, "lrt_version": __version__,
               "command": ["lrt", *sys.argv[1:]], "inputs": dict(prepared.scenario.sources),
               "input_files": {role: {"path": str(p), "sha256": file_digest(Path(p))} for role, p in files.items()
                               if p is not None and Path(p).is_file()}}
        (tmp / "run.json").write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
