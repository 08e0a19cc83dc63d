"""Passengers as arrays: platform queues (first come, first served) and the load of every train.

Passengers arrive sorted by time.  Each platform (station, direction) keeps its passengers' indices in
arrival order and a pointer to the first still waiting: boarding takes a prefix of those who have
arrived, so a stop costs a few numpy operations whatever the number of passengers.
"""

from __future__ import annotations

import numpy as np

from ..demand import Arrivals

__all__ = ["PassengerBook"]

NOT_YET = np.inf


class PassengerBook:
    """Mutable passenger state during one run (lives only inside the simulation)."""

    def __init__(self, arrivals: Arrivals, n_stations: int) -> None:
        n = len(arrivals)
        self.n_stations = n_stations
        self.arrival_s = np.asarray(arrivals.time_s, dtype=float)
        self.origin = np.asarray(arrivals.origin, dtype=np.int64)
        self.destination = np.asarray(arrivals.destination, dtype=np.int64)
        self.board_s = np.full(n, NOT_YET)
        self.alight_s = np.full(n, NOT_YET)
        self.left_behind = np.zeros(n, dtype=np.int32)
        self.trip = np.full(n, -1, dtype=np.int32)
        self.stranded = np.zeros(n, dtype=bool)  # put off at a terminus short of their destination
        up = self.destination > self.origin
        self.queues: dict[tuple[int, str], np.ndarray] = {}
        self.queue_times: dict[tuple[int, str], np.ndarray] = {}
        self.heads: dict[tuple[int, str], int] = {}
        order = np.lexsort((self.arrival_s, ~up, self.origin))  # by origin, direction, time (stable)
        keys = self.origin[order] * 2 + (~up[order]).astype(np.int64)
        bounds = np.searchsorted(keys, np.arange(2 * n_stations + 1))
        for s in range(n_stations):
            for d, direction in enumerate(("up", "down")):
                k = 2 * s + d
                idx = order[bounds[k]:bounds[k + 1]]
                self.queues[(s, direction)] = idx
                self.queue_times[(s, direction)] = self.arrival_s[idx]
                self.heads[(s, direction)] = 0
        self.requeued: dict[tuple[int, str], np.ndarray] = {}  # detrained passengers, first in line
        self.detrained = np.zeros(n, dtype=np.int32)

    def board(self, station: int, direction: str, t: float, room: int, trip: int) -> tuple[np.ndarray, int]:
        """Board up to ``room`` of the passengers who have arrived by t; the rest are left behind.

        Detrained passengers (see :meth:`requeue`) board first.  Returns the boarded indices and the
        number denied boarding.
        """
        key = (station, direction)
        room = max(room, 0)
        taken, denied = np.empty(0, dtype=np.int64), 0
        first = self.requeued.get(key)
        if first is not None and first.size:
            taken, rest = first[:room], first[room:]
            self.left_behind[rest] += 1
            self.requeued[key] = rest
            room -= taken.size
            denied += int(rest.size)
        head = self.heads[key]
        arrived = int(np.searchsorted(self.queue_times[key], t, side="right"))
        n = min(room, arrived - head)
        boarded = self.queues[key][head:head + n]
        if taken.size:
            boarded = np.concatenate((taken, boarded))
        self.board_s[boarded] = t
        self.trip[boarded] = trip
        if arrived - head - n:
            self.left_behind[self.queues[key][head + n:arrived]] += 1
            denied += arrived - head - n
        self.heads[key] = head + n
        return boarded, denied

    def requeue(self, ids: np.ndarray, station: int, direction: str) -> None:
        """Detrained passengers wait again on this platform, ahead of those who arrived after them."""
        self.board_s[ids] = NOT_YET
        self.trip[ids] = -1
        self.detrained[ids] += 1
        key = (station, direction)
        old = self.requeued.get(key)
        self.requeued[key] = ids.copy() if old is None else np.concatenate((old, ids))

    def alight(self, onboard: np.ndarray, station: int, t: float) -> tuple[np.ndarray, int]:
        """Passengers of ``onboard`` whose destination is ``station`` leave; returns those staying and the count."""
        if onboard.size == 0:
            return onboard, 0
        off = self.destination[onboard] == station
        n = int(off.sum())
        if n:
            self.alight_s[onboard[off]] = t
            onboard = onboard[~off]
        return onboard, n
