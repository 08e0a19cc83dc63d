"""Where the runs of a batch execute, behind the ``concurrent.futures`` interface.

* ``inline``: in this process, one run after another (one worker);
* ``local``: a process pool on this machine (``--workers N``), no server to start;
* ``dask``: a Dask distributed cluster (``--scheduler tcp://HOST:8786``, or a LocalCluster on this machine
  when no address is given); install with ``pip install '.[dask]'``; every worker needs lrt installed.

The grid points' scenarios and plans are shipped to the workers once (a process pool receives them
when a worker starts; Dask scatters them to every worker), not with every run: a task is a grid-point
index, a replication number and a seed.  A run is a pure function of its scenario and seed, so where
it runs changes nothing in its result.
"""

from __future__ import annotations

import math
import os
import pickle
import signal
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

__all__ = ["Pool", "open_pool", "run_day", "punctuality_curve", "PUNCTUALITY_MINUTES", "EXECUTORS"]

EXECUTORS = ("local", "dask")
PUNCTUALITY_MINUTES = (0.5, 1, 2, 3, 4, 5, 7, 10, 15)
"""Thresholds of the punctuality curve [min]: the share of departures within each of the plan."""

_SHARED: dict = {}  # grid point -> (scenario, plan), in a worker process


def _install(blob: bytes) -> None:
    """Pool initializer: keep the shared scenarios; leave Ctrl-C and SIGTERM to the parent process."""
    global _SHARED
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _SHARED = pickle.loads(blob)
    _end_with_parent(os.getppid())


def _end_with_parent(parent: int) -> None:
    """End this worker when the batch that started it is gone: killed with ``kill -9``, a process pool's
    workers would otherwise wait for work for ever."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="lrt-parent-watch", daemon=True).start()


def punctuality_curve(result) -> dict:
    """Share of departures within x minutes of plan, for each x of :data:`PUNCTUALITY_MINUTES` [1].

    A departure is every call but a trip's last (as in :mod:`lrt.kpis`); |actual − planned| is compared,
    so early departures count as off time.
    """
    e = result.events
    trips = e["trip_id"]
    if len(trips) == 0:
        return {f"punctual_{m:g}min": None for m in PUNCTUALITY_MINUTES}
    order = np.lexsort((e["stop_sequence"], trips))
    last = np.ones(len(trips), dtype=bool)
    same = trips[order][1:] == trips[order][:-1]
    last[order[:-1][same]] = False
    delay = np.abs(e["departure_s"][~last] - e["planned_departure_s"][~last])
    return {f"punctual_{m:g}min": float(np.mean(delay <= 60.0 * m)) if delay.size else None
            for m in PUNCTUALITY_MINUTES}


def run_day(point: int, replication: int, seed: int, shared=None) -> dict:
    """One simulated day of a grid point with a seed, and its KPIs, as a plain row; a run that raises is
    returned with ``status = "error"`` and its message (the batch goes on)."""
    from ..kpis import compute_kpis
    from ..sim import simulate

    started = time.perf_counter()
    try:
        scenario, plan = (shared if shared is not None else _SHARED)[point]
        result = simulate(scenario, seed, plan=plan)
        kpis = compute_kpis(result, scenario)
        kpis.update(punctuality_curve(result))
        status, error = "ok", ""
    except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded with the run, not raised
        kpis, status, error = {}, "error", f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return {"point": point, "replication": replication, "seed": seed, "status": status, "error": error,
            "kpis": kpis, "wall_s": time.perf_counter() - started}


class _Inline(Executor):
    """Runs each task at once in this process (``--workers 1``): same results, no processes to start."""

    def __init__(self, shared: dict) -> None:
        self.shared = shared

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, shared=self.shared, **kwargs))
        except BaseException as exc:  # KeyboardInterrupt must stop the batch, not be stored
            if not isinstance(exc, Exception):
                raise
            future.set_exception(exc)
        return future


@dataclass
class Pool:
    """An executor with the shared grid points already on its workers; ``submit_day`` runs one day."""

    executor: Executor
    shared_ref: object = None
    kind: str = "inline"
    workers: int = 1
    closer: object = None

    def submit_day(self, point: int, replication: int, seed: int) -> Future:
        if self.shared_ref is None:
            return self.executor.submit(run_day, point, replication, seed)
        return self.executor.submit(run_day, point, replication, seed, self.shared_ref)

    def close(self, *, cancel: bool = False) -> None:
        if isinstance(self.executor, ProcessPoolExecutor):
            self.executor.shutdown(wait=not cancel, cancel_futures=cancel)
        elif self.closer is not None:
            self.closer(cancel)


def open_pool(shared: dict, *, kind: str = "local", workers: int = 1, scheduler: str | None = None) -> Pool:
    """An executor of ``kind`` with ``shared`` (grid point -> (scenario, plan)) on every worker."""
    if kind == "local" and workers == 1:
        return Pool(executor=_Inline(shared), kind="inline", workers=1)
    if kind == "local":
        import multiprocessing

        blob = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        context = multiprocessing.get_context("fork")  # the workers start from this process's imports
        executor = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_install,
                                       initargs=(blob,))
        return Pool(executor=executor, kind="local", workers=workers)
    if kind == "dask":
        return _dask_pool(shared, workers, scheduler)
    raise ValueError(f"executor must be one of {EXECUTORS}, got {kind!r}")


def _dask_pool(shared: dict, workers: int, scheduler: str | None) -> Pool:
    from ..errors import InputError

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--executor", "command line", "dask, which is not installed",
                         "local, or install the extra: pip install 'lrt[dask]'") from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=10)
        except OSError as exc:
            raise InputError("--scheduler", "command line", f"{scheduler!r} ({exc})",
                             "the address of a running Dask scheduler, e.g. tcp://HOST:8786") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    n = len(client.scheduler_info().get("workers", {})) or workers
    [shared_ref] = client.scatter([shared], broadcast=True, hash=False)  # one object on every worker

    def closer(cancel: bool) -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    return Pool(executor=client.get_executor(pure=False), shared_ref=shared_ref, kind="dask",
                workers=max(n, 1), closer=closer)


def seconds_text(seconds: float) -> str:
    """``1:02:03`` or ``2:03`` for a duration [s]."""
    if not math.isfinite(seconds):
        return "?"
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
