"""Units: SI inside (s, m, m/s, m/s², kg, N, W, J); other units only at the edges.

Quantities in the data files are written ``{ value = 80, unit = "km/h" }``; :func:`to_si` converts
them and rejects a unit of the wrong dimension or an unknown one.  Times of day are
``HH:MM:SS`` and may pass 24:00:00 (a service day that runs past midnight).
"""

from __future__ import annotations

import math

__all__ = ["UNITS", "to_si", "parse_clock", "format_clock", "KMH", "G"]

KMH = 1 / 3.6
"""One km/h in m/s."""
G = 9.80665
"""Standard gravity [m/s²]."""

# unit -> (dimension, factor to SI)
UNITS: dict[str, tuple[str, float]] = {
    "m": ("length", 1.0),
    "km": ("length", 1000.0),
    "mm": ("length", 1e-3),
    "s": ("time", 1.0),
    "min": ("time", 60.0),
    "m/s": ("speed", 1.0),
    "km/h": ("speed", KMH),
    "m/s2": ("acceleration", 1.0),
    "m/s²": ("acceleration", 1.0),
    "m/s3": ("jerk", 1.0),
    "m/s³": ("jerk", 1.0),
    "kg": ("mass", 1.0),
    "t": ("mass", 1000.0),
    "N": ("force", 1.0),
    "kN": ("force", 1000.0),
    "W": ("power", 1.0),
    "kW": ("power", 1000.0),
    "MW": ("power", 1e6),
    # Davis coefficients: A and B scale with the train's mass, C does not.
    "N/t": ("force per mass", 1e-3),
    "N/kg": ("force per mass", 1.0),
    "N/t per m/s": ("force per mass per speed", 1e-3),
    "N per m/s": ("force per speed", 1.0),
    "N per (m/s)2": ("force per speed squared", 1.0),
    "N per (m/s)²": ("force per speed squared", 1.0),
    "1": ("dimensionless", 1.0),
    "%": ("dimensionless", 0.01),
    "permille": ("dimensionless", 0.001),
    "degC": ("temperature", 1.0),  # kept in °C: the HVAC model works with differences from set-points
    "W/K": ("thermal conductance", 1.0),
    "kW/K": ("thermal conductance", 1000.0),
    "m3/s": ("volume flow", 1.0),
    "m3/h": ("volume flow", 1 / 3600),
    "V": ("voltage", 1.0),
    "kV": ("voltage", 1000.0),
    "passengers": ("count", 1.0),
    "passengers/m2": ("density", 1.0),
}


def units_of(dimension: str) -> list[str]:
    """The unit names accepted for a dimension."""
    return [name for name, (dim, _) in UNITS.items() if dim == dimension]


def to_si(value: float, unit: str, dimension: str) -> float:
    """Convert ``value`` in ``unit`` to SI.

    Raises ``KeyError`` for an unknown unit and ``ValueError`` for a unit of another dimension;
    the loading layer turns both into an :class:`~lrt.errors.InputError` that names the file.
    """
    dim, factor = UNITS[unit]
    if dim != dimension:
        raise ValueError(dim)
    return float(value) * factor


def parse_clock(text: str) -> float:
    """``"HH:MM:SS"`` (hours may exceed 23) to seconds since the start of the service day.

    Raises ``ValueError`` with a short reason for anything else.
    """
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"time {text!r}")
    h, m = int(parts[0]), int(parts[1])
    s = int(parts[2]) if len(parts) == 3 else 0
    if m >= 60 or s >= 60:
        raise ValueError(f"time {text!r}")
    return float(h * 3600 + m * 60 + s)


def format_clock(seconds: float) -> str:
    """Seconds since the start of the service day to ``"HH:MM:SS"`` (rounded to the second)."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cannot format {seconds!r} as a time of day")
    total = int(round(seconds))
    return f"{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}"
