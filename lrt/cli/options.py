"""Numeric and time-of-day options, checked while argparse reads them.

Each option is declared with its range; a value that is not a finite number inside it is refused at
once, before any file is read, with one line naming the option::

    error: --daily: command line: inf, expected a finite number of passengers a day from 1 to 2,000,000

The range is also appended to the option's ``--help``.  A converter raises :class:`InputError` (not
``ValueError``): argparse lets it through unchanged, and :func:`lrt.cli.main` prints it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from functools import partial

from ..errors import InputError
from ..limits import SERVICE_DAY_END_S

__all__ = ["Range", "add_number", "add_clock", "show", "as_found"]


def show(value: float) -> str:
    """A bound as a person writes it: 2,000,000, 0.5, 4,294,967,295."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def as_found(raw: str) -> str:
    """What the user typed: as is when it reads as a number (``inf``, ``-5``), else quoted; long text shortened."""
    text = raw if len(raw) <= 40 else raw[:37] + "..."
    try:
        float(raw)
    except ValueError:
        return repr(text)
    return text


@dataclass(frozen=True, slots=True, kw_only=True)
class Range:
    """The accepted values of a numeric option: ``minimum`` to ``maximum`` inclusive.

    ``what`` names the value for the message ("a finite number of passengers a day"); ``integer``
    asks for a whole number; ``above_minimum`` excludes the minimum itself (adhesion > 0).
    """

    minimum: float
    maximum: float
    what: str
    integer: bool = False
    above_minimum: bool = False

    def expected(self) -> str:
        low = f"above {show(self.minimum)} and at most" if self.above_minimum else f"from {show(self.minimum)} to"
        return f"{self.what} {low} {show(self.maximum)}"

    def help(self) -> str:
        low = f"> {show(self.minimum)}" if self.above_minimum else show(self.minimum)
        return f"{low} to {show(self.maximum)}"

    def parse(self, option: str, raw: str) -> float | int:
        """The value of ``raw``, or InputError naming ``option``."""
        try:
            value: float | int = int(raw) if self.integer else float(raw)
        except ValueError:
            raise InputError(option, "command line", as_found(raw), self.expected()) from None
        return self.check(option, value, shown=as_found(raw))

    def check(self, option: str, value: float | int | None, *, shown: str | None = None) -> float | int | None:
        """``value`` if it is in range (None passes: an option not given), else InputError naming ``option``."""
        if value is None:
            return None
        low_ok = value > self.minimum if self.above_minimum else value >= self.minimum
        if not (low_ok and value <= self.maximum):  # NaN fails every comparison, infinity the bounds
            raise InputError(option, "command line", shown or f"{value:.15g}", self.expected())
        return value


def add_number(p: argparse.ArgumentParser, option: str, accepted: Range, *, help: str, **kwargs) -> None:
    """``p.add_argument(option)`` for a number in ``accepted``; the range joins the help text."""
    p.add_argument(option, type=partial(accepted.parse, option),
                   help=f"{help}; {accepted.help()}", **kwargs)


def parse_clock_option(option: str, raw: str) -> float:
    """``HH:MM`` or ``HH:MM:SS`` from 00:00 to the end of the service day, in seconds."""
    from ..units import parse_clock

    expected = f"a time HH:MM from 00:00 to {_hhmm(SERVICE_DAY_END_S)}"
    try:
        value = parse_clock(raw)
    except ValueError:
        raise InputError(option, "command line", as_found(raw), expected) from None
    if value > SERVICE_DAY_END_S:
        raise InputError(option, "command line", as_found(raw), expected)
    return value


def add_clock(p: argparse.ArgumentParser, *flags: str, help: str, **kwargs) -> None:
    """An option taking a time of day (seconds in the namespace)."""
    option = flags[0]
    p.add_argument(*flags, type=partial(parse_clock_option, option),
                   metavar="HH:MM", help=f"{help}; 00:00 to {_hhmm(SERVICE_DAY_END_S)}", **kwargs)


def _hhmm(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}"
