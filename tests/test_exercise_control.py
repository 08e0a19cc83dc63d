"""Control-room exercises: the shipped ones score their recorded (golden) reference scores, a day with no decision
scores nothing, decision logs replay exactly, every refusal gives its reason, bad files give one error line.

The interactive console is driven through a pseudo-terminal in tests/test_exercise_console.py.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from badinput import copy_of, edit, refused

from lrt.cli import main
from lrt.io.decisions import Decision, read_decisions, write_decisions
from lrt.io.exercise import list_exercises, read_exercise
from lrt.training.control import RM_SPEED_KMH, Refused
from lrt.training.score import measures, score
from lrt.training.session import ExerciseRun, evaluate, prepare, replay

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SCENARIOS = ROOT / "scenarios"

GOLDEN = {
    # exercise id -> the points of each rubric item its reference decisions score (lrt exercise run ID
    # --decisions exercises/ID/reference.toml); a change of any item by 0.05 points fails the test
    "arena-crowd": {"passenger_delay": 367.664, "denied_boardings": 16.9, "headway_regularity": -3.2,
                    "stranded": 0.0, "rule_violations": 0.0},
    "bridge-train-failure": {"passenger_delay": 140.962, "denied_boardings": 7.9, "headway_regularity": 4.5,
                             "stranded": 0.0, "rule_violations": 0.0},
    "cold-start": {"passenger_delay": 71.8819, "denied_boardings": 36.4, "headway_regularity": 0.3,
                   "stranded": 0.0, "rule_violations": 0.0},
    "crossover-failure": {"passenger_delay": 135.7891, "denied_boardings": 5.05, "headway_regularity": 3.6,
                          "stranded": 0.0, "rule_violations": 0.0},
    "door-faults-snow": {"passenger_delay": 22.1151, "denied_boardings": 105.2, "headway_regularity": -1.0,
                         "stranded": 0.0, "rule_violations": 0.0},
    "evening-power-loss": {"passenger_delay": 254.7274, "denied_boardings": 62.67, "headway_regularity": 1.62,
                           "stranded": 0.0, "rule_violations": 0.0},
}

_PREPARED: dict = {}
_BASELINE: dict = {}


def prepared(ex_id: str):
    """The exercise prepared once per test session (its scenario, plan and passengers)."""
    if ex_id not in _PREPARED:
        _PREPARED[ex_id] = prepare(read_exercise(EXERCISES / ex_id))
    return _PREPARED[ex_id]


def baseline(ex_id: str):
    """The exercise's day with no decision, played once per test session."""
    if ex_id not in _BASELINE:
        _BASELINE[ex_id] = replay(prepared(ex_id), [])
    return _BASELINE[ex_id]


def reference(ex_id: str) -> list[Decision]:
    p = prepared(ex_id)
    _, decisions = read_decisions(p.exercise.reference, p.scenario.line, exercise=ex_id)
    return decisions


def run_to(ex_id: str, stop: int, decisions=()) -> ExerciseRun:
    """A run of the exercise stopped at its ``stop``-th decision point, ``decisions`` taken on the way."""
    run = ExerciseRun(prepared(ex_id))
    for n in range(1, stop + 1):
        assert run.next_stop() is not None, f"{ex_id} has no stop {n}"
        for d in decisions:
            if d.point == n:
                run.decide(d)
    return run


def local_copy(ex_id: str, tmp_path: Path) -> Path:
    """A copy of a shipped exercise in ``tmp_path/exercises/ID`` whose scenario path still resolves."""
    folder = copy_of(EXERCISES / ex_id, tmp_path / "exercises" / ex_id)
    edit(folder / "exercise.toml", 'scenario = "../../scenarios/', f'scenario = "{SCENARIOS.as_posix()}/')
    return folder


def events_equal(a, b) -> bool:
    """Two event logs (column -> array) hold the same calls in the same order."""
    if a.keys() != b.keys():
        return False
    return all(np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a)


# -- the shipped exercises ---------------------------------------------------------------------------------------

def test_the_issue_s_six_exercises_are_shipped_with_a_reference_and_a_briefing():
    shipped = {e.id: e for e in list_exercises(EXERCISES)}
    assert set(GOLDEN) <= set(shipped)
    assert {"cold-start", "crossover-failure", "bridge-train-failure", "door-faults-snow", "arena-crowd",
            "evening-power-loss"} <= set(shipped)
    for ex_id in GOLDEN:
        e = shipped[ex_id]
        assert e.kind == "control" and e.reference is not None and e.reference.is_file()
        for heading in ("**Situation.**", "**What you control.**", "**Rules.**", "**What success looks like.**"):
            assert heading in e.briefing, (ex_id, heading)


@pytest.mark.parametrize("ex_id", sorted(GOLDEN))
def test_each_reference_scores_its_golden_score(ex_id):
    p = prepared(ex_id)
    outcome = replay(p, reference(ex_id))
    assert outcome.refused == [], outcome.refused  # a reference decides only what the line can do
    ev = evaluate(p, outcome, baseline(ex_id))
    points = {i.name: i.points for i in ev.items}
    assert points == pytest.approx(GOLDEN[ex_id], abs=0.05)
    assert ev.total == pytest.approx(sum(GOLDEN[ex_id].values()), abs=0.05)
    assert ev.total > 20.0  # clearly better than doing nothing


@pytest.mark.parametrize("ex_id", sorted(GOLDEN))
def test_a_day_with_no_decision_scores_zero_on_every_item(ex_id):
    p = prepared(ex_id)
    ev = evaluate(p, replay(p, []))  # its own no-decision day, played again inside evaluate
    assert [i.saved for i in ev.items] == [0.0] * len(ev.items)
    assert ev.total == 0.0
    assert ev.measures["passenger_delay"] > 0.0  # a measured day, not an empty one


def test_the_shipped_exercise_runs_on_the_command_line_with_its_reference(tmp_path, capsys):
    ex_id = "crossover-failure"
    assert main(["exercise", "run", ex_id, "--decisions", str(EXERCISES / ex_id / "reference.toml"),
                 "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    score_json = json.loads((tmp_path / "out" / "score.json").read_text(encoding="utf-8"))
    assert score_json["total"] == pytest.approx(sum(GOLDEN[ex_id].values()), abs=0.05)
    assert score_json["reference_total"] == pytest.approx(score_json["total"], abs=1e-9)
    assert {f.name for f in (tmp_path / "out").iterdir()} == {"debrief.md", "marey.png", "decisions.toml",
                                                                "score.json", "run.json"}
    assert "total" in out and f"{score_json['total']:,.1f}" in out
    debrief = (tmp_path / "out" / "debrief.md").read_text(encoding="utf-8")
    assert "decision point 1" in debrief and "## Score" in debrief


# -- replay ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ex_id", ["crossover-failure", "arena-crowd"])
def test_a_written_decision_log_replays_to_the_same_day_and_score(ex_id, tmp_path):
    p = prepared(ex_id)
    first = replay(p, reference(ex_id))
    log = tmp_path / "decisions.toml"
    write_decisions(log, exercise=ex_id, seed=p.seed, decisions=first.decisions,
                    times={n: s.time_s for n, s in enumerate(first.stops, start=1)})
    seed, again = read_decisions(log, p.scenario.line, exercise=ex_id)
    assert seed == p.seed and again == first.decisions
    second = replay(p, again)
    assert events_equal(first.result.events, second.result.events)
    assert [s.time_s for s in first.stops] == [s.time_s for s in second.stops]
    e1, e2 = evaluate(p, first, baseline(ex_id)), evaluate(p, second, baseline(ex_id))
    assert e1.total == e2.total and e1.items == e2.items


def test_the_command_line_s_decision_log_replays_to_the_same_score(tmp_path, capsys):
    ex_id = "crossover-failure"
    ref = EXERCISES / ex_id / "reference.toml"
    assert main(["exercise", "run", ex_id, "--decisions", str(ref), "--out", str(tmp_path / "a")]) == 0
    assert main(["exercise", "run", ex_id, "--decisions", str(tmp_path / "a" / "decisions.toml"),
                 "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    a, b = (json.loads((tmp_path / x / "score.json").read_text(encoding="utf-8")) for x in "ab")
    assert a["total"] == b["total"] and a["items"] == b["items"] and a["stops"] == b["stops"]
    assert (tmp_path / "a" / "decisions.toml").read_text() == (tmp_path / "b" / "decisions.toml").read_text()


def test_a_session_with_the_instructor_s_step_and_fault_replays_exactly(tmp_path):
    ex_id = "crossover-failure"
    p = prepared(ex_id)
    entries = [Decision(point=1, action="fault", fault="train", train="T11", seconds=300.0),
               Decision(point=1, action="step", minutes=10.0)]

    def instructor(run, stop, n):  # at the first stop: a train failure injected, then ten minutes on
        if n == 1:
            for e in entries:
                run.instruct(e)

    first = replay(p, [], then=instructor)
    assert first.log == entries and first.decisions == []  # in the log, not counted as the trainee's decisions
    t1 = first.stops[0].time_s
    injected = [f for f in first.result.faults if f["source"] == "instructor"]
    assert [(f["kind"], f["train"], f["start_s"], f["duration_s"]) for f in injected] == [("train", "T11", t1, 300.0)]
    assert first.stops[1].time_s == pytest.approx(t1 + 600.0) and first.stops[1].why == "the instructor's step"
    assert len(first.stops) == len(baseline(ex_id).stops) + 1
    assert not events_equal(first.result.events, baseline(ex_id).result.events)  # the failure changed the day
    log = tmp_path / "decisions.toml"
    write_decisions(log, exercise=ex_id, seed=p.seed, decisions=first.log,
                    times={n: s.time_s for n, s in enumerate(first.stops, start=1)})
    text = log.read_text(encoding="utf-8")
    assert 'action = "fault"\nfault = "train"\ntrain = "T11"\nseconds = 300.0' in text
    assert 'action = "step"\nminutes = 10.0' in text
    _, again = read_decisions(log, p.scenario.line, exercise=ex_id)
    assert again == entries
    second = replay(p, again)
    assert events_equal(first.result.events, second.result.events)
    assert [s.time_s for s in first.stops] == [s.time_s for s in second.stops]


def test_the_instructor_s_typed_commands_become_log_entries():
    from lrt.training.console import parse_command

    line = prepared("crossover-failure").scenario.line
    assert parse_command("step 5", 3, line) == ("step", Decision(point=3, action="step", minutes=5.0))
    assert parse_command('fault door T12 "Astana Arena" 60', 3, line) == (
        "fault", Decision(point=3, action="fault", fault="door", train="T12", station=109, seconds=60.0))
    assert parse_command("fault train T11 300", 2, line) == (
        "fault", Decision(point=2, action="fault", fault="train", train="T11", seconds=300.0))
    assert parse_command("fault switch 113 900", 1, line) == (
        "fault", Decision(point=1, action="fault", fault="switch", station=113, seconds=900.0))
    assert parse_command("fault power 111 112 1800", 1, line) == (
        "fault", Decision(point=1, action="fault", fault="power_rail", section=(111, 112), seconds=1800.0))


# -- the actions and their refusals ------------------------------------------------------------------------------
# crossover-failure, stop 1 (07:50): T11 stands at House of Ministries (113) towards Nurly Zhol, T12 at Astana
# Arena (109) towards Nurly Zhol, T17 is in the depot, two spare trains are fit.

def refusal(run: ExerciseRun, **decision) -> str:
    with pytest.raises(Refused) as exc:
        run.decide(Decision(point=1, **decision))
    return str(exc.value)


def test_each_refusal_gives_its_reason_and_changes_nothing():
    run = run_to("crossover-failure", 1)
    room = run.room
    assert refusal(run, action="short_turn", train="T12", station=110) == (
        "Martial Arts Palace has no crossover to turn a train back (crossovers: Astana Zhuldyzy (105), Astana Arena "
        "(109), House of Ministries (113), Theatre (115))")
    assert refusal(run, action="short_turn", train="T12", station=105).startswith(
        "T12 does not reach Astana Zhuldyzy before the end of its trip (next: ")
    assert refusal(run, action="short_turn", train="T11", station=113) == (
        "T11 does not reach House of Ministries before the end of its trip (next: National Museum, Theatre, "
        "Mynzhyldyk Alley)")
    assert refusal(run, action="hold", train="T17", seconds=60.0).startswith(
        "train 'T17' is not in service (in service: T01, T02, ")
    assert refusal(run, action="withdraw", train="T99").startswith("train 'T99' is not in service")
    assert refusal(run, action="hold", train="T12") == "a hold needs either seconds or a headway"
    assert refusal(run, action="hold", train="T12", seconds=60.0, headway_s=300.0) == \
        "a hold needs either seconds or a headway"
    assert refusal(run, action="skip", train="T12", stations=(105,)).startswith(
        "T12 can only run through stations ahead of it before its last stop (Martial Arts Palace, ")
    assert refusal(run, action="skip", train="T12", stations=(118,)).startswith("T12 can only run through")
    assert refusal(run, action="reduce") == "reduce needs a number of trains to keep in service (at least 1)"
    assert refusal(run, action="restrict", section=(110, 112), limit_kmh=40.0) == \
        "a section is two neighbouring stations, e.g. 113-114"
    assert refusal(run, action="restrict", section=(113, 114), limit_kmh=90.0) == \
        "a speed restriction needs a limit from 5 to 80 km/h"
    assert refusal(run, action="restrict", section=(113, 114), limit_kmh=40.0, until_s=7 * 3600.0) == \
        "the restriction ends at 07:00:00, before now (07:50:00)"
    assert refusal(run, action="authorise_rm", section=(113, 114)) == (
        "the signalling between House of Ministries and National Museum works: restricted manual is for a section "
        "whose CBTC has failed")
    assert len(run.refused) == 14 and run.decisions == []
    assert (room.holds, room.turn_back, room.skips, room.withdraw, room.restrictions, room.authorised,
            room.reduce_to, room.violations, run.sim.reserves) == ({}, {}, {}, set(), [], {}, None, [], 2)
    # refused decisions leave the day exactly as doing nothing does
    assert events_equal(run.finish().events, baseline("crossover-failure").result.events)


def test_a_spare_is_refused_once_none_is_left():
    run = run_to("crossover-failure", 1)
    assert run.decide(Decision(point=1, action="spare")) == "a spare train for 1 round trip(s)"
    assert run.decide(Decision(point=1, action="spare", trains=2)) == "a spare train for 2 round trip(s)"
    assert run.sim.reserves == 0 and {"SP1", "SP2"} <= set(run.sim.trains)
    assert refusal(run, action="spare") == "no spare train is left: every train fit for service is already out"


def test_an_action_the_exercise_does_not_allow_is_refused():
    p = prepared("crossover-failure")
    only = dataclasses.replace(p, spec=dataclasses.replace(p.spec, actions=("hold", "nothing")))
    run = ExerciseRun(only)
    run.next_stop()
    with pytest.raises(Refused, match=r"^short_turn is not one of this exercise's actions \(hold, nothing\)$"):
        run.decide(Decision(point=1, action="short_turn", train="T12", station=113))


def test_a_skip_is_refused_while_passengers_on_board_travel_to_the_station():
    run = run_to("crossover-failure", 1)
    load = run.sim.states["T12"].load
    bound = {c: int(load.dest[run.sim.index[c]]) for c in (110, 111, 112)}
    assert all(bound.values())  # the AM peak: people on T12 for each of the next three stations
    reason = refusal(run, action="skip", train="T12", stations=(110, 111))
    assert reason == (f"T12 carries passengers to the stations it would run through ({bound[110]} for Martial Arts "
                      f"Palace, {bound[111]} for Syganak): a train runs through only stations nobody on board is "
                      f"travelling to")


def test_a_hold_longer_than_the_rules_allow_is_carried_out_and_counted():
    p = prepared("crossover-failure")
    hold = Decision(point=1, action="hold", train="T12", seconds=420.0)
    outcome = replay(p, [hold])
    assert outcome.decisions == [hold] and outcome.refused == []
    assert outcome.violations == ["07:50:00 held T12 420 s, over the 300 s the rules allow"]
    ev = evaluate(p, outcome, baseline("crossover-failure"))
    item = next(i for i in ev.items if i.name == "rule_violations")
    assert (item.trainee, item.baseline, item.saved, item.points) == (1.0, 0.0, -1.0, -20.0)
    # the hold was carried out at T12's next call (Martial Arts Palace: it had left Astana Arena at 07:48:56)
    ev = outcome.result.events
    at = next(k for k in range(len(ev["train"])) if ev["train"][k] == "T12" and ev["arrival_s"][k] > 7 * 3600 + 50 * 60)
    assert ev["station"][at] == 110 and ev["departure_s"][at] - ev["arrival_s"][at] >= 420.0
    base = baseline("crossover-failure").result.events
    was = next(k for k in range(len(base["train"])) if base["trip_id"][k] == ev["trip_id"][at]
               and base["station"][k] == 110)
    assert base["departure_s"][was] - base["arrival_s"][was] < 120.0


def test_a_train_turned_back_short_runs_into_the_gap_instead_of_waiting_for_its_timetable():
    p = prepared("crossover-failure")
    outcome = replay(p, [Decision(point=1, action="short_turn", train="T12", station=115)])
    ev = outcome.result.events
    calls = [k for k in range(len(ev["train"])) if ev["train"][k] == "T12" and ev["station"][k] == 115]
    turned = next(k for k in calls if ev["direction"][k] == "up" and 7.8 * 3600 < ev["arrival_s"][k] < 8.5 * 3600)
    back = next(k for k in calls if ev["direction"][k] == "down" and ev["departure_s"][k] > ev["arrival_s"][turned])
    assert outcome.result.cancelled[-1]["reason"].startswith("joined at 115 after a short turn")
    crossover = p.scenario.line.crossover(115).turnback_s
    # it leaves Theatre towards the Airport once turned (the minimum dwell, the crossover, its doors), well
    # before its own trip was due there
    assert ev["departure_s"][back] - ev["departure_s"][turned] < crossover + 180.0
    assert ev["planned_departure_s"][back] - ev["departure_s"][back] > 600.0


def test_an_event_stops_the_day_only_at_its_own_decision_point():
    from lrt.io.control import ControlSpec, DecisionPoint
    from lrt.sim.controller import OpsEvent
    from lrt.sim.scenario import SimOptions
    from lrt.training.control import ControlRoom

    points = (DecisionPoint(number=1, on="crowd", station=109, over=600.0, after_s=21.75 * 3600),
              DecisionPoint(number=2, on="delay", over=420.0, after_s=8 * 3600),
              DecisionPoint(number=3, on="fault", after_s=7.75 * 3600))
    room = ControlRoom(spec=ControlSpec(scenario=Path("day.toml"), points=points), options=SimOptions())
    quiet = [OpsEvent(kind="arrival", time_s=22 * 3600, station=110, value=900.0),   # another station
             OpsEvent(kind="arrival", time_s=22 * 3600, station=109, value=600.0),   # not over 600
             OpsEvent(kind="arrival", time_s=21.5 * 3600, station=109, value=900.0),  # before 21:45
             OpsEvent(kind="departure", time_s=8.5 * 3600, station=113, value=420.0),  # not over 7 min
             OpsEvent(kind="departure", time_s=7.9 * 3600, station=113, value=900.0),  # before 08:00
             OpsEvent(kind="fault", time_s=7.5 * 3600, text="F01 door T03")]           # before 07:45
    for event in quiet:
        room.notify(event)
    assert room.fired == []
    crowd = OpsEvent(kind="arrival", time_s=22 * 3600, train="T10", station=109, value=601.0)
    late = OpsEvent(kind="departure", time_s=8.5 * 3600, train="T04", station=118, value=421.0)
    fault = OpsEvent(kind="fault", time_s=7.8 * 3600, text="F02 switch at Nurly Zhol")
    for event in (fault, late, late, crowd, crowd):
        room.notify(event)
    assert [(p.number, e) for p, e in room.fired] == [(3, fault), (2, late), (1, crowd)]  # each point once


# -- signalling failures and restricted manual -------------------------------------------------------------------

def with_signalling_failure(tmp_path: Path) -> Path:
    folder = local_copy("crossover-failure", tmp_path)
    edit(folder / "exercise.toml", "[[decision_points]]", '[[signalling_failures]]\nsection = [113, 114]\n'
         'start = "08:00"\nend = "08:30"\n\n[[decision_points]]')
    return folder


def test_without_restricted_manual_trains_wait_for_the_signalling_to_come_back(tmp_path):
    p = prepare(read_exercise(with_signalling_failure(tmp_path)))
    outcome = replay(p, [])  # no deadlock: the day ends
    ev = outcome.result.events
    over = [k for k in range(len(ev["train"])) if ev["station"][k] == 113 and ev["direction"][k] == "up"
            and 8 * 3600 <= ev["departure_s"][k] <= 8.6 * 3600]
    assert over and all(ev["departure_s"][k] >= 8.5 * 3600 for k in over)  # nothing crosses 08:00-08:30


def test_restricted_manual_lets_trains_through_at_25_kmh(tmp_path):
    p = prepare(read_exercise(with_signalling_failure(tmp_path)))
    run = ExerciseRun(p)
    while run.next_stop().time_s < 8 * 3600:
        pass
    assert run.decide(Decision(point=0, action="authorise_rm", section=(114, 113))) == \
        "authorise restricted manual through National Museum-House of Ministries"
    result = run.finish()
    ev = result.events
    trips = {}
    for k in range(len(ev["train"])):
        trips.setdefault(ev["trip_id"][k], {})[ev["station"][k]] = k
    gap_m = 17134.3 - 14891.3
    runs = [ev["arrival_s"][c[114]] - ev["departure_s"][c[113]] for c in trips.values() if 113 in c and 114 in c
            and 8 * 3600 + 60 <= ev["departure_s"][c[113]] < 8.5 * 3600 and ev["direction"][c[113]] == "up"]
    assert runs and min(runs) >= gap_m / (RM_SPEED_KMH / 3.6)  # never faster than 25 km/h over the bridge
    assert max(runs) < 2 * gap_m / (RM_SPEED_KMH / 3.6)


# -- the score ---------------------------------------------------------------------------------------------------

def test_the_score_is_the_weight_times_what_the_trainee_saved():
    base = {"passenger_delay": 1000.0, "denied_boardings": 50.0, "headway_regularity": 12.0, "stranded": 10.0,
            "rule_violations": 0.0}
    mine = {"passenger_delay": 800.0, "denied_boardings": 60.0, "headway_regularity": 10.5, "stranded": 10.0,
            "rule_violations": 2.0}
    weights = {"passenger_delay": 0.01, "denied_boardings": 0.5, "headway_regularity": 2.0, "stranded": 1.0,
               "rule_violations": 20.0}
    items, total = score(mine, base, weights)
    assert [(i.name, i.saved, i.points) for i in items] == [
        ("passenger_delay", 200.0, 2.0), ("denied_boardings", -10.0, -5.0), ("headway_regularity", 1.5, 3.0),
        ("stranded", 0.0, 0.0), ("rule_violations", -2.0, -40.0)]
    assert total == pytest.approx(2.0 - 5.0 + 3.0 - 40.0)


def test_the_measures_of_a_day():
    inf = math.inf

    class Day:
        passengers = {"arrival_s": np.array([0.0, 60.0, 120.0, 180.0]),
                      "alight_s": np.array([600.0, 660.0, inf, inf]),
                      "stranded": np.array([False, False, True, False])}

    m = measures(Day(), {"denied_boardings": 7, "headway_cv_mean": 0.123}, violations=1, stranded_penalty_min=60)
    # journeys 10 + 10 passenger-min, one stranded at 60 min; one still travelling at the end is not counted
    assert m == {"passenger_delay": 80.0, "denied_boardings": 7.0, "headway_regularity": pytest.approx(12.3),
                 "stranded": 1.0, "rule_violations": 1.0}


# -- bad input ---------------------------------------------------------------------------------------------------

EMPTY_LOG = 'schema_version = 1\nexercise = "crossover-failure"\n'

BAD_EXERCISES = [
    # (change in exercise.toml, where, what the line says)
    ('after = "08:00"', 'afetr = "08:00"', "decision_points[2].afetr: an unknown key, expected one of at, on"),
    ('at = "08:15"', 'at = "25:99"', "decision_points[1].at"),
    ('on = "delay"', 'on = "storm"', "decision_points[2].on: 'storm', expected fault, delay or crowd"),
    ('over = 420', 'over = -5', "decision_points[2].over"),
    ('station = "Nurly Zhol"', 'station = "Nurly Zol"', "faults[0].station: unknown station 'Nurly Zol'"),
    ("[rules]", '[[faults]]\nkind = "door"\ntrain = "T99"\nstation = 112\ntime = "08:00"\n'
                'duration = { value = 2, unit = "min" }\n\n[rules]', "faults[1].train: 'T99', expected a train (block)"),
    ("[rules]", '[[faults]]\nkind = "door"\ntrain = "T09"\nstation = 112\ntime = "08:00"\nduraton = 2\n\n[rules]',
     "faults[1].duraton: an unknown key"),
    ("max_hold_s = 300", "max_hold_s = 0", "rules.max_hold_s"),
    ("max_hold_s = 300", "max_hold = 300", "rules.max_hold: an unknown key"),
    ("no_skip = [101, 118]", "no_skip = 101", "rules.no_skip: 101, expected a list of stations"),
    ("no_skip = [101, 118]", "no_skip = [101, 199]", "rules.no_skip: unknown station 199"),
    ("rule_violations = 20", "rule_violation = 20", "scoring.weights.rule_violation: an unknown rubric item"),
    ("stranded_penalty_min = 60", "stranded_penalty_min = -1", "scoring.stranded_penalty_min"),
    ('scenario = "', 'senario = "x.toml"\nscenario = "', "senario: an unknown key"),
    ("seed = 7", "seed = -7", "seed"),
    ("seed = 7", 'seed = 7\nactions = ["hold", "teleport"]', "actions: ['hold', 'teleport'], expected a list of "
                                                                "actions from hold, short_turn"),
    ("[rules]", '[overrides]\n"demand.dayly" = 5\n\n[rules]', "demand.dayly"),
    ("[rules]", '[[crowds]]\nstation = 109\nstart = "21:00"\nend = "20:00"\npassengers = 10\n\n[rules]',
     "crowds[0].end: 20:00, expected a time after start (21:00)"),
    ("[rules]", '[[crowds]]\nstation = 109\nstart = "21:00"\nend = "22:00"\npassengers = 10\nto = [109]\n\n[rules]',
     "crowds[0].to: [109], expected destinations other than the station itself"),
    ("[rules]", '[[signalling_failures]]\nsection = [110, 112]\nstart = "08:00"\nend = "08:30"\n\n[rules]',
     "signalling_failures[0].section: [110, 112], expected two neighbouring stations"),
]


@pytest.mark.parametrize("old,new,text", BAD_EXERCISES, ids=[c[2].split(":")[0] for c in BAD_EXERCISES])
def test_a_malformed_exercise_gives_one_error_line(old, new, text, tmp_path, capsys):
    folder = local_copy("crossover-failure", tmp_path)
    edit(folder / "exercise.toml", old, new)
    log = tmp_path / "log.toml"
    log.write_text(EMPTY_LOG, encoding="utf-8")
    source = "exercise.toml" if "demand.dayly" not in text else "exercise.toml [overrides]"
    refused(capsys, ["exercise", "run", "--exercises", tmp_path / "exercises", "crossover-failure", "--decisions", log,
                     "--log", tmp_path / "out.toml"], source, text)


def test_a_missing_briefing_or_reference_is_named(tmp_path, capsys):
    folder = local_copy("crossover-failure", tmp_path)
    log = tmp_path / "log.toml"
    log.write_text(EMPTY_LOG, encoding="utf-8")
    argv = ["exercise", "run", "--exercises", tmp_path / "exercises", "crossover-failure", "--decisions", log,
            "--log", tmp_path / "out.toml"]
    edit(folder / "exercise.toml", 'reference = "reference.toml"', 'reference = "answers.toml"')
    refused(capsys, argv, "exercise.toml", "reference: 'answers.toml': no such file")
    (folder / "briefing.md").unlink()
    refused(capsys, argv, "briefing.md", "file: no such file, expected the exercise's briefing")


BAD_LOGS = [
    ('action = "short_turn"', 'action = "teleport"', "decisions[0].action: 'teleport', expected one of hold"),
    ('station = 115', 'station = 115\nseconds = 60', "decisions[0].seconds: a field this action does not take"),
    ('station = 115', 'station = "Astana Zhuldyz"', "decisions[0].station: unknown station 'Astana Zhuldyz'"),
    ('train = "T12"\n', '', "decisions[0].train: missing, expected the train"),
    ('exercise = "crossover-failure"', 'exercise = "arena-crowd"', "exercise: 'arena-crowd', expected "
                                                                   "'crossover-failure'"),
    ("schema_version = 1", "schema_version = 2", "schema_version: 2, expected 1"),
    ("stop = 1", "stop = 0", "decisions[0].stop: 0, expected an integer >= 1"),
    ("[[decisions]]", "[[decisions]", "syntax"),
    ('action = "short_turn"\ntrain = "T12"\nstation = 115', 'action = "fault"\nfault = "meteor"',
     "decisions[0].fault: 'meteor', expected one of door, train, switch, power_rail"),
    ('action = "short_turn"\ntrain = "T12"\nstation = 115', 'action = "fault"\nfault = "door"\ntrain = "T12"\n'
     'seconds = 60', "decisions[0].station: missing, expected the station of a door fault (train, station, seconds)"),
    ('action = "short_turn"\ntrain = "T12"\nstation = 115', 'action = "step"\nminutes = -5',
     "decisions[0].minutes: -5"),
]


def a_log(tmp_path: Path) -> Path:
    log = tmp_path / "log.toml"
    log.write_text('schema_version = 1\nexercise = "crossover-failure"\nseed = 7\n\n[[decisions]]\nstop = 1\n'
                   'action = "short_turn"\ntrain = "T12"\nstation = 115\n\n[[decisions]]\nstop = 3\n'
                   'action = "hold"\ntrain = "T05"\nseconds = 60\n', encoding="utf-8")
    return log


@pytest.mark.parametrize("old,new,text", BAD_LOGS, ids=[c[2].split(":")[0] for c in BAD_LOGS])
def test_a_malformed_decision_log_gives_one_error_line(old, new, text, tmp_path, capsys):
    log = a_log(tmp_path)
    edit(log, old, new)
    refused(capsys, ["exercise", "run", "crossover-failure", "--decisions", log, "--log", tmp_path / "out.toml"],
            "log.toml", text)


def test_decisions_out_of_order_are_refused(tmp_path, capsys):
    log = a_log(tmp_path)
    edit(log, "stop = 3", "stop = 0")
    edit(log, "stop = 0", "stop = 1")  # both at stop 1 is fine
    main(["exercise", "run", "crossover-failure", "--decisions", str(log), "--log", str(tmp_path / "out.toml")])
    capsys.readouterr()
    edit(log, "stop = 1", "stop = 2")  # the first decision now at stop 2, the second at stop 1
    refused(capsys, ["exercise", "run", "crossover-failure", "--decisions", log, "--log", tmp_path / "out2.toml"],
            "log.toml", "decisions[1].stop: 1, expected a stop at or after the one before (2)")


def test_run_refuses_without_a_terminal_or_a_decision_log(capsys):
    refused(capsys, ["exercise", "run", "crossover-failure"], "lrt exercise run",
            "command line: no terminal to ask the trainee at, expected a terminal, or --decisions FILE")
    refused(capsys, ["exercise", "run", "crossover-failure", "--restart-at", "1"], "--restart-at",
            "expected --decisions FILE with it")
    refused(capsys, ["exercise", "run", "no-such-exercise"], "ID", "'no-such-exercise', expected one of ")
