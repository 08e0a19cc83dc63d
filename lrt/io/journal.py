"""The durable journal of a batch: one JSON line per finished run, appended and synced as it finishes.

A batch stopped in any way (Ctrl-C, ``kill -9``, a power cut) keeps every run it finished: the next
``lrt batch --resume`` reads the journal and runs only the rest.  The first line says which sweep the
journal belongs to; a line cut short by a kill is ignored (that run is made again).  Floats are written
as Python's shortest round-trip repr, so a row read back equals the row written, bit for bit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import InputError

__all__ = ["Journal", "read_journal", "JOURNAL_NAME"]

JOURNAL_NAME = "runs.jsonl"


class Journal:
    """Appends runs to ``folder/runs.jsonl``, each line flushed and fsynced before the next run is taken."""

    def __init__(self, folder: Path, header: dict, *, resume: bool) -> None:
        self.path = Path(folder) / JOURNAL_NAME
        Path(folder).mkdir(parents=True, exist_ok=True)
        if not resume or not self.path.exists():
            self._file = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - kept open for the batch
            self._write(header)
        else:
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
            self._trim_partial_line()

    def _trim_partial_line(self) -> None:
        """Cut a last line that a kill left without its newline (the run is made again)."""
        with open(self.path, "rb") as f:
            data = f.read()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            self._file.close()
            with open(self.path, "r+b") as f:
                f.truncate(keep)
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115

    def _write(self, obj: dict) -> None:
        self._file.write(json.dumps(obj, ensure_ascii=False, allow_nan=True) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def append(self, row: dict) -> None:
        """One finished run, durably."""
        self._write(row)

    def close(self) -> None:
        self._file.close()


def read_journal(folder: Path, header: dict) -> list[dict]:
    """The runs of an earlier, interrupted batch in ``folder`` (none if it has no journal).

    Refuses a journal written for another sweep (its header differs from ``header``): resuming it would
    mix two batches.
    """
    path = Path(folder) / JOURNAL_NAME
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").split("\n")
    rows = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError:
            if number == len(lines):  # the last line, cut short by a kill: made again
                break
            raise InputError(str(path), f"line {number}", "text that is not a JSON object",
                             "one JSON object a line, as lrt batch writes it") from None
        if number == 1:
            if obj != header:
                changed = sorted(k for k in set(obj) | set(header) if obj.get(k) != header.get(k))
                raise InputError(str(path), "line 1", f"a batch of another sweep (it differs in {', '.join(changed)})",
                                 "the same sweep file and options to --resume, or a new --out folder")
            continue
        rows.append(obj)
    return rows
