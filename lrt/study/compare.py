"""Weather presets side by side: the physics of each preset, and simulated days over common random numbers.

For each preset (a :class:`~lrt.conditions.Conditions`):

* *fixed* figures, computed once: one-way running time with the dwells scaled by the preset
  (:func:`~lrt.runtime.run_both`, empty train), minimum headway, capacity and fleet-limited headway
  (:func:`~lrt.headway.headway_report`), trains available, the trips of the timetable the preset runs
  (:func:`~lrt.sim.service.service_for` thins it when too few trains are fit);
* *simulated* figures, one value per seed (:func:`~lrt.kpis.compute_kpis`): trips run, waits, denied
  boardings, punctuality, traction energy, the day's energy and the energy per train-km.

Every preset runs the same seeds (common random numbers), so the differences between presets are not
drowned in seed-to-seed noise; ``change_ci95`` is the paired interval that this makes valid.  A mean over
K seeds is given with its 95 % interval ``t(0.975, K−1)·s/√K`` (Student t, s the sample standard deviation
with ddof = 1); one seed, or a fixed figure, has no interval (None).

Energy at the substations is the day's (:func:`~lrt.kpis.compute_kpis`, :mod:`lrt.energy`): traction net of
regenerative braking over the runs the trains made, at their loads; HVAC at the preset's temperature and
the auxiliaries over the train-hours in service.  No I/O here: the caller reads the presets, the
timetable, the pattern and the demand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .stats import mean_ci95, t_975

__all__ = ["Kpi", "KPIS", "Comparison", "compare_weather", "comparison_seeds", "mean_ci95", "t_975",
           "kpi_rows", "comparison_json", "comparison_table_text"]

def comparison_seeds(base_seed: int, k: int) -> list[int]:
    """K independent run seeds spawned from ``base_seed`` (``SeedSequence.spawn``), as plain ints: the seeds
    of :mod:`lrt.study.batch` (:func:`~lrt.study.batch.run_seeds`)."""
    from .batch import run_seeds

    if k < 1:
        raise ValueError(f"the number of seeds must be >= 1, got {k!r}")
    return run_seeds(base_seed, k)


@dataclass(frozen=True, slots=True)
class Kpi:
    """One compared figure: ``name`` (unit-suffixed key), display ``label`` and ``unit``, ``simulated`` (one
    value per seed) or fixed, and the decimals to display."""

    name: str
    label: str
    unit: str
    simulated: bool
    digits: int = 0


KPIS = (
    Kpi("one_way_up_min", "one-way time up", "min", False, 1),
    Kpi("one_way_down_min", "one-way time down", "min", False, 1),
    Kpi("min_headway_s", "minimum headway", "s", False, 0),
    Kpi("fleet_limited_headway_s", "fleet-limited headway", "s", False, 0),
    Kpi("capacity_pphpd", "capacity", "pphpd", False, 0),
    Kpi("trains_available", "trains available", "trains", False, 0),
    Kpi("trips_planned", "trips in timetable run", "trips", False, 0),
    Kpi("trips_run", "trips run", "trips", True, 0),
    Kpi("mean_wait_min", "mean wait", "min", True, 2),
    Kpi("p95_wait_min", "95th-percentile wait", "min", True, 1),
    Kpi("denied_boardings", "denied boardings", "refusals", True, 0),
    Kpi("punctuality_1min_pct", "departures within 1 min", "%", True, 1),
    Kpi("punctuality_3min_pct", "departures within 3 min", "%", True, 1),
    Kpi("traction_mwh", "traction energy, net", "MWh/day", True, 1),
    Kpi("hvac_mwh", "HVAC energy", "MWh/day", True, 1),
    Kpi("auxiliary_mwh", "auxiliary energy", "MWh/day", True, 1),
    Kpi("energy_mwh", "energy at substations", "MWh/day", True, 1),
    Kpi("energy_kwh_per_train_km", "energy per train-km", "kWh/train-km", True, 2),
)
"""The compared figures, in display order."""

ENERGY_NOTE = ("energy at the substations: traction net of regenerative braking over the runs made, at their "
               "loads; HVAC at the preset's temperature and auxiliaries over the train-hours in service "
               "(docs/energy.md)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The result of :func:`compare_weather`.

    Attributes
    ----------
    presets : preset names in the order given
    baseline : the preset changes are measured from (``normal`` if given, else the first)
    seeds : the run seeds, the same for every preset
    rows : one plain dict per (KPI, preset), KPIs in :data:`KPIS` order: ``kpi``, ``label``, ``unit``,
        ``preset``, ``mean``, ``ci95`` (half-width, None without one), ``change`` and ``change_pct`` (mean
        minus the baseline's, and that over the baseline's ×100; None for the baseline itself, and
        ``change_pct`` None when the baseline is 0), ``change_ci95`` (paired over the common seeds) and
        ``samples`` (one value per seed, or the single fixed value)
    service : what :func:`~lrt.sim.service.service_for` did, by preset
    timetable : the timetable's name; ``trips_planned`` its trips (before any thinning)
    """

    presets: tuple[str, ...]
    baseline: str
    seeds: tuple[int, ...]
    rows: tuple[dict, ...]
    service: dict = field(default_factory=dict)
    timetable: str = ""
    trips_planned: int = 0


def compare_weather(line, train, timetable, conditions: Sequence, *, demands: Sequence, seeds: Sequence[int],
                    pattern=None, options=None, workers: int = 1, executor: str = "local",
                    scheduler: str | None = None) -> Comparison:
    """Fixed and simulated KPIs of each preset, over the same seeds.

    Parameters
    ----------
    line, train, timetable : Line, TrainSpec, Timetable
        The line, the train and the planned timetable (thinned per preset when the fleet is short).
    conditions : sequence of Conditions
        The presets, with distinct names.
    demands : sequence of Demand or None
        The demand of each preset (already scaled by its ``demand_factor``), aligned with ``conditions``.
    seeds : sequence of int
        Run seeds, used for every preset (common random numbers).
    pattern : ServicePattern, optional
        The timetable's service pattern, to rebuild a thinned service.
    options : SimOptions, optional
        Operating rules (default ``SimOptions()``).
    workers, executor, scheduler :
        Where the simulated days run (:func:`lrt.study.execute.open_pool`); the results do not depend on it.
    """
    from concurrent.futures import wait

    from ..sim import Scenario, SimOptions, make_plan
    from ..sim.service import service_for
    from .execute import open_pool

    names = [c.name for c in conditions]
    untempered = [c.name for c in conditions if c.temperature_c is None]
    if untempered:
        raise ValueError(f"presets {untempered} have no temperature, which the HVAC energy needs")
    if not names or len(set(names)) != len(names) or len(demands) != len(names) or not seeds:
        raise ValueError(f"need distinct presets with one demand each and at least one seed, got {names}, "
                         f"{len(demands)} demands, {len(seeds)} seeds")
    options = options or SimOptions()
    service: dict = {}
    fixed: dict = {}
    shared: dict = {}
    for i, (cond, demand) in enumerate(zip(conditions, demands)):
        fixed[i] = _fixed_figures(line, train, cond)
        run, service[cond.name] = service_for(line, train, timetable, cond, pattern)
        fixed[i]["trips_planned"] = len(run.trips)
        scenario = Scenario(name=f"{run.name}, {cond.name}", line=line, train=train, timetable=run,
                            conditions=cond, demand=demand, options=options)
        shared[i] = (scenario, make_plan(scenario))  # the physics once per preset, reused by every seed
    pool = open_pool(shared, kind=executor, workers=workers, scheduler=scheduler)
    try:
        futures = {pool.submit_day(i, r, int(seed)): (i, r) for i in shared for r, seed in enumerate(seeds)}
        wait(futures)
        rows = {futures[f]: f.result() for f in futures}
    finally:
        pool.close()
    failed = [row for row in rows.values() if row["status"] != "ok"]
    if failed:
        raise RuntimeError(f"a simulated day failed: preset {names[failed[0]['point']]}, seed {failed[0]['seed']}: "
                           f"{failed[0]['error']}")
    samples: dict = {}
    for i, cond in enumerate(conditions):
        days = [_day_figures(rows[(i, r)]["kpis"]) for r in range(len(seeds))]
        samples[cond.name] = {k.name: [d[k.name] for d in days] if k.simulated else [fixed[i][k.name]] for k in KPIS}
    baseline = "normal" if "normal" in names else names[0]
    return Comparison(presets=tuple(names), baseline=baseline, seeds=tuple(int(s) for s in seeds),
                      rows=tuple(kpi_rows(samples, names, baseline)), service=service, timetable=timetable.name,
                      trips_planned=len(timetable.trips))


def _fixed_figures(line, train, cond) -> dict:
    """The seed-free figures of a preset."""
    from ..headway import headway_report
    from ..runtime import run_both

    profiles = run_both(line, train, conditions=cond)
    dwell = line.operations.dwell_s * cond.dwell_factor
    report = headway_report(line, train, conditions=cond)
    return {"one_way_up_min": profiles["up"].total_s(dwell) / 60.0,
            "one_way_down_min": profiles["down"].total_s(dwell) / 60.0,
            "min_headway_s": report.min_headway_s,
            "fleet_limited_headway_s": report.fleet_limited_headway_s if math.isfinite(
                report.fleet_limited_headway_s) else None,
            "capacity_pphpd": report.capacity_pphpd,
            "trains_available": cond.trains_available(line.operations.fleet)}


def _day_figures(k: dict) -> dict:
    """The simulated figures of one day from its KPIs (:func:`lrt.kpis.compute_kpis`), in display units."""

    def scaled(key, factor):
        return None if k[key] is None else k[key] * factor

    return {"trips_run": k["trips_run"], "mean_wait_min": scaled("mean_wait_s", 1 / 60),
            "p95_wait_min": scaled("p95_wait_s", 1 / 60), "denied_boardings": k["denied_boardings"],
            "punctuality_1min_pct": scaled("punctuality_1min", 100.0),
            "punctuality_3min_pct": scaled("punctuality_3min", 100.0),
            "traction_mwh": k["traction_net_mwh"], "hvac_mwh": k["hvac_mwh"], "auxiliary_mwh": k["auxiliary_mwh"],
            "energy_mwh": k["energy_mwh"], "energy_kwh_per_train_km": k["energy_kwh_per_train_km"]}


def kpi_rows(samples: dict, names: list, baseline: str) -> list[dict]:
    """The rows of a :class:`Comparison` from ``samples[preset][kpi name]`` (one value per seed, or one fixed)."""
    rows = []
    for k in KPIS:
        base = samples[baseline][k.name]
        base_mean, _ = mean_ci95(base)
        for name in names:
            values = samples[name][k.name]
            mean, ci = mean_ci95(values)
            change = change_pct = change_ci = None
            if name != baseline and mean is not None and base_mean is not None:
                change = mean - base_mean
                change_pct = 100.0 * change / base_mean if base_mean != 0 else None
                if k.simulated:
                    paired = [a - b for a, b in zip(values, base) if a is not None and b is not None]
                    change_ci = mean_ci95(paired)[1]
            rows.append({"kpi": k.name, "label": k.label, "unit": k.unit, "preset": name, "mean": mean, "ci95": ci,
                         "change": change, "change_pct": change_pct, "change_ci95": change_ci,
                         "samples": list(values)})
    return rows


def _r(x, digits: int = 4):
    if x is None or isinstance(x, (int, np.integer)):
        return None if x is None else int(x)
    return round(float(x), digits)


def comparison_json(c: Comparison) -> dict:
    """The comparison as a JSON-ready dict: ``presets``, ``seeds``, and per KPI its values by preset."""
    kpis = []
    for k in KPIS:
        values = {r["preset"]: {"mean": _r(r["mean"]), "ci95": _r(r["ci95"]), "change": _r(r["change"]),
                                "change_pct": _r(r["change_pct"], 2), "change_ci95": _r(r["change_ci95"]),
                                "samples": [_r(v) for v in r["samples"]]}
                  for r in c.rows if r["kpi"] == k.name}
        kpis.append({"name": k.name, "label": k.label, "unit": k.unit, "simulated": k.simulated, "values": values})
    return {"presets": list(c.presets), "baseline": c.baseline, "seeds": list(c.seeds), "timetable": c.timetable,
            "trips_planned": c.trips_planned, "service": dict(c.service), "energy": ENERGY_NOTE, "kpis": kpis}


def _cell(r: dict, k: Kpi, baseline: str) -> str:
    if r["mean"] is None:
        return "n/a"
    text = f"{r['mean']:,.{k.digits}f}"
    if r["ci95"] is not None:
        text += f" ±{r['ci95']:,.{k.digits}f}"
    if r["preset"] != baseline and r["change"] is not None:
        if k.unit == "%":  # a change of a share reads best in percentage points
            text += f" ({r['change']:+.{k.digits}f} pp)"
        elif r["change_pct"] is None:
            text += f" ({r['change']:+,.{k.digits}f})"
        else:
            text += f" ({r['change_pct']:+.0f} %)"
    return text


def comparison_table_text(c: Comparison) -> str:
    """One column per preset, one row per KPI with its unit; ± the 95 % interval, (change from the baseline)."""
    by = {(r["kpi"], r["preset"]): r for r in c.rows}
    labels = [f"{k.label} [{k.unit}]" for k in KPIS]
    cells = [[_cell(by[(k.name, p)], k, c.baseline) for p in c.presets] for k in KPIS]
    lw = max(map(len, labels)) + 2
    widths = [max(len(p), *(len(row[i]) for row in cells)) + 3 for i, p in enumerate(c.presets)]
    out = [" " * lw + "".join(f"{p:>{w}}" for p, w in zip(c.presets, widths))]
    for label, row in zip(labels, cells):
        out.append(f"{label:<{lw}}" + "".join(f"{x:>{w}}" for x, w in zip(row, widths)))
    return "\n".join(out)
