"""Statistics over replications: means with Student-t intervals, percentiles, and the stopping rule.

Engineering and batch references: a mean over n independent replications is reported with its 95 %
interval ``t(0.975, n−1)·s/√n`` (s the sample standard deviation, ddof = 1); percentiles are numpy's
linear interpolation; the sequential stopping rule follows Hoad, Robinson & Davies (2010): add
replications until the interval is narrow enough and stays so for a look-ahead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["t_975", "mean_ci95", "describe", "replications_needed", "running_ci95"]

_T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
          2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
"""Student t quantile t(0.975, df) for df = 1..30: NIST/SEMATECH e-Handbook of Statistical Methods,
section 1.3.6.7.2, "Critical values of the Student's t distribution"."""
_Z = 1.959963984540054  # the standard normal quantile at 0.975


def t_975(df: int) -> float:
    """Two-sided 95 % Student t quantile for ``df`` degrees of freedom [1].

    The NIST table to 30; beyond, the Cornish–Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5),
    within 2e-4 of the exact value from df = 31 on (t(0.975, 40) = 2.0211, t(0.975, 120) = 1.9799).
    """
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, got {df!r}")
    if df <= len(_T_975):
        return _T_975[df - 1]
    z = _Z
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


def mean_ci95(values) -> tuple[float | None, float | None]:
    """Mean and 95 % half-width ``t(0.975, n−1)·s/√n`` of the values that are not None (nor NaN).

    Returns ``(None, None)`` with no values and ``(mean, None)`` with one.
    """
    x = np.asarray([v for v in values if v is not None], dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return None, None
    mean = float(np.mean(x))
    if x.size == 1:
        return mean, None
    return mean, t_975(x.size - 1) * float(np.std(x, ddof=1)) / math.sqrt(x.size)


def describe(values) -> dict:
    """``n``, ``mean``, ``ci95`` (half-width), ``p5``, ``p50``, ``p95``, ``min``, ``max`` of the finite values."""
    x = np.asarray([v for v in values if v is not None], dtype=float)
    x = x[np.isfinite(x)]
    mean, ci = mean_ci95(x)
    if x.size == 0:
        return {"n": 0, "mean": None, "ci95": None, "p5": None, "p50": None, "p95": None, "min": None, "max": None}
    p5, p50, p95 = (float(v) for v in np.percentile(x, [5, 50, 95]))
    return {"n": int(x.size), "mean": mean, "ci95": ci, "p5": p5, "p50": p50, "p95": p95,
            "min": float(x.min()), "max": float(x.max())}


def running_ci95(values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """The running mean and 95 % half-width after each replication (NaN where fewer than two) [units of x]."""
    x = np.asarray(values, dtype=float)
    n = np.arange(1, x.size + 1)
    mean = np.cumsum(x) / n
    # running sample variance by Welford's update (stable for long runs)
    var = np.full(x.size, np.nan)
    m, s = 0.0, 0.0
    for i, v in enumerate(x):
        d = v - m
        m += d / (i + 1)
        s += d * (v - m)
        if i:
            var[i] = s / i
    half = np.array([t_975(k - 1) * math.sqrt(var[k - 1] / k) if k > 1 else np.nan for k in n])
    return mean, half


def replications_needed(values: Sequence[float], *, half_width: float, minimum: int, look_ahead: int) -> int | None:
    """How many replications the stopping rule settles on, from the first values (in replication order).

    The smallest n ≥ ``minimum`` for which the 95 % half-width over the first k values is below
    ``half_width`` for every k in n .. n + ``look_ahead``; the answer is n + ``look_ahead`` (every run the
    rule looked at).  None while the values do not yet decide it.  Non-finite values (failed runs) are
    left out of the statistic but count as replications.
    """
    x = np.asarray(values, dtype=float)
    ok = np.isfinite(x)
    if x.size < minimum + look_ahead:
        return None
    held = np.zeros(x.size + 1, dtype=bool)  # held[k]: the rule holds over the first k replications
    for k in range(max(minimum, 2), x.size + 1):
        _, ci = mean_ci95(x[:k][ok[:k]])
        held[k] = ci is not None and ci < half_width
    for n in range(minimum, x.size - look_ahead + 1):
        if held[n:n + look_ahead + 1].all():
            return n + look_ahead
    return None
