"""A drive: the cab stepped in time under its controls; the headless drive of a plan.

:class:`Session` is the drive itself, shared by the headless drive (:func:`drive_plan`) and the live cab
(:mod:`lrt.training.cab.console`): controls given at any moment apply at the start of the next step and
are logged with that step's time, so the control log of any drive, given back as a plan, reproduces it
exactly (the drive is a pure function of the exercise and the plan).

Each step at time ``t_k = k·dt``: the controls due fire in order; the ATP grants what is due and
supervises; the lever (or the ATO) sets the effort asked for; the train moves to ``t_k+1``; the stop is
judged.  The drive ends when the doors open at the target, when the train stands after a failed stop, or
at the exercise's time limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ato import Ato
from .atp import Atp
from .controls import EMERGENCY, Control, Plan, lever_name, lever_value
from .dynamics import Dynamics
from .route import Route
from .spec import DriveSpec
from .stop import Berth

__all__ = ["Event", "Trace", "DriveResult", "Session", "drive_plan", "TRACE_COLUMNS"]

TRACE_COLUMNS = ("time_s", "position_m", "speed_ms", "accel_ms2", "limit_ms", "permitted_ms", "intervention_ms",
                 "lever", "mode", "traction_n", "brake_n", "emergency", "slide", "slip", "gradient_permille", "step_m")
"""The trace's columns: one row per step, the state at the step's start, what the step applied and the
distance it ran (``step_m``)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the event log: when [s], where (head from the departure mark) [m], what."""

    time_s: float
    position_m: float
    kind: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Trace:
    """The drive step by step, as arrays (units in :data:`TRACE_COLUMNS`' names; ``lever`` is -8 for the
    emergency brake to 4 for full traction; ``mode`` a mode name per step)."""

    columns: dict

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __eq__(self, other) -> bool:
        return isinstance(other, Trace) and self.columns.keys() == other.columns.keys() and all(
            np.array_equal(self.columns[k], other.columns[k]) for k in self.columns)

    def __len__(self) -> int:
        return len(self.columns["time_s"])


@dataclass(frozen=True, slots=True, kw_only=True)
class DriveResult:
    """What a drive did.

    Attributes
    ----------
    outcome : ``arrived`` (doors open), ``failed`` (overran the stop), ``time limit`` or ``abandoned``
    arrival_s : when the doors opened, approval wait included [s from departure]; None if they did not
    stop_error_m : the head's distance from the stop mark when the doors opened, or at the last stop at the
        platform (> 0 beyond it) [m]; None if it never stopped at the platform
    first_stop_error_m : the same at the first stop at the platform [m]
    corrections, fast_corrections : moves after stopping at the platform, and those above creep speed
    off_mark : the doors were opened off the mark, with the control centre's approval
    interventions : ATP emergency brakes
    duration_s : the drive's length [s]
    trace, events, controls : the drive step by step, the event log, and the control log (a valid plan)
    """

    outcome: str
    arrival_s: float | None
    stop_error_m: float | None
    first_stop_error_m: float | None
    corrections: int
    fast_corrections: int
    off_mark: bool
    interventions: int
    duration_s: float
    trace: Trace
    events: tuple[Event, ...]
    controls: Plan


class Session:
    """One drive in progress: :meth:`give` controls, :meth:`step` the clock, then :meth:`result`."""

    def __init__(self, spec: DriveSpec) -> None:
        self.spec = spec
        self.route = Route(spec)
        self.dyn = Dynamics(spec, self.route)
        self.events: list[Event] = []
        self.atp = Atp(spec, self.route, self._log)
        self.ato = Ato(spec, self.route, self.dyn)
        self.berth = Berth(spec.stop, self.route.length_m, self._log)
        self.k = 0
        self.lever = 0
        self.outcome: str | None = None
        self._log_controls: list[Control] = []
        self._rows: list[tuple] = []
        self._last_slide = self._last_slip = False

    @property
    def time_s(self) -> float:
        """The drive clock [s since departure]."""
        return self.k * self.spec.step_s

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def _log(self, kind: str, text: str) -> None:
        self.events.append(Event(round(self.time_s, 6), round(self.dyn.s, 3), kind, text))

    def give(self, action: str) -> None:
        """Apply a control now (at the start of the coming step) and log it."""
        if self.done:
            return
        t, v = self.time_s, self.dyn.v
        self._log_controls.append(Control(action=action, time_s=round(t, 6)))
        if action.startswith("mode "):
            self.atp.select(action[5:], v)
        elif action == "request":
            self.atp.request(t)
        elif action == "reset":
            self.atp.reset(t, v)
        elif action == "end":
            self._log("end", "drive abandoned")
            self.outcome = "abandoned"
        elif action == "doors":
            if self.berth.doors(t, self.dyn.s, v):
                self.outcome = "arrived"
        else:
            self.lever = lever_value(action)
            if self.lever == EMERGENCY:
                self.atp.apply_emergency()

    def step(self) -> None:
        """Advance the drive by one step (nothing once it has ended)."""
        if self.done:
            return
        spec, dyn, atp = self.spec, self.dyn, self.atp
        t, s, v = self.time_s, dyn.s, dyn.v
        if t >= spec.time_limit_s - 1e-9:
            self._log("end", "time limit reached")
            self.outcome = "time limit"
            return
        auto = atp.mode == "ATO"
        demand = self.ato.demand(s, v) if auto else dyn.lever_demand(self.lever)
        atp.tick(t, s, v, wants_traction=demand > 0.0)
        if demand > 0.0 and not atp.traction_allowed():
            demand = 0.0 if v > 0.0 else -dyn.service
        permitted, supervised = atp.permitted(s), atp.supervised(s) + atp.rules.emergency_margin_ms
        forces = dyn.step(demand, atp.emergency)
        self._rows.append((t, s, v, forces.accel_ms2, self.route.limit(s), permitted, supervised,
                           EMERGENCY if atp.emergency else (0 if auto else self.lever), atp.mode,
                           forces.traction_n, forces.brake_n, atp.emergency, forces.slide, forces.slip,
                           self.route.gradient(s), forces.distance_m))
        self.k += 1
        if forces.slide and not self._last_slide:
            self._log("slide", "wheel slide: wheel-slide protection acting")
        if forces.slip and not self._last_slip:
            self._log("slip", "wheel slip: traction cut back")
        self._last_slide, self._last_slip = forces.slide, forces.slip
        self.berth.update(dyn.s, dyn.v, v > 0.0)
        if self.berth.failed and dyn.v == 0.0:
            self.outcome = "failed"
            self._log("end", "the train stands after a failed stop")
        elif auto and self.ato.arrived and not self.done and self.berth.doors(self.time_s, dyn.s, dyn.v):
            self.outcome = "arrived"

    def result(self) -> DriveResult:
        """The drive so far, as a result (call once it is done for the full drive)."""
        b = self.berth
        cols = list(zip(*self._rows)) if self._rows else [()] * len(TRACE_COLUMNS)
        arrays = {}
        for name, col in zip(TRACE_COLUMNS, cols):
            dtype = object if name == "mode" else (bool if name in ("emergency", "slide", "slip") else
                                                  int if name == "lever" else float)
            arrays[name] = np.array(col, dtype=dtype)
        arrays["mode"] = arrays["mode"].astype(str) if len(arrays["mode"]) else np.array([], dtype=str)
        return DriveResult(outcome=self.outcome or "abandoned", arrival_s=b.arrival_s, stop_error_m=b.error_m,
                           first_stop_error_m=b.first_error_m, corrections=b.corrections,
                           fast_corrections=b.fast_corrections, off_mark=b.off_mark,
                           interventions=self.atp.interventions, duration_s=self.time_s,
                           trace=Trace(columns=arrays), events=tuple(self.events),
                           controls=Plan(controls=tuple(self._log_controls), source="control log"))

    def status(self) -> dict:
        """What the cab's displays show now (speeds in m/s, distances in m)."""
        s, v, atp = self.dyn.s, self.dyn.v, self.atp
        return {"time_s": self.time_s, "clock_s": self.spec.start_clock_s + self.time_s, "speed_ms": v,
                "limit_ms": self.route.limit(s), "permitted_ms": atp.permitted(s), "to_go_m": self.route.length_m - s,
                "gradient_permille": self.route.gradient(s), "gradient_ahead_permille": self.route.gradient(s + 200.0),
                "lever": lever_name(self.lever), "mode": atp.mode, "emergency": atp.emergency,
                "warning": atp.warning, "authorised": atp.authorised, "cbtc": atp.cbtc, "outcome": self.outcome}


def drive_plan(spec: DriveSpec, plan: Plan) -> DriveResult:
    """Drive ``spec`` headless under ``plan``: each control fires at the first step where its time has come
    or the head has reached its position, and only after every control before it."""
    session = Session(spec)
    controls = plan.controls
    i = 0
    while not session.done:
        while i < len(controls):
            c = controls[i]
            due = (session.time_s >= c.time_s - 1e-9) if c.time_s is not None else (session.dyn.s >= c.position_m)
            if not due:
                break
            session.give(c.action)
            i += 1
        session.step()
    return session.result()
