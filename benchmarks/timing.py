"""Shared timing helpers for the benchmark scripts."""

from __future__ import annotations

import statistics
import time


def median_time(fn, repeat: int = 7, clock=time.perf_counter) -> float:
    """Median time of ``fn()`` over ``repeat`` calls [s], wall time by default (``clock=time.process_time`` for
    the CPU time of this process, which a busy machine disturbs far less)."""
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)
