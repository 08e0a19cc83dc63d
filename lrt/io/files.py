"""Low-level readers shared by the loaders: TOML documents, CSV tables, quantities and times of day.

Every input file is UTF-8 with or without a byte-order mark, with LF or CRLF line ends, and at most
:data:`~lrt.limits.MAX_TEXT_FILE_BYTES` long; anything else is an :class:`~lrt.errors.InputError`.
"""

from __future__ import annotations

import csv
import io
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..limits import MAX_TEXT_FILE_BYTES, SERVICE_DAY_END_S
from ..units import UNITS, format_clock, parse_clock, to_si, units_of
from .outputs import atomic_dir, atomic_write  # noqa: F401  (also importable from here, as before)

__all__ = [
    "read_toml",
    "read_csv",
    "Row",
    "Doc",
    "atomic_write",
    "atomic_dir",
    "file_digest",
    "display_path",
    "clock_in_day",
    "TIME_EXPECTED",
    "LATE_EXPECTED",
]

TIME_EXPECTED = "a time HH:MM:SS"
LATE_EXPECTED = f"a time no later than {format_clock(SERVICE_DAY_END_S)} (the end of the service day)"


def clock_in_day(text: str) -> float:
    """A time of day [s] from ``HH:MM[:SS]``, between 00:00:00 and the end of the service day.

    Raises ``ValueError`` for a malformed time and ``OverflowError`` for one past
    :data:`~lrt.limits.SERVICE_DAY_END_S` (negative times do not parse), so a caller can say which.
    """
    seconds = parse_clock(text)
    if seconds > SERVICE_DAY_END_S:
        raise OverflowError(text)
    return seconds


def _clock(raw: str, error: Callable[[str, str, str], InputError], key: str, expected: str) -> float:
    """:func:`clock_in_day` with its two failures as InputErrors from ``error(key, found, expected)``."""
    try:
        return clock_in_day(raw)
    except OverflowError:
        raise error(key, repr(raw), LATE_EXPECTED) from None
    except ValueError:
        raise error(key, repr(raw), expected) from None


def display_path(path: Path) -> str:
    """The path as the user would recognise it (relative to the working directory when inside it)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _text(path: Path, name: str, what: str) -> str:
    """The text of an input file: present, of a sane size, readable, UTF-8 (a byte-order mark is dropped)."""
    if not path.is_file():
        found = "a folder" if path.is_dir() else "no such file"
        raise InputError(name, "file", found, what)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_FILE_BYTES:
            raise InputError(name, "file", f"{size:,} bytes", f"{what} of at most {MAX_TEXT_FILE_BYTES:,} bytes")
        with path.open("rb") as f:
            data = f.read(MAX_TEXT_FILE_BYTES + 1)  # bounded even if the file grows while we read
    except OSError as exc:
        raise InputError(name, "file", f"unreadable ({exc.strerror or exc})", f"{what} that lrt can read") from None
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise InputError(name, "file", f"more than {MAX_TEXT_FILE_BYTES:,} bytes",
                         f"{what} of at most {MAX_TEXT_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8-sig")  # Windows editors start UTF-8 files with a byte-order mark
    except UnicodeDecodeError:
        raise InputError(name, "encoding", "bytes that are not UTF-8", "a UTF-8 text file") from None


def read_toml(path: Path) -> "Doc":
    """Parse a TOML file into a :class:`Doc` that reports bad fields with the file's name."""
    path = Path(path)
    name = display_path(path)
    text = _text(path, name, "a TOML file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(name, "syntax", str(exc), "valid TOML") from None
    return Doc(data, name, "")


class Doc:
    """A TOML table with typed, located access: every error names the file and the key path."""

    def __init__(self, data: Mapping[str, Any], source: str, prefix: str) -> None:
        self.data = data
        self.source = source
        self.prefix = prefix

    def where(self, key: str) -> str:
        return f"{self.prefix}{key}" if not self.prefix else f"{self.prefix}.{key}"

    def error(self, key: str, found: str, expected: str) -> InputError:
        return InputError(self.source, self.where(key), found, expected)

    def check_schema(self, expected: int) -> None:
        """Refuse a file written for another ``schema_version`` of its format."""
        version = self.integer("schema_version")
        if version != expected:
            raise self.error("schema_version", str(version), str(expected))

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, default: Any, kind: str) -> Any:
        if key not in self.data:
            if default is _REQUIRED:
                raise self.error(key, "missing", kind)
            return default
        return self.data[key]

    def table(self, key: str, *, required: bool = True) -> "Doc":
        value = self._get(key, _REQUIRED if required else {}, "a table")
        if not isinstance(value, Mapping):
            raise self.error(key, f"{type(value).__name__} {value!r}", "a table")
        return Doc(value, self.source, self.where(key))

    def tables(self, key: str) -> list["Doc"]:
        value = self._get(key, _REQUIRED, "an array of tables [[...]]")
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.error(key, f"{type(value).__name__}", "an array of tables [[...]]")
        return [Doc(v, self.source, f"{self.where(key)}[{i}]") for i, v in enumerate(value)]

    def string(self, key: str, default: Any = None) -> str:
        value = self._get(key, _REQUIRED if default is None else default, "a string")
        if not isinstance(value, str):
            raise self.error(key, f"{value!r}", "a string")
        return value

    def number(self, key: str, default: Any = None, *, minimum: float | None = None,
               positive: bool = False) -> float:
        value = self._get(key, _REQUIRED if default is None else default, "a number")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.error(key, f"{value!r}", "a number")
        return _check_range(self, key, float(value), minimum, positive)

    def integer(self, key: str, default: Any = None, *, minimum: int | None = None) -> int:
        value = self._get(key, _REQUIRED if default is None else default, "an integer")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"{value!r}", "an integer")
        if minimum is not None and value < minimum:
            raise self.error(key, f"{value}", f"an integer >= {minimum}")
        return value

    def quantity(self, key: str, dimension: str, default: float | None = None, *,
                 minimum: float | None = None, positive: bool = False) -> float:
        """A ``{ value = .., unit = "..", source|estimate = ".." }`` entry converted to SI."""
        if key not in self.data:
            if default is None:
                raise self.error(key, "missing", f'{{ value = .., unit = "{units_of(dimension)[0]}" }}')
            return default
        entry = self.data[key]
        if not isinstance(entry, Mapping) or "value" not in entry or "unit" not in entry:
            raise self.error(key, f"{entry!r}",
                             f'{{ value = .., unit = "{units_of(dimension)[0]}", source = ".." }}')
        value, unit = entry["value"], entry["unit"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.error(f"{key}.value", f"{value!r}", "a number")
        if not isinstance(unit, str) or unit not in UNITS:
            raise self.error(f"{key}.unit", f"unknown unit {unit!r}",
                             f"one of {', '.join(units_of(dimension))}")
        try:
            si = to_si(value, unit, dimension)
        except ValueError:
            raise self.error(f"{key}.unit", f"{unit!r} (a {UNITS[unit][0]})",
                             f"a {dimension} unit: {', '.join(units_of(dimension))}") from None
        return _check_range(self, key, si, minimum, positive, shown=f"{value} {unit}")

    def clock(self, key: str, expected: str = "a time HH:MM or HH:MM:SS") -> float:
        """A time of day [s] within the service day (see :func:`clock_in_day`)."""
        return _clock(self.string(key), self.error, key, expected)

    def note(self, key: str) -> str:
        """The ``source`` or ``estimate`` note of a quantity entry ('' when absent)."""
        entry = self.data.get(key)
        if isinstance(entry, Mapping):
            if "estimate" in entry:
                return f"estimate: {entry['estimate']}"
            return str(entry.get("source", ""))
        return ""


_REQUIRED = object()


def _check_range(doc: Doc, key: str, value: float, minimum: float | None, positive: bool,
                 shown: str | None = None) -> float:
    shown = shown if shown is not None else f"{value:g}"
    if positive and value <= 0:
        raise doc.error(key, shown, "a positive value")
    if minimum is not None and value < minimum:
        raise doc.error(key, shown, f"a value >= {minimum:g}")
    return value


class Row:
    """One CSV row with typed, located access (``file: row N (label): column ...``)."""

    def __init__(self, values: Mapping[str, str], source: str, line: int) -> None:
        self.values = values
        self.source = source
        self.line = line
        self.label = ""

    def where(self, column: str) -> str:
        label = f" ({self.label})" if self.label else ""
        return f"line {self.line}{label}: {column}"

    def error(self, column: str, found: str, expected: str) -> InputError:
        return InputError(self.source, self.where(column), found, expected)

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            raise self.error(column, "empty", "a value")
        return value

    def number(self, column: str, *, default: float | None = None, minimum: float | None = None,
               positive: bool = False) -> float:
        raw = (self.values.get(column) or "").strip()
        if not raw:
            if default is None:
                raise self.error(column, "empty", "a number")
            return default
        try:
            value = float(raw)
        except ValueError:
            raise self.error(column, f"{raw!r}", "a number") from None
        if not math.isfinite(value):
            raise self.error(column, f"{raw!r}", "a finite number")
        if positive and value <= 0:
            raise self.error(column, raw, "a positive number")
        if minimum is not None and value < minimum:
            raise self.error(column, raw, f"a number >= {minimum:g}")
        return value

    def integer(self, column: str) -> int:
        raw = self.text(column)
        try:
            return int(raw)
        except ValueError:
            raise self.error(column, f"{raw!r}", "an integer") from None

    def parsed(self, column: str, parse: Callable[[str], Any], expected: str) -> Any:
        raw = self.text(column)
        try:
            return parse(raw)
        except (ValueError, KeyError):
            raise self.error(column, f"{raw!r}", expected) from None

    def clock(self, column: str, expected: str = TIME_EXPECTED) -> float:
        """A time of day [s] within the service day (see :func:`clock_in_day`)."""
        return _clock(self.text(column), self.error, column, expected)


def read_csv(path: Path, required: list[str]) -> list[Row]:
    """Read a CSV file with a header; every column in ``required`` must be present."""
    path = Path(path)
    name = display_path(path)
    return parse_csv(_text(path, name, "a CSV file"), name, required)


def parse_csv(text: str, name: str, required: Sequence[str], *, skip_blank: bool = False) -> list[Row]:
    """The rows of CSV ``text`` (from the file ``name``) whose header has every ``required`` column.

    Header names are stripped of spaces; ``skip_blank`` drops lines with only empty cells (GTFS feeds).
    """
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(name, "header", f"columns {header}", f"also the column(s) {', '.join(missing)}")
        repeated = sorted({h for h in header if h and header.count(h) > 1})
        if repeated:
            raise InputError(name, "header", f"the column {repeated[0]} twice", "each column once")
        rows = []
        for cells in reader:
            if not cells or (skip_blank and not any(c.strip() for c in cells)):
                continue  # an empty line
            if len(cells) > len(header):
                raise InputError(name, f"line {reader.line_num}", f"{len(cells)} cells",
                                 f"{len(header)} (as in the header)")
            rows.append(Row(dict(zip(header, cells)), name, reader.line_num))
    except csv.Error as exc:
        raise InputError(name, "syntax", str(exc), "valid CSV") from None
    return rows


def file_digest(path: Path) -> str:
    """SHA-256 of a file, or of every file in a folder (names and contents, sorted by name)."""
    import hashlib

    path = Path(path)
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in files:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()
