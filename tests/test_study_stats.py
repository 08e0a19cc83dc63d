"""Replication statistics: intervals, percentiles and the stopping rule, against hand-worked answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrt.study.stats import describe, replications_needed, running_ci95, t_975


def test_describe_by_hand():
    d = describe([4.0, 1.0, 3.0, 2.0, None, float("nan")])  # failed runs (None, NaN) are left out
    assert (d["n"], d["mean"], d["min"], d["max"]) == (4, 2.5, 1.0, 4.0)
    assert d["ci95"] == pytest.approx(3.182 * math.sqrt(5 / 3) / 2, rel=1e-12)
    # numpy's linear interpolation on 1 2 3 4: rank 0.05*3 = 0.15 -> 1.15; 1.5 -> 2.5; 2.85 -> 3.85
    assert (d["p5"], d["p50"], d["p95"]) == pytest.approx((1.15, 2.5, 3.85))
    assert describe([])["mean"] is None


def test_running_interval_matches_the_direct_one():
    x = [3.0, 5.0, 4.0, 8.0]
    mean, half = running_ci95(x)
    assert list(mean) == pytest.approx([3.0, 4.0, 4.0, 5.0])
    assert math.isnan(half[0])
    # after two: s = sqrt(2), t(0.975, 1) = 12.706: 12.706 * sqrt(2) / sqrt(2) = 12.706
    assert half[1] == pytest.approx(12.706)
    # after four: values 3 5 4 8, mean 5, s² = (4 + 0 + 1 + 9)/3 = 14/3
    assert half[3] == pytest.approx(3.182 * math.sqrt(14 / 3) / 2)


def test_the_stopping_rule_waits_for_the_look_ahead():
    # values alternating 10 +- 1: s = 1.033.. after 4, half-widths t(n-1)*s/sqrt(n):
    x = [11.0, 9.0] * 20
    halves = {n: t_975(n - 1) * np.std(x[:n], ddof=1) / math.sqrt(n) for n in range(2, 41)}
    target = 0.8
    first = min(n for n, h in halves.items() if h < target and all(halves[k] < target for k in range(n, 41)))
    assert replications_needed(x, half_width=target, minimum=3, look_ahead=2) == first + 2
    # the rule cannot decide before minimum + look_ahead values, and never on too few
    assert replications_needed(x[:4], half_width=target, minimum=3, look_ahead=2) is None
    assert replications_needed(x[:first + 1], half_width=target, minimum=3, look_ahead=2) is None
    # the minimum binds when the interval is already narrow
    assert replications_needed([5.0] * 30, half_width=1.0, minimum=10, look_ahead=0) == 10
    # a failed run (NaN) counts as a replication but not in the interval
    assert replications_needed([5.0, float("nan"), 5.0, 5.0], half_width=1.0, minimum=3, look_ahead=1) == 4
