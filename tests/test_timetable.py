"""Timetables: building from a pattern, the shipped weekday timetable, and the checker's findings."""

from __future__ import annotations

import csv
import filecmp
import math
import shutil

import pytest
from conftest import replace

from lrt.cli import main
from lrt.errors import InputError
from lrt.io.pattern import read_pattern
from lrt.io.timetable import read_timetable, write_timetable
from lrt.paths import shipped, shipped_timetable
from lrt.timetable.build import build_timetable, departure_times
from lrt.timetable.check import check_timetable
from lrt.timetable.pattern import Band, ServicePattern
from lrt.units import parse_clock

WEEKDAY = shipped("timetables", "patterns", "weekday.toml")


def _pattern(bands, **kw):
    base = dict(name="test", service_id="test", days=("monday",), start_date="20260101", end_date="20261231",
                dwell_s=45.0, turnback_min_s=180.0, reserve_trains=2, source="test.toml")
    base.update(kw)
    return ServicePattern(bands=tuple(Band(name=n, start_s=parse_clock(a), end_s=parse_clock(b), headway_s=h)
                                      for n, a, b, h in bands), **base)


def test_departures_change_cleanly_between_bands():
    # 8-min band to 07:00, then 5 min: 06:00 06:08 ... 06:56, then max(07:00, 06:56 + 5) = 07:01, 07:06 ...
    p = _pattern([("a", "06:00", "07:00", 480.0), ("b", "07:00", "07:30", 300.0), ("c", "07:30", "08:00", 600.0)])
    times = departure_times(p, [480.0, 300.0, 600.0])
    hhmm = [f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}" for t in times]
    assert hhmm == ["06:00", "06:08", "06:16", "06:24", "06:32", "06:40", "06:48", "06:56",
                    "07:01", "07:06", "07:11", "07:16", "07:21", "07:26",
                    # 07:26 + 5 = 07:31 passes 07:30: max(07:30, 07:26 + min(5, 10)) = 07:31, then every 10 min
                    "07:31", "07:41", "07:51"]


def test_shipped_weekday_timetable_is_current_and_clean(astana, tmp_path, capsys):
    line, train = astana
    # the shipped folder is exactly what the shipped pattern builds
    assert main(["timetable", "build", str(WEEKDAY), "-o", str(tmp_path / "tt")]) == 0
    cmp = filecmp.dircmp(shipped_timetable("weekday"), tmp_path / "tt")
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
    assert main(["timetable", "check"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("no violations")


# --- what the shipped weekday timetable holds, worked out by hand from the pattern and the run times ---

@pytest.fixture(scope="module")
def weekday(astana):
    """The shipped weekday timetable and the one-way offsets of each stop worked out from its parts.

    The pattern (timetables/patterns/weekday.toml): dwell 45 s, 50 s at Baiterek (112) and House of
    Ministries (113); run times at half the design load (``load_factor = 0.5``) with the line's 7 %
    allowance, from the running-time calculation (tested against closed forms in test_runtime.py).
    """
    from lrt.runtime import run_profile

    line, train = astana
    offsets = {}
    for direction in ("up", "down"):
        p = run_profile(line, train, direction=direction, passengers=0.5 * 652)
        for seg in p.segments:  # the allowance, realised by coasting, adds 6.5 % to 7 % to every run
            assert seg.min_run_s * 1.065 <= seg.run_s <= seg.min_run_s * 1.07 + 1e-9, seg
        t, arr, dep = 0.0, [0.0], [0.0]
        for seg in p.segments:
            t += seg.run_s
            arr.append(t)
            t += 0.0 if seg is p.segments[-1] else {112: 50.0, 113: 50.0}.get(seg.to_code, 45.0)
            dep.append(t)
        # 16 intermediate dwells: 14 × 45 s + 2 × 50 s = 730 s
        assert dep[-1] - sum(seg.run_s for seg in p.segments) == pytest.approx(730, abs=1e-9)
        offsets[direction] = (p.stops, arr, dep)
    return read_timetable(shipped_timetable("weekday")), offsets


def _agrees(trip, start_s, offsets):
    """Every stop time of ``trip`` is ``start_s`` plus the worked offset, published to the second."""
    stops, arr, dep = offsets
    assert trip.stops == stops
    assert trip.start_s == start_s
    for got, want in zip(trip.arrival_s + trip.departure_s, arr + dep):
        assert abs(got - (start_s + want)) <= 0.5, (trip.trip_id, got, start_s + want)


def test_shipped_weekday_departures_follow_the_bands_worked_by_hand(weekday):
    tt, _ = weekday
    hour = 3600.0
    expected = ([6 * hour + 600 * k for k in range(6)]            # 06:00-06:50 every 10 min
                + [7 * hour + 300 * k for k in range(30)]         # AM peak 07:00-09:25 at the fleet headway, 5 min
                + [9.5 * hour + 450 * k for k in range(56)]       # base 09:30-16:22:30 every 7.5 min (7 h = 56 × 7.5)
                + [16.5 * hour + 300 * k for k in range(36)]      # PM peak 16:30-19:25 every 5 min
                + [19.5 * hour + 480 * k for k in range(19)]      # evening 19:30-21:54 every 8 min (18.75 × 8 = 150)
                # 21:54 + 8 min passes 22:00: max(22:00, 21:54 + min(8, 12) min) = 22:02, then every 12 min
                # while before 23:30 (22:02 + 7 × 12 min = 23:26)
                + [22 * hour + 120 + 720 * k for k in range(8)])
    up = sorted(t.start_s for t in tt.trips if t.direction == "up")
    assert up == expected
    assert all(t.origin == 101 and t.destination == 118 for t in tt.trips if t.direction == "up")
    # every up trip comes back, and four trains stabled at Nurly Zhol start the down service at the band
    # times that come a headway before the first train from the Airport is ready there (06:42:07):
    # 06:00, 06:10, 06:20, 06:30
    ds = sorted((t.trip_id, t.start_s) for t in tt.trips if t.trip_id.startswith("DS"))
    assert ds == [("DS1", 6 * hour), ("DS2", 6 * hour + 600), ("DS3", 6 * hour + 1200), ("DS4", 6 * hour + 1800)]
    assert len(tt.trips) == 2 * 155 + 4 == 314 and len(tt.blocks()) == 17


def test_shipped_weekday_trip_times_worked_by_hand(weekday):
    tt, offsets = weekday
    up_s, down_s = offsets["up"][1][-1], offsets["down"][1][-1]
    # one way: about 1617 s running (README: 26:54 empty, a little more at half load) + 730 s of dwells
    assert round(up_s) == round(down_s) == 39 * 60 + 7
    # the first departure from the Airport, 06:00:00, and its return after the 180 s turnback
    _agrees(tt.trip("U001"), 6 * 3600.0, offsets["up"])
    _agrees(tt.trip("D001"), 6 * 3600.0 + round(up_s) + 180, offsets["down"])
    # the first train from Nurly Zhol
    _agrees(tt.trip("DS1"), 6 * 3600.0, offsets["down"])
    # a peak trip: the 19th departure, the 13th of the AM peak: 07:00 + 12 × 5 min = 08:00:00
    _agrees(tt.trip("U019"), 8 * 3600.0, offsets["up"])
    _agrees(tt.trip("D019"), 8 * 3600.0 + round(up_s) + 180, offsets["down"])
    # a base trip at a half minute: U037 is the first of the base (6 + 30 before it), U046 the tenth:
    # 09:30 + 9 × 7.5 min = 10:37:30
    _agrees(tt.trip("U046"), 10.5 * 3600 + 450, offsets["up"])
    # the fleet headway of the peaks: a cycle of both one-way times and both turnbacks over 17 trains
    # (19 - 2 in reserve), rounded up to 15 s: (2347 + 2347 + 360) / 17 = 297.3 s -> 300 s
    cycle = round(up_s) + round(down_s) + 2 * 180
    assert math.ceil(cycle / 17 / 15) * 15 == 300


def test_built_timetable_respects_fleet_blocks_and_peak_headway(astana):
    line, train = astana
    pattern = read_pattern(WEEKDAY, line)
    tt = build_timetable(line, train, pattern)
    available = 19 - pattern.reserve_trains
    counts = tt.trains_in_service(range(0, 26 * 3600, 30))
    assert max(counts) == available  # the peaks use the whole fleet, and never more
    for block, trips in tt.blocks().items():
        for prev, nxt in zip(trips, trips[1:]):
            assert nxt.start_s >= prev.end_s + 180 - 1  # turnback minimum
            if nxt.origin != prev.destination:
                pytest.fail(f"{block}: {nxt.trip_id} starts where {prev.trip_id} did not end")
    up = sorted(t.start_s for t in tt.trips if t.direction == "up")
    peak = [b - a for a, b in zip(up, up[1:]) if parse_clock("07:30") <= a < parse_clock("09:00")]
    assert set(peak) == {300.0}  # "fleet": cycle / 17 trains rounded up to 15 s = 5:00
    # every up trip turns back into a down trip at Nurly Zhol after the turnback minimum
    for t in tt.trips:
        if t.direction == "up":
            back = tt.trip("D" + t.trip_id[1:])
            assert back.block_id == t.block_id and back.start_s - t.end_s == 180


def test_pattern_needing_more_trains_than_the_fleet_is_refused_with_the_numbers(astana):
    line, train = astana
    pattern = _pattern([("peak", "07:00", "09:00", 180.0)])
    with pytest.raises(InputError) as err:
        build_timetable(line, train, pattern)
    message = str(err.value)
    up = build_timetable(line, train, _pattern([("base", "07:00", "08:00", 600.0)])).trips[0]
    cycle = 2 * (up.end_s - up.start_s) + 2 * 180
    needed = math.ceil(cycle / 180)
    assert message.startswith("test.toml: bands[0] (peak 07:00:00-09:00:00): headway 3:00 needs ")
    assert f"needs {needed} trains" in message, message
    assert "expected at most 17 trains (fleet 19 - 2 reserve)" in message


def test_headway_below_the_line_minimum_is_refused(astana):
    line, train = astana
    pattern = _pattern([("peak", "07:00", "08:00", 120.0)], reserve_trains=0)
    line40 = replace(line, operations=replace(line.operations, fleet=60))
    with pytest.raises(InputError, match=r"headway 2:00, expected at least the minimum headway 2:3\d \(terminal"):
        build_timetable(line40, train, pattern)


def _copy_shipped(tmp_path):
    target = tmp_path / "tt"
    shutil.copytree(shipped_timetable("weekday"), target)
    return target


def _shift_trip(folder, trip_id, seconds):
    from lrt.units import format_clock

    path = folder / "stop_times.csv"
    rows = list(csv.DictReader(path.open()))
    for r in rows:
        if r["trip_id"] == trip_id:
            for key in ("arrival_time", "departure_time"):
                r[key] = format_clock(parse_clock(r[key]) + seconds)
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_two_trains_thirty_seconds_apart_are_caught(tmp_path, capsys):
    folder = _copy_shipped(tmp_path)
    tt = read_timetable(folder)
    lead, follow = "U060", "U061"
    gap = tt.trip(follow).start_s - tt.trip(lead).start_s
    _shift_trip(folder, follow, -(gap - 30))
    assert main(["timetable", "check", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    hits = [line for line in out if " headway " in f" {line} " and f"trip {follow}" in line]
    assert hits, out
    assert "departs 30 s after trip U060" in hits[0]
    assert "at Airport" in hits[0] or "at Atameken" in hits[0]


def test_short_turnback_is_caught(tmp_path, capsys):
    folder = _copy_shipped(tmp_path)
    _shift_trip(folder, "D020", -120)  # layover at Nurly Zhol 180 s -> 60 s
    assert main(["timetable", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "turnback  trip D020  train " in out and "60 s between trip U020 and D020, below the turnback minimum 180 s" in out


def test_unknown_stop_and_backwards_times_are_violations(tmp_path, capsys):
    folder = _copy_shipped(tmp_path)
    text = (folder / "stop_times.csv").read_text()
    text = text.replace("U005,06:42:", "U005,05:42:", 1)  # a departure before the arrival at that stop
    lines = text.splitlines()
    i = next(k for k, row in enumerate(lines) if row.startswith("U007,") and row.endswith(",105,5"))
    lines[i] = lines[i].replace(",105,5", ",199,5")
    (folder / "stop_times.csv").write_text("\n".join(lines) + "\n")
    with (folder / "stops.csv").open("a") as f:  # the folder lists the stop; the line does not have it
        f.write("199,Nowhere,51.1,71.4\n")
    assert main(["timetable", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "unknown stop  trip U007" in out and "stop 199 is not a station of Astana LRT Line 1" in out
    assert "time order  trip U005" in out


def test_more_trains_than_the_fleet_is_caught(astana, tmp_path):
    line, train = astana
    tt = read_timetable(shipped_timetable("weekday"))
    violations = check_timetable(tt, line, train, reserve=5)  # 14 available, the peak uses 17
    fleet = [v for v in violations if v.kind == "fleet"]
    assert len(fleet) == 2  # the AM and the PM peak
    assert all("up to 17 trains out at once until" in v.message for v in fleet)
    assert all(v.message.endswith("14 available (fleet 19 - 5 reserve)") for v in fleet)


def test_unreadable_timetable_exits_2(tmp_path, capsys):
    folder = _copy_shipped(tmp_path)
    lines = (folder / "stop_times.csv").read_text().splitlines()
    row = next(i for i, text in enumerate(lines) if text.startswith("U001,06:02:"))
    lines[row] = lines[row].replace("U001,06:02:", "U001,6h02:")
    (folder / "stop_times.csv").write_text("\n".join(lines) + "\n")
    assert main(["timetable", "check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and f"stop_times.csv: line {row + 1} (trip U001): arrival_time: '6h02:" in err
    assert err.endswith("expected a time HH:MM:SS\n")


def test_write_read_round_trip(astana, tmp_path):
    line, train = astana
    tt = read_timetable(shipped_timetable("weekday"))
    write_timetable(tt, line, tmp_path / "again")
    back = read_timetable(tmp_path / "again")
    assert back.trips == tt.trips and back.operations == tt.operations


def test_build_refuses_to_overwrite_a_folder_that_is_not_a_timetable(tmp_path, capsys):
    (tmp_path / "precious.txt").write_text("keep me")
    assert main(["timetable", "build", str(WEEKDAY), "-o", str(tmp_path)]) == 2
    assert "exists and is not a timetable folder" in capsys.readouterr().err
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_bad_pattern_names_the_field(tmp_path, capsys):
    bad = tmp_path / "p.toml"
    bad.write_text(WEEKDAY.read_text().replace('headway = "fleet"', 'headway = "often"', 1))
    assert main(["timetable", "build", str(bad), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert err.endswith("p.toml: bands[1].headway: 'often', expected \"fleet\" or { value = .., unit = \"min\" }\n")
    assert not (tmp_path / "out").exists()


def test_a_fleet_headway_is_not_pushed_a_step_up_by_the_last_bits_of_a_cycle():
    # a cycle of 660 s worked out as 660.000000004 s (the running-time integration's last bits), four trains:
    # 660 / 4 = 165 s, a step of 15 s; the published headway is 165 s, not 180 s
    from types import SimpleNamespace

    from lrt.conditions import Conditions
    from lrt.timetable.build import _band_headways
    from lrt.timetable.pattern import Band

    half = SimpleNamespace(duration_s=300.000000002)
    pattern = SimpleNamespace(reserve_trains=0, turnback_min_s=30.0, source="p.toml",
                              bands=(Band(name="day", start_s=6 * 3600.0, end_s=9 * 3600.0, headway_s=None),))
    line = SimpleNamespace(operations=SimpleNamespace(fleet=4))
    report = SimpleNamespace(min_headway_s=120.0)
    assert _band_headways(line, pattern, report, half, half, Conditions(), False) == [165.0]
