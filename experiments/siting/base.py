"""What every location model shares: input checks, construction, result attributes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, ClassVar, Self

import numpy as np

from experiments.siting.errors import SitingError
from networks.i18n import _


def as_times(times: Any, *, what: str = "times") -> np.ndarray:
    """Validate a travel-time matrix and return it as float64 (``inf`` = unreachable)."""
    arr = np.asarray(times, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise SitingError(
            _("{name} must be a non-empty 2-d matrix, got shape {shape}").format(
                name=what, shape=arr.shape
            )
        )
    if np.isnan(arr).any():
        raise SitingError(_("{name} contains NaN; use inf for unreachable pairs").format(name=what))
    if (arr < 0).any():
        raise SitingError(_("{name} contains negative travel times").format(name=what))
    return arr


#: Matrix entries per block of rows worked on at once (64 MB of float64).
BLOCK_ENTRIES = 1 << 23


def columns_float64(times: np.ndarray, cols: np.ndarray, *, order: str = "C") -> np.ndarray:
    """``times[:, cols]`` as float64, copied a block of rows at a time.

    The values of ``np.asarray(times[:, cols], dtype=np.float64)`` without the
    full-size copy in ``times``' own dtype between (0.9 GB of float32 for a
    thousand candidates over a city's every node).

    Parameters
    ----------
    times
        ``(rows, n)`` matrix.
    cols
        Column indices.
    order
        Memory layout of the result, ``"C"`` or ``"F"`` (``times[:, cols]`` of a
        C-ordered ``times`` is F-ordered: ask for ``"F"`` where later arithmetic,
        a matrix product say, must see the layout it always saw).

    Returns
    -------
    numpy.ndarray
        float64 ``(rows, len(cols))``.
    """
    cols = np.asarray(cols, dtype=np.int64)
    out = np.empty((times.shape[0], cols.size), order=order)
    step = max(1, BLOCK_ENTRIES // max(cols.size, 1))
    for lo in range(0, times.shape[0], step):
        out[lo : lo + step] = times[lo : lo + step][:, cols]
    return out


def as_weights(weights: Any, n: int) -> np.ndarray:
    """Validate demand weights (default: all ones)."""
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != (n,):
        raise SitingError(
            _("weights must have one value per demand point ({n}), got {got}").format(
                n=n, got=w.size
            )
        )
    if not np.isfinite(w).all() or (w < 0).any():
        raise SitingError(_("weights must be finite and non-negative"))
    return w


def as_fixed(fixed: Sequence[int] | np.ndarray, m: int) -> np.ndarray:
    """Validate the candidate positions that must stay open."""
    f = np.unique(np.asarray(fixed, dtype=np.int64).ravel())
    if f.size and (f.min() < 0 or f.max() >= m):
        raise SitingError(
            _("fixed sites must be candidate positions in 0..{last}").format(last=m - 1)
        )
    return f


def check_p(p: int, m: int, n_fixed: int, *, name: str = "p") -> int:
    """Validate a number of sites against the candidates and the fixed sites."""
    if int(p) != p or p < 1:
        raise SitingError(
            _("{name} must be a positive integer, got {value!r}").format(name=name, value=p)
        )
    p = int(p)
    if p > m:
        raise SitingError(
            _("{name}={p} exceeds the {m} candidate sites").format(name=name, p=p, m=m)
        )
    if n_fixed > p:
        raise SitingError(_("{n} fixed sites exceed {name}={p}").format(n=n_fixed, name=name, p=p))
    return p


def relative_gap(objective: float, bound: float, *, maximise: bool) -> float:
    """Relative optimality gap ``|objective - bound| / |objective|`` (0 when proven)."""
    if not np.isfinite(bound) or not np.isfinite(objective):
        return float("inf")
    diff = (bound - objective) if maximise else (objective - bound)
    return max(0.0, float(diff)) / max(abs(float(objective)), 1e-12)


class LocationModel:
    """Base of the location models: a demand x candidate travel-time matrix and options.

    Parameters
    ----------
    times
        Travel seconds, shape ``(n_demand, n_candidates)``: ``times[i, j]`` is the
        time from candidate ``j`` to demand point ``i`` (``inf`` = unreachable).
    weights
        Demand at each point (default 1 each).
    fixed
        Candidate positions (columns of ``times``) that are open already.
    time_limit
        Seconds the solver may spend; ``None`` for no limit. When it runs out the
        best solution found is reported with ``status_ == "time_limit"`` and an
        honest ``gap_``.
    mip_rel_gap
        Relative gap at which the solver may stop (0 proves optimality).

    Attributes
    ----------
    selected_
        Sorted candidate positions of the open sites (fixed ones included).
    objective_
        The model's objective at ``selected_``.
    bound_
        The best proven bound on the optimum.
    gap_
        Relative optimality gap between ``objective_`` and ``bound_``.
    status_
        ``"optimal"``, ``"time_limit"``, or (p-median) ``"too_large"``: the
        exact model would not finish in the time left, so it was not started.
    assignment_
        For each demand point, the candidate position that serves it (the nearest
        open site unless the model assigns otherwise; -1 if none can reach it).
    solve_time_
        Wall seconds of :meth:`solve`, reductions and heuristics included.
    reduction_
        Sizes of the problem before and after the exact reductions.
    """

    maximise: ClassVar[bool] = False

    def __init__(
        self,
        times: Any,
        *,
        weights: Any = None,
        fixed: Sequence[int] | np.ndarray = (),
        time_limit: float | None = None,
        mip_rel_gap: float = 0.0,
    ) -> None:
        self.times = as_times(times)
        self.n_demand, self.n_candidates = self.times.shape
        self.weights = as_weights(weights, self.n_demand)
        self.fixed = as_fixed(fixed, self.n_candidates)
        if time_limit is not None and not time_limit > 0:
            raise SitingError(
                _("time_limit must be positive seconds, got {value!r}").format(value=time_limit)
            )
        if not 0 <= mip_rel_gap < 1:
            raise SitingError(
                _("mip_rel_gap must be in [0, 1), got {value!r}").format(value=mip_rel_gap)
            )
        self.time_limit = None if time_limit is None else float(time_limit)
        self.mip_rel_gap = float(mip_rel_gap)
        self.demand_nodes: np.ndarray | None = None
        self.candidate_nodes: np.ndarray | None = None
        self.network: Any = None

    # ------------------------------------------------------------ construction
    @classmethod
    def from_matrix(cls, times: Any, **kwargs: Any) -> Self:
        """Build the model from a ``(n_demand, n_candidates)`` travel-time matrix.

        Parameters
        ----------
        times
            Travel seconds from each candidate (column) to each demand point (row).
        **kwargs
            The model's other parameters (see the class docstring).

        Returns
        -------
        LocationModel
            The unsolved model.
        """
        return cls(times, **kwargs)

    @classmethod
    def _network_limit(cls, kwargs: dict[str, Any]) -> float | None:
        """Dijkstra cutoff that loses nothing for this model (``None``: search all)."""
        return None

    @classmethod
    def from_network(
        cls,
        network: Any,
        demand_nodes: Sequence[int] | np.ndarray,
        weights: Any,
        candidate_nodes: Sequence[int] | np.ndarray,
        *,
        fixed: Sequence[int] | np.ndarray = (),
        **kwargs: Any,
    ) -> Self:
        """Build the model from a road network, demand nodes and candidate nodes.

        Travel times run from each candidate to every node (forward Dijkstra from
        the candidates, one call for all of them), since a response goes from the
        site to the demand. Covering models search only up to their standard, so
        their ``times`` read ``inf`` beyond it.

        Parameters
        ----------
        network
            A :class:`networks.RoadNetwork` (any state, e.g. under disruptions).
        demand_nodes
            Node indices of the demand points.
        weights
            Demand at each demand node (``None`` for 1 each).
        candidate_nodes
            Node indices of the candidate sites (distinct).
        fixed
            Node indices (among ``candidate_nodes``) of sites that are open already.
        **kwargs
            The model's other parameters (see the class docstring).

        Returns
        -------
        LocationModel
            The unsolved model; ``demand_nodes``, ``candidate_nodes`` and
            ``network`` are kept.
        """
        dem = np.asarray(demand_nodes, dtype=np.int64).ravel()
        cand = np.asarray(candidate_nodes, dtype=np.int64).ravel()
        if np.unique(cand).size != cand.size:
            raise SitingError(_("candidate_nodes must be distinct"))
        n_nodes = network.n_nodes
        for name, arr in (("demand_nodes", dem), ("candidate_nodes", cand)):
            if arr.size == 0 or arr.min() < 0 or arr.max() >= n_nodes:
                raise SitingError(
                    _("{name} must be node indices in 0..{last}").format(
                        name=name, last=n_nodes - 1
                    )
                )
        fixed_nodes = np.asarray(fixed, dtype=np.int64).ravel()
        pos = {int(v): k for k, v in enumerate(cand)}
        missing = [int(v) for v in fixed_nodes if int(v) not in pos]
        if missing:
            raise SitingError(
                _("fixed sites {nodes} are not among candidate_nodes").format(nodes=missing[:10])
            )
        tt = network.travel_times(cand, limit=cls._network_limit(kwargs))
        # F-ordered as tt[:, dem] always was, so that .T is C-ordered and products round alike.
        times = columns_float64(tt, dem, order="F").T
        model = cls(times, weights=weights, fixed=[pos[int(v)] for v in fixed_nodes], **kwargs)
        model.demand_nodes = dem
        model.candidate_nodes = cand
        model.network = network  # to name demand points as places in errors
        return model

    # ----------------------------------------------------------------- solving
    def solve(self) -> Self:
        """Solve the model; results go into the attributes ending in ``_``.

        Returns
        -------
        LocationModel
            ``self``, solved.

        Raises
        ------
        InfeasibleError
            If no choice of sites satisfies the constraints.
        """
        t0 = time.perf_counter()
        self.reduction_: dict[str, int] = {}
        self._solve(t0)
        self.solve_time_ = time.perf_counter() - t0
        return self

    def _solve(self, t0: float) -> None:
        raise NotImplementedError

    def _remaining(self, t0: float) -> float | None:
        """Seconds left of ``time_limit`` (``None`` if unlimited)."""
        if self.time_limit is None:
            return None
        return self.time_limit - (time.perf_counter() - t0)

    def _finish(self, selected: np.ndarray, objective: float, bound: float, status: str) -> None:
        """Store the common result attributes."""
        self.selected_ = np.unique(np.asarray(selected, dtype=np.int64))
        self.objective_ = float(objective)
        if status == "optimal":
            bound = objective
        self.bound_ = float(bound)
        self.status_ = status
        self.gap_ = relative_gap(self.objective_, self.bound_, maximise=self.maximise)
        self.assignment_ = self.nearest(self.selected_)

    def nearest(self, selected: np.ndarray) -> np.ndarray:
        """Nearest of ``selected`` for each demand point (-1 where none reaches it)."""
        selected = np.asarray(selected, dtype=np.int64)
        if selected.size == 0:
            return np.full(self.n_demand, -1, dtype=np.int64)
        sub = self.times[:, selected]
        best = np.argmin(sub, axis=1)
        out = selected[best]
        out[~np.isfinite(sub[np.arange(self.n_demand), best])] = -1
        return out

    @property
    def selected_nodes_(self) -> np.ndarray:
        """Node indices of the open sites (models built with :meth:`from_network`)."""
        if self.candidate_nodes is None:
            raise SitingError(_("the model was built from a matrix; use selected_"))
        return self.candidate_nodes[self.selected_]

    def _describe_demand(self, idx: np.ndarray) -> str:
        """Name demand points: as places on the network, else up to ten demand rows.

        Node indices mean nothing to a planner, so a model built from a network
        names the nearest landmarks and coordinates
        (:func:`experiments.siting.demand_places.demand_places_text`).
        """
        idx = np.asarray(idx, dtype=np.int64)
        if self.network is not None and self.demand_nodes is not None:
            from experiments.siting.demand_places import demand_places_text

            return demand_places_text(self.network, self.demand_nodes[idx])
        text = (
            _("{n} demand points (demand rows {shown} and {more} more)")
            if idx.size > 10
            else _("{n} demand points (demand rows {shown})")
        )
        return text.format(n=idx.size, shown=idx[:10].tolist(), more=idx.size - 10)
