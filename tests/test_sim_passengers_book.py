"""The passenger book puts each passenger in the queue of the platform of their origin and direction, in the
order they reach it, whether the passengers come in time order (as drawn) or not (an exercise's crowd)."""

from __future__ import annotations

import numpy as np
import pytest

from lrt.demand import Arrivals
from lrt.sim.passengers import PassengerBook


def _book(times, origins, destinations, stations=4):
    a = Arrivals(time_s=np.asarray(times, float), origin=np.asarray(origins), destination=np.asarray(destinations),
                 codes=tuple(range(1, stations + 1)))
    return PassengerBook(a, stations)


def _queues(book):
    return {key: p.ids.tolist() for key, p in book.platforms.items() if p.ids.size}


@pytest.mark.parametrize("times, expected", [
    ([5.0, 3.0], {(0, "up"): [1, 0]}),                         # two passengers, the later first in the list
    ([0.0, 5.0, 3.0], {(0, "up"): [0, 2, 1]}),                 # out of order after the first
    ([4.0, 4.0, 1.0], {(0, "up"): [2, 0, 1]}),                 # a tie keeps the list's order
])
def test_out_of_order_passengers_queue_in_the_order_they_arrive(times, expected):
    book = _book(times, [0] * len(times), [2] * len(times))
    assert _queues(book) == expected
    assert book.platforms[(0, "up")].times == sorted(times)


def test_each_platform_its_own_queue_in_time_order_sorted_or_not():
    rng = np.random.default_rng(3)
    n = 400
    origin = rng.integers(0, 4, n)
    destination = (origin + rng.integers(1, 4, n)) % 4  # anywhere else on the line, up or down
    times = rng.uniform(0, 3600, n)
    shuffled = _book(times, origin, destination)
    order = np.argsort(times, kind="stable")
    drawn = _book(times[order], origin[order], destination[order])  # the same passengers in time order
    for key, p in shuffled.platforms.items():
        station, direction = key
        mine = np.flatnonzero((origin == station) & ((destination > origin) == (direction == "up")))
        assert p.ids.tolist() == mine[np.argsort(times[mine], kind="stable")].tolist(), key
        assert p.times == sorted(times[mine].tolist())
        assert drawn.platforms[key].times == p.times
    assert sum(p.ids.size for p in shuffled.platforms.values()) == n


@pytest.mark.parametrize("n", [100, 40_000])
def test_a_train_boarding_a_long_queue_carries_each_destination_counted_exactly(n):
    # n passengers at S1 going up, every third for S4, the others for S2 and S3 in turn; a train with room for
    # all boards them in one go: it carries each destination's count exactly however long the queue
    dest = np.resize([1, 2, 3], n)
    book = _book(np.arange(n, dtype=float), np.zeros(n, dtype=int), dest)
    load = book.new_load(0, n)
    platform = book.platforms[(0, "up")]
    assert platform.board_alone(load, 0.0, float(n)) == 0
    assert load.size == n
    assert load.dest.tolist() == [0, *(int(np.count_nonzero(dest == k)) for k in (1, 2, 3))]
    assert book.alight(load, 3) == (n + 0) // 3


def test_a_train_put_out_of_service_leaves_everyone_still_on_board_waiting_first_in_arrival_order():
    # five stations; passengers 0-4 at S0 and 5-8 at S1, going up; a train boards at S0, S1 and S2 (three queue
    # slices), lets off at S2 those for S2 and is put out of service there: those for S3 and S4, boarded at
    # either station, wait at S2 ahead of its queue, in the order they first arrived
    times = [0, 1, 2, 3, 4, 10, 11, 12, 13, 20]
    origins = [0, 0, 0, 0, 0, 1, 1, 1, 1, 2]
    dests = [2, 3, 4, 2, 3, 4, 2, 3, 4, 4]
    book = _book(times, origins, dests, stations=5)
    load = book.new_load(0, 650)
    for station, opened in ((0, 5.0), (1, 15.0)):
        book.platforms[(station, "up")].board_alone(load, opened, opened + 20.0)
    assert book.alight(load, 1) == 0 and load.size == 9
    assert book.alight(load, 2) == 3  # passengers 0, 3 and 6
    book.platforms[(2, "up")].board_alone(load, 25.0, 45.0)  # passenger 9, for S4
    assert book.detrain(load, 2, "up", 30.0) == 7
    assert book.platforms[(2, "up")].first.tolist() == [1, 2, 4, 5, 7, 8, 9]
    assert load.size == 0 and load.room == 650 and load.dest.tolist() == [0] * 5
    assert [ids.tolist() for ids in book.detrained_ids] == [[1, 2, 4, 5, 7, 8, 9]]
