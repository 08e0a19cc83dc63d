"""`lrt runtime` and the command line as a user sees it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lrt.cli import main
from lrt.cli.runtime import ENERGY_KEYS


def test_json_has_the_documented_shape_and_adds_up(capsys):
    assert main(["runtime", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    up, down = report["directions"]
    assert (up["direction"], up["from"], up["to"]) == ("up", "Airport", "Nurly Zhol")
    assert (down["from"], down["to"]) == ("Nurly Zhol", "Airport")
    for d in (up, down):
        assert len(d["segments"]) == 17
        assert sum(s["run_s"] for s in d["segments"]) == pytest.approx(d["running_s"], abs=0.2)
        assert d["total_s_with_dwell"] == pytest.approx(d["running_s"] + 16 * d["dwell_s"], abs=0.1)
        assert set(d["segments"][0]) >= {"from", "to", "distance_m", "run_s", "max_speed_kmh", *ENERGY_KEYS}


def test_energy_in_the_json_adds_up(capsys):
    def report(*extra):
        assert main(["runtime", "--format", "json", *extra]) == 0
        return json.loads(capsys.readouterr().out)

    empty = report()
    assert empty["receptivity"] == 0.5
    for d in empty["directions"]:
        for key in ENERGY_KEYS[:-1]:  # every energy of the run is the sum of its segments'
            assert sum(s[key] for s in d["segments"]) == pytest.approx(d[key], abs=0.01 + 0.0005 * 17)
        net = d["drawn_at_substation_kwh"] - d["returned_to_substation_kwh"]
        assert d["net_at_substation_kwh"] == pytest.approx(net, abs=0.011)
        km = sum(s["distance_m"] for s in d["segments"]) / 1000
        assert d["net_kwh_per_train_km"] == pytest.approx(d["net_at_substation_kwh"] / km, abs=0.006)
        assert 0 < d["electric_braking_at_wheel_kwh"] <= d["braking_at_wheel_kwh"] < d["traction_at_wheel_kwh"]
    full = report("--load-factor", "1")
    severe = report("--weather", "severe")
    for e, f, s in zip(empty["directions"], full["directions"], severe["directions"]):
        assert f["net_at_substation_kwh"] > e["net_at_substation_kwh"]
        # at μ = 0.10 the motored half of the axles holds 59 kN: friction takes a share of the braking
        assert (s["electric_braking_at_wheel_kwh"] / s["braking_at_wheel_kwh"]
                < e["electric_braking_at_wheel_kwh"] / e["braking_at_wheel_kwh"])


def test_options_change_the_answer_in_the_right_direction(capsys):
    def running(*extra):
        assert main(["runtime", "--format", "json", "--direction", "up", *extra]) == 0
        return json.loads(capsys.readouterr().out)["directions"][0]

    base = running()
    assert running("--dwell", "20")["total_s_with_dwell"] == pytest.approx(base["running_s"] + 16 * 20, abs=0.1)
    assert running("--allowance", "0")["running_s"] < base["running_s"]
    assert running("--load-factor", "1.0")["running_s"] > base["running_s"]
    assert running("--adhesion", "0.05")["running_s"] > base["running_s"]


def test_table_and_csv_and_plot(tmp_path, capsys):
    plot = tmp_path / "speed.png"
    assert main(["runtime", "--plot", str(plot)]) == 0
    table = capsys.readouterr().out
    assert "one-way time" in table and "Baiterek" in table
    assert "kWh net" in table and "kWh/train-km" in table and "of which electric" in table
    assert plot.stat().st_size > 20_000 and plot.read_bytes()[:4] == b"\x89PNG"
    assert main(["runtime", "--format", "csv", "--direction", "down"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == ("direction,from,to,distance_m,run_s,max_speed_kmh,traction_at_wheel_kwh,"
                       "braking_at_wheel_kwh,electric_braking_at_wheel_kwh,drawn_at_substation_kwh,"
                       "returned_to_substation_kwh,net_at_substation_kwh,net_kwh_per_train_km")
    assert len(rows) == 18 and rows[1].startswith("down,Nurly Zhol,Zhibek Zholy,")


@pytest.mark.parametrize("args, message", [
    (["--load-factor", "-1"], "error: --load-factor: command line: -1, expected a share of the design load from 0 to 2"),
    (["--allowance", "80"], "error: --allowance: command line: 80, expected a running-time margin in % from 0 to 50"),
    (["--adhesion", "0"], "error: --adhesion: command line: 0, expected an adhesion coefficient above 0 and at most 1"),
    (["--plot", "chart.gif"], "error: --plot: command line: 'chart.gif', expected a file name ending in .png, .svg, .pdf"),
])
def test_bad_options(capsys, args, message):
    assert main(["runtime", *args]) == 2
    assert capsys.readouterr().err == message + "\n"


def test_help_does_not_import_pandas_or_matplotlib():
    code = ("import sys\nfrom lrt.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]")
    assert "runtime" in out


def test_python_dash_m_and_no_traceback_on_bad_input(tmp_path):
    bad = tmp_path / "train.toml"
    bad.write_text("schema_version = 1\nname = 3\n")
    r = subprocess.run([sys.executable, "-m", "lrt", "runtime", "--rolling-stock", str(bad)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "error: train.toml: capacity: missing, expected a table\n"


def test_a_train_that_stalls_is_a_one_line_error(capsys):
    # at μ = 0.01 the motored half of the axles holds 0.05 m/s², less than the line's steeper gradients ask
    assert main(["runtime", "--adhesion", "0.01"]) == 2
    assert capsys.readouterr().err == "error: the train stalls: traction is below resistance and gradient\n"
