"""The score of a control-room run: only what the trainee changed, against the same day with no decision.

Each rubric item is measured on the trainee's day and on the same exercise and seed with no decision
taken (the same controller, so the two days differ only by the decisions), and scores its weight times
what the trainee saved (docs/exercises.md):

==================  ========================================================================  ==========
item                measure                                                                   unit
==================  ========================================================================  ==========
passenger_delay     passenger time: the journeys completed (platform to alighting) plus the   pass.-min
                    stranded passengers at the exercise's penalty each
denied_boardings    passengers a full train left on the platform (each refusal)               refusals
headway_regularity  the mean headway CV over station-hours, x 100                              CV points
stranded            passengers still waiting when the last train had passed                   passengers
rule_violations     decisions that broke a rule of the exercise (counted, never "saved")      violations
==================  ========================================================================  ==========

Saved = no-decision value − trainee value (a violation counts −1).  A run with no decision scores 0 on
every item.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Item", "measures", "score", "score_text"]

UNITS = {"passenger_delay": "passenger-min", "denied_boardings": "refusals", "headway_regularity": "CV points",
         "stranded": "passengers", "rule_violations": "violations"}


@dataclass(frozen=True, slots=True)
class Item:
    """One rubric item: its value with the trainee's decisions and with none, what was saved, its weight and
    points (weight × saved)."""

    name: str
    trainee: float
    baseline: float
    saved: float
    weight: float
    points: float


def measures(result, kpis: dict, *, violations: int, stranded_penalty_min: float) -> dict:
    """The rubric's measures of one day (see the module docstring)."""
    p = result.passengers
    done = np.isfinite(p["alight_s"])
    journeys = float(np.sum(p["alight_s"][done] - p["arrival_s"][done])) / 60.0
    stranded = int(np.count_nonzero(p["stranded"]))
    cv = kpis.get("headway_cv_mean")
    return {"passenger_delay": journeys + stranded * stranded_penalty_min,
            "denied_boardings": float(kpis.get("denied_boardings") or 0),
            "headway_regularity": 100.0 * float(cv) if cv is not None else 0.0,
            "stranded": float(stranded), "rule_violations": float(violations)}


def score(trainee: dict, baseline: dict, weights: dict) -> tuple[list[Item], float]:
    """The rubric items (in the exercise's weight order) and the total [points]."""
    items = []
    for name, weight in weights.items():
        t, b = trainee[name], baseline[name]
        saved = (0.0 - t if t else 0.0) if name == "rule_violations" else b - t
        items.append(Item(name=name, trainee=t, baseline=b, saved=saved, weight=weight, points=weight * saved))
    return items, float(sum(i.points for i in items))


def score_text(items: list[Item], total: float, reference: tuple[list[Item], float] | None = None) -> str:
    """The score as a table, the reference solution's beside it when given."""
    ref = {i.name: i for i in reference[0]} if reference else {}
    head = f"  {'rubric item':<20}{'no decision':>14}{'yours':>14}{'saved':>12}{'weight':>8}{'points':>10}"
    lines = [head + (f"{'reference':>12}" if ref else "")]
    for i in items:
        row = (f"  {i.name:<20}{i.baseline:>14,.1f}{i.trainee:>14,.1f}{i.saved:>12,.1f}{i.weight:>8g}"
               f"{i.points:>10,.1f}")
        if ref:
            row += f"{ref[i.name].points:>12,.1f}"
        lines.append(row + f"   {UNITS[i.name]}")
    lines.append(f"  {'total':<20}{'':>14}{'':>14}{'':>12}{'':>8}{total:>10,.1f}"
                 + (f"{reference[1]:>12,.1f}" if reference else ""))
    return "\n".join(lines)
