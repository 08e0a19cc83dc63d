"""Reading scripted faults: every check on both sides of its limit, each refusal as the exact line the user
reads after ``error: `` (``lrt simulate --faults`` prints ``str(InputError)``; tests/test_bad_input.py shows it
through the command), and the faults read into :class:`~lrt.disruptions.Fault` objects field by field.
"""

from __future__ import annotations

import pytest

from lrt.disruptions import Fault
from lrt.errors import InputError
from lrt.io.faults import read_faults
from lrt.paths import shipped

TRAINS = {"T01", "T07"}


def _faults(tmp_path, *faults: str):
    """A disruption file with one ``[[faults]]`` table per text."""
    path = tmp_path / "faults.toml"
    path.write_text("schema_version = 1\n" + "".join(f"\n[[faults]]\n{f}\n" for f in faults), encoding="utf-8")
    return path


def _refusal(path, line, trains=TRAINS) -> str:
    with pytest.raises(InputError) as exc:
        read_faults(path, line, trains)
    return str(exc.value)


DOOR = 'kind = "door"\ntrain = "T07"\n'
REFUSED = [
    ('kind = "meteor"\ntime = "07:00"', "faults[0].kind: 'meteor', expected one of door, switch, train, power_rail, pull_out"),
    (DOOR + 'time = "7h42"\nduration = { value = 4, unit = "min" }',
     "faults[0].time: '7h42', expected a time HH:MM or HH:MM:SS"),
    (DOOR + 'time = "30:00:01"\nduration = { value = 0, unit = "s" }',
     "faults[0].time: '30:00:01', expected a time no later than 30:00:00 (the end of the service day)"),
    (DOOR + 'time = "08:00"\nend = "08:00"', "faults[0].end: 08:00, expected a time after 08:00"),
    (DOOR + 'time = "08:00"\nend = "8h"', "faults[0].end: '8h', expected a time HH:MM or HH:MM:SS"),
    (DOOR + 'time = "08:00"', 'faults[0].duration: missing, expected { value = .., unit = "s" }'),
    (DOOR + 'time = "08:00"\nduration = { value = -1, unit = "s" }', "faults[0].duration: -1 s, expected a value >= 0"),
    (DOOR + 'time = "29:00"\nduration = { value = 3601, unit = "s" }', "faults[0].duration: 60.0167 min from 29:00, "
     "expected a fault that ends by the end of the service day (30:00:00)"),
    ('kind = "train"\ntime = "08:00"\nduration = { value = 4, unit = "min" }', "faults[0].train: missing, expected a string"),
    ('kind = "train"\ntrain = "T99"\ntime = "08:00"\nduration = { value = 4, unit = "min" }',
     "faults[0].train: 'T99', expected a train (block) of the timetable: T01, T07"),
    (DOOR + 'station = "Nowhere"\ntime = "08:00"\nduration = { value = 4, unit = "min" }',
     "faults[0].station: unknown station 'Nowhere', expected a station of Astana LRT Line 1 (code or name)"),
    ('kind = "switch"\nstation = "Baiterek"\ntime = "08:00"\nend = "08:30"',
     "faults[0].station: 'Baiterek', expected a terminus (Airport or Nurly Zhol) or \"depot\""),
    ('kind = "switch"\nstation = 999\ntime = "08:00"\nend = "08:30"',
     "faults[0].station: unknown station 999, expected a station of Astana LRT Line 1 (code or name)"),
    ('kind = "power_rail"\nsection = [112]\ntime = "08:00"\nend = "08:30"',
     "faults[0].section: [112], expected two adjacent stations, e.g. [112, 113]"),
    ('kind = "power_rail"\nsection = "112-113"\ntime = "08:00"\nend = "08:30"',
     "faults[0].section: '112-113', expected two adjacent stations, e.g. [112, 113]"),
    ('kind = "power_rail"\nsection = [112, 114]\ntime = "08:00"\nend = "08:30"',
     "faults[0].section: [112, 114], expected two adjacent stations"),
    ('kind = "power_rail"\nsection = [112, "Atlantis"]\ntime = "08:00"\nend = "08:30"',
     "faults[0].section: unknown station 'Atlantis', expected a station of Astana LRT Line 1 (code or name)"),
]


@pytest.mark.parametrize("fault, message", REFUSED, ids=[c[1][:50] for c in REFUSED])
def test_each_check_of_a_fault_refuses_with_its_exact_message(tmp_path, astana, fault, message):
    path = _faults(tmp_path, fault)
    assert _refusal(path, astana[0]) == f"{path}: {message}"


def test_the_second_fault_is_named_by_its_place(tmp_path, astana):
    path = _faults(tmp_path, DOOR + 'time = "07:00"\nend = "07:05"', DOOR + 'time = "07:00"\nend = "06:59"')
    assert _refusal(path, astana[0]) == f"{path}: faults[1].end: 06:59, expected a time after 07:00"


def test_faults_are_read_field_by_field(tmp_path, astana):
    line, _ = astana
    path = _faults(
        tmp_path,
        DOOR + 'station = "Бәйтерек"\ntime = "07:42"\nduration = { value = 4, unit = "min" }\nnote = "doors"',
        'kind = "switch"\nstation = "Nurly Zhol"\ntime = "08:00"\nend = "08:45"',
        'kind = "switch"\nstation = "depot"\ntime = "09:00"\nend = "09:00:01"',           # one second: after the start
        'kind = "power_rail"\nsection = [113, "Baiterek"]\ntime = "10:00"\nduration = { value = 0, unit = "s" }',
        'kind = "pull_out"\ntrain = "T01"\ntime = "05:30"',                                  # no duration: none
        'kind = "train"\ntrain = "T01"\ntime = "29:00"\nduration = { value = 3600, unit = "s" }',  # ends at 30:00:00
        'kind = "door"\ntrain = "T01"\ntime = "06:00"\nend = "06:01"',                      # a door fault anywhere
    )
    assert read_faults(path, line, TRAINS) == (
        Fault(fault_id="F01", kind="door", start_s=7 * 3600 + 42 * 60, duration_s=240, train="T07", station=112,
              note="doors"),
        Fault(fault_id="F02", kind="switch", start_s=8 * 3600, duration_s=45 * 60, station=118),
        Fault(fault_id="F03", kind="switch", start_s=9 * 3600, duration_s=1, station=0),
        Fault(fault_id="F04", kind="power_rail", start_s=10 * 3600, duration_s=0, section=(113, 112)),
        Fault(fault_id="F05", kind="pull_out", start_s=5.5 * 3600, duration_s=0, train="T01"),
        Fault(fault_id="F06", kind="train", start_s=29 * 3600, duration_s=3600, train="T01"),
        Fault(fault_id="F07", kind="door", start_s=6 * 3600, duration_s=60, train="T01"),
    )
    assert all(f.source == "scripted" for f in read_faults(path, line))


def test_without_a_timetable_any_train_is_accepted_and_only_faults_of_trains_name_one(tmp_path, astana):
    line, _ = astana
    path = _faults(tmp_path, 'kind = "train"\ntrain = "T99"\ntime = "08:00"\nduration = { value = 1, unit = "min" }',
                   'kind = "switch"\nstation = 118\ntrain = "T99"\ntime = "08:00"\nend = "08:30"')
    train, switch = read_faults(path, line)
    assert (train.train, switch.train, switch.station) == ("T99", "", 118)


def test_the_shipped_disruptions_file(astana):
    line, _ = astana
    door, switch = read_faults(shipped("scenarios", "disruptions", "am-peak.toml"), line, {"T07"})
    assert (door.kind, door.start_s, door.duration_s, door.train, door.station) == ("door", 27720, 240, "T07", 112)
    assert (switch.kind, switch.start_s, switch.duration_s, switch.station) == ("switch", 28800, 2700, 118)
    assert (door.note, switch.note) == ("door fault at Baiterek", "Nurly Zhol scissors crossover fails")


def test_a_file_of_another_version_is_refused(tmp_path, astana):
    path = tmp_path / "faults.toml"
    path.write_text("schema_version = 2\n", encoding="utf-8")
    assert _refusal(path, astana[0]) == f"{path}: schema_version: 2, expected 1"
