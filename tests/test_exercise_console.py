"""The control-room console driven as a trainee drives it: ``lrt exercise run`` in a pseudo-terminal (pexpect)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "exercises" / "crossover-failure" / "reference.toml"
PROMPT = r"\] decision> "
WAIT_S = 300  # one run plays the day three times (yours, no decision, the reference) on a shared machine


def spawn(args: list[str], cwd: Path):
    """``python -m lrt ARGS`` in a pseudo-terminal 250 columns wide (Rich wraps its lines at the width)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "250"}
    return pexpect.spawn(sys.executable, ["-m", "lrt", *args], cwd=str(cwd), env=env, encoding="utf-8",
                         timeout=WAIT_S, dimensions=(50, 250))


def carry_on_to_the_end(child) -> int:
    """Answer ``go`` at every decision point left; the number of points answered."""
    n = 0
    while child.expect([PROMPT, r"total\s+[-\d,.]+"]) == 0:
        child.sendline("go")
        n += 1
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return n


def test_a_trainee_is_refused_with_the_reason_then_decides_and_gets_the_score(tmp_path):
    child = spawn(["exercise", "run", "crossover-failure", "--out", str(tmp_path / "out")], tmp_path)
    child.expect("decision point 1: 07:50:00")
    child.expect("trains in service")
    child.expect(PROMPT)
    child.sendline("help")
    child.expect("turn TRAIN STATION")
    child.expect(PROMPT)
    child.sendline("turn T12 110")
    child.expect(r"refused: Martial Arts Palace has no crossover to turn a train back \(crossovers: Astana "
                 r"Zhuldyzy \(105\)")
    child.expect(PROMPT)
    child.sendline("hold T12 lots")
    child.expect("seconds: 'lots' is not a number")
    child.expect(PROMPT)
    child.sendline("turn T12 Theatre")
    child.expect("done: turn T12 back short at Theatre")
    child.expect(PROMPT)
    child.sendline("go")
    carry_on_to_the_end(child)
    out = tmp_path / "out"
    score = json.loads((out / "score.json").read_text(encoding="utf-8"))
    assert (score["decisions"], score["refused"]) == (1, 1)
    log = (out / "decisions.toml").read_text(encoding="utf-8")
    assert 'action = "short_turn"' in log and 'train = "T12"' in log and "station = 115" in log
    # the log of the interactive run replays to the same score
    from lrt.cli import main

    assert main(["exercise", "run", "crossover-failure", "--decisions", str(out / "decisions.toml"),
                 "--out", str(tmp_path / "again")]) == 0
    again = json.loads((tmp_path / "again" / "score.json").read_text(encoding="utf-8"))
    assert again["total"] == score["total"] and again["items"] == score["items"]


def test_restart_at_replays_the_first_decisions_then_asks_at_the_terminal(tmp_path):
    from lrt.io.decisions import read_decisions
    from lrt.io.line import read_line
    from lrt.paths import shipped_network

    _, reference = read_decisions(REFERENCE, read_line(shipped_network()))
    assert len(reference) >= 2 and reference[0].point < reference[1].point
    child = spawn(["exercise", "run", "crossover-failure", "--decisions", str(REFERENCE), "--restart-at", "1",
                   "--out", str(tmp_path / "out")], tmp_path)
    # the first decision is replayed at its stop; the console asks from the next decision point on
    child.expect(rf"decision point {reference[0].point + 1}: ")
    child.expect(PROMPT)
    child.sendline("go")
    carry_on_to_the_end(child)
    _, kept = read_decisions(tmp_path / "out" / "decisions.toml", read_line(shipped_network()))
    assert kept == reference[:1]


def test_quit_ends_the_exercise_without_a_score(tmp_path):
    child = spawn(["exercise", "run", "crossover-failure", "--log", str(tmp_path / "log.toml")], tmp_path)
    child.expect(PROMPT)
    child.sendline("quit")
    child.expect("exercise ended by the instructor; no score")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
