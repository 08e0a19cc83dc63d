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


def test_every_call_of_the_timetable_reads_its_own_draws_first_trip_included():
    # what Noise draws: run, dwell, delay share, delay size from the four children of the seed, each a table
    # (child 0 of its own two) of shape (trips, stops); the values are worked from those tables here
    opts = SimOptions(run_time_cv=0.3, dwell_cv=0.4, primary_delay_share=0.3, primary_delay_mean_s=40.0)
    shape = (4, 3)
    run_seq, dwell_seq, share_seq, size_seq = np.random.SeedSequence(21).spawn(4)
    rng = lambda seq: np.random.default_rng(seq.spawn(2)[0])  # noqa: E731
    sigma = np.sqrt(np.log(1 + 0.4**2))
    runs = np.maximum(rng(run_seq).normal(1.0, 0.3, shape), 0.5)
    dwells = rng(dwell_seq).lognormal(-sigma**2 / 2, sigma, shape)
    share, size = rng(share_seq).random(shape), rng(size_seq).exponential(40.0, shape)
    noise = Noise(opts, np.random.SeedSequence(21), shape)
    for k in range(4):
        row_run, row_dwell, row_delay = noise.trip(k)
        for s in range(3):
            assert row_run[s] == noise.run(k, s) == runs[k, s]
            assert row_dwell[s] == noise.dwell(k, s) == dwells[k, s]
            assert row_delay[s] == noise.primary_delay(k, s) == (size[k, s] if share[k, s] < 0.3 else 0.0)
    assert (runs == 0.5).any() and ((share < 0.3) & (share > 0)).any()  # the table holds both kinds of case
