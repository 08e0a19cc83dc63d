"""The route of a drive as arrays on a 1 m grid of the distance run: limits, gradient and curve forces,
stations passed, and the braking curves that the ATP supervises and the ATO follows (pure numpy).

Positions ``s`` are the distance the head has run from the departure stop mark [m]; the target stop mark
is at ``s = length_m``.  The stop marks put the train's centre on the platform centre, as in
:func:`lrt.runtime.run_profile`.
"""

from __future__ import annotations

import math

import numpy as np

from ...runtime import speed_limit_profile, track_force_per_kg
from .spec import DriveSpec

__all__ = ["Route", "braking_curve"]

BEYOND_M = 200.0
"""The route runs this far past the target stop mark, for overruns [m]."""


class Route:
    """Everything a drive needs to know about the track ahead, sampled every metre.

    Attributes
    ----------
    length_m : from the departure stop mark to the target stop mark [m]
    s_m : the grid [m]
    limit_ms : the speed limit in force for the whole train with its head at each point [m/s]
    extra_n_per_kg : gradient and curve resistance per kilogram of train mass [N/kg]
    gradient_permille : the gradient averaged over the train, rising in the travel direction [‰]
    stations : (position [m], name) of each station from departure to the target, as stop marks
    """

    def __init__(self, spec: DriveSpec) -> None:
        line, train = spec.line, spec.train
        self.direction = spec.direction
        sgn = 1.0 if self.direction == "up" else -1.0
        head0 = line.station(spec.from_code).chainage_m + sgn * train.length_m / 2
        head1 = line.station(spec.to_code).chainage_m + sgn * train.length_m / 2
        self.length_m = abs(head1 - head0)
        n = int(math.ceil(self.length_m + BEYOND_M))
        self.s_m = np.arange(n + 1, dtype=float)
        chain = head0 + sgn * self.s_m
        along = chain if self.direction == "up" else line.end_m - chain
        self.limit_ms = speed_limit_profile(line, train, self.direction, along, spec.conditions)
        self.extra_n_per_kg = track_force_per_kg(line, train, self.direction, chain)
        tail = chain - sgn * train.length_m
        self.gradient_permille = (line.elevation(chain) - line.elevation(tail)) / train.length_m * 1000.0
        lo, hi = sorted((spec.from_code, spec.to_code))
        passed = [s for s in line.stations if lo <= s.code <= hi]
        self.stations = tuple(sorted((abs(s.chainage_m + sgn * train.length_m / 2 - head0), s.name_en) for s in passed))
        self._limit = self.limit_ms.tolist()
        self._extra = self.extra_n_per_kg.tolist()
        self._grade = self.gradient_permille.tolist()
        self._last = n

    def cell(self, s: float) -> tuple[int, float]:
        """The grid cell holding ``s``: its first point and the fraction of the way to the next."""
        if s <= 0.0:
            return 0, 0.0
        i = int(s)
        return (i, s - i) if i < self._last else (self._last - 1, 1.0)

    def limit(self, s: float) -> float:
        """The speed limit for the whole train with the head at ``s`` [m/s] (the lower of the two grid
        points around it, so a restriction holds from its first metre)."""
        i, _ = self.cell(s)
        return min(self._limit[i], self._limit[i + 1])

    def extra(self, s: float) -> float:
        """Gradient and curve resistance at ``s`` [N/kg], linear between grid points."""
        i, f = self.cell(s)
        return self._extra[i] + f * (self._extra[i + 1] - self._extra[i])

    def gradient(self, s: float) -> float:
        """The gradient under the train with its head at ``s`` [‰]."""
        i, f = self.cell(s)
        return self._grade[i] + f * (self._grade[i + 1] - self._grade[i])

    def targets(self, end_m: float) -> list[tuple[float, float]]:
        """Where the limit falls (the head's position [m], the new limit [m/s]), then (``end_m``, 0)."""
        lim = self.limit_ms
        drops = np.nonzero(lim[1:] < lim[:-1])[0] + 1
        out = [(float(self.s_m[i]), float(lim[i])) for i in drops if self.s_m[i] < end_m]
        out.append((end_m, 0.0))
        return out


def braking_curve(route: Route, braking_ms2: float, end_m: float) -> np.ndarray:
    """The permitted speed at each grid point [m/s]: the limit in force, and nothing from which braking at
    ``braking_ms2`` [m/s²] could not obey every lower limit ahead and stop by ``end_m`` [m].

    ``min(L(s), min_j sqrt(v_j² + 2·b·(x_j − s)))`` over the targets ``(x_j, v_j)`` ahead of ``s``; zero past
    ``end_m``.
    """
    s = route.s_m
    curve = route.limit_ms.copy()
    for x, v in route.targets(end_m):
        ahead = s <= x
        curve[ahead] = np.minimum(curve[ahead], np.sqrt(v * v + 2.0 * braking_ms2 * (x - s[ahead])))
    curve[s > end_m] = 0.0
    return curve
