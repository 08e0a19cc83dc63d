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
