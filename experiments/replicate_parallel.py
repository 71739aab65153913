"""The replications of one run config, on any executor, in replication order.

``yingji run --workers N`` and ``yingji site --evaluate R --workers N`` hand
their replications to :func:`run_replications` or :func:`run_paired`. Each
replication draws from its own branch of the seed tree
(:func:`experiments.runner.replication_seeds`), so where it runs (in this
process, in local worker processes, on a Dask cluster) and in which order it
finishes never change what it returns; results are put back in replication
order before they are returned. Workers send back each replication's full
:class:`experiments.runner.ReplicationResult`, records included (picklable
dataclasses of numpy arrays). Dask workers get the config's input files from
this process (:mod:`experiments.task_inputs`): they need not see its disk.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, replace
from typing import Any, TextIO

from experiments.batch import Progress, _clock
from experiments.design import package_version
from experiments.executors import DEFAULT_START_METHOD, ExecutorPlan, open_executor, plan_executor
from experiments.runner import ReplicationResult
from experiments.task_inputs import release, shipper, submit
from networks import i18n
from networks.errors import ConfigError
from networks.i18n import _
from networks.seeds import SeedLike, as_root_seed
from sim.policy_checks import PolicyError

__all__ = ["ReplicationProgress", "run_paired", "run_replications"]


@dataclass
class ReplicationProgress(Progress):
    """Replications done, with an ETA, on one stderr line (no design points to count).

    Quiet unless ``enabled`` (by default: when the stream is a terminal).
    """

    def line(self, elapsed: float) -> str:
        """The progress text after ``elapsed`` seconds."""
        width = 24
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(round(width * frac))
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        text = _("{done}/{total} replications, {elapsed} elapsed, ETA {eta}").format(
            done=self.done, total=self.total, elapsed=_clock(elapsed), eta=_clock(eta)
        )
        return f"[{bar:<{width}}] {text} "


def replicate_task(
    config: Any, replication: int, root_seed: int | None, region: Any, language: str
) -> tuple[ReplicationResult, str]:
    """One replication as a worker runs it, with the worker's yingji version.

    Module-level so that process pools and Dask pickle it by reference. A worker
    speaks ``language`` (the run's), so its errors read as the run's do.
    """
    from experiments.runner import run_replication

    with i18n.language(language):
        result = run_replication(
            config, replication=replication, root_seed=root_seed, region=region
        )
    return result, package_version()


def run_replications(
    config: Any,
    *,
    replications: int | None = None,
    seed: SeedLike = None,
    region: Any = None,
    workers: int = 1,
    dask: str | None = None,
    executor: Executor | None = None,
    start_method: str = DEFAULT_START_METHOD,
    progress: bool | None = None,
    stream: TextIO | None = None,
) -> list[ReplicationResult]:
    """Run the replications of a config, in parallel if asked, in replication order.

    Parameters
    ----------
    config
        The validated :class:`experiments.config.RunConfig`.
    replications
        How many (the config's ``run.replications`` if ``None``).
    seed
        Root of the seed tree: an int, or a Generator or SeedSequence made an
        int once (:func:`networks.seeds.as_root_seed`); the config's ``run.seed``
        if ``None``.
    region
        Region to run on instead of the config's (sent to every worker); ``None``:
        each worker builds the config's own.
    workers
        Local worker processes (1: serial in this process).
    dask
        ``tcp://HOST:PORT`` of a Dask scheduler, or ``local:N`` for a local cluster.
    executor
        An already open executor to use instead (``workers``/``dask`` then unused).
    start_method
        Start method of local worker processes.
    progress
        Show a progress line on stderr; by default only when stderr is a terminal.
    stream
        Where the progress line goes (stderr by default).

    Returns
    -------
    list of ReplicationResult
        Replication ``r`` at index ``r``, the same for any executor.
    """
    n = config.replications if replications is None else replications
    return run_paired(
        config,
        [region],
        replications=n,
        seed=seed,
        workers=workers,
        dask=dask,
        executor=executor,
        start_method=start_method,
        progress=progress,
        stream=stream,
    )[0]


def run_paired(
    config: Any,
    regions: Sequence[Any],
    *,
    replications: int,
    seed: SeedLike = None,
    workers: int = 1,
    dask: str | None = None,
    executor: Executor | None = None,
    start_method: str = DEFAULT_START_METHOD,
    progress: bool | None = None,
    stream: TextIO | None = None,
) -> list[list[ReplicationResult]]:
    """Replications ``0 .. replications - 1`` of a config on each of several regions.

    Replication ``r`` of every region draws the same incidents and response
    times (common random numbers). Tasks are submitted replication-major.
    Other parameters as in :func:`run_replications`.

    Returns
    -------
    list of list of ReplicationResult
        ``out[i][r]``: replication ``r`` on ``regions[i]``.
    """
    plan = (
        ExecutorPlan(kind="given")
        if executor is not None
        else plan_executor(workers=workers, dask=dask, start_method=start_method)
    )
    seed = as_root_seed(seed, default=config.seed)  # once: a Generator is drawn from once
    todo = [(r, i) for r in range(replications) for i in range(len(regions))]
    out: dict[tuple[int, int], ReplicationResult] = {}
    bar = ReplicationProgress(
        total=len(todo),
        points=len(regions),
        per_point=dict.fromkeys(range(len(regions)), replications),
        stream=stream or sys.stderr,
        enabled=progress,
    )
    args = (config, seed, regions, todo, out, bar)
    try:
        if not todo:
            pass
        elif executor is not None:
            _drain(executor, 2, *args)
        else:
            if plan.kind == "processes" and len(todo) < plan.workers:
                plan = replace(plan, workers=len(todo))  # no idle workers to start
            with open_executor(plan) as (pool, parallel):
                _drain(pool, parallel, *args)
    finally:
        bar.close()
    return [[out[(r, i)] for r in range(replications)] for i in range(len(regions))]


def _drain(
    pool: Executor,
    parallel: int,
    config: Any,
    seed: int | None,
    regions: Sequence[Any],
    todo: list[tuple[int, int]],
    out: dict[tuple[int, int], ReplicationResult],
    bar: Progress,
) -> None:
    """Keep about ``2 * parallel`` tasks in flight; collect each result as it arrives."""
    window = max(2 * parallel, 2)
    queue = iter(todo)
    pending: dict[Future, tuple[int, int]] = {}
    language = i18n.get_language()
    here = package_version()
    # A Dask cluster gets the input files; the road file only if a worker builds a region.
    ship = shipper(pool, [config], network=any(region is None for region in regions))

    def top_up() -> None:
        while len(pending) < window:
            item = next(queue, None)
            if item is None:
                return
            r, i = item
            fut = submit(pool, ship, replicate_task, config, r, seed, regions[i], language)
            pending[fut] = item

    top_up()
    try:
        while pending:
            finished, _running = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: pending[f]):
                item = pending.pop(fut)
                try:
                    result, version = fut.result()
                except PolicyError as exc:  # the minute it names is of one replication's run
                    raise PolicyError(
                        _("replication {replication}: {error}").format(
                            replication=item[0], error=exc
                        )
                    ) from exc
                if version != here:
                    # A cluster worker with another install could return other results.
                    raise ConfigError(
                        _(
                            "a worker runs yingji {worker}, this process {here}; "
                            "install the same version on every worker"
                        ).format(worker=version, here=here),
                        key="--dask",
                    )
                out[item] = result
                bar.advance(item[1])
            top_up()
    finally:
        for fut in pending:
            fut.cancel()
        release(pool, ship)  # the workers remove this run's input files
