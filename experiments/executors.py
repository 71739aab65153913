"""Where replications run: in-process, local processes, or a Dask cluster.

All three are :class:`concurrent.futures.Executor` objects, so the batch
runner submits the same tasks to each and sorts what comes back; the choice
changes the speed, never the results.

* serial: :class:`SerialExecutor` runs each task when it is submitted;
* local processes: :class:`concurrent.futures.ProcessPoolExecutor` with an
  explicit start method (``spawn`` by default: safe with threads, the same on
  every platform, no global ``set_start_method``). Workers never outlive the
  run: each asks the kernel to kill it when its parent dies (Linux
  ``PR_SET_PDEATHSIG``; elsewhere a thread watches the parent's pid), ignores
  Ctrl-C (the parent handles it), and a run stopped by an error, Ctrl-C or
  ``SIGTERM`` terminates its workers instead of waiting for their tasks;
* Dask: ``distributed.Client(address).get_executor()`` for an existing
  cluster (``tcp://host:8786``; dask-jobqueue clusters on SLURM/PBS give such
  an address), or a :class:`distributed.LocalCluster` for ``local:N``. Its
  workers are sent the run's input files with their tasks
  (:mod:`experiments.task_inputs`): they need not share a file system with
  this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from experiments.worker_guard import (
    WorkerLost,
    lost_message,
    refuse_inside_worker,
    refuse_unguarded,
)
from networks.errors import ConfigError
from networks.i18n import _

#: Start method of local worker processes.
DEFAULT_START_METHOD = "spawn"
#: Most local worker processes (``--workers``, ``--dask local:N``).
MAX_WORKERS = 256
#: Seconds to wait for a Dask scheduler to answer (``--dask tcp://...``): a wrong or
#: unreachable address is refused this soon, before anything is written.
DASK_CONNECT_TIMEOUT_S = 5
#: ``prctl`` option: signal this process when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def _show_warnings() -> None:
    """Show yingji's warnings in a worker as the command line does (``yingji: warning:``).

    A spawned worker has no handler (Python's last resort would print the bare
    message); a forked one inherits the command's and needs none.
    """
    import logging

    from experiments.cli import LOGGED_PACKAGES, stderr_handler

    for name in LOGGED_PACKAGES:
        lg = logging.getLogger(name)
        if not lg.handlers:
            lg.addHandler(stderr_handler())
            lg.setLevel(logging.WARNING)


def _watch_parent(parent: int) -> None:
    """Initializer of a local worker: die with the parent process, leave Ctrl-C to it.

    A worker blocked on its task queue would otherwise live on forever after the
    parent is killed (``SIGKILL`` runs no clean-up).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _show_warnings()
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):  # pragma: no cover - no prctl in this libc
            armed = False
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the watch was set up
    if not armed:  # pragma: no cover - macOS and others: poll the parent's pid

        def poll() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=poll, name="yingji-parent-watch", daemon=True).start()


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: terminate its workers rather than wait for their tasks."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        try:
            proc.terminate()
        except (OSError, ValueError, AttributeError):  # pragma: no cover - already gone
            pass
    pool.shutdown(wait=True, cancel_futures=True)
    for proc in procs:
        try:
            proc.join(timeout=5)
        except (OSError, ValueError, AssertionError):  # pragma: no cover
            pass


class SerialExecutor(Executor):
    """Run every task at once in the calling process (no pickling, easy debugging)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` now and return its finished future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class ExecutorPlan:
    """Which executor to open: ``kind`` is ``serial``, ``processes`` or ``dask``.

    Attributes
    ----------
    kind
        The kind of executor.
    workers
        Worker processes (``processes``, ``dask`` with a local cluster).
    address
        Scheduler address of an existing Dask cluster (``None`` for a local one).
    start_method
        multiprocessing start method of local processes.
    """

    kind: str
    workers: int = 1
    address: str | None = None
    start_method: str = DEFAULT_START_METHOD

    def describe(self) -> str:
        """Short text for progress lines and logs."""
        if self.kind == "serial":
            return _("serial")
        if self.kind == "processes":
            text = _("{n} process") if self.workers == 1 else _("{n} processes")
            return text.format(n=self.workers)
        if self.address:
            return _("dask {address}").format(address=self.address)
        return _("dask local cluster ({n})").format(n=self.workers)


def plan_executor(
    *, workers: int = 1, dask: str | None = None, start_method: str = DEFAULT_START_METHOD
) -> ExecutorPlan:
    """Check the executor options of the command line.

    Parameters
    ----------
    workers
        Local worker processes; 1 means serial in this process.
    dask
        ``tcp://HOST:PORT`` (or another scheduler address) for an existing Dask
        cluster, or ``local:N`` for a local cluster of N single-threaded processes.
    start_method
        Start method of local processes (``spawn``, ``forkserver`` or ``fork``).

    Returns
    -------
    ExecutorPlan
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(
            _("must be a positive integer, got {value!r}").format(value=workers), key="--workers"
        )
    if workers > MAX_WORKERS:
        raise ConfigError(
            _("must be at most {most}, got {value}").format(most=MAX_WORKERS, value=workers),
            key="--workers",
        )
    if start_method not in multiprocessing.get_all_start_methods():
        raise ConfigError(
            _("start method {method!r} not available here ({methods})").format(
                method=start_method, methods=", ".join(multiprocessing.get_all_start_methods())
            ),
            key="start_method",
        )
    if dask is None:
        kind = "serial" if workers == 1 else "processes"
        return ExecutorPlan(kind=kind, workers=workers, start_method=start_method)
    if workers != 1:
        raise ConfigError(_("give either --workers or --dask, not both"), key="--dask")
    text = dask.strip()
    if text.startswith("local:") or text == "local":
        n = text.partition(":")[2] or "0"
        if not n.isascii() or not n.isdigit() or not 1 <= int(n) <= MAX_WORKERS:
            raise ConfigError(
                _("expected --dask local:N with N from 1 to {most} workers, got {value!r}").format(
                    most=MAX_WORKERS, value=dask
                ),
                key="--dask",
            )
        return ExecutorPlan(kind="dask", workers=int(n), start_method=start_method)
    if "://" not in text:
        raise ConfigError(
            _("expected --dask tcp://HOST:PORT or local:N, got {value!r}").format(value=dask),
            key="--dask",
        )
    return ExecutorPlan(kind="dask", address=text, start_method=start_method)


def refuse_unguarded_pool(plan: ExecutorPlan) -> None:
    """Refuse an unguarded script before local workers start (``--workers``, ``local:N``).

    Each such worker re-runs the calling script first (:mod:`experiments.worker_guard`);
    a remote Dask cluster or one process re-runs nothing.
    """
    if plan.kind == "processes" or (plan.kind == "dask" and plan.address is None):
        refuse_inside_worker()
        refuse_unguarded(plan.start_method)


@contextmanager
def open_executor(plan: ExecutorPlan, *, resumable: bool = False) -> Iterator[tuple[Executor, int]]:
    """Open the planned executor; yields ``(executor, parallelism)`` and shuts it down.

    ``parallelism`` is how many tasks can run at once (the runner keeps about
    twice that many submitted, so results stream back to the store). Local worker
    processes (``--workers``, ``--dask local:N``) re-run the calling script first:
    an unguarded one is refused here, before any starts
    (:func:`experiments.worker_guard.refuse_unguarded`). ``resumable``: whether the
    caller stores each result as it comes (an experiment folder), which a lost
    worker's message then says.
    """
    if plan.kind == "serial":
        yield SerialExecutor(), 1
        return
    refuse_unguarded_pool(plan)
    if plan.kind == "processes":
        ctx = multiprocessing.get_context(plan.start_method)
        pool = ProcessPoolExecutor(
            max_workers=plan.workers,
            mp_context=ctx,
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )
        try:
            yield pool, plan.workers
        except BrokenProcessPool:
            _kill_workers(pool)
            raise WorkerLost(lost_message(resumable=resumable)) from None
        except BaseException:
            # An error, Ctrl-C or SIGTERM: what the workers are doing is not wanted.
            _kill_workers(pool)
            raise
        pool.shutdown(wait=True)
        return
    with _dask_client(plan) as client:
        threads = sum(client.nthreads().values()) or 1
        yield client.get_executor(), threads


@contextmanager
def _dask_client(plan: ExecutorPlan) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(
            _("--dask needs dask.distributed: pip install 'yingji[dask]'"), key="--dask"
        ) from None
    if plan.address is None:
        # One single-threaded process per worker: the simulation holds the GIL.
        cluster = LocalCluster(
            n_workers=plan.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(plan.address, timeout=f"{DASK_CONNECT_TIMEOUT_S}s")
    except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, bad addresses
        error = " ".join(str(exc).split()) or type(exc).__name__
        raise ConfigError(
            _("cannot reach the Dask scheduler at {address} ({error})").format(
                address=plan.address, error=error
            ),
            key="--dask",
        ) from None
    with client:
        yield client
