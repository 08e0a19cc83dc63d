"""What a run leaves behind: the train event log, the passenger records and the run's metadata.

Records are collected as tuples during the run and turned into arrays once at the end (as Ciw does);
pandas frames are built only on request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import __version__
from .passengers import BOARDING_COLUMNS, PassengerBook

__all__ = ["EVENT_COLUMNS", "PASSENGER_COLUMNS", "BOARDING_COLUMNS", "SimulationResult"]

EVENT_COLUMNS = ("train", "trip_id", "direction", "stop_sequence", "station", "planned_arrival_s",
                 "planned_departure_s", "arrival_s", "departure_s", "load_departure", "boarded", "alighted",
                 "denied", "dwell_s", "doors_close_s", "drawn_kwh", "returned_kwh", "cause")
"""One row per train call: times in s of the service day; the doors open on arrival and boarding ends at
``doors_close_s`` (the closing sequence, then departure); load on departure; ``alighted`` counts everyone
who got off (put off a failed train included); ``denied`` the passengers a full train left on the
platform; ``drawn_kwh``/``returned_kwh`` the traction energy drawn from and returned to the substations
on the run from the previous call (:mod:`lrt.energy`; 0 at a trip's first call); ``cause`` of extra
delay."""

PASSENGER_COLUMNS = ("arrival_s", "origin", "destination", "board_s", "alight_s", "left_behind", "trip",
                     "stranded", "detrained")
"""One row per passenger: station codes; ``board_s``/``alight_s`` are inf if it never happened; ``trip`` is
the trip id boarded ('' if none); ``left_behind`` counts full trains that left it on the platform;
``stranded``: still waiting when the last train had passed (never reached the destination);
``detrained``: times put off a failed train (``board_s`` and ``trip`` are then the last boarding)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationResult:
    """One run's records.

    Attributes
    ----------
    events : dict of column name -> numpy array, ``EVENT_COLUMNS``
    passengers : dict of column name -> numpy array, ``PASSENGER_COLUMNS`` (empty without demand)
    boardings : dict of column name -> numpy array, ``BOARDING_COLUMNS``: every boarding, passenger
        indices into ``passengers``, trip ids and station codes (empty without demand)
    trips_planned, trips_run : trips in the timetable, and trips that reached their last stop [1]
    metadata : seed, package version, scenario name, input digests, options
    """

    seed: int
    events: dict
    passengers: dict
    trips_planned: int
    trips_run: int
    metadata: dict = field(default_factory=dict)
    boardings: dict = field(default_factory=dict)
    faults: tuple = ()
    cancelled: tuple = ()

    @classmethod
    def collect(cls, scenario, seed: int, rows: list[tuple], book: PassengerBook | None, trips_run, *,
                faults=(), cancelled=(), reserves_left: int = 0, extra_trips=()) -> "SimulationResult":
        cols = list(zip(*rows)) if rows else [[] for _ in EVENT_COLUMNS]
        kinds = (object, object, object, np.int32, np.int32, float, float, float, float, np.int32, np.int32,
                 np.int32, np.int32, float, float, float, float, object)
        # np.fromiter fills each array straight from its column (np.asarray would first look for nested sequences)
        events = {name: np.fromiter(col, kind, len(rows)) for name, col, kind in zip(EVENT_COLUMNS, cols, kinds)}
        # by arrival, then departure, train, stop (a stable sort: calls equal in all four keep the log's order)
        trains = sorted(set(cols[0]))
        rank = dict(zip(trains, range(len(trains))))
        order = np.lexsort((events["stop_sequence"], np.fromiter(map(rank.__getitem__, cols[0]), np.int64, len(rows)),
                            events["departure_s"], events["arrival_s"]))
        events = {name: column[order] for name, column in events.items()}
        passengers, boardings = {}, {}
        if book is not None:
            codes = np.asarray(scenario.line.codes, dtype=np.int32)
            trips = (*scenario.timetable.trips, *extra_trips)
            trip_ids = np.asarray([t.trip_id for t in trips] + [""], dtype=object)
            # arrival of every trip at every station it reached, for the alighting times
            arrivals = np.full((len(trips) + 1, len(codes)), np.nan)
            number = {t.trip_id: k for k, t in enumerate(trips)}
            index = np.zeros(int(codes.max()) + 1, dtype=np.int64)
            index[codes] = np.arange(codes.size)
            row = np.fromiter(map(number.__getitem__, events["trip_id"].tolist()), np.int64, len(events["trip_id"]))
            arrivals[row, index[events["station"]]] = events["arrival_s"]  # (a trip calls at a station once)
            rec, log = book.records(arrivals)
            passengers = {"arrival_s": book.arrival_s, "origin": codes[book.origin],
                          "destination": codes[book.destination], "board_s": rec["board_s"],
                          "alight_s": rec["alight_s"], "left_behind": rec["left_behind"],
                          "trip": trip_ids[rec["trip"]], "stranded": rec["stranded"], "detrained": rec["detrained"]}
            boardings = {"passenger": log["passenger"], "trip": trip_ids[log["trip"]],
                         "station": codes[log["station"]], "board_s": log["board_s"]}
        opt = scenario.options
        metadata = {"seed": seed, "lrt_version": __version__, "scenario": scenario.name,
                    "line": scenario.line.name, "train": scenario.train.name, "timetable": scenario.timetable.name,
                    "conditions": scenario.conditions.name, "inputs": dict(scenario.sources),
                    "reserves_left": reserves_left,
                    "options": {k: getattr(opt, k) for k in opt.__dataclass_fields__}}
        return cls(seed=seed, events=events, passengers=passengers, trips_planned=len(scenario.timetable.trips),
                   trips_run=len(trips_run), metadata=metadata, boardings=boardings, faults=tuple(faults),
                   cancelled=tuple({"trip_id": a, "train": b, "reason": c} for a, b, c in cancelled))

    # passenger accounting: generated = completed + stranded
    @property
    def generated(self) -> int:
        """Passengers who reached a platform [1]."""
        return int(len(self.passengers.get("arrival_s", ())))

    @property
    def completed(self) -> int:
        """Passengers who reached their destination [1]."""
        return int(np.sum(np.isfinite(self.passengers["alight_s"]))) if self.passengers else 0

    @property
    def stranded(self) -> int:
        """Passengers still waiting when the last train had passed [1]."""
        return int(np.sum(self.passengers["stranded"])) if self.passengers else 0

    def actual_trips(self) -> list:
        """The trips as run, in the timetable's Trip shape (actual times), for charts."""
        from ..timetable.model import Trip

        e = self.events
        trip_ids = e["trip_id"].tolist()
        if not trip_ids:
            return []
        first = {}  # trip -> its number, in the order the trips first appear in the log
        for trip_id in trip_ids:
            first.setdefault(trip_id, len(first))
        number = np.fromiter((first[t] for t in trip_ids), dtype=np.int64, count=len(trip_ids))
        order = np.lexsort((e["stop_sequence"], number))  # each trip's calls together, in stop order
        bounds = np.flatnonzero(np.diff(number[order])) + 1
        stations, arrivals, departures = (e[c][order].tolist() for c in ("station", "arrival_s", "departure_s"))
        out = []
        for a, b in zip([0, *bounds.tolist()], [*bounds.tolist(), len(order)]):
            row = int(order[a])
            out.append(Trip(trip_id=str(trip_ids[row]), block_id=str(e["train"][row]), direction=str(e["direction"][row]),
                            stops=tuple(int(c) for c in stations[a:b]), arrival_s=tuple(map(float, arrivals[a:b])),
                            departure_s=tuple(map(float, departures[a:b]))))
        return out

    def events_frame(self):
        """The event log as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame({name: self.events[name] for name in EVENT_COLUMNS})

    def passengers_frame(self):
        """The passenger records as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame({name: self.passengers[name] for name in PASSENGER_COLUMNS}) if self.passengers else \
            pd.DataFrame(columns=list(PASSENGER_COLUMNS))
