"""The dwell model: Puong (2000) at the busiest door, worked by hand; the engine's per-call form is the same."""

from __future__ import annotations

import itertools

import pytest

from lrt.sim.dwell import DwellModel, puong_dwell


def test_puong_by_hand():
    # 12.22 + 2.27·10 + 1.82·5 + 6.2e-4·4³·10 = 12.22 + 22.7 + 9.1 + 0.3968
    assert puong_dwell(10, 5, 4) == pytest.approx(44.4168, abs=1e-12)
    assert puong_dwell(0, 0, 30) == 12.22  # crowding slows only those boarding


def test_a_crowded_winter_call_by_hand():
    m = DwellModel(doors=8, busiest_door_factor=1.4, min_dwell_s=20.0, seats=100, passenger_factor=1.2,
                   max_standees_per_door=10.0)
    # per door 1.4/8 = 0.175: 80 boarding -> 14, 40 alighting -> 7; standees (500-100)/8 = 50, held at 10
    # Puong 12.22 + 2.27·14 + 1.82·7 + 6.2e-4·10³·14 = 12.22 + 31.78 + 12.74 + 8.68 = 65.42
    # winter clothing: 12.22 + (65.42 - 12.22)·1.2 = 76.06
    assert m.dwell_s(80, 40, 500) == pytest.approx(76.06, abs=1e-9)
    assert m.dwell_s(0, 0, 50) == 20.0  # never below the door cycle
    assert m.dwell_s(4, 0, 50) == 20.0  # 12.22 + 2.27·0.7·1.2 = 14.1 s: still the door cycle


def test_a_dwell_just_short_of_the_door_cycle_is_the_door_cycle():
    m = DwellModel(doors=1, busiest_door_factor=1.0, min_dwell_s=20.0, seats=1000)
    assert m.dwell_s(3, 0, 0) == 20.0  # 12.22 + 2.27·3 = 19.03 s: under the cycle by less than a second
    assert m.dwell_s(4, 0, 0) == pytest.approx(12.22 + 2.27 * 4, abs=1e-12)  # 21.30 s: over it


def test_the_per_call_form_is_puong_to_the_last_bit():
    """The engine asks DwellModel.at(alighting, load)(boarding) several times a call; it must be exactly
    12.22 + (puong_dwell(...) - 12.22) x factor, held at the door cycle."""
    m = DwellModel(doors=8, busiest_door_factor=1.4, min_dwell_s=20.0, seats=164, passenger_factor=1.15)
    per_door = 1.4 / 8
    for boarding, alighting, load in itertools.product((0, 1, 7, 33, 120, 400), (0, 3, 50, 260), (0, 150, 420, 650)):
        standees = min(max(load - 164, 0) / 8, 10.0)
        expected = max(20.0, 12.22 + (puong_dwell(boarding * per_door, alighting * per_door, standees) - 12.22) * 1.15)
        assert m.at(alighting, load)(boarding) == expected
        assert m.dwell_s(boarding, alighting, load) == expected


def test_the_doors_close_after_the_dwell_of_everyone_who_boards_by_hand():
    m = DwellModel(doors=1, busiest_door_factor=1.0, min_dwell_s=20.0, seats=1000)  # one door, no crowding
    arrivals = lambda t: 10 if t < 15.0 else 12  # noqa: E731  (10 waiting, 2 more reach the platform at 15 s)
    # 10 on: 12.22 + 2.27·10 = 34.92 s; the closing sequence would begin at 34.92 - 4 = 30.92 s, by when the two
    # have arrived: 12 on, 12.22 + 2.27·12 = 39.46 s; asked again at 35.46 s: still 12, so 39.46 s
    assert m.doors_close(0.0, 0, 0, arrivals, 1.0, 4.0, 10.0) == (pytest.approx(39.46, abs=1e-12), 10)
    # the late arrivals may lengthen it by 3 s at most: 34.92 + 3
    assert m.doors_close(0.0, 0, 0, arrivals, 1.0, 4.0, 3.0) == (pytest.approx(37.92, abs=1e-12), 10)
    # two who arrive at 32 s, once the closing sequence has begun (30.92 s), wait for the next train
    assert m.doors_close(0.0, 0, 0, lambda t: 10 if t < 32.0 else 12, 1.0, 4.0, 10.0) == (
        pytest.approx(34.92, abs=1e-12), 10)
    # a short noise draw (x0.5): 17.46 s, held at the door cycle 20 s; 39.46·0.5 = 19.73 s is still under it
    assert m.doors_close(100.0, 0, 0, lambda t: 10 if t < 115.0 else 12, 0.5, 4.0, 10.0) == (120.0, 10)
    assert m.doors_close(100.0, 0, 0, lambda t: 10, 0.5, 4.0, 0.0) == (120.0, 10)  # no extension allowed


def test_the_doors_close_at_the_per_call_dwell_when_nobody_else_arrives():
    m = DwellModel(doors=8, busiest_door_factor=1.4, min_dwell_s=20.0, seats=164, passenger_factor=1.15)
    for boarding, alighting, load in itertools.product((0, 7, 120, 400), (0, 50, 260), (0, 420, 650)):
        for noise in (0.8, 1.0, 1.3):
            closes, on = m.doors_close(50.0, alighting, load, lambda t: boarding, noise, 4.0, 10.0)
            assert on == boarding
            assert closes == 50.0 + max(20.0, m.at(alighting, load)(boarding) * noise)


def test_late_arrivals_lengthen_a_crowded_winter_dwell_by_hand():
    m = DwellModel(doors=1, busiest_door_factor=1.0, min_dwell_s=20.0, seats=0, passenger_factor=1.2)
    arrivals = lambda t: 10 if t < 15.0 else 12  # noqa: E731
    # 5 alighting, 4 standing (crowding 6.2e-4·4³ = 0.03968 s a boarder), winter factor 1.2:
    # 10 on: 12.22 + (2.27·10 + 1.82·5 + 0.03968·10)·1.2 = 12.22 + 32.1968·1.2 = 50.85616 s
    # 12 by 46.86 s: 12.22 + (27.24 + 9.1 + 0.47616)·1.2 = 12.22 + 44.179392 = 56.399392 s
    assert m.doors_close(0.0, 5, 4, arrivals, 1.0, 4.0, 10.0) == (pytest.approx(56.399392, abs=1e-9), 10)


def test_one_standee_counts():
    m = DwellModel(doors=1, busiest_door_factor=1.0, min_dwell_s=20.0, seats=100)
    # 101 on board with 100 seats: one standee, 6.2e-4·1³ s more a boarder: 12.22 + 2.27·10 + 0.0062
    assert m.dwell_s(10, 0, 101) == pytest.approx(34.9262, abs=1e-12)
    assert m.doors_close(0.0, 0, 101, lambda t: 10, 1.0, 4.0, 10.0) == (pytest.approx(34.9262, abs=1e-12), 10)
    assert m.dwell_s(10, 0, 100) == pytest.approx(34.92, abs=1e-12)  # seated load: no crowding


def test_a_long_noise_draw_lengthens_the_door_cycle_itself():
    m = DwellModel(doors=1, busiest_door_factor=1.0, min_dwell_s=20.0, seats=100)
    # nobody boards: Puong 12.22 s, the door cycle 20 s; a draw of x1.3 makes it 26 s (the cycle takes longer),
    # not 12.22·1.3 = 15.9 s held at 20 s; with no extension allowed as with one
    for extension in (0.0, 10.0):
        assert m.doors_close(0.0, 0, 0, lambda t: 0, 1.3, 4.0, extension) == (pytest.approx(26.0, abs=1e-12), 0)
