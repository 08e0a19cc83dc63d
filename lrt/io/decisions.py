"""Read and write a control-room decision log: the decisions of a run, replayable with ``--decisions``.

Format (TOML; docs/exercises.md)::

    schema_version = 1
    exercise = "crossover-failure"
    seed = 7

    [[decisions]]
    stop = 1                    # the decision point, counted from 1 in the order the run stopped
    time = "07:50:00"           # when (for a person reading it; the stop number is what replays)
    action = "short_turn"
    train = "T05"
    station = 113               # code or name

Fields by action: ``hold`` (train, seconds or headway), ``short_turn`` (train, station), ``skip`` (train,
stations), ``spare`` (trips: round trips, default 1), ``withdraw`` (train), ``reduce`` (trains),
``restrict`` (section, limit in km/h, until), ``authorise_rm`` (section), ``nothing``; ``note`` free text.
The instructor's commands are entries too, so that a session that used them replays exactly: ``step``
(minutes: the day stops again so many minutes later) and ``fault`` (fault = door, train, switch or
power_rail; train, station, section and seconds as the kind needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..network import Line
from ..units import format_clock
from .files import Doc, read_toml

__all__ = ["Decision", "read_decisions", "write_decisions", "SCHEMA_VERSION", "INSTRUCTOR", "FAULT_FIELDS"]

SCHEMA_VERSION = 1
INSTRUCTOR = ("step", "fault")  # entries of the instructor's, not the trainee's decisions
# what each kind of injected fault needs
FAULT_FIELDS = {"door": ("train", "station", "seconds"), "train": ("train", "seconds"), "switch": ("station", "seconds"),
                "power_rail": ("section", "seconds")}


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """One decision of the trainee at decision point ``point`` (what the decision log records)."""

    point: int
    action: str
    train: str = ""
    station: int | None = None
    stations: tuple[int, ...] = ()
    seconds: float | None = None
    headway_s: float | None = None
    section: tuple[int, int] | None = None
    limit_kmh: float | None = None
    until_s: float | None = None
    trains: int | None = None
    minutes: float | None = None
    fault: str = ""
    note: str = ""

    @property
    def instructor(self) -> bool:
        """An instructor's entry (a step, an injected fault) rather than the trainee's decision."""
        return self.action in INSTRUCTOR

    def text(self, line=None) -> str:
        """The decision in a few words (for the log and the debrief)."""
        def name(code):
            return line.station(code).name_en if line is not None and code is not None else str(code)

        a = self.action
        if a == "hold":
            what = f"{self.seconds:.0f} s" if self.seconds is not None else f"a headway of {self.headway_s:.0f} s"
            return f"hold {self.train} for {what}"
        if a == "short_turn":
            return f"turn {self.train} back short at {name(self.station)}"
        if a == "skip":
            return f"{self.train} runs through {', '.join(name(c) for c in self.stations)}"
        if a == "spare":
            return f"a spare train for {self.trains or 1} round trip(s)"
        if a == "withdraw":
            return f"withdraw {self.train}"
        if a == "reduce":
            return f"reduce the service to {self.trains} trains"
        if a in ("restrict", "authorise_rm"):
            sec = f"{name(self.section[0])}-{name(self.section[1])}" if self.section else "?"
            if a == "authorise_rm":
                return f"authorise restricted manual through {sec}"
            until = f" until {format_clock(self.until_s)}" if self.until_s is not None else ""
            return f"restrict {sec} to {self.limit_kmh:g} km/h{until}"
        if a == "step":
            return f"the instructor runs the day {self.minutes:g} min on"
        if a == "fault":
            where = (f" of {self.train}" if self.train else "") + (f" at {name(self.station)}" if self.station else "")
            if self.section:
                where += f" between {name(self.section[0])} and {name(self.section[1])}"
            return f"the instructor injects a {self.fault} fault{where} for {self.seconds:g} s"
        return "do nothing"


_FIELDS = {"hold": {"train", "seconds", "headway"}, "short_turn": {"train", "station"}, "skip": {"train", "stations"},
           "spare": {"trips"}, "withdraw": {"train"}, "reduce": {"trains"},
           "restrict": {"section", "limit", "until"}, "authorise_rm": {"section"}, "nothing": set(),
           "step": {"minutes"}, "fault": {"fault", "train", "station", "section", "seconds"}}


def read_decisions(path: Path, line: Line, *, exercise: str | None = None) -> tuple[int | None, list]:
    """The seed and the decisions of a decision log (``Decision`` objects), checked against the line; with
    ``exercise``, the log must be for that exercise."""
    doc = read_toml(Path(path))
    doc.check_schema(SCHEMA_VERSION)
    name = doc.string("exercise")
    if exercise is not None and name != exercise:
        raise doc.error("exercise", repr(name), f"{exercise!r} (a log of this exercise)")
    seed = doc.integer("seed", -1, minimum=0) if doc.has("seed") else None
    out = []
    last = 0
    for d in doc.tables("decisions") if doc.has("decisions") else []:
        stop = d.integer("stop", minimum=1)
        if stop < last:
            raise d.error("stop", str(stop), f"a stop at or after the one before ({last}): decisions in order")
        last = stop
        action = d.string("action")
        if action not in _FIELDS:
            raise d.error("action", repr(action), "one of " + ", ".join(_FIELDS))
        allowed = _FIELDS[action] | {"stop", "time", "action", "note"}
        for key in d.data:
            if key not in allowed:
                raise d.error(key, "a field this action does not take", "one of " + ", ".join(sorted(allowed)))
        out.append(Decision(point=stop, action=action, train=d.string("train", "") if "train" in _FIELDS[action] else "",
                            station=_station(d, "station", line) if d.has("station") else None,
                            stations=tuple(_stations(d, "stations", line)) if d.has("stations") else (),
                            seconds=d.number("seconds", positive=True) if d.has("seconds") else None,
                            headway_s=d.number("headway", positive=True) if d.has("headway") else None,
                            section=tuple(_stations(d, "section", line)) if d.has("section") else None,
                            limit_kmh=d.number("limit", positive=True) if d.has("limit") else None,
                            until_s=d.clock("until") if d.has("until") else None,
                            trains=d.integer("trains" if action == "reduce" else "trips", minimum=1)
                            if d.has("trains") or d.has("trips") else None,
                            minutes=d.number("minutes", positive=True) if action == "step" else None,
                            fault=_fault_kind(d) if action == "fault" else "",
                            note=d.string("note", "")))
        if action in ("hold", "short_turn", "skip", "withdraw") and not out[-1].train:
            raise d.error("train", "missing", "the train (block id, e.g. T07)")
    return seed, out


def _fault_kind(d: Doc) -> str:
    """An injected fault's kind, with every field that kind needs."""
    kind = d.string("fault")
    if kind not in FAULT_FIELDS:
        raise d.error("fault", repr(kind), "one of " + ", ".join(FAULT_FIELDS))
    for key in FAULT_FIELDS[kind]:
        if not d.has(key):
            raise d.error(key, "missing", f"the {key} of a {kind} fault ({', '.join(FAULT_FIELDS[kind])})")
    return kind


def write_decisions(path: Path, *, exercise: str, seed: int, decisions: list, times: dict) -> None:
    """Write a decision log (atomically) that :func:`read_decisions` reads back to the same decisions.

    ``times``: stop number -> the time it was taken [s], for the reader.
    """
    from .outputs import atomic_write

    lines = [f"schema_version = {SCHEMA_VERSION}", f"exercise = {_q(exercise)}", f"seed = {seed}"]
    for d in decisions:
        lines += ["", "[[decisions]]", f"stop = {d.point}"]
        if d.point in times:
            lines.append(f"time = {_q(format_clock(times[d.point]))}")
        lines.append(f"action = {_q(d.action)}")
        if d.fault:
            lines.append(f"fault = {_q(d.fault)}")
        if d.train:
            lines.append(f"train = {_q(d.train)}")
        if d.station is not None:
            lines.append(f"station = {d.station}")
        if d.stations:
            lines.append(f"stations = [{', '.join(str(c) for c in d.stations)}]")
        for key, value in (("seconds", d.seconds), ("headway", d.headway_s), ("limit", d.limit_kmh),
                           ("minutes", d.minutes)):
            if value is not None:
                lines.append(f"{key} = {value!r}")
        if d.section is not None:
            lines.append(f"section = [{d.section[0]}, {d.section[1]}]")
        if d.until_s is not None:
            lines.append(f"until = {_q(format_clock(d.until_s))}")
        if d.trains is not None:
            lines.append(f"{'trains' if d.action == 'reduce' else 'trips'} = {d.trains}")
        if d.note:
            lines.append(f"note = {_q(d.note)}")
    with atomic_write(Path(path)) as f:
        f.write("\n".join(lines) + "\n")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _station(d: Doc, key: str, line: Line) -> int:
    raw = d.data[key]
    try:
        return line.station(raw if isinstance(raw, int) else str(raw)).code
    except (KeyError, TypeError):
        raise d.error(key, f"unknown station {raw!r}", f"a station of {line.name} (code or name)") from None


def _stations(d: Doc, key: str, line: Line) -> list[int]:
    raw = d.data[key]
    if not isinstance(raw, list) or not raw:
        raise d.error(key, repr(raw), "a list of stations, e.g. [110, 111]")
    out = []
    for x in raw:
        try:
            out.append(line.station(x if isinstance(x, int) else str(x)).code)
        except (KeyError, TypeError):
            raise d.error(key, f"unknown station {x!r}", f"stations of {line.name} (codes or names)") from None
    if key == "section" and (len(out) != 2 or abs(line.index(out[0]) - line.index(out[1])) != 1):
        raise d.error(key, repr(raw), "two neighbouring stations, e.g. [113, 114]")
    return out
