"""Speed of ``lrt simulate --out``, its charts and the report (python benchmarks/bench_report.py [--repeat N]).

Prints, each the median of N runs on the shipped weekday (92,000 passengers, seed 1), wall time and
processor time (user + system of the process and the processes it forked):

- ``lrt simulate --out DIR`` as a whole process (start-up, imports, simulation, tables and two charts), as
  shipped, then with its writers forced into forked processes and forced into one process
  (:func:`lrt.io.outputs.can_fork` decides as shipped: forked when a processor is free);
- the two charts of ``simulate --out`` alone (marey.png and loads.png, in this process, warm);
- ``lrt report DIR`` as a whole process, and the size of the page.

The machine's load is printed with them: on a busy machine the wall times say little, the processor times
more.  Run it with ``env -u PYTHONDONTWRITEBYTECODE`` (without .pyc files every import is compiled again).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_FORCED = ("import sys, lrt.io.outputs as o; o.can_fork = lambda: {fork}; from lrt.cli import main; "
           "sys.exit(main(sys.argv[1:]))")


def _process(args: list[str], fork: bool | None = None) -> tuple[float, float]:
    """Wall and processor time [s] of one ``lrt`` process (with its forked writers)."""
    command = ["-m", "lrt"] if fork is None else ["-c", _FORCED.format(fork=fork)]
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, *command, *args], check=True, stdout=subprocess.DEVNULL)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _medians(fn, n: int) -> tuple[float, float]:
    times = [fn() for _ in range(n)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def _timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _load() -> str:
    with open("/proc/loadavg") as f:
        one, _, _, running, _ = f.read().split()
    return f"load average {one}, {running.split('/')[0]} running, {os.cpu_count()} processors"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    n = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "day"
        print(f"before: {_load()}")
        for label, fork in (("as shipped", None), ("forked writers", True), ("one process", False)):
            wall, cpu = _medians(lambda: _process(["simulate", "--out", str(out)], fork), n)
            print(f"lrt simulate --out (whole process, {label}, median of {n}): {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"after: {_load()}")

        from lrt.plotting.loads import plot_load_heatmap
        from lrt.plotting.marey import plot_marey
        from lrt.scenario import load
        from lrt.sim import simulate as run_day

        scenario = load(None)
        result = run_day(scenario, scenario.seed)
        actual = result.actual_trips()

        def charts():
            plot_marey(scenario.line, scenario.timetable, Path(tmp) / "marey.png", actual=actual)
            plot_load_heatmap(result, scenario, Path(tmp) / "loads.png")

        charts()  # the first draw loads the fonts
        wall, cpu = _medians(lambda: _timed(charts), n)
        print(f"  of which the two charts (in process, warm, median of {n}): {wall:.2f} s wall, {cpu:.2f} s CPU; "
              f"marey.png {(Path(tmp) / 'marey.png').stat().st_size / 1e6:.2f} MB, "
              f"loads.png {(Path(tmp) / 'loads.png').stat().st_size / 1e6:.2f} MB")
        wall, cpu = _medians(lambda: _process(["report", str(out)]), n)
        size = (out / "report.html").stat().st_size
        print(f"lrt report DIR (whole process, median of {n}): {wall:.2f} s wall, {cpu:.2f} s CPU; "
              f"report.html {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
