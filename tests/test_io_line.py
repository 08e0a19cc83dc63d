"""Reading line and train files: the shipped data loads; bad files give one clear error line."""

from __future__ import annotations

import re
import shutil

import pytest

from lrt.cli import main
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
