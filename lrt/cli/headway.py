"""``lrt headway``: minimum headway, capacity and the fleet-limited headway."""

from __future__ import annotations

import argparse

from .common import (
    ADHESION,
    DWELL,
    RESERVE,
    add_line_options,
    add_weather_option,
    check_reserve,
    emit_json,
    load_conditions,
    load_line_and_train,
)
from .options import add_number

HELP = "minimum headway (TCQSM, moving block), capacity and fleet-limited headway"

BRAKING_FACTORS = (1.0, 0.9, 0.8, 0.7, 0.6)
ADHESIONS = (None, 0.15, 0.10, 0.07, 0.05)


def add_parser(sub) -> None:
    p = sub.add_parser("headway", help=HELP, description=HELP.capitalize() + ".")
    add_line_options(p)
    add_number(p, "--dwell", DWELL, metavar="S", help="dwell at intermediate stations in s (default: the line's)")
    add_number(p, "--reserve", RESERVE, metavar="N",
               help="trains held in reserve (default: the line's), fewer than the fleet")
    add_number(p, "--adhesion", ADHESION, metavar="MU", help="wheel-rail adhesion (default: dry rail)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    add_weather_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from ..headway import headway_report

    line, train = load_line_and_train(args)
    check_reserve(args.reserve, line)
    base = load_conditions(args, line)
    if args.adhesion is not None:
        base = dataclasses.replace(base, adhesion_traction=args.adhesion, adhesion_braking=args.adhesion)
    report = headway_report(line, train, conditions=base, dwell_s=args.dwell, reserve=args.reserve)
    sensitivity = _sensitivity(line, train, base, args)
    if args.format == "json":
        emit_json(headway_json(report, sensitivity))
    else:
        print(_table(line, report, sensitivity))
    return 0


def _sensitivity(line, train, base, args) -> dict:
    import dataclasses

    from ..headway import headway_report

    out = {"braking_rate_factor": [], "adhesion": []}
    for f in BRAKING_FACTORS:
        r = headway_report(line, train, conditions=dataclasses.replace(base, braking_rate_factor=f),
                           dwell_s=args.dwell, reserve=args.reserve)
        out["braking_rate_factor"].append(_row("factor", f, r))
    for mu in ADHESIONS:
        r = headway_report(line, train, conditions=dataclasses.replace(base, adhesion_traction=mu, adhesion_braking=mu),
                           dwell_s=args.dwell, reserve=args.reserve)
        out["adhesion"].append(_row("adhesion", mu if mu is not None else "dry", r))
    return out


def _row(key, value, r) -> dict:
    return {key: value, "min_headway_s": round(r.min_headway_s, 1), "critical": r.critical.location,
            "capacity_pphpd": round(r.capacity_pphpd), "cycle_time_s": round(r.cycle_time_s, 1),
            "fleet_limited_headway_s": round(r.fleet_limited_headway_s, 1)}


def _loc(loc) -> dict:
    return {"kind": loc.kind, "location": loc.location, "direction": loc.direction,
            "headway_s": round(loc.headway_s, 1), **loc.detail}


def headway_json(r, sensitivity: dict | None = None) -> dict:
    out = {
        "weather": r.conditions,
        "min_headway_s": round(r.min_headway_s, 1),
        "critical": _loc(r.critical),
        "capacity_trains_per_hour": round(r.capacity_trains_per_hour, 2),
        "capacity_pphpd": round(r.capacity_pphpd),
        "cycle_time_s": round(r.cycle_time_s, 1),
        "one_way_s": {d: round(v, 1) for d, v in r.one_way_s.items()},
        "turnback_s": {str(k): v for k, v in r.turnback_s.items()},
        "trains_in_service": r.trains_in_service,
        "fleet_limited_headway_s": round(r.fleet_limited_headway_s, 1),
        "operable_headway_s": round(r.operable_headway_s, 1),
        "locations": [_loc(loc) for loc in r.locations],
    }
    if sensitivity is not None:
        out["sensitivity"] = sensitivity
    return out


def _mmss(s: float) -> str:
    return f"{int(s // 60)}:{int(round(s % 60)):02d}" if s % 60 < 59.5 else f"{int(s // 60) + 1}:00"


def _table(line, r, sens: dict) -> str:
    out = [f"{line.name}: minimum headway (moving block, TCQSM), weather: {r.conditions}", ""]
    out.append(f"  controlling: {r.critical.kind} {r.critical.location} ({r.critical.direction}) "
               f"{_mmss(r.min_headway_s)} ({r.min_headway_s:.0f} s)")
    out.append(f"  capacity:    {r.capacity_trains_per_hour:.1f} trains/h = {r.capacity_pphpd:,.0f} passengers/h/direction")
    out.append(f"  cycle time:  {_mmss(r.cycle_time_s)} (one way up {_mmss(r.one_way_s['up'])}, down "
               f"{_mmss(r.one_way_s['down'])}, turnbacks {' + '.join(f'{v:.0f} s' for v in r.turnback_s.values())})")
    out.append(f"  fleet:       {r.trains_in_service} trains in service → fleet-limited headway "
               f"{_mmss(r.fleet_limited_headway_s)} ({r.fleet_limited_headway_s:.0f} s)")
    out.append(f"  operable:    {_mmss(r.operable_headway_s)} "
               f"({'fleet' if r.fleet_limited_headway_s >= r.min_headway_s else 'infrastructure'} limits)")
    out.append("")
    out.append(f"  {'kind':<9}{'location':<22}{'dir':<10}{'headway s':>10}  detail")
    for loc in sorted(r.locations, key=lambda x: -x.headway_s)[:12]:
        detail = ", ".join(f"{k} {v}" for k, v in loc.detail.items())
        out.append(f"  {loc.kind:<9}{loc.location:<22}{loc.direction:<10}{loc.headway_s:>10.0f}  {detail}")
    out.append(f"  ... {len(r.locations) - 12} more in --format json" if len(r.locations) > 12 else "")
    out.append("  sensitivity               min headway   controlling          capacity pphpd   fleet-limited")
    for row in sens["braking_rate_factor"]:
        out.append(f"  braking rate × {row['factor']:<9g} {row['min_headway_s']:>8.0f} s   {row['critical']:<20} "
                   f"{row['capacity_pphpd']:>10,}   {row['fleet_limited_headway_s']:>10.0f} s")
    for row in sens["adhesion"]:
        out.append(f"  adhesion {str(row['adhesion']):<16} {row['min_headway_s']:>8.0f} s   {row['critical']:<20} "
                   f"{row['capacity_pphpd']:>10,}   {row['fleet_limited_headway_s']:>10.0f} s")
    return "\n".join(out)
