"""ATP and the mode selector: supervision, the emergency brake held to a stand, the rules of mode changes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ideal_train, make_line
from lrt.training.cab.controls import EMERGENCY, LEVER, Control, Plan
from lrt.training.cab.drive import drive_plan
from lrt.training.cab.spec import AtpRules, DriveSpec
from lrt.units import KMH


def plan(*rows) -> Plan:
    return Plan(controls=tuple(Control(action=a, position_m=float(t[1:])) if isinstance(t, str)
                               else Control(action=a, time_s=float(t)) for t, a in rows))


def spec(**kw) -> DriveSpec:
    base = dict(line=make_line(line_speed_ms=60 * KMH), train=ideal_train(1.0, 0.7, 30.0), from_code=1, to_code=2,
                scheduled_s=300, time_limit_s=200.0)
    base.update(kw)
    return DriveSpec(**base)


def test_overspeed_brings_the_emergency_brake_at_the_first_overspeed_and_it_holds_to_a_stand():
    # 60 km/h line, emergency margin 5 km/h: full traction passes 65 km/h after 18.06 s (a = 1 m/s²).
    result = drive_plan(spec(), plan((0, "P4"), (40, "C"), (60, "reset")))
    tr = result.trace
    v, eb = tr["speed_ms"], tr["emergency"]
    first_over = int(np.argmax(v > 65 * KMH))
    first_eb = int(np.argmax(eb))
    assert first_eb == first_over  # the very step the speed passed the trigger
    assert not eb[:first_eb].any()
    assert result.interventions == 1
    stand = first_eb + int(np.argmax(v[first_eb:] == 0.0))
    assert eb[first_eb:stand].all()  # held all the way to the stand, though the plan asked for coast at 40 s
    assert (tr["lever"][first_eb:stand] == EMERGENCY).all()
    assert (tr["accel_ms2"][first_eb:stand] == pytest.approx(-1.3))  # the ideal train's emergency rate
    # the reset at 60 s (standing) asks the control centre; the brake is released 30 s later
    kinds = [(e.time_s, e.kind) for e in result.events]
    assert (60.0, "authorisation") in kinds
    released = [e.time_s for e in result.events if e.kind == "released"]
    assert released == [pytest.approx(90.0)]
    assert eb[tr["time_s"] < 90.0 - 1e-9][stand:].all() and not eb[tr["time_s"] >= 90.0].any()


def test_the_emergency_brake_cannot_be_released_while_moving():
    result = drive_plan(spec(), plan((0, "P4"), (19, "reset"), (19.5, "C")))
    texts = [e.text for e in result.events]
    assert "reset refused: the train is moving" in texts
    assert result.trace["emergency"][result.trace["time_s"] > 19.0].all()


def test_the_warning_comes_at_the_permitted_speed_and_the_brake_only_at_the_margin():
    rules = AtpRules(warning_margin_ms=0.0, emergency_margin_ms=5 * KMH)
    result = drive_plan(spec(atp=rules, time_limit_s=60.0), plan((0, "P4"), ("@" + str((62 * KMH) ** 2 / 2), "C")))
    kinds = [e.kind for e in result.events]
    assert "warning" in kinds and "intervention" not in kinds
    assert result.interventions == 0


def test_the_braking_curve_to_the_stop_brings_the_emergency_brake_on_a_late_approach():
    # PM: 50 km/h towards the stop mark 2000 m away, coasting past the braking curve (0.7 m/s² to 5 m
    # beyond the mark): the ATP brakes before the end of the authority.
    result = drive_plan(spec(), plan((0, "P4"), ("@" + str((50 * KMH) ** 2 / 2), "C")))
    assert result.interventions == 1
    stand = result.trace["position_m"][-1]
    assert stand < 2000 + 5.0
    assert result.outcome != "arrived"


def test_restricted_manual_needs_authorisation_and_a_standing_train_and_caps_the_speed():
    s = spec(mode="ATO", cbtc=False, authorisation="on request", authorisation_delay_s=20.0,
             atp=AtpRules(restricted_ceiling_ms=25 * KMH, emergency_margin_ms=3 * KMH))
    result = drive_plan(s, plan((0, "P4"), (1, "mode RM"), (2, "mode PM"), (3, "request"), (23.5, "mode RM"),
                                (24, "P4"), (32, "mode ATO"), (50, "mode ATO")))
    texts = [e.text for e in result.events]
    assert texts[:5] == ["traction cut: no movement authority in ATO",
                         "mode RM refused: no authorisation from the control centre (request it)",
                         "mode PM refused: CBTC has failed",
                         "restricted manual requested from the control centre",
                         "restricted manual authorised by the control centre"]
    assert "mode ATO → RM" in texts
    assert "mode ATO refused: the train is moving" in texts  # at 32 s, braking after the intervention
    assert "mode ATO refused: the emergency brake is applied" in texts  # at 50 s, standing
    tr = result.trace
    assert (tr["speed_ms"][tr["time_s"] < 23.55] == 0.0).all()  # no authority: the train did not move
    assert result.interventions == 1  # full traction passes 28 km/h
    assert tr["speed_ms"].max() < 29 * KMH


def test_the_ato_cannot_move_a_train_whose_cbtc_has_failed():
    result = drive_plan(spec(mode="ATO", cbtc=False), plan())
    assert result.outcome == "time limit"
    assert (result.trace["speed_ms"] == 0.0).all()


def test_the_ato_drives_to_the_mark_and_opens_the_doors():
    result = drive_plan(spec(mode="ATO", time_limit_s=600.0), plan())
    assert result.outcome == "arrived"
    assert abs(result.stop_error_m) < 0.05
    assert result.interventions == 0
    assert not result.trace["emergency"].any()


def test_a_drive_that_starts_in_restricted_manual_without_authorisation_waits_for_it():
    s = spec(mode="RM", authorisation="on request", authorisation_delay_s=10.0, time_limit_s=40.0)
    result = drive_plan(s, plan((0, "P2"), (5, "request")))
    tr = result.trace
    assert (tr["speed_ms"][tr["time_s"] <= 15.0] == 0.0).all()
    assert tr["speed_ms"].max() > 5.0  # it went once authorised (and met the 25 km/h ceiling)
    assert [e.text for e in result.events][:3] == ["traction cut: no movement authority in RM",
                                                   "restricted manual requested from the control centre",
                                                   "restricted manual authorised by the control centre"]


ACTIONS = st.sampled_from([*LEVER, "mode RM", "mode PM", "reset", "request", "doors"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 900), ACTIONS), max_size=12))
def test_any_plan_keeps_the_speed_under_the_trigger_and_its_control_log_replays_it(rows):
    # Whatever a trainee does, the ATP lets the speed pass its trigger by no more than one step's
    # acceleration (the ideal train's 1.0 m/s² over 0.1 s), and the control log replays the drive exactly.
    s = spec(time_limit_s=90.0, authorisation="on request", authorisation_delay_s=5.0)
    p = plan(*sorted((k / 10.0, a) for k, a in rows))
    result = drive_plan(s, p)
    tr = result.trace
    assert (tr["speed_ms"] <= tr["intervention_ms"] + 1.0 * s.step_s + 1e-9).all()
    again = drive_plan(s, result.controls)
    assert again.trace == result.trace and again.events == result.events
