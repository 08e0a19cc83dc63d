"""Run-time and dwell noise and primary delays of one run (engineering reference, section 7).

Each kind of disturbance draws from its own stream (a child of the run's operations seed), in blocks of
numbers drawn at once: a stream gives the same sequence whatever the block size, so the same seed gives
the same day, and drawing in vectors costs far less than one number at a time.
"""

from __future__ import annotations

import math

import numpy as np

from .scenario import SimOptions

__all__ = ["Noise", "Stream"]

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


class Noise:
    """The random disturbances of a run (none when ``options.variability`` is off).

    ``seed`` is the run's operations seed sequence; it is split into one stream per kind.
    """

    __slots__ = ("opt", "_run", "_dwell", "_delay_share", "_delay_size", "_on")

    def __init__(self, options: SimOptions, seed: np.random.SeedSequence) -> None:
        self.opt = options
        run, dwell, share, size = (np.random.default_rng(s) for s in seed.spawn(4))
        cv = options.dwell_cv
        sigma = math.sqrt(math.log(1 + cv * cv))
        self._run = Stream(run, lambda rng, n: rng.normal(1.0, options.run_time_cv, n))
        self._dwell = Stream(dwell, lambda rng, n: rng.lognormal(-sigma * sigma / 2, sigma, n))
        self._delay_share = Stream(share, lambda rng, n: rng.random(n))
        self._delay_size = Stream(size, lambda rng, n: rng.exponential(options.primary_delay_mean_s, n))
        self._on = options.variability

    def run(self) -> float:
        """Factor on a segment's run time: normal with mean 1 and CV ``run_time_cv``, at least 0.5 [1]."""
        if not self._on or self.opt.run_time_cv == 0:
            return 1.0
        return max(self._run(), 0.5)

    def dwell(self) -> float:
        """Factor on a dwell: lognormal with mean 1 and CV ``dwell_cv`` [1]."""
        if not self._on or self.opt.dwell_cv == 0:
            return 1.0
        return self._dwell()

    def primary_delay(self) -> float:
        """A primary delay on ``primary_delay_share`` of departures, exponential with the mean given [s]."""
        o = self.opt
        if not self._on or o.primary_delay_share == 0 or self._delay_share() >= o.primary_delay_share:
            return 0.0
        return self._delay_size()
