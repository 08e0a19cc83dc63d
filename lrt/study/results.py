"""The tables of a batch (pure: rows in, columns and rows out; :mod:`lrt.cli.batch` writes them).

* ``results``: one row per run kept, in run order: ``run``, ``point``, ``replication``, the swept
  fields, ``seed``, ``status``, ``error`` and every KPI (numbers as Python's shortest round-trip text,
  so the file is the same bytes whatever ran it); the wall time of each run is in ``timings``, so that
  results do not depend on the machine.
* ``summary``: one row per grid point and KPI: ``n``, ``mean``, ``ci95`` (half-width, Student t),
  ``p5``, ``p50``, ``p95``, ``min``, ``max`` and the seeds of the worst runs (to rerun one with
  ``lrt simulate SCENARIO --seed S``).
"""

from __future__ import annotations

from .batch import KPI_NAMES
from .execute import PUNCTUALITY_MINUTES
from .stats import describe

__all__ = ["results_table", "timings_table", "summary_table", "cell", "WORSE_WHEN_HIGHER", "WORSE_WHEN_LOWER"]

WORSE_WHEN_HIGHER = {"mean_wait_s", "p95_wait_s", "excess_wait_s", "mean_journey_s", "p95_journey_s",
                     "passengers_stranded", "stranded_share", "passengers_detrained", "max_load_factor",
                     "denied_boardings", "denied_boardings_share", "mean_departure_delay_s", "delay_minutes",
                     "headway_cv_mean", "energy_mwh", "energy_kwh_per_train_km", "early_departures_share"}
WORSE_WHEN_LOWER = {"trips_run", "passengers_completed", "punctuality_1min", "punctuality_3min",
                    *(f"punctual_{m:g}min" for m in PUNCTUALITY_MINUTES)}


def cell(value) -> str:
    """A value as text for a CSV cell: '' for None, repr for floats (exact round trip), str otherwise."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def kpi_columns(rows: list[dict]) -> list[str]:
    """Every KPI any kept run reported, in the order the first one reported them."""
    out: dict[str, None] = {}
    for row in rows:
        out.update(dict.fromkeys(row.get("kpis", {})))
    return list(out)


def results_table(sweep, rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of ``results.csv``."""
    keys = [k for k, _ in sweep.grid]
    kpis = kpi_columns(rows)
    header = ["run", "point", "replication", *keys, "seed", "status", "error", *kpis]
    out = []
    for run, row in enumerate(rows):
        point = sweep.points[row["point"]]
        out.append([str(run), str(row["point"]), str(row["replication"]), *(cell(point[k]) for k in keys),
                    str(row["seed"]), row["status"], row["error"], *(cell(row["kpis"].get(k)) for k in kpis)])
    return header, out


def timings_table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of ``timings.csv``: the wall time of each run [s]."""
    return (["run", "point", "replication", "seed", "wall_s"],
            [[str(i), str(r["point"]), str(r["replication"]), str(r["seed"]), f"{r['wall_s']:.4f}"]
             for i, r in enumerate(rows)])


def summary_table(sweep, rows: list[dict], *, worst: int = 3) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of ``summary.csv`` (see the module docstring)."""
    keys = [k for k, _ in sweep.grid]
    numeric = [k for k in kpi_columns(rows) if k in KPI_NAMES or k.startswith("punctual_")]
    header = ["point", *keys, "kpi", "n", "failed", "mean", "ci95", "p5", "p50", "p95", "min", "max", "worst_seeds"]
    out = []
    for p, point in enumerate(sweep.points):
        mine = [r for r in rows if r["point"] == p]
        ok = [r for r in mine if r["status"] == "ok"]
        for kpi in numeric:
            pairs = [(r["kpis"].get(kpi), r["seed"]) for r in ok if r["kpis"].get(kpi) is not None]
            d = describe([v for v, _ in pairs])
            seeds = ""
            if kpi in WORSE_WHEN_HIGHER or kpi in WORSE_WHEN_LOWER:
                ranked = sorted(pairs, key=lambda vs: (-vs[0] if kpi in WORSE_WHEN_HIGHER else vs[0], vs[1]))
                seeds = ";".join(str(s) for _, s in ranked[:worst])
            out.append([str(p), *(cell(point[k]) for k in keys), kpi, str(d["n"]), str(len(mine) - len(ok)),
                        *(cell(d[c]) for c in ("mean", "ci95", "p5", "p50", "p95", "min", "max")), seeds])
    return header, out
