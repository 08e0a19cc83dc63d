"""A control-room exercise run: the day stops at each decision point, the trainee decides, the day goes on.

:func:`prepare` assembles the exercise's scenario (its overrides, scripted faults, crowd surges) and
draws its passengers once; :class:`ExerciseRun` steps one run through its decision points, applying
decisions through :class:`~lrt.training.control.ControlRoom`; :func:`play` runs it with a function
that decides at each point (a scripted log, a reference solution, a person at a terminal) and returns the
decision log and the finished day.  The same exercise, seed and decisions give the same day, so a decision
log replays exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..demand import Arrivals
from ..disruptions import Fault
from ..sim import Simulation, make_plan
from ..sim.engine import draw_passengers, run_seeds
from .control import ControlRoom, Decision, Refused

__all__ = ["Prepared", "prepare", "ExerciseRun", "Stop", "play", "replay", "Outcome", "Evaluation", "evaluate"]


@dataclass(frozen=True)
class Prepared:
    """What every run of an exercise shares: its scenario, plan, passengers, control tables and seed."""

    exercise: object   # lrt.io.exercise.Exercise
    spec: object       # lrt.io.control.ControlSpec
    scenario: object   # lrt.sim.Scenario
    plan: object
    passengers: Arrivals
    seed: int


def prepare(exercise, *, seed: int | None = None) -> Prepared:
    """Read an exercise's control tables and assemble its day (files are read through :mod:`lrt.io`)."""
    from ..io.control import read_control
    from ..io.scenario import read_scenario
    from ..scenario import build

    body = exercise.body
    raw = body.string("scenario")
    path = (exercise.folder / raw).resolve()
    if not path.is_file():
        raise body.error("scenario", f"{raw!r}: no such file", "a scenario file, relative to the exercise")
    overrides = dict(body.table("overrides", required=False).data)
    scenario = build(read_scenario(path, overrides, origin=f"{exercise.source} [overrides]"))
    spec = read_control(exercise, scenario.line, set(scenario.timetable.blocks()))
    scenario = dataclasses.replace(scenario, faults=tuple(scenario.faults) + tuple(spec.faults),
                                   name=f"{exercise.title} ({scenario.name})")
    seed = seed if seed is not None else (spec.seed if spec.seed is not None else scenario.seed)
    passengers = _with_crowds(draw_passengers(scenario, seed), spec.crowds, scenario, seed)
    return Prepared(exercise=exercise, spec=spec, scenario=scenario, plan=make_plan(scenario),
                    passengers=passengers, seed=seed)


def _with_crowds(base: Arrivals, crowds, scenario, seed: int) -> Arrivals:
    """The day's passengers plus the exercise's crowd surges (Poisson counts, uniform arrival times; to the
    destinations given, or to every other station in proportion to the demand model's attraction)."""
    if not crowds:
        return base
    rng = np.random.default_rng(run_seeds(seed)[3])
    codes = list(scenario.line.codes)
    times, origins, dests = [base.time_s], [base.origin], [base.destination]
    od = scenario.demand.od_total if scenario.demand is not None else np.ones((len(codes), len(codes)))
    for c in crowds:
        i = codes.index(c.station)
        n = int(rng.poisson(c.passengers))
        if c.destinations:
            choices = np.array([codes.index(d) for d in c.destinations])
            weights = np.ones(choices.size)
        else:
            choices = np.array([j for j in range(len(codes)) if j != i])
            weights = od[:, choices].sum(axis=0) + 1e-9
        times.append(rng.uniform(c.start_s, c.end_s, n))
        origins.append(np.full(n, i, dtype=np.int64))
        dests.append(rng.choice(choices, size=n, p=weights / weights.sum()))
    t = np.concatenate(times)
    order = np.argsort(t, kind="stable")
    return Arrivals(time_s=t[order], origin=np.concatenate(origins)[order],
                    destination=np.concatenate(dests)[order], codes=base.codes)


@dataclass(frozen=True)
class Stop:
    """The simulation stopped at decision point ``point`` at ``time_s``; ``why`` says what triggered it."""

    point: object   # lrt.io.control.DecisionPoint
    time_s: float
    why: str


class ExerciseRun:
    """One run of a prepared exercise, stepped from decision point to decision point."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.room = ControlRoom(spec=prepared.spec, options=prepared.scenario.options)
        self.sim = Simulation(prepared.scenario, prepared.seed, controller=self.room, plan=prepared.plan,
                              passengers=prepared.passengers)
        self.times = sorted((p for p in prepared.spec.points if p.on == "time"), key=lambda p: (p.at_s, p.number))
        self.decisions: list[Decision] = []
        self.log: list[Decision] = []  # the trainee's decisions and the instructor's entries, in order
        self.refused: list[tuple[Decision, str]] = []
        self.extra_stops: list[float] = []

    def next_stop(self) -> Stop | None:
        """Run to the next decision point (or an instructor's step); None when the day is over."""
        sim = self.sim
        while True:
            targets = [p.at_s for p in self.times] + self.extra_stops
            until = min(targets) if targets else None
            fired_before = len(self.room.fired)
            sim.run(until=until)
            if len(self.room.fired) > fired_before:
                point, event = self.room.fired[-1]
                return Stop(point=point, time_s=sim.now, why=_why(point, event, sim.s.line))
            if until is not None and sim.now >= until:
                if self.extra_stops and until == min(self.extra_stops):
                    self.extra_stops.remove(until)
                    return Stop(point=None, time_s=sim.now, why="the instructor's step")
                point = self.times.pop(0)
                return Stop(point=point, time_s=sim.now, why="the time set for this decision")
            if sim.finished or until is None:
                return None

    def decide(self, decision: Decision) -> str:
        """Apply one decision now; returns what was done, or raises Refused (recorded)."""
        try:
            done = self.room.apply(decision, self.sim.now)
        except Refused as exc:
            self.refused.append((decision, str(exc)))
            raise
        self.decisions.append(decision)
        self.log.append(decision)
        return done

    def instruct(self, entry: Decision) -> str:
        """An instructor's entry (``step`` or ``fault``), kept in the log so that the session replays exactly."""
        if entry.action == "step":
            self.step(entry.minutes)
        elif entry.action == "fault":
            self.inject(Fault(fault_id="F", kind=entry.fault, start_s=0.0, duration_s=entry.seconds, train=entry.train,
                              station=entry.station, section=entry.section, source="instructor"))
        else:
            raise ValueError(f"{entry.action!r} is not an instructor's entry")
        self.log.append(entry)
        return entry.text(self.sim.s.line)

    def step(self, minutes: float) -> None:
        """Stop again ``minutes`` from now (an instructor's step, between decision points)."""
        self.extra_stops.append(self.sim.now + 60.0 * minutes)

    def inject(self, fault) -> None:
        """An instructor's extra fault, from now (:meth:`lrt.sim.Simulation.inject`)."""
        self.sim.inject(fault)

    def finish(self):
        """Run the day to its end and return its result."""
        while self.next_stop() is not None:  # decision points left are passed with no decision
            pass
        return self.sim.result()


@dataclass
class Outcome:
    """A played run: its result, the decisions taken (and refused), the stops made."""

    result: object
    decisions: list[Decision]
    refused: list[tuple[Decision, str]]
    stops: list[Stop] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    log: list[Decision] = field(default_factory=list)  # decisions and instructor entries: the decision log


def play(prepared: Prepared, decide: Callable[[ExerciseRun, Stop, int], None]) -> Outcome:
    """Run the exercise; at each stop call ``decide(run, stop, n)`` (n: the stop's number from 1), which takes
    its decisions through ``run.decide``."""
    run = ExerciseRun(prepared)
    stops = []
    while (stop := run.next_stop()) is not None:
        stops.append(stop)
        decide(run, stop, len(stops))
    return Outcome(result=run.sim.result(), decisions=run.decisions, refused=run.refused, stops=stops,
                   violations=list(run.room.violations), log=run.log)


def _why(point, event, line) -> str:
    from ..units import format_clock

    where = ""
    if event.station:
        try:
            where = f" at {line.station(event.station).name_en}"
        except KeyError:
            where = ""
    if point.on == "fault":
        return f"a fault: {event.text}"
    if point.on == "delay":
        return f"train {event.train} left{where} {event.value / 60:.1f} min late (over {point.over / 60:.1f} min)"
    return (f"{event.value:.0f} passengers waiting{where} when train {event.train} arrived at "
            f"{format_clock(event.time_s)} (over {point.over:.0f})")


def replay(prepared: Prepared, decisions: list, *, then: Callable | None = None) -> Outcome:
    """Run the exercise applying ``decisions`` at their stops (their ``point``: the stop's number); after the
    last of them, ``then(run, stop, n)`` decides (an interactive restart), if given.  A decision refused now
    is recorded as refused, as it was when first taken."""
    by_stop: dict[int, list] = {}
    for d in decisions:
        by_stop.setdefault(d.point, []).append(d)
    last = max(by_stop, default=0)

    def decide(run: ExerciseRun, stop: Stop, n: int) -> None:
        for d in by_stop.get(n, []):
            if d.instructor:
                run.instruct(d)
                continue
            try:
                run.decide(d)
            except Refused:
                pass
        if then is not None and n > last:
            then(run, stop, n)

    return play(prepared, decide)


@dataclass
class Evaluation:
    """A scored run: the rubric items and total, beside the no-decision day's; the KPIs of both days."""

    items: list
    total: float
    kpis: dict
    baseline_kpis: dict
    measures: dict
    baseline_measures: dict


def evaluate(prepared: Prepared, outcome: Outcome, baseline: Outcome | None = None) -> Evaluation:
    """Score a played run against the same exercise and seed with no decision (played here if not given)."""
    from ..kpis import compute_kpis
    from .score import measures, score

    baseline = baseline if baseline is not None else replay(prepared, [])
    penalty = prepared.spec.stranded_penalty_min
    kb, kt = compute_kpis(baseline.result, prepared.scenario), compute_kpis(outcome.result, prepared.scenario)
    mb = measures(baseline.result, kb, violations=len(baseline.violations), stranded_penalty_min=penalty)
    mt = measures(outcome.result, kt, violations=len(outcome.violations), stranded_penalty_min=penalty)
    items, total = score(mt, mb, prepared.exercise.weights)
    return Evaluation(items=items, total=total, kpis=kt, baseline_kpis=kb, measures=mt, baseline_measures=mb)
