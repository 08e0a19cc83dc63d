"""Disruptions as data: a fault that happens to a train, a switch or a section (scripted or drawn).

The simulation applies them (:mod:`lrt.sim.faults`); scripted ones are read by :mod:`lrt.io.faults`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .network import Line

__all__ = ["KINDS", "Fault"]

KINDS = ("door", "switch", "train", "power_rail", "pull_out")

@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    """One fault. ``train`` is a block id; ``station`` a station code (``0`` = the depot for a switch);
    ``section`` two adjacent station codes (power rail)."""

    fault_id: str
    kind: str
    start_s: float
    duration_s: float
    train: str = ""
    station: int | None = None
    section: tuple[int, int] | None = None
    source: str = "scripted"
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"fault kind {self.kind!r} is not one of {KINDS}")
        if self.start_s < 0 or self.duration_s < 0:
            raise ValueError(f"fault {self.fault_id}: start and duration must be >= 0")

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

    def label(self, line: Line) -> str:
        where = ""
        if self.kind == "switch":
            where = " at the depot" if self.station == 0 else f" at {line.station(self.station).name_en}"
        elif self.kind == "power_rail" and self.section:
            a, b = (line.station(c).name_en for c in self.section)
            where = f" {a}-{b}"
        elif self.station:
            where = f" at {line.station(self.station).name_en}"
        who = f" {self.train}" if self.train else ""
        return f"{self.fault_id} {self.kind.replace('_', '-')}{who}{where}"
