"""Shared timing helper for the benchmark scripts."""

from __future__ import annotations

import statistics
import time


def median_time(fn, repeat: int = 7) -> float:
    """Median wall time of ``fn()`` over ``repeat`` calls [s]."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
