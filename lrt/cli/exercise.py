"""``lrt exercise list|brief ...``: training exercises for operations-control staff and degraded-mode drivers.

Each kind of exercise adds its own actions here (``run`` for the control room, ``drive`` for the cab).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import drive

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
