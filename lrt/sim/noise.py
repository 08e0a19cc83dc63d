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

    __slots__ = ("array", "extra")

    def __init__(self, seed: np.random.SeedSequence, shape: tuple[int, int], draw) -> None:
        table_seq, extra_seq = seed.spawn(2)
        self.array = draw(np.random.default_rng(table_seq), shape)  # the timetable's draws, by trip and stop
        self.extra = Stream(np.random.default_rng(extra_seq), draw)

    def __call__(self, trip: int, stop: int) -> float:
        if trip >= 0:  # (trip -1: a call beyond the timetable; stops are never negative)
            try:
                return self.array.item(trip, stop)
            except IndexError:
                pass
        return self.extra()


class _Beyond:
    """The draws of a trip beyond the timetable (a spare train's): each call asked draws in turn."""

    __slots__ = ("draw",)

    def __init__(self, draw) -> None:
        self.draw = draw

    def __getitem__(self, stop: int) -> float:
        return self.draw()


class Noise:
    """The random disturbances of a run (none when ``options.variability`` is off).

    ``seed`` is the run's operations seed sequence; ``shape`` is (trips in the timetable, most stops a trip).
    The engine asks :meth:`trip` once a trip, and reads each call's values from its rows.
    """

    __slots__ = ("_run", "_dwell", "_delay_share", "_delay_size", "_share", "_rows", "_trips", "_ones", "_zeros")

    def __init__(self, options: SimOptions, seed: np.random.SeedSequence, shape: tuple[int, int]) -> None:
        run, dwell, share, size = seed.spawn(4)
        cv = options.dwell_cv
        sigma = math.sqrt(math.log(1 + cv * cv))
        on = options.variability
        self._share = options.primary_delay_share if on else 0.0
        self._run = Keyed(run, shape, lambda rng, n: rng.normal(1.0, options.run_time_cv, n))
        self._dwell = Keyed(dwell, shape, lambda rng, n: rng.lognormal(-sigma * sigma / 2, sigma, n))
        self._delay_share = Keyed(share, shape, lambda rng, n: rng.random(n))
        self._delay_size = Keyed(size, shape, lambda rng, n: rng.exponential(options.primary_delay_mean_s, n))
        # every call's values worked out at once, by trip and stop (what run, dwell and primary_delay give); a trip's
        # rows are made lists when it starts (lists for the whole day at once would be some thousand objects more
        # for Python's garbage collector to track all day)
        self._trips, self._ones, self._zeros = shape[0], [1.0] * shape[1], [0.0] * shape[1]
        runs = np.maximum(self._run.array, 0.5) if on and options.run_time_cv != 0 else None
        dwells = self._dwell.array if on and options.dwell_cv != 0 else None
        delays = np.where(self._delay_share.array < self._share, self._delay_size.array, 0.0) \
            if self._share != 0 else None
        self._rows = (runs, dwells, delays)

    def trip(self, trip: int) -> tuple:
        """The run factors, dwell factors and primary delays [s] of trip number ``trip``'s calls, by stop index (a
        trip beyond the timetable, -1, draws each call's values in turn when they are read)."""
        runs, dwells, delays = self._rows
        if 0 <= trip < self._trips:
            return (self._ones if runs is None else runs[trip].tolist(),
                    self._ones if dwells is None else dwells[trip].tolist(),
                    self._zeros if delays is None else delays[trip].tolist())
        return (self._ones if runs is None else _Beyond(self._run_beyond),
                self._ones if dwells is None else _Beyond(self._dwell.extra),
                self._zeros if delays is None else _Beyond(self._delay_beyond))

    def _run_beyond(self) -> float:
        return max(self._run.extra(), 0.5)

    def _delay_beyond(self) -> float:
        return 0.0 if self._delay_share.extra() >= self._share else self._delay_size.extra()

    def run(self, trip: int, stop: int) -> float:
        """Factor on the run into a stop: normal with mean 1 and CV ``run_time_cv``, at least 0.5 [1]."""
        return self.trip(trip)[0][stop]

    def dwell(self, trip: int, stop: int) -> float:
        """Factor on a dwell: lognormal with mean 1 and CV ``dwell_cv`` [1]."""
        return self.trip(trip)[1][stop]

    def primary_delay(self, trip: int, stop: int) -> float:
        """A primary delay on ``primary_delay_share`` of departures, exponential with the mean given [s]."""
        return self.trip(trip)[2][stop]
