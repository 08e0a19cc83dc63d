"""The line model: a copy with other stations is a line of its own."""

from __future__ import annotations

import pytest
from conftest import ideal_train, make_line, replace

from lrt.runtime import run_profile


def test_a_line_copied_with_other_stations_leaves_the_original_alone():
    # S1-S2 is 2000 m on the original and 1920 m on the copy; the ideal train (1 m/s², 24 m/s) runs them
    # in 2000/24 + 24 = 107.33 s and 1920/24 + 24 = 104 s, whichever was built or run first
    line = make_line((1000.0, 3000.0, 5000.0), line_speed_ms=30.0)
    moved = replace(line, stations=tuple(replace(s, chainage_m=c) for s, c in zip(line.stations, (1000.0, 2920.0,
                                                                                                  5000.0))))
    train = ideal_train(1.0, 1.0, 24.0)
    assert line.station(2).chainage_m == 3000.0 and moved.station(2).chainage_m == 2920.0
    assert line.station("S2") is line.stations[1] and moved.station("s2") is moved.stations[1]
    for ln, expected in ((line, 2000 / 24 + 24), (moved, 1920 / 24 + 24), (line, 2000 / 24 + 24)):
        assert abs(run_profile(ln, train, stops=[1, 2], allowance=0.0).running_s - expected) < 1e-6
    # a copy without a station no longer finds it
    short = replace(line, stations=line.stations[:2])
    assert [s.code for s in short.stations] == [1, 2]
    with pytest.raises(KeyError):
        short.station(3)
    assert line.station(3).chainage_m == 5000.0
