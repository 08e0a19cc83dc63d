"""Work kept on disk between commands: results that are a pure function of their inputs (the runs of the train).

A planner runs ``lrt simulate``, ``timetable check`` and ``compare`` again and again on the same line and
train; the runs of the train along the line (:func:`lrt.runtime.run_profile`, a few hundredths of a second
each) are the same every time.  The command line installs a :class:`DiskCache` (:func:`install`) as the
keeper of :mod:`lrt.store`; each run is kept under the SHA-256 of everything it depends on: the inputs
themselves (the line, the train, the conditions' physics, the run's arguments, pickled) and the source of
the whole ``lrt`` package, so that a kept result is exactly the one that would be worked out (an edited
line file, another weather, a new version of lrt: another key).

Where: ``$LRT_CACHE_DIR`` if set (``off`` turns the cache off), else ``$XDG_CACHE_HOME/lrt`` or
``~/.cache/lrt``; created private to the user (0700).  Entries are written with
:func:`lrt.io.outputs.atomic_write` (a kill leaves no half entry, and the next write removes a dead
process's temporary), a damaged entry is worked out again, and the oldest are removed beyond :data:`KEEP`
entries.  The folder can be deleted at any time.  Nothing here is an error: a folder that cannot be
written only means the work is done again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import store
from .outputs import atomic_write

__all__ = ["DiskCache", "install", "folder", "key", "KEEP"]

KEEP = 512  # entries per kind kept (a run profile of the Astana line is ~0.3 MB)
_ENTRY = re.compile(r"[0-9a-f]{64}\.pickle")  # only what this module writes is ever removed


def install() -> None:
    """Make the disk cache the keeper of :mod:`lrt.store` (none when :func:`folder` is None)."""
    base = folder()
    store.KEEPER = None if base is None else DiskCache(base)


def folder() -> Path | None:
    """The cache folder, or None when the cache is off (``LRT_CACHE_DIR=off``) or there is no home."""
    raw = os.environ.get("LRT_CACHE_DIR")
    if raw is not None:
        raw = raw.strip()
        return None if raw.lower() in ("", "off") else Path(raw).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        return (Path(base) if base else Path.home() / ".cache") / "lrt"
    except RuntimeError:  # no home directory to be found
        return None


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the source of the installed ``lrt`` package (every module, by its path in the package)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def key(kind: str, inputs: tuple) -> str:
    """The name of the entry for ``inputs`` (picklable, pickled the same in every process)."""
    digest = hashlib.sha256(f"{kind}\0{code_digest()}\0".encode())
    digest.update(pickle.dumps(inputs, protocol=5))
    return digest.hexdigest()


class DiskCache:
    """Results kept as pickles in ``base/<kind>/<key>.pickle``."""

    def __init__(self, base: Path) -> None:
        self.base = Path(base)

    def remember(self, kind: str, inputs: tuple, work: Callable[[], Any]) -> Any:
        """``work()``, or what it returned before for the same ``inputs`` (kept under ``kind``)."""
        path = self.base / kind / f"{key(kind, inputs)}.pickle"
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception:  # none yet, or a damaged or foreign entry: worked out below, and (re)placed
            pass
        value = work()
        try:
            self.base.mkdir(mode=0o700, parents=True, exist_ok=True)  # the cache folder: private
            path.parent.mkdir(mode=0o700, exist_ok=True)
            with atomic_write(path, "wb") as f:  # Ctrl-C while writing leaves no temporary file either
                pickle.dump(value, f, protocol=5)
        except OSError:
            return value
        _prune(path.parent)
        return value


def _prune(where: Path) -> None:
    """Remove the oldest entries beyond KEEP (only files named as this module names its entries)."""
    try:
        entries = [(item.stat().st_mtime, item.path) for item in os.scandir(where) if _ENTRY.fullmatch(item.name)]
        if len(entries) > KEEP:
            for _, old in sorted(entries)[:len(entries) - KEEP]:
                os.unlink(old)
    except OSError:  # another process pruned at the same time
        pass
