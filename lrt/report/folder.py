"""Reading a run folder: what kind of output it is, and each file it holds (the report's only file reads).

A file that is missing, or cannot be read, is ``None`` with a note saying why: the section that needs it
says so instead of failing (an older run, a folder copied without its largest file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

__all__ = ["RunFolder", "open_folder", "KINDS"]

KINDS = {"day": "lrt simulate", "comparison": "lrt compare", "batch": "lrt batch", "exercise": "lrt exercise run"}
"""The folder kinds and the command that writes each."""

_EXPECTED = "an output folder of lrt simulate, compare, batch or exercise run (with run.json, compare.json, " \
            "results.csv or score.json)"


@dataclass
class RunFolder:
    """A run folder: ``path``, ``kind`` (a key of :data:`KINDS`), and notes on files that could not be read."""

    path: Path
    kind: str
    notes: dict[str, str] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False)

    def has(self, name: str) -> bool:
        return (self.path / name).is_file()

    def why_missing(self, name: str) -> str:
        return self.notes.get(name, f"{name} is not in the folder")

    def json(self, name: str):
        """The parsed JSON file, or None (see :meth:`why_missing`)."""
        if name not in self._cache:
            self._cache[name] = self._read(name, lambda p: json.loads(p.read_text(encoding="utf-8")))
        return self._cache[name]

    def text(self, name: str) -> str | None:
        if name not in self._cache:
            self._cache[name] = self._read(name, lambda p: p.read_text(encoding="utf-8"))
        return self._cache[name]

    def bytes(self, name: str) -> bytes | None:
        return self._read(name, lambda p: p.read_bytes())

    def table(self, name: str, columns: tuple[str, ...] = (), *, only: bool = True, dtype: dict | None = None):
        """The CSV file as a DataFrame, or None; ``columns`` must all be there, and are the only ones read
        when ``only`` (the others of a large file cost time)."""
        key = (name, columns, only)
        if key not in self._cache:
            import pandas as pd

            def read(p: Path):
                frame = pd.read_csv(p, usecols=lambda c: not (only and columns) or c in columns, dtype=dtype,
                                    keep_default_na=True)
                lacking = [c for c in columns if c not in frame.columns]
                if lacking:
                    raise ValueError(f"no column {', '.join(lacking)}")
                return frame

            self._cache[key] = self._read(name, read)
        return self._cache[key]

    def digests(self) -> list[tuple[str, int, str]]:
        """(name, size [bytes], SHA-256) of every file in the folder but the report itself, by name."""
        import hashlib

        out = []
        for p in sorted(self.path.iterdir()):
            if p.is_file() and not p.name.startswith(".") and p.suffix != ".html":
                out.append((p.name, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()))
        return out

    def _read(self, name: str, parse):
        path = self.path / name
        if not path.is_file():
            return None
        try:
            return parse(path)
        except (OSError, ValueError, UnicodeDecodeError) as exc:  # pandas' and json's errors are ValueErrors
            self.notes[name] = f"{name} could not be read ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
            return None


def open_folder(path: Path, *, source: str = "RUN_DIR") -> RunFolder:
    """The run folder at ``path`` and its kind; an InputError when it is none of lrt's output folders."""
    path = Path(path)
    shown = repr(str(path))
    if not path.exists():
        raise InputError(source, "command line", f"{shown} does not exist", _EXPECTED)
    if not path.is_dir():
        raise InputError(source, "command line", f"{shown} is a file", _EXPECTED)
    names = {p.name for p in path.iterdir()}
    if "score.json" in names or "debrief.md" in names:
        kind = "exercise"
    elif "results.csv" in names or "summary.csv" in names or "runs.jsonl" in names:
        kind = "batch"
    elif "compare.json" in names:
        kind = "comparison"
    elif "kpis.json" in names or "events.csv" in names:
        kind = "day"
    else:
        raise InputError(source, "command line", f"{shown} holds none of them", _EXPECTED)
    return RunFolder(path, kind)
