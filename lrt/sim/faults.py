"""Faults: scripted in a scenario file or drawn from the conditions' failure processes, and their log.

Standard responses (docs/operations.md), applied by the engine:

- ``door``: the train's dwell at that stop grows by the fault's duration.
- ``switch`` at a terminus: until repaired one platform track is out of use and every movement over the
  crossover waits for the points to be set and locked by hand (``manual_points_s``), so turnbacks take
  longer; at the depot: pull-outs and pull-ins wait.
- ``train``: the train stops where it is for the duration (followers stop behind it under moving
  block), limps to the next station, detrains everyone there (they wait for the next train) and is
  withdrawn to the depot; a reserve, when one is fit, takes over the train's next trip from the depot's
  terminus; trips in between, or all of them without a reserve, are cancelled.
- ``power_rail``: a section between two stations is out of service; trains wait at the station before
  it, and the trains behind them queue.
- ``pull_out``: the train fails its checks; a reserve replaces it after ``reserve_delay_s`` when one is
  fit, otherwise its trips until its next pull-out are cancelled.
"""

from __future__ import annotations

import math

import numpy as np

from ..conditions import Conditions
from ..disruptions import Fault
from ..network import Line
from .noise import Keyed

__all__ = ["random_faults", "FaultBook", "SERVICE_HOURS"]

SERVICE_HOURS = (6 * 3600.0, 24 * 3600.0)
"""Window in which time-based failures (switch, power rail) are drawn [s]."""


def random_faults(conditions: Conditions, line: Line, rng: np.random.Generator, first_id: int = 1) -> list[Fault]:
    """Switch failures and power-rail icing drawn for the day (Poisson counts, uniform times)."""
    out: list[Fault] = []
    start, end = SERVICE_HOURS
    span_days = (end - start) / 86400.0
    places = [t.station for t in line.terminals] + [0]
    sections = list(zip(line.codes, line.codes[1:]))
    n = first_id
    for f in (conditions.failures.switch, conditions.failures.power_rail):
        if f is None:
            continue
        for _ in range(int(rng.poisson(f.rate * span_days))):
            t = float(rng.uniform(start, end))
            if f.kind == "switch":
                out.append(Fault(fault_id=f"F{n:02d}", kind="switch", start_s=t, duration_s=f.duration_s(rng),
                                 station=int(places[rng.integers(len(places))]), source="random"))
            else:
                a, b = sections[int(rng.integers(len(sections)))]
                out.append(Fault(fault_id=f"F{n:02d}", kind="power_rail", start_s=t, duration_s=f.duration_s(rng),
                                 section=(int(a), int(b)), source="random"))
            n += 1
    return sorted(out, key=lambda f: f.start_s)


class FaultBook:
    """Faults during one run: the scripted ones still to happen, random draws per event, and the log.

    ``seed`` (the run's fault seed sequence) gives the day's timed faults, and one stream each for the
    door-fault and train-failure draws, one per call of the timetable (:class:`~lrt.sim.noise.Keyed`),
    and for the details of the faults that happen.
    """

    def __init__(self, scripted: list[Fault], conditions: Conditions, line: Line,
                 seed: np.random.SeedSequence, shape: tuple[int, int] = (0, 0)) -> None:
        timed_seq, door_seq, train_seq, detail_seq, pull_seq = seed.spawn(5)
        rng = np.random.default_rng(timed_seq)
        self.rng = np.random.default_rng(detail_seq)  # details of faults on calls beyond the timetable
        self._detail_seq = detail_seq
        self._trips = shape[0]
        # one draw per (trip, stop) of the timetable, as the noise (lrt.sim.noise): common random numbers, so
        # that a decision that moves trains in time does not move a failure to another train or call
        self._door = Keyed(door_seq, shape, lambda g, n: g.random(n))
        self._train = Keyed(train_seq, shape, lambda g, n: g.random(n))
        self._pull = Keyed(pull_seq, (shape[0], 1), lambda g, n: g.random(n))
        self.failures = conditions.failures
        self.line = line
        # by timetable trip: whether a door fault is drawn at any of its calls, and the shortest run that draws a
        # train failure at one of them (see trip())
        door, train = self.failures.door, self.failures.train
        self._doors = (self._door.array < door.rate).any(axis=1).tolist() if door is not None else None
        self._fails_from = (self._train.array.min(axis=1, initial=np.inf) * (3600.0 / train.rate) * (1.0 - 1e-9)
                            ).tolist() if train is not None and train.rate > 0 else None
        timed = random_faults(conditions, line, rng, first_id=len(scripted) + 1)
        self.faults: list[Fault] = sorted([*scripted, *timed], key=lambda f: f.start_s)
        self.pending = {kind: [f for f in self.faults if f.kind == kind] for kind in ("door", "train", "pull_out")}
        self.next_id = len(self.faults) + 1
        self.log: list[dict] = []
        self.on_record = None  # called with each row of the log as it is written (for a controller to hear)

    def _new(self, kind: str, t: float, duration: float, **where) -> Fault:
        f = Fault(fault_id=f"F{self.next_id:02d}", kind=kind, start_s=t, duration_s=duration, source="random", **where)
        self.next_id += 1
        self.faults.append(f)
        return f

    def _details(self, kind: int, call: tuple[int, int]) -> np.random.Generator:
        """The draws of a fault's details (when, how long) at one call of the timetable, its own stream."""
        trip, stop = call
        if not 0 <= trip < self._trips or stop < 0:
            return self.rng
        seq = self._detail_seq
        return np.random.default_rng(np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, kind, trip, stop)))

    def _scripted(self, kind: str, block: str, now: float, station: int | None = None) -> Fault | None:
        for f in self.pending[kind]:
            if f.train == block and f.start_s <= now and (station is None or f.station in (None, station)):
                self.pending[kind].remove(f)
                return f
        return None

    def trip(self, trip: int) -> tuple[bool, float]:
        """Whether the draws of timetable trip number ``trip`` give a door fault at one of its calls, and the
        shortest run into one of its calls whose draw gives a train failure [s] (a hair shorter than exact):
        the engine asks :meth:`door` and :meth:`train_failure` at a call only when these say a drawn fault may
        happen there, or while a scripted fault of the kind is pending (``pending``); those decide exactly.  A
        trip beyond the timetable (-1) draws at every call: (True, 0.0)."""
        if not 0 <= trip < self._trips:
            return True, 0.0
        return (False if self._doors is None else self._doors[trip],
                math.inf if self._fails_from is None else self._fails_from[trip])

    def door(self, block: str, station: int, now: float, call: tuple[int, int] = (-1, 0)) -> Fault | None:
        """A door fault at this call (trip number, stop index), scripted or drawn."""
        f = self._scripted("door", block, now, station) if self.pending["door"] else None
        p = self.failures.door
        if f is None and p is not None and self._door(*call) < p.rate:
            f = self._new("door", now, p.duration_s(self._details(0, call)), train=block, station=station)
        return f

    def train_failure(self, block: str, now: float, run_s: float,
                      call: tuple[int, int] = (-1, 0)) -> tuple[Fault, float] | None:
        """A failure during a run starting now into call (trip number, stop index): the fault and how far into
        the run it happens [s]."""
        f = self._scripted("train", block, now + run_s) if self.pending["train"] else None
        if f is not None:
            return f, min(max(f.start_s - now, 0.0), run_s)
        p = self.failures.train
        if p is not None and self._train(*call) < p.rate * run_s / 3600.0:
            rng = self._details(1, call)
            at = float(rng.uniform(0, run_s))
            return self._new("train", now + at, p.duration_s(rng), train=block), at
        return None

    def pull_out(self, block: str, now: float, trip: int = -1) -> Fault | None:
        """A failure of the train pulling out for timetable trip number ``trip``, scripted or drawn."""
        f = self._scripted("pull_out", block, now + 3600.0)
        p = self.failures.pull_out
        if f is None and p is not None and self._pull(trip, 0) < p.rate:
            f = self._new("pull_out", now, 0.0, train=block)
        return f

    def close(self) -> None:
        """Log the scripted faults that never found their train (cancelled, withdrawn, or not there)."""
        for kind in ("door", "train", "pull_out"):
            for f in self.pending[kind]:
                self.record(f, f"did not happen: train {f.train} made no such call after that time")
            self.pending[kind] = []
        self.log.sort(key=lambda row: (row["start_s"], row["fault_id"]))

    def timed(self, kind: str) -> list[Fault]:
        return [f for f in self.faults if f.kind == kind]

    def record(self, fault: Fault, response: str) -> None:
        row = {"fault_id": fault.fault_id, "kind": fault.kind, "source": fault.source,
               "start_s": round(fault.start_s, 1), "duration_s": round(fault.duration_s, 1),
               "train": fault.train, "station": fault.station if fault.station is not None else "",
               "section": "-".join(map(str, fault.section)) if fault.section else "",
               "description": fault.label(self.line), "response": response}
        self.log.append(row)
        if self.on_record is not None:
            self.on_record(row)
