"""``lrt batch SWEEP.toml``: a sweep of scenarios, many replications each, on this machine or a Dask cluster."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..errors import InputError
from .common import check_out_dir
from .options import Range, add_number

HELP = "run a sweep: a grid of scenarios, each replicated with its own seeds, in parallel"
WORKERS = Range(minimum=1, maximum=256, integer=True, what="a whole number of worker processes")
REPLICATIONS = Range(minimum=1, maximum=10_000, integer=True, what="a whole number of replications")


def add_parser(sub) -> None:
    p = sub.add_parser("batch", help=HELP, description=HELP.capitalize() + " (format: docs/batch.md).")
    p.add_argument("sweep", type=Path, metavar="SWEEP", help="sweep file (TOML), e.g. examples/demand-growth.toml")
    p.add_argument("-o", "--out", type=Path, required=True, metavar="DIR",
                   help="results folder: results.csv, summary.csv, timings.csv, charts, run.json, runs.jsonl")
    add_number(p, "--workers", WORKERS, metavar="N", default=None,
               help="worker processes (default: the cores of this machine)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="local process pool (default) or a Dask cluster (pip install 'lrt[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://HOST:8786 (default: a "
                                                          "LocalCluster on this machine)")
    p.add_argument("--until", metavar="RULE", help='add replications until e.g. "mean_wait_s ci95 < 2" (the 95 %% '
                                                    "interval's half-width, in the KPI's unit)")
    add_number(p, "--max-replications", REPLICATIONS, metavar="N", default=None,
               help="most replications per grid point with --until (default: the sweep's, or 200)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted batch in DIR: finished runs "
                                                         "are kept, the rest are made")
    from .report import add_report_options

    add_report_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os

    from ..io.journal import JOURNAL_NAME, Journal, read_journal
    from ..io.sweep import parse_until, read_sweep
    from ..study.batch import KPI_NAMES, prepare, run_batch
    from ..study.execute import open_pool

    if args.scheduler and args.executor != "dask":
        raise InputError("--scheduler", "command line", repr(args.scheduler), "--executor dask with it")
    from .report import check_report_options, write_folder_report

    thresholds = check_report_options(args)
    check_out_dir(args.out, option="--out", marker=JOURNAL_NAME, what="an lrt batch folder")
    until = None
    if args.until is not None:
        until = parse_until(args.until, max_replications=args.max_replications or 200)
    elif args.max_replications is not None:
        raise InputError("--max-replications", "command line", str(args.max_replications), "--until with it")
    sweep = read_sweep(args.sweep, until=until)  # every grid point checked before any run
    if sweep.until is not None and sweep.until.kpi not in KPI_NAMES:
        where = ("--until", "command line") if until is not None else (sweep.source, "until.kpi")
        raise InputError(*where, repr(sweep.until.kpi), "a KPI of lrt simulate --format json: " + ", ".join(KPI_NAMES))
    header = _header(args, sweep)
    previous = read_journal(args.out, header) if args.resume else []
    if not args.resume and (args.out / JOURNAL_NAME).exists() and not (args.out / "run.json").exists():
        raise InputError("--out", "command line", f"{str(args.out)!r} holds an interrupted batch",
                         "--resume to continue it, or a new folder")
    workers = args.workers or os.cpu_count() or 1
    started = time.perf_counter()
    shared = prepare(sweep)
    journal = Journal(args.out, header, resume=args.resume)
    progress = _Progress(sweep.max_runs if sweep.until is None else len(sweep.points) * sweep.replications,
                         already=len(previous))
    pool = open_pool(shared, kind=args.executor, workers=workers, scheduler=args.scheduler)
    try:
        result = run_batch(sweep, pool, previous=previous, journal=journal, progress=progress.update)
    except BaseException:
        pool.close(cancel=True)
        raise
    finally:
        progress.close()
        journal.close()
    pool.close()
    elapsed = time.perf_counter() - started
    write_outputs(args.out, sweep, result, {"command": ["lrt", *sys.argv[1:]], "executor": pool.kind,
                                            "workers": pool.workers, "elapsed_s": round(elapsed, 2),
                                            "resumed_runs": len(previous)})
    write_folder_report(args.out, thresholds)
    print(_text(sweep, result, elapsed, pool))
    print(f"written to {args.out}")
    return 1 if result.failed else 0


def _header(args, sweep) -> dict:
    """The journal's first line: what makes two batches the same batch."""
    from .. import __version__
    from ..io.files import file_digest

    return {"lrt_batch": 1, "lrt_version": __version__, "sweep": file_digest(Path(sweep.source).resolve())
            if Path(sweep.source).exists() else sweep.source, "scenario": file_digest(sweep.scenario),
            "seed": sweep.seed, "replications": sweep.replications,
            "until": sweep.until.text() if sweep.until else None,
            "max_replications": sweep.until.max_replications if sweep.until else None}


class _Progress:
    """A tqdm bar on a terminal (runs done, failures, time left); a plain line every 10 % otherwise."""

    def __init__(self, total: int, already: int) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.started = time.perf_counter()
        self.bar = None
        self.next_line = 0.1
        if already:
            print(f"resuming: {already} runs already made", file=sys.stderr)
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="run", dynamic_ncols=True, file=sys.stderr)

    def update(self, row: dict, total: int) -> None:
        from ..study.execute import seconds_text

        self.done += 1
        self.failed += row["status"] != "ok"
        self.total = max(total, self.done)
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update(1)
        elif self.done >= self.next_line * self.total or self.done == self.total:
            elapsed = time.perf_counter() - self.started
            left = elapsed / self.done * (self.total - self.done)
            print(f"batch: {self.done:,} of {self.total:,} runs, {self.failed} failed, {seconds_text(elapsed)} "
                  f"elapsed, about {seconds_text(left)} left", file=sys.stderr, flush=True)
            self.next_line = self.done / self.total + 0.1

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def write_outputs(folder: Path, sweep, result, extra: dict) -> None:
    """results.csv, timings.csv, summary.csv (and results.parquet with pyarrow), the charts and run.json."""
    import csv
    import platform

    import numpy
    import simpy

    from .. import __version__
    from ..io.files import file_digest
    from ..io.outputs import atomic_dir
    from ..plotting.batch import plot_batch
    from ..study.results import results_table, summary_table, timings_table

    tables = {"results.csv": results_table(sweep, result.rows), "timings.csv": timings_table(result.rows),
              "summary.csv": summary_table(sweep, result.rows)}
    with atomic_dir(folder) as tmp:
        for name, (header, rows) in tables.items():
            with open(tmp / name, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                w.writerows(rows)
        _parquet(tmp / "results.parquet", *tables["results.csv"])
        charts = plot_batch(sweep, result.rows, tmp, kpi=sweep.until.kpi if sweep.until else "mean_wait_s")
        run = {"sweep": sweep.source, "sweep_digest": file_digest(Path(sweep.source)) if Path(sweep.source).exists()
               else None, "scenario": str(sweep.scenario), "scenario_digest": file_digest(sweep.scenario),
               "name": sweep.name, "seed": sweep.seed, "grid": [[k, list(v)] for k, v in sweep.grid],
               "replications": {str(p): n for p, n in result.replications.items()},
               "stopping_rule": sweep.until.text() if sweep.until else None,
               "converged": {str(p): c for p, c in result.converged.items()},
               "runs": len(result.rows), "failed": result.failed, "runs_made_now": result.made,
               "surplus_runs": result.surplus, "charts": charts,
               "versions": {"lrt": __version__, "python": platform.python_version(), "numpy": numpy.__version__,
                            "simpy": simpy.__version__}, **extra}
        (tmp / "run.json").write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _parquet(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """The results as Parquet, numbers typed, when pyarrow is installed; nothing otherwise."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return
    import pandas as pd

    frame = pd.DataFrame(rows, columns=header)
    for column in frame.columns:
        if column in ("status", "error"):
            continue
        numbers = pd.to_numeric(frame[column].replace("", None), errors="coerce")
        if numbers.notna().sum() == (frame[column] != "").sum():  # every filled cell is a number
            frame[column] = numbers
    frame.to_parquet(path, index=False)


def _text(sweep, result, elapsed: float, pool) -> str:
    from ..study.batch import point_label
    from ..study.stats import describe

    lines = [f"{sweep.name}: {len(result.rows):,} runs kept over {len(sweep.points)} grid point(s), "
             f"{result.failed} failed; {result.made:,} made now on {pool.workers} {pool.kind} worker(s) in "
             f"{elapsed:.1f} s"]
    if sweep.until is not None:
        lines.append(f"stopping rule: {sweep.until.text()}, look-ahead {sweep.until.look_ahead}, at most "
                     f"{sweep.until.max_replications} replications")
    lines.append(f"  {'grid point':<44}{'runs':>6}{'mean wait min':>16}{'p95 wait min':>14}{'on time 1 min':>15}"
                 f"{'stranded':>10}")
    for p, point in enumerate(sweep.points):
        mine = [r for r in result.rows if r["point"] == p and r["status"] == "ok"]

        def stat(kpi, factor=1.0):
            return describe([r["kpis"].get(kpi) * factor for r in mine if r["kpis"].get(kpi) is not None])

        wait, p95 = stat("mean_wait_s", 1 / 60), stat("p95_wait_s", 1 / 60)
        punct, stranded = stat("punctuality_1min", 100.0), stat("passengers_stranded")
        note = {True: "", False: " (rule not met)", None: ""}[result.converged.get(p)]
        fmt = (lambda d, digits: "n/a" if d["mean"] is None else
               f"{d['mean']:.{digits}f}" + (f" ±{d['ci95']:.{digits}f}" if d["ci95"] is not None else ""))
        lines.append(f"  {point_label(point)[:43]:<44}{result.replications[p]:>6}{fmt(wait, 2):>16}"
                     f"{fmt(p95, 1):>14}{fmt(punct, 1):>15}{fmt(stranded, 0):>10}{note}")
    lines.append("  ± is the 95 % interval of the mean over the replications (Student t)")
    return "\n".join(lines)
