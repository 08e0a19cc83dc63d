"""run_profile keeps its last runs in the process: keyed by exactly what a run depends on.

The memo is keyed by the line and train objects and by the conditions' PHYSICS_FIELDS; these tests hold the
physics to those fields (a field that changes a run must be in the key, a field outside it must not change a
run), so that a kept run is always the run that would be worked out.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import make_line, make_train

from lrt.conditions import Conditions, Failure, Failures
from lrt.network import SpeedLimit
from lrt.runtime import PHYSICS_FIELDS, _run_profile, run_profile

LINE = make_line((1000.0, 3000.0, 4200.0))
TRAIN = make_train()

# every other field of Conditions, with a value unlike the default
OTHERS = {"name": "other", "braking_safety_factor": 0.5, "dwell_factor": 1.3, "capacity_factor": 0.8,
          "demand_factor": 2.0, "failures": Failures(door=Failure(kind="door", rate=0.1, mean_duration_s=30.0)),
          "fleet_availability": 0.9, "temperature_c": -40.0, "description": "x", "source": "y.toml"}
PHYSICS = {"adhesion_traction": 0.05, "adhesion_braking": 0.04, "braking_rate_factor": 0.7, "speed_cap_ms": 12.0,
           "speed_limits": (SpeedLimit(start_m=1500.0, end_m=2500.0, limit_ms=8.0),)}


def _uncached(cond):
    return _run_profile(LINE, TRAIN, "up", None, cond, 100.0, None, None, None, 4.0)


def test_every_field_of_the_conditions_is_either_physics_or_not():
    assert {f.name for f in dataclasses.fields(Conditions)} == set(PHYSICS_FIELDS) | set(OTHERS)
    assert set(PHYSICS) == set(PHYSICS_FIELDS)


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_a_field_outside_the_key_does_not_change_a_run(name):
    base, other = _uncached(Conditions()), _uncached(dataclasses.replace(Conditions(), **{name: OTHERS[name]}))
    assert other.running_s == base.running_s
    assert np.array_equal(other.speed_ms, base.speed_ms) and np.array_equal(other.energy_j, base.energy_j)


@pytest.mark.parametrize("name", sorted(PHYSICS))
def test_a_field_in_the_key_changes_a_run(name):
    base, other = _uncached(Conditions()), _uncached(dataclasses.replace(Conditions(), **{name: PHYSICS[name]}))
    assert abs(other.running_s - base.running_s) > 0.5  # seconds


def test_the_same_question_gets_the_kept_run_and_another_gets_its_own():
    first = run_profile(LINE, TRAIN, conditions=Conditions(), passengers=100.0)
    again = run_profile(LINE, TRAIN, conditions=dataclasses.replace(Conditions(), **OTHERS), passengers=100.0)
    assert again is first  # the same physics: kept
    assert not first.speed_ms.flags.writeable  # shared, so read-only
    heavier = run_profile(LINE, TRAIN, conditions=Conditions(), passengers=400.0)
    assert heavier is not first and heavier.running_s > first.running_s
    twin = make_line((1000.0, 3000.0, 4200.0))  # an equal line, another object: worked out again, the same
    assert twin is not LINE
    other = run_profile(twin, TRAIN, conditions=Conditions(), passengers=100.0)
    assert other is not first and other.running_s == first.running_s
    icy = run_profile(LINE, TRAIN, conditions=dataclasses.replace(Conditions(), adhesion_traction=0.05),
                      passengers=100.0)
    assert icy.running_s > first.running_s + 0.5


def test_every_argument_of_a_run_is_in_the_key():
    base = dict(direction="up", stops=None, conditions=Conditions(), passengers=100.0, allowance=None,
                acceleration_ms2=None, braking_ms2=None, step_m=4.0)
    first = run_profile(LINE, TRAIN, **base)
    for name, value in (("direction", "down"), ("stops", [1, 2]), ("passengers", 101.0), ("allowance", 0.0),
                        ("acceleration_ms2", 0.6), ("braking_ms2", 0.7), ("step_m", 2.0)):
        other = run_profile(LINE, TRAIN, **{**base, name: value})
        assert other is not first, name
        fresh = _run_profile(LINE, TRAIN, *({**base, name: value}[k] for k in (
            "direction", "stops", "conditions", "passengers", "allowance", "acceleration_ms2", "braking_ms2",
            "step_m")))
        assert other.running_s == fresh.running_s, name  # the kept run is the run asked for
    assert run_profile(LINE, TRAIN, **base) is first
    assert run_profile(LINE, make_train(), **base) is not first  # another train object
