"""Helpers of the bad-input corpus: copies of the shipped data with one change, and the refusal check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from lrt.cli import main

ERROR_LINE = re.compile(r"^error: [^:]+: [^:]+: .+, expected .+$")
"""Every refusal: ``error: <file or option>: <where>: <found>, expected <what>``, one line."""


def copy_of(source: Path, target: Path) -> Path:
    """A copy of a shipped file or folder at ``target``."""
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file by ``new`` (the one change of a case)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(capsys, argv: list[str], source: str, *texts: str) -> str:
    """Run ``lrt argv`` in-process and check the refusal: exit 2, nothing on stdout, one error line.

    ``source`` is the first part of the line: an option (``--daily``) exactly, or the end of a file
    or folder path (``stations.csv``); every text in ``texts`` must appear in the line.
    """
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), (code, out, err)
    assert err.endswith("\n") and err.count("\n") == 1, err
    line = err[:-1]
    assert ERROR_LINE.match(line), line
    first = line[len("error: "):].split(": ", 1)[0]
    assert first == source or first.endswith("/" + source), (source, line)
    for text in texts:
        assert text in line, (text, line)
    return line
