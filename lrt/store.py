"""Where results that are a pure function of their inputs may be kept beyond the process.

The physics asks :func:`remember` for each run of the train (:func:`lrt.runtime.run_profile`); with nothing
installed (a library call: ``simulate(scenario, seed)`` from Python) the work is simply done, and lrt reads
and writes no file.  The command line installs the disk cache of :mod:`lrt.io.cache`, so that a planner's
second command on the same line and train finds the runs the first worked out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["KEEPER", "remember"]

KEEPER = None
"""An object with ``remember(kind, inputs, work)`` (:class:`lrt.io.cache.DiskCache`), or None."""


def remember(kind: str, inputs: tuple, work: Callable[[], Any]) -> Any:
    """``work()``, or what the installed keeper holds for the same ``kind`` and ``inputs``."""
    return work() if KEEPER is None else KEEPER.remember(kind, inputs, work)
