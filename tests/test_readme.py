"""The README's Quickstart is two commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quickstart_is_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```bash\n(.*?)```", section, re.S)
    commands = [c for c in block.strip().splitlines() if c.strip()]
    assert len(commands) == 2
    assert commands[0] == "python3 -m pip install . && lrt simulate"
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[1] in ci
    assert "python3 -m venv" in (ROOT / ".ci" / "run").read_text()
