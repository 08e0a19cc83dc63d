"""The line as data: stations, speed limits, gradients, curves, termini and the depot.

Positions are *chainage* along the line [m], increasing from the Airport end ("up" direction:
Airport → Nurly Zhol).  Objects are frozen and validated where they are built; files are read by
:mod:`lrt.io.line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Station", "SpeedLimit", "Gradient", "Curve", "Terminal", "Depot", "Operations", "PowerSupply",
           "Line", "DIRECTIONS"]

DIRECTIONS = ("up", "down")
"""``up`` runs with increasing chainage (Airport → Nurly Zhol), ``down`` against it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Station:
    """A station: its code, names, position and platform."""

    code: int
    name_en: str
    name_ru: str = ""
    name_kk: str = ""
    lat: float = float("nan")
    lon: float = float("nan")
    chainage_m: float
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeedLimit:
    """A permanent speed restriction between two chainages [m] (both directions unless told)."""

    start_m: float
    end_m: float
    limit_ms: float
    kind: str = "restriction"
    direction: str = "both"
    note: str = ""

    def __post_init__(self) -> None:
        if not self.end_m > self.start_m:
            raise ValueError(f"speed limit end {self.end_m} must be after start {self.start_m}")
        if not self.limit_ms > 0:
            raise ValueError(f"speed limit {self.limit_ms} must be positive")
        if self.direction not in ("both",) + DIRECTIONS:
            raise ValueError(f"direction {self.direction!r} must be both, up or down")

    def applies_to(self, direction: str) -> bool:
        return self.direction in ("both", direction)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gradient:
    """A constant gradient between two chainages; ``gradient`` > 0 rises towards higher chainage [1]."""

    start_m: float
    end_m: float
    gradient: float
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Curve:
    """A horizontal curve of radius ``radius_m`` (for curve resistance; its speed limit is a SpeedLimit)."""

    start_m: float
    end_m: float
    radius_m: float
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Terminal:
    """A terminus and its turnback arrangement."""

    station: int
    arrangement: str
    platform_tracks: int
    crossover_chainage_m: float
    crossover_speed_ms: float
    switch_throw_s: float
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Crossover:
    """A crossover between the two tracks at an intermediate station, where a train can be turned back short.

    ``turnback_s`` [s]: from the train's stop on one track to its stop on the other: the move over the
    crossover, the change of ends and the route setting.
    """

    station: int
    chainage_m: float
    kind: str
    turnback_s: float
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Depot:
    """The depot and its connection to the main line."""

    name: str
    station: int
    connection_chainage_m: float
    pull_out_s: float
    pull_in_s: float
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Operations:
    """The operator's defaults for running: ATO performance level, dwells and running-time margin.

    ``max_dwell_extension_s`` [s]: how much longer than the dwell model gives for the passengers waiting
    when the doors open the doors may stay open for passengers who reach the platform during the dwell.
    """

    acceleration_ms2: float
    braking_ms2: float
    dwell_s: float
    allowance: float
    turnback_min_s: float
    fleet: int
    reserve_trains: int
    max_dwell_extension_s: float = 10.0
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerSupply:
    """The traction power supply, as far as the energy at the substations needs it (:mod:`lrt.energy`).

    The defaults are the estimates shipped for Astana line 1 (``[power]`` in its ``line.toml``).

    Attributes
    ----------
    receptivity : share of the electric braking energy fed back to the line that the network takes up
        (other trains accelerating nearby; the rest is burnt in the braking resistors) [1]
    supply_efficiency : substation busbar to current collector: rectifier and conductor-rail losses [1]
    nominal_voltage_v : nominal DC voltage [V] (shown, not used in the energy balance)
    """

    receptivity: float = 0.5
    supply_efficiency: float = 0.92
    nominal_voltage_v: float = 750.0

    def __post_init__(self) -> None:
        if not 0 <= self.receptivity <= 1:
            raise ValueError(f"receptivity must be a share in [0, 1], got {self.receptivity!r}")
        if not 0 < self.supply_efficiency <= 1:
            raise ValueError(f"supply_efficiency must be a share in (0, 1], got {self.supply_efficiency!r}")
        if not self.nominal_voltage_v > 0:
            raise ValueError(f"nominal_voltage_v must be positive, got {self.nominal_voltage_v!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """A line: stations in chainage order plus everything the running-time calculation needs."""

    name: str
    stations: tuple[Station, ...]
    start_m: float
    end_m: float
    line_speed_ms: float
    platform_length_m: float
    speed_limits: tuple[SpeedLimit, ...] = ()
    gradients: tuple[Gradient, ...] = ()
    curves: tuple[Curve, ...] = ()
    terminals: tuple[Terminal, ...] = ()
    crossovers: tuple[Crossover, ...] = ()
    depot: Depot | None = None
    operations: Operations
    power: PowerSupply = field(default_factory=PowerSupply)
    credit: str = ""
    source: str = ""
    _by_key: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # own to each Line
    _codes: tuple = field(default=(), init=False, repr=False, compare=False)  # the station codes, in line order

    def __post_init__(self) -> None:
        if len(self.stations) < 2:
            raise ValueError("a line needs at least two stations")
        chain = [s.chainage_m for s in self.stations]
        if any(b <= a for a, b in zip(chain, chain[1:])):
            raise ValueError("stations must be in increasing chainage order")
        object.__setattr__(self, "_codes", tuple(s.code for s in self.stations))  # asked at every turn
        for s in self.stations:
            self._by_key[s.code] = s
            self._by_key[str(s.code)] = s
            for name in (s.name_en, s.name_ru, s.name_kk):
                if name:
                    self._by_key[name.casefold()] = s

    @property
    def codes(self) -> tuple[int, ...]:
        return self._codes

    def station(self, key: int | str) -> Station:
        """The station with this code or name (any language, any case); ``KeyError`` if unknown."""
        k = key if isinstance(key, int) else str(key).strip()
        hit = self._by_key.get(k) or (self._by_key.get(k.casefold()) if isinstance(k, str) else None)
        if hit is None:
            raise KeyError(key)
        return hit

    def index(self, code: int) -> int:
        """Position of a station in line order."""
        return self.codes.index(code)

    def terminal(self, code: int) -> Terminal | None:
        return next((t for t in self.terminals if t.station == code), None)

    def crossover(self, code: int) -> Crossover | None:
        """The crossover at an intermediate station, if there is one."""
        return next((c for c in self.crossovers if c.station == code), None)

    def elevation(self, chainage_m: np.ndarray) -> np.ndarray:
        """Height relative to the start of the line [m] from the gradient table (0 where none)."""
        x = np.asarray(chainage_m, dtype=float)
        knots, heights = self._elevation_knots()
        return np.interp(x, knots, heights)

    def _elevation_knots(self) -> tuple[np.ndarray, np.ndarray]:
        pts = sorted({self.start_m, self.end_m, *(g.start_m for g in self.gradients),
                      *(g.end_m for g in self.gradients)})
        knots = np.array(pts)
        slope = np.zeros(len(knots) - 1)
        mids = (knots[:-1] + knots[1:]) / 2
        for g in self.gradients:
            slope[(mids > g.start_m) & (mids < g.end_m)] = g.gradient
        heights = np.concatenate([[0.0], np.cumsum(slope * np.diff(knots))])
        return knots, heights

    def curvature_integral(self, chainage_m: np.ndarray) -> np.ndarray:
        """∫ 1/R ds from the start of the line [1] (for curve resistance averaged over the train)."""
        x = np.asarray(chainage_m, dtype=float)
        total = np.zeros_like(x)
        for c in self.curves:
            total += (np.clip(x, c.start_m, c.end_m) - c.start_m) / c.radius_m
        return total
