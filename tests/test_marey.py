"""Marey (time–distance) diagram: the drawn lines are the trips' times at the stations' chainages."""

from __future__ import annotations

import dataclasses
import struct

import numpy as np
import pytest
from conftest import make_line
from matplotlib.colors import to_hex
from numpy.testing import assert_array_equal

from lrt.plotting.marey import COLOURS, marey_lines, plot_marey
from lrt.timetable.model import BlockEvent, Timetable, Trip

H = 3600.0


def _tiny():
    """Three stations at 1000, 3000 and 4500 m (codes 1-3); one trip each way and a layover between."""
    line = make_line((1000.0, 3000.0, 4500.0))
    up = Trip(trip_id="U1", block_id="A", direction="up", stops=(1, 2, 3),
              arrival_s=(7 * H, 7 * H + 200, 7 * H + 400), departure_s=(7 * H, 7 * H + 230, 7 * H + 400))
    down = Trip(trip_id="D1", block_id="A", direction="down", stops=(3, 2, 1),
                arrival_s=(7 * H + 600, 7 * H + 780, 7 * H + 1000), departure_s=(7 * H + 600, 7 * H + 820, 7 * H + 1000))
    late = Trip(trip_id="U2", block_id="B", direction="up", stops=(1, 3),
                arrival_s=(24 * H + 100, 24 * H + 500), departure_s=(24 * H + 100, 24 * H + 500))
    turn = BlockEvent(block_id="A", event="turnback", stop=3, start_s=7 * H + 400, end_s=7 * H + 600,
                      from_trip="U1", to_trip="D1")
    return line, Timetable(name="tiny", service_id="x", trips=(up, down, late), operations=(turn,))


class _Drawn:
    """One trip's line as drawn: its points and its collection's colour."""

    def __init__(self, points, colour):
        self.points, self.colour = points, colour

    def get_xdata(self):
        return self.points[:, 0]

    def get_ydata(self):
        return self.points[:, 1]

    def get_color(self):
        return to_hex(self.colour)


def _drawn(fig) -> dict[tuple[str, str], _Drawn]:
    """The trip lines on the chart by (trip id, 'solid' or 'dashed'): the segments of the trip collections."""
    ax = fig.axes[0]
    out = {}
    for c in ax.collections:
        if c.get_gid() in ("planned-up", "planned-down", "actual-up", "actual-down"):
            dashed = c.get_linestyle()[0][1] is not None
            for trip_id, points in zip(c.trip_ids, c.get_segments(), strict=True):
                out[trip_id, "dashed" if dashed else "solid"] = _Drawn(points, c.get_edgecolor()[0])
    return out


def test_marey_lines_step_through_arrival_and_departure_at_each_station():
    line, tt = _tiny()
    x, y = marey_lines(line, tt.trips)["U1"]
    # arrival then departure at each stop: the 30 s dwell at station 2 is a horizontal step
    assert_array_equal(x, [7 * H, 7 * H, 7 * H + 200, 7 * H + 230, 7 * H + 400, 7 * H + 400])
    assert_array_equal(y, [1000, 1000, 3000, 3000, 4500, 4500])
    x, y = marey_lines(line, tt.trips)["D1"]
    assert_array_equal(x, [7 * H + 600, 7 * H + 600, 7 * H + 780, 7 * H + 820, 7 * H + 1000, 7 * H + 1000])
    assert_array_equal(y, [4500, 4500, 3000, 3000, 1000, 1000])


def test_the_chart_draws_every_trip_as_marey_lines_gives_it(tmp_path):
    line, tt = _tiny()
    fig = plot_marey(line, tt, tmp_path / "m.png")
    drawn = _drawn(fig)
    assert set(drawn) == {("U1", "solid"), ("D1", "solid"), ("U2", "solid")}
    for trip_id, (x, y) in marey_lines(line, tt.trips).items():
        assert_array_equal(drawn[trip_id, "solid"].get_xdata(), x)
        assert_array_equal(drawn[trip_id, "solid"].get_ydata(), y)
    assert drawn["U1", "solid"].get_color() == COLOURS["up"] and drawn["D1", "solid"].get_color() == COLOURS["down"]
    ax = fig.axes[0]
    # the layover at station 3 from 07:06:40 to 07:10:00
    (layovers,) = [c for c in ax.collections if c.get_gid() == "layovers"]
    assert [seg.tolist() for seg in layovers.get_segments()] == [[[7 * H + 400, 4500], [7 * H + 600, 4500]]]
    # stations named at their chainage; the whole day to the hour, 07:00 to 25:00
    assert [t.get_text() for t in ax.get_yticklabels()] == ["S1", "S2", "S3"]
    assert_array_equal(ax.get_yticks(), [1000, 3000, 4500])
    assert ax.get_xlim() == (7 * H, 25 * H)
    fmt = ax.xaxis.get_major_formatter()
    assert (fmt(8 * H, 0), fmt(24.5 * H, 0)) == ("08:00", "24:30")
    assert [t.get_text() for t in fig.texts] == [line.credit]


def test_planned_dashed_and_actual_solid(tmp_path):
    line, tt = _tiny()
    late = dataclasses.replace(tt.trips[0], arrival_s=(7 * H, 7 * H + 260, 7 * H + 470),
                               departure_s=(7 * H + 20, 7 * H + 300, 7 * H + 470))
    fig = plot_marey(line, tt, tmp_path / "m.png", actual=[late], title="run 1")
    drawn = _drawn(fig)
    assert set(drawn) == {("U1", "dashed"), ("D1", "dashed"), ("U2", "dashed"), ("U1", "solid")}
    assert_array_equal(drawn["U1", "solid"].get_xdata(),
                       [7 * H, 7 * H + 20, 7 * H + 260, 7 * H + 300, 7 * H + 470, 7 * H + 470])
    assert_array_equal(drawn["U1", "dashed"].get_xdata(), marey_lines(line, tt.trips)["U1"][0])
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "run 1"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "up: S1 → S3", "down: S3 → S1", "planned", "actual", "terminal layover"]


def test_a_time_window_draws_only_the_trips_in_it(tmp_path):
    line, tt = _tiny()
    fig = plot_marey(line, tt, tmp_path / "m.png", start_s=23.5 * H, end_s=25 * H)
    assert fig.axes[0].get_xlim() == (23.5 * H, 25 * H)
    assert set(_drawn(fig)) == {("U2", "solid")}
    with pytest.raises(ValueError, match="not after its start"):
        plot_marey(line, tt, tmp_path / "m.png", start_s=9 * H, end_s=8 * H)


def test_the_shipped_day_is_a_wide_png_with_every_trip(astana, tmp_path):
    from lrt.io.timetable import read_timetable
    from lrt.paths import shipped_timetable

    line, _ = astana
    tt = read_timetable(shipped_timetable("weekday"), line)
    path = tmp_path / "day.png"
    fig = plot_marey(line, tt, path)
    assert len(_drawn(fig)) == len(tt.trips)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    assert width > 2 * height and 2000 < width < 5000 and 700 < height < 1600
    assert 100_000 < len(data) < 10_000_000
    assert [p.name for p in tmp_path.iterdir()] == ["day.png"]  # written atomically, nothing left behind
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert names[0] == "Airport" and names[-1] == "Nurly Zhol" and len(names) == 18
    assert np.all(np.diff(fig.axes[0].get_yticks()) > 0)
