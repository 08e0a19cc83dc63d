"""Read and write a driving plan, which is also the control log of a drive (format: docs/driving.md).

A CSV file with the columns ``time_s``, ``position_m`` and ``control``; each row gives one of the two
(the drive clock from departure [s], or the head's distance from the departure stop mark [m]) and a
control (``P1``-``P4``, ``C``, ``B1``-``B7``, ``EB``, ``mode ATO|PM|RM``, ``request``, ``reset``, ``doors``, ``end``).
Lines starting with ``#`` are comments; other columns are ignored.  Controls fire in the file's order,
so the times must not go back.  Every problem is one :class:`~lrt.errors.InputError` naming the file, the
line and the column.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..training.cab.controls import ACTIONS, Control, Plan, parse_action
from .files import _text, display_path, parse_csv
from .outputs import atomic_write

__all__ = ["read_plan", "write_plan", "plan_text", "COLUMNS", "MAX_TIME_S", "MAX_POSITION_M"]

COLUMNS = ("time_s", "position_m", "control")
MAX_TIME_S = 24 * 3600.0
"""Latest time a plan may give [s from departure]: a day (a drive lasts minutes)."""
MAX_POSITION_M = 100_000.0
"""Farthest position a plan may give [m]: 100 km (a drive runs a few kilometres)."""
_EXPECTED_CONTROL = "a control: " + ", ".join(ACTIONS)


def read_plan(path: Path) -> Plan:
    """Read a plan or a control log; InputError for anything malformed."""
    path = Path(path)
    name = display_path(path)
    text = _text(path, name, "a driving plan (CSV)")
    # comments become empty lines, which the CSV reader skips; the header is the first other line, and
    # the rows keep the line numbers of the file
    lines = ["\n" if line.lstrip().startswith("#") else line for line in text.splitlines(keepends=True)]
    skip = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    rows = parse_csv("".join(lines[skip:]), name, list(COLUMNS), skip_blank=True)
    controls, last = [], 0.0
    for row in rows:
        row.line += skip
        raw_t = (row.values.get("time_s") or "").strip()
        raw_p = (row.values.get("position_m") or "").strip()
        if bool(raw_t) == bool(raw_p):
            found = "both time_s and position_m" if raw_t else "neither time_s nor position_m"
            raise row.error("time_s", found, "a time [s] or a position [m], one of the two")
        column, bound = ("time_s", MAX_TIME_S) if raw_t else ("position_m", MAX_POSITION_M)
        value = row.number(column, minimum=0)
        if value > bound:
            raise row.error(column, f"{raw_t or raw_p}", f"a number from 0 to {bound:,.0f}")
        if column == "time_s":
            if value < last:
                raise row.error(column, f"{raw_t}", f"a time no earlier than the row before ({last:g} s): controls "
                                                    "fire in order")
            last = value
        action = row.parsed("control", parse_action, _EXPECTED_CONTROL)
        controls.append(Control(action=action, time_s=value if raw_t else None,
                                position_m=value if raw_p else None, line=row.line))
    return Plan(controls=tuple(controls), source=name)


def plan_text(plan: Plan, comment: str = "") -> str:
    """A plan as the text of a plan file (times and positions written so that they read back exactly)."""
    out = [f"# {line}\n" for line in comment.splitlines()]
    out.append(",".join(COLUMNS) + "\n")
    for c in plan.controls:
        t = "" if c.time_s is None else _number(c.time_s)
        p = "" if c.position_m is None else _number(c.position_m)
        out.append(f"{t},{p},{c.action}\n")
    return "".join(out)


def write_plan(path: Path, plan: Plan, comment: str = "") -> None:
    """Write a plan (a control log) atomically."""
    with atomic_write(Path(path)) as f:
        f.write(plan_text(plan, comment))


def _number(x: float) -> str:
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x!r} in a plan")
    return repr(float(x)) if not float(x).is_integer() else str(int(x))
