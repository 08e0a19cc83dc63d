"""A batch: every grid point of a sweep run for its replications, in parallel, durably, reproducibly.

Seeds: ``numpy.random.SeedSequence(sweep.seed).spawn(n)`` gives replication r the integer seed
``children[r].generate_state(1)[0]``, the same at every grid point (common random numbers: the points
differ by what the sweep changes, not by luck).  ``lrt simulate SCENARIO --seed S`` with a point's
scenario and a run's seed reproduces that run.

The runs of a point are kept in replication order; with a stopping rule a point takes the number of
replications :func:`lrt.study.stats.replications_needed` settles on from its first runs, so what is
kept never depends on how many workers ran them or in which order they finished (runs made beyond it
are dropped).  Every finished run is appended to the journal before the next is taken; ``resume``
rows from an interrupted batch are kept as they are (a run is a pure function of its scenario and
seed, so a rerun would give the same row).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field

import numpy as np

from .execute import Pool
from .stats import replications_needed

__all__ = ["BatchResult", "prepare", "run_seeds", "run_batch", "KPI_NAMES", "point_label"]

KPI_NAMES = (
    "trips_run", "train_km", "passengers_generated", "passengers_completed", "passengers_stranded",
    "stranded_share", "passengers_detrained", "mean_wait_s", "p95_wait_s", "excess_wait_s", "mean_journey_s",
    "p95_journey_s", "mean_in_vehicle_s", "capacity", "peak_load", "max_load_factor", "peak_pphpd_carried",
    "peak_pphpd_offered", "denied_boardings", "denied_boardings_share", "punctuality_1min", "punctuality_3min",
    "early_departures_share", "mean_departure_delay_s", "delay_minutes", "headway_cv_mean", "train_hours",
    "traction_drawn_mwh", "regenerated_mwh", "traction_net_mwh", "hvac_mwh", "auxiliary_mwh", "energy_mwh",
    "energy_kwh_per_train_km", "traction_kwh_per_train_km",
)
"""The numeric KPIs of a day (:func:`lrt.kpis.compute_kpis`) a sweep can summarise and stop on."""


@dataclass
class BatchResult:
    """What a batch kept: ``rows`` in run order (grid point, then replication), and per point how many
    replications it took and whether a stopping rule was met (None without a rule)."""

    rows: list[dict]
    replications: dict[int, int]
    converged: dict[int, bool | None]
    failed: int
    made: int            # runs made in this session (not read from the journal)
    wall_s: float
    surplus: int = 0     # runs made beyond what the stopping rule kept
    notes: dict = field(default_factory=dict)


def point_label(point: dict) -> str:
    """``demand.daily=25000, weather='cold'`` (the base scenario when the grid is empty)."""
    return ", ".join(f"{k}={v!r}" for k, v in point.items()) or "the base scenario"


def run_seeds(seed: int, n: int) -> list[int]:
    """The first n run seeds of a sweep (a prefix of a longer list is the same: adding runs keeps the old)."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(n)]


def prepare(sweep) -> dict:
    """Each grid point's runnable scenario and plan: files read once for all points, and the physics once
    for all points that share the line, train, weather and timetable."""
    from ..scenario import Inputs, build
    from ..sim import make_plan

    inputs = Inputs()
    plans: dict = {}
    shared = {}
    for i, spec in enumerate(sweep.specs):
        scenario = build(spec, inputs)
        key = (id(scenario.line), id(scenario.train), scenario.conditions, scenario.timetable.trips,
               scenario.options.capacity(scenario.train, scenario.conditions))
        if key not in plans:
            plans[key] = make_plan(scenario)
        shared[i] = (scenario, plans[key])
    return shared


def run_batch(sweep, pool: Pool, *, previous: list[dict] = (), journal=None,
              progress: Callable[[dict, int], None] | None = None) -> BatchResult:
    """Run the sweep's grid points on ``pool``; ``previous`` rows (from a journal) are not run again.

    ``journal.append(row)`` is called for each run as it finishes; ``progress(row, total)`` after it.
    """
    started = time.perf_counter()
    until = sweep.until
    most = until.max_replications if until else sweep.replications
    seeds = run_seeds(sweep.seed, most)
    points = range(len(sweep.points))
    done = {(r["point"], r["replication"]): r for r in previous
            if r.get("point") in points and r.get("replication", most) < most
            and r.get("seed") == seeds[r["replication"]]}
    target = dict.fromkeys(points, sweep.replications)
    decided: dict[int, int] = {}
    converged: dict[int, bool | None] = {}
    queue: deque = deque()  # runs to make, in run order; a few at a time are in flight
    queued: set = set()
    pending: dict = {}
    made = 0
    step = max((until.look_ahead + 1) if until else 1, pool.workers)
    in_flight = 2 * pool.workers  # enough to keep every worker busy; the rest wait (a kill loses few)

    def enqueue(p: int, reps: range) -> None:
        for r in reps:
            if (p, r) not in done and (p, r) not in queued:
                queue.append((p, r))
                queued.add((p, r))

    def total() -> int:
        return sum(decided.get(p, target[p]) for p in points)

    for p in points:
        enqueue(p, range(sweep.replications))
    try:
        while True:
            for p in points:  # decide every point whose first target[p] runs are all in
                if p in decided or any((p, r) not in done for r in range(target[p])):
                    continue
                if until is None:
                    decided[p], converged[p] = target[p], None
                    continue
                values = [_value(done[(p, r)], until.kpi) for r in range(target[p])]
                n = replications_needed(values, half_width=until.half_width, minimum=sweep.replications,
                                        look_ahead=until.look_ahead)
                if n is not None:
                    decided[p], converged[p] = n, True
                elif target[p] >= most:
                    decided[p], converged[p] = most, False
                else:
                    grow = min(most, target[p] + step)
                    enqueue(p, range(target[p], grow))
                    target[p] = grow
            for future, (p, r) in list(pending.items()):  # runs beyond what a decided point keeps
                if p in decided and r >= decided[p] and future.cancel():
                    del pending[future]
            while queue and len(pending) < in_flight:
                p, r = queue.popleft()
                if p not in decided or r < decided[p]:
                    pending[pool.submit_day(p, r, seeds[r])] = (p, r)
            if not pending:
                break
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                p, r = pending.pop(future)
                row = future.result()
                made += 1
                done[(p, r)] = row
                if journal is not None:
                    journal.append(row)
                if progress is not None:
                    progress(row, total())
    finally:
        for future in pending:
            future.cancel()
    rows = [done[(p, r)] for p in points for r in range(decided[p])]
    failed = sum(1 for row in rows if row["status"] != "ok")
    surplus = sum(1 for (p, r) in done if r >= decided[p])
    return BatchResult(rows=rows, replications=dict(decided), converged=converged, failed=failed, made=made,
                       wall_s=time.perf_counter() - started, surplus=surplus)


def _value(row: dict, kpi: str) -> float:
    value = row.get("kpis", {}).get(kpi) if row.get("status") == "ok" else None
    return math.nan if value is None else float(value)
