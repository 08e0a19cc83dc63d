"""Speed of the charts and the report (python benchmarks/bench_report.py [--repeat N]).

Prints, each the median of N runs on the shipped weekday (92,000 passengers, seed 1):

- ``lrt simulate --out DIR`` as a whole process (start-up, imports, simulation, tables and two charts);
- the two charts of ``simulate --out`` alone (marey.png and loads.png, in this process, warm);
- ``lrt report DIR`` as a whole process, and the size of the page.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_time


def _process(args: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "lrt", *args], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    n = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "day"
        simulate = median_time(lambda: _process(["simulate", "--out", str(out)]), repeat=n)
        print(f"lrt simulate --out (whole process, median of {n}): {simulate:.2f} s")

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
        print(f"  of which the two charts (in process, median of {n}): {median_time(charts, repeat=n):.2f} s")
        report = median_time(lambda: _process(["report", str(out)]), repeat=n)
        size = (out / "report.html").stat().st_size
        print(f"lrt report DIR (whole process, median of {n}): {report:.2f} s; report.html {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
