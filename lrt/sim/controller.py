"""Who decides how the trains run: the controller the engine consults.

The engine asks the controller, for every train at every call:

* :meth:`Controller.departure_s`: when it may leave (never earlier than the dwell allows);
* :meth:`Controller.orders`: whether it ends its trip here (withdrawn to the depot, or turned back short
  at a crossover to run its next trip from here) and which of its next stations it runs through;

and, for every run between two stations, :meth:`Controller.leg_limit_ms`: a speed limit imposed on it (a
temporary restriction, restricted manual driving).  It tells the controller what happens
(:meth:`Controller.notify`: faults, departures, arrivals with the crowd on the platform) and hands it
the simulation once (:meth:`Controller.bind`), to read the state of the line or start a spare train.
:class:`Regulation` is the GoA4 default (departures held to the timetable, optional headway holding);
a training exercise's controller applies a trainee's decisions through these same calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scenario import SimOptions

__all__ = ["StopContext", "Orders", "OpsEvent", "Controller", "Regulation"]


@dataclass(slots=True)  # not frozen, and built by position in the engine: it is built at every stop
class StopContext:
    """What a controller sees of a train ready to leave a stop (times in s of the service day)."""

    block: str
    trip_id: str
    direction: str
    station: int
    index: int
    now_s: float
    earliest_departure_s: float
    planned_departure_s: float
    previous_departure_s: float | None
    planned_headway_s: float | None
    load: int
    next_station: int | None = None


@dataclass(frozen=True, slots=True)
class Orders:
    """What a train is told at a call: end its trip here (``withdraw`` to the depot, or ``turn_back`` over the
    station's crossover to run its next trip from here), and the stations it runs through without stopping."""

    withdraw: bool = False
    turn_back: bool = False
    skip: frozenset = frozenset()


@dataclass(frozen=True, slots=True)
class OpsEvent:
    """Something that happened: ``kind`` fault, departure or arrival; ``value`` the departure delay [s] or the
    passengers waiting on the platform when the train arrived [1]."""

    kind: str
    time_s: float
    train: str = ""
    station: int = 0
    direction: str = ""
    value: float = 0.0
    text: str = ""


class Controller:
    """Decides how the trains run (see the module docstring).  Every method has a neutral default: a
    controller overrides what it decides.  ``holds_may_change``: a held train asks again when its
    departure comes, and when :meth:`lrt.sim.Simulation.reconsider` is called (a later decision may
    release or extend a hold)."""

    holds_may_change = False

    def bind(self, simulation) -> None:
        """Called once, before the day starts."""

    def departure_s(self, ctx: StopContext) -> float:
        """The time the train may leave; the engine takes the later of this and the earliest departure."""
        return ctx.earliest_departure_s

    def orders(self, ctx: StopContext) -> Orders | None:
        """Orders for the train at this call (None: carry on)."""
        return None

    def leg_limit_ms(self, direction: str, a: int, b: int, now_s: float) -> float | None:
        """A speed limit on the run from station a to b starting now [m/s] (None: the line's own)."""
        return None

    def notify(self, event: OpsEvent) -> None:
        """Something happened (called only for controllers that override it)."""


@dataclass(frozen=True, slots=True)
class Regulation(Controller):
    """GoA4 regulation: hold departures to the timetable (termini, and stations unless switched off);
    optionally hold for even headways."""

    options: SimOptions

    def departure_s(self, ctx: StopContext) -> float:
        t = ctx.earliest_departure_s
        if ctx.index == 0 and self.options.hold_terminal_departures:
            t = max(t, ctx.planned_departure_s)
        if ctx.index > 0 and self.options.hold_station_departures:
            t = max(t, ctx.planned_departure_s)
        if (ctx.index > 0 and self.options.headway_holding and ctx.previous_departure_s is not None
                and ctx.planned_headway_s is not None):
            t = max(t, ctx.previous_departure_s + self.options.headway_holding_share * ctx.planned_headway_s)
        return t
