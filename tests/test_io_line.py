"""Reading line and train files: the shipped data loads; bad files give one clear error line."""

from __future__ import annotations

import math
import re
import shutil

import pytest

from lrt.cli import main
from lrt.errors import InputError
from lrt.io.line import read_line
from lrt.network import PowerSupply
from lrt.paths import shipped_network, shipped_rolling_stock


def test_shipped_line_matches_the_reference(astana):
    line, train = astana
    assert line.codes == tuple(range(101, 119))
    assert line.station("Nurly Zhol").code == 118
    assert line.station("байтерек").code == 112  # any language, any case
    assert line.station(118).chainage_m - line.station(101).chainage_m == pytest.approx(21151.1, abs=0.1)
    assert line.end_m == pytest.approx(22401)
    assert {t.station for t in line.terminals} == {101, 118}
    assert all(t.platform_tracks == 2 for t in line.terminals)
    assert line.depot is not None and line.depot.station == 101
    assert sum(1 for r in line.speed_limits if r.kind == "curve") == 9
    assert any(r.kind == "bridge" for r in line.speed_limits)
    assert train.capacity == 652 and train.length_m == 60 and train.max_speed_ms == pytest.approx(80 / 3.6)


def test_every_number_in_the_shipped_files_says_where_it_comes_from():
    import tomllib

    for path in (shipped_network() / "line.toml", shipped_rolling_stock()):
        data = tomllib.loads(path.read_text())

        def walk(node, where):
            if isinstance(node, dict) and "value" in node:
                assert "source" in node or "estimate" in node, f"{path.name}: {where}"
                return 1
            if isinstance(node, dict):
                return sum(walk(v, f"{where}.{k}") for k, v in node.items())
            if isinstance(node, list):
                return sum(walk(v, f"{where}[{i}]") for i, v in enumerate(node))
            return 0

        assert walk(data, "") > 5
    for table in ("stations.csv", "speed_limits.csv", "gradients.csv", "curves.csv"):
        lines = (shipped_network() / table).read_text().splitlines()
        assert lines[0].split(",")[-1] == "source"
        assert all(row.rstrip().endswith(('"', ")")) or "estimate" in row or "derived" in row for row in lines[1:])


@pytest.fixture()
def net(tmp_path):
    target = tmp_path / "net"
    shutil.copytree(shipped_network(), target)
    return target


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


CASES = [
    ("line.toml", 'name = "Astana LRT Line 1"\n', "", r"line\.toml: name: missing, expected a string"),
    ("line.toml", "platform_length = { value = 70,", 'platform_length = { value = "seventy",',
     r"line\.toml: platform_length\.value: 'seventy', expected a number"),
    ("line.toml", 'length = { value = 22401, unit = "m"', 'length = { value = -5, unit = "m"',
     r"line\.toml: length: -5 m, expected a positive value"),
    ("line.toml", 'line_speed = { value = 80, unit = "km/h"', 'line_speed = { value = 80, unit = "mph"',
     r"line\.toml: line_speed\.unit: unknown unit 'mph', expected one of m/s, km/h"),
    ("stations.csv", "102,Atameken,Атамекен,Атамекен,51.041307,71.442196,2530.7",
     "102,Atameken,Атамекен,Атамекен,51.041307,71.442196,530.7",
     r"stations\.csv: line 3 \(station 102\): chainage_m: 530\.7 is not after station 101 \(625\), expected stations in line order"),
    ("stations.csv", "103,Yesil,Есиль,Есіл,51.049019,71.429829,3750.9", "103,Yesil,Есиль,Есіл,51.049019,71.429829,abc",
     r"stations\.csv: line 4 \(station 103\): chainage_m: 'abc', expected a number"),
    ("speed_limits.csv", "16125,16280,60,bridge", "26125,26280,60,bridge",
     r"speed_limits\.csv: line \d+ \(speed limit\): end_m: 26280, expected a chainage within the line \(0-22401 m\)"),
    ("gradients.csv", "start_m,end_m,gradient_permille", "start_m,end_m,gradient",
     r"gradients\.csv: header: .*expected also the column\(s\) gradient_permille"),
    ("line.toml", "[[terminals]]\nstation = 118", "[[terminals]]\nstation = 999",
     r"line\.toml: terminals\[1\]\.station: 999, expected a station code from the stations table"),
]


@pytest.mark.parametrize("file, old, new, message", CASES, ids=[c[3][:40] for c in CASES])
def test_bad_line_file_gives_one_clear_error_line(net, capsys, file, old, new, message):
    _edit(net / file, old, new)
    code = main(["runtime", "--network", str(net)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert re.search(message, err), err


TRAIN_CASES = [
    ('tare = { value = 120, unit = "t"', 'tare = { value = 120, unit = "furlong"',
     r"mass\.tare\.unit: unknown unit 'furlong', expected one of kg, t"),
    ('tare = { value = 120, unit = "t"', 'tare = { value = 120, unit = "km"',
     r"mass\.tare\.unit: 'km' \(a length\), expected a mass unit: kg, t"),
    ('length = { value = 60, unit = "m"', 'length = { value = -60, unit = "m"', r"length: -60 m, expected a positive value"),
    ("[braking]", "[brakes]", r"braking: missing, expected a table"),
    ('emergency = { value = 1.25', 'emergency = { value = 0.5', r"braking\.emergency: 0\.5 m/s2, expected at least the service rate"),
    ("schema_version = 1", "schema_version = 1\nschema_version = 2", r"syntax: .*expected valid TOML"),
]


@pytest.mark.parametrize("old, new, message", TRAIN_CASES, ids=[c[2][:30] for c in TRAIN_CASES])
def test_bad_train_file_gives_one_clear_error_line(tmp_path, capsys, old, new, message):
    path = tmp_path / "train.toml"
    shutil.copy(shipped_rolling_stock(), path)
    _edit(path, old, new)
    code = main(["runtime", "--rolling-stock", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: ") and "train.toml: " in err
    assert re.search(message, err), err


def test_missing_network_folder(tmp_path, capsys):
    assert main(["runtime", "--network", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: folder: no such folder, expected a line folder with line.toml" in capsys.readouterr().err


# --- every check of the line loader, on both sides of its limit -------------------------------------
# One change to a copy of the shipped line; a refusal is asserted as the whole line the user reads after
# "error: " (the command prints str(InputError), tests/test_bad_input.py shows it through the command).


def _refusal(folder) -> str:
    with pytest.raises(InputError) as exc:
        read_line(folder)
    return str(exc.value)


def _edited(net, *changes):
    """The line read after the changes ``(file, old, new)`` to the copy ``net``."""
    for file, old, new in changes:
        _edit(net / file, old, new)
    return read_line(net)


REFUSED = [
    # line.toml: the line's own quantities
    ("line.toml", 'length = { value = 22401, unit = "m"', 'length = { value = 0, unit = "m"',
     "length: 0 m, expected a positive value"),
    ("line.toml", 'line_speed = { value = 80,', 'line_speed = { value = 0,', "line_speed: 0 km/h, expected a positive value"),
    ("line.toml", 'platform_length = { value = 70,', 'platform_length = { value = 0,',
     "platform_length: 0 m, expected a positive value"),
    # [operations]
    ("line.toml", "acceleration = { value = 0.8,", "acceleration = { value = 0,",
     "operations.acceleration: 0 m/s2, expected a positive value"),
    ("line.toml", "braking = { value = 0.8,", "braking = { value = 0,", "operations.braking: 0 m/s2, expected a positive value"),
    ("line.toml", "dwell = { value = 45,", "dwell = { value = -1,", "operations.dwell: -1 s, expected a value >= 0"),
    ("line.toml", "allowance = { value = 7,", "allowance = { value = -1,", "operations.allowance: -1 %, expected a value >= 0"),
    ("line.toml", "allowance = { value = 7,", "allowance = { value = 50.001,",
     "operations.allowance: 50.001 %, expected a running-time margin of at most 50 %"),
    ("line.toml", "turnback_min = { value = 180,", "turnback_min = { value = -1,",
     "operations.turnback_min: -1 s, expected a value >= 0"),
    ("line.toml", "fleet = { value = 19,", "fleet = { value = 0,", "operations.fleet: 0 1, expected a positive value"),
    ("line.toml", "reserve_trains = { value = 2,", "reserve_trains = { value = -1,",
     "operations.reserve_trains: -1 1, expected a value >= 0"),
    ("line.toml", "reserve_trains = { value = 2,", "reserve_trains = { value = 19,",
     "operations.reserve_trains: 19, expected fewer than the fleet (19)"),
    ("line.toml", "max_dwell_extension = { value = 10,", "max_dwell_extension = { value = -1,",
     "operations.max_dwell_extension: -1 s, expected a value >= 0"),
    # [[terminals]] and [depot]
    ("line.toml", "[[terminals]]\nstation = 118", "[[terminals]]\nstation = 102",
     "terminals[1].station: 102, expected a terminal station (101 or 118)"),
    ("line.toml", "[[terminals]]\nstation = 118", "[[terminals]]\nstation = 999",
     "terminals[1].station: 999, expected a station code from the stations table"),
    ("line.toml", "platform_tracks = 2", "platform_tracks = 0", "terminals[0].platform_tracks: 0, expected an integer >= 1"),
    ("line.toml", "crossover_chainage = { value = 760,", "crossover_chainage = { value = -1,",
     "terminals[0].crossover_chainage: -1 m, expected a value >= 0"),
    ("line.toml", "crossover_chainage = { value = 21640,", "crossover_chainage = { value = 22402,",
     "terminals[1].crossover_chainage: 22402 m, expected a chainage within the line (0-22401 m)"),
    ("line.toml", "crossover_speed = { value = 35,", "crossover_speed = { value = 0,",
     "terminals[0].crossover_speed: 0 km/h, expected a positive value"),
    ("line.toml", "switch_throw = { value = 6,", "switch_throw = { value = -1,",
     "terminals[0].switch_throw: -1 s, expected a value >= 0"),
    ("line.toml", "station = 101\nsource", "station = 999\nsource",
     "depot.station: 999, expected a station code from the stations table"),
    ("line.toml", "connection_chainage = { value = 1700,", "connection_chainage = { value = -1,",
     "depot.connection_chainage: -1 m, expected a value >= 0"),
    ("line.toml", "connection_chainage = { value = 1700,", "connection_chainage = { value = 22402,",
     "depot.connection_chainage: 22402 m, expected a chainage within the line (0-22401 m)"),
    ("line.toml", "pull_out = { value = 300,", "pull_out = { value = -1,", "depot.pull_out: -1 s, expected a value >= 0"),
    ("line.toml", "pull_in = { value = 300,", "pull_in = { value = -1,", "depot.pull_in: -1 s, expected a value >= 0"),
    # [power]
    ("line.toml", "receptivity = { value = 0.5,", "receptivity = { value = -0.001,",
     "power.receptivity: -0.001 1, expected a share between 0 and 1"),
    ("line.toml", "receptivity = { value = 0.5,", "receptivity = { value = 1.001,",
     "power.receptivity: 1.001 1, expected a share between 0 and 1"),
    ("line.toml", "supply_efficiency = { value = 0.92,", "supply_efficiency = { value = 0,",
     "power.supply_efficiency: 0 1, expected an efficiency between 0 and 1"),
    ("line.toml", "supply_efficiency = { value = 0.92,", "supply_efficiency = { value = 1.001,",
     "power.supply_efficiency: 1.001 1, expected an efficiency between 0 and 1"),
    ("line.toml", "nominal_voltage = { value = 750,", "nominal_voltage = { value = 0,",
     "power.nominal_voltage: 0 V, expected a positive value"),
    ("line.toml", "receptivity = {", "receptiveness = {",
     "power.receptiveness: unknown key 'receptiveness', expected one of receptivity, supply_efficiency, nominal_voltage"),
    # stations.csv
    ("stations.csv", "code,", "kode,", "header: columns ['kode', 'name_en', 'name_ru', 'name_kk', 'lat', 'lon', "
                                       "'chainage_m', 'source'], expected also the column(s) code"),
    ("stations.csv", "101,Airport,", "abc,Airport,", "line 2: code: 'abc', expected an integer"),
    ("stations.csv", "103,Yesil,", "102,Yesil,", "line 4 (station 102): code: 102, expected a code not already used on line 3"),
    ("stations.csv", "71.458704,625.0,", "71.458704,-1,", "line 2 (station 101): chainage_m: -1, expected a number >= 0"),
    ("stations.csv", "71.442196,2530.7,", "71.442196,625.0,",
     "line 3 (station 102): chainage_m: 625 is not after station 101 (625), expected stations in line order"),
    ("stations.csv", "103,Yesil,", "103,,", "line 4 (station 103): name_en: empty, expected a value"),
    ("stations.csv", "103,Yesil,", "103,ATAMEKEN,",
     "line 4 (station 103): name_en: 'ATAMEKEN', already the name of station 102, expected a name of one station only"),
    ("stations.csv", "103,Yesil,Есиль,", "103,Yesil,аэропорт,",
     "line 4 (station 103): name_ru: 'аэропорт', already the name of station 101, expected a name of one station only"),
    ("stations.csv", "103,Yesil,Есиль,Есіл,", "103,Yesil,Есиль,105,",
     "line 4 (station 103): name_kk: '105', expected a name with letters (numbers are station codes)"),
    ("stations.csv", "103,Yesil,", "103,112,", "line 4 (station 103): name_en: '112', expected a name with letters "
                                                 "(numbers are station codes)"),
    ("stations.csv", ",51.049019,71.429829,", ",90.5,71.429829,",
     "line 4 (station 103): lat: 90.5, expected a latitude from -90 to 90 degrees"),
    ("stations.csv", ",51.049019,71.429829,", ",-90.5,71.429829,",
     "line 4 (station 103): lat: -90.5, expected a latitude from -90 to 90 degrees"),
    ("stations.csv", ",51.049019,71.429829,", ",51.049019,180.5,",
     "line 4 (station 103): lon: 180.5, expected a longitude from -180 to 180 degrees"),
    ("stations.csv", ",51.049019,71.429829,", ",51.049019,-180.5,",
     "line 4 (station 103): lon: -180.5, expected a longitude from -180 to 180 degrees"),
    # speed_limits.csv, gradients.csv, curves.csv: the sections
    ("speed_limits.csv", "0,590,25,tail", "-1,590,25,tail", "line 12 (speed limit): start_m: -1, expected a number >= 0"),
    ("speed_limits.csv", "855,1005,55,", "855,855,55,", "line 2 (speed limit): end_m: 855, expected a chainage after "
                                                        "start_m (855)"),
    ("speed_limits.csv", "21811,22401,25,", "21811,22402,25,",
     "line 17 (speed limit): end_m: 22402, expected a chainage within the line (0-22401 m)"),
    ("speed_limits.csv", "855,1005,55,curve,both,", "855,1005,55,curve,sideways,",
     "line 2 (speed limit): direction: 'sideways', expected both, up or down"),
    ("speed_limits.csv", "855,1005,55,", "855,1005,0,", "line 2 (speed limit): speed_limit_kmh: 0, expected a positive number"),
    ("gradients.csv", "2631,3651,3.0,", "2430,3651,3.0,", "line 3 (gradient): start_m: 2430 overlaps the previous section "
                                                          "(ends 2431), expected sections in chainage order without overlap"),
    ("gradients.csv", "725,2431,-2.0,", "725,725,-2.0,", "line 2 (gradient): end_m: 725, expected a chainage after start_m "
                                                         "(725)"),
    ("gradients.csv", "725,2431,-2.0,", "725,2431,80.001,",
     "line 2 (gradient): gradient_permille: 80.001, expected a gradient within ±80 ‰"),
    ("gradients.csv", "725,2431,-2.0,", "725,2431,-80.001,",
     "line 2 (gradient): gradient_permille: -80.001, expected a gradient within ±80 ‰"),
    ("curves.csv", "855,1005,235,", "855,1005,19.99,", "line 2 (curve): radius_m: 19.99, expected a number >= 20"),
    ("curves.csv", "855,1005,235,", "855,855,235,", "line 2 (curve): end_m: 855, expected a chainage after start_m (855)"),
    ("curves.csv", "855,1005,235,", "855,22402,235,",
     "line 2 (curve): end_m: 22402, expected a chainage within the line (0-22401 m)"),
]


@pytest.mark.parametrize("file, old, new, message", REFUSED, ids=[f"{c[0]}: {c[3][:50]}" for c in REFUSED])
def test_each_check_of_the_line_refuses_with_its_exact_message(net, file, old, new, message):
    _edit(net / file, old, new)
    assert _refusal(net) == f"{net / file}: {message}"


def test_a_line_needs_two_stations_and_two_are_enough(net):
    rows = (net / "stations.csv").read_text(encoding="utf-8").splitlines()
    (net / "stations.csv").write_text("\n".join([rows[0], rows[1]]) + "\n", encoding="utf-8")
    assert _refusal(net) == f"{net / 'stations.csv'}: rows: 1 station(s), expected at least two stations"
    (net / "stations.csv").write_text("\n".join([rows[0], rows[1], rows[-1]]) + "\n", encoding="utf-8")
    line_toml = (net / "line.toml").read_text(encoding="utf-8")  # its intermediate crossovers are gone too
    (net / "line.toml").write_text(re.sub(r"\[\[crossovers\]\].*?(?=\[depot\])", "", line_toml, flags=re.S),
                                   encoding="utf-8")
    assert read_line(net).codes == (101, 118)


def test_the_terminal_message_lists_the_end_stations_in_order(net):
    # codes 16 (first station) and 9 (last): a set iterates them as 16, 9; the message sorts them
    line = _edited(net, ("stations.csv", "101,Airport,", "16,Airport,"), ("stations.csv", "118,Nurly Zhol,", "9,Nurly Zhol,"),
                   ("line.toml", "[[terminals]]\nstation = 101", "[[terminals]]\nstation = 16"),
                   ("line.toml", "[[terminals]]\nstation = 118", "[[terminals]]\nstation = 9"),
                   ("line.toml", "station = 101\nsource", "station = 16\nsource"))
    assert [t.station for t in line.terminals] == [16, 9]
    _edit(net / "line.toml", "[[terminals]]\nstation = 9", "[[terminals]]\nstation = 102")
    assert _refusal(net) == f"{net / 'line.toml'}: terminals[1].station: 102, expected a terminal station (9 or 16)"


def test_values_exactly_at_their_limits_are_accepted(net):
    line = _edited(
        net,
        ("line.toml", "allowance = { value = 7,", "allowance = { value = 50,"),          # at most 50 %
        ("line.toml", "reserve_trains = { value = 2,", "reserve_trains = { value = 18,"),  # fleet - 1
        ("line.toml", "platform_tracks = 2", "platform_tracks = 1"),
        ("line.toml", "crossover_chainage = { value = 21640,", "crossover_chainage = { value = 22401,"),  # the line's end
        ("line.toml", "connection_chainage = { value = 1700,", "connection_chainage = { value = 22401,"),
        ("line.toml", "receptivity = { value = 0.5,", "receptivity = { value = 1,"),
        ("line.toml", "supply_efficiency = { value = 0.92,", "supply_efficiency = { value = 1,"),
        ("stations.csv", "71.458704,625.0,", "71.458704,0,"),                             # chainage 0: the line's start
        ("stations.csv", "51.111985,71.528823,21776.1", "51.111985,71.528823,22401"),     # ... and its end
        ("stations.csv", "51.041307,71.442196,", "90,180,"),                              # the poles and the date line
        ("stations.csv", "51.049019,71.429829,", "-90,-180,"),
        ("gradients.csv", "725,2431,-2.0,", "725,2431,80,"),                              # ±80 permille
        ("gradients.csv", "2631,3651,3.0,", "2431,3651,-80,"),                            # starts where the last ends
        ("curves.csv", "855,1005,235,", "855,1005,20,"),                                  # radius 20 m
    )
    ops = line.operations
    assert (ops.allowance, ops.reserve_trains) == (0.5, 18)
    assert line.terminals[0].platform_tracks == 1 and line.terminals[1].crossover_chainage_m == 22401
    assert line.depot.connection_chainage_m == 22401
    assert line.power == PowerSupply(receptivity=1.0, supply_efficiency=1.0, nominal_voltage_v=750.0)
    assert line.station(101).chainage_m == 0 and line.station(118).chainage_m == 22401
    assert (line.station(102).lat, line.station(102).lon, line.station(103).lat, line.station(103).lon) == (90, 180, -90, -180)
    assert [(g.start_m, g.end_m, g.gradient) for g in line.gradients[:2]] == [(725, 2431, 0.08), (2431, 3651, -0.08)]
    assert line.curves[0].radius_m == 20


def test_zero_is_accepted_wherever_the_limit_is_zero(net):
    line = _edited(
        net,
        *(("line.toml", f"{key} = {{ value = {value},", f"{key} = {{ value = 0,")
          for key, value in (("dwell", 45), ("allowance", 7), ("turnback_min", 180), ("reserve_trains", 2),
                             ("max_dwell_extension", 10), ("switch_throw", 6), ("crossover_chainage", 760),
                             ("connection_chainage", 1700), ("pull_out", 300), ("pull_in", 300), ("receptivity", 0.5))))
    ops = line.operations
    assert (ops.dwell_s, ops.allowance, ops.turnback_min_s, ops.reserve_trains, ops.max_dwell_extension_s) == (0, 0, 0, 0, 0)
    assert (line.terminals[0].switch_throw_s, line.terminals[0].crossover_chainage_m) == (0, 0)
    assert (line.depot.connection_chainage_m, line.depot.pull_out_s, line.depot.pull_in_s) == (0, 0, 0)
    assert line.power.receptivity == 0


def test_optional_fields_take_their_documented_defaults(net):
    line = _edited(
        net,
        ("line.toml", "credit = ", "# credit = "),
        ("line.toml", "max_dwell_extension = {", "# max_dwell_extension = {"),
        ("line.toml", "[depot]", "[notes]"),                                 # no [depot] table
        ("line.toml", "connection_chainage = {", "# connection_chainage = {"),
        ("line.toml", "pull_out = {", "# pull_out = {"),
        ("line.toml", "pull_in = {", "# pull_in = {"),
        ("stations.csv", "103,Yesil,Есиль,Есіл,51.049019,71.429829,", "103,Yesil,,,,,"),  # no Russian, Kazakh, position
        ("speed_limits.csv", "855,1005,55,curve,both,", "855,1005,55,,,"),    # no kind, no direction
        ("speed_limits.csv", "590,900,40,terminal approach,down,", "590,900,40,terminal approach,DOWN,"),
    )
    assert line.credit == "" and line.operations.max_dwell_extension_s == 10.0 and line.depot is None
    yesil = line.station(103)
    assert (yesil.name_ru, yesil.name_kk, math.isnan(yesil.lat), math.isnan(yesil.lon)) == ("", "", True, True)
    assert (line.speed_limits[0].kind, line.speed_limits[0].direction) == ("restriction", "both")
    assert line.speed_limits[11].direction == "down"


def test_the_shipped_line_is_read_into_si_units_field_by_field(astana):
    """Each value as typed in network/astana-line1 (line.toml and the CSV tables), converted by hand."""
    line, _ = astana
    kmh = 1 / 3.6
    assert (line.name, line.start_m, line.end_m) == ("Astana LRT Line 1", 0.0, 22401.0)
    assert line.line_speed_ms == pytest.approx(80 / 3.6, rel=1e-15) and line.platform_length_m == 70
    assert line.credit.startswith("Station coordinates, chainage and curves derived from OpenStreetMap")
    assert line.source == str(shipped_network())
    ops = line.operations
    assert (ops.acceleration_ms2, ops.braking_ms2, ops.dwell_s, ops.turnback_min_s) == (0.8, 0.8, 45, 180)
    assert ops.allowance == pytest.approx(0.07, rel=1e-15)
    assert (ops.fleet, ops.reserve_trains, ops.max_dwell_extension_s) == (19, 2, 10)
    assert isinstance(ops.fleet, int) and isinstance(ops.reserve_trains, int)
    first, last = line.terminals
    assert (first.station, first.platform_tracks, first.crossover_chainage_m, first.switch_throw_s) == (101, 2, 760, 6)
    assert first.crossover_speed_ms == pytest.approx(35 * kmh, rel=1e-15)
    assert first.arrangement == "scissors crossover before the platform, two platform tracks"
    assert first.note == "estimate: scissors crossover about 100 m beyond the platform end"
    assert (last.station, last.crossover_chainage_m) == (118, 21640)
    depot = line.depot
    assert (depot.name, depot.station) == ("Airport depot and control centre (16.84 ha)", 101)
    assert (depot.connection_chainage_m, depot.pull_out_s, depot.pull_in_s) == (1700, 300, 300)
    assert depot.note.startswith("depot near the airport, 16.84 ha")
    airport = line.stations[0]
    assert (airport.code, airport.name_en, airport.name_ru, airport.name_kk) == (101, "Airport", "Аэропорт", "Әуежай")
    assert (airport.lat, airport.lon, airport.chainage_m) == (51.027950, 71.458704, 625.0)
    assert airport.source.startswith("OSM relation 19988457")
    assert line.stations[-1].chainage_m == 21776.1
    bridge = line.speed_limits[9]
    assert (bridge.start_m, bridge.end_m, bridge.kind, bridge.direction) == (16125, 16280, "bridge", "both")
    assert bridge.limit_ms == pytest.approx(60 * kmh, rel=1e-15) and bridge.note.startswith("estimate: Esil")
    assert (line.speed_limits[13].kind, line.speed_limits[13].direction) == ("terminal approach", "up")
    ramp = line.gradients[12]
    assert (ramp.start_m, ramp.end_m, ramp.gradient, ramp.note) == (15550, 16075, 0.012,
                                                                     "estimate: ramp up to the Esil bridge deck")
    curve = line.curves[0]
    assert (curve.start_m, curve.end_m, curve.radius_m) == (855, 1005, 235) and curve.note.startswith("derived: circle fit")
    assert (len(line.stations), len(line.speed_limits), len(line.gradients), len(line.curves)) == (18, 16, 17, 9)
