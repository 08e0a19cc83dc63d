"""Read a sweep file (``lrt batch SWEEP.toml``; format: docs/batch.md) into a checked :class:`SweepSpec`.

A sweep names a base scenario file, a grid over scenario fields (dotted keys, each a list of values; the
grid is their product), the replications per grid point, the seed the run seeds are derived from and an
optional stopping rule.  Every grid point is checked as a scenario before any run starts, so a malformed
sweep is refused whole.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..limits import MAX_SEED
from .files import Doc, read_toml
from .scenario import SCENARIO_KEYS, ScenarioSpec, read_scenario

__all__ = ["SweepSpec", "StoppingRule", "read_sweep", "parse_until", "SCHEMA_VERSION", "MAX_RUNS"]

SCHEMA_VERSION = 1
MAX_RUNS = 100_000
"""Most runs one sweep may ask for (grid points × the most replications)."""
_MAX_REPLICATIONS = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class StoppingRule:
    """Add replications to a grid point until the 95 % interval of ``kpi`` is narrower than ``half_width``.

    The interval is the Student-t half-width of the mean over the first n replications; the rule must
    hold at n and for the ``look_ahead`` replications after it (Hoad, Robinson & Davies 2010: a
    look-ahead guards against stopping on a lucky run), and at most ``max_replications`` are made.
    """

    kpi: str
    half_width: float
    max_replications: int
    look_ahead: int = 5

    def text(self) -> str:
        return f"{self.kpi} ci95 < {self.half_width:g}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSpec:
    """A checked sweep: its base scenario, grid points (each a dict of dotted key -> value, with its
    checked scenario spec), replications and seeds."""

    name: str
    source: str
    scenario: Path
    grid: tuple[tuple[str, tuple], ...]   # (dotted key, values), in the file's order
    points: tuple[dict, ...]              # every combination, the last key varying fastest
    specs: tuple[ScenarioSpec, ...]       # the scenario at each point
    replications: int
    seed: int
    until: StoppingRule | None = None

    @property
    def max_runs(self) -> int:
        return len(self.points) * (self.until.max_replications if self.until else self.replications)


def read_sweep(path: Path, *, until: StoppingRule | None = None) -> SweepSpec:
    """Read and check a sweep file; ``until`` (from ``--until``) replaces its ``[until]`` table."""
    doc = read_toml(Path(path))
    doc.check_schema(SCHEMA_VERSION)
    for key in doc.data:
        if key not in ("schema_version", "name", "description", "scenario", "seed", "replications", "grid", "until"):
            raise doc.error(key, "an unknown key",
                            "one of schema_version, name, description, scenario, seed, replications, grid, until")
    folder = Path(path).resolve().parent
    scenario = (folder / doc.string("scenario")).resolve()
    seed = doc.integer("seed", 1, minimum=0)
    if seed > MAX_SEED:
        raise doc.error("seed", str(seed), f"a whole number from 0 to {MAX_SEED:,}")
    replications = doc.integer("replications", minimum=1)
    if replications > _MAX_REPLICATIONS:
        raise doc.error("replications", str(replications), f"a whole number from 1 to {_MAX_REPLICATIONS:,}")
    grid = _grid(doc.table("grid", required=False))
    if until is None and doc.has("until"):
        until = _until_table(doc.table("until"), replications)
    if until is not None and until.max_replications < replications:
        raise InputError(doc.source, "until.max_replications", str(until.max_replications),
                         f"at least replications ({replications})")
    keys = [k for k, _ in grid]
    points = tuple(dict(zip(keys, combo)) for combo in itertools.product(*(v for _, v in grid)))
    total = len(points) * (until.max_replications if until else replications)
    if total > MAX_RUNS:
        raise InputError(doc.source, "grid", f"{len(points)} grid points x {total // len(points)} replications",
                         f"at most {MAX_RUNS:,} runs in one sweep")
    specs = []
    for i, point in enumerate(points):  # every point checked as a scenario before any run
        label = ", ".join(f"{k}={v!r}" for k, v in point.items())
        specs.append(read_scenario(scenario, point, origin=f"{doc.source}, grid point {i} ({label})"))
    return SweepSpec(name=doc.string("name"), source=doc.source, scenario=scenario, grid=grid, points=points,
                     specs=tuple(specs), replications=replications, seed=seed, until=until)


def _grid(t: Doc) -> tuple[tuple[str, tuple], ...]:
    """The ``[grid]`` table: dotted scenario keys (quoted in TOML, or nested tables) to lists of values."""
    flat: list[tuple[str, object]] = []

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, dotted + ".")
            else:
                flat.append((dotted, value))

    walk(dict(t.data), "")
    out = []
    for key, values in flat:
        if key not in SCENARIO_KEYS:
            raise InputError(t.source, f"grid.{key}", "an unknown scenario field",
                             "one of " + ", ".join(SCENARIO_KEYS))
        if not isinstance(values, list) or not values:
            raise InputError(t.source, f"grid.{key}", repr(values), "a non-empty list of values")
        if len({repr(v) for v in values}) != len(values):
            raise InputError(t.source, f"grid.{key}", repr(values), "each value once")
        out.append((key, tuple(values)))
    return tuple(out)


def _until_table(t: Doc, replications: int) -> StoppingRule:
    kpi = t.string("kpi")
    half = t.number("ci95", positive=True)
    most = t.integer("max_replications", max(200, replications), minimum=1)
    look = t.integer("look_ahead", 5, minimum=0)
    if most > _MAX_REPLICATIONS:
        raise t.error("max_replications", str(most), f"a whole number from 1 to {_MAX_REPLICATIONS:,}")
    return StoppingRule(kpi=kpi, half_width=half, max_replications=most, look_ahead=look)


_UNTIL = re.compile(r"^\s*([a-z0-9_]+)\s+ci95\s*<\s*([0-9.eE+-]+)\s*$")


def parse_until(text: str, *, max_replications: int, look_ahead: int = 5) -> StoppingRule:
    """``--until "mean_wait_s ci95 < 2"`` as a rule (the KPI is checked against the KPIs of a day later)."""
    m = _UNTIL.match(text)
    try:
        half = float(m.group(2)) if m else None
    except ValueError:
        half = None
    if m is None or half is None or not half > 0 or half != half or half == float("inf"):
        raise InputError("--until", "command line", repr(text), 'a rule "KPI ci95 < NUMBER", e.g. "mean_wait_s ci95 < 2"')
    return StoppingRule(kpi=m.group(1), half_width=half, max_replications=max_replications, look_ahead=look_ahead)
