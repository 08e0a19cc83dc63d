"""Run-time and dwell noise and primary delays of one run (engineering reference, section 7).

All draws come from the run's own generator, in the order the trains ask for them, so the same seed
gives the same day.
"""

from __future__ import annotations

import math

import numpy as np

from .scenario import SimOptions

__all__ = ["Noise"]


class Noise:
    """The random disturbances of a run (none when ``options.variability`` is off)."""

    __slots__ = ("opt", "rng", "_sigma")

    def __init__(self, options: SimOptions, rng: np.random.Generator) -> None:
        self.opt = options
        self.rng = rng
        cv = options.dwell_cv
        self._sigma = math.sqrt(math.log(1 + cv * cv))

    def run(self) -> float:
        """Factor on a segment's run time: normal with mean 1 and CV ``run_time_cv``, at least 0.5 [1]."""
        if not self.opt.variability or self.opt.run_time_cv == 0:
            return 1.0
        return max(1.0 + self.rng.normal(0.0, self.opt.run_time_cv), 0.5)

    def dwell(self) -> float:
        """Factor on a dwell: lognormal with mean 1 and CV ``dwell_cv`` [1]."""
        if not self.opt.variability or self.opt.dwell_cv == 0:
            return 1.0
        s = self._sigma
        return float(self.rng.lognormal(-s * s / 2, s))

    def primary_delay(self) -> float:
        """A primary delay on ``primary_delay_share`` of departures, exponential with the mean given [s]."""
        o = self.opt
        if not o.variability or o.primary_delay_share == 0 or self.rng.random() >= o.primary_delay_share:
            return 0.0
        return float(self.rng.exponential(o.primary_delay_mean_s))
