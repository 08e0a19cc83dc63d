"""What one simulation run needs: a picklable scenario, its options, and a seed.

``simulate(scenario, seed)`` is a pure function of these two (see :mod:`lrt.sim.engine`), so runs can
be farmed out to a process pool or a Dask cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..conditions import Conditions
from ..demand import Demand
from ..network import Line
from ..rollingstock import TrainSpec
from ..timetable.model import Timetable

__all__ = ["SimOptions", "Scenario"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SimOptions:
    """Operating rules and variability of a run (defaults: engineering reference, sections 3 and 7 [E]).

    Parameters
    ----------
    variability : bool
        Draw run-time and dwell noise and primary delays; False gives a deterministic run.
    run_time_cv : float
        Coefficient of variation of segment run times (normal) [1].
    dwell_cv : float
        Coefficient of variation of dwells around the Puong model (lognormal) [1].
    primary_delay_share, primary_delay_mean_s : float
        Share of departures with a primary delay [1], and its exponential mean [s].
    hold_terminal_departures : bool
        GoA4 regulation: a train never leaves a terminus before its timetabled departure.
    hold_station_departures : bool
        Nor an intermediate station (automatic train regulation to the timetable).
    headway_holding : bool
        Hold trains at stations until ``headway_holding_share`` of the planned headway has passed since
        the previous departure (evens out headways).
    recovery : bool
        A late train drives flat out (uses its running-time allowance) to recover.
    load_standard : str or int
        Boarding stops at ``"design"`` (6/m²), ``"crush"`` load, or a number of passengers.
    min_turnback_s : float
        Shortest layover of a late train at a terminus [s].
    min_dwell_s, busiest_door_factor : float
        Door and platform-door cycle [s]; passengers at the busiest door over the average [1].
    reserve_delay_s : float
        Time to get a reserve train out when a train fails its pull-out [s] [E].
    manual_points_s : float
        With a terminus switch failed, time to set and lock the points by hand for each movement [s] [E].
    """

    variability: bool = True
    run_time_cv: float = 0.025
    dwell_cv: float = 0.25
    primary_delay_share: float = 0.04
    primary_delay_mean_s: float = 45.0
    hold_terminal_departures: bool = True
    hold_station_departures: bool = True
    headway_holding: bool = False
    headway_holding_share: float = 0.8
    recovery: bool = True
    load_standard: str | int = "design"
    min_turnback_s: float = 120.0
    min_dwell_s: float = 20.0
    busiest_door_factor: float = 1.4
    door_closing_s: float = 4.0
    reserve_delay_s: float = 600.0
    manual_points_s: float = 180.0

    def __post_init__(self) -> None:
        for name in ("run_time_cv", "dwell_cv", "primary_delay_share", "primary_delay_mean_s", "min_turnback_s",
                     "min_dwell_s", "door_closing_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        if self.door_closing_s > self.min_dwell_s:
            raise ValueError(f"door_closing_s ({self.door_closing_s}) must not exceed min_dwell_s ({self.min_dwell_s})")
        if not 0 <= self.primary_delay_share <= 1:
            raise ValueError(f"primary_delay_share must be in [0, 1], got {self.primary_delay_share!r}")
        if isinstance(self.load_standard, str) and self.load_standard not in ("design", "crush"):
            raise ValueError(f"load_standard must be 'design', 'crush' or a number, got {self.load_standard!r}")

    def capacity(self, train: TrainSpec, conditions: Conditions) -> int:
        """Passengers a train takes before its doors close on the rest [1]."""
        if self.load_standard == "design":
            base = train.capacity
        elif self.load_standard == "crush":
            base = train.crush_capacity
        else:
            base = int(self.load_standard)
        return int(base * conditions.capacity_factor)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """Everything a run reads: the line, the train, the timetable, the weather, the demand and the rules.

    ``demand`` may be None (trains only); ``faults`` are scripted faults (the conditions add random ones).
    ``seed`` is the scenario file's seed (a run still takes its seed as an argument). ``sources`` maps
    input names to file digests for the run record; ``notes`` says how it was assembled (the timetable as
    planned, what the service did in these conditions).
    """

    name: str = "scenario"
    line: Line
    train: TrainSpec
    timetable: Timetable
    conditions: Conditions = Conditions()
    demand: Demand | None = None
    options: SimOptions = SimOptions()
    faults: tuple = ()
    seed: int = 1
    sources: dict = field(default_factory=dict, compare=False)
    notes: dict = field(default_factory=dict, compare=False)
