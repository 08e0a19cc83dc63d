"""Command line: argparse in front of the library functions, nothing else.

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
Heavy libraries (pandas, matplotlib) are imported inside ``run`` so that ``lrt --help`` stays fast.
Only this package knows about argv and exit codes: 0 success, 1 findings (``timetable check``),
2 bad input (one ``error:`` line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import LrtError

__all__ = ["main", "build_parser"]

COMMANDS = ["simulate", "runtime", "headway", "timetable", "demand", "compare"]


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="lrt", description="Operations simulator for the Astana LRT line 1.",
        epilog="Run 'lrt COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"lrt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f".{name.replace('-', '_')}", __name__).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except LrtError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `lrt ... | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
