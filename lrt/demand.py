"""Demand: time-of-day profile, origin–destination matrix and passenger arrivals (numpy only, no I/O).

The model (engineering reference, section 6)::

    T[b, i, j] = daily · share[b] · P[period(b)][i, j]

``share`` is the day type's profile over 15-min bins (sums to 1); ``P`` the gravity OD matrix of the
bin's period (am, pm or offpeak), balanced to the station weights and normalised to sum 1, so the day
adds up to ``daily`` exactly.  A measured OD table (:func:`lrt.io.demand.read_measured_od`) gives
``T`` directly.  :func:`arrivals` draws passengers from ``T`` as a non-homogeneous Poisson process
per OD pair, constant within each bin.  Files are read by :mod:`lrt.io.demand`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .network import Line

__all__ = ["PERIODS", "DayProfile", "DemandModel", "Demand", "Arrivals", "gravity_od", "build_demand",
           "arrivals"]

PERIODS = ("am", "pm", "offpeak")
"""The periods with their own station weights; bins outside am and pm windows are offpeak."""


def _frozen(values, dtype=float, *, copy: bool = True) -> np.ndarray:
    """A read-only array; a copy unless told (the caller's array may change, ours may not)."""
    a = np.array(values, dtype=dtype) if copy else np.asarray(values, dtype=dtype)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, slots=True, kw_only=True)
class DayProfile:
    """A day type: the share of the day's trips in each bin, and the am/pm windows.

    Attributes
    ----------
    share : (n_bins,) share of the day's trips per bin from 00:00, normalised here to sum 1 [1]
    bin_s : bin length [s]
    periods : ``(name, start_s, end_s)`` windows [s] that use that period's weights; others offpeak
    """

    share: np.ndarray
    bin_s: float = 900.0
    periods: tuple[tuple[str, float, float], ...] = ()

    def __post_init__(self) -> None:
        share = np.asarray(self.share, dtype=float)
        if share.ndim != 1 or not np.all(np.isfinite(share)) or np.any(share < 0) or not share.sum() > 0:
            raise ValueError("a profile needs finite shares >= 0 with a positive sum")
        object.__setattr__(self, "share", _frozen(share / share.sum()))
        for name, start, end in self.periods:
            if name not in PERIODS or not 0 <= start < end:
                raise ValueError(f"period {name!r} {start}-{end} s must be one of {PERIODS} with start < end")

    def period_of_bins(self) -> list[str]:
        """The period of each bin, by the bin's start time."""
        starts = np.arange(self.share.size) * self.bin_s
        return [next((name for name, a, b in self.periods if a <= t < b), "offpeak") for t in starts]


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandModel:
    """The data of the gravity demand model, in plain numbers (read by :func:`lrt.io.demand.read_demand_model`).

    Attributes
    ----------
    daily_total : default trips per day [passengers]
    initial_daily : trips per day expected at opening [passengers] (for reference)
    profiles : day type (``weekday``, ``weekend``) -> :class:`DayProfile`
    codes : station codes with weights, in the file's order
    production, attraction : period -> (n,) relative weights, aligned with ``codes`` [1]
    beta_per_km : gravity deterrence, f = exp(−beta·d) [1/km]
    adjacent_factor : extra factor on f between neighbouring stations [1]
    source : the file it came from, for error messages
    """

    daily_total: float
    initial_daily: float = 0.0
    profiles: Mapping[str, DayProfile]
    codes: tuple[int, ...]
    production: Mapping[str, np.ndarray]
    attraction: Mapping[str, np.ndarray]
    beta_per_km: float
    adjacent_factor: float = 1.0
    source: str = "demand model"

    def __post_init__(self) -> None:
        if not self.daily_total > 0 or not self.beta_per_km >= 0 or not self.adjacent_factor >= 0:
            raise ValueError("daily_total must be positive, beta_per_km and adjacent_factor >= 0")
        if not self.profiles:
            raise ValueError("a demand model needs at least one day profile")
        n = len(self.codes)
        for field in ("production", "attraction"):
            weights = getattr(self, field)
            if set(weights) != set(PERIODS):
                raise ValueError(f"{field} must be given for the periods {PERIODS}, got {sorted(weights)}")
            for period, w in weights.items():
                w = np.asarray(w, dtype=float)
                if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
                    raise ValueError(f"{field} {period} must be {n} finite values >= 0 with a positive sum")
            object.__setattr__(self, field, {p: _frozen(weights[p]) for p in PERIODS})


@dataclass(frozen=True, slots=True, kw_only=True)
class Demand:
    """Expected trips per time bin and origin–destination pair.

    Attributes
    ----------
    codes : station codes in line order; indices in ``trips`` refer to them
    trips : (n_bins, n, n) expected passengers per bin from origin (axis 1) to destination (axis 2),
        zero on the diagonal [passengers]
    start_s : start of the first bin, since the service-day start 00:00 [s]
    bin_s : bin length [s]
    label : what it is, for reports ("weekday model", a file name)
    """

    codes: tuple[int, ...]
    trips: np.ndarray
    start_s: float
    bin_s: float = 900.0
    label: str = ""

    def __post_init__(self) -> None:
        trips = np.asarray(self.trips, dtype=float)
        n = len(self.codes)
        if trips.ndim != 3 or trips.shape[1:] != (n, n):
            raise ValueError(f"trips must have the shape (n_bins, {n}, {n}), got {trips.shape}")
        if not np.all(np.isfinite(trips)) or np.any(trips < 0):
            raise ValueError("trips must be finite and >= 0")
        if np.any(trips[:, np.arange(n), np.arange(n)] != 0):
            raise ValueError("trips from a station to itself must be zero")
        if not self.bin_s > 0 or not self.start_s >= 0:
            raise ValueError("bin_s must be positive and start_s >= 0")
        object.__setattr__(self, "trips", _frozen(trips))

    @property
    def n_bins(self) -> int:
        return self.trips.shape[0]

    @property
    def end_s(self) -> float:
        """End of the last bin [s]."""
        return self.start_s + self.n_bins * self.bin_s

    @property
    def bin_starts_s(self) -> np.ndarray:
        """Start of every bin [s]."""
        return self.start_s + np.arange(self.n_bins) * self.bin_s

    @property
    def total(self) -> float:
        """Trips in the whole period [passengers]."""
        return float(self.trips.sum())

    @property
    def per_bin(self) -> np.ndarray:
        """(n_bins,) trips per bin [passengers]."""
        return self.trips.sum(axis=(1, 2))

    @property
    def od_total(self) -> np.ndarray:
        """(n, n) trips per OD pair over all bins [passengers]."""
        return self.trips.sum(axis=0)

    @property
    def boardings(self) -> np.ndarray:
        """(n_bins, n) passengers starting at each station per bin."""
        return self.trips.sum(axis=2)

    @property
    def alightings(self) -> np.ndarray:
        """(n_bins, n) passengers ending at each station per bin."""
        return self.trips.sum(axis=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Arrivals:
    """Passengers arriving at their origin platform, sorted by time.

    Attributes
    ----------
    time_s : arrival time since 00:00 [s]
    origin, destination : index into ``codes`` (line order)
    codes : station codes of the demand they were drawn from
    """

    time_s: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    codes: tuple[int, ...]

    def __len__(self) -> int:
        return int(self.time_s.size)


def gravity_od(productions, attractions, distance_m, beta_per_km: float, adjacent_factor: float = 1.0, *,
               tol: float = 1e-10, max_iter: int = 10_000) -> np.ndarray:
    """Doubly constrained gravity model, balanced by Furness (iterative proportional fitting).

    ``T_ij = a_i·O_i · b_j·D_j · f(c_ij)`` with ``f(c) = exp(−beta·c)``, ``f`` multiplied by
    ``adjacent_factor`` for neighbouring stations (``|i − j| = 1``) and zero for ``i = j``; the
    balancing factors ``a``, ``b`` are found by scaling rows and columns in turn until the row sums
    are ``O`` and the column sums ``D`` (engineering reference, section 6; Ortúzar & Willumsen,
    *Modelling Transport*, ch. 5).

    Parameters
    ----------
    productions : (n,) trips starting at each station, O [passengers]
    attractions : (n,) trips ending at each station, D; same total as O [passengers]
    distance_m : (n, n) distance between stations, in line order [m]
    beta_per_km : deterrence [1/km]
    adjacent_factor : factor on f for neighbouring stations [1]
    tol : largest row or column error accepted, relative to the total [1]
    max_iter : Furness iterations before giving up

    Returns
    -------
    (n, n) trips from i to j [passengers]; zero diagonal.

    Raises ``ValueError`` on bad shapes or values, different totals, or margins that cannot be met
    without same-station trips (then Furness does not converge).
    """
    O = np.asarray(productions, dtype=float)
    D = np.asarray(attractions, dtype=float)
    c = np.asarray(distance_m, dtype=float)
    n = O.size
    if O.shape != (n,) or D.shape != (n,) or c.shape != (n, n):
        raise ValueError(f"productions and attractions must be (n,) and distance_m (n, n); got "
                         f"{O.shape}, {D.shape}, {c.shape}")
    if np.any(O < 0) or np.any(D < 0) or np.any(c < 0) or beta_per_km < 0 or adjacent_factor < 0:
        raise ValueError("productions, attractions, distances, beta and adjacent_factor must be >= 0")
    total = O.sum()
    if not total > 0 or abs(D.sum() - total) > 1e-9 * total:
        raise ValueError(f"productions ({total:g}) and attractions ({D.sum():g}) must have the same positive total")
    D = D * (total / D.sum())  # totals equal but for rounding: exactly equal, or the rows could never meet tol
    i, j = np.indices((n, n))
    f = np.exp(-beta_per_km * c / 1000.0) * np.where(np.abs(i - j) == 1, adjacent_factor, 1.0)
    f[i == j] = 0.0
    T = O[:, None] * D[None, :] * f
    for _ in range(max_iter):
        T *= _ratio(O, T.sum(axis=1))[:, None]
        T *= _ratio(D, T.sum(axis=0))[None, :]
        if np.abs(T.sum(axis=1) - O).max() <= tol * total:  # columns are exact after their step
            return T
    raise ValueError("Furness balancing did not converge: the station totals cannot be met without "
                     "same-station trips (a station with more than half of all trips?)")


def _ratio(target: np.ndarray, current: np.ndarray) -> np.ndarray:
    out = np.zeros_like(target)
    np.divide(target, current, out=out, where=current > 0)
    return out


def build_demand(line: Line, model: DemandModel, *, daily: float | None = None, day: str = "weekday",
                 demand_factor: float = 1.0) -> Demand:
    """Expected trips per 15-min bin and OD pair for one day from the gravity model.

    Parameters
    ----------
    line : the line; its stations must all have weights in the model
    model : the demand model
    daily : trips in the day [passengers]; default ``model.daily_total``
    day : day type, a key of ``model.profiles`` (``weekday``, ``weekend``)
    demand_factor : multiplies the daily total (stress tests) [1]

    Returns
    -------
    Demand over the service bins (first to last bin with a non-zero share); totals ``daily·demand_factor``.
    """
    if day not in model.profiles:
        raise ValueError(f"day {day!r} is not one of {', '.join(sorted(model.profiles))}")
    total = (model.daily_total if daily is None else float(daily)) * demand_factor
    if not total > 0:
        raise ValueError(f"daily total × demand factor must be positive, got {total:g}")
    _check_codes(line, model)
    order = [model.codes.index(code) for code in line.codes]
    x = np.array([s.chainage_m for s in line.stations])
    distance = np.abs(x[:, None] - x[None, :])
    od = {}
    for period in PERIODS:
        O, D = model.production[period][order], model.attraction[period][order]
        O, D = O / O.sum(), D / D.sum()
        try:
            T = gravity_od(O, D, distance, model.beta_per_km, model.adjacent_factor)
        except ValueError:  # a station's O + D near the whole: only same-station trips would balance it
            k = int(np.argmax(O + D))
            raise InputError(model.source, f"weights.{line.codes[k]}.{period}",
                             f"{O[k]:.0%} of the {period} trips start and {D[k]:.0%} end at this station",
                             "shares that leave trips for the other stations (together well below 100 %)") from None
        od[period] = T / T.sum()
    profile = model.profiles[day]
    used = np.flatnonzero(profile.share > 0)
    bins = range(used[0], used[-1] + 1)
    periods = profile.period_of_bins()
    trips = np.stack([total * profile.share[b] * od[periods[b]] for b in bins])
    return Demand(codes=line.codes, trips=trips, start_s=bins[0] * profile.bin_s, bin_s=profile.bin_s,
                  label=f"{day} model, {total:,.0f} passengers/day")


def _check_codes(line: Line, model: DemandModel) -> None:
    unknown = sorted(set(model.codes) - set(line.codes))
    if unknown:
        raise InputError(model.source, f"weights.{unknown[0]}", f"station {unknown[0]} is not on {line.name}",
                         f"a station code of the line ({line.codes[0]}-{line.codes[-1]})")
    missing = [c for c in line.codes if c not in model.codes]
    if missing:
        raise InputError(model.source, "weights", f"no weights for station {missing[0]}",
                         f"weights for every station of {line.name}")


def arrivals(demand: Demand, rng: np.random.Generator) -> Arrivals:
    """Draw passengers: Poisson counts per bin and OD pair, arrival times uniform within the bin.

    This is a non-homogeneous Poisson process per OD pair whose rate is constant within each bin
    (engineering reference, section 6). Sorted by time; ties keep the draw order.

    Parameters
    ----------
    demand : expected trips per bin and OD pair
    rng : the run's random generator (the only source of randomness)
    """
    lam = demand.trips.ravel()
    counts = rng.poisson(lam)
    cell = np.repeat(np.arange(lam.size), counts)
    b, o, d = np.unravel_index(cell, demand.trips.shape)
    time_s = demand.start_s + (b + rng.random(cell.size)) * demand.bin_s
    # The passengers come bin by bin (the bin is the first axis of the cells) and no time of a bin is later than
    # a time of the next (b + u with u < 1 rounds to b + 1 at most), so sorting each bin sorts the day: the same
    # order as one sort of all when no two times are equal, in half the time.  A sort that is not stable is
    # faster than a stable one, and gives the same order when no two times are equal.
    order = np.arange(cell.size)
    bounds = [0, *(np.flatnonzero(np.diff(b)) + 1).tolist(), cell.size]
    for first, end in zip(bounds, bounds[1:]):
        order[first:end] = first + np.argsort(time_s[first:end])
    if np.any(np.diff(time_s[order]) == 0):
        order = np.argsort(time_s, kind="stable")
    return Arrivals(time_s=_frozen(time_s[order], copy=False), origin=_frozen(o[order], np.int64, copy=False),
                    destination=_frozen(d[order], np.int64, copy=False), codes=demand.codes)
