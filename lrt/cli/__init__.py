"""Command line: argparse in front of the library functions, nothing else.

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
Heavy libraries (pandas, matplotlib) are imported inside ``run`` so that ``lrt --help`` stays fast.
Only this package knows about argv and exit codes (docs/robustness.md):

====  ==============================================================================================
0     success (also ``--help`` and ``--version``)
1     findings (``timetable check`` found violations)
2     refused: bad input or a bad command line, one ``error:`` line on stderr, no traceback
130   interrupted (Ctrl-C, SIGINT): one line ``interrupted``; nothing half-written is left
143   terminated (SIGTERM): one line ``terminated``; nothing half-written is left
====  ==============================================================================================
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys

from ..errors import InputError, LrtError
from .usage import unrecognized, usage_error

__all__ = ["main", "build_parser"]

COMMANDS = ["simulate", "batch", "compare", "exercise", "runtime", "headway", "timetable", "demand", "report"]


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors turned into one ``error:`` line (InputError) instead of usage text.

    Subparsers are made with the parser's own class, so every command and action is covered.
    """

    def error(self, message: str):  # argparse calls this and expects it not to return
        raise usage_error(self, message)

    def parse_args(self, args=None, namespace=None):
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # name the command whose --help lists what it takes
            words = [self.prog, getattr(parsed, "command", None), getattr(parsed, "action", None)]
            raise unrecognized(" ".join(w for w in words if w), extras)
        return parsed


def build_parser() -> Parser:
    from .. import __version__

    parser = Parser(
        prog="lrt", description="Operations simulator for the Astana LRT line 1.",
        epilog="Run 'lrt COMMAND --help' for a command's options. Exit status: 0 success, 1 findings "
               "(timetable check), 2 bad input, 130 interrupted, 143 terminated.")
    parser.add_argument("--version", action="version", version=f"lrt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f".{name.replace('-', '_')}", __name__).add_parser(sub)
    return parser


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt so that ``finally`` blocks clean up."""


def _terminate(signum, frame):
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status (see the module docstring)."""
    # Outside the main thread (an embedding application) signals stay the application's business.
    handles_sigterm = _in_main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if handles_sigterm else None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            raise InputError("COMMAND", "command line", "missing",
                             f"one of {', '.join(COMMANDS)} (lrt --help describes them)")
        from ..io.cache import install

        install()  # the train's runs kept on disk between commands (LRT_CACHE_DIR; docs/robustness.md)
        return int(args.run(args) or 0)
    except SystemExit as exc:  # --help and --version print, then exit 0
        return exc.code if isinstance(exc.code, int) else 0
    except LrtError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:  # `lrt ... | head`
        return 0
    finally:
        if handles_sigterm:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
