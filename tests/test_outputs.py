"""Nothing a user owns is lost: output folders keep the user's files, interrupted runs leave no
temporaries and no half-written files (Ctrl-C, SIGTERM and kill -9 tested on a real process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lrt.sim
from lrt.cli import main
from lrt.io.outputs import TMP_PREFIX, atomic_dir, atomic_write
from lrt.paths import shipped

RUN_FILES = ["cancelled.csv", "events.csv", "faults.csv", "kpis.json", "loads.png", "marey.png", "passengers.csv",
             "run.json"]
QUICK = ["simulate", "--daily", "1000", "--no-variability", "--format", "json"]


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TMP_PREFIX)) if folder.exists() else []


def test_atomic_dir_replaces_its_own_files_and_keeps_the_users(tmp_path):
    out = tmp_path / "out"
    with atomic_dir(out) as staging:
        (staging / "a.csv").write_text("old a")
        (staging / "b.csv").write_text("old b")
    (out / "mine.txt").write_text("the user's")
    with atomic_dir(out) as staging:
        assert staging.parent == out and staging.name.startswith(f"{TMP_PREFIX}{os.getpid()}-")
        (staging / "a.csv").write_text("new a")
        assert (out / "a.csv").read_text() == "old a"  # nothing moves before the block completes
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.csv": "new a", "b.csv": "old b",
                                                            "mine.txt": "the user's"}


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "new" / "out"
    with pytest.raises(ZeroDivisionError), atomic_dir(out) as staging:
        (staging / "a.csv").write_text("half")
        1 / 0
    assert not (tmp_path / "new").exists()  # made for this write, removed with it
    out.mkdir(parents=True)
    (out / "a.csv").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_dir(out) as staging:
        (staging / "a.csv").write_text("half")
        raise KeyboardInterrupt
    assert [(p.name, p.read_text()) for p in out.iterdir()] == [("a.csv", "old")]
    with pytest.raises(KeyboardInterrupt), atomic_write(out / "a.csv") as f:
        f.write("half")
        raise KeyboardInterrupt
    assert [(p.name, p.read_text()) for p in out.iterdir()] == [("a.csv", "old")]


def test_stale_temporaries_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # that process has ended
    (tmp_path / f"{TMP_PREFIX}{dead_pid}-abc").mkdir()
    (tmp_path / f"{TMP_PREFIX}{dead_pid}-abc" / "events.csv").write_text("half")
    (tmp_path / f"{TMP_PREFIX}{dead_pid}-chart.png.x.part").write_text("half")
    live = f"{TMP_PREFIX}{os.getppid()}-xyz"  # the parent of this process is alive
    (tmp_path / live).mkdir()
    with atomic_write(tmp_path / "chart.png") as f:
        f.write("done")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["chart.png", live])


def test_simulate_out_keeps_the_users_files_and_replaces_its_own(tmp_path, capsys):
    out = tmp_path / "run"  # an earlier output (its run.json) to which the user added notes
    out.mkdir()
    (out / "run.json").write_text('{"seed": 7}')
    (out / "kpis.json").write_text("{}")
    (out / "my-notes.txt").write_text("keep me")
    assert main([*QUICK, "--seed", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == sorted([*RUN_FILES, "my-notes.txt"])
    assert (out / "my-notes.txt").read_text() == "keep me"
    assert json.loads((out / "run.json").read_text())["seed"] == 2
    assert json.loads((out / "kpis.json").read_text())["trips_planned"] == 314


def test_the_output_folder_is_judged_before_the_simulation_runs(tmp_path, capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("simulated before the output folder was judged")

    monkeypatch.setattr(lrt.sim, "simulate", never)
    users = tmp_path / "users"
    users.mkdir()
    (users / "thesis.docx").write_text("years of work")
    assert main(["simulate", "--out", str(users)]) == 2
    assert "exists and is not an lrt output folder" in capsys.readouterr().err
    assert [p.name for p in users.iterdir()] == ["thesis.docx"]


def test_timetable_build_and_gtfs_export_keep_the_users_files(tmp_path, capsys):
    folder = tmp_path / "tt"
    patterns = shipped("timetables", "patterns")
    assert main(["timetable", "build", str(patterns / "weekend.toml"), "-o", str(folder)]) == 0
    (folder / "README.txt").write_text("my notes on this timetable")
    assert main(["timetable", "build", str(patterns / "weekday.toml"), "-o", str(folder)]) == 0
    assert (folder / "README.txt").read_text() == "my notes on this timetable"
    assert "weekday" in (folder / "meta.toml").read_text()
    (tmp_path / "other.txt").write_text("mine")
    assert main(["timetable", "export-gtfs", str(folder), "-o", str(tmp_path / "feed.zip")]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.zip", "other.txt", "tt"]


# --- signals on a real process ------------------------------------------------------------------------


def _start(out: Path) -> subprocess.Popen:
    # 92,000 passengers: a few seconds of work and a folder of charts to write, time to be interrupted
    return subprocess.Popen([sys.executable, "-m", "lrt", "simulate", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1])


def _wait_for_staging(proc: subprocess.Popen, out: Path) -> None:
    """Poll until the run has started writing (its staging folder exists)."""
    deadline = time.monotonic() + 120
    while not _temporaries(out):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.002)


@pytest.mark.parametrize("sig, status, line", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_a_signal_while_writing_ends_in_one_line_and_leaves_nothing_half_written(tmp_path, sig, status, line):
    out = tmp_path / "run"
    proc = _start(out)
    _wait_for_staging(proc, out)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stderr, stdout) == (status, f"{line}\n", "")
    # the folder was made for this run: it is gone, or (had the signal come during the moves, which
    # hold signals back) complete
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == RUN_FILES


def test_kill_9_leaves_a_temporary_that_the_next_run_removes(tmp_path, capsys):
    out = tmp_path / "run"
    proc = _start(out)
    _wait_for_staging(proc, out)
    proc.kill()
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    stale = _temporaries(out)
    assert stale and all(name.startswith(f"{TMP_PREFIX}{proc.pid}-") for name in stale)
    assert main([*QUICK, "--out", str(out)]) == 0  # a leftover is not the user's: the folder counts as empty
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == RUN_FILES
