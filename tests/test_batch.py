"""`lrt batch`: the same results on any executor, resume after a kill, failures isolated, the stopping rule."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from badinput import refused

from lrt.cli import main
from lrt.paths import shipped
from lrt.study.batch import KPI_NAMES, run_seeds

WEEKDAY = shipped("scenarios", "weekday.toml")


def _sweep(tmp_path: Path, body: str, name: str = "sweep.toml") -> Path:
    path = tmp_path / name
    path.write_text(f'schema_version = 1\nname = "test sweep"\nscenario = "{WEEKDAY}"\n{body}', encoding="utf-8")
    return path


SMALL = 'seed = 11\nreplications = 3\n[grid]\n"demand.daily" = [8000, 16000]\n'


def _rows(folder: Path) -> list[dict]:
    with open(folder / "results.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def inline_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inline")
    sweep = _sweep(tmp, SMALL)
    assert main(["batch", str(sweep), "--out", str(tmp / "out"), "--workers", "1"]) == 0
    return sweep, tmp / "out"


def test_results_are_the_same_bytes_on_one_worker_two_workers_and_dask(inline_run, tmp_path):
    sweep, one = inline_run
    assert main(["batch", str(sweep), "--out", str(tmp_path / "two"), "--workers", "2"]) == 0
    assert main(["batch", str(sweep), "--out", str(tmp_path / "dask"), "--workers", "2", "--executor", "dask"]) == 0
    reference = (one / "results.csv").read_bytes()
    assert (tmp_path / "two" / "results.csv").read_bytes() == reference
    assert (tmp_path / "dask" / "results.csv").read_bytes() == reference
    assert (tmp_path / "two" / "summary.csv").read_bytes() == (one / "summary.csv").read_bytes()
    run = json.loads((tmp_path / "dask" / "run.json").read_text())
    assert run["executor"] == "dask" and run["workers"] == 2


def test_the_output_folder_holds_every_table_and_chart(inline_run):
    sweep, out = inline_run
    assert sorted(p.name for p in out.iterdir()) == [
        "convergence.png", "kpis.png", "punctuality.png", "results.csv", "results.parquet", "run.json",
        "runs.jsonl", "summary.csv", "timings.csv"]
    rows = _rows(out)
    # run order: point 0's replications, then point 1's; the seeds spawned from the sweep's seed, the same
    # at both points (common random numbers)
    seeds = run_seeds(11, 3)
    assert [(r["run"], r["point"], r["replication"], r["demand.daily"], r["seed"]) for r in rows] == [
        (str(i), str(i // 3), str(i % 3), ("8000", "16000")[i // 3], str(seeds[i % 3])) for i in range(6)]
    assert {r["status"] for r in rows} == {"ok"} and set(KPI_NAMES) <= set(rows[0])
    # about 8,000 and 16,000 passengers (Poisson around the demand model scaled to them)
    for r in rows:
        assert abs(int(r["passengers_generated"]) - int(r["demand.daily"])) < 5 * int(r["demand.daily"]) ** 0.5 + 200
    timings = list(csv.DictReader(open(out / "timings.csv")))
    assert len(timings) == 6 and all(float(t["wall_s"]) > 0 for t in timings)
    import pandas as pd

    frame = pd.read_parquet(out / "results.parquet")
    assert len(frame) == 6 and frame["mean_wait_s"].dtype.kind == "f"
    assert list(frame["mean_wait_s"]) == [float(r["mean_wait_s"]) for r in rows]


def test_summary_statistics_are_those_of_the_runs(inline_run):
    from lrt.study.stats import describe

    _, out = inline_run
    rows = _rows(out)
    summary = {(s["point"], s["kpi"]): s for s in csv.DictReader(open(out / "summary.csv"))}
    for point in ("0", "1"):
        waits = [float(r["mean_wait_s"]) for r in rows if r["point"] == point]
        d = describe(waits)
        s = summary[(point, "mean_wait_s")]
        assert float(s["mean"]) == pytest.approx(sum(waits) / 3, rel=1e-12)
        assert float(s["ci95"]) == pytest.approx(d["ci95"], rel=1e-12) and s["n"] == "3"
        # the worst runs first: the longest mean wait's seed leads
        worst = max(rows, key=lambda r: (r["point"] == point, float(r["mean_wait_s"])))
        assert s["worst_seeds"].split(";")[0] == worst["seed"]


def test_a_run_of_the_batch_is_reproduced_by_lrt_simulate(inline_run, capsys):
    _, out = inline_run
    row = _rows(out)[4]
    assert main(["simulate", str(WEEKDAY), "--daily", row["demand.daily"], "--seed", row["seed"],
                 "--format", "json"]) == 0
    kpis = json.loads(capsys.readouterr().out)["kpis"]
    for name in ("mean_wait_s", "passengers_generated", "denied_boardings", "energy_mwh", "punctuality_1min"):
        assert repr(kpis[name]) == row[name] or str(kpis[name]) == row[name], name


def test_a_failing_run_is_recorded_and_the_batch_goes_on(tmp_path, monkeypatch, capsys):
    import lrt.sim

    real = lrt.sim.simulate
    bad = run_seeds(11, 3)[1]

    def flaky(scenario, seed, **kwargs):
        if seed == bad and scenario.demand.total > 10_000:
            raise RuntimeError("planted failure")
        return real(scenario, seed, **kwargs)

    monkeypatch.setattr(lrt.sim, "simulate", flaky)
    assert main(["batch", str(_sweep(tmp_path, SMALL)), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    rows = _rows(tmp_path / "out")
    assert [r["status"] for r in rows] == ["ok"] * 4 + ["error", "ok"]
    assert rows[4]["error"] == "RuntimeError: planted failure" and rows[4]["mean_wait_s"] == ""
    assert "1 failed" in capsys.readouterr().out
    summary = {(s["point"], s["kpi"]): s for s in csv.DictReader(open(tmp_path / "out" / "summary.csv"))}
    assert (summary[("1", "mean_wait_s")]["n"], summary[("1", "mean_wait_s")]["failed"]) == ("2", "1")


def test_the_stopping_rule_adds_replications_until_the_interval_is_narrow(tmp_path):
    from lrt.study.stats import replications_needed

    body = ('seed = 5\nreplications = 3\n[grid]\n"demand.daily" = [8000]\n'
            '[until]\nkpi = "mean_wait_s"\nci95 = 2.5\nmax_replications = 12\nlook_ahead = 2\n')
    assert main(["batch", str(_sweep(tmp_path, body)), "--out", str(tmp_path / "out"), "--workers", "2"]) == 0
    rows = _rows(tmp_path / "out")
    waits = [float(r["mean_wait_s"]) for r in rows]
    n = len(rows)
    assert 3 + 2 <= n <= 12
    # the rule settles on exactly the runs kept, from the values themselves
    assert replications_needed(waits, half_width=2.5, minimum=3, look_ahead=2) == n
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["replications"] == {"0": n} and run["converged"] == {"0": True}
    # an unreachable target stops at the most replications allowed, and says so
    assert main(["batch", str(_sweep(tmp_path, SMALL.replace("16000]", "16000]\n").replace("[8000, 16000]", "[8000]"),
                                     "b.toml")), "--out", str(tmp_path / "b"), "--workers", "2",
                 "--until", "mean_wait_s ci95 < 0.0001", "--max-replications", "4"]) == 0
    run = json.loads((tmp_path / "b" / "run.json").read_text())
    assert run["replications"] == {"0": 4} and run["converged"] == {"0": False}


def _alive(pid: int) -> bool:
    """The process is running (a zombie waiting for its parent to read its status counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_batch_resumes_to_the_same_results(inline_run, tmp_path):
    sweep, reference = inline_run
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "lrt", "batch", str(sweep), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / "runs.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline:  # kill -9 once at least two runs are in the journal, before the end
        if journal.exists() and journal.read_text().count("\n") >= 3:
            break
        time.sleep(0.05)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    workers = [int(w) for w in children.read_text().split()] if children.exists() else []
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(workers) == 2  # (Linux: the pool's workers, read from /proc)
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{w}").exists() and _alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)  # the workers end with the batch, not wait for work for ever
    kept = journal.read_text().count("\n") - 1
    assert 2 <= kept < 6 and not (out / "results.csv").exists()
    assert main(["batch", str(sweep), "--out", str(out), "--workers", "2"]) == 2  # not without --resume
    assert main(["batch", str(sweep), "--out", str(out), "--workers", "2", "--resume"]) == 0
    assert (out / "results.csv").read_bytes() == (reference / "results.csv").read_bytes()
    run = json.loads((out / "run.json").read_text())
    assert run["resumed_runs"] == kept and run["runs_made_now"] == 6 - kept


@pytest.mark.parametrize("body, where, text", [
    ("replications = 0\n", "replications", "0, expected an integer >= 1"),
    ("replications = 2\n[grid]\n\"demand.dialy\" = [1]\n", "grid.demand.dialy", "an unknown scenario field"),
    ("replications = 2\n[grid]\n\"demand.daily\" = []\n", "grid.demand.daily", "[], expected a non-empty list"),
    ("replications = 2\n[grid]\n\"demand.daily\" = [5000, -3]\n", "demand.daily", "-3, expected a positive value"),
    ("replications = 2\n[grid]\nweather = [\"normal\", \"blizzard\"]\n", "weather", "unknown preset 'blizzard'"),
    ("replications = 2\n[until]\nkpi = \"happiness\"\nci95 = 1\n", "until.kpi", "'happiness', expected a KPI"),
    ("replications = 50\n[until]\nkpi = \"mean_wait_s\"\nci95 = 1\nmax_replications = 10\n",
     "until.max_replications", "10, expected at least replications (50)"),
    ("replications = 2\nbogus = 1\n", "bogus", "an unknown key"),
])
def test_a_malformed_sweep_is_refused_before_any_run(tmp_path, capsys, monkeypatch, body, where, text):
    import lrt.study.batch

    monkeypatch.setattr(lrt.study.batch, "prepare", lambda sweep: pytest.fail("a run was prepared"))
    path = _sweep(tmp_path, body)
    point = {"weather": "weather='blizzard'", "demand.daily": "demand.daily=-3"}.get(where)
    first = f"sweep.toml, grid point 1 ({point}))" if point else "sweep.toml"
    refused(capsys, ["batch", path, "--out", tmp_path / "out"], first, f"{where}: {text}")
    assert not (tmp_path / "out").exists()


def test_bad_batch_options(tmp_path, capsys):
    sweep = _sweep(tmp_path, SMALL)
    refused(capsys, ["batch", sweep, "--out", tmp_path / "o", "--until", "mean_wait_s < 2"], "--until",
            "'mean_wait_s < 2', expected a rule \"KPI ci95 < NUMBER\"")
    refused(capsys, ["batch", sweep, "--out", tmp_path / "o", "--workers", "0"], "--workers", "0, expected")
    refused(capsys, ["batch", sweep, "--out", tmp_path / "o", "--scheduler", "tcp://x:1"], "--scheduler",
            "expected --executor dask with it")
    refused(capsys, ["batch", sweep, "--out", tmp_path / "o", "--max-replications", "5"], "--max-replications",
            "expected --until with it")
    refused(capsys, ["batch", tmp_path / "none.toml", "--out", tmp_path / "o"], "none.toml",
            "file: no such file, expected a TOML file")
