"""The debrief of a control-room run: a Markdown page (timeline, score, the day against doing nothing and the
reference solution, the decision log) and the data behind it; :mod:`lrt.cli.exercise` writes it with the
Marey diagram marked with the decisions."""

from __future__ import annotations

from ..units import format_clock
from .score import UNITS

__all__ = ["debrief_markdown", "score_json", "KPI_ROWS"]

KPI_ROWS = (("trips_run", "trips run", 1, 0), ("mean_wait_s", "mean wait [min]", 1 / 60, 2),
            ("p95_wait_s", "95th-percentile wait [min]", 1 / 60, 1), ("denied_boardings", "denied boardings", 1, 0),
            ("passengers_stranded", "stranded passengers", 1, 0), ("punctuality_1min", "departures within 1 min [%]",
                                                                   100, 1),
            ("headway_cv_mean", "headway CV", 1, 3), ("delay_minutes", "sum of departure delays [min]", 1, 0),
            ("energy_mwh", "energy at the substations [MWh]", 1, 1))


def _fmt(value, factor: float, digits: int) -> str:
    return "n/a" if value is None else f"{value * factor:,.{digits}f}"


def debrief_markdown(prepared, outcome, evaluation, *, reference=None, line=None) -> str:
    """The debrief page; ``reference`` is the reference solution's (Outcome, Evaluation), if the exercise has one."""
    ex = prepared.exercise
    line = line or prepared.scenario.line
    out = [f"# Debrief: {ex.title}", "",
           f"Exercise `{ex.id}` (control room), seed {prepared.seed}: {len(outcome.decisions)} decision(s) taken, "
           f"{len(outcome.refused)} refused, {len(outcome.violations)} rule(s) broken. Score **{evaluation.total:,.1f}** "
           f"points" + (f" (the reference solution: {reference[1].total:,.1f})" if reference else "") + ".", "",
           "## Score", "",
           "Each item scores its weight times what you saved against the same day with no decision (docs/exercises.md).",
           "", "| rubric item | no decision | yours | saved | weight | points |" + (" reference |" if reference else ""),
           "|---|---:|---:|---:|---:|---:|" + ("---:|" if reference else "")]
    ref = {i.name: i for i in reference[1].items} if reference else {}
    for i in evaluation.items:
        row = (f"| {i.name} ({UNITS[i.name]}) | {i.baseline:,.1f} | {i.trainee:,.1f} | {i.saved:,.1f} | {i.weight:g} "
               f"| {i.points:,.1f} |")
        out.append(row + (f" {ref[i.name].points:,.1f} |" if ref else ""))
    out.append(f"| **total** | | | | | **{evaluation.total:,.1f}** |" + (f" **{reference[1].total:,.1f}** |" if ref else ""))
    out += ["", "## Timeline", ""]
    by_stop: dict[int, list] = {}
    for d in outcome.decisions:
        by_stop.setdefault(d.point, []).append(("done", d, ""))
    for d, why in outcome.refused:
        by_stop.setdefault(d.point, []).append(("refused", d, why))
    events = [(f["start_s"], f"fault {f['description']}: {f['response']}") for f in outcome.result.faults]
    for n, stop in enumerate(outcome.stops, start=1):
        prompt = f" {stop.point.prompt}" if stop.point is not None and stop.point.prompt else ""
        events.append((stop.time_s, f"**decision point {n}** ({stop.why}).{prompt}"))
        for kind, d, why in by_stop.get(n, []):
            text = d.text(line) + (f" (*{d.note}*)" if d.note else "")
            events.append((stop.time_s + 1e-6, f"&nbsp;&nbsp;&rarr; {text}" if kind == "done"
                           else f"&nbsp;&nbsp;&rarr; refused: {text}: {why}"))
        if not by_stop.get(n):
            events.append((stop.time_s + 1e-6, "&nbsp;&nbsp;&rarr; no decision"))
    for t, text in sorted(events, key=lambda e: e[0]):
        out.append(f"- {format_clock(t)} {text}")
    if outcome.violations:
        out += ["", "Rules broken:", ""] + [f"- {v}" for v in outcome.violations]
    out += ["", "## The day against doing nothing", "",
            "| KPI | no decision | yours |" + (" reference |" if reference else ""),
            "|---|---:|---:|" + ("---:|" if reference else "")]
    for key, label, factor, digits in KPI_ROWS:
        row = f"| {label} | {_fmt(evaluation.baseline_kpis.get(key), factor, digits)} | " \
              f"{_fmt(evaluation.kpis.get(key), factor, digits)} |"
        if reference:
            row += f" {_fmt(reference[1].kpis.get(key), factor, digits)} |"
        out.append(row)
    out += ["", "## Time-distance diagram", "",
            "Planned (dashed) and as run (solid); the green lines are the decision points, numbered in order.", "",
            "![Marey diagram with the decision points](marey.png)", "", "## Decision log", "",
            "`decisions.toml` replays this run exactly: `lrt exercise run " + ex.id + " --decisions decisions.toml`.",
            ""]
    for d in outcome.decisions:
        out.append(f"- stop {d.point}: {d.text(line)}" + (f" ({d.note})" if d.note else ""))
    if not outcome.decisions:
        out.append("- (no decision)")
    return "\n".join(out) + "\n"


def score_json(prepared, outcome, evaluation, reference=None) -> dict:
    """The score as plain JSON (for grading tools and the HTML report)."""
    def items(e):
        return [{"item": i.name, "unit": UNITS[i.name], "no_decision": i.baseline, "trainee": i.trainee,
                 "saved": i.saved, "weight": i.weight, "points": i.points} for i in e.items]

    return {"exercise": prepared.exercise.id, "title": prepared.exercise.title, "seed": prepared.seed,
            "total": evaluation.total, "items": items(evaluation),
            "reference_total": reference[1].total if reference else None,
            "reference_items": items(reference[1]) if reference else None,
            "decisions": len(outcome.decisions), "refused": len(outcome.refused), "violations": outcome.violations,
            "stops": [{"time_s": s.time_s, "why": s.why} for s in outcome.stops]}
