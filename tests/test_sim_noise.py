"""The noise of a run: one draw per call of the timetable from a table, a stream for calls beyond it, and
nothing at all when variability is off."""

from __future__ import annotations

import numpy as np

from lrt.sim import SimOptions
from lrt.sim.noise import Keyed, Noise, Stream


def _uniform(rng, n):
    return rng.random(n)


def test_a_keyed_draw_is_its_calls_element_of_the_table_first_trip_included():
    seed = np.random.SeedSequence(11)
    table = np.random.default_rng(np.random.SeedSequence(11).spawn(2)[0]).random((5, 3))  # what Keyed draws
    keyed = Keyed(seed, (5, 3), _uniform)
    assert [keyed(0, s) for s in range(3)] == table[0].tolist()  # trip 0 from the table, not the stream
    assert keyed(4, 2) == table[4, 2] and keyed(0, 0) == keyed(0, 0)


def test_a_stream_hands_out_its_generators_numbers_in_turn():
    expected = np.random.default_rng(5).random(2 * 1024 + 3)  # across two refills of the block
    stream = Stream(np.random.default_rng(5), _uniform)
    assert [stream() for _ in range(expected.size)] == expected.tolist()


def test_no_variability_no_noise_and_no_primary_delays():
    off = Noise(SimOptions(variability=False, primary_delay_share=0.5, primary_delay_mean_s=60.0),
                np.random.SeedSequence(3), (20, 5))
    calls = [(k, s) for k in range(20) for s in range(5)]
    assert {off.run(*c) for c in calls} == {1.0} and {off.dwell(*c) for c in calls} == {1.0}
    assert {off.primary_delay(*c) for c in calls} == {0.0}
    on = Noise(SimOptions(variability=True, primary_delay_share=0.5, primary_delay_mean_s=60.0),
               np.random.SeedSequence(3), (20, 5))
    delayed = [on.primary_delay(*c) for c in calls]
    assert 30 < sum(d > 0 for d in delayed) < 70  # half the departures, within a few standard errors (5)


def test_a_coefficient_of_variation_of_one_is_noise_too():
    wild = Noise(SimOptions(run_time_cv=1.0, dwell_cv=1.0), np.random.SeedSequence(4), (20, 5))
    runs = [wild.run(k, s) for k in range(20) for s in range(5)]
    dwells = [wild.dwell(k, s) for k in range(20) for s in range(5)]
    assert min(runs) == 0.5 and max(runs) > 2.0  # normal(1, 1) held at 0.5 below
    assert np.std(dwells) > 0.5 and min(dwells) > 0.0  # lognormal with mean 1 and CV 1
