"""service_for with reserves asked for: the thinning on both sides of "enough trains", and the reserve capped
so that at least one train runs.

The same tiny line and ideal train as tests/test_sim_stories.py: 95 s a leg, so a trip S1 -> S3 takes
95 + 20 + 95 = 210 s, and a cycle (two trips, two 120 s turnbacks) 2 x 210 + 2 x 120 = 660 s.  The fleet is 19:
``fleet_availability = f / 19`` leaves exactly f trains fit (floor(19 f / 19)).
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from conftest import ideal_train, make_line, make_trip

from lrt.conditions import Conditions
from lrt.network import Terminal
from lrt.sim.service import service_for, trains_needed
from lrt.timetable.build import build_timetable
from lrt.timetable.model import BlockEvent, Timetable
from lrt.timetable.pattern import Band, ServicePattern

LINE = make_line((1000.0, 2500.0, 4000.0))
TRAIN = ideal_train(1.0, 1.0, 20.0)  # 20 s up to 20 m/s over 200 m, 1100 m in 55 s, 20 s braking: 95 s a leg
CYCLE = 2 * (95.0 + 20.0 + 95.0) + 2 * 120.0  # 660 s


def _three_blocks():
    """T1 out 100-310 s (its trip), T2 0-410 s (pull-out, then its trip), T3 300-810 s: 3 at once at 300 s."""
    trips = (make_trip("U1", "T1", "up", (1, 2, 3), 100.0, run=95.0, dwell=20.0),
             make_trip("U2", "T2", "up", (1, 2, 3), 200.0, run=95.0, dwell=20.0),
             make_trip("U3", "T3", "up", (1, 2, 3), 600.0, run=95.0, dwell=20.0))
    ops = (BlockEvent(block_id="T2", event="pull_out", stop=1, start_s=0.0, end_s=200.0, to_trip="U2"),
           BlockEvent(block_id="T3", event="pull_out", stop=1, start_s=300.0, end_s=600.0, to_trip="U3"))
    return Timetable(name="three", service_id="s", trips=trips, operations=ops)


def _with_termini():
    """The line with a scissors crossover 100 m before each terminus platform (two platform tracks)."""
    def terminal(code, crossover_m):
        return Terminal(station=code, arrangement="scissors crossover before the platform", platform_tracks=2,
                        crossover_chainage_m=crossover_m, crossover_speed_ms=10.0, switch_throw_s=6.0)
    return dataclasses.replace(LINE, terminals=(terminal(1, 1100.0), terminal(3, 3900.0)))


def _fit(f):
    return Conditions(name=f"fit{f}", fleet_availability=f / 19)


# -- a timetable without a pattern: its last trains to pull out are dropped ---------------------------
# _three_blocks needs 3 trains at once (T1, T2 and T3 all out at 300 s)
@pytest.mark.parametrize("fit, reserve, kept", [
    (4, 1, None),   # 4 - 1 = 3 >= 3: as planned
    (3, 0, None),   # 3 - 0 = 3 >= 3: as planned (the boundary, an explicit reserve of none)
    (3, 1, 2),      # 3 - 1 = 2 < 3: T1 and T2 run, T3 (the last to pull out) does not
    (2, 1, 1),      # 2 - 1 = 1: T1 alone
    (2, 2, 0),      # 2 - 2 = 0: no train runs
    (1, 3, 0),      # 1 - 3 < 0: still none (not a negative slice)
])
def test_a_reserve_asked_for_is_taken_from_the_trains_fit_before_the_timetable_is_thinned(fit, reserve, kept):
    tt = _three_blocks()
    run, note = service_for(LINE, TRAIN, tt, _fit(fit), reserve=reserve)
    if kept is None:
        assert run is tt and note == f"{fit} trains fit for service, 3 needed: timetable as planned"
        return
    blocks = ["T1", "T2", "T3"][:kept]
    assert [t.block_id for t in run.trips] == blocks
    assert [e.block_id for e in run.operations] == [b for b in ("T2", "T3") if b in blocks]
    assert note == f"{fit} trains fit for service, 3 needed: the last {3 - kept} trains to pull out are not run"
    assert run.name == f"three (thinned for fit{fit})"


# -- a timetable with its pattern: rebuilt at the headway the trains left allow ------------------------
def _pattern():
    return ServicePattern(name="p", service_id="p", days=("monday",), start_date="20260101", end_date="20261231",
                          bands=(Band(name="b", start_s=21600.0, end_s=25200.0, headway_s=150.0),),
                          dwell_s=20.0, turnback_min_s=120.0, reserve_trains=0)


@pytest.mark.parametrize("fit, reserve, running", [
    (4, 0, 4),     # no reserve asked for (the default would keep one back from four)
    (4, None, 3),  # the default: one hot reserve from four
    (3, 5, 1),     # five asked for, but one train must run: the reserve is capped at 3 - 1 = 2
    (3, 1, 2),
    (1, 1, 1),     # the only train fit runs: the reserve is capped at 1 - 1 = 0
])
def test_a_pattern_is_rebuilt_with_the_trains_fit_less_the_reserve_and_always_one(fit, reserve, running):
    line = _with_termini()
    pattern = _pattern()
    planned = build_timetable(line, TRAIN, pattern)
    assert trains_needed(planned) == 5  # 660 s / 150 s = 4.4
    run, note = service_for(line, TRAIN, planned, _fit(fit), pattern, reserve=reserve)
    assert trains_needed(run) == running
    starts = sorted(t.departure_s[0] for t in run.trips if t.direction == "up")
    headway = starts[1] - starts[0]
    # ``running`` trains cover the 660 s cycle at this headway, one train fewer could not (the builder publishes
    # headways in steps of 15 s, so it need not be 660 / running exactly)
    assert starts[0] == 21600.0 and CYCLE / running <= headway < (CYCLE / (running - 1) if running > 1 else math.inf)
    assert note == f"{fit} trains fit for service, 5 needed: pattern p rebuilt with {running} trains"
    assert run.name == f"{planned.name} (thinned for fit{fit})"


def test_a_pattern_timetable_that_can_run_with_its_reserve_is_not_rebuilt():
    line = _with_termini()
    pattern = _pattern()
    planned = build_timetable(line, TRAIN, pattern)
    run, note = service_for(line, TRAIN, planned, _fit(7), pattern, reserve=2)  # 7 - 2 = 5 >= 5
    assert run is planned and note == "7 trains fit for service, 5 needed: timetable as planned"
    run, note = service_for(line, TRAIN, planned, _fit(6), pattern, reserve=2)  # 6 - 2 = 4 < 5
    assert trains_needed(run) == 4 and note.endswith("rebuilt with 4 trains")
