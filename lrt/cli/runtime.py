"""``lrt runtime``: running times and speed profiles over the line."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import (
    ADHESION,
    DWELL,
    add_line_options,
    add_weather_option,
    emit_json,
    load_conditions,
    load_line_and_train,
)
from .options import Range, add_number

HELP = "running time and speed profile, per direction and per segment"


def add_parser(sub) -> None:
    p = sub.add_parser("runtime", help=HELP, description=HELP.capitalize() + ".")
    add_line_options(p)
    p.add_argument("--direction", choices=["up", "down", "both"], default="both",
                   help="up = Airport → Nurly Zhol (default: both)")
    add_number(p, "--load-factor", Range(minimum=0, maximum=2, what="a share of the design load"), default=0.0,
               metavar="F", help="passengers on board as a share of the design capacity (default 0)")
    add_number(p, "--adhesion", ADHESION, metavar="MU",
               help="wheel-rail adhesion for traction and braking (default: dry rail, Curtius-Kniffler)")
    add_number(p, "--allowance", Range(minimum=0, maximum=50, what="a running-time margin in %"), metavar="PCT",
               help="running-time margin in %% (default: the line's)")
    add_number(p, "--dwell", DWELL, metavar="S", help="dwell at intermediate stops in s (default: the line's)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--plot", type=Path, metavar="PATH", help="write a speed-distance chart (PNG, SVG or PDF)")
    add_weather_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from ..runtime import run_profile

    if args.plot is not None:
        from ..plotting import check_image_path

        check_image_path(args.plot, "--plot")
    line, train = load_line_and_train(args)
    conditions = load_conditions(args, line)
    if args.adhesion is not None:
        conditions = dataclasses.replace(conditions, adhesion_traction=args.adhesion, adhesion_braking=args.adhesion)
    dwell = (line.operations.dwell_s if args.dwell is None else args.dwell) * conditions.dwell_factor
    allowance = None if args.allowance is None else args.allowance / 100
    directions = ["up", "down"] if args.direction == "both" else [args.direction]
    profiles = [run_profile(line, train, direction=d, conditions=conditions, allowance=allowance,
                            passengers=args.load_factor * train.capacity) for d in directions]
    report = runtime_report(line, train, profiles, dwell, conditions)
    report["weather"] = conditions.name
    if args.format == "json":
        emit_json(report)
    elif args.format == "csv":
        print(_csv(report), end="")
    else:
        print(_table(line, train, report, args.load_factor))
    if args.plot is not None:
        from ..plotting import plot_speed_profiles

        plot_speed_profiles(line, profiles, args.plot)
    return 0


ENERGY_KEYS = ("traction_at_wheel_kwh", "braking_at_wheel_kwh", "electric_braking_at_wheel_kwh",
               "drawn_at_substation_kwh", "returned_to_substation_kwh", "net_at_substation_kwh", "net_kwh_per_train_km")
"""The energy of a run or a segment in the report (lrt.energy.SegmentEnergy, named with where and the unit)."""


def _energy(e, digits: int) -> dict:
    values = (e.traction_kwh, e.braking_kwh, e.electric_braking_kwh, e.drawn_kwh, e.returned_kwh, e.net_kwh,
              e.net_kwh_per_train_km)
    return {k: round(v, digits) for k, v in zip(ENERGY_KEYS, values)}


def runtime_report(line, train, profiles, dwell_s: float, conditions) -> dict:
    """The JSON shape of ``lrt runtime --format json``."""
    from ..energy import segment_energies

    out = []
    for p in profiles:
        first, last = line.station(p.stops[0]), line.station(p.stops[-1])
        energy = segment_energies(p, train, line, conditions)
        out.append({
            "direction": p.direction,
            "from": first.name_en,
            "to": last.name_en,
            "running_s": round(p.running_s, 1),
            "min_running_s": round(p.min_running_s, 1),
            "allowance_pct": round(p.allowance * 100, 2),
            "dwell_s": dwell_s,
            "dwells_s": round(dwell_s * (len(p.stops) - 2), 1),
            "total_s_with_dwell": round(p.total_s(dwell_s), 1),
            **_energy(energy.total, 2),
            "segments": [{
                "from": line.station(s.from_code).name_en,
                "to": line.station(s.to_code).name_en,
                "from_code": s.from_code,
                "to_code": s.to_code,
                "distance_m": round(s.distance_m, 1),
                "run_s": round(s.run_s, 1),
                "max_speed_kmh": round(s.max_speed_kmh, 1),
                **_energy(e, 3),
            } for s, e in zip(p.segments, energy.segments)],
        })
    return {"receptivity": line.power.receptivity, "directions": out}


def _mmss(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _table(line, train, report: dict, load_factor: float) -> str:
    lines = [f"{line.name} — {train.name}, load {load_factor:.0%} of {train.capacity} passengers, "
             f"weather: {report['weather']}"]
    for d in report["directions"]:
        lines.append("")
        lines.append(f"{d['direction']}: {d['from']} → {d['to']}")
        lines.append(f"  {'':<44}{'':>8}{'':>8}{'':>10}{'at the wheel kWh':>17}{'substation':>11}")
        lines.append(f"  {'from':<22}{'to':<22}{'dist m':>8}{'run s':>8}{'max km/h':>10}{'traction':>9}"
                     f"{'e-brake':>8}{'net kWh':>11}")
        for s in d["segments"]:
            lines.append(f"  {s['from']:<22}{s['to']:<22}{s['distance_m']:>8.0f}{s['run_s']:>8.1f}"
                         f"{s['max_speed_kmh']:>10.1f}{s['traction_at_wheel_kwh']:>9.2f}"
                         f"{s['electric_braking_at_wheel_kwh']:>8.2f}{s['net_at_substation_kwh']:>11.2f}")
        allowance_s = d["running_s"] - d["min_running_s"]
        lines.append(f"  flat-out running      {_mmss(d['min_running_s']):>9}")
        lines.append(f"  + allowance {d['allowance_pct']:g} %      {_mmss(allowance_s):>9}  (by coasting)")
        lines.append(f"  = running time        {_mmss(d['running_s']):>9}")
        lines.append(f"  + dwells {len(d['segments']) - 1} × {d['dwell_s']:g} s    {_mmss(d['dwells_s']):>9}")
        lines.append(f"  = one-way time        {_mmss(d['total_s_with_dwell']):>9}")
        lines.append(f"  at the wheel: traction {d['traction_at_wheel_kwh']:.1f} kWh, braking "
                     f"{d['braking_at_wheel_kwh']:.1f} kWh of which electric {d['electric_braking_at_wheel_kwh']:.1f}")
        lines.append(f"  at the substations: {d['drawn_at_substation_kwh']:.1f} kWh drawn − "
                     f"{d['returned_to_substation_kwh']:.1f} returned (receptivity {report['receptivity']:.0%}) = "
                     f"{d['net_at_substation_kwh']:.1f} kWh net, {d['net_kwh_per_train_km']:.2f} kWh/train-km")
    return "\n".join(lines)


def _csv(report: dict) -> str:
    rows = [",".join(["direction", "from", "to", "distance_m", "run_s", "max_speed_kmh", *ENERGY_KEYS])]
    for d in report["directions"]:
        for s in d["segments"]:
            rows.append(",".join(str(v) for v in (d["direction"], s["from"], s["to"], s["distance_m"], s["run_s"],
                                                  s["max_speed_kmh"], *(s[k] for k in ENERGY_KEYS))))
    return "\n".join(rows) + "\n"
