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
