"""The live cab, driven by scripted keys in a pseudo-terminal; its control log replays it exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import time

import pexpect
import pyte

ROOT = Path(__file__).resolve().parents[1]


class Screen:
    """What a person sees: the child's output rendered by a terminal emulator (curses redraws only what
    changed, so the raw stream does not hold the screen's lines)."""

    def __init__(self, child, rows=30, cols=120):
        self.child = child
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, pattern: str, timeout: float = 60.0) -> str:
        import re

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.2))
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                break
            if re.search(pattern, self.text()):
                return self.text()
        raise AssertionError(f"{pattern!r} not on the screen:\n{self.text()}")


def lrt(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "lrt", *args], capture_output=True, text=True, cwd=ROOT, **kwargs)


def test_the_live_cab_is_driven_by_keys_and_its_control_log_replays_it_exactly(tmp_path):
    log = tmp_path / "controls.csv"
    live = tmp_path / "live"
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120", "LINES": "30"}
    child = pexpect.spawn(sys.executable, ["-m", "lrt", "exercise", "drive", "rm-cbtc-failure-snow", "--clock-rate", "16",
                                           "--log", str(log), "--out", str(live), "--format", "json"],
                          cwd=str(ROOT), env=env, dimensions=(30, 120), encoding="utf-8", timeout=60)
    screen = Screen(child)
    try:
        screen.wait_for(r"mode ATO +CBTC FAILED +RM not authorised")
        child.send("3")  # RM before the authorisation: refused
        screen.wait_for("mode RM refused: no authorisation")
        child.send("a")
        screen.wait_for("RM authorised")  # 30 s of drive clock, about 2 s at x16
        child.send("3")
        screen.wait_for("mode ATO → RM")
        child.send("w")  # P1
        screen.wait_for(r"lever P1 ")
        screen.wait_for(r"speed +([5-9]|[12]\d)\.\d km/h")  # moving (a wide window: a loaded machine draws seldom)
        child.send("s")
        screen.wait_for(r"lever C ")
        child.send("s")  # B1
        screen.wait_for(r"lever B1 ")
        child.send("q")
        screen.wait_for("drive ended: abandoned")
        child.send("x")  # any key: the score
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    assert log.read_text().splitlines()[-1].endswith(",end")
    # the control log is a valid plan: replayed headless, the same trace and the same score
    replay = tmp_path / "replay"
    out = lrt("exercise", "drive", "rm-cbtc-failure-snow", "--plan", str(log), "--out", str(replay), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert (replay / "trace.csv").read_bytes() == (live / "trace.csv").read_bytes()
    assert (replay / "events.csv").read_bytes() == (live / "events.csv").read_bytes()
    a, b = (json.loads((d / "drive.json").read_text()) for d in (live, replay))
    assert a == b
    assert a["outcome"] == "abandoned"
    assert [c.split(",")[2] for c in log.read_text().splitlines() if c and c[0].isdigit()] == \
        ["mode RM", "request", "mode RM", "P1", "C", "B1", "end"]


def test_the_live_cab_refuses_cleanly_when_not_on_a_terminal():
    out = lrt("exercise", "drive", "icy-stop-baiterek", stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr == ("error: --plan: command line: none, and this is not a terminal, expected a terminal for "
                          "the live cab, or --plan FILE to drive headless\n")


def test_a_terminal_curses_does_not_know_is_refused_in_one_line():
    env = {**os.environ, "TERM": "no-such-terminal"}
    child = pexpect.spawn(sys.executable, ["-m", "lrt", "exercise", "drive", "icy-stop-baiterek"], cwd=str(ROOT),
                          env=env, encoding="utf-8", timeout=60)
    try:
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 2
    assert child.before.strip() == ("error: TERM: environment: a terminal curses cannot drive (setupterm: could not "
                                    "find terminal), expected a terminal such as xterm, or --plan FILE to drive "
                                    "headless")
