"""A service pattern: the operating day as time bands with headways, plus dwell and turnback rules."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Band", "ServicePattern", "FLEET"]

FLEET = "fleet"
"""A band headway of ``"fleet"`` means the best headway the fleet and the infrastructure allow."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    """Departures from the Airport terminus between ``start_s`` and ``end_s`` every ``headway_s``.

    ``headway_s`` is None for a ``"fleet"`` band (resolved when the timetable is built).
    """

    name: str
    start_s: float
    end_s: float
    headway_s: float | None

    def __post_init__(self) -> None:
        if not self.end_s > self.start_s:
            raise ValueError(f"band {self.name}: end {self.end_s} is not after start {self.start_s}")
        if self.headway_s is not None and not self.headway_s > 0:
            raise ValueError(f"band {self.name}: headway {self.headway_s} must be positive")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServicePattern:
    """What a planner asks for; :func:`lrt.timetable.build.build_timetable` turns it into trips.

    Parameters
    ----------
    bands : tuple of Band
        Contiguous, in time order.
    dwell_s : float
        Default dwell at intermediate stations [s]; ``station_dwell_s`` overrides it by station code.
    turnback_min_s : float
        Minimum layover at a terminus between arrival and departure [s].
    reserve_trains : int
        Trains kept back from service.
    load_factor : float
        Share of the design load assumed on board for the planning running times [1].
    far_end_stabling : int
        Trains that stand overnight at the far terminus and start the down service there [1].
    """

    name: str
    service_id: str
    days: tuple[str, ...]
    start_date: str
    end_date: str
    bands: tuple[Band, ...]
    dwell_s: float
    station_dwell_s: dict[int, float] = field(default_factory=dict)
    turnback_min_s: float
    reserve_trains: int
    load_factor: float = 0.5
    far_end_stabling: int = 0
    source: str = ""

    def __post_init__(self) -> None:
        if not self.bands:
            raise ValueError("a service pattern needs at least one band")
        for a, b in zip(self.bands, self.bands[1:]):
            if b.start_s != a.end_s:
                raise ValueError(f"band {b.name} starts at {b.start_s}, not where {a.name} ends ({a.end_s})")

    def dwell_at(self, code: int) -> float:
        return self.station_dwell_s.get(code, self.dwell_s)
