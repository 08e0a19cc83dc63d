"""make_leg: the run between two stops the plan has no table for (a run through stations, a run under a
speed limit), empty and at the design load, as scheduled and flat out, with its energy at the substations."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import make_line, make_train

from lrt.conditions import Conditions
from lrt.energy import segment_energies
from lrt.runtime import run_profile
from lrt.sim import Scenario
from lrt.sim.plan import make_leg
from lrt.timetable.model import Timetable

LINE = make_line((1000.0, 2500.0, 4000.0, 5500.0), allowance=0.08)
TRAIN = make_train()


def _scenario(conditions=Conditions()):
    return Scenario(line=LINE, train=TRAIN, timetable=Timetable(name="t", service_id="s", trips=()),
                    conditions=conditions)


def _expected(direction, a, b, conditions, allowance):
    """(run time, drawn, returned) for the empty and the full train, worked out directly."""
    out = []
    for load in (0.0, float(TRAIN.capacity)):
        p = run_profile(LINE, TRAIN, direction=direction, stops=[a, b], conditions=conditions, passengers=load,
                        allowance=allowance)
        e = segment_energies(p, TRAIN, LINE, conditions).total
        out.append((p.running_s, e.drawn_kwh, e.returned_kwh))
    return [tuple(x[k] for x in out) for k in range(3)]


@pytest.mark.parametrize("direction, a, b", [("up", 1, 3), ("down", 4, 2)])
def test_a_run_through_a_station_as_scheduled_and_flat_out(direction, a, b):
    leg = make_leg(_scenario(), direction, a, b)
    run, drawn, returned = _expected(direction, a, b, Conditions(), None)  # the line's allowance: coasting
    fast, fast_drawn, fast_returned = _expected(direction, a, b, Conditions(), 0.0)
    assert leg.run_s == run and leg.fast_s == fast
    assert leg.run_kwh == (drawn, returned) and leg.fast_kwh == (fast_drawn, fast_returned)
    assert run[0] > fast[0] * 1.07 and run[1] > run[0]  # the allowance; a full train is slower
    assert drawn[1] > drawn[0] and fast_drawn[0] > drawn[0]  # heavier costs more; flat out costs more


def test_a_run_under_a_speed_limit_and_the_weathers_own_cap():
    limited = make_leg(_scenario(), "up", 1, 2, limit_ms=10.0)
    capped = _expected("up", 1, 2, dataclasses.replace(Conditions(), speed_cap_ms=10.0), 0.0)
    assert limited.fast_s == capped[0] and limited.fast_kwh == (capped[1], capped[2])
    assert limited.fast_s[0] > 1500.0 / 10.0  # 1.5 km at no more than 10 m/s
    # a weather cap below the limit holds; above it, the limit does
    snowy = dataclasses.replace(Conditions(), speed_cap_ms=8.0)
    assert make_leg(_scenario(snowy), "up", 1, 2, limit_ms=10.0).fast_s == _expected("up", 1, 2, snowy, 0.0)[0]
    mild = dataclasses.replace(Conditions(), speed_cap_ms=15.0)
    assert make_leg(_scenario(mild), "up", 1, 2, limit_ms=10.0).fast_s == capped[0]
    assert make_leg(_scenario(mild), "up", 1, 2).fast_s == _expected("up", 1, 2, mild, 0.0)[0]
