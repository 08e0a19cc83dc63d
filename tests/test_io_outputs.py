"""Output paths judged before any work, and atomic writes (lrt/io/outputs.py), in-process and fast: each
refusal as the exact line the user reads after ``error: ``, each rule from both sides.  The real-process
stories (Ctrl-C, SIGTERM, kill -9) are in tests/test_outputs.py."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading

import pytest

from lrt.errors import InputError
from lrt.io import outputs
from lrt.io.outputs import TMP_PREFIX, atomic_dir, atomic_write, check_output_file, check_output_folder, \
    remove_stale_temporaries

RUN = dict(source="--out", marker="run.json", what="an lrt output folder")


def _refusal(call, *args, **kwargs) -> str:
    with pytest.raises(InputError) as exc:
        call(*args, **kwargs)
    return str(exc.value)


@pytest.fixture(scope="module")
def dead_pid():
    """The id of a process that has ended."""
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)


def test_the_prefix_of_temporaries():
    assert TMP_PREFIX == ".lrt-tmp-"


def test_an_output_folder_may_be_new_empty_an_earlier_output_or_hold_only_temporaries(tmp_path, dead_pid):
    check_output_folder(tmp_path / "new" / "deeper", **RUN)                  # made later, like mkdir -p
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty", **RUN)
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / "run.json").write_text("{}")
    (tmp_path / "earlier" / "notes.txt").write_text("the user's")
    check_output_folder(tmp_path / "earlier", **RUN)
    (tmp_path / "killed").mkdir()
    (tmp_path / "killed" / f"{TMP_PREFIX}{dead_pid}-x").mkdir()              # a killed run's leftover
    check_output_folder(tmp_path / "killed", **RUN)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["earlier", "empty", "killed"]  # nothing made or left


def test_each_refusal_of_an_output_folder(tmp_path):
    (tmp_path / "a-file").write_text("mine")
    (tmp_path / "users").mkdir()
    (tmp_path / "users" / "thesis.txt").write_text("mine")
    (tmp_path / "fake").mkdir()
    (tmp_path / "fake" / "run.json").mkdir()  # the marker must be a file
    (tmp_path / "fake" / "x").write_text("mine")
    f, users, fake = tmp_path / "a-file", tmp_path / "users", tmp_path / "fake"
    assert _refusal(check_output_folder, f, **RUN) == f"--out: command line: '{f}' is a file, expected a folder"
    assert _refusal(check_output_folder, users, **RUN) == (
        f"--out: command line: '{users}' exists and is not an lrt output folder, expected a new folder or an lrt "
        "output folder to replace")
    assert _refusal(check_output_folder, fake, source="-o", marker="run.json", what="a timetable folder") == (
        f"-o: command line: '{fake}' exists and is not a timetable folder, expected a new folder or a timetable folder "
        "to replace")
    assert _refusal(check_output_folder, f / "run" / "x", **RUN) == (
        f"--out: command line: '{f}' in '{f / 'run' / 'x'}' is a file, expected a path whose parents are folders")


def test_a_folder_that_cannot_be_written_is_refused_with_the_reason(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    assert _refusal(check_output_folder, tmp_path / "new", **RUN) == (
        f"--out: command line: '{tmp_path}' cannot be written (Permission denied), expected a folder lrt may write in")
    assert _refusal(check_output_folder, tmp_path, **RUN) == (
        f"--out: command line: '{tmp_path}' cannot be written (Permission denied), expected a folder lrt may write in")
    assert _refusal(check_output_file, tmp_path / "x.png", source="-o") == (
        f"-o: command line: folder '{tmp_path}' cannot be written (Permission denied), expected a folder lrt may write in")


def test_the_probe_leaves_nothing_behind(tmp_path):
    assert outputs._writable(tmp_path) is None
    assert list(tmp_path.iterdir()) == []
    assert outputs._writable(tmp_path / "missing") == "No such file or directory"


def test_a_relative_output_path_is_judged_from_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert outputs._nearest_existing("a/b/c") == tmp_path
    (tmp_path / "a").mkdir()
    assert outputs._nearest_existing("a/b/c") == tmp_path / "a"
    assert str(outputs._nearest_existing("/nowhere/at/all")) == "/"


def test_each_refusal_of_an_output_file(tmp_path):
    (tmp_path / "a-file").write_text("mine")
    (tmp_path / "chart.png").mkdir()
    d, f = tmp_path / "chart.png", tmp_path / "a-file"
    check_output_file(tmp_path / "new.png", source="-o")
    assert _refusal(check_output_file, d, source="-o") == f"-o: command line: '{d}' is a folder, expected a file name"
    assert _refusal(check_output_file, tmp_path / "no" / "x.png", source="-o") == (
        f"-o: command line: folder '{tmp_path / 'no'}' does not exist, expected an existing folder")
    assert _refusal(check_output_file, f / "x.png", source="--plot") == (
        f"--plot: command line: '{f}' in '{f / 'x.png'}' is a file, expected a path whose parents are folders")


# --- temporaries of ended runs ------------------------------------------------------------------------


def test_only_the_temporaries_of_ended_processes_are_removed(tmp_path, dead_pid):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "data.csv").write_text("the user's")
    names = {
        f"{TMP_PREFIX}{dead_pid}-dir": "dir", f"{TMP_PREFIX}{dead_pid}-file.part": "file",
        f"{TMP_PREFIX}{dead_pid}-link": "link",              # a link to the user's folder: the link goes, not the folder
        f"{TMP_PREFIX}{os.getpid()}-mine": "dir",            # this process is alive
        f"{TMP_PREFIX}abc-x": "dir",                         # not a process id
        f"{TMP_PREFIX}{dead_pid}": "file",                   # an id and nothing after it
        f"lrt-tmp-{dead_pid}-x": "file", f"x{TMP_PREFIX}{dead_pid}-x": "file",  # not lrt's
    }
    for name, kind in names.items():
        if kind == "dir":
            (tmp_path / name).mkdir()
            (tmp_path / name / "half.csv").write_text("half")
        elif kind == "link":
            (tmp_path / name).symlink_to(keep, target_is_directory=True)
        else:
            (tmp_path / name).write_text("half")
    remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["keep", f"{TMP_PREFIX}{os.getpid()}-mine", f"{TMP_PREFIX}abc-x", f"lrt-tmp-{dead_pid}-x",
         f"x{TMP_PREFIX}{dead_pid}-x"])
    assert (keep / "data.csv").read_text() == "the user's"
    remove_stale_temporaries(tmp_path / "missing")  # nothing to do, no error


def test_another_user_s_process_counts_as_alive(monkeypatch):
    def not_yours(pid, sig):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "kill", not_yours)
    assert outputs._alive(12345)


def test_alive_and_ended_processes(dead_pid):
    assert outputs._alive(os.getpid()) and not outputs._alive(dead_pid)


# --- atomic writes ------------------------------------------------------------------------------------


def test_atomic_write_makes_the_folder_and_a_file_with_the_usual_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        with atomic_write(tmp_path / "a" / "b.txt") as f:
            f.write("line 1\r\nline 2\n")  # text as written: no newline translation
        with atomic_write(tmp_path / "a" / "c.bin", "wb") as f:
            f.write(b"\x00\xff")
    finally:
        os.umask(old)
    assert (tmp_path / "a" / "b.txt").read_bytes() == b"line 1\r\nline 2\n"
    assert (tmp_path / "a" / "c.bin").read_bytes() == b"\x00\xff"
    assert stat.S_IMODE((tmp_path / "a" / "b.txt").stat().st_mode) == 0o640  # 0o666 without the umask's 0o027
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b.txt", "c.bin"]


def test_atomic_write_writes_utf8(tmp_path):
    with atomic_write(tmp_path / "t.txt") as f:
        f.write("Бәйтерек")
    assert (tmp_path / "t.txt").read_bytes() == "Бәйтерек".encode("utf-8")


def test_a_failed_atomic_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    (tmp_path / "t.txt").write_text("old")
    with pytest.raises(ValueError), atomic_write(tmp_path / "t.txt") as f:
        f.write("half")
        raise ValueError
    assert [(p.name, p.read_text()) for p in tmp_path.iterdir()] == [("t.txt", "old")]


def test_atomic_write_removes_the_leftovers_of_ended_runs(tmp_path, dead_pid):
    (tmp_path / f"{TMP_PREFIX}{dead_pid}-t.txt.abc.part").write_text("half")
    with atomic_write(tmp_path / "t.txt") as f:
        f.write("new")
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_atomic_dir_moves_files_and_folders_and_leaves_no_staging(tmp_path, dead_pid):
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{TMP_PREFIX}{dead_pid}-old").mkdir()
    with atomic_dir(out) as staging:
        assert not (out / f"{TMP_PREFIX}{dead_pid}-old").exists()  # removed once the staging folder is there
        (staging / "a.csv").write_text("a")
        (staging / "charts").mkdir()
        (staging / "charts" / "x.png").write_text("x")
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == ["a.csv", "charts", "charts/x.png"]


def test_a_failed_atomic_dir_removes_only_the_folders_it_made(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "mine.txt").write_text("mine")
    with pytest.raises(ValueError), atomic_dir(tmp_path / "a" / "b" / "c") as staging:
        (staging / "x.csv").write_text("half")
        raise ValueError
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["mine.txt"]  # b and c made for the write, and removed
    with pytest.raises(ValueError), atomic_dir(tmp_path / "a") as staging:
        raise ValueError
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["mine.txt"]  # it was there before: it stays


def test_a_failed_atomic_dir_stops_at_a_folder_that_someone_filled(tmp_path):
    with pytest.raises(ValueError), atomic_dir(tmp_path / "a" / "b"):
        (tmp_path / "a" / "other.txt").write_text("written meanwhile")
        raise ValueError
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["other.txt"]


# --- signals held back --------------------------------------------------------------------------------


def test_a_signal_during_the_moves_is_raised_once_they_are_done():
    before = signal.getsignal(signal.SIGINT)
    done = []
    with pytest.raises(KeyboardInterrupt):
        with outputs._signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
            done.append("moved")  # not interrupted
    assert done == ["moved"] and signal.getsignal(signal.SIGINT) is before


def test_without_a_signal_nothing_is_raised_and_the_handlers_are_restored():
    seen = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        with outputs._signals_held():
            os.kill(os.getpid(), signal.SIGTERM)
            assert seen == []
        assert seen == [signal.SIGTERM]  # raised again to the handler in force
        with outputs._signals_held():
            pass
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_other_threads_write_without_touching_the_handlers(tmp_path):
    errors = []

    def write():
        try:
            with atomic_write(tmp_path / "t.txt") as f:
                f.write("from a thread")
        except BaseException as exc:  # signal.signal raises ValueError outside the main thread
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert errors == [] and (tmp_path / "t.txt").read_text() == "from a thread"
