"""The sections of many runs: a weather comparison (``compare.json``) or a batch (``results.csv``, ``run.json``).

Both are turned into one shape, :class:`Study` (grid points and one row per run, as :mod:`lrt.plotting.batch`
takes them), and share their sections: tiles per scenario, the scenario table, KPI distributions, the
punctuality curve, KPIs against the swept parameter, the worst runs with their seeds, convergence, failures.
"""

from __future__ import annotations

import math
import shlex
from dataclasses import dataclass, field

from ..plotting.batch import MAIN_KPIS
from .charts import chart
from .html import Cell, Page, note, number, table
from .thresholds import TILE_KPIS
from .tiles import tile_table

__all__ = ["Study", "comparison_study", "batch_study", "study_sections"]


@dataclass
class Study:
    """Grid points and runs: ``grid`` [(field, values)], ``points`` (a dict of field values each), ``rows`` (one
    per run: ``point``, ``replication``, ``seed``, ``status``, ``error``, ``kpis`` with simulate's names),
    ``rerun`` (how to rerun a seed of a point: a function of (point, seed) to a command), ``notes`` by section."""

    kind: str
    name: str
    grid: list
    points: list
    rows: list
    rerun: object = None
    punctuality_minutes: list | None = None
    notes: dict = field(default_factory=dict)
    scenario_table: str = ""


def _label(point: dict) -> str:
    from ..study.batch import point_label

    return point_label(point)


# -- from a comparison ---------------------------------------------------------------------------------
_FROM_COMPARE = {"mean_wait_min": ("mean_wait_s", 60.0), "p95_wait_min": ("p95_wait_s", 60.0),
                 "denied_boardings": ("denied_boardings", 1.0), "trips_run": ("trips_run", 1.0),
                 "punctuality_1min_pct": ("punctuality_1min", 0.01), "punctuality_3min_pct": ("punctuality_3min", 0.01),
                 "energy_mwh": ("energy_mwh", 1.0), "energy_kwh_per_train_km": ("energy_kwh_per_train_km", 1.0),
                 "traction_mwh": ("traction_net_mwh", 1.0), "hvac_mwh": ("hvac_mwh", 1.0),
                 "auxiliary_mwh": ("auxiliary_mwh", 1.0)}
"""compare.json's simulated figures as simulate's KPIs: (name, factor from the compare unit)."""


def comparison_study(report: dict) -> Study:
    presets, seeds = list(report.get("presets", [])), list(report.get("seeds", []))
    by_kpi = {k["name"]: k for k in report.get("kpis", [])}
    rows = []
    for p, preset in enumerate(presets):
        planned = (by_kpi.get("trips_planned", {}).get("values", {}).get(preset) or {}).get("mean")
        for r, seed in enumerate(seeds):
            kpis = {"trips_in_timetable": planned}
            for name, (key, factor) in _FROM_COMPARE.items():
                samples = (by_kpi.get(name, {}).get("values", {}).get(preset) or {}).get("samples") or []
                if r < len(samples) and samples[r] is not None:
                    kpis[key] = samples[r] * factor
            for m in (1, 3):
                kpis[f"punctual_{m}min"] = kpis.get(f"punctuality_{m}min")
            rows.append({"point": p, "replication": r, "seed": seed, "status": "ok", "error": "", "kpis": kpis})
    daily = report.get("daily")

    def rerun(point, seed):
        args = ["lrt", "simulate", "--weather", str(point["weather"]), "--seed", str(seed)]
        if daily is not None:
            args += ["--daily", f"{daily:g}"]
        return shlex.join(args)

    study = Study("comparison", f"Weather comparison, {len(seeds)} seed(s) per preset",
                  [["weather", presets]], [{"weather": p} for p in presets], rows, rerun, punctuality_minutes=[1, 3])
    study.notes["punctuality"] = ("lrt compare records the departures within 1 and 3 min only: the curve has those "
                                  "two points (lrt batch records 0.5 to 15 min).")
    study.notes["failed"] = "lrt compare stops at the first failed day, so a written comparison has no failed run."
    study.scenario_table = _comparison_table(report)
    return study


def _comparison_table(report: dict) -> str:
    presets = list(report.get("presets", []))
    kpis = report.get("kpis", [])
    header = ["preset", *(f"{k['label']} [{k['unit']}]" for k in kpis)]
    rows = []
    for preset in presets:
        row = [preset]
        for k in kpis:
            v = k["values"].get(preset) or {}
            mean, ci = v.get("mean"), v.get("ci95")
            digits = 2 if mean is not None and abs(mean) < 10 else 1 if mean is not None and abs(mean) < 1000 else 0
            text = "n/a" if mean is None else f"{mean:,.{digits}f}" + (f" ±{ci:,.{digits}f}" if ci is not None else "")
            if v.get("change_pct") is not None and preset != report.get("baseline"):
                text += f" ({v['change_pct']:+.0f} %)"
            row.append(Cell(text, mean))
        rows.append(row)
    return table(header, rows, caption=f"± the 95 % interval over the seeds; (change from {report.get('baseline')})")


# -- from a batch ----------------------------------------------------------------------------------------
def _typed(text: str, values: list):
    """The grid value whose text ``results.csv`` holds (so 25000 is the number of the sweep, not a string)."""
    from ..study.results import cell

    for v in values:
        if cell(v) == text or str(v) == text:
            return v
    return text


def _number(text):
    if text is None or (isinstance(text, float) and math.isnan(text)) or text == "":
        return None
    try:
        return float(text)
    except (TypeError, ValueError):
        return text


def batch_study(results, run: dict | None) -> Study:
    run = run or {}
    grid = [list(g) for g in run.get("grid", [])]
    keys = [k for k, _ in grid]
    if not grid:  # an older run.json: the swept fields are the columns between replication and seed
        columns = list(results.columns)
        keys = columns[columns.index("replication") + 1:columns.index("seed")] if "seed" in columns else []
        grid = [[k, list(dict.fromkeys(results[k].astype(str)))] for k in keys]
    kpi_columns = list(results.columns[list(results.columns).index("error") + 1:]) if "error" in results else []
    points: dict[int, dict] = {}
    rows = []
    for rec in results.astype(object).where(results.notna(), None).to_dict("records"):
        p = int(rec["point"])
        if p not in points:
            points[p] = {k: _typed(str(rec[k]), values) for k, values in grid}
        rows.append({"point": p, "replication": int(rec["replication"]), "seed": int(rec["seed"]),
                     "status": str(rec["status"]), "error": rec.get("error") or "",
                     "kpis": {k: _number(rec[k]) for k in kpi_columns}})
    ordered = [points[p] for p in sorted(points)]
    scenario = run.get("scenario", "SCENARIO")
    options = {"demand.daily": "--daily", "weather": "--weather", "timetable": "--timetable",
               "service.reserve_trains": "--reserve", "faults": "--faults", "demand.day": "--day", "demand.od": "--od"}

    def rerun(point, seed):
        args, rest = ["lrt", "simulate", scenario], []
        for k, v in point.items():
            (args.extend([options[k], f"{v:g}" if isinstance(v, float) else str(v)]) if k in options
             else rest.append(f"{k} = {v!r}"))
        text = shlex.join(args + ["--seed", str(seed)])
        return text + (f"  (with {', '.join(rest)} in the scenario file)" if rest else "")

    return Study("batch", run.get("name", "Batch"), grid, ordered, rows, rerun)


# -- the sections ----------------------------------------------------------------------------------------
def _mean(values):
    v = [x for x in values if x is not None and math.isfinite(x)]
    return sum(v) / len(v) if v else None


def study_sections(study: Study, thresholds, page: Page) -> None:
    """Add the sections of a comparison or a batch to ``page``."""
    from ..study.stats import describe

    ok = [r for r in study.rows if r["status"] == "ok"]
    labels = [_label(p) for p in study.points]
    means = {labels[p]: {k.name: _mean([k.of_day(r["kpis"]) for r in ok if r["point"] == p]) for k in TILE_KPIS}
             for p in range(len(study.points))}
    page.add("overview", "Overview", tile_table(means, thresholds, "scenario") if ok else
             note("No run succeeded: nothing to colour."),
             "Each cell is green, amber or red by the thresholds (docs/report.md) applied to the mean over the runs.")
    if study.scenario_table:
        scenario_body = study.scenario_table
    else:
        header = ["scenario", "runs", "failed"] + [label for _, label, _ in MAIN_KPIS]
        rows = []
        for p, label in enumerate(labels):
            mine = [r for r in study.rows if r["point"] == p]
            row = [label, len(mine), sum(r["status"] != "ok" for r in mine)]
            for kpi, _, factor in MAIN_KPIS:
                d = describe([r["kpis"][kpi] * factor for r in mine if r["status"] == "ok"
                              and isinstance(r["kpis"].get(kpi), float)])
                row.append(Cell("n/a" if d["mean"] is None else f"{d['mean']:,.2f}" + (
                    f" ±{d['ci95']:,.2f}" if d["ci95"] is not None else ""), d["mean"]))
            rows.append(row)
        scenario_body = table(header, rows, caption="Mean ± the 95 % interval of the mean over the runs (Student t)")
    page.add("scenarios", "Scenarios", scenario_body)
    if not ok:
        for sid, title in (("distributions", "KPI distributions"), ("punctuality", "Punctuality"),
                           ("parameter", "KPIs against the parameter"), ("worst", "Worst runs"),
                           ("convergence", "Convergence")):
            page.add(sid, title, note("No run succeeded: nothing to draw."))
    else:
        page.add("distributions", "KPI distributions", chart("distributions", "distributions", study, ok,
                 caption="The spread of each KPI over the runs of each scenario."))
        page.add("punctuality", "Punctuality", chart("punctuality", "punctuality", study, ok,
                 minutes=study.punctuality_minutes,
                 caption="Share of departures within x minutes of plan: the median run and the p5-p95 band."),
                 study.notes.get("punctuality", ""))
        page.add("parameter", "KPIs against the parameter", chart("against", "against", study, ok,
                 caption=f"Each KPI against {study.grid[0][0] if study.grid else 'the scenario'}: mean with its "
                         "95 % interval (bars) and the p5-p95 band of the runs."))
        page.add("worst", "Worst runs", _worst(study, labels),
                 "The runs with the longest mean wait; rerun one with its command to see its day (add --out DIR "
                 "--report).")
        page.add("convergence", "Convergence", chart("convergence", "convergence", study, ok,
                 caption="Running mean of the mean wait over the replications, with its 95 % interval: flat and "
                         "narrow means enough runs."))
    failed = [r for r in study.rows if r["status"] != "ok"]
    if failed:
        body = table(["scenario", "replication", "seed", "error"],
                     [(labels[r["point"]], r["replication"], Cell(str(r["seed"]), float(r["seed"])), r["error"])
                      for r in failed], css="text")
    else:
        body = note(study.notes.get("failed", f"None of the {len(study.rows):,} runs failed."), "info")
    page.add("failed", "Failed runs", body)


def _worst(study: Study, labels: list[str], n: int = 10) -> str:
    ok = [r for r in study.rows if r["status"] == "ok" and isinstance(r["kpis"].get("mean_wait_s"), float)]
    ok.sort(key=lambda r: (-r["kpis"]["mean_wait_s"], r["point"], r["replication"]))
    columns = [("mean_wait_s", "mean wait [min]", 1 / 60, 2), ("p95_wait_s", "p95 wait [min]", 1 / 60, 1),
               ("denied_boardings", "denied boardings", 1, 0), ("passengers_stranded", "stranded", 1, 0),
               ("punctuality_1min", "within 1 min [%]", 100, 1)]
    rows = []
    for r in ok[:n]:
        row = [labels[r["point"]], r["replication"], Cell(str(r["seed"]), float(r["seed"]))]
        for key, _, factor, digits in columns:
            v = r["kpis"].get(key)
            row.append(number(None if not isinstance(v, float) else v * factor, digits))
        row.append(Cell(f"<code>{_escape(study.rerun(study.points[r['point']], r['seed']))}</code>", html=True))
        rows.append(row)
    if not rows:
        return note("No run records the mean wait.")
    return table(["scenario", "replication", "seed", *(c[1] for c in columns), "rerun"], rows)


def _escape(text: str) -> str:
    from .html import esc

    return esc(text)

