"""Who decides when a train leaves: the controller the engine consults at every stop.

The engine asks ``controller.departure_s(ctx)`` once a train is ready to leave a stop and never lets
it go earlier than the dwell allows; a controller can hold it longer.  :class:`Regulation` is the
GoA4 default (terminal departures held to the timetable, optional headway holding); training
exercises plug in their own controller to apply a trainee's decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .scenario import SimOptions

__all__ = ["StopContext", "Controller", "Regulation"]


@dataclass(slots=True, kw_only=True)  # not frozen: built at every stop, and frozen init is slow
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


class Controller(Protocol):
    def departure_s(self, ctx: StopContext) -> float:
        """The time the train may leave; the engine takes the later of this and the earliest departure."""
        ...


@dataclass(frozen=True, slots=True)
class Regulation:
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
