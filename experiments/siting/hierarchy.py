"""The supply hierarchy: township depots (and village points) under fixed upper depots."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
from scipy import sparse

from experiments.metric_units import share_text
from experiments.siting._milp import run_milp
from experiments.siting.base import (
    as_fixed,
    as_times,
    as_weights,
    check_p,
    columns_float64,
    relative_gap,
)
from experiments.siting.errors import InfeasibleError, SitingError
from experiments.siting.supply_routes import Routes, supply_routes
from networks.i18n import _


def _shape(arr: Any, rows: int, cols: int, name: str) -> np.ndarray:
    t = as_times(arr, what=name)
    if t.shape != (rows, cols):
        raise SitingError(
            _("{name} must have shape ({rows}, {cols}), got {shape}").format(
                name=name, rows=rows, cols=cols, shape=t.shape
            )
        )
    return t


class SupplyHierarchy:
    r"""Choose township depots and village points under fixed county and city depots.

    Goods reach demand point :math:`i` along one of these routes (the fastest open
    one is used):

    * straight from the nearest upper-tier (county or city) depot, time :math:`t_U(i)`;
    * from township depot :math:`j`, itself stocked from the nearest upper depot:
      :math:`\beta a_j + t(j, i)` with :math:`a_j = \min_u t(u, j)`;
    * from village point :math:`v` stocked from an upper depot or from an open
      township depot :math:`j`: :math:`\beta b_v + t(v, i)` or
      :math:`\beta (a_j + t(j, v)) + t(v, i)`, :math:`b_v = \min_u t(u, v)`.

    :math:`\beta` (``upstream_weight``) weighs the restocking legs: 1 counts the
    whole chain, 0 only the last leg (stock pre-positioned, so a depot the upper
    tier cannot reach still delivers: its restocking leg costs 0, not
    :math:`0 \cdot \infty`). With route
    variables :math:`s_{ir} \in [0, 1]` (a share of :math:`i` sent by route
    :math:`r` instead of straight from the upper tier), :math:`x_j, y_v \in \{0, 1\}`:

    .. math::

        \min \sum_i w_i \Big(t_U(i) - \sum_r (t_U(i) - c_{ir}) s_{ir}\Big)
        \quad \text{s.t.} \quad \sum_r s_{ir} \le 1, \quad
        \sum_{r \ni f} s_{ir} \le x_f \;\; \forall i, f,

    .. math::

        \sum_i w_i \Big([t_U(i) \le S](1 - \textstyle\sum_r s_{ir})
        + \sum_{r: c_{ir} \le S} s_{ir}\Big) \ge \alpha \sum_i w_i, \qquad
        \sum_j x_j = p_T, \quad \sum_v y_v = p_V

    where :math:`f` ranges over the township depots and village points a route
    passes through. For integer :math:`x, y` the fastest open route is optimal for
    both the time and the coverage (a route within the standard is faster than
    any outside it), so :math:`s` may be continuous. Routes no faster than the
    upper tier, and village routes through a township no faster than the same
    village stocked from the upper tier, are dropped before the MILP (exact).

    Parameters
    ----------
    upper_to_demand, upper_to_township, township_to_demand
        Travel seconds, shapes ``(U, I)``, ``(U, J)``, ``(J, I)`` (from, to).
    weights
        Demand at each of the ``I`` points (default 1 each).
    p_township
        Township depots to open (fixed ones included).
    standard
        Delivery-time standard :math:`S`, seconds.
    min_coverage
        :math:`\alpha`: share of demand weight to deliver within the standard.
    fixed_townships
        Township candidate positions open already.
    upper_to_village, township_to_village, village_to_demand
        Shapes ``(U, V)``, ``(J, V)``, ``(V, I)``, to also choose village points.
    p_village
        Village points to open (fixed ones included).
    fixed_villages
        Village candidate positions open already.
    upstream_weight
        :math:`\beta` in ``[0, 1]``.
    time_limit, mip_rel_gap
        As for :class:`~experiments.siting.base.LocationModel`.

    Attributes
    ----------
    selected_townships_, selected_villages_
        Sorted positions of the open township depots and village points.
    objective_
        Demand-weighted delivery time.
    delivery_time_
        Delivery time of each demand point.
    via_township_, via_village_
        The township depot and village point each point is served through (-1: none).
    coverage_
        Share of demand weight delivered within the standard.
    bound_, gap_, status_, solve_time_
        As for the other models.
    """

    maximise = False

    def __init__(
        self,
        upper_to_demand: Any,
        upper_to_township: Any,
        township_to_demand: Any,
        *,
        p_township: int,
        standard: float,
        weights: Any = None,
        min_coverage: float = 1.0,
        fixed_townships: Sequence[int] | np.ndarray = (),
        upper_to_village: Any = None,
        township_to_village: Any = None,
        village_to_demand: Any = None,
        p_village: int = 0,
        fixed_villages: Sequence[int] | np.ndarray = (),
        upstream_weight: float = 1.0,
        time_limit: float | None = None,
        mip_rel_gap: float = 0.0,
    ) -> None:
        ud = as_times(upper_to_demand, what="upper_to_demand")
        n_u, n_i = ud.shape
        ut = as_times(upper_to_township, what="upper_to_township")
        n_j = ut.shape[1]
        self.upper_to_demand = ud
        self.upper_to_township = _shape(ut, n_u, n_j, "upper_to_township")
        self.township_to_demand = _shape(township_to_demand, n_j, n_i, "township_to_demand")
        village = (upper_to_village, township_to_village, village_to_demand)
        if any(v is not None for v in village) and not all(v is not None for v in village):
            raise SitingError(
                _("village points need upper_to_village, township_to_village and village_to_demand")
            )
        if upper_to_village is not None:
            uv = as_times(upper_to_village, what="upper_to_village")
            n_v = uv.shape[1]
            self.upper_to_village = _shape(uv, n_u, n_v, "upper_to_village")
            self.township_to_village = _shape(township_to_village, n_j, n_v, "township_to_village")
            self.village_to_demand = _shape(village_to_demand, n_v, n_i, "village_to_demand")
        else:
            n_v = 0
            self.upper_to_village = np.zeros((n_u, 0))
            self.township_to_village = np.zeros((n_j, 0))
            self.village_to_demand = np.zeros((0, n_i))
        self.n_upper, self.n_demand, self.n_township, self.n_village = n_u, n_i, n_j, n_v
        self.weights = as_weights(weights, n_i)
        self.fixed_townships = as_fixed(fixed_townships, n_j)
        self.fixed_villages = as_fixed(fixed_villages, max(n_v, 1)) if n_v else as_fixed((), 1)
        self.p_township = check_p(p_township, n_j, self.fixed_townships.size, name="p_township")
        if p_village:
            self.p_village = check_p(p_village, n_v, self.fixed_villages.size, name="p_village")
        elif self.fixed_villages.size:
            raise SitingError(_("fixed village points exceed p_village=0"))
        else:
            self.p_village = 0
        self.standard = float(standard)
        if not np.isfinite(self.standard) or self.standard < 0:
            raise SitingError(
                _("standard must be finite, non-negative seconds, got {value!r}").format(
                    value=standard
                )
            )
        if not 0 <= min_coverage <= 1:
            raise SitingError(
                _("min_coverage must be in [0, 1], got {value!r}").format(value=min_coverage)
            )
        self.min_coverage = float(min_coverage)
        if not 0 <= upstream_weight <= 1:
            raise SitingError(
                _("upstream_weight must be in [0, 1], got {value!r}").format(value=upstream_weight)
            )
        self.upstream_weight = float(upstream_weight)
        if time_limit is not None and not time_limit > 0:
            raise SitingError(
                _("time_limit must be positive seconds, got {value!r}").format(value=time_limit)
            )
        self.time_limit = time_limit
        self.mip_rel_gap = float(mip_rel_gap)
        self.demand_nodes: np.ndarray | None = None
        self.township_nodes: np.ndarray | None = None
        self.village_nodes: np.ndarray | None = None

    @classmethod
    def from_matrix(cls, *args: Any, **kwargs: Any) -> Self:
        """Build from travel-time matrices (see the class docstring for their shapes)."""
        return cls(*args, **kwargs)

    @classmethod
    def from_network(
        cls,
        network: Any,
        demand_nodes: Sequence[int] | np.ndarray,
        weights: Any,
        township_nodes: Sequence[int] | np.ndarray,
        upper_nodes: Sequence[int] | np.ndarray,
        *,
        village_nodes: Sequence[int] | np.ndarray | None = None,
        fixed_townships: Sequence[int] | np.ndarray = (),
        fixed_villages: Sequence[int] | np.ndarray = (),
        **kwargs: Any,
    ) -> Self:
        """Build from a road network: forward travel times from each tier's nodes.

        Parameters
        ----------
        network
            A :class:`networks.RoadNetwork`.
        demand_nodes, weights
            Demand points and their demand.
        township_nodes
            Candidate township depot nodes.
        upper_nodes
            Fixed county and city depot nodes.
        village_nodes
            Candidate village point nodes, if village points are chosen too.
        fixed_townships, fixed_villages
            Nodes (among the candidates) open already.
        **kwargs
            Other parameters of the class.

        Returns
        -------
        SupplyHierarchy
            The unsolved model.
        """
        dem = np.asarray(demand_nodes, dtype=np.int64)
        tn = np.asarray(township_nodes, dtype=np.int64)
        un = np.asarray(upper_nodes, dtype=np.int64)
        vn = None if village_nodes is None else np.asarray(village_nodes, dtype=np.int64)

        def positions(nodes: Any, cands: np.ndarray, what: str) -> list[int]:
            pos = {int(v): k for k, v in enumerate(cands)}
            out = []
            for v in np.asarray(nodes, dtype=np.int64).ravel():
                if int(v) not in pos:
                    message = (
                        _("fixed village node {node} is not a candidate")
                        if what == "village"
                        else _("fixed township node {node} is not a candidate")
                    )
                    raise SitingError(message.format(node=int(v)))
                out.append(pos[int(v)])
            return out

        tu = network.travel_times(un)
        tt = network.travel_times(tn)
        extra: dict[str, Any] = {}
        if vn is not None:
            tv = network.travel_times(vn)
            extra = dict(
                upper_to_village=tu[:, vn],
                township_to_village=tt[:, vn],
                village_to_demand=columns_float64(tv, dem),
                fixed_villages=positions(fixed_villages, vn, "village"),
            )
        model = cls(
            tu[:, dem],
            tu[:, tn],
            columns_float64(tt, dem),
            weights=weights,
            fixed_townships=positions(fixed_townships, tn, "township"),
            **extra,
            **kwargs,
        )
        model.demand_nodes, model.township_nodes, model.village_nodes = dem, tn, vn
        return model

    @property
    def selected_township_nodes_(self) -> np.ndarray:
        """Node indices of the open township depots (models built from a network)."""
        if self.township_nodes is None:
            raise SitingError(_("the model was built from matrices; use selected_townships_"))
        return self.township_nodes[self.selected_townships_]

    @property
    def selected_village_nodes_(self) -> np.ndarray:
        """Node indices of the open village points (models built from a network)."""
        if self.village_nodes is None:
            raise SitingError(_("the model has no village nodes; use selected_villages_"))
        return self.village_nodes[self.selected_villages_]

    # ----------------------------------------------------------------- routes
    def _routes(self) -> Routes:
        """Every route worth having (:func:`~experiments.siting.supply_routes.supply_routes`).

        Worked out once per model (solving, evaluating and the search for the
        fewest moves all ask), again when a matrix is replaced by another array
        or the upstream weight changes. The matrices are read, not copied:
        change one by assigning a new array, not by writing into it.
        """
        mats = (
            self.upper_to_demand, self.upper_to_township, self.township_to_demand,
            self.upper_to_village, self.township_to_village, self.village_to_demand,
        )  # fmt: skip
        hit = getattr(self, "_routes_kept", None)
        if (
            hit is not None
            and hit[1] == self.upstream_weight
            and all(x is y for x, y in zip(hit[0], mats, strict=True))
        ):
            return hit[2]
        routes = supply_routes(self)
        for col in routes:
            col.flags.writeable = False
        # The arrays themselves are kept, so a new one can never come back under an old id
        # (a replaced matrix stays in memory until the next ask).
        self._routes_kept = (mats, self.upstream_weight, routes)
        return routes

    def evaluate(
        self, townships: np.ndarray, villages: np.ndarray = ()
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Delivery time and route of every demand point for given open sites.

        Returns
        -------
        time, via_township, via_village
            Per demand point; -1 where the route skips that tier.
        """
        ri, rj, rv, rt = self._routes()
        t_open = np.zeros(self.n_township, dtype=bool)
        t_open[np.asarray(townships, dtype=np.int64)] = True
        v_open = np.zeros(max(self.n_village, 1), dtype=bool)
        v_open[np.asarray(villages, dtype=np.int64)] = True
        ok = ((rj < 0) | t_open[np.maximum(rj, 0)]) & ((rv < 0) | v_open[np.maximum(rv, 0)])
        best = self.upper_to_demand.min(axis=0).copy()
        via_t = np.full(self.n_demand, -1, dtype=np.int64)
        via_v = np.full(self.n_demand, -1, dtype=np.int64)
        order = np.flatnonzero(ok)[np.argsort(-rt[ok], kind="stable")]
        # Write slowest first so each point ends with its fastest open route.
        better = rt[order] < best[ri[order]]
        order = order[better]
        best_t = best.copy()
        np.minimum.at(best_t, ri[order], rt[order])
        winner = order[rt[order] == best_t[ri[order]]]
        via_t[ri[winner]] = rj[winner]
        via_v[ri[winner]] = rv[winner]
        return best_t, via_t, via_v

    # ---------------------------------------------------------------- solving
    def solve(self) -> Self:
        """Solve; results go into the attributes ending in ``_``.

        Returns
        -------
        SupplyHierarchy
            ``self``, solved.

        Raises
        ------
        InfeasibleError
            If the coverage target cannot be met with ``p_township`` depots and
            ``p_village`` points.
        """
        t0 = time.perf_counter()
        n_i, n_j, n_v = self.n_demand, self.n_township, self.n_village
        w, s_std = self.weights, self.standard
        direct = self.upper_to_demand.min(axis=0)
        if not np.isfinite(direct[w > 0]).all():
            bad = np.flatnonzero((w > 0) & ~np.isfinite(direct))
            raise InfeasibleError(
                _(
                    "supply hierarchy: {n} demand points (rows {rows}) cannot be reached from "
                    "any upper-tier depot"
                ).format(n=bad.size, rows=bad[:10].tolist())
            )
        ri, rj, rv, rt = self._routes()
        keep = w[ri] > 0
        ri, rj, rv, rt = ri[keep], rj[keep], rv[keep], rt[keep]
        n_r = ri.size
        # Variables: x (townships), y (villages), s (routes).
        n_x = n_j + n_v
        c = np.concatenate([np.zeros(n_x), w[ri] * (rt - direct[ri])])
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        lo: list[np.ndarray] = []
        hi: list[np.ndarray] = []
        n_rows = 0
        # One route at most per demand point.
        rows.append(ri.copy())
        cols.append(n_x + np.arange(n_r))
        vals.append(np.ones(n_r))
        lo.append(np.full(n_i, -np.inf))
        hi.append(np.ones(n_i))
        n_rows += n_i
        # Routes through facility f only if f is open, per (demand, facility) pair.
        for fac, offset in ((rj, 0), (rv, n_j)):
            use = np.flatnonzero(fac >= 0)
            pair, inv = np.unique(ri[use] * (n_j + n_v + 1) + fac[use], return_inverse=True)
            k = pair.size
            rows += [n_rows + inv, n_rows + np.arange(k)]
            cols += [n_x + use, offset + pair % (n_j + n_v + 1)]
            vals += [np.ones(use.size), -np.ones(k)]
            lo.append(np.full(k, -np.inf))
            hi.append(np.zeros(k))
            n_rows += k
        # Coverage within the standard.
        total = float(w.sum())
        covered = float(w[direct <= s_std].sum())
        gain = w[ri] * ((rt <= s_std).astype(float) - (direct[ri] <= s_std))
        rows.append(np.full(n_r, n_rows))
        cols.append(n_x + np.arange(n_r))
        vals.append(gain)
        lo.append(np.array([self.min_coverage * total - covered - 1e-9 * max(total, 1.0)]))
        hi.append(np.array([np.inf]))
        n_rows += 1
        # Budgets.
        for count, offset, size in ((self.p_township, 0, n_j), (self.p_village, n_j, n_v)):
            rows.append(np.full(size, n_rows))
            cols.append(offset + np.arange(size))
            vals.append(np.ones(size))
            lo.append(np.array([count]))
            hi.append(np.array([count]))
            n_rows += 1
        a = sparse.csr_array(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n_rows, n_x + n_r),
        )
        lb = np.zeros(n_x + n_r)
        lb[self.fixed_townships] = 1.0
        lb[n_j + self.fixed_villages[self.fixed_villages < n_v]] = 1.0
        remaining = (
            None if self.time_limit is None else self.time_limit - (time.perf_counter() - t0)
        )
        out = run_milp(
            c,
            integrality=np.concatenate([np.ones(n_x), np.zeros(n_r)]),
            lb=lb,
            ub=np.ones(n_x + n_r),
            a=a,
            row_lo=np.concatenate(lo),
            row_hi=np.concatenate(hi),
            time_limit=remaining,
            mip_rel_gap=self.mip_rel_gap,
        )
        if out.status == "infeasible":
            everything = self.evaluate(np.arange(n_j), np.arange(n_v))[0]
            best = float(w[everything <= s_std].sum()) / total if total > 0 else 1.0
            raise InfeasibleError(
                _(
                    "supply hierarchy infeasible: {share} of demand within {minutes} min cannot be "
                    "reached with {townships} township depots and {villages} village points "
                    "(with every candidate open: {best})"
                ).format(
                    share=share_text(self.min_coverage),
                    minutes=f"{round(s_std / 60.0, 2):g}",
                    townships=self.p_township,
                    villages=self.p_village,
                    best=share_text(best),
                )
            )
        if out.x is None:
            raise SitingError(
                _("supply hierarchy found no solution within {seconds} s; raise time_limit").format(
                    seconds=f"{self.time_limit:g}"
                )
            )
        self.selected_townships_ = np.flatnonzero(out.x[:n_j] > 0.5)
        self.selected_villages_ = np.flatnonzero(out.x[n_j:n_x] > 0.5)
        t, via_t, via_v = self.evaluate(self.selected_townships_, self.selected_villages_)
        constant = float(w[w > 0] @ direct[w > 0])
        self.delivery_time_, self.via_township_, self.via_village_ = t, via_t, via_v
        self.objective_ = float(w[w > 0] @ t[w > 0])
        self.status_ = out.status
        self.bound_ = self.objective_ if out.status == "optimal" else out.bound + constant
        self.gap_ = relative_gap(self.objective_, self.bound_, maximise=False)
        self.coverage_ = float(w[t <= s_std].sum()) / total if total > 0 else 1.0
        self.mean_time_ = self.objective_ / total if total > 0 else 0.0
        self.solve_time_ = time.perf_counter() - t0
        return self
