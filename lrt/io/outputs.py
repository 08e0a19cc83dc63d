"""Writing outputs without losing anything a user owns.

- :func:`check_output_folder` and :func:`check_output_file` judge an output path before any work:
  a file where a folder is wanted (or the reverse), a parent that is a file, a place that cannot be
  written, a folder of the user's that is not an earlier lrt output.
- :func:`atomic_write` writes one file through a temporary beside it, renamed into place when complete.
- :func:`atomic_dir` builds a set of files in a temporary folder *inside* the output folder, then
  moves each file into place with ``os.replace``: only the files lrt writes are replaced, anything
  else in the folder stays.  Ctrl-C and SIGTERM are held back during the moves (microseconds), so an
  interrupted run leaves either the old files or the new ones, never a mix.
- :func:`writers` runs some of the writing of such a folder in forked processes beside this one (the
  tables while the charts are drawn): their failures are raised here as if they had happened here, and
  this process failing or interrupted kills and waits for them before the staging folder is removed.

Temporaries are named ``.lrt-tmp-<pid>-...``; one left by a killed process (``kill -9``, a power cut)
is removed by the next write into the same folder once its process is gone.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["TMP_PREFIX", "check_output_folder", "check_output_file", "atomic_write", "atomic_dir", "write_table_csv",
           "remove_stale_temporaries", "writers", "Writers"]

TMP_PREFIX = ".lrt-tmp-"
"""Start of the name of every temporary file or folder lrt makes; the process id follows."""


def _own_prefix() -> str:
    return f"{TMP_PREFIX}{os.getpid()}-"


def _is_temporary(path: Path) -> bool:
    return path.name.startswith(TMP_PREFIX)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporaries in ``folder`` whose process has ended (a run killed with ``kill -9``)."""
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return
    for entry in entries:
        pid_text = entry.name[len(TMP_PREFIX):].split("-", 1)[0]
        if not _is_temporary(entry) or not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _writable(folder: Path) -> str | None:
    """None if a folder can be made in ``folder``, else the reason (a probe: permission bits lie to root)."""
    with _signals_held():  # the probe must not outlive an interrupted check
        try:
            os.rmdir(tempfile.mkdtemp(dir=folder, prefix=f"{_own_prefix()}probe-"))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def _nearest_existing(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output_folder(path: Path, *, source: str, marker: str, what: str) -> None:
    """Refuse an output folder lrt cannot write, or one holding the user's files, before any work.

    Parameters
    ----------
    path : Path
        The folder to write (it may not exist yet: missing parents are created, like ``mkdir -p``).
    source : str
        The option that named it (``--out``), the first part of the error line.
    marker : str
        The file every earlier output of this kind holds (``run.json``): a non-empty folder without
        it is the user's, and is refused.
    what : str
        The kind of output, for the message ("an lrt output folder").
    """
    path = Path(path)
    shown = repr(str(path))
    if path.exists():
        if not path.is_dir():
            raise InputError(source, "command line", f"{shown} is a file", "a folder")
        if any(not _is_temporary(p) for p in path.iterdir()) and not (path / marker).is_file():
            raise InputError(source, "command line", f"{shown} exists and is not {what}",
                             f"a new folder or {what} to replace")
        base = path
    else:
        base = _nearest_existing(path)
        if not base.is_dir():
            raise InputError(source, "command line", f"{str(base)!r} in {shown} is a file",
                             "a path whose parents are folders")
    reason = _writable(base)
    if reason is not None:
        raise InputError(source, "command line", f"{str(base)!r} cannot be written ({reason})",
                         "a folder lrt may write in")


def check_output_file(path: Path, *, source: str) -> None:
    """Refuse an output file lrt cannot write, before any work: its folder must exist and be writable."""
    path = Path(path)
    shown = repr(str(path))
    if path.is_dir():
        raise InputError(source, "command line", f"{shown} is a folder", "a file name")
    parent = path.parent
    if not parent.exists():
        raise InputError(source, "command line", f"folder {str(parent)!r} does not exist", "an existing folder")
    if not parent.is_dir():
        raise InputError(source, "command line", f"{str(parent)!r} in {shown} is a file",
                         "a path whose parents are folders")
    reason = _writable(parent)
    if reason is not None:
        raise InputError(source, "command line", f"folder {str(parent)!r} cannot be written ({reason})",
                         "a folder lrt may write in")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[Any]:
    """Write a file via a temporary sibling and rename it into place when complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    tmp = None
    try:
        with _signals_held():  # a signal between making the temporary and owning it would leave it behind
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{_own_prefix()}{path.name}.", suffix=".part")
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; give it the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield an empty staging folder; when the block completes, move each file in it into ``path``.

    Files of ``path`` that the block did not write are left alone.  On any exception (Ctrl-C and
    SIGTERM included) the staging folder is removed, and so is ``path`` if this call created it and
    it is still empty.
    """
    path = Path(path)
    created = [p for p in (path, *path.parents) if not p.exists()]
    staging = None
    try:
        with _signals_held():  # a signal between making a folder and owning it would leave it behind
            path.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=path, prefix=_own_prefix()))
        remove_stale_temporaries(path)
        yield staging
        with _signals_held():
            for entry in sorted(staging.iterdir()):
                os.replace(entry, path / entry.name)
            staging.rmdir()
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        for folder in created:  # innermost first; rmdir refuses a folder that is not empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise


_HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for the duration; one that came is raised again when it ends.

    Python-level handlers, not a signal mask: numpy's threads would take a masked signal for the
    whole process, and Python runs its handlers in the main thread anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers, and only it receives Python's signals
        return
    pending: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: pending.append(signum)) for sig in _HELD}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for sig in pending[:1]:
            signal.raise_signal(sig)  # to the handler in force again: KeyboardInterrupt, lrt's SIGTERM, ...


class Writers:
    """Jobs that write files, each run in a forked process beside this one (or here, see :func:`writers`)."""

    def __init__(self, fork: bool) -> None:
        self.fork = fork
        self._running: list[tuple[str, int, int]] = []  # (name, process id, read end of its report pipe)

    def start(self, name: str, job: Callable[[], None]) -> None:
        """Run ``job()`` in a forked process (here and now when forking is off or fails); ``name`` is what it
        writes, for the message should its process die without a word."""
        if not self.fork:
            job()
            return
        for stream in (sys.stdout, sys.stderr):  # or the child's copies of their buffers might be written twice
            if stream is not None:
                stream.flush()
        read, write = os.pipe()
        pid = None
        handlers = {sig: signal.getsignal(sig) for sig in _HELD}  # the child's, once it is under way
        parent = os.getpid()
        with _signals_held():  # a child must not take a signal before it is safely inside its own frame
            try:
                pid = _fork()
            except OSError:  # no memory or too many processes: the job is run here instead
                pass
            if pid == 0:
                _child(job, write, parent, handlers)  # never returns
            os.close(write)
            if pid is not None:
                self._running.append((name, pid, read))
            else:
                os.close(read)
        if pid is None:
            job()

    def wait(self) -> None:
        """Wait for every job in the order started; raise the error of the first that failed (the others
        are then stopped)."""
        while self._running:
            name, pid, read = self._running[0]
            report = _read_all(read)  # to its end: the process is ending
            with _signals_held():  # reaped and forgotten at once: stop() must never kill a reused process id
                _, status = os.waitpid(pid, 0)
                self._running.pop(0)
                os.close(read)
            error = _outcome(name, report, status)
            if error is not None:
                raise error

    def stop(self) -> None:
        """Kill the jobs still running and wait for them to end (nothing of theirs is written afterwards)."""
        with _signals_held():
            for _, pid, read in self._running:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:  # pragma: no cover (it ended; it is reaped below)
                    pass
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:  # pragma: no cover (reaped by wait() just before a signal came)
                    pass
                os.close(read)
            self._running.clear()


@contextmanager
def writers(*, fork: bool | None = None) -> Iterator[Writers]:
    """Yield a :class:`Writers`; when the block completes, wait for its jobs and raise the first failure.

    Inside :func:`atomic_dir` (``with atomic_dir(out) as tmp, writers() as jobs:``), the jobs write into the
    staging folder.  A job's exception is raised in this process with its type, message and attributes (an
    ``InputError`` is the same one line; a bug keeps the job's traceback as a note); Ctrl-C or SIGTERM in a
    job ends the run as it would here.  If the block fails or is interrupted, the jobs still running are
    killed and waited for before the exception goes on, so the staging folder is removed with nothing
    writing into it.  On Linux a job is killed when this process is (``kill -9``).

    ``fork`` defaults to :func:`can_fork` (Linux, no other thread, a processor free).  Without it the jobs
    run here, each when started, and write the same bytes.
    """
    jobs = Writers(can_fork() if fork is None else fork)
    try:
        yield jobs
        jobs.wait()
    finally:
        jobs.stop()


def can_fork() -> bool:
    """Whether :func:`writers` runs its jobs in forked processes: on Linux, from the main thread of a process
    with no other Python thread (forking a threaded one, say a notebook's kernel, could copy a lock another
    thread holds), and with a processor free right now.

    The processes share their memory until one writes to it, and then pay for a copy of each page they
    write: some 40,000 page faults for ``lrt simulate --out``, about 0.15 s of processor time in all.  A
    free processor turns that into half a second less to wait; on a busy one it would be time lost.
    """
    if not (sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
            and threading.current_thread() is threading.main_thread()):
        return False
    try:
        processors = len(os.sched_getaffinity(0))
        with open("/proc/loadavg", encoding="ascii") as f:  # "0.52 0.58 0.59 2/91 1234": 2 running, this one too
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):  # pragma: no cover (no /proc)
        return False
    return running < processors


def _fork() -> int:
    import warnings

    with warnings.catch_warnings():  # Python 3.12 warns of BLAS's idle threads; a job does not use them
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def _child(job: Callable[[], None], write: int, parent: int, handlers: dict) -> None:
    """The forked process: run ``job``, send its exception (if any) up the pipe, exit without cleaning up
    anything of the parent's (no atexit, no ``finally`` blocks of the frames it was forked in)."""
    code = 1
    try:
        report = b""
        try:
            _end_with_parent(parent)
            for sig, handler in handlers.items():  # forked while the parent held them back
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
            job()
            code = 0
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent
            report = _report(exc)
        _write_all(write, report)
    finally:
        os._exit(code)


def _end_with_parent(parent: int) -> None:
    """Have Linux kill this process when its parent ends (prctl PR_SET_PDEATHSIG), or end now if it has."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover (not glibc)
        pass
    if os.getppid() != parent:
        os._exit(1)


def _report(exc: BaseException) -> bytes:
    """``exc`` pickled for the parent, with the text of its traceback."""
    import pickle
    import traceback

    trace = "".join(traceback.format_exception(exc))
    try:  # as a whole when it comes back whole (an OSError keeps its file name)
        whole = pickle.dumps(exc)
        pickle.loads(whole)
        return pickle.dumps((whole, None, trace))
    except Exception:  # noqa: BLE001 - InputError's arguments are not its constructor's: rebuilt from its parts
        pass
    try:
        return pickle.dumps((None, (type(exc), exc.args, dict(getattr(exc, "__dict__", {}))), trace))
    except Exception:  # noqa: BLE001 - what does not pickle is sent as its text
        return pickle.dumps((None, (RuntimeError, (f"{type(exc).__name__}: {exc}",), {}), trace))


def _outcome(name: str, report: bytes, status: int) -> BaseException | None:
    """The exception a job's process reported, or why it ended without one, or None if it succeeded."""
    import pickle

    from ..errors import LrtError

    code = os.waitstatus_to_exitcode(status)
    if report:
        try:
            whole, parts, trace = pickle.loads(report)
            if whole is not None:
                exc = pickle.loads(whole)
            else:
                kind, args, state = parts
                exc = kind.__new__(kind, *args)
                exc.args = args
                exc.__dict__.update(state)
        except Exception:  # noqa: BLE001 - a report cut short: the process was killed while writing it
            return ChildProcessError(f"writing {name}: its process ended ({_ending(code)}) during its report")
        if not isinstance(exc, (LrtError, KeyboardInterrupt)) and type(exc).__name__ != "Terminated":
            exc.add_note(f"in the process writing {name}:\n{trace.rstrip()}")
        return exc
    return None if code == 0 else ChildProcessError(f"writing {name}: its process ended ({_ending(code)})")


def _ending(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:  # pragma: no cover
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_table_csv(path: Path, columns: dict, *, float_format: str | None = "{:.1f}") -> None:
    """Write equal-length columns (numpy arrays or sequences) as a CSV file, as pandas' ``to_csv(index=False,
    float_format=...)`` writes them (floats formatted, or their shortest form when ``float_format`` is None;
    NaN empty, booleans True/False, text quoted where it must be), without pandas: a day's passenger
    records are written in a tenth of the time."""
    import csv
    import re

    import numpy as np

    def text(values) -> tuple[list[str], bool]:
        """The column's cells, and whether it is text (which may hold what must be quoted)."""
        a = np.asarray(values)
        if a.dtype.kind == "f":
            out = list(map(float_format.format if float_format is not None else repr, a.tolist()))
            for i in np.flatnonzero(np.isnan(a)).tolist():
                out[i] = ""
            return out, False
        if a.dtype.kind in "iub":
            return [str(x) for x in a.tolist()], False
        return ["" if x is None else str(x) for x in a.tolist()], True

    cells, texts = zip(*(text(values) for values in columns.values())) if columns else ((), ())
    # csv's writer looks into every cell for what must be quoted: when no text cell holds any of it and no
    # row is a single empty cell (written ""), a row is its cells joined by commas, written 4 times faster
    plain = len(cells) > 1 and not any(is_text and re.search(r'[,"\r\n]', "".join(column))
                                       for column, is_text in zip(cells, texts))
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(list(columns))
        if plain:
            rows = "\n".join(map(",".join, zip(*cells)))
            f.write(rows + "\n" if rows else "")
        else:
            writer.writerows(zip(*cells))
