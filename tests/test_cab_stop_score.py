"""Stop accuracy and the score, against hand-worked drives on a level line with an ideal train."""

from __future__ import annotations

import pytest

from conftest import ideal_train, make_line
from lrt.training.cab.controls import Control, Plan
from lrt.training.cab.drive import drive_plan
from lrt.training.cab.score import measure, score_drive
from lrt.training.cab.spec import AtpRules, DriveSpec, StopRules

WEIGHTS = {"stop_error": 3, "schedule": 1, "interventions": 2, "overspeed": 1, "comfort": 1, "energy": 1}


def plan(*rows) -> Plan:
    return Plan(controls=tuple(Control(action=a, position_m=float(t[1:])) if isinstance(t, str)
                               else Control(action=a, time_s=float(t)) for t, a in rows))


def spec(**kw) -> DriveSpec:
    # An ideal train: no resistance, no jerk limit, 1.0 m/s² traction, 0.7 m/s² full service, so B5 brakes
    # at exactly 0.5 m/s².  The stop marks are 2000 m apart (stations at 1000 and 3000 m, train centred).
    base = dict(line=make_line(), train=ideal_train(1.0, 0.7, 30.0), from_code=1, to_code=2, scheduled_s=1000,
                time_limit_s=1100.0)
    base.update(kw)
    return DriveSpec(**base)


def hand_plan(brake_at_s: float, doors_at_s: float) -> Plan:
    # P4 for 2 s: 2 m/s after 2 m (v = a·t, s = a·t²/2); coast at 2 m/s (level, no resistance); B5 at
    # brake_at_s: from 2 m/s at 0.5 m/s² the train stops 2²/(2·0.5) = 4 m and 4 s later.
    return plan((0, "P4"), (2, "C"), (brake_at_s, "B5"), (doors_at_s, "doors"))


def test_the_stop_error_of_a_hand_computed_braking_point():
    # Braking at 999.1 s, the head is at 2 + 2·(999.1 − 2) = 1996.2 m and stands at 2000.2 m at 1003.1 s:
    # 0.20 m beyond the mark (inside the ±0.30 m tolerance), so the doors open at 1004 s.
    result = drive_plan(spec(), hand_plan(999.1, 1004.0))
    assert result.outcome == "arrived"
    assert result.first_stop_error_m == pytest.approx(0.20, abs=1e-6)
    assert result.stop_error_m == pytest.approx(0.20, abs=1e-6)
    assert result.arrival_s == pytest.approx(1004.0)
    stands = [e for e in result.events if e.kind == "stop"]
    assert stands[0].time_s == pytest.approx(1003.1)
    m = measure(result, spec())
    assert m.late_s == pytest.approx(4.0)
    assert m.peak_decel_ms2 == pytest.approx(0.5)  # B5
    score = score_drive(m, spec(), WEIGHTS, reference_kwh=m.net_kwh)
    assert score.points("stop_error") == pytest.approx(100 - 20 * 0.20 / 0.30)  # 86.67
    assert score.points("schedule") == pytest.approx(100 - 0.5 * 4.0)
    assert score.points("interventions") == 100.0
    assert score.points("overspeed") == 100.0
    assert score.points("energy") == 100.0


def test_an_overshoot_within_the_limit_opens_the_doors_with_approval_and_costs_points():
    # Braking 0.5 s later: 1 m further, 1.20 m beyond the mark; the doors open off the mark after the
    # control centre's 60 s approval.
    result = drive_plan(spec(), hand_plan(999.6, 1005.0))
    assert result.stop_error_m == pytest.approx(1.20, abs=1e-6)
    assert result.off_mark
    assert result.arrival_s == pytest.approx(1065.0)
    m = measure(result, spec())
    score = score_drive(m, spec(), WEIGHTS, reference_kwh=m.net_kwh)
    assert score.points("stop_error") == pytest.approx(60 * (1 - (1.20 - 0.30) / (5.0 - 0.30)))
    assert score.points("schedule") == pytest.approx(100 - 0.5 * 65.0)


def test_an_overrun_past_the_limit_fails_the_stop_and_scores_no_stop_points():
    # Braking 3 s later: 6 m further, 6.20 m beyond: more than the 5 m limit (the end of the authority moved
    # well beyond, or the ATP's emergency brake would have stopped the train within it).
    s = spec(atp=AtpRules(end_of_authority_m=50.0))
    result = drive_plan(s, hand_plan(1002.1, 1010.0))
    assert result.interventions == 0
    assert result.outcome == "failed"
    assert any(e.kind == "failed" for e in result.events)
    m = measure(result, s)
    score = score_drive(m, s, WEIGHTS, reference_kwh=1.0)
    assert score.points("stop_error") == 0.0
    assert score.points("schedule") == 0.0
    assert score.points("energy") == 0.0


def test_a_short_stop_is_corrected_at_creep_speed():
    # Braking 1 s early: stands 1.80 m short at 1002.1 s; then P1 (0.25 m/s²) for 2 s and B5: 0.5 m/s after
    # 0.5 m, then 0.25 m to the stand: 0.75 m further, 1.05 m short.  The doors stay shut (outside the
    # tolerance but within the limit: they open with approval) and the correction costs 10 points.
    p = plan((0, "P4"), (2, "C"), (998.1, "B5"), (1005, "P1"), (1007, "B5"), (1010, "doors"))
    result = drive_plan(spec(), p)
    assert result.first_stop_error_m == pytest.approx(-1.80, abs=1e-6)
    assert result.stop_error_m == pytest.approx(-1.05, abs=1e-6)
    assert result.corrections == 1 and result.fast_corrections == 0
    m = measure(result, spec())
    score = score_drive(m, spec(), WEIGHTS, reference_kwh=m.net_kwh)
    assert score.points("stop_error") == pytest.approx(60 * (1 - (1.05 - 0.30) / 4.7) - 10)


def test_the_atp_saves_a_late_stop_within_the_end_of_the_authority():
    # The same late braking with the authority ending 5 m beyond the mark: the ATP's emergency brake stops
    # the train inside the platform and the doors open off the mark.
    result = drive_plan(spec(), hand_plan(1002.1, 1010.0))
    assert result.interventions == 1
    assert 0.3 < result.stop_error_m <= 5.0
    assert result.off_mark


def test_doors_refused_while_moving_or_far_from_the_platform():
    s = spec(stop=StopRules())
    result = drive_plan(s, plan((0, "P4"), (1, "doors"), (2, "B5"), (10, "doors")))
    texts = [e.text for e in result.events]
    assert "doors refused: the train is moving" in texts
    assert any(t.startswith("doors refused: not at the platform") for t in texts)


def test_the_emergency_brake_and_an_intervention_cost_comfort_and_intervention_points():
    s = spec(line=make_line(line_speed_ms=10.0))
    result = drive_plan(s, plan((0, "P4")))
    m = measure(result, s)
    assert m.interventions == 1
    assert m.peak_decel_ms2 == pytest.approx(1.3)  # the ideal train's emergency rate (above full service)
    score = score_drive(m, s, WEIGHTS, reference_kwh=1.0)
    assert score.points("interventions") == 50.0
    # the peak is at the emergency rate: all 50 peak points lost; the jerk of applying it from +1.0 to
    # −1.3 m/s² in a step and of the stand adds (2.3 − 0.1) + (1.3 − 0.1) = 3.4 m/s² > 2: 50 more
    assert m.excess_jerk_ms2 == pytest.approx(3.4)
    assert score.points("comfort") == 0.0


def test_the_total_is_the_weighted_mean_of_the_items():
    result = drive_plan(spec(), hand_plan(999.1, 1004.0))
    m = measure(result, spec())
    score = score_drive(m, spec(), WEIGHTS, reference_kwh=m.net_kwh)
    expected = sum(WEIGHTS[i.item] * i.points for i in score.items) / sum(WEIGHTS.values())
    assert score.total == pytest.approx(expected)
    only = score_drive(m, spec(), {"schedule": 2.0}, reference_kwh=m.net_kwh)
    assert only.total == pytest.approx(98.0)
    with pytest.raises(ValueError, match="unknown rubric item"):
        score_drive(m, spec(), {"style": 1.0})


def test_energy_at_the_substations_follows_the_drive_chain():
    # Traction at the wheel: the ideal train (120 t, no rotating mass) gains ½·m·v² = ½·120 t·(2 m/s)² = 240 kJ
    # with P4; drawn through the drive chain and the supply (0.88 · 0.92).  B5 from 2 m/s: all below the
    # electric brake's 7 km/h fade speed, so part of the braking regenerates, never more than it braked.
    s = spec()
    result = drive_plan(s, hand_plan(999.1, 1004.0))
    m = measure(result, s)
    assert m.traction_kwh == pytest.approx(240e3 / 3.6e6, rel=1e-6)
    assert m.drawn_kwh == pytest.approx(240e3 / 3.6e6 / (0.88 * 0.92), rel=1e-6)
    assert 0 < m.returned_kwh < 240e3 / 3.6e6 * 0.88 * 0.5


def test_the_emergency_brake_is_friction_only_and_regenerates_nothing():
    # From 10 m/s (above the 7 km/h fade speed), full service regenerates part of its braking; the same stop
    # on the emergency brake regenerates nothing.
    s = spec()
    service = measure(drive_plan(s, plan((0, "P4"), (10, "C"), (20, "B7"))), s)
    emergency = measure(drive_plan(s, plan((0, "P4"), (10, "C"), (20, "EB"))), s)
    assert service.returned_kwh > 0.0
    assert emergency.returned_kwh == 0.0
    assert emergency.traction_kwh == pytest.approx(service.traction_kwh)
