"""Passengers on platforms and trains: counts during the run, one record per passenger at the end.

Each platform (station, direction) keeps its passengers in arrival order and a pointer to the first
still waiting; the trains standing at it with their doors open board the waiting passengers first come,
first served, up to their room.  Boarding is brought up to date (:meth:`Platform.advance`) whenever
something at the platform changes: a train opens its doors, one closes them, passengers are put off a
failed train.  Between two such moments the set of open trains is fixed, so a passenger who arrives
while a train with room stands there boards it at once, and one who arrives before the doors open
boards when they open.  Of several trains with their doors open (two platform tracks at a terminus),
passengers board the one that leaves first; a full train takes no one (its doors close on the rest,
who are *denied* boarding and counted as left behind).

During the run only counts move: a boarding takes a prefix of the platform's queue, the train adds the
destinations of that prefix (from cumulative counts) to what it carries, and the stop logs the range.
:meth:`PassengerBook.records` turns the logged ranges into one record per passenger once, at the end,
with numpy.  A passenger put off a failed train waits again at that station ahead of the queue
(:meth:`PassengerBook.detrain`); these are tracked by id, as they are few.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from ..demand import Arrivals

__all__ = ["PassengerBook", "Platform", "Load", "BOARDING_COLUMNS"]

BOARDING_COLUMNS = ("passenger", "trip", "station", "board_s")
"""One row per boarding: passenger index, trip number, station index, time [s]; a detrained passenger
boards more than once."""


@dataclass(slots=True, eq=False)
class Load:
    """What one train carries on its current trip: passengers per destination, and how they got on."""

    dest: np.ndarray                     # passengers on board by destination station index [1]
    size: int = 0                        # passengers on board [1]
    room: int = 0                        # passengers it may still take before its doors close on the rest
    trip: int = -1                       # trip number
    serves: np.ndarray | None = None     # destinations it takes (a trip that skips stops); None: all ahead
    ranges: list = field(default_factory=list)  # platform, first, stop, ...: queue slices boarded this trip
    ids: list = field(default_factory=list)     # id arrays boarded this trip out of the queue's order


def _priority(entry: tuple) -> float:
    return entry[0]


class Platform:
    """One platform (station index, direction): its queue and the trains with their doors open."""

    __slots__ = ("book", "station", "direction", "ids", "offset", "times", "cum", "head", "first", "open", "taken")

    def __init__(self, book: "PassengerBook", station: int, direction: str, ids: np.ndarray, offset: int = 0) -> None:
        self.book = book
        self.station = station
        self.direction = direction
        self.ids = ids                                   # passenger indices in arrival order
        self.offset = offset                             # where they start in the book's order (book.order)
        self.times = book.arrival_s[ids].tolist()         # their arrival times (bisect on a list is fast)
        onehot = np.zeros((book.n_stations, ids.size + 1), dtype=np.int32)
        onehot[book.destination[ids], np.arange(1, ids.size + 1)] = 1
        # destinations of the first k passengers, cum[k] (summed in place along rows, three times faster than
        # down the columns, and read through the transpose)
        self.cum = np.cumsum(onehot, axis=1, out=onehot).T
        self.head = 0                                    # first passenger of the queue still waiting
        self.first = np.empty(0, dtype=np.int64)          # put off a failed train: they board first
        self.open: list[tuple[float, float, Load]] = []   # (priority, boarding since [s], load)
        self.taken = None  # mask of queue places boarded out of turn (by a train that skips stops)

    def arrived(self, t: float) -> int:
        """Passengers of the queue who have arrived by t (waiting or gone) [1]."""
        return bisect_right(self.times, t)

    def waiting(self, t: float, load: Load | None = None) -> int:
        """Passengers on the platform at t (who would take ``load``), once boarding is up to date [1]."""
        first = self.first if load is None or load.serves is None else self.first[
            load.serves[self.book.destination[self.first]]]
        stop = self.arrived(t)
        if self.taken is None and (load is None or load.serves is None):
            return first.size + max(stop - self.head, 0)
        return first.size + int(np.count_nonzero(self._eligible(load, self.head, stop)))

    def open_doors(self, load: Load, t: float, priority: float) -> None:
        """A train opens its doors at t; of several open trains the lowest ``priority`` boards first."""
        if self.open:  # another train boarding here: bring it up to now, then board in priority order
            self.advance(t)
            self.open.append((priority, t, load))
            self.open.sort(key=_priority)
        else:
            self.open.append((priority, t, load))
        self.advance(t)

    def plain(self) -> bool:
        """No train boarding here, nobody put off a failed train waiting, nobody boarded out of turn: the
        queue is boarded from its head."""
        return not self.open and not self.first.size and self.taken is None

    def boarding_alone(self, load: Load):
        """For a train alone at a plain platform (:meth:`plain`) that takes everyone: the passengers it has
        boarded by time t, as a function of t (nothing is boarded yet: :meth:`board_alone` does it)."""
        times, head, room = self.times, self.head, load.room

        def count(t: float) -> int:
            n = bisect_right(times, t) - head  # (Platform.arrived, inline: asked a few times at every call)
            return room if n > room else n if n > 0 else 0
        return count

    def board_alone(self, load: Load, opened: float, closed: float) -> int:
        """A train alone at a plain platform boards from its doors opening to their closing, in one go (the
        same passengers and times as :meth:`open_doors` and :meth:`close_doors`); returns the passengers it
        leaves behind (denied) [1]."""
        stop = self.arrived(closed)
        self._board_prefix(load, opened, stop)
        if load.room > 0:
            return 0
        if stop > self.head:
            self.book.denials.append((self, self.head, stop))
        return stop - self.head if stop > self.head else 0

    def close_doors(self, load: Load, t: float) -> int:
        """Boarding into ``load`` ends at t; returns the passengers it leaves behind (denied) [1]."""
        self.advance(t)
        self.open = [e for e in self.open if e[2] is not load] if len(self.open) > 1 else []
        if load.room > 0:
            return 0
        book = self.book
        first = self.first if load.serves is None else self.first[load.serves[book.destination[self.first]]]
        if first.size:
            book.left_behind_ids.append(first)
        stop = self.arrived(t)
        if self.taken is None and load.serves is None:
            if stop > self.head:
                book.denials.append((self, self.head, stop))
            return first.size + max(stop - self.head, 0)
        left = self.ids[self.head:stop][self._eligible(load, self.head, stop)]
        book.left_behind_ids.append(left)
        return first.size + left.size

    def advance(self, t: float) -> None:
        """Board every passenger who has arrived by t onto the open trains, first come, first served."""
        if not self.open:
            return
        stop = None
        for _, since, load in self.open:
            if load.room <= 0:
                continue
            if self.first.size:  # put off a failed train while this one stood open: they board now, at t
                self._board_first(load, max(since, t))
            if load.room <= 0:
                continue
            if stop is None:
                stop = self.arrived(t)
            if self.taken is None and load.serves is None:
                self._board_prefix(load, since, stop)
            else:
                self._board_eligible(load, since, stop)

    def peek(self, load: Load, t0: float, t1: float) -> int:
        """Passengers arriving in (t0, t1] whom ``load`` would take, if it is the train boarding [1]."""
        if not self.open or self.open[0][2] is not load or load.room <= 0:
            return 0
        a, b = max(self.arrived(t0), self.head), self.arrived(t1)
        if b <= a:
            return 0
        if self.taken is None and load.serves is None:
            return min(load.room, b - a)
        return min(load.room, int(np.count_nonzero(self._eligible(load, a, b))))

    # -- boarding ----------------------------------------------------------------------------------
    def _board_prefix(self, load: Load, since: float, stop: int) -> None:
        """The common case: the first passengers of the queue, as one slice (counts only)."""
        n = stop - self.head
        if load.room < n:
            n = load.room
        if n <= 0:
            return
        h = self.head
        load.dest += self.cum[h + n] - self.cum[h]
        load.size += n
        load.room -= n
        load.ranges.extend((self, h, h + n))
        self.book.ranges.extend((self, h, h + n, since, load.trip))
        self.head = h + n

    def _eligible(self, load: Load | None, a: int, b: int) -> np.ndarray:
        """Mask over queue places a..b-1: waiting (not boarded out of turn) and served by ``load``."""
        ok = np.ones(max(b - a, 0), dtype=bool)
        if self.taken is not None:
            ok &= ~self.taken[a:b]
        if load is not None and load.serves is not None:
            ok &= load.serves[self.book.destination[self.ids[a:b]]]
        return ok

    def _board_eligible(self, load: Load, since: float, stop: int) -> None:
        """A train that skips stops takes only passengers for its stops, out of the queue's order."""
        a = self.head
        places = a + np.flatnonzero(self._eligible(load, a, stop))[:load.room]
        if not places.size:
            return
        if self.taken is None:
            self.taken = np.zeros(self.ids.size, dtype=bool)
        self.taken[places] = True
        self.book.board_ids(self.ids[places], load, self.station, since)
        while self.head < self.ids.size and self.taken[self.head]:  # the head moves past those gone
            self.head += 1
        if not self.taken[self.head:].any():
            self.taken = None  # back to the plain queue

    def _board_first(self, load: Load, since: float) -> None:
        """Passengers put off a failed train board before the queue (those the train serves)."""
        if load.serves is None:
            take, self.first = self.first[:load.room], self.first[load.room:]
        else:
            ok = np.flatnonzero(load.serves[self.book.destination[self.first]])[:load.room]
            take = self.first[ok]
            self.first = np.delete(self.first, ok)
        self.book.board_ids(take, load, self.station, since)


class PassengerBook:
    """Passenger state during one run (lives only inside the simulation).

    Parameters
    ----------
    arrivals : Arrivals
        Passengers sorted by arrival time, origins and destinations as station indices.
    n_stations : int
        Stations of the line.
    """

    def __init__(self, arrivals: Arrivals, n_stations: int) -> None:
        self.n_stations = n_stations
        self.arrival_s = np.asarray(arrivals.time_s, dtype=float)
        self.origin = np.asarray(arrivals.origin, dtype=np.int64)
        self.destination = np.asarray(arrivals.destination, dtype=np.int64)
        n = self.arrival_s.size
        up = self.destination > self.origin
        platform = self.origin * 2 + ~up  # up platform of station s: 2s; down: 2s + 1
        if n < 2 or np.all(self.arrival_s[1:] >= self.arrival_s[:-1]):  # in time order, as drawn: by platform
            order = np.argsort(platform.astype(np.int16 if 2 * n_stations < 2**15 else np.int64), kind="stable")
        else:
            order = np.lexsort((self.arrival_s, platform))  # by origin, direction, time (stable)
        keys = platform[order]
        bounds = np.searchsorted(keys, np.arange(2 * n_stations + 1))
        self.platforms: dict[tuple[int, str], Platform] = {}
        for s in range(n_stations):
            for d, direction in enumerate(("up", "down")):
                k = 2 * s + d
                self.platforms[(s, direction)] = Platform(self, s, direction, order[bounds[k]:bounds[k + 1]],
                                                          int(bounds[k]))
        self.order = order  # every platform's queue, one after the other
        # queue slices boarded, five items each, one after the other: platform, first, stop, since [s], trip (a flat
        # list: a tuple a boarding, kept all day, would be one more object for Python's garbage collector to track)
        self.ranges: list = []
        self.boarded_ids: list[tuple[np.ndarray, int, float, int]] = []  # (ids, station, since, trip)
        self.denials: list[tuple[Platform, int, int]] = []              # queue slices left behind
        self.left_behind_ids: list[np.ndarray] = []
        self.detrained_ids: list[np.ndarray] = []
        self._count = n

    def __len__(self) -> int:
        return self._count

    def new_load(self, trip: int, room: int) -> Load:
        """An empty train starting trip number ``trip`` with ``room`` places."""
        return Load(dest=np.zeros(self.n_stations, dtype=np.int64), room=room, trip=trip)

    def board_ids(self, ids: np.ndarray, load: Load, station: int, since: float) -> None:
        """Detrained passengers ``ids`` board ``load`` (doors open since ``since``)."""
        if not ids.size:
            return
        np.add.at(load.dest, self.destination[ids], 1)
        load.size += ids.size
        load.room -= ids.size
        load.ids.append(ids)
        self.boarded_ids.append((ids, station, since, load.trip))

    def alight(self, load: Load, station: int) -> int:
        """Passengers for ``station`` leave ``load``; returns how many [1]."""
        n = load.dest.item(station)
        if n:
            load.dest[station] = 0
            load.size -= n
            load.room += n
        return n

    def detrain(self, load: Load, station: int, direction: str, t: float) -> int:
        """Everyone still on board leaves at ``station`` and waits there, ahead of the queue, for a later
        train in the same direction; returns how many [1]."""
        if load.size == 0:
            return 0
        r = load.ranges  # (someone on board: they boarded from a queue slice, or out of turn)
        ids = np.concatenate([p.ids[a:b] for p, a, b in zip(r[0::3], r[1::3], r[2::3])] + load.ids)
        pos = self.destination[ids]
        ahead = pos > station if direction == "up" else pos < station
        ids = np.sort(ids[ahead])  # still on board: destinations further on; wait in arrival order
        if ids.size != load.size:
            raise AssertionError(f"detrain at {station}: {ids.size} found on board, load says {load.size}")
        platform = self.platforms[(station, direction)]
        platform.advance(t)
        platform.first = np.concatenate((platform.first, ids))
        self.detrained_ids.append(ids)
        load.dest[:] = 0
        load.room += load.size
        load.size = 0
        platform.advance(t)
        return int(ids.size)

    def records(self, trip_arrivals: np.ndarray):
        """Per-passenger records and the boarding log, built once at the end of the run.

        Parameters
        ----------
        trip_arrivals : ndarray (trips, stations)
            Arrival time of every trip at every station index, NaN where it made no such call [s].

        Returns
        -------
        (dict, dict)
            Passenger columns (``board_s``/``alight_s`` inf when it never happened; ``trip`` −1; the
            final boarding of a passenger put off a failed train) and the boarding log
            (``BOARDING_COLUMNS``, in the order the boardings were logged).
        """
        n = self._count
        board_s = np.full(n, np.inf)
        trip = np.full(n, -1, dtype=np.int64)
        log_ids, log_trip, log_station, log_time = [], [], [], []
        if self.ranges:
            r = self.ranges
            platforms, first, stop, since, trips = r[0::5], r[1::5], r[2::5], r[3::5], r[4::5]
            first, stop = np.array(first, dtype=np.int64), np.array(stop, dtype=np.int64)
            lengths = stop - first
            # the slices p.ids[a:b] of every range, as one gather from the book's order (p.ids is a slice of it)
            start = np.array([p.offset for p in platforms], dtype=np.int64) + first
            ends = np.cumsum(lengths)
            ids = self.order[np.arange(int(ends[-1])) + np.repeat(start - (ends - lengths), lengths)]
            since = np.repeat(since, lengths)
            trips = np.repeat(trips, lengths)
            stations = np.repeat([p.station for p in platforms], lengths)
            t = np.maximum(self.arrival_s[ids], since)
            board_s[ids], trip[ids] = t, trips
            log_ids.append(ids), log_trip.append(trips), log_station.append(stations), log_time.append(t)
        for ids, station, since, k in self.boarded_ids:  # later than the queue boarding of the same ids
            t = np.maximum(self.arrival_s[ids], since)
            board_s[ids], trip[ids] = t, k
            log_ids.append(ids), log_trip.append(np.full(ids.size, k)), log_station.append(np.full(ids.size, station))
            log_time.append(t)
        left_behind = np.zeros(n, dtype=np.int32)
        for p, a, b in self.denials:
            np.add.at(left_behind, p.ids[a:b], 1)
        for ids in self.left_behind_ids:
            np.add.at(left_behind, ids, 1)
        detrained = np.zeros(n, dtype=np.int32)
        for ids in self.detrained_ids:
            np.add.at(detrained, ids, 1)
        # still waiting when the last train passed: never boarded, or put off a train and never picked up
        stranded = ~np.isfinite(board_s)
        for p in self.platforms.values():
            stranded[p.first] = True
        board_s[stranded] = np.inf
        trip[stranded] = -1
        alight_s = np.full(n, np.inf)
        done = ~stranded
        alight_s[done] = trip_arrivals[trip[done], self.destination[done]]
        if not np.isfinite(alight_s[done]).all():
            raise AssertionError("a passenger's trip never reached the passenger's destination")
        passengers = {"board_s": board_s, "alight_s": alight_s, "trip": trip, "left_behind": left_behind,
                      "stranded": stranded, "detrained": detrained}
        cat = (lambda parts, dtype: np.concatenate(parts) if parts else np.empty(0, dtype=dtype))
        boardings = {"passenger": cat(log_ids, np.int64), "trip": cat(log_trip, np.int64),
                     "station": cat(log_station, np.int64), "board_s": cat(log_time, float)}
        return passengers, boardings
