"""Charts as deterministic SVG: a golden file for the Marey diagram, beside an independent count of what it
draws (a golden alone would bless whatever was drawn the day it was made)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
from conftest import make_line

from lrt.plotting import svg_text
from lrt.plotting.marey import MareyTrip, marey_chart, marey_trips
from lrt.timetable.model import Trip

GOLDEN = Path(__file__).parent / "golden"
H = 3600.0


def _tiny_day():
    """Three stations; two up trips and one down, the second up trip late at its last stop."""
    line = make_line((1000.0, 3000.0, 4500.0))
    trips = [Trip(trip_id="U1", block_id="A", direction="up", stops=(1, 2, 3), arrival_s=(7 * H, 7 * H + 200, 7 * H + 400),
                  departure_s=(7 * H, 7 * H + 230, 7 * H + 400)),
             Trip(trip_id="D1", block_id="A", direction="down", stops=(3, 2, 1),
                  arrival_s=(7 * H + 600, 7 * H + 780, 7 * H + 1000), departure_s=(7 * H + 600, 7 * H + 820, 7 * H + 1000)),
             Trip(trip_id="U2", block_id="B", direction="up", stops=(1, 2, 3),
                  arrival_s=(7 * H + 900, 7 * H + 1100, 7 * H + 1300), departure_s=(7 * H + 900, 7 * H + 1130, 7 * H + 1300))]
    planned = marey_trips(line, trips)
    actual = [MareyTrip(t.trip_id, t.direction, t.time_s + np.where(np.arange(t.time_s.size) >= 4, 120.0, 0.0),
                        t.chainage_m) if t.trip_id == "U2" else t for t in planned]
    stations = [(s.name_en, s.chainage_m) for s in line.stations]
    return stations, planned, actual


def _svg() -> str:
    stations, planned, actual = _tiny_day()
    ax = marey_chart(stations, planned, actual, title="tiny day", start_s=7 * H, end_s=7.5 * H)
    return svg_text(ax.figure, salt="golden-marey")


def test_the_marey_svg_is_the_golden_one():
    svg = _svg()
    golden = GOLDEN / "marey-tiny.svg"
    if os.environ.get("LRT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(svg, encoding="utf-8")
    assert svg == golden.read_text(encoding="utf-8"), "the chart changed: check it, then LRT_UPDATE_GOLDEN=1"


def test_the_marey_svg_draws_one_line_per_trip_and_names_the_stations():
    svg = _svg()
    groups = dict(re.findall(r'<g id="golden-marey-((?:planned|actual)-(?:up|down))"[^>]*>(.*?)</g>', svg, re.S))
    paths = {gid: len(re.findall(r"<path ", body)) for gid, body in groups.items()}
    assert paths == {"planned-up": 2, "planned-down": 1, "actual-up": 2, "actual-down": 1}
    # the y tick labels are the station names (text kept as text), the x labels clock times
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for name in ("S1", "S2", "S3"):
        assert name in texts
    assert "07:00" in texts and "07:15" in texts and "tiny day" in texts
    # a thin grid line and a short tick at each 5 minutes between the labelled quarter-hours: 07:05, 07:10, ...
    grid = re.search(r'<g id="golden-marey-minor-grid">(.*?)</g>', svg, re.S).group(1)
    ticks = re.search(r'<g id="golden-marey-minor-ticks">.*?</defs>(.*?)</g>', svg, re.S).group(1)
    xs = [float(x) for x in re.findall(r'<use [^>]*x="([\d.]+)"', ticks)]
    assert len(re.findall(r"<path ", grid)) == len(xs) == 4
    assert [float(x) for x in re.findall(r"M ([\d.]+) ", grid)] == xs
    assert "http" not in svg and "<metadata>" not in svg


def test_the_same_chart_gives_the_same_bytes_and_two_salts_give_distinct_ids():
    a, b = _svg(), _svg()
    assert a == b
    stations, planned, actual = _tiny_day()
    other = svg_text(marey_chart(stations, planned, actual, title="tiny day").figure, salt="other")
    ids_a = set(re.findall(r' id="([^"]+)"', a))
    ids_b = set(re.findall(r' id="([^"]+)"', other))
    assert not ids_a & ids_b
