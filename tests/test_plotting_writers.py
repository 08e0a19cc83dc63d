"""``lrt simulate --out`` with the tables and the Marey diagram written in forked processes
(:func:`lrt.io.outputs.writers`): the same files as one process; a failure in a forked writer is the same
error as in one process and leaves no folder; Ctrl-C, SIGTERM and ``kill -9`` leave no writer running."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import lrt.cli.simulate
import lrt.io.outputs
import lrt.plotting.marey
from lrt.cli import main
from lrt.errors import InputError
from lrt.io.outputs import TMP_PREFIX, can_fork, writers

QUICK = ["simulate", "--daily", "1000", "--no-variability", "--format", "json"]
ROOT = Path(__file__).parents[1]


@pytest.fixture
def forks(monkeypatch):
    """Force the forked (True) or the one-process (False) path; the list of the processes forked."""
    forked: list[int] = []
    real = lrt.io.outputs._fork

    def counted():
        pid = real()
        if pid:  # in the parent; a child returns 0 and its copy of the list is not this one
            forked.append(pid)
        return pid

    monkeypatch.setattr(lrt.io.outputs, "_fork", counted)

    def use(flag: bool) -> list[int]:
        monkeypatch.setattr(lrt.io.outputs, "can_fork", lambda: flag)
        return forked

    return use


def _files(folder: Path) -> dict[str, bytes]:
    out = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    run = json.loads(out.pop("run.json"))
    run.pop("elapsed_s")  # the only field that differs from one run to the next
    out["run.json"] = json.dumps(run, sort_keys=True).encode()
    return out


def test_forked_writers_write_the_same_bytes_as_one_process(tmp_path, capsys, forks):
    forked = forks(True)
    assert main([*QUICK, "--out", str(tmp_path / "forked")]) == 0
    assert len(forked) == 2  # the tables and the Marey diagram, each in its own process
    forks(False)
    assert main([*QUICK, "--out", str(tmp_path / "serial")]) == 0
    assert len(forked) == 2
    capsys.readouterr()
    forked_files, serial_files = _files(tmp_path / "forked"), _files(tmp_path / "serial")
    assert sorted(forked_files) == ["cancelled.csv", "events.csv", "faults.csv", "kpis.json", "loads.png",
                                    "marey.png", "passengers.csv", "run.json"]
    for name in serial_files:
        assert forked_files[name] == serial_files[name], name
    assert not list(tmp_path.glob(f"*/{TMP_PREFIX}*"))


@pytest.mark.parametrize("fork", [True, False])
def test_an_input_error_in_a_chart_is_one_line_and_no_folder(tmp_path, capsys, forks, monkeypatch, fork):
    def planted(*args, **kwargs):
        raise InputError("marey.png", "drawing", "a planted failure", "none")

    monkeypatch.setattr(lrt.plotting.marey, "plot_marey", planted)
    forked = forks(fork)
    out = tmp_path / "new" / "run"
    assert main([*QUICK, "--out", str(out)]) == 2
    assert len(forked) == (2 if fork else 0)
    assert capsys.readouterr().err == "error: marey.png: drawing: a planted failure, expected none\n"
    assert not (tmp_path / "new").exists()  # made for this run, removed with it


def test_a_bug_in_a_forked_writer_keeps_its_traceback_and_leaves_no_folder(tmp_path, capsys, forks, monkeypatch):
    def planted(folder, result):
        (folder / "events.csv").write_text("half")
        raise ZeroDivisionError("planted in the tables")

    monkeypatch.setattr(lrt.cli.simulate, "write_tables", planted)
    forked = forks(True)
    out = tmp_path / "run"
    with pytest.raises(ZeroDivisionError, match="planted in the tables") as caught:
        main([*QUICK, "--out", str(out)])
    assert len(forked) == 2
    (note,) = caught.value.__notes__
    assert note.startswith("in the process writing the tables:\nTraceback") and "in planted" in note
    assert not out.exists()


def test_a_writer_that_dies_without_a_word_is_named(tmp_path, capsys, forks, monkeypatch):
    monkeypatch.setattr(lrt.plotting.marey, "plot_marey", lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
    forks(True)
    out = tmp_path / "run"
    with pytest.raises(ChildProcessError, match=r"^writing marey.png: its process ended \(killed by SIGKILL\)$"):
        main([*QUICK, "--out", str(out)])
    assert not out.exists()


def test_a_job_s_exception_comes_back_with_its_type_and_attributes():
    def fail(exc):
        def job():
            raise exc
        return job

    with pytest.raises(InputError) as caught, writers(fork=True) as jobs:
        jobs.start("a.csv", fail(InputError("a.toml", "x", "1", "2")))
    error = caught.value
    assert (error.source, error.where, error.found, error.expected) == ("a.toml", "x", "1", "2")
    assert not getattr(caught.value, "__notes__", None)  # a refusal is one line, no traceback
    with pytest.raises(OSError) as caught, writers(fork=True) as jobs:
        jobs.start("b.csv", fail(OSError(errno.ENOSPC, "No space left on device", "b.csv")))
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, "b.csv")
    assert str(caught.value) == "[Errno 28] No space left on device: 'b.csv'"
    with pytest.raises(KeyboardInterrupt), writers(fork=True) as jobs:  # Ctrl-C in a job is Ctrl-C here
        jobs.start("c.csv", fail(KeyboardInterrupt()))


def test_the_first_failure_is_raised_and_the_jobs_after_it_are_stopped(tmp_path):
    pid_file = tmp_path / "pid"

    def slow():
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    def failing():
        _wait_for(pid_file)
        raise ValueError("first")

    with pytest.raises(ValueError, match="first"), writers(fork=True) as jobs:
        jobs.start("a", failing)
        jobs.start("b", slow)
    assert _gone(int(pid_file.read_text()))


def test_a_failure_here_stops_the_jobs_before_it_goes_on(tmp_path):
    pid_file = tmp_path / "pid"

    def slow():
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)
        (tmp_path / "late.csv").write_text("written after the failure")

    with pytest.raises(RuntimeError), writers(fork=True) as jobs:
        jobs.start("slow.csv", slow)
        _wait_for(pid_file)
        raise RuntimeError("here")
    assert _gone(int(pid_file.read_text()))  # killed and reaped by the time the exception goes on
    assert not (tmp_path / "late.csv").exists()


def test_without_forking_a_job_runs_here_when_started():
    ran = []
    with writers(fork=False) as jobs:
        jobs.start("a", lambda: ran.append(os.getpid()))
        assert ran == [os.getpid()]


def test_a_job_that_cannot_be_forked_runs_here(monkeypatch):
    def no_fork():
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(lrt.io.outputs, "_fork", no_fork)
    ran = []
    with writers(fork=True) as jobs:
        jobs.start("a", lambda: ran.append(os.getpid()))
        assert ran == [os.getpid()]


def test_a_process_with_another_thread_does_not_fork():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        other.join()


# --- signals on a real process ------------------------------------------------------------------------

_SLOW_MAREY = """
import os, sys, time
import lrt.io.outputs, lrt.plotting.marey
lrt.io.outputs.can_fork = lambda: True
def slow(*args, **kwargs):
    with open(sys.argv[2], "w") as f:
        f.write(str(os.getpid()))
    time.sleep(120)
lrt.plotting.marey.plot_marey = slow
from lrt.cli import main
sys.exit(main(["simulate", "--daily", "1000", "--no-variability", "--out", sys.argv[1]]))
"""


def _start(out: Path, pid_file: Path) -> subprocess.Popen:
    """A run whose Marey diagram is drawn in a forked process that takes two minutes (it writes its pid)."""
    return subprocess.Popen([sys.executable, "-c", _SLOW_MAREY, str(out), str(pid_file)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)


def _wait_for(path: Path, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + 120
    while not (path.exists() and path.read_text()):
        assert proc is None or proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} never written"
        time.sleep(0.01)


def _gone(pid: int) -> bool:
    """True once ``pid`` has ended (a zombie waiting for its reaper counts as ended)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("group, sig, status, line", [
    (True, signal.SIGINT, 130, "interrupted"),  # Ctrl-C in a terminal: to the parent and its writers
    (False, signal.SIGINT, 130, "interrupted"),  # to the parent only
    (False, signal.SIGTERM, 143, "terminated"),
])
def test_a_signal_while_a_forked_writer_works_ends_in_one_line_and_no_folder(tmp_path, group, sig, status, line):
    out, pid_file = tmp_path / "run", tmp_path / "marey.pid"
    proc = _start(out, pid_file)
    _wait_for(pid_file, proc)
    (os.killpg if group else os.kill)(proc.pid, sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stderr, stdout) == (status, f"{line}\n", "")
    assert not out.exists()
    assert _gone(int(pid_file.read_text()))


def test_kill_9_of_the_parent_ends_its_writers(tmp_path):
    out, pid_file = tmp_path / "run", tmp_path / "marey.pid"
    proc = _start(out, pid_file)
    _wait_for(pid_file, proc)
    proc.kill()
    proc.wait(timeout=60)
    assert _gone(int(pid_file.read_text()))  # not left drawing into a folder nobody will move
