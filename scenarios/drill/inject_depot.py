"""The depot-shortage inject: the nearest depot holding a needed supply is short.

A builder of :mod:`scenarios.drill.injects` (re-exported there), with the
depots the rest comes from (drawing rules /9, :data:`SOURCES_RULES`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from networks.i18n import N_
from scenarios.drill import texts
from scenarios.drill.drawing_rules import SOURCES_RULES
from scenarios.drill.inject_context import (
    CAPABILITY,
    PHONE,
    InjectContext,
    Store,
    draw_offset,
    make_inject,
)
from scenarios.drill.script import Inject

#: Depots the expected action names (the rest are summed in one item).
NAMED_SOURCES = 3


def depot_short(ctx: InjectContext) -> Inject | None:
    """The nearest depot holding a needed supply has far less on its shelf than its books say.

    The shelf holds a drawn 20-60 % of the books (the rest damaged or already
    out). The inject arises only where that is really short of the need: the
    supplies are tried most-needed first, each at its nearest holding depot,
    and the first whose shelf is below the need is the one the depot keeper
    calls about. A depot whose shelf still covers the need (250 kits on the
    books, 1 needed) raises no shortage; when no supply is short, no inject.
    """
    req = ctx.hazard.requirement(ctx.grade)
    if not req.supplies or not ctx.stores:
        return None
    share = float(ctx.rng.uniform(0.2, 0.6))
    for item, need in sorted(req.supplies, key=lambda p: (-p[1], p[0])):
        holders: list[Store] = []  # the nearest two that hold it (the keeper and a fallback)
        for i, seconds in ctx.store_order:
            if ctx.rules >= SOURCES_RULES and not np.isfinite(seconds):
                break  # (/9) cut off from the scene: as the benchmark, no depot further on
            if dict(ctx.stores[i].stock).get(item, 0) > 0:
                holders.append(ctx.stores[i])
                if len(holders) == 2:
                    break
        if not holders:
            continue
        booked = dict(holders[0].stock)[item]
        available = int(np.floor(booked * share))
        if available < need:
            return _depot_inject(ctx, holders, item, need, booked, available)
    return None


def _depot_inject(
    ctx: InjectContext, holders: list[Store], item: str, need: int, booked: int, available: int
) -> Inject:
    """The depot keeper's call: ``holders[0]`` can release ``available`` of ``need`` ``item``."""
    depot = holders[0]
    fallback = depot.parent or (holders[1].name if len(holders) > 1 else "")
    item_t = texts.vocab("item", item)
    depot_t = texts.facility(depot.name)
    n = need - available
    truth: dict[str, Any] = {}
    if ctx.rules >= SOURCES_RULES:  # every depot the rest comes from, as the benchmark takes it
        sources, rest = _sources(ctx, item, n, depot.name)
        fallback = sources[0][0] if sources else ""
        # The nearest few by name, the rest in one line (a short county depot's rest may be
        # a unit from each of a hundred village points).
        takes = [texts.msg("depot.take", n=k, depot=texts.facility(nm)) for nm, k in sources]
        if len(sources) > NAMED_SOURCES:
            more = sources[NAMED_SOURCES - 1 :]
            takes[NAMED_SOURCES - 1 :] = [
                texts.msg("depot.take_others", n=sum(k for _nm, k in more), k=len(more))
            ]
        listed = texts.listing(takes)
        key = "depot.action_higher" if rest else "depot.action_sources"
        action = (
            texts.msg(key, n=n, item=item_t, sources=listed, rest=rest)
            if sources
            else texts.msg("depot.action_none", n=n, item=item_t)
        )
        truth = {"sources": [[name, k] for name, k in sources], "beyond_region": rest}
    elif fallback:
        action = texts.msg("depot.action_from", n=n, item=item_t, fallback=texts.facility(fallback))
    else:
        action = texts.msg("depot.action", n=n, item=item_t)
    return make_inject(
        kind="depot_short",
        offset_min=draw_offset(ctx, 15.0, 40.0),
        trigger=texts.term(N_("when supplies are requested from the nearest depot")),
        sender=texts.msg("depot.sender", depot=depot_t),
        recipient=texts.term(N_("Logistics section")),
        channel=texts.term(PHONE),
        message=texts.msg(
            "depot.message", depot=depot_t, available=available, item=item_t, booked=booked
        )
        if available
        else texts.msg("depot.message_none", depot=depot_t, item=item_t, booked=booked),
        expected_action=action,
        capability=texts.term(CAPABILITY["depot_short"]),
        truth={
            "depot": depot.name,
            "item": item,
            "need": need,
            "available": available,
            "booked": booked,
            "fallback": fallback,
            **truth,
        },  # fmt: skip
    )


def _sources(ctx: InjectContext, item: str, short: int, skip: str) -> tuple[list, int]:
    """Depots other than ``skip`` the ``short`` units of ``item`` come from, nearest first.

    ``([(name, units), ...], units none of them holds)``, by their books, from
    the depots the scene can be reached from (as the benchmark delivers them).
    """
    out = []
    for i, seconds in ctx.store_order:
        if short <= 0:
            break
        store = ctx.stores[i]
        have = dict(store.stock).get(item, 0)
        if store.name != skip and have > 0 and np.isfinite(seconds):
            out.append((store.name, min(have, short)))
            short -= out[-1][1]
    return out, short
