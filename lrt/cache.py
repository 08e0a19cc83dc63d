"""Work kept on disk between commands: results that are a pure function of their inputs (the physics of a run).

A planner runs ``lrt simulate``, ``timetable check`` and ``compare`` again and again on the same line and
train; the runs of the train along the line (:func:`lrt.runtime.run_profile`, a few hundredths of a second
each) are the same every time.  They are kept here, each under the SHA-256 of everything it depends on:
the inputs themselves (the line, the train, the conditions' physics, the run's arguments, pickled) and the
source of the whole ``lrt`` package, so that a kept result is exactly the one that would be worked out
(an edited line file, another weather, a new version of lrt: another key).

Where: ``$LRT_CACHE_DIR`` if set (``off`` turns the cache off), else ``$XDG_CACHE_HOME/lrt`` or
``~/.cache/lrt``; created private to the user (0700).  Entries are written atomically (a kill leaves no half
entry), a damaged entry is worked out again, and the oldest are removed beyond :data:`KEEP` entries.  The
folder can be deleted at any time.  Nothing is ever an error here: a folder that cannot be written only
means the work is done again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["folder", "key", "remember", "KEEP"]

KEEP = 512  # entries per kind kept (a run profile of the Astana line is ~0.3 MB)
_STALE_S = 3600.0  # a temporary file this old was left by a killed process
_ENTRY = re.compile(r"[0-9a-f]{64}\.pickle")  # only what this module writes is ever removed


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
    root = Path(__file__).resolve().parent
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


def remember(kind: str, inputs: tuple, work: Callable[[], Any]) -> Any:
    """``work()``, or what it returned before for the same ``inputs`` (kept under ``kind``)."""
    base = folder()
    if base is None:
        return work()
    path = base / kind / f"{key(kind, inputs)}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or foreign entry: worked out again below, and replaced
        pass
    value = work()
    _store(path, value)
    return value


def _store(path: Path, value: Any) -> None:
    try:
        path.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the cache folder: private
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=5)
        os.replace(tmp, path)
    except BaseException as exc:  # Ctrl-C or a full disk: no half entry left behind
        Path(tmp).unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        return
    _prune(path.parent)


def _prune(where: Path) -> None:
    """Remove the oldest entries beyond KEEP, and temporary files left by killed processes."""
    try:
        entries = []
        now = time.time()
        for item in os.scandir(where):
            if item.name.startswith(".tmp-") and item.name.endswith(".pickle"):
                if now - item.stat().st_mtime > _STALE_S:
                    os.unlink(item.path)
            elif _ENTRY.fullmatch(item.name):
                entries.append((item.stat().st_mtime, item.path))
        if len(entries) > KEEP:
            for _, old in sorted(entries)[:len(entries) - KEEP]:
                os.unlink(old)
    except OSError:  # another process pruned at the same time
        pass
