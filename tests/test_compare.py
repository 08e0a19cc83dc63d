"""`lrt compare`: the statistics against hand arithmetic, the directions of the weather, the outputs."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from lrt import cli
from lrt.study.compare import (
    KPIS,
    Comparison,
    comparison_seeds,
    comparison_table_text,
    kpi_rows,
    mean_ci95,
    t_975,
)


def lrt(argv: list[str]) -> int:
    """``lrt`` as a user runs it, with ``compare`` registered for the call."""
    with pytest.MonkeyPatch.context() as mp:
        if "compare" not in cli.COMMANDS:
            mp.setattr(cli, "COMMANDS", [*cli.COMMANDS, "compare"])
        return cli.main(argv)


# -- statistics --------------------------------------------------------------------------------------
def test_t_interval_by_hand():
    # mean 2.5; s² = (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3, s = 1.2910; t(0.975, 3) = 3.182;
    # half-width = 3.182 · 1.2910 / √4 = 2.0540
    mean, half = mean_ci95([1, 2, 3, 4])
    assert mean == 2.5
    assert half == pytest.approx(3.182 * math.sqrt(5 / 3) / 2, rel=1e-12)
    assert half == pytest.approx(2.054, abs=5e-4)


def test_t_quantiles_and_edge_cases():
    assert t_975(1) == 12.706 and t_975(30) == 2.042
    # beyond the table, the NIST values t(0.975, 40) = 2.021, 60: 2.000, 100: 1.984, 120: 1.980 (rounded)
    for df, t in ((40, 2.021), (60, 2.000), (100, 1.984), (120, 1.980)):
        assert t_975(df) == pytest.approx(t, abs=6e-4)
    assert t_975(10**6) == pytest.approx(1.959964, abs=1e-5)  # the normal quantile
    assert all(a > b for a, b in zip([t_975(d) for d in range(1, 200)], [t_975(d) for d in range(2, 201)]))
    with pytest.raises(ValueError):
        t_975(0)
    assert mean_ci95([7.0]) == (7.0, None)              # one seed: no interval
    assert mean_ci95([]) == (None, None)
    assert mean_ci95([None, 3.0, 5.0]) == (4.0, pytest.approx(12.706 * math.sqrt(2) / math.sqrt(2)))
    assert mean_ci95([4.0, 4.0, 4.0]) == (4.0, 0.0)


def test_seeds_are_spawned_and_reproducible():
    seeds = comparison_seeds(1, 3)
    assert seeds == comparison_seeds(1, 3) and len(set(seeds)) == 3
    assert seeds[:2] == comparison_seeds(1, 2)          # spawning more seeds keeps the first ones
    assert seeds == [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(1).spawn(3)]
    with pytest.raises(ValueError):
        comparison_seeds(1, 0)


def test_changes_are_from_normal_or_else_the_first_preset():
    samples = {p: {k.name: ([v] if not k.simulated else [v, v + 2]) for k in KPIS}
               for p, v in (("cold", 4.0), ("normal", 2.0))}
    rows = {(r["kpi"], r["preset"]): r for r in kpi_rows(samples, ["cold", "normal"], "normal")}
    cold = rows[("mean_wait_min", "cold")]                  # cold [4, 6], normal [2, 4]: paired differences [2, 2]
    assert (cold["mean"], cold["change"], cold["change_pct"], cold["change_ci95"]) == (5.0, 2.0, 200 / 3, 0.0)
    assert rows[("mean_wait_min", "normal")]["change"] is None
    assert rows[("min_headway_s", "cold")]["ci95"] is None and rows[("min_headway_s", "cold")]["change_pct"] == 100
    first = {(r["kpi"], r["preset"]): r for r in kpi_rows(samples, ["cold", "normal"], "cold")}
    assert first[("min_headway_s", "normal")]["change_pct"] == -50.0


def test_table_shows_interval_change_and_percentage_points():
    samples = {"normal": {k.name: [2.0] if not k.simulated else [90.0, 92.0] for k in KPIS},
               "cold": {k.name: [3.0] if not k.simulated else [80.0, 84.0] for k in KPIS}}
    c = Comparison(presets=("normal", "cold"), baseline="normal", seeds=(1, 2),
                   rows=tuple(kpi_rows(samples, ["normal", "cold"], "normal")))
    text = comparison_table_text(c)
    line = next(x for x in text.splitlines() if x.startswith("departures within 1 min [%]"))
    # normal 91.0 ± 12.706·1.414/√2 = 12.7; cold 82.0 ± 25.4, 9 percentage points down
    assert "91.0 ±12.7" in line and "82.0 ±25.4 (-9.0 pp)" in line
    assert "3 (+50 %)" in next(x for x in text.splitlines() if x.startswith("trains available"))


# -- the command -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """One short comparison (5,000 passengers, 2 seeds, normal and extreme), as JSON and as an out folder."""
    out = tmp_path_factory.mktemp("cmp") / "out"
    argv = ["compare", "--weather", "normal,extreme", "--daily", "5000", "--seeds", "2", "--format", "json",
            "--out", str(out), "--workers", "2"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert lrt(argv) == 0
    return json.loads(printed.getvalue()), out


def test_one_worker_gives_what_two_gave(small_run):
    report, _ = small_run
    argv = ["compare", "--weather", "normal,extreme", "--daily", "5000", "--seeds", "2", "--format", "json",
            "--workers", "1"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert lrt(argv) == 0
    again = json.loads(printed.getvalue())
    assert again["kpis"] == report["kpis"] and again["seeds"] == report["seeds"]


def _kpi(report, name):
    return next(k for k in report["kpis"] if k["name"] == name)["values"]


def test_json_shape(small_run):
    report, _ = small_run
    assert report["presets"] == ["normal", "extreme"] and report["baseline"] == "normal"
    assert report["seeds"] == comparison_seeds(1, 2)
    assert [k["name"] for k in report["kpis"]] == [k.name for k in KPIS]
    for k in report["kpis"]:
        assert set(k) >= {"name", "unit", "values"} and list(k["values"]) == ["normal", "extreme"]
        for v in k["values"].values():
            assert set(v) >= {"mean", "ci95", "change", "change_pct"}
            assert len(v["samples"]) == (2 if k["simulated"] else 1)
            if not k["simulated"]:
                assert v["ci95"] is None
        normal, extreme = k["values"]["normal"], k["values"]["extreme"]
        assert normal["change"] is None and normal["change_pct"] is None
        assert extreme["change"] == pytest.approx(extreme["mean"] - normal["mean"], abs=1e-3)
        if normal["mean"]:
            # both rounded in the report: the percentage agrees to their rounding
            assert extreme["change_pct"] == pytest.approx(100 * extreme["change"] / normal["mean"], rel=1e-3, abs=0.02)
    assert report["trips_planned"] == 314


def test_extreme_is_worse_than_normal(small_run):
    report, _ = small_run

    def pair(name):
        v = _kpi(report, name)
        return v["normal"]["mean"], v["extreme"]["mean"]

    up, down = pair("one_way_up_min"), pair("one_way_down_min")
    assert up[1] > up[0] and down[1] > down[0]
    headway = pair("min_headway_s")
    assert headway[1] > headway[0]
    assert pair("trains_available") == (19, 13)              # 19 × 0.7 = 13.3 → 13
    assert pair("capacity_pphpd")[1] < pair("capacity_pphpd")[0]
    run = pair("trips_run")
    assert run[1] <= run[0] and run[1] <= pair("trips_planned")[1] < 314
    hvac = pair("hvac_mwh")
    assert hvac[1] > hvac[0]                                 # -50 °C against +10 °C
    total = _kpi(report, "energy_mwh")
    traction = _kpi(report, "traction_mwh")
    auxiliary = _kpi(report, "auxiliary_mwh")
    for p in ("normal", "extreme"):
        parts = traction[p]["mean"] + _kpi(report, "hvac_mwh")[p]["mean"] + auxiliary[p]["mean"]
        assert total[p]["mean"] == pytest.approx(parts, abs=3e-3)  # each rounded to 1 kWh
        assert 0 < traction[p]["mean"] < total[p]["mean"]
        assert _kpi(report, "energy_kwh_per_train_km")[p]["mean"] > 0
    # normal runs all 314 trips end to end: the net traction lies between every trip run empty as scheduled
    # and every trip run flat out at the design load (lrt.energy on those runs), summed over the trips
    from lrt.energy import segment_energies
    from lrt.io.line import read_line
    from lrt.io.rollingstock import read_train
    from lrt.io.timetable import read_timetable
    from lrt.paths import shipped_network, shipped_rolling_stock, shipped_timetable
    from lrt.runtime import run_both

    line, train = read_line(shipped_network()), read_train(shipped_rolling_stock())
    trips = read_timetable(shipped_timetable("weekday"), line).trips
    low = {d: segment_energies(p, train, line).total.net_kwh for d, p in run_both(line, train).items()}
    high = {d: segment_energies(p, train, line).total.net_kwh
            for d, p in run_both(line, train, passengers=train.capacity, allowance=0.0).items()}
    for value in traction["normal"]["samples"]:
        assert sum(low[t.direction] for t in trips) / 1000 < value < sum(high[t.direction] for t in trips) / 1000
    # and 21,151 m each: 6,641.4 train-km behind every kWh/train-km
    assert _kpi(report, "trips_run")["normal"]["samples"] == [314, 314]
    for energy, per_km in zip(total["normal"]["samples"], _kpi(report, "energy_kwh_per_train_km")["normal"]["samples"]):
        assert 1000 * energy / per_km == pytest.approx(314 * 21.1511, rel=1e-3)  # per_km rounded to 0.01


def test_out_folder(small_run):
    report, out = small_run
    assert sorted(p.name for p in out.iterdir()) == ["compare.csv", "compare.json", "compare.png"]
    saved = json.loads((out / "compare.json").read_text())
    assert saved["kpis"] == report["kpis"] and saved["seeds"] == report["seeds"]
    with open(out / "compare.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * len(KPIS)
    row = next(r for r in rows if r["kpi"] == "trains_available" and r["preset"] == "extreme")
    assert (row["unit"], float(row["mean"]), row["ci95"]) == ("trains", 13.0, "")
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, message", [
    (["--weather", "normal,blizzard"], "error: --weather: command line: unknown preset 'blizzard', expected one of"),
    (["--seeds", "0"], "error: --seeds: command line: 0, expected a whole number of seeds from 1 to 1,000"),
    (["--weather", "normal,cold,normal"], "error: --weather: command line: 'normal' given twice"),
    (["--weather", " , "], "error: --weather: command line: ' , ', expected a comma-separated list"),
    (["--daily", "0"], "error: --daily: command line: 0, expected a finite number of passengers a day from 1"),
])
def test_bad_options(capsys, args, message):
    assert lrt(["compare", *args]) == 2
    assert capsys.readouterr().err.startswith(message)


def test_out_refuses_a_folder_that_is_not_a_compare_output(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert lrt(["compare", "--seeds", "1", "--out", str(tmp_path)]) == 2
    assert "is not an lrt compare output folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_import_stays_light():
    code = ("import sys, lrt.study.compare, lrt.cli.compare, lrt.plotting.compare; "
            "print('pandas' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
