"""Running time: the speed profile of a train between stops (pure numpy, no I/O).

Method (as in OSRD's standalone simulation): the most restrictive speed profile over the whole train
length, braking curves integrated backwards from every stop mark and every lower limit, then the
acceleration curve forwards, capped by both; the running-time allowance is then realised by driving
(coasting before braking), not by adding seconds.  Integration is on a distance grid with the exact
kinematic update ``v₁² = v₀² + 2·a·Δx`` for the acceleration held over a step, so constant
acceleration and braking are integrated exactly (closed-form test in tests/test_runtime.py).

Equation of motion (engineering reference, section 1)::

    m·(1+λ)·dv/dt = F_traction(v) − F_brake − R_davis(v) − m·g·i − m·g·k/(1000·R)

with λ on the tare only, the gradient ``i`` and the curvature averaged over the train length,
traction ``min(F_max, P/v, μ(v)·m_driven·g)`` and braking capped at ``μ(v)·m_braked·g``.

Jerk: the acceleration from a standstill and the brake release into the stop ramp at the train's jerk
limit (each costs a/(2j) of time, tested against that closed form), as does the re-acceleration after a
speed restriction; the changes at cruising speed (end of acceleration, onset of braking) are taken as
steps, which is within a second a run.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from . import store
from .conditions import Conditions, curtius_kniffler
from .errors import SimulationError
from .network import DIRECTIONS, Line
from .rollingstock import TrainSpec
from .units import KMH, G

__all__ = ["RunProfile", "SegmentRun", "run_profile", "run_both", "speed_limit_profile", "train_forces",
           "track_force_per_kg"]

_MIN_SPEED = 0.05  # [m/s] a coasting train slower than this has stalled


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentRun:
    """One stop-to-stop run: ``run_s`` includes the allowance, ``min_run_s`` is flat out [s]."""

    from_code: int
    to_code: int
    distance_m: float
    run_s: float
    min_run_s: float
    max_speed_kmh: float
    energy_kwh: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RunProfile:
    """The speed profile of one run, stop to stop, in one direction.

    Array fields are sampled on the distance grid, one value per point (``force_n`` and
    ``power_w`` per step, repeated at the last point).

    Attributes
    ----------
    position_m : distance run from the first stop mark [m]
    chainage_m : chainage of the train's head [m]
    time_s : running time since the first departure, without dwells [s]
    speed_ms : speed [m/s]
    accel_ms2 : acceleration over the following step [m/s²]
    force_n : tractive (> 0) or braking (< 0) force at the wheel [N]
    power_w : traction power at the wheel [W]
    energy_j : cumulative traction energy at the wheel [J]
    limit_ms : speed limit in force for the whole train [m/s]
    stop_index : grid index of every stop
    """

    direction: str
    stops: tuple[int, ...]
    passengers: float
    allowance: float
    position_m: np.ndarray
    chainage_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    accel_ms2: np.ndarray
    force_n: np.ndarray
    power_w: np.ndarray
    energy_j: np.ndarray
    limit_ms: np.ndarray
    stop_index: tuple[int, ...]
    segments: tuple[SegmentRun, ...]

    @property
    def running_s(self) -> float:
        """Time between the first and last stop, allowance included, dwells excluded [s]."""
        return float(sum(s.run_s for s in self.segments))

    @property
    def min_running_s(self) -> float:
        """Flat-out (technical minimum) running time [s]."""
        return float(sum(s.min_run_s for s in self.segments))

    def total_s(self, dwell_s: float) -> float:
        """Running time plus a dwell of ``dwell_s`` at every intermediate stop [s]."""
        return self.running_s + dwell_s * max(len(self.stops) - 2, 0)

    @property
    def energy_kwh(self) -> float:
        return float(self.energy_j[-1]) / 3.6e6


def speed_limit_profile(line: Line, train: TrainSpec, direction: str, s: np.ndarray,
                        conditions: Conditions = Conditions(), *, whole_train: bool = True) -> np.ndarray:
    """The speed limit at head positions ``s`` measured in the travel direction [m/s].

    With ``whole_train`` a restriction holds from the moment the head reaches it until the tail has
    cleared it (head ``train.length_m`` beyond its end); otherwise the limit at the head itself.
    ``s`` is chainage for ``up`` and ``line.end_m − chainage`` for ``down``.
    """
    limit = np.full(np.shape(s), min(line.line_speed_ms, train.max_speed_ms), dtype=float)
    if conditions.speed_cap_ms is not None:
        limit = np.minimum(limit, conditions.speed_cap_ms)
    tail = train.length_m if whole_train else 0.0
    for r in (*line.speed_limits, *conditions.speed_limits):
        if not r.applies_to(direction):
            continue
        a, b = (r.start_m, r.end_m) if direction == "up" else (line.end_m - r.end_m, line.end_m - r.start_m)
        inside = (s >= a) & (s < b + tail)
        limit[inside] = np.minimum(limit[inside], r.limit_ms)
    return limit


_MEMO: OrderedDict = OrderedDict()  # the last runs worked out in this process (see run_profile)
_MEMO_SIZE = 32
PHYSICS_FIELDS = ("adhesion_traction", "adhesion_braking", "braking_rate_factor", "speed_cap_ms", "speed_limits")
"""The fields of :class:`~lrt.conditions.Conditions` a run depends on (the rest is weather for the
passengers, failures and the fleet); tests/test_runtime.py holds the run to these."""


def run_profile(line: Line, train: TrainSpec, *, direction: str = "up", stops: Sequence[int] | None = None,
                conditions: Conditions = Conditions(), passengers: float = 0.0, allowance: float | None = None,
                acceleration_ms2: float | None = None, braking_ms2: float | None = None,
                step_m: float = 4.0) -> RunProfile:
    """Compute the speed profile of a run stopping at every station in ``stops``.

    The last few runs are kept in this process, by the very line and train objects (which are immutable),
    the conditions' :data:`PHYSICS_FIELDS` and the other arguments: a command that checks a timetable in
    the design conditions and then plans a day of normal weather asks for the same runs twice.  The
    profile's arrays are read-only for that reason.  A keeper the application installs (:mod:`lrt.store`; the
    command line's keeps runs on disk between commands) is asked before a run is worked out.

    Parameters
    ----------
    line, train : Line, TrainSpec
        The infrastructure and the train.
    direction : {"up", "down"}
        ``up`` runs with increasing chainage (Airport → Nurly Zhol).
    stops : sequence of int, optional
        Station codes to stop at, in travel order; default every station of the line.
    conditions : Conditions
        Adhesion, braking-rate factor and speed cap (default: a dry normal day).
    passengers : float
        Passengers on board (mass only) [1].
    allowance : float, optional
        Running-time margin as a fraction (0.07 = 7 %), realised by coasting; default the line's.
    acceleration_ms2, braking_ms2 : float, optional
        ATO performance level [m/s²]; default the line's operations values, the acceleration capped by
        the train's comfort limit and the braking by its service rate, the braking scaled by
        ``conditions.braking_rate_factor``.
    step_m : float
        Integration step [m].

    Returns
    -------
    RunProfile
    """
    physics = tuple(getattr(conditions, name) for name in PHYSICS_FIELDS)
    question = (physics, direction, None if stops is None else tuple(stops), passengers, allowance, acceleration_ms2,
                braking_ms2, step_m)
    key = (id(line), id(train), *question)
    kept = _MEMO.get(key)
    if kept is not None and kept[0] is line and kept[1] is train:
        _MEMO.move_to_end(key)
        return kept[2]
    # worked out, or kept from an earlier command by the installed keeper (lrt.store; none in a library call)
    profile = store.remember("run-profile", (line, train, *question), lambda: _run_profile(
        line, train, direction, stops, conditions, passengers, allowance, acceleration_ms2, braking_ms2, step_m))
    for value in (getattr(profile, f.name) for f in fields(profile)):
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    _MEMO[key] = (line, train, profile)  # the objects are kept, so their ids stay theirs
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return profile


def _run_profile(line: Line, train: TrainSpec, direction: str, stops: Sequence[int] | None, conditions: Conditions,
                 passengers: float, allowance: float | None, acceleration_ms2: float | None,
                 braking_ms2: float | None, step_m: float) -> RunProfile:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    if passengers < 0:
        raise ValueError(f"passengers must be >= 0, got {passengers!r}")
    ops = line.operations
    allowance = ops.allowance if allowance is None else allowance
    if not 0 <= allowance <= 0.5:
        raise ValueError(f"allowance must be a fraction in [0, 0.5], got {allowance!r}")
    accel = min(acceleration_ms2 or ops.acceleration_ms2, train.max_acceleration_ms2)
    brake = min(braking_ms2 or ops.braking_ms2, train.service_brake_ms2) * conditions.braking_rate_factor
    codes = list(stops) if stops is not None else list(line.codes)
    if direction == "down" and stops is None:
        codes.reverse()
    if len(codes) < 2:
        raise ValueError("a run needs at least two stops")
    sgn = 1.0 if direction == "up" else -1.0
    chain = [line.station(c).chainage_m for c in codes]
    if any(sgn * (b - a) <= 0 for a, b in zip(chain, chain[1:])):
        raise ValueError(f"stops {codes} are not in {direction} order")

    # The head stops with the train centred on the platform.
    heads = [c + sgn * train.length_m / 2 for c in chain]
    car = _Car(train, conditions, passengers, accel, brake)
    pieces = []
    for a, b in zip(heads, heads[1:]):
        n = max(int(math.ceil(abs(b - a) / step_m)), 4)
        c = np.linspace(a, b, n + 1)
        s = c if direction == "up" else line.end_m - c
        limit = speed_limit_profile(line, train, direction, s, conditions)
        extra = track_force_per_kg(line, train, direction, c)
        pieces.append((c, limit, extra, abs(b - a) / n))
    return _assemble(line, direction, codes, car, pieces, allowance, passengers)


def run_both(line: Line, train: TrainSpec, **kwargs) -> dict[str, RunProfile]:
    """Both directions over the whole line."""
    return {d: run_profile(line, train, direction=d, **kwargs) for d in DIRECTIONS}


def track_force_per_kg(line: Line, train: TrainSpec, direction: str, head_chainage_m) -> np.ndarray:
    """Gradient and curve resistance on the train with its head at ``head_chainage_m`` [N/kg of train mass].

    ``g·(i + k/1000·1/R)`` with the gradient ``i`` (rising in the travel direction) and the curvature
    ``1/R`` averaged over the train's length (engineering reference, section 1).
    """
    c = np.asarray(head_chainage_m, dtype=float)
    sgn = 1.0 if direction == "up" else -1.0
    tail = c - sgn * train.length_m
    grade = (line.elevation(c) - line.elevation(tail)) / train.length_m
    curv = sgn * (line.curvature_integral(c) - line.curvature_integral(tail)) / train.length_m
    return G * (grade + train.curve_resistance_k_m / 1000.0 * curv)  # [N/kg] of train mass


def train_forces(train: TrainSpec, conditions: Conditions = Conditions(), passengers: float = 0.0, *,
                 acceleration_ms2: float, braking_ms2: float) -> "_Car":
    """The force functions :func:`run_profile` integrates, for a train with ``passengers`` on board.

    The result has ``traction_n(v)``, ``brake_cap_n(v)`` and ``resistance_n(v)`` [N] at speed ``v`` [m/s],
    the masses ``m`` and ``m_eff`` (with the rotating-mass allowance) [kg] and the commanded rates
    ``accel`` and ``brake`` [m/s²]; the cab (:mod:`lrt.training.cab.dynamics`) steps the same forces in time.
    """
    return _Car(train, conditions, passengers, acceleration_ms2, braking_ms2)


class _Car:
    """Forces on one train, as scalar functions for the integration loops."""

    def __init__(self, train: TrainSpec, cond: Conditions, passengers: float, accel: float, brake: float):
        self.m = train.mass_kg(passengers)
        self.m_eff = train.effective_mass_kg(passengers)
        self.f_max = train.max_tractive_force_n
        self.p_max = train.max_power_w
        self.a_res = train.davis_a_n_per_kg * self.m
        self.b_res = train.davis_b_n_per_kg_ms * self.m
        self.c_res = train.davis_c_n_per_ms2
        self.w_driven = self.m * G * train.driven_axle_share
        self.w_braked = self.m * G * train.braked_axle_share
        self.mu_t = cond.adhesion_traction
        self.mu_b = cond.adhesion_braking
        self.accel = accel
        self.brake = brake
        self.jerk = train.jerk_ms3

    def traction_n(self, v: float) -> float:
        """Tractive force available at speed v [N]."""
        mu = self.mu_t if self.mu_t is not None else curtius_kniffler(v * 3.6)
        f = self.f_max if v * self.f_max <= self.p_max else self.p_max / v
        return min(f, mu * self.w_driven)

    def brake_cap_n(self, v: float) -> float:
        mu = self.mu_b if self.mu_b is not None else curtius_kniffler(v * 3.6)
        return mu * self.w_braked

    def resistance_n(self, v: float) -> float:
        return self.a_res + (self.b_res + self.c_res * v) * v


def _jerk_start(dx: float, a: float, jerk: float) -> tuple[float, float]:
    """Speed [m/s] and time [s] after ``dx`` from a standstill, the acceleration rising at ``jerk`` up to ``a``.

    Exact for the ramp (x = j·t³/6, v = j·t²/2) followed by constant ``a``; used for the first step of a
    start and, time-reversed, the last step of a stop, where the grid's Δt = Δx/v is undefined.
    """
    tau = a / jerk
    x_ramp = jerk * tau**3 / 6.0
    if dx <= x_ramp:
        t = (6.0 * dx / jerk) ** (1 / 3)
        return jerk * t * t / 2.0, t
    v_ramp = jerk * tau * tau / 2.0
    v = math.sqrt(v_ramp * v_ramp + 2.0 * a * (dx - x_ramp))
    return v, tau + (v - v_ramp) / a


def _braking_envelope(car: _Car, limit: list[float], extra: list[float], dx: float) -> tuple[list[float], float]:
    """Highest speed at every point from which the train can still obey every limit ahead and stop
    at the end, integrated backwards with the jerk limit on the brake application [m/s]; and the time
    of the last step into the stop [s]."""
    n = len(limit) - 1
    out = [0.0] * (n + 1)
    m, m_eff, jerk, b_cmd = car.m, car.m_eff, car.jerk, car.brake
    v, beta, t_last = 0.0, 0.0, 0.0
    for k in range(n - 1, -1, -1):
        f_other = car.resistance_n(v) + m * extra[k]
        f_brake = min(max(m_eff * b_cmd - f_other, 0.0), car.brake_cap_n(v))
        decel = max((f_brake + f_other) / m_eff, 1e-3)
        if v <= 0.0:  # last metres before the stop: the deceleration is released at the jerk limit
            v, t_last = _jerk_start(dx, decel, jerk)
            beta = min(decel, jerk * t_last)
        else:
            beta = min(decel, beta + jerk * dx / v)
            v = math.sqrt(v * v + 2.0 * beta * dx)
        if v >= limit[k]:
            v, beta = limit[k], 0.0
        out[k] = v
    return out, t_last


def _accelerate(car: _Car, limit: list[float], extra: list[float], envelope: list[float],
                dx: float) -> tuple[list[float], float]:
    """Flat-out run from a standstill, capped by the limits and the braking envelope [m/s]; and the
    time of the first step [s]."""
    n = len(limit) - 1
    out = [0.0] * (n + 1)
    m, m_eff, jerk, a_cmd = car.m, car.m_eff, car.jerk, car.accel
    v, alpha, t_first = 0.0, 0.0, 0.0
    for k in range(n):
        a_max = (car.traction_n(v) - car.resistance_n(v) - m * extra[k]) / m_eff
        if v <= 0.0:
            a = min(a_max, a_cmd)
            if a <= 0.0:
                raise SimulationError("the train cannot start: traction is below resistance and gradient")
            v_new, t_first = _jerk_start(dx, a, jerk)
            a = min(a, jerk * t_first)  # a ramp longer than the step is still rising at its end
        else:
            a = min(a_max, a_cmd, alpha + jerk * dx / v)
            v2 = v * v + 2.0 * a * dx
            v_new = math.sqrt(v2) if v2 > 0.0 else 0.0
        cap = min(limit[k + 1], envelope[k + 1])
        if v_new > cap:
            v_new = cap
            a = (v_new * v_new - v * v) / (2.0 * dx)
        if v_new <= 0.0 and k + 1 < n:
            raise SimulationError("the train stalls: traction is below resistance and gradient")
        alpha = a
        out[k + 1] = v = v_new
    return out, t_first


def _coast_from(car: _Car, base: list[float], k0: int, limit: list[float], extra: list[float],
                envelope: list[float], k_final: int, dx: float) -> list[float] | None:
    """``base`` up to index k0, then coasting (traction off) until the braking envelope; None if it stalls.

    Once the coasting train meets the final braking curve (from ``k_final`` on) it follows it to the stop.
    """
    out = base[: k0 + 1]
    m, m_eff = car.m, car.m_eff
    a_res, b_res, c_res = car.a_res, car.b_res, car.c_res
    v = out[-1]
    last = len(base) - 1
    for k in range(k0, last):
        a = -(a_res + (b_res + c_res * v) * v + m * extra[k]) / m_eff
        v2 = v * v + 2.0 * a * dx
        v_new = math.sqrt(v2) if v2 > 0.0 else 0.0
        if v_new >= envelope[k + 1] and k + 1 >= k_final:
            out.extend(envelope[k + 1:])
            return out
        cap = limit[k + 1] if limit[k + 1] < envelope[k + 1] else envelope[k + 1]
        if v_new > cap:
            v_new = cap
        elif v_new < _MIN_SPEED and k + 1 < last:
            return None
        out.append(v_new)
        v = v_new
    return out


def _step_times(v: np.ndarray, dx: float, t_first: float, t_last: float) -> np.ndarray:
    """Time of every grid step [s]: exact for constant acceleration, and the jerk ramps at both ends."""
    dt = 2.0 * dx / (v[:-1] + v[1:])
    dt[0], dt[-1] = t_first, t_last
    return dt


def _run_time(v, dx: float, t_first: float, t_last: float) -> float:
    return float(np.sum(_step_times(np.asarray(v), dx, t_first, t_last)))


def _with_allowance(car: _Car, fast: list[float], limit, extra, envelope, dx: float, allowance: float,
                    t_ends: tuple[float, float]) -> list[float]:
    """The latest coasting point whose run time reaches (1 + allowance) × the flat-out time (bisection)."""
    t_min = _run_time(fast, dx, *t_ends)
    if allowance <= 0:
        return fast
    target = t_min * (1.0 + allowance)
    # the final braking curve starts where the envelope last sits on the speed limit
    on_limit = [k for k in range(len(limit)) if envelope[k] >= limit[k]]
    k_final = on_limit[-1] if on_limit else 0
    lo, hi = 1, len(fast) - 1  # coasting from lo is too slow (or stalls); from hi adds nothing
    best = fast
    while hi - lo > 1:
        mid = (lo + hi) // 2
        trial = _coast_from(car, fast, mid, limit, extra, envelope, k_final, dx)
        if trial is None or _run_time(trial, dx, *t_ends) > target:
            lo = mid
        else:
            hi, best = mid, trial
    return best


def _assemble(line: Line, direction: str, codes: list[int], car: _Car, pieces, allowance: float,
              passengers: float) -> RunProfile:
    pos, chain, time_, speed, acc, force, lim = [], [], [], [], [], [], []
    segments, stop_index = [], [0]
    offset_m, offset_s, count = 0.0, 0.0, 0
    last = len(pieces) - 1
    for i, ((c, limit, extra, dx), a, b) in enumerate(zip(pieces, codes, codes[1:])):
        lim_l, ext_l = limit.tolist(), extra.tolist()
        env, t_last = _braking_envelope(car, lim_l, ext_l, dx)
        fast, t_first = _accelerate(car, lim_l, ext_l, env, dx)
        ends = (t_first, t_last)
        v = np.asarray(_with_allowance(car, fast, lim_l, ext_l, env, dx, allowance, ends))
        dt = _step_times(v, dx, *ends)
        t = offset_s + np.concatenate([[0.0], np.cumsum(dt)])
        a_step = (v[1:] ** 2 - v[:-1] ** 2) / (2.0 * dx)
        f = car.m_eff * a_step + car.a_res + (car.b_res + car.c_res * v[:-1]) * v[:-1] + car.m * extra[:-1]
        f[np.abs(f) < 1e-6 * car.m] = 0.0  # coasting: exactly no force, not round-off
        traction_j = float(np.sum(np.maximum(f, 0.0)) * dx)
        # the last point of a piece is the first of the next one (the stop): keep the next one's
        n = len(v)
        keep = slice(None) if i == last else slice(None, -1)
        pos.append((offset_m + np.arange(n) * dx)[keep])
        chain.append(c[keep])
        time_.append(t[keep])
        speed.append(v[keep])
        acc.append(np.append(a_step, 0.0)[keep])
        force.append(np.append(f, 0.0)[keep])
        lim.append(limit[keep])
        count += n - 1
        stop_index.append(count)
        segments.append(SegmentRun(from_code=a, to_code=b, distance_m=abs(c[-1] - c[0]), run_s=float(t[-1] - t[0]),
                                   min_run_s=_run_time(fast, dx, *ends), max_speed_kmh=float(v.max()) / KMH,
                                   energy_kwh=traction_j / 3.6e6))
        offset_m += dx * (n - 1)
        offset_s = float(t[-1])
    speed_a = np.concatenate(speed)
    force_a = np.concatenate(force)
    pos_a = np.concatenate(pos)
    traction = np.maximum(force_a, 0.0)
    v_mid = np.append((speed_a[:-1] + speed_a[1:]) / 2, 0.0)
    step = np.append(np.diff(pos_a), 0.0)
    energy = np.concatenate([[0.0], np.cumsum(traction[:-1] * step[:-1])])
    return RunProfile(direction=direction, stops=tuple(codes), passengers=passengers, allowance=allowance,
                      position_m=pos_a, chainage_m=np.concatenate(chain), time_s=np.concatenate(time_),
                      speed_ms=speed_a, accel_ms2=np.concatenate(acc), force_n=force_a,
                      power_w=traction * v_mid, energy_j=energy, limit_ms=np.concatenate(lim),
                      stop_index=tuple(stop_index), segments=tuple(segments))
