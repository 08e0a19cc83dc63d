"""Errors raised by lrt.

The tree::

    LrtError                 base of everything lrt raises on purpose
    ├── InputError           a file, argument or value the user gave is wrong
    │                        (str: "<file>: <where>: <found>, expected <expected>")
    └── SimulationError      the model reached a state it cannot continue from

The command line catches ``LrtError`` only, prints ``error: <message>`` on one line and exits 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = ["LrtError", "InputError", "SimulationError"]


class LrtError(Exception):
    """Base class of every error lrt raises on purpose."""


class InputError(LrtError):
    """Bad user input: names the file, the place, what was found and what was expected.

    Parameters
    ----------
    source : str
        The file (or ``--option``) the bad value came from.
    where : str
        The place inside it: a row, a field, a station.
    found : str
        What was found there.
    expected : str
        What would have been accepted.
    """

    def __init__(self, source: str, where: str, found: str, expected: str) -> None:
        self.source = str(source)
        self.where = where
        self.found = found
        self.expected = expected
        super().__init__(f"{self.source}: {where}: {found}, expected {expected}")


class SimulationError(LrtError):
    """The model reached a state it cannot continue from (for example a train that cannot move)."""
