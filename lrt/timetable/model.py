"""The timetable model: trips with their stop times, and the operations of each train (block).

Times are seconds since the start of the service day (they may pass 24 h).  A *block* is one
train's day: its trips in order, its pull-out from and pull-in to the depot, and its turnbacks.
The folder format (GTFS-shaped CSV files) is read and written by :mod:`lrt.io.timetable`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["Trip", "BlockEvent", "Timetable", "EVENTS"]

EVENTS = ("pull_out", "pull_in", "turnback")
"""Block events: a move from the depot to the first platform, back to the depot, a terminal layover."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Trip:
    """One run of one train from terminal to terminal, in passenger service.

    ``stops``, ``arrival_s`` and ``departure_s`` run in travel order; at the first stop the arrival
    equals the departure, at the last the departure equals the arrival.
    """

    trip_id: str
    block_id: str
    direction: str
    stops: tuple[int, ...]
    arrival_s: tuple[float, ...]
    departure_s: tuple[float, ...]
    service_id: str = "weekday"
    route_id: str = "L1"

    def __post_init__(self) -> None:
        if not (len(self.stops) == len(self.arrival_s) == len(self.departure_s)):
            raise ValueError(f"trip {self.trip_id}: stops and times differ in length")

    @property
    def start_s(self) -> float:
        return self.departure_s[0]

    @property
    def end_s(self) -> float:
        return self.arrival_s[-1]

    @property
    def origin(self) -> int:
        return self.stops[0]

    @property
    def destination(self) -> int:
        return self.stops[-1]


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockEvent:
    """A non-revenue step of a train's day: ``pull_out``, ``pull_in`` or ``turnback``."""

    block_id: str
    event: str
    stop: int
    start_s: float
    end_s: float
    from_trip: str = ""
    to_trip: str = ""

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise ValueError(f"event {self.event!r} is not one of {EVENTS}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Timetable:
    """A day's timetable: trips sorted by start time, and the block operations."""

    name: str
    service_id: str
    trips: tuple[Trip, ...]
    operations: tuple[BlockEvent, ...] = ()
    days: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday")
    start_date: str = "20260101"
    end_date: str = "20261231"
    notes: dict = field(default_factory=dict, compare=False)

    def trip(self, trip_id: str) -> Trip:
        for t in self.trips:
            if t.trip_id == trip_id:
                return t
        raise KeyError(trip_id)

    def blocks(self) -> dict[str, list[Trip]]:
        """Each train's trips in time order, keyed by block id (sorted)."""
        out: dict[str, list[Trip]] = defaultdict(list)
        for t in self.trips:
            out[t.block_id].append(t)
        return {b: sorted(out[b], key=lambda t: t.start_s) for b in sorted(out)}

    def out_intervals(self, block_id: str) -> list[tuple[float, float]]:
        """The periods [s] this train is out of the depot: each pull-out start to the next pull-in end.

        Without depot moves (an imported feed), the first trip's start to the last trip's end.
        """
        trips = [t for t in self.trips if t.block_id == block_id]
        moves = sorted((e for e in self.operations if e.block_id == block_id and e.event != "turnback"),
                       key=lambda e: e.start_s)
        if not moves:
            return [(min(t.start_s for t in trips), max(t.end_s for t in trips))] if trips else []
        out, start = [], None
        for e in moves:
            if e.event == "pull_out":
                start = e.start_s if start is None else start
            elif start is not None:
                out.append((start, e.end_s))
                start = None
            else:  # a pull-in with no pull-out: out since its first trip
                out.append((min((t.start_s for t in trips), default=e.start_s), e.end_s))
        if start is not None:
            out.append((start, max((t.end_s for t in trips), default=start)))
        return out

    def trains_in_service(self, times_s) -> list[int]:
        """Number of trains out of the depot at each of ``times_s``."""
        spans = [iv for b in self.blocks() for iv in self.out_intervals(b)]
        return [sum(1 for a, b in spans if a <= t < b) for t in times_s]
