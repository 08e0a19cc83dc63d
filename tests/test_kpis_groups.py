"""The grouping under the KPIs: distinct key rows and each element's group, against numpy's own unique rows."""

from __future__ import annotations

import numpy as np
import pytest

from lrt.kpis import _groups


@pytest.mark.parametrize("n", [1, 7, 1000, 50_000])
def test_groups_are_numpys_unique_rows_whether_counted_or_sorted(n):
    rng = np.random.default_rng(n)
    station, up, hour = rng.integers(101, 119, n), rng.integers(0, 2, n), rng.integers(5, 24, n)
    keys, group = _groups(station, up, hour)  # a small key space: counted
    rows, inverse = np.unique(np.stack([station, up, hour], axis=1), axis=0, return_inverse=True)
    assert np.array_equal(keys, rows) and np.array_equal(group, inverse.reshape(-1))
    wide = rng.integers(0, 10**12, n)  # a key space far larger than the data: sorted
    keys, group = _groups(wide, hour)
    rows, inverse = np.unique(np.stack([wide, hour], axis=1), axis=0, return_inverse=True)
    assert np.array_equal(keys, rows) and np.array_equal(group, inverse.reshape(-1))


def test_no_elements_no_groups():
    keys, group = _groups(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    assert keys.shape == (0, 2) and group.size == 0
