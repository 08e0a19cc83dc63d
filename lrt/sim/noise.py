"""Run-time and dwell noise and primary delays of one run (engineering reference, section 7).

Every call of the timetable has its own draws: the noise of trip k at stop i is the (k, i) element of
arrays drawn once when the run starts, each kind from its own stream (a child of the run's operations
seed).  So a train's disturbances do not depend on what other trains did before it: two runs of the same
seed that differ by a decision (a held train, a skipped stop) share the disturbances of every call the
decision did not touch (common random numbers), which is what lets a sweep or an exercise measure the
effect of a change rather than luck.  Calls beyond the timetable (a spare train inserted during the day)
draw from their own streams, one number at a time.
"""

from __future__ import annotations

import math

import numpy as np

from .scenario import SimOptions

__all__ = ["Noise", "Stream", "Keyed"]

_BLOCK = 1024


class Stream:
    """Numbers from one generator, drawn ``_BLOCK`` at a time by ``draw(rng, n)`` and handed out one by one."""

    __slots__ = ("rng", "draw", "values", "next")

    def __init__(self, rng: np.random.Generator, draw) -> None:
        self.rng = rng
        self.draw = draw
        self.values: list[float] = []
        self.next = 0

    def __call__(self) -> float:
        if self.next == len(self.values):
            self.values = self.draw(self.rng, _BLOCK).tolist()
            self.next = 0
        value = self.values[self.next]
        self.next += 1
        return value


class Keyed:
    """One draw per (trip, stop) of the timetable, and a stream for the calls beyond it."""

    __slots__ = ("table", "extra")

    def __init__(self, seed: np.random.SeedSequence, shape: tuple[int, int], draw) -> None:
        table_seq, extra_seq = seed.spawn(2)
        self.table = draw(np.random.default_rng(table_seq), shape).tolist()
        self.extra = Stream(np.random.default_rng(extra_seq), draw)

    def __call__(self, trip: int, stop: int) -> float:
        if trip >= 0:  # (trip -1: a call beyond the timetable; stops are never negative)
            try:
                return self.table[trip][stop]
            except IndexError:
                pass
        return self.extra()


class Noise:
    """The random disturbances of a run (none when ``options.variability`` is off).

    ``seed`` is the run's operations seed sequence; ``shape`` is (trips in the timetable, most stops a trip).
    """

    __slots__ = ("_run", "_dwell", "_delay_share", "_delay_size", "_on", "_run_on", "_dwell_on", "_share")

    def __init__(self, options: SimOptions, seed: np.random.SeedSequence, shape: tuple[int, int]) -> None:
        run, dwell, share, size = seed.spawn(4)
        cv = options.dwell_cv
        sigma = math.sqrt(math.log(1 + cv * cv))
        self._on = options.variability
        # what each kind needs, decided once (these are asked at every call of the day)
        self._run_on = self._on and options.run_time_cv != 0
        self._dwell_on = self._on and options.dwell_cv != 0
        self._share = options.primary_delay_share if self._on else 0.0
        self._run = Keyed(run, shape, lambda rng, n: rng.normal(1.0, options.run_time_cv, n))
        self._dwell = Keyed(dwell, shape, lambda rng, n: rng.lognormal(-sigma * sigma / 2, sigma, n))
        self._delay_share = Keyed(share, shape, lambda rng, n: rng.random(n))
        self._delay_size = Keyed(size, shape, lambda rng, n: rng.exponential(options.primary_delay_mean_s, n))

    def run(self, trip: int, stop: int) -> float:
        """Factor on the run into a stop: normal with mean 1 and CV ``run_time_cv``, at least 0.5 [1]."""
        if not self._run_on:
            return 1.0
        return max(self._run(trip, stop), 0.5)

    def dwell(self, trip: int, stop: int) -> float:
        """Factor on a dwell: lognormal with mean 1 and CV ``dwell_cv`` [1]."""
        if not self._dwell_on:
            return 1.0
        return self._dwell(trip, stop)

    def primary_delay(self, trip: int, stop: int) -> float:
        """A primary delay on ``primary_delay_share`` of departures, exponential with the mean given [s]."""
        share = self._share
        if share == 0 or self._delay_share(trip, stop) >= share:
            return 0.0
        return self._delay_size(trip, stop)
