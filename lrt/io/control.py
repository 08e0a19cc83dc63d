"""The tables of a control-room exercise (``kind = "control"``), checked (format: docs/exercises.md).

An exercise names a scenario file (and may override its fields), adds scripted faults, crowd surges and
signalling failures, lists its decision points (at a time, or on a fault, a delay over a threshold, a
platform over a crowding level), the actions the trainee may take and the rules that apply.  Reading it
checks every field against the line (:func:`read_control`), so a trainer's typing slip is one clear error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..disruptions import Fault
from ..limits import SERVICE_DAY_END_S
from ..network import Line
from .exercise import Exercise
from .files import Doc

__all__ = ["ControlSpec", "DecisionPoint", "Crowd", "SignallingFailure", "read_control", "ACTIONS", "TRIGGERS"]

ACTIONS = ("hold", "short_turn", "skip", "spare", "withdraw", "reduce", "restrict", "authorise_rm", "nothing")
"""What a control-room trainee may do (docs/exercises.md says what each does)."""
TRIGGERS = ("time", "fault", "delay", "crowd")
RUBRIC = ("passenger_delay", "denied_boardings", "headway_regularity", "stranded", "rule_violations")


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionPoint:
    """When the simulation stops for the trainee: at ``at_s``, or on the first ``on`` event after ``after_s``
    (a fault; a departure more than ``over`` s late; more than ``over`` passengers waiting at ``station``)."""

    number: int
    on: str
    at_s: float | None = None
    after_s: float = 0.0
    over: float = 0.0
    station: int | None = None
    prompt: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Crowd:
    """A surge of extra passengers at ``station`` between ``start_s`` and ``end_s`` (a match at the Arena)."""

    station: int
    start_s: float
    end_s: float
    passengers: float
    destinations: tuple[int, ...] = ()  # empty: every other station, as the demand model shares them


@dataclass(frozen=True, slots=True, kw_only=True)
class SignallingFailure:
    """CBTC lost between two neighbouring stations: no train enters until the control centre authorises
    restricted manual driving (25 km/h) through it."""

    section: tuple[int, int]
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlSpec:
    """A control-room exercise's tables, checked."""

    scenario: Path
    overrides: dict = field(default_factory=dict)
    seed: int | None = None
    faults: tuple[Fault, ...] = ()
    crowds: tuple[Crowd, ...] = ()
    signalling: tuple[SignallingFailure, ...] = ()
    points: tuple[DecisionPoint, ...] = ()
    actions: tuple[str, ...] = ACTIONS
    max_hold_s: float = 600.0
    min_trains: int = 0
    no_skip: tuple[int, ...] = ()
    stranded_penalty_min: float = 60.0
    spare_delay_s: float = 600.0


def read_control(exercise: Exercise, line: Line, trains: set[str] | None = None) -> ControlSpec:
    """Check the control tables of ``exercise`` against ``line`` (and the timetable's ``trains``)."""
    from .faults import faults_from

    doc: Doc = exercise.body
    if exercise.kind != "control":
        raise doc.error("kind", repr(exercise.kind), "control (a control-room exercise)")
    # a misspelt key would otherwise be ignored in silence (a decision point at the wrong time, a rule not kept)
    _only(doc, _KEYS[""])
    for key in ("faults", "crowds", "signalling_failures", "decision_points"):
        for entry in doc.tables(key) if doc.has(key) else ():
            _only(entry, _KEYS[key])
    for key in ("rules", "scoring"):
        _only(doc.table(key, required=key == "scoring"), _KEYS[key])
    for item in exercise.weights:
        if item not in RUBRIC:
            raise doc.table("scoring").table("weights").error(item, "an unknown rubric item", "one of " + ", ".join(RUBRIC))
    scenario = (exercise.folder / doc.string("scenario")).resolve()
    if not scenario.is_file():
        raise doc.error("scenario", f"{doc.data['scenario']!r}: no such file", "a scenario file, relative to the exercise")
    overrides = dict(doc.table("overrides", required=False).data)
    seed = doc.integer("seed", -1, minimum=0) if doc.has("seed") else None
    faults = faults_from(doc, line, trains) if doc.has("faults") else ()
    crowds = tuple(_crowd(c, line) for c in doc.tables("crowds")) if doc.has("crowds") else ()
    signalling = tuple(_signalling(s, line) for s in doc.tables("signalling_failures")) \
        if doc.has("signalling_failures") else ()
    points = tuple(_point(p, line, n) for n, p in enumerate(doc.tables("decision_points"), start=1))
    if not points:
        raise doc.error("decision_points", "none", "at least one [[decision_points]]")
    actions = doc.data.get("actions", list(ACTIONS))
    if not isinstance(actions, list) or not actions or any(a not in ACTIONS for a in actions):
        raise doc.error("actions", repr(actions), "a list of actions from " + ", ".join(ACTIONS))
    rules = doc.table("rules", required=False)
    no_skip = tuple(_station(rules, "no_skip", c, line) for c in _list(rules, "no_skip"))
    scoring = doc.table("scoring")
    return ControlSpec(scenario=scenario, overrides=overrides, seed=seed, faults=faults, crowds=crowds,
                       signalling=signalling, points=points, actions=tuple(actions),
                       max_hold_s=rules.number("max_hold_s", 600.0, positive=True),
                       min_trains=rules.integer("min_trains", 0, minimum=0), no_skip=no_skip,
                       stranded_penalty_min=scoring.number("stranded_penalty_min", 60.0, minimum=0),
                       spare_delay_s=rules.number("spare_delay_s", 600.0, minimum=0))


_KEYS = {
    "": ("schema_version", "kind", "title", "summary", "reference", "scenario", "overrides", "seed", "faults",
         "crowds", "signalling_failures", "decision_points", "actions", "rules", "scoring"),
    "faults": ("kind", "time", "end", "duration", "train", "station", "section", "note"),
    "crowds": ("station", "start", "end", "passengers", "to", "note"),
    "signalling_failures": ("section", "start", "end", "note"),
    "decision_points": ("at", "on", "after", "over", "station", "prompt", "note"),
    "rules": ("max_hold_s", "min_trains", "no_skip", "spare_delay_s"),
    "scoring": ("weights", "stranded_penalty_min"),
}
"""The keys each table of a control exercise may have."""


def _only(doc: Doc, keys: tuple[str, ...]) -> None:
    for key in doc.data:
        if key not in keys:
            raise doc.error(key, "an unknown key", "one of " + ", ".join(keys))


def _list(doc: Doc, key: str) -> list:
    raw = doc.data.get(key, [])
    if not isinstance(raw, list):
        raise doc.error(key, repr(raw), "a list of stations (codes or names), e.g. [101, 118]")
    return raw


def _station(doc: Doc, key: str, raw, line: Line) -> int:
    try:
        return line.station(raw if isinstance(raw, int) else str(raw)).code
    except (KeyError, TypeError):
        raise doc.error(key, f"unknown station {raw!r}", f"a station of {line.name} (code or name)") from None


def _window(doc: Doc) -> tuple[float, float]:
    start, end = doc.clock("start"), doc.clock("end")
    if end <= start:
        raise doc.error("end", doc.data["end"], f"a time after start ({doc.data['start']})")
    if end > SERVICE_DAY_END_S:
        raise doc.error("end", doc.data["end"], "a time by 30:00")
    return start, end


def _crowd(c: Doc, line: Line) -> Crowd:
    station = _station(c, "station", c.data.get("station"), line)
    start, end = _window(c)
    to = tuple(_station(c, "to", x, line) for x in _list(c, "to"))
    if station in to:
        raise c.error("to", repr(c.data["to"]), "destinations other than the station itself")
    passengers = c.number("passengers", positive=True)
    if passengers > 100_000:
        raise c.error("passengers", f"{passengers:g}", "at most 100,000 extra passengers")
    return Crowd(station=station, start_s=start, end_s=end, passengers=passengers, destinations=to)


def _signalling(s: Doc, line: Line) -> SignallingFailure:
    raw = s.data.get("section")
    if not isinstance(raw, list) or len(raw) != 2:
        raise s.error("section", repr(raw), "two neighbouring stations, e.g. [113, 114]")
    a, b = (_station(s, "section", x, line) for x in raw)
    if abs(line.index(a) - line.index(b)) != 1:
        raise s.error("section", repr(raw), "two neighbouring stations")
    start, end = _window(s)
    return SignallingFailure(section=(a, b), start_s=start, end_s=end)


def _point(p: Doc, line: Line, number: int) -> DecisionPoint:
    if p.has("at"):
        if p.has("on"):
            raise p.error("on", repr(p.data["on"]), "either at (a time) or on (an event), not both")
        return DecisionPoint(number=number, on="time", at_s=p.clock("at"), prompt=p.string("prompt", ""))
    on = p.string("on")
    if on not in TRIGGERS[1:]:
        raise p.error("on", repr(on), "fault, delay or crowd (or at = a time)")
    after = p.clock("after") if p.has("after") else 0.0
    station = None
    over = 0.0
    if on in ("delay", "crowd"):
        over = p.number("over", positive=True)
    if on == "crowd":
        station = _station(p, "station", p.data.get("station"), line)
    return DecisionPoint(number=number, on=on, after_s=after, over=over, station=station,
                         prompt=p.string("prompt", ""))
