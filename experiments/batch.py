"""The batch runner: every (design point, replication) of an experiment, resumable.

:func:`run_experiment` expands the design, skips what the output folder
already holds, submits the rest to an executor (serial, processes or Dask;
:mod:`experiments.executors`), and stores each result as it arrives
(:mod:`experiments.store`). Results are keyed by (point, replication) and
sorted on output, so neither the executor nor the completion order can change
them. Replications are submitted replication-major (all points of
replication 0 first), so a run stopped early already holds paired
comparisons.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from experiments.design import DesignPoint, ExperimentSpec, package_version
from experiments.executors import (
    ExecutorPlan,
    open_executor,
    plan_executor,
    refuse_unguarded_pool,
)
from experiments.manifest import keeps_records, mark_records
from experiments.point_errors import check_regions, located
from experiments.store import (
    ResultStore,
    check_output_folder,
    check_table_format,
    folder_lock,
    plain_summary,
    plain_tables,
)
from experiments.tables import drop_tables
from experiments.task_inputs import release, shipper, submit
from networks import i18n
from networks.errors import ConfigError, YingjiError
from networks.i18n import _

logger = logging.getLogger(__name__)

#: ``replicate(config, *, replication, root_seed)`` -> an object with ``.summary`` and ``.records``.
Replicate = Callable[..., Any]
#: :func:`qualified_name` of :func:`default_replicate` (a report names only another).
DEFAULT_REPLICATE = "experiments.runner.run_replication"


def default_replicate() -> Replicate:
    """The simulation's replication function (imported lazily: it pulls in the simulator)."""
    from experiments.runner import run_replication

    return run_replication


def qualified_name(fn: Callable[..., Any]) -> str:
    """``module.qualname`` of a function (part of an experiment's identity)."""
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def run_task(
    replicate: Replicate,
    config: Any,
    replication: int,
    root_seed: int,
    keep_records: bool,
) -> dict[str, Any]:
    """One replication, as a worker runs it; returns plain data for the store.

    Module-level so that process pools and Dask pickle it by reference.
    """
    t0 = time.perf_counter()
    result = replicate(config, replication=replication, root_seed=root_seed)
    elapsed = time.perf_counter() - t0
    return {
        "summary": plain_summary(result.summary),
        "records": plain_tables(result.records.tables()) if keep_records else None,
        "elapsed_s": elapsed,
        "version": package_version(),
    }


def run_chunk(
    replicate: Replicate,
    configs: list[Any],
    replication: int,
    root_seed: int,
    keep_records: bool,
    language: str | None = None,
) -> list[dict[str, Any]]:
    """Replication ``replication`` of several design points in one worker, in order.

    The points of one replication share their incidents (common random
    numbers) and usually their network, so the network and the travel times
    of every disrupted road state, cached in the worker, are computed once for
    all of them instead of once per worker that happens to draw one. A worker
    process speaks ``language`` (the run's), so its errors read as the run's do.
    """
    out: list[dict[str, Any]] = []
    with i18n.language(language or i18n.get_language()):
        for c in configs:
            try:
                out.append(run_task(replicate, c, replication, root_seed, keep_records))
            except YingjiError as exc:
                # Hand back what is done, then the user's mistake, so both reach the store.
                out.append({"error": exc})
                break
    return out


def plan_chunks(
    todo: list[tuple[int, DesignPoint]], *, tasks_wanted: int
) -> list[list[tuple[int, DesignPoint]]]:
    """Group ``(replication, point)`` items into tasks: same replication and network together.

    Groups are split (largest first) until there are at least ``tasks_wanted``
    tasks or every task holds one item, so that few replications of many
    points still keep every worker busy. Order is replication-major.
    """
    groups: dict[tuple[int, Any], list[tuple[int, DesignPoint]]] = {}
    for r, p in todo:
        groups.setdefault((r, p.config.network), []).append((r, p))
    chunks = list(groups.values())
    while len(chunks) < tasks_wanted:
        big = max(range(len(chunks)), key=lambda i: len(chunks[i]), default=None)
        if big is None or len(chunks[big]) < 2:
            break
        c = chunks[big]
        chunks[big : big + 1] = [c[: len(c) // 2], c[len(c) // 2 :]]
    return chunks


@dataclass
class Progress:
    """Design points and replications done, with an ETA, on one stderr line.

    Quiet unless ``enabled`` (by default: when the stream is a terminal).
    """

    total: int
    points: int
    per_point: dict[int, int]
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    enabled: bool | None = None
    done: int = 0
    _start: float = field(default_factory=time.monotonic)
    _last: float = 0.0

    def __post_init__(self) -> None:
        if self.enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            self.enabled = bool(isatty and isatty())

    def points_done(self) -> int:
        """Design points with every replication finished."""
        return sum(1 for left in self.per_point.values() if left == 0)

    def advance(self, point: int) -> None:
        """Count one replication of ``point`` as done and redraw (at most 10 times a second)."""
        self.done += 1
        self.per_point[point] -= 1
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done == self.total):
            self._last = now
            self.stream.write("\r" + self.line(now - self._start))
            self.stream.flush()

    def line(self, elapsed: float) -> str:
        """The progress text after ``elapsed`` seconds."""
        width = 24
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(round(width * frac))
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        text = _(
            "{done}/{total} replications, {points_done}/{points} points, "
            "{elapsed} elapsed, ETA {eta}"
        ).format(
            done=self.done,
            total=self.total,
            points_done=self.points_done(),
            points=self.points,
            elapsed=_clock(elapsed),
            eta=_clock(eta),
        )
        return f"[{bar:<{width}}] {text} "

    def close(self) -> None:
        """End the line."""
        if self.enabled and self.total:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "--:--"
    h, rest = divmod(int(round(seconds)), 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"


@dataclass(frozen=True)
class BatchResult:
    """What a call of :func:`run_experiment` did.

    Attributes
    ----------
    out
        The output folder (``None``: run in memory).
    ran
        Replications computed by this call.
    skipped
        Replications already in the folder.
    summary
        Path of the tidy summary table (``None`` in memory).
    records
        Paths of the tidy record tables (empty without ``records=True``, or in memory).
    elapsed_s
        Wall-clock seconds of this call.
    executor
        Which executor ran the replications.
    table
        In memory (``out=None``): the tidy summary table as a pandas DataFrame, one
        row per (point, replication), as ``summary.parquet`` would hold it.
    record_tables
        In memory with ``records=True``: the tidy record tables as DataFrames, by name.
    """

    out: Path | None
    ran: int
    skipped: int
    summary: Path | None
    records: tuple[Path, ...]
    elapsed_s: float
    executor: str
    table: Any = None
    record_tables: dict[str, Any] | None = None


def run_experiment(
    spec: ExperimentSpec | str | Path,
    out: str | Path | None = None,
    *,
    workers: int = 1,
    dask: str | None = None,
    executor: Executor | None = None,
    records: bool = False,
    table_format: str = "auto",
    progress: bool | None = None,
    replicate: Replicate | None = None,
    start_method: str = "spawn",
    stream: TextIO | None = None,
) -> BatchResult:
    """Run (or resume) an experiment into an output folder.

    Parameters
    ----------
    spec
        The experiment, or the path of its TOML file.
    out
        Output folder; created, or resumed when it holds this experiment. ``None``:
        write nothing and return the tables in memory (:class:`BatchResult` ``table``).
    workers
        Local worker processes (1: serial in this process).
    dask
        ``tcp://HOST:PORT`` of a Dask scheduler, or ``local:N`` for a local cluster.
    executor
        An already open executor to use instead (``workers``/``dask`` then unused).
    records
        Also keep the per-incident records of every replication. A folder once
        run with records (its manifest says ``"records": true``) keeps recording
        without it, so that its record tables cover every replication.
    table_format
        ``"auto"`` (Parquet when pyarrow is installed, else CSV), ``"parquet"`` or ``"csv"``.
    progress
        Show a progress line on stderr; by default only when stderr is a terminal.
    replicate
        Replication function ``(config, *, replication, root_seed) -> result`` with
        ``.summary`` and ``.records``; :func:`experiments.runner.run_replication` by default.
    start_method
        Start method of local worker processes.
    stream
        Where the progress line goes (stderr by default).

    Returns
    -------
    BatchResult

    Raises
    ------
    ConfigError
        Bad experiment file or options, a folder holding another experiment, or
        ``workers > 1`` asked for inside a worker process (an unguarded script).
    """
    t0 = time.perf_counter()
    if not isinstance(spec, ExperimentSpec):
        spec = ExperimentSpec.from_file(spec)
    if replicate is None:
        spec.check_metrics()  # the simulation's metric names, before any work
    check_table_format(table_format)
    given = ExecutorPlan(kind="given") if executor is not None else None
    plan = given or plan_executor(workers=workers, dask=dask, start_method=start_method)
    refuse_unguarded_pool(plan)  # before the folder is made
    fn = replicate or default_replicate()
    points = spec.points()
    check_regions(points)
    if out is not None:
        check_output_folder(Path(out))  # before the lock file lands in someone's own folder
    with contextlib.ExitStack() as stack:
        cluster: tuple[Executor, int] | None = None
        if executor is None and plan.kind == "dask":
            # Connect before the folder is made: an unreachable scheduler leaves nothing.
            cluster = stack.enter_context(open_executor(plan))
        # Lock first: the identity check and the manifest belong to one run at a time.
        if out is None:  # in memory: no folder, no lock, no file
            from experiments.batch_memory import MemoryStore

            store: ResultStore = MemoryStore(spec, replicate=qualified_name(fn))
        else:
            stack.enter_context(folder_lock(Path(out)))
            kept = keeps_records(Path(out))  # read before the manifest is rewritten
            store = ResultStore.create_or_resume(out, spec, replicate=qualified_name(fn))
            if records or kept:  # recorded at once: a run killed early still keeps it
                mark_records(store.root, store.manifest)
            if not records and kept:
                # Without its replications records/ would go stale next to a newer summary:
                # the folder keeps recording, as it keeps its language.
                records = True
                logger.info(
                    _(
                        "{folder}: keeps per-incident records (an earlier run had --records), "
                        "so this run records its replications too"
                    ).format(folder=store.root)
                )
        found, damaged = store.scan(records=records)
        done = set(found)
        if damaged:
            names = ", ".join(str(f.relative_to(store.root)) for f in damaged[:3])
            more = len(damaged) > 3
            message = (
                _(
                    "{folder}: damaged replication files ({names} and {more} more), "
                    "left by a crash or a full disk; those replications are run again"
                )
                if more
                else _(
                    "{folder}: damaged replication files ({names}), "
                    "left by a crash or a full disk; those replications are run again"
                )
            )
            logger.warning(message.format(folder=store.root, names=names, more=len(damaged) - 3))
        todo = [
            (r, p) for r in range(spec.replications) for p in points if (p.index, r) not in done
        ]
        skipped = spec.replications * len(points) - len(todo)
        left = Counter(p.index for _, p in todo)
        bar = Progress(
            total=len(todo),
            points=len(points),
            per_point={p.index: left.get(p.index, 0) for p in points},
            stream=stream or sys.stderr,
            enabled=progress,
        )
        if todo and out is not None:
            drop_tables(store.root)  # stale until this run ends: gone, not read unawares
        try:
            if todo:
                if executor is not None:
                    _drain(executor, 2, todo, fn, spec, store, records, bar)
                elif cluster is not None:
                    _drain(*cluster, todo, fn, spec, store, records, bar)
                else:
                    if plan.kind == "processes" and len(todo) < plan.workers:
                        # No point starting workers that would get nothing to do.
                        plan = replace(plan, workers=len(todo))
                    with open_executor(plan, resumable=out is not None) as (pool, parallel):
                        _drain(pool, parallel, todo, fn, spec, store, records, bar)
        finally:
            bar.close()
        store.count_code_states()
        summary = store.write_summary(fmt=table_format)
        record_paths = tuple(store.write_records(fmt=table_format)) if records else ()
    return BatchResult(
        out=None if out is None else Path(out),
        ran=len(todo),
        skipped=skipped,
        summary=summary,
        records=record_paths,
        elapsed_s=time.perf_counter() - t0,
        executor=plan.describe() if executor is None else type(executor).__name__,
        table=getattr(store, "table", None),
        record_tables=getattr(store, "record_tables", None) if records else None,
    )


def _drain(
    pool: Executor,
    parallel: int,
    todo: list[tuple[int, DesignPoint]],
    fn: Replicate,
    spec: ExperimentSpec,
    store: ResultStore,
    records: bool,
    bar: Progress,
) -> None:
    """Keep about ``2 * parallel`` tasks in flight; store each result as it arrives."""
    window = max(2 * parallel, 2)
    chunks = plan_chunks(todo, tasks_wanted=1 if parallel == 1 else 2 * parallel)
    if parallel == 1:
        chunks = [[item] for item in todo]  # in-process: one at a time, nothing to share
    queue = iter(chunks)
    pending: dict[Future, list[tuple[int, DesignPoint]]] = {}
    language = i18n.get_language()
    ship = shipper(pool, [p.config for _, p in todo])  # a Dask cluster gets the input files

    def top_up() -> None:
        while len(pending) < window:
            chunk = next(queue, None)
            if chunk is None:
                return
            r = chunk[0][0]
            configs = [p.config for _, p in chunk]
            fut = submit(pool, ship, run_chunk, fn, configs, r, spec.root_seed, records, language)
            pending[fut] = chunk

    top_up()
    try:
        while pending:
            finished, _running = wait(list(pending), return_when=FIRST_COMPLETED)
            # Store in (replication, point) order within a batch: tidy, not required.
            for fut in sorted(finished, key=lambda f: (pending[f][0][0], pending[f][0][1].index)):
                chunk = pending.pop(fut)
                for (r, p), out in zip(chunk, fut.result(), strict=False):
                    if "error" in out:
                        raise located(out["error"], p, r) from None
                    if out["version"] != store.manifest["package_version"]:
                        # A cluster worker with another install would mix versions.
                        raise ConfigError(
                            _(
                                "a worker runs yingji {worker}, this process {here}; "
                                "install the same version on every worker"
                            ).format(worker=out["version"], here=store.manifest["package_version"]),
                            key="--dask",
                        )
                    store.save(
                        p,
                        r,
                        summary=out["summary"],
                        records=out["records"],
                        elapsed_s=out["elapsed_s"],
                    )
                    bar.advance(p.index)
            top_up()
    finally:
        for fut in pending:
            fut.cancel()
        release(pool, ship)  # the workers remove this run's input files
