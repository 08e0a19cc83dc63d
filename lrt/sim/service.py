"""The service a day's conditions allow: the timetable, thinned when too few trains are fit for service.

Standard response (docs/operations.md): when the trains fit for service (fleet × availability) cannot
cover the timetable's peak, the service pattern thins — the timetable is rebuilt from its pattern at
the headways the available trains allow, with the day's running times, keeping one train in reserve;
a timetable without a known pattern drops its last trains to pull out (the peak extras).
"""

from __future__ import annotations

import dataclasses

from ..conditions import Conditions
from ..network import Line
from ..rollingstock import TrainSpec
from ..timetable.build import build_timetable
from ..timetable.model import Timetable
from ..timetable.pattern import ServicePattern

__all__ = ["trains_needed", "service_for"]


def trains_needed(timetable: Timetable) -> int:
    """Most trains out of the depot at once [1]."""
    moments = sorted({a for b in timetable.blocks() for a, _ in timetable.out_intervals(b)})
    return max(timetable.trains_in_service(moments), default=0)


def service_for(line: Line, train: TrainSpec, timetable: Timetable, conditions: Conditions,
                pattern: ServicePattern | None = None, *, reserve: int | None = None) -> tuple[Timetable, str]:
    """The timetable to run in ``conditions``, and a one-line note of what was done.

    ``reserve``: trains fit for service to keep back as reserves (default: none when the timetable can run,
    one hot reserve when it must be thinned); the timetable is thinned when the rest cannot run it.
    """
    fit = conditions.trains_available(line.operations.fleet)
    needed = trains_needed(timetable)
    if fit - (reserve or 0) >= needed:
        return timetable, f"{fit} trains fit for service, {needed} needed: timetable as planned"
    if pattern is not None:  # by default keep one hot reserve for pull-out and in-service failures
        keep_back = reserve if reserve is not None else (1 if fit >= 4 else 0)
        thinned = dataclasses.replace(pattern, reserve_trains=min(keep_back, max(fit - 1, 0)))
        rebuilt = build_timetable(line, train, thinned, conditions=conditions, thin=True)
        return (dataclasses.replace(rebuilt, name=f"{timetable.name} (thinned for {conditions.name})"),
                f"{fit} trains fit for service, {needed} needed: pattern {pattern.name} rebuilt with "
                f"{trains_needed(rebuilt)} trains")
    keep = sorted(timetable.blocks())[:max(fit - (reserve or 0), 0)]
    trips = tuple(t for t in timetable.trips if t.block_id in keep)
    ops = tuple(e for e in timetable.operations if e.block_id in keep)
    return (dataclasses.replace(timetable, trips=trips, operations=ops,
                                name=f"{timetable.name} (thinned for {conditions.name})"),
            f"{fit} trains fit for service, {needed} needed: the last {needed - len(keep)} trains to pull out "
            f"are not run")
