"""The low-level readers every loader stands on (lrt/io/files.py): TOML documents, CSV tables, quantities,
times of day.  Each check on both sides of its limit; refusals as the exact text the user reads after
``error: ``."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import lrt.io.files
from lrt.errors import InputError
from lrt.io.files import (
    LATE_EXPECTED,
    TIME_EXPECTED,
    Doc,
    Row,
    clock_in_day,
    display_path,
    file_digest,
    parse_csv,
    read_csv,
    read_toml,
)


def _refusal(call, *args, **kwargs) -> str:
    with pytest.raises(InputError) as exc:
        call(*args, **kwargs)
    return str(exc.value)


# --- times of day ----------------------------------------------------------------------------------


def test_a_time_of_day_runs_to_the_end_of_the_service_day():
    assert clock_in_day("00:00") == 0
    assert clock_in_day("29:59:59") == 30 * 3600 - 1
    assert clock_in_day("30:00:00") == 30 * 3600
    with pytest.raises(OverflowError, match=r"^30:00:01$"):  # the time itself, for a caller's message
        clock_in_day("30:00:01")
    with pytest.raises(ValueError):
        clock_in_day("-00:01")
    assert TIME_EXPECTED == "a time HH:MM:SS"
    assert LATE_EXPECTED == "a time no later than 30:00:00 (the end of the service day)"


# --- files: present, sane, readable, UTF-8 ----------------------------------------------------------


def test_a_path_is_shown_relative_to_the_working_folder_when_inside_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "net" / "line.toml") == "net/line.toml"
    assert display_path(Path("net/line.toml")) == "net/line.toml"
    assert display_path(Path("/elsewhere/line.toml")) == "/elsewhere/line.toml"


def test_missing_files_and_folders_are_named(tmp_path):
    assert _refusal(read_toml, tmp_path / "none.toml") == f"{tmp_path / 'none.toml'}: file: no such file, expected a TOML file"
    assert _refusal(read_csv, tmp_path, ["a"]) == f"{tmp_path}: file: a folder, expected a CSV file"


def test_a_file_may_be_as_large_as_the_limit_and_no_larger(tmp_path, monkeypatch):
    monkeypatch.setattr(lrt.io.files, "MAX_TEXT_FILE_BYTES", 10)
    path = tmp_path / "t.csv"
    path.write_bytes(b"a\n12345678")  # 10 bytes
    assert [r.values for r in read_csv(path, ["a"])] == [{"a": "12345678"}]
    path.write_bytes(b"a\n123456789")
    assert _refusal(read_csv, path, ["a"]) == f"{path}: file: 11 bytes, expected a CSV file of at most 10 bytes"


def test_a_file_that_grows_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "t.toml"
    path.write_bytes(b"# c\n" * 100 + b"a = 1\n")
    monkeypatch.setattr(lrt.io.files, "MAX_TEXT_FILE_BYTES", 1000)
    real_stat = Path.stat

    def stat_before_growing(self, **kwargs):  # the size seen before it grew past the limit
        s = real_stat(self, **kwargs)
        return os.stat_result((s.st_mode, s.st_ino, s.st_dev, s.st_nlink, s.st_uid, s.st_gid, 10, s.st_atime,
                               s.st_mtime, s.st_ctime)) if self == path else s

    monkeypatch.setattr(Path, "stat", stat_before_growing)
    assert read_toml(path).data == {"a": 1}  # 406 bytes: within the limit
    path.write_bytes(b"a = 1\n" + b"# grown\n" * 200)  # 1,606 bytes, but stat still says 10
    assert _refusal(read_toml, path) == f"{path}: file: more than 1,000 bytes, expected a TOML file of at most 1,000 bytes"


def test_an_unreadable_file_says_why(tmp_path, monkeypatch):
    path = tmp_path / "t.toml"
    path.write_text("a = 1\n")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert _refusal(read_toml, path) == f"{path}: file: unreadable (Permission denied), expected a TOML file that lrt can read"


def test_utf8_with_or_without_a_byte_order_mark_and_nothing_else(tmp_path):
    path = tmp_path / "t.toml"
    path.write_bytes(b'\xef\xbb\xbfname = "\xc3\x84"\r\n')
    assert read_toml(path).data == {"name": "Ä"}
    path.write_bytes('name = "Ä"\n'.encode("latin-1"))
    assert _refusal(read_toml, path) == f"{path}: encoding: bytes that are not UTF-8, expected a UTF-8 text file"
    path.write_text("a = ", encoding="utf-8")
    assert _refusal(read_toml, path) == f"{path}: syntax: Invalid value (at end of document), expected valid TOML"


# --- TOML documents ---------------------------------------------------------------------------------


def _doc(text: str, prefix: str = "") -> Doc:
    import tomllib

    return Doc(tomllib.loads(text), "f.toml", prefix)


def test_a_document_names_its_keys_by_their_path():
    doc = _doc("[a]\nb = 1\n[[c]]\nd = 2\n[[c]]\nd = 3\n")
    assert doc.where("a") == "a" and doc.table("a").where("b") == "a.b"
    assert [t.where("d") for t in doc.tables("c")] == ["c[0].d", "c[1].d"]
    assert [t.integer("d") for t in doc.tables("c")] == [2, 3]
    assert str(doc.table("a").error("b", "found", "expected")) == "f.toml: a.b: found, expected expected"
    assert doc.has("a") and not doc.has("b")


@pytest.mark.parametrize("text, call, message", [
    ("schema_version = 2", lambda d: d.check_schema(1), "schema_version: 2, expected 1"),
    ("", lambda d: d.check_schema(1), "schema_version: missing, expected an integer"),
    ('schema_version = "1"', lambda d: d.check_schema(1), "schema_version: '1', expected an integer"),
    ("", lambda d: d.table("t"), "t: missing, expected a table"),
    ("t = 5", lambda d: d.table("t"), "t: int 5, expected a table"),
    ("", lambda d: d.tables("t"), "t: missing, expected an array of tables [[...]]"),
    ("t = 5", lambda d: d.tables("t"), "t: int, expected an array of tables [[...]]"),
    ("t = [1, 2]", lambda d: d.tables("t"), "t: list, expected an array of tables [[...]]"),
    ("", lambda d: d.string("s"), "s: missing, expected a string"),
    ("s = 5", lambda d: d.string("s"), "s: 5, expected a string"),
    ("", lambda d: d.number("n"), "n: missing, expected a number"),
    ("n = true", lambda d: d.number("n"), "n: True, expected a number"),
    ("n = inf", lambda d: d.number("n"), "n: inf, expected a number"),
    ('n = "5"', lambda d: d.number("n"), "n: '5', expected a number"),
    ("n = -0.5", lambda d: d.number("n", minimum=0), "n: -0.5, expected a value >= 0"),
    ("n = 0", lambda d: d.number("n", positive=True), "n: 0, expected a positive value"),
    ("", lambda d: d.integer("i"), "i: missing, expected an integer"),
    ("i = true", lambda d: d.integer("i"), "i: True, expected an integer"),
    ("i = 2.0", lambda d: d.integer("i"), "i: 2.0, expected an integer"),
    ("i = 0", lambda d: d.integer("i", minimum=1), "i: 0, expected an integer >= 1"),
    ("", lambda d: d.clock("t"), "t: missing, expected a string"),
    ('t = "7h"', lambda d: d.clock("t"), "t: '7h', expected a time HH:MM or HH:MM:SS"),
    ('t = "7h"', lambda d: d.clock("t", "a bus time"), "t: '7h', expected a bus time"),
    ('t = "30:01"', lambda d: d.clock("t"), "t: '30:01', expected a time no later than 30:00:00 (the end of the service day)"),
])
def test_each_typed_access_refuses_with_its_exact_message(text, call, message):
    assert _refusal(call, _doc(text)) == f"f.toml: {message}"


def test_typed_access_at_its_limits_and_defaults():
    doc = _doc('n = 0\ni = 1\ns = ""\nt = "30:00"\nm = -0.0\n[e]\n')
    assert doc.number("n", minimum=0) == 0 and isinstance(doc.number("i"), float)
    assert doc.number("missing", 2.5) == 2.5 and doc.number("missing", 0) == 0
    assert doc.integer("i", minimum=1) == 1 and doc.integer("missing", 7) == 7 and doc.integer("missing", 0) == 0
    assert doc.string("s") == "" and doc.string("missing", "x") == "x" and doc.string("missing", "") == ""
    assert doc.clock("t") == 30 * 3600
    assert doc.table("missing", required=False).data == {} and doc.table("e").data == {}
    assert doc.number("m", minimum=0) == 0


def test_tables_inside_a_table_carry_the_whole_path():
    doc = _doc("[a.b]\n[[a.b.c]]\nx = 1\n", prefix="")
    inner = doc.table("a").table("b").tables("c")[0]
    assert str(inner.error("x", "1", "2")) == "f.toml: a.b.c[0].x: 1, expected 2"


QUANTITY = [
    ("", {}, 'q: missing, expected { value = .., unit = "m" }'),
    ("q = 5", {}, 'q: 5, expected { value = .., unit = "m", source = ".." }'),
    ('q = { unit = "m" }', {}, "q: {'unit': 'm'}, expected { value = .., unit = \"m\", source = \"..\" }"),
    ("q = { value = 5 }", {}, "q: {'value': 5}, expected { value = .., unit = \"m\", source = \"..\" }"),
    ('q = { value = "5", unit = "m" }', {}, "q.value: '5', expected a number"),
    ('q = { value = true, unit = "m" }', {}, "q.value: True, expected a number"),
    ('q = { value = nan, unit = "m" }', {}, "q.value: nan, expected a number"),
    ('q = { value = 5, unit = "furlong" }', {}, "q.unit: unknown unit 'furlong', expected one of m, km, mm"),
    ("q = { value = 5, unit = 5 }", {}, "q.unit: unknown unit 5, expected one of m, km, mm"),
    ('q = { value = 5, unit = "s" }', {}, "q.unit: 's' (a time), expected a length unit: m, km, mm"),
    ('q = { value = -1, unit = "km" }', {"minimum": 0}, "q: -1 km, expected a value >= 0"),
    ('q = { value = 0.5, unit = "km" }', {"minimum": 600}, "q: 0.5 km, expected a value >= 600"),
    ('q = { value = 0, unit = "mm" }', {"positive": True}, "q: 0 mm, expected a positive value"),
]


@pytest.mark.parametrize("text, bounds, message", QUANTITY, ids=[c[2][:40] for c in QUANTITY])
def test_each_check_of_a_quantity_refuses_with_its_exact_message(text, bounds, message):
    assert _refusal(_doc(text).quantity, "q", "length", **bounds) == f"f.toml: {message}"


def test_quantities_are_converted_to_si_and_defaults_are_taken_as_given():
    doc = _doc('a = { value = 1.5, unit = "km" }\nb = { value = 0, unit = "m" }\nc = { value = 500, unit = "km", '
               'source = "x" }\n')
    assert doc.quantity("a", "length") == 1500
    assert doc.quantity("a", "length", minimum=1500) == 1500 and doc.quantity("b", "length", minimum=0) == 0
    assert doc.quantity("c", "length", positive=True) == 500_000
    assert doc.quantity("missing", "length", 7.0) == 7.0 and doc.quantity("missing", "length", 0.0) == 0.0


def test_the_note_of_a_quantity():
    doc = _doc('a = { value = 1, unit = "m", estimate = "a guess" }\nb = { value = 1, unit = "m", source = "a book" }\n'
               'c = { value = 1, unit = "m" }\nd = 5\n'
               'e = { value = 1, unit = "m", source = "a book", estimate = "both" }\n')
    assert [doc.note(k) for k in "abcdef"] == ["estimate: a guess", "a book", "", "", "estimate: both", ""]


# --- CSV rows ---------------------------------------------------------------------------------------


def _row(label="", **values) -> Row:
    row = Row(values, "f.csv", 7)
    row.label = label
    return row


def test_a_row_names_its_line_and_label():
    assert _row().where("c") == "line 7: c" and _row("stop 101").where("c") == "line 7 (stop 101): c"
    assert str(_row("x").error("c", "f", "e")) == "f.csv: line 7 (x): c: f, expected e"


@pytest.mark.parametrize("call, message", [
    (lambda r: r.text("missing"), "missing: empty, expected a value"),
    (lambda r: r.text("blank"), "blank: empty, expected a value"),
    (lambda r: r.number("blank"), "blank: empty, expected a number"),
    (lambda r: r.number("word"), "word: 'ten', expected a number"),
    (lambda r: r.number("inf"), "inf: 'inf', expected a finite number"),
    (lambda r: r.number("nan"), "nan: 'nan', expected a finite number"),
    (lambda r: r.number("zero", positive=True), "zero: 0, expected a positive number"),
    (lambda r: r.number("neg", minimum=0), "neg: -0.5, expected a number >= 0"),
    (lambda r: r.number("zero", minimum=0.5), "zero: 0, expected a number >= 0.5"),
    (lambda r: r.integer("one"), "one: '1.0', expected an integer"),
    (lambda r: r.integer("blank"), "blank: empty, expected a value"),
    (lambda r: r.parsed("word", int, "a count"), "word: 'ten', expected a count"),
    (lambda r: r.parsed("word", {"one": 1}.__getitem__, "one"), "word: 'ten', expected one"),
    (lambda r: r.clock("word"), "word: 'ten', expected a time HH:MM:SS"),
    (lambda r: r.clock("word", "a bin start"), "word: 'ten', expected a bin start"),
    (lambda r: r.clock("late"), "late: '30:00:01', expected a time no later than 30:00:00 (the end of the service day)"),
])
def test_each_typed_cell_refuses_with_its_exact_message(call, message):
    row = _row(blank="  ", word="ten", inf=" inf ", nan="nan", zero="0", neg="-0.5", one="1.0", late="30:00:01")
    assert _refusal(call, row) == f"f.csv: line 7: {message}"


def test_typed_cells_at_their_limits_and_defaults():
    row = _row(zero=" 0 ", half="0.5", int=" 12 ", clock="30:00:00", name="  Baiterek ")
    assert row.number("zero", minimum=0) == 0 and row.number("half", minimum=0.5, positive=True) == 0.5
    assert row.number("missing", default=3.5) == 3.5 and row.number("missing", default=0.0) == 0.0
    assert row.integer("int") == 12 and row.clock("clock") == 30 * 3600
    assert row.text("name") == "Baiterek" and row.text("missing", required=False) == ""
    assert row.parsed("int", int, "a count") == 12


# --- CSV tables -------------------------------------------------------------------------------------


def _csv(text: str, required=("a",), **kwargs):
    return parse_csv(text, "f.csv", list(required), **kwargs)


def test_rows_know_their_file_and_line_and_take_the_header_s_names():
    rows = _csv(' a , b \n1,2\n\n3\n"x\ny",4\n5,6\n')
    assert [(r.line, r.values) for r in rows] == [
        (2, {"a": "1", "b": "2"}), (4, {"a": "3"}), (6, {"a": "x\ny", "b": "4"}), (7, {"a": "5", "b": "6"})]
    assert rows[0].source == "f.csv"


def test_blank_rows_are_skipped_only_in_feeds():
    assert [r.values for r in _csv("a,b\n,\n1,2\n", skip_blank=True)] == [{"a": "1", "b": "2"}]
    assert [r.values for r in _csv("a,b\n , \n1,2\n")] == [{"a": " ", "b": " "}, {"a": "1", "b": "2"}]


@pytest.mark.parametrize("text, required, message", [
    ("b,c\n1,2\n", ("a", "b", "d"), "header: columns ['b', 'c'], expected also the column(s) a, d"),
    ("", ("a",), "header: columns [], expected also the column(s) a"),
    ("a,b,a,b\n", ("a",), "header: the column a twice, expected each column once"),
    ("b,a,b,a\n", ("a",), "header: the column a twice, expected each column once"),
    ("a,b\n1,2,3\n", ("a",), "line 2: 3 cells, expected 2 (as in the header)"),
    ('a\n"' + "x" * 200_000 + '"\n', ("a",), "syntax: field larger than field limit (131072), expected valid CSV"),
])
def test_each_check_of_a_table_refuses_with_its_exact_message(text, required, message):
    assert _refusal(_csv, text, required) == f"f.csv: {message}"


def test_two_empty_header_cells_are_not_a_repeated_column():
    assert [r.values for r in _csv("a,,\n1,,\n")] == [{"a": "1", "": ""}]


def test_read_csv_names_the_file_as_the_user_would(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("t.csv").write_text("a\n1\n")
    rows = read_csv(Path("t.csv"), ["a"])
    assert rows[0].source == "t.csv" and _refusal(read_csv, "t.csv", ["b"]) == (
        "t.csv: header: columns ['a'], expected also the column(s) b")


# --- digests ----------------------------------------------------------------------------------------


def test_a_digest_covers_names_and_contents_in_name_order(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.txt").write_bytes(b"2")
    (tmp_path / "d" / "a.txt").write_bytes(b"1")
    # SHA-256 of name, content, name, content ... in name order (the definition in the docstring)
    assert file_digest(tmp_path / "d") == hashlib.sha256(b"a.txt1b.txt2").hexdigest()
    assert file_digest(tmp_path / "d" / "a.txt") == hashlib.sha256(b"a.txt1").hexdigest()
    (tmp_path / "d" / "sub").mkdir()
    (tmp_path / "d" / "sub" / "c.txt").write_bytes(b"3")
    assert file_digest(tmp_path / "d") == hashlib.sha256(b"a.txt1b.txt2c.txt3").hexdigest()
