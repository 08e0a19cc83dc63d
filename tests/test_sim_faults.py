"""Random faults are drawn per call of the timetable: whether a call or a pull-out fails, and the details
of a fault that happens (its duration; where on the run a train fails), each from a stream of its own keyed
by the call, so the order in which the day asks does not move a failure to another train or call."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import make_line

from lrt.conditions import Conditions, Failure, Failures
from lrt.sim.faults import FaultBook

LINE = make_line((1000.0, 2500.0, 4000.0))
FAILURES = Failures(door=Failure(kind="door", rate=0.5, mean_duration_s=60.0),
                    train=Failure(kind="train", rate=20.0, mean_duration_s=90.0),
                    pull_out=Failure(kind="pull_out", rate=0.5))
TRIPS, STOPS = 30, 3  # more trips than stops, so that a mix-up of the two shows


def _book(seed=7):
    cond = Conditions(failures=FAILURES)
    return FaultBook([], cond, LINE, np.random.SeedSequence(seed).spawn(3)[2], (TRIPS, STOPS))


CALLS = [(trip, stop) for trip in range(TRIPS) for stop in range(STOPS)]


def _doors(book, calls):
    out = {}
    for trip, stop in calls:
        f = book.door(f"T{trip}", 2, 100.0 * trip, (trip, stop))
        if f is not None:
            out[(trip, stop)] = f.duration_s
    return out


def _failures(book, calls):
    out = {}
    for trip, stop in calls:
        hit = book.train_failure(f"T{trip}", 100.0 * trip, 120.0, (trip, stop))
        if hit is not None:
            out[(trip, stop)] = (hit[0].duration_s, hit[1])
    return out


def test_door_faults_and_their_durations_do_not_depend_on_the_order_of_the_calls():
    forward, backward = _doors(_book(), CALLS), _doors(_book(), CALLS[::-1])
    assert forward == backward
    assert 0.3 * len(CALLS) < len(forward) < 0.7 * len(CALLS)  # rate 0.5 a call
    assert len(set(forward.values())) == len(forward)  # each its own duration (not one stream for all)
    assert (0, 0) in forward or (0, 1) in forward or (0, 2) in forward  # the first trip is keyed too


def test_train_failures_where_and_how_long_do_not_depend_on_the_order_of_the_runs():
    forward, backward = _failures(_book(), CALLS), _failures(_book(), CALLS[::-1])
    assert forward == backward and len(forward) > 0.3 * len(CALLS)  # 20 an hour over 120 s: 2/3 of the runs
    assert len({d for d, _ in forward.values()}) == len(forward)
    assert all(0.0 <= at <= 120.0 for _, at in forward.values())


def test_pull_out_failures_do_not_depend_on_the_order_of_the_pull_outs():
    def pulls(order):
        book = _book()
        return {k for k in order if book.pull_out(f"T{k}", 60.0 * k, trip=k) is not None}

    forward, backward = pulls(range(TRIPS)), pulls(range(TRIPS - 1, -1, -1))
    assert forward == backward and 0.25 * TRIPS < len(forward) < 0.75 * TRIPS


def test_a_door_fault_and_a_train_failure_at_one_call_have_their_own_draws():
    book = _book()
    door = {c: book._details(0, c).random() for c in CALLS[:5]}
    train = {c: book._details(1, c).random() for c in CALLS[:5]}
    assert door == {c: _book()._details(0, c).random() for c in CALLS[:5]}  # keyed: the same again
    assert all(door[c] != train[c] for c in door)


def test_calls_beyond_the_timetable_draw_in_turn_and_reproducibly():
    # a spare train's calls (trip -1, or numbers past the timetable's) take the next numbers of one stream
    def spare(book):
        return [book._details(0, c).random() for c in ((-1, 0), (TRIPS, 0), (-1, 1))]

    first, again = spare(_book()), spare(_book())
    assert first == again and len(set(first)) == 3
    assert first[0] != _book()._details(0, (0, 0)).random()  # not the first trip's own stream


def test_a_door_fault_and_a_train_failure_at_the_same_calls_are_independent():
    # were both drawn from one stream per call, the door fault's duration and where the train failed would
    # both follow the call's first number: rank-correlated exactly
    doors, failures = _doors(_book(), CALLS), _failures(_book(), CALLS)
    both = sorted(set(doors) & set(failures))
    assert len(both) >= 10
    door_rank = np.argsort(np.argsort([doors[c] for c in both]))
    where_rank = np.argsort(np.argsort([failures[c][1] for c in both]))
    assert abs(np.corrcoef(door_rank, where_rank)[0, 1]) < 0.6


def test_a_call_beyond_the_timetable_draws_afresh_each_time():
    book = _book()
    assert book._details(0, (TRIPS, 0)).random() != book._details(0, (TRIPS, 0)).random()  # the stream moves on
    assert book._details(0, (0, 0)).random() == book._details(0, (0, 0)).random()  # a timetable call: keyed


def _draws(seed, kind):
    """The timetable draws of one kind of fault, worked out from the seed as FaultBook lays its streams out:
    the fault seed's children are the timed faults, the doors, the trains, the details and the pull-outs; of
    each keyed kind, the first child draws the timetable's calls (trip × stop), uniform on [0, 1)."""
    child = np.random.SeedSequence(seed).spawn(3)[2].spawn(5)[{"door": 1, "train": 2}[kind]]
    return np.random.default_rng(child.spawn(2)[0]).random((TRIPS, STOPS))


def test_a_trip_says_where_its_draws_give_a_fault_as_the_calls_themselves_find():
    # FaultBook.trip lets the engine skip asking at the calls of a trip where no drawn fault can happen: a trip
    # flagged for door faults has a call whose draw is under the rate, and no run shorter than the one it names
    # draws a train failure at any of its calls
    door = _draws(7, "door") < 0.5
    need = _draws(7, "train").min(axis=1) * 3600.0 / 20.0  # the shortest run that draws a failure (rate 20/h)
    assert 0 < door.any(axis=1).sum() < TRIPS and need.min() < 120.0 < need.max()  # the seed mixes both kinds
    book = _book()
    for k in range(TRIPS):
        doors, fails_from = book.trip(k)
        assert doors == bool(door[k].any())
        assert fails_from == pytest.approx(need[k], rel=1e-8) and fails_from < need[k]  # a hair shorter, not longer
        doors_found = _doors(_book(), [(k, i) for i in range(STOPS)])
        assert bool(doors_found) == doors
        # the runs that do draw a failure are all at least the run it names, and one just over it does
        for run in (fails_from * 0.999, need[k] * 1.000001):
            hits = [_book().train_failure("T1", 0.0, run, (k, i)) for i in range(STOPS)]
            assert any(h is not None for h in hits) == (run > need[k])


def test_a_trip_beyond_the_timetable_asks_at_every_call_and_no_failure_process_asks_at_none():
    book = _book()
    assert book.trip(-1) == (True, 0.0) and book.trip(TRIPS) == (True, 0.0)
    quiet = FaultBook([], Conditions(), LINE, np.random.SeedSequence(7), (TRIPS, STOPS))
    assert quiet.trip(0) == (False, math.inf) and quiet.trip(TRIPS - 1) == (False, math.inf)
    never = Failures(train=Failure(kind="train", rate=0.0, mean_duration_s=90.0))
    assert FaultBook([], Conditions(failures=never), LINE, np.random.SeedSequence(7), (TRIPS, STOPS)).trip(3) == \
        (False, math.inf)
    assert FaultBook([], Conditions(failures=FAILURES), LINE, np.random.SeedSequence(7), (TRIPS, 0)).trip(0) == \
        (False, math.inf)  # a timetable without calls draws nothing
    rare = Failures(train=Failure(kind="train", rate=0.5, mean_duration_s=90.0))  # once in two hours of running
    need = _draws(7, "train").min(axis=1) * 3600.0 / 0.5
    book = FaultBook([], Conditions(failures=rare), LINE, np.random.SeedSequence(7).spawn(3)[2], (TRIPS, STOPS))
    assert [book.trip(k)[1] for k in range(TRIPS)] == pytest.approx(need.tolist(), rel=1e-8)
