"""write_table_csv writes what pandas' to_csv(index=False, float_format="%.1f") writes, byte for byte."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lrt.io.outputs import write_table_csv


def _both(tmp_path, columns):
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    write_table_csv(ours, columns)
    pd.DataFrame(columns).to_csv(theirs, index=False, float_format="%.1f")
    return ours.read_bytes(), theirs.read_bytes()


def test_every_kind_of_cell_is_written_as_pandas_writes_it(tmp_path):
    columns = {
        "t": np.array([0.05, 0.15, 0.25, 0.35, 2.675, -0.04, -0.0, 1e6 + 0.45, np.inf, -np.inf, np.nan, 3.0]),
        "f32": np.array([0.1, 1.25, 2.5, 3.75, 7.0, 0.0, -1.5, 9.95, 1e3, 2.2, 5.5, 6.6], dtype=np.float32),
        "n": np.arange(12, dtype=np.int32) - 3,
        "big": np.arange(12, dtype=np.int64) * 10**12,
        "ok": np.array([True, False] * 6),
        "text": np.array(["plain", "a, comma", 'a "quote"', "two\nlines", "", "Нұрлы Жол", "x", "y", "z", "w",
                          "semi;colon", " space "], dtype=object),
    }
    ours, theirs = _both(tmp_path, columns)
    assert ours == theirs
    assert b"\n0.1,0.1,-3,0,True,plain\n" in ours and b'"two\nlines"' in ours  # the cases are really there
    assert b"\n,5.5,7," in ours and b"\n-inf," in ours  # NaN is an empty cell


def test_a_table_with_no_rows_has_its_header(tmp_path):
    ours, theirs = _both(tmp_path, {"a": np.empty(0), "b": np.empty(0, dtype=np.int64)})
    assert ours == theirs == b"a,b\n"


@pytest.mark.parametrize("seed", [1, 2])
def test_random_floats_round_as_printf_does(tmp_path, seed):
    x = np.random.default_rng(seed).normal(0, 1000, 5000).round(2)  # many values exactly on a half
    ours, theirs = _both(tmp_path, {"x": x})
    assert ours == theirs


def test_a_table_with_nothing_to_quote_is_written_as_pandas_writes_it(tmp_path):
    # no comma, quote or line break in any text cell: the rows are joined without the csv module
    columns = {
        "t": np.array([0.05, 0.15, np.nan, 2.675, -0.0, np.inf]),
        "n": np.arange(6, dtype=np.int32) - 3,
        "ok": np.array([True, False] * 3),
        "trip": np.array(["U001", "", "Нұрлы Жол", "semi;colon", " space ", "x"], dtype=object),
        "empty": np.array(["", "", "", "", "", ""], dtype=object),
    }
    ours, theirs = _both(tmp_path, columns)
    assert ours == theirs
    assert ours.endswith(b"\ninf,2,False,x,\n") and b"\n,-1,True,N" in ours.replace("Нұрлы Жол".encode(), b"N")


@pytest.mark.parametrize("cell", ["a, comma", 'a "quote"', "two\nlines", "carriage\rreturn"])
def test_one_cell_to_quote_is_quoted_as_pandas_quotes_it(tmp_path, cell):
    ours, theirs = _both(tmp_path, {"x": np.array([1.0, 2.0]), "text": np.array(["plain", cell], dtype=object)})
    assert ours == theirs  # (a carriage return alone is quoted by some Pythons' csv module, not by others)


def test_a_single_column_with_an_empty_cell_is_written_as_pandas_writes_it(tmp_path):
    ours, theirs = _both(tmp_path, {"text": np.array(["a", "", "b"], dtype=object)})
    assert ours == theirs == b'text\na\n""\nb\n'
