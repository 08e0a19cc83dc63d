"""Read a training exercise: ``exercises/<id>/exercise.toml`` and its ``briefing.md`` (format: docs/exercises.md).

An exercise is data a trainer writes without Python.  Every exercise has a header (``schema_version``,
``title``, ``kind``, the scoring weights, the reference solution) and the tables of its kind:

* ``kind = "control"``: the operations control centre in a live disruption (a scenario file, scripted
  faults and events, decision points, allowed actions) - :mod:`lrt.training.control`;
* ``kind = "drive"``: degraded-mode driving of one train under ATP (the run, the weather, the stop) -
  :mod:`lrt.training.cab`.

This module reads the header and the briefing, and hands each kind its own tables (``Exercise.body``, a
located :class:`~lrt.io.files.Doc`) to check; every problem is an ``InputError`` naming the file and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .files import Doc, read_toml

__all__ = ["Exercise", "read_exercise", "list_exercises", "KINDS", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
KINDS = ("control", "drive")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Exercise:
    """An exercise's header and briefing; ``body`` holds the tables its kind reads.

    Attributes
    ----------
    id : the folder's name (lower case, digits and hyphens)
    title, summary : what it is about, in a line and in a sentence
    kind : ``control`` or ``drive``
    folder : where it lives (paths in it are relative to it)
    briefing : the text of ``briefing.md`` (situation, rules, what success looks like)
    weights : rubric item -> weight of the score [1]
    reference : the reference solution file (decisions or a driving plan), relative paths resolved
    body : the whole ``exercise.toml`` as a located table, for the kind's own reader
    """

    id: str
    title: str
    summary: str
    kind: str
    folder: Path
    briefing: str
    weights: dict = field(default_factory=dict)
    reference: Path | None = None
    body: Doc | None = field(default=None, compare=False, repr=False)

    @property
    def source(self) -> str:
        return self.body.source if self.body is not None else str(self.folder / "exercise.toml")


def read_exercise(folder: Path) -> Exercise:
    """Read ``folder/exercise.toml`` and ``folder/briefing.md`` (the kind's tables are checked by the kind)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(str(folder), "folder", "no such folder", "an exercise folder with exercise.toml")
    doc = read_toml(folder / "exercise.toml")
    doc.check_schema(SCHEMA_VERSION)
    kind = doc.string("kind")
    if kind not in KINDS:
        raise doc.error("kind", repr(kind), " or ".join(KINDS))
    brief = folder / "briefing.md"
    if not brief.is_file():
        raise InputError(str(brief), "file", "no such file", "the exercise's briefing (Markdown)")
    try:
        briefing = brief.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(brief), "encoding", "bytes that are not UTF-8", "a UTF-8 text file") from None
    if not briefing.strip():
        raise InputError(str(brief), "text", "empty", "the situation, the rules and what success looks like")
    weights = {}
    score = doc.table("scoring")
    w = score.table("weights")
    for item in w.data:
        weights[item] = w.number(item, minimum=0)
    if not weights or not sum(weights.values()) > 0:
        raise score.error("weights", "no positive weight", "at least one rubric item with a weight above 0")
    reference = None
    if doc.has("reference"):
        raw = doc.string("reference")
        reference = (folder / raw).resolve()
        if not reference.is_file():
            raise doc.error("reference", f"{raw!r}: no such file", "the reference solution, relative to the exercise")
    return Exercise(id=folder.name, title=doc.string("title"), summary=doc.string("summary", ""), kind=kind,
                    folder=folder.resolve(), briefing=briefing, weights=weights, reference=reference, body=doc)


def list_exercises(root: Path) -> list[Exercise]:
    """Every exercise under ``root`` (a folder of exercise folders), sorted by id; each one read and checked."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(str(root), "folder", "no such folder", "a folder of exercises")
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "exercise.toml").exists()):
        if not _ID.match(folder.name):
            raise InputError(str(folder), "folder name", repr(folder.name),
                             "an exercise id: lower-case letters, digits and hyphens")
        out.append(read_exercise(folder))
    return out
