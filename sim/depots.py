"""Supply depots: :class:`Depot`, its tiers and stock limit.

Depots stand on nodes in :data:`DEPOT_TIERS`; a depot is replenished by its
parent of a higher tier (checked by :func:`sim.facility_checks.check_facilities`).
Re-exported by :mod:`sim.facilities`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from networks.i18n import _
from scenarios.config_keys import REQUIRED, Key, Section
from scenarios.limits import MAX_DURATION_MIN
from sim.facility_fields import read_label, read_name, read_placed

#: Depot tiers, highest first; requests escalate towards the front.
DEPOT_TIERS = ("city", "county", "township", "village")
#: Largest stock of one item at one depot.
MAX_STOCK = 10**9


@dataclass(frozen=True)
class Depot:
    """A supply depot on a network node.

    Attributes
    ----------
    name
        Unique name.
    node
        Node index on the road network.
    tier
        One of :data:`DEPOT_TIERS`.
    stock
        Initial (and target) quantity per item, as sorted ``(item, qty)`` pairs.
    parent
        Name of the depot that replenishes this one (a higher tier), or ``None``.
    lead_time_min
        Minutes from ordering a replenishment from the parent to its arrival.
    name_zh
        Chinese name shown to a person reading Chinese (``""``: none).
    """

    name: str
    node: int
    tier: str
    stock: tuple[tuple[str, int], ...]
    parent: str | None = None
    lead_time_min: float = 0.0
    name_zh: str = ""

    def __post_init__(self) -> None:
        if self.tier not in DEPOT_TIERS:
            raise ValueError(_("unknown depot tier {tier!r}").format(tier=self.tier))
        items = dict(self.stock.items() if isinstance(self.stock, Mapping) else self.stock)
        if any(q < 0 for q in items.values()):
            raise ValueError(_("depot {name!r}: negative stock").format(name=self.name))
        if not (math.isfinite(self.lead_time_min) and self.lead_time_min >= 0):
            raise ValueError(_("depot {name!r}: lead time must be >= 0").format(name=self.name))
        object.__setattr__(self, "stock", tuple(sorted((str(k), int(v)) for k, v in items.items())))

    @property
    def stock_dict(self) -> dict[str, int]:
        """Stock as a dict."""
        return dict(self.stock)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, source: str | None = None, key: str | None = None
    ) -> Depot:
        """Validate and build from plain data (``stock`` as a table item -> quantity)."""
        r, name, node, tier = read_placed(
            data,
            DEPOT.names,
            DEPOT_TIERS,
            "depot",
            source,
            key,
        )
        if not isinstance(r.get("stock"), Mapping):
            raise r.error("stock", _("expected a table item -> quantity"))
        stock = r.table("stock")
        from scenarios.catalogue import SUPPLY_ITEMS

        for k in stock.data:
            if k not in SUPPLY_ITEMS:
                raise stock.error(
                    str(k),
                    _("unknown supply item {item!r}; expected one of {known}").format(
                        item=k, known=", ".join(SUPPLY_ITEMS)
                    ),
                )
        items = {str(k): stock.int(str(k), lo=0, hi=MAX_STOCK) for k in stock.data}
        parent = read_name(r, "parent") if r.get("parent", None) is not None else None
        lead = DEPOT.read(r, "lead_time_min")
        name_zh = read_label(r, "name_zh", "")
        return cls(
            name=name,
            node=node,
            tier=tier,
            stock=tuple(items.items()),
            parent=parent,
            lead_time_min=lead,
            name_zh=name_zh,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data; inverse of :meth:`from_dict`."""
        out: dict[str, Any] = {
            "name": self.name,
            "node": self.node,
            "tier": self.tier,
            "stock": dict(self.stock),
            "lead_time_min": self.lead_time_min,
        }
        if self.parent is not None:
            out["parent"] = self.parent
        if self.name_zh:
            out["name_zh"] = self.name_zh
        return out


#: A depot as plain data (:meth:`Depot.from_dict`); a run config places it by location.
DEPOT = Section(
    "depots[]",
    "Depot",
    (
        Key("name", "string", "Unique name.", "名称", default=REQUIRED),
        Key("name_zh", "string", "Chinese name shown to a person reading Chinese.", "中文名称",
            default=""),
        Key("node", "integer", "Node index of the compiled network.", "节点", default=REQUIRED,
            lo=0),
        Key("tier", "string", "The depot's tier.", "层级", default=REQUIRED, choices=DEPOT_TIERS),
        Key("stock", "table", "Initial (and target) quantity per supply item, item = quantity.",
            "储备物资", default=REQUIRED, allowed_text=f"items of the catalogue, 0-{MAX_STOCK:,}"),
        Key("parent", "string", "Name of the depot of a higher tier that replenishes this one.",
            "上级储备库"),
        Key("lead_time_min", "number",
            "Minutes from ordering a replenishment from the parent to its arrival.", "补货时间",
            default=Depot.lead_time_min, lo=0, hi=MAX_DURATION_MIN),
    ),
    zh="应急物资储备库",
)  # fmt: skip
