"""``lrt report RUN_DIR``: one self-contained HTML page of a simulate, compare, batch or exercise folder;
and the ``--report`` and ``--thresholds`` options those commands take to write it directly."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError

HELP = "an HTML report of a run folder (simulate, compare, batch or exercise run), one self-contained file"


def add_parser(sub) -> None:
    p = sub.add_parser("report", help=HELP, description=HELP.capitalize() + " (docs/report.md).")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="the output folder of an lrt command")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="the report (default: RUN_DIR/report.html)")
    add_thresholds_option(p)
    p.set_defaults(run=run)


def add_thresholds_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--thresholds", type=Path, metavar="FILE",
                   help="traffic-light thresholds of the KPI tiles (TOML; default: the shipped ones, docs/report.md)")


def add_report_options(p: argparse.ArgumentParser) -> None:
    """``--report`` (and ``--thresholds``) on a command that writes an output folder with ``--out``."""
    p.add_argument("--report", action="store_true", help="also write report.html into the --out folder "
                                                         "(the page lrt report makes of it)")
    add_thresholds_option(p)


def check_report_options(args: argparse.Namespace) -> dict | None:
    """Judge ``--report`` and ``--thresholds`` before any work; the thresholds to use, or None without --report."""
    if getattr(args, "thresholds", None) is not None and not args.report:
        raise InputError("--thresholds", "command line", str(args.thresholds), "--report with it")
    if not args.report:
        return None
    if args.out is None:
        raise InputError("--report", "command line", "no --out folder", "--out DIR with it (the report is written there)")
    from ..report.thresholds import read_thresholds

    return read_thresholds(args.thresholds)


def write_folder_report(folder: Path, thresholds: dict | None) -> None:
    """The report of a folder just written (``--report``), at ``folder/report.html``."""
    if thresholds is None:
        return
    from ..report import write_report

    out = write_report(folder, thresholds=thresholds)
    print(f"report written to {out}")


def run(args: argparse.Namespace) -> int:
    from ..io.outputs import check_output_file
    from ..report import REPORT_NAME, write_report
    from ..report.folder import open_folder
    from ..report.thresholds import read_thresholds

    open_folder(args.run_dir)  # what kind of folder, before anything else
    out = args.output if args.output is not None else args.run_dir / REPORT_NAME
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError("-o", "command line", repr(str(out)), "a file name ending in .html")
    check_output_file(out, source="-o" if args.output is not None else "RUN_DIR")
    thresholds = read_thresholds(args.thresholds)
    write_report(args.run_dir, out, thresholds)
    print(f"report written to {out}")
    return 0
