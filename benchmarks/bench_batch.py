"""Speed of batch work: one replication, a thousand on two workers, and `lrt simulate` as a whole process.

Prints (the targets of the batch issue in brackets):

* one replication at 92,000 passengers, simulation + KPIs with the plan reused, median of 41 seeds [<= 0.12 s]
  (41: a full garbage collection every few runs moves a median of 15 by several ms);
  and its parts (the day, the KPIs);
* N replications (default 1,000) of the shipped weekday through the batch machinery on 2 workers, wall
  time [<= 90 s for 1,000];
* `lrt simulate` and `lrt simulate --out DIR` as whole processes, median of 5 [<= 0.6 s], with the runs of the
  train kept on disk by an earlier command (lrt.io.cache, as on a planner's machine) and with that cache off;
* whether `lrt --help` imports pandas or matplotlib [neither].

Run: python benchmarks/bench_batch.py [--replications N] [--workers W]
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

from timing import median_time

from lrt import runtime, store
from lrt.io.cache import DiskCache
from lrt.kpis import compute_kpis
from lrt.paths import shipped
from lrt.scenario import load
from lrt.sim import make_plan, simulate


def one_replication() -> None:
    scenario = load(shipped("scenarios", "weekday.toml"))
    plan = make_plan(scenario)
    seeds = iter(range(1000))
    day = median_time(lambda: simulate(scenario, next(seeds), plan=plan), 15)
    result = simulate(scenario, 1, plan=plan)
    kpis = median_time(lambda: compute_kpis(result, scenario), 15)
    both = median_time(lambda: compute_kpis(simulate(scenario, next(seeds), plan=plan), scenario), 15)
    cpu = median_time(lambda: compute_kpis(simulate(scenario, next(seeds), plan=plan), scenario), 41,
                      clock=time.process_time)
    print(f"one replication at 92,000 passengers (plan reused): {both:.3f} s wall, {cpu:.3f} s CPU  "
          f"[target <= 0.12 s]")
    def fresh_plan():
        runtime._MEMO.clear()  # the physics worked out anew, as in a new process
        return make_plan(scenario)

    worked = median_time(fresh_plan, 3)  # a library call: no keeper of runs installed
    with tempfile.TemporaryDirectory() as tmp:
        store.KEEPER = DiskCache(Path(tmp))  # as the command line installs it (lrt.io.cache.install)
        fresh_plan()  # the runs kept on disk, as an earlier command leaves them
        kept = median_time(fresh_plan, 3)
        store.KEEPER = None
    print(f"  of which the day {day:.3f} s, the KPIs {kpis:.3f} s; the plan, once per scenario: "
          f"{worked:.3f} s, or {kept:.3f} s with the train's runs kept from an earlier command")


def many(n: int, workers: int) -> None:
    from lrt.io.sweep import read_sweep
    from lrt.study.batch import prepare, run_batch
    from lrt.study.execute import open_pool

    with tempfile.TemporaryDirectory() as tmp:
        sweep_file = Path(tmp) / "sweep.toml"
        sweep_file.write_text(f'schema_version = 1\nname = "bench"\nscenario = "{shipped("scenarios", "weekday.toml")}"'
                              f"\nseed = 1\nreplications = {n}\n", encoding="utf-8")
        sweep = read_sweep(sweep_file)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        pool = open_pool(prepare(sweep), kind="local", workers=workers)
        try:
            result = run_batch(sweep, pool)
        finally:
            pool.close()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once they have ended
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(f"{n:,} replications on {workers} workers: {wall:.1f} s wall, {wall / n * workers:.3f} s per run per "
          f"worker, {result.failed} failed  [target <= 90 s for 1,000 on 2]")
    print(f"  the workers' CPU: {cpu:.1f} s, {cpu / n:.3f} s a run (what the wall time would be on {workers} idle "
          f"cores: {cpu / workers:.0f} s)")


def whole_process() -> None:
    cache = tempfile.TemporaryDirectory()

    def run(args, kept=True):
        """Median wall and CPU (user + system, of the child process) time [s]; ``kept``: with the runs of the
        train kept on disk by the first of the runs (lrt.io.cache), else with that cache off."""
        env = {**os.environ, "LRT_CACHE_DIR": cache.name if kept else "off"}
        walls, cpus = [], []
        for _ in range(6):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "lrt", *args], check=True, capture_output=True, env=env)
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return statistics.median(walls[1:]), statistics.median(cpus[1:])  # the first warms the file cache

    wall, cpu = run(["simulate"])
    print(f"lrt simulate as a whole process: {wall:.2f} s wall, {cpu:.2f} s CPU  [target <= 0.6 s]")
    wall, cpu = run(["simulate"], kept=False)
    print(f"  the same with the cache of runs off (LRT_CACHE_DIR=off): {wall:.2f} s wall, {cpu:.2f} s CPU")
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu = run(["simulate", "--out", str(Path(tmp) / "o")])
        print(f"lrt simulate --out DIR as a whole process: {wall:.2f} s wall, {cpu:.2f} s CPU")
    cache.cleanup()
    code = "import sys, lrt.cli; lrt.cli.build_parser(); print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    heavy = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    print(f"lrt --help imports pandas: {heavy[0]}, matplotlib: {heavy[1]}  [both False]")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replications", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    one_replication()
    whole_process()
    many(args.replications, args.workers)


if __name__ == "__main__":
    main()
