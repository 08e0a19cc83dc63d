"""Runs kept on disk between commands (lrt.io.cache, installed by the command line as the keeper of lrt.store):
a kept run is exactly the run asked for, or it is worked out; a library call keeps nothing.

The suite runs with the cache off (tests/conftest.py); these tests turn it on in a temporary folder.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import make_line, make_train

from lrt import runtime, store
from lrt.cli import main
from lrt.io import cache
from lrt.conditions import Conditions
from lrt.runtime import _run_profile, run_profile

LINE = make_line((1000.0, 3000.0, 4200.0))
TRAIN = make_train()


@pytest.fixture
def on(tmp_path, monkeypatch):
    """The cache installed, in tmp_path/cache, with nothing kept in the process (and none after the test)."""
    monkeypatch.setenv("LRT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(runtime, "_MEMO", type(runtime._MEMO)())
    monkeypatch.setattr(store, "KEEPER", None)
    cache.install()
    return tmp_path / "cache" / "run-profile"


def _remember(kind, inputs, work):
    return store.remember(kind, inputs, work)


def _entries(where):
    return sorted(p.name for p in where.iterdir()) if where.exists() else []


def _forget():
    runtime._MEMO.clear()


def _refuse(*args, **kwargs):
    raise AssertionError("worked out again: the kept run was not used")


def _same(a, b):
    assert a.running_s == b.running_s
    for name in ("position_m", "speed_ms", "time_s", "energy_j"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.segments == b.segments


def test_a_run_is_kept_and_read_back_exactly_as_worked_out(on, monkeypatch):
    first = run_profile(LINE, TRAIN, passengers=100.0)
    assert len(_entries(on)) == 1
    _forget()
    monkeypatch.setattr(runtime, "_run_profile", _refuse)  # a second command: read from disk, never worked out
    again = run_profile(LINE, TRAIN, passengers=100.0)
    assert again is not first
    _same(again, _run_profile(LINE, TRAIN, "up", None, Conditions(), 100.0, None, None, None, 4.0))
    assert not again.speed_ms.flags.writeable  # shared within the process, as a run worked out is


def test_an_equal_line_and_train_built_again_find_the_kept_run(on, monkeypatch):
    run_profile(LINE, TRAIN, passengers=100.0)
    _forget()
    monkeypatch.setattr(runtime, "_run_profile", _refuse)
    run_profile(make_line((1000.0, 3000.0, 4200.0)), make_train(), passengers=100.0)  # by contents, not by object


@pytest.mark.parametrize("changed", ["line", "train", "conditions", "passengers", "code"])
def test_anything_the_run_depends_on_gives_another_entry(on, monkeypatch, changed):
    run_profile(LINE, TRAIN, passengers=100.0)
    _forget()
    line, train, cond, load = LINE, TRAIN, Conditions(), 100.0
    if changed == "line":
        line = make_line((1000.0, 3000.0, 4300.0))  # one station 100 m further
    elif changed == "train":
        train = make_train(max_tractive_force_n=150_000.0)
    elif changed == "conditions":
        cond = Conditions(adhesion_traction=0.05)
    elif changed == "passengers":
        load = 400.0
    else:  # another version of lrt's source
        monkeypatch.setattr(cache, "code_digest", lambda: "0" * 64)
    other = run_profile(line, train, conditions=cond, passengers=load)
    assert len(_entries(on)) == 2
    _same(other, _run_profile(line, train, "up", None, cond, load, None, None, None, 4.0))


def test_a_damaged_entry_is_worked_out_again_and_replaced(on):
    run_profile(LINE, TRAIN, passengers=100.0)
    (entry,) = on.iterdir()
    entry.write_bytes(entry.read_bytes()[:100])  # a disk that filled up, a copy cut short
    _forget()
    again = run_profile(LINE, TRAIN, passengers=100.0)
    _same(again, _run_profile(LINE, TRAIN, "up", None, Conditions(), 100.0, None, None, None, 4.0))
    _same(pickle.loads(entry.read_bytes()), again)  # the entry is whole again


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LRT_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(store, "KEEPER", None)
    assert cache.folder() is None
    cache.install()
    assert store.KEEPER is None and store.remember("run-profile", (1,), lambda: 42) == 42
    assert list(tmp_path.iterdir()) == []


def test_a_library_call_keeps_nothing_and_a_command_installs_the_cache(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LRT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "KEEPER", None)
    monkeypatch.setattr(runtime, "_MEMO", type(runtime._MEMO)())
    run_profile(LINE, TRAIN, passengers=100.0)  # simulate() from Python: the physics reads and writes no file
    assert not (tmp_path / "cache").exists()
    assert main(["runtime", "--format", "json"]) == 0  # a command: its runs of the shipped line are kept
    assert isinstance(store.KEEPER, cache.DiskCache) and store.KEEPER.base == tmp_path / "cache"
    assert len(list((tmp_path / "cache" / "run-profile").iterdir())) == 2  # up and down


def test_the_default_folder_is_the_users_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("LRT_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache.folder() == tmp_path / ".cache" / "lrt"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.folder() == tmp_path / "xdg" / "lrt"
    kept = cache.DiskCache(cache.folder())
    kept.remember("run-profile", (1,), lambda: 42)
    folder = tmp_path / "xdg" / "lrt"
    assert os.stat(folder).st_mode & 0o777 == 0o700  # private to the user: entries are unpickled
    assert kept.remember("run-profile", (1,), _refuse) == 42


def test_a_folder_that_cannot_be_written_only_means_the_work_is_done(tmp_path, monkeypatch):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    assert cache.DiskCache(blocked).remember("run-profile", (1,), lambda: 42) == 42
    assert blocked.read_text() == "not a folder"


def test_an_interrupted_write_leaves_no_entry_and_no_temporary_file(on, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.pickle, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _remember("run-profile", (1,), lambda: 42)
    assert _entries(on) == []


def test_the_oldest_entries_go_beyond_the_limit_and_nothing_else_is_removed(on, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    on.mkdir(parents=True)
    mine = on / "notes.pickle"  # not a name the cache writes: never removed
    mine.write_text("a user's file")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = on / f".lrt-tmp-{int(dead.stdout)}-x.pickle.part"  # left by a process killed while writing
    stale.write_text("")
    hour_ago = time.time() - 3700
    names = []
    for k in range(5):
        _remember("run-profile", (k,), lambda k=k: k)
        names.append(cache.key("run-profile", (k,)) + ".pickle")
        entry = on / names[-1]
        os.utime(entry, (hour_ago + k, hour_ago + k))  # written in this order
    assert _entries(on) == sorted([*names[2:], "notes.pickle"])
    assert mine.read_text() == "a user's file"


def test_a_command_gives_the_same_numbers_with_the_cache_off_cold_and_warm(tmp_path):
    def kpis(setting):
        env = {**os.environ, "LRT_CACHE_DIR": setting}
        out = subprocess.run([sys.executable, "-m", "lrt", "simulate", "--format", "json", "--daily", "20000"],
                             capture_output=True, text=True, env=env, check=True).stdout
        return json.loads(out)["kpis"]

    off = kpis("off")
    cold = kpis(str(tmp_path / "c"))
    assert len(list((tmp_path / "c" / "run-profile").iterdir())) == 8  # the runs of the check and the plan
    warm = kpis(str(tmp_path / "c"))
    assert off == cold == warm
