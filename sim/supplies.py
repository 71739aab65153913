"""Depots and supplies: draws at call taken, escalation up the parent chain, reorders.

A request's supplies are drawn at call taken from the nearest depot (by road)
that has the item, else the nearest that carries it; what that depot cannot
give escalates up the parent chain (village -> township -> county -> city),
past any depot the roads cut off from the scene.
Every draw reorders the depot's deficit from its parent, which arrives after
the depot's lead time. Movements and stock-outs are recorded as rows
(:data:`~sim.records.SUPPLY_COLUMNS`, :data:`~sim.records.STOCKOUT_COLUMNS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from simpy.events import Timeout

from sim.facilities import Depot
from sim.records import STOCKOUT_COLUMNS, SUPPLY_COLUMNS


class Supplies:
    """Stock per depot, what is on order, and the rows of movements and stock-outs.

    A part of :class:`sim.engine.Engine`; :meth:`_draw_supplies` is called at
    call taken. Depot look-ups go through the current travel tables
    (``tables.depot_first``, ``tables.depot_seconds``: searches from the scene).
    """

    def _init_supplies(self, depots: Sequence[Depot]) -> None:
        """Depot tree and initial stock; the items tracked include those requirements ask for.

        Runs after :meth:`sim.dispatch.Dispatch._init_dispatch` (``req_supplies``).
        """
        self.depots = tuple(depots)
        self.depot_nodes = np.array([d.node for d in self.depots], dtype=np.int64)
        by_name = {d.name: k for k, d in enumerate(self.depots)}
        self.depot_parent = [by_name[d.parent] if d.parent else -1 for d in self.depots]
        self.depot_children: list[list[int]] = [[] for _ in self.depots]
        for k, p in enumerate(self.depot_parent):
            if p >= 0:
                self.depot_children[p].append(k)
        self.initial = [dict(d.stock) for d in self.depots]
        self.stock = [dict(d.stock) for d in self.depots]
        self.on_order: list[dict[str, int]] = [{} for _ in self.depots]
        # Per item, which depots carry it and which have some now (for vectorised "nearest
        # depot that has it" look-ups; kept in step with ``stock``).
        items = sorted(
            {k for d in self.initial for k in d} | {i for r in self.req_supplies for i, _ in r}
        )
        self.items = items
        self.carries = {it: np.array([it in d for d in self.initial], dtype=bool) for it in items}
        self.has = {
            it: np.array([d.get(it, 0) > 0 for d in self.initial], dtype=bool) for it in items
        }
        self.sup_rows: dict[str, list[Any]] = {k: [] for k in SUPPLY_COLUMNS}
        self.out_rows: dict[str, list[Any]] = {k: [] for k in STOCKOUT_COLUMNS}

    def _draw_supplies(self, i: int, req: int) -> None:
        """Draw the supplies of incident ``i`` (requirement row ``req``), escalating as needed."""
        now = self.env._now
        node = self.s_node[i]
        tb = self.tables
        for item, qty in self.req_supplies[req]:
            rem = qty
            # The nearest depot that has the item, else the nearest that stocks it.
            d = tb.depot_first(node, self.has[item])
            if d < 0:
                d = tb.depot_first(node, self.carries[item])
            if d < 0:
                self._stockout(now, -1, item, rem, "issue", i)
            touched = []
            while rem > 0 and d >= 0:
                take = min(self.stock[d].get(item, 0), rem)
                # The first depot can reach the scene; a parent cut off from it by the roads
                # gives nothing (its stock stays for scenes it can reach) and the request
                # escalates past it, so what no depot within reach has ends as supply_short.
                secs = tb.depot_seconds(d, node) if take > 0 else np.inf
                if not np.isfinite(secs):
                    take = 0
                if take > 0:
                    self.stock[d][item] -= take
                    if self.stock[d][item] == 0:
                        self.has[item][d] = False
                    rem -= take
                    self._movement(now, now + secs / 60.0, "issue", item, take, d, -1, i)
                    touched.append(d)
                if rem > 0:
                    self._stockout(now, d, item, rem, "issue", i)
                    d = self.depot_parent[d]
            self.supply_short[i] += rem
            # Reorder only after the request has escalated, so a child's replenishment
            # does not take stock the same request is about to draw from its parent.
            for d in touched:
                self._reorder(d, item)

    def _reorder(self, d: int, item: str) -> None:
        """Order depot ``d``'s deficit of ``item`` from its parent (which reorders in turn)."""
        p = self.depot_parent[d]
        if p < 0:
            return
        deficit = (
            self.initial[d].get(item, 0)
            - self.stock[d].get(item, 0)
            - self.on_order[d].get(item, 0)
        )
        if deficit <= 0:
            return
        now = self.env._now
        q = min(self.stock[p].get(item, 0), deficit)
        if q < deficit:
            self._stockout(now, p, item, deficit - q, "replenish", -1)
        if q > 0:
            self.stock[p][item] -= q
            if self.stock[p][item] == 0:
                self.has[item][p] = False
            self.on_order[d][item] = self.on_order[d].get(item, 0) + q
            lead = self.depots[d].lead_time_min
            self._movement(now, now + lead, "transfer", item, q, p, d, -1)
            ev = Timeout(self.env, lead, (d, item, q))
            ev.callbacks.append(self._replenished)
            self._reorder(p, item)

    def _replenished(self, ev: Timeout) -> None:
        """A transfer has arrived: stock it, and pass it on to children left short."""
        d, item, q = ev._value
        self.stock[d][item] = self.stock[d].get(item, 0) + q
        self.has[item][d] = True
        self.on_order[d][item] -= q
        self._reorder(d, item)
        for c in self.depot_children[d]:  # children left short while this depot was empty
            self._reorder(c, item)

    def _movement(self, t, arrive, kind, item, q, src, dst, inc) -> None:  # noqa: ANN001
        for k, v in zip(self.sup_rows, (t, arrive, kind, item, q, src, dst, inc), strict=True):
            self.sup_rows[k].append(v)

    def _stockout(self, t, d, item, short, kind, inc) -> None:  # noqa: ANN001
        tier = self.depots[d].tier if d >= 0 else "none"
        for k, v in zip(self.out_rows, (t, d, tier, item, short, kind, inc), strict=True):
            self.out_rows[k].append(v)
