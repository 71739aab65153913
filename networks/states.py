"""Disruptions and the registry of network states they give.

Notes
-----
Holds :class:`Disruption` (a change to some edges' travel times) and
:class:`Shared`, what all states of one
:class:`~networks.roadnet.RoadNetwork` have in common: the registry that gives
the same disruptions the same state object, version numbers and the KD-tree.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from networks.i18n import _

if TYPE_CHECKING:
    from networks.roadnet import RoadNetwork


@dataclass(frozen=True)
class Disruption:
    """A change to some edges' travel times.

    Parameters
    ----------
    edges
        Edge indices affected.
    factor
        Travel-time multiplier: ``inf`` closes the edges, ``2.0`` halves their speed.
    label
        Free text for reports (``"flood, Township 3"``).
    """

    edges: tuple[int, ...]
    factor: float = float("inf")
    label: str = ""

    def __post_init__(self) -> None:
        if not self.factor >= 1.0:
            raise ValueError(
                _("disruption factor must be >= 1 (inf closes), got {factor}").format(
                    factor=self.factor
                )
            )


#: States of one network kept alive after their last user lets go (most recent first out).
_RECENT_STATES = 32


class Shared:
    """Everything the states of one network have in common."""

    def __init__(self) -> None:
        # Weak: a state lives while something uses it (a run, the recent list below), so
        # the travel-time caches of states nobody needs any more are freed; experiments
        # with random closures would otherwise keep every state they ever made.
        self.states: weakref.WeakValueDictionary[bytes, RoadNetwork] = weakref.WeakValueDictionary()
        # The last few stay alive anyway, so consecutive runs with the same closures share.
        self.recent: OrderedDict[bytes, RoadNetwork] = OrderedDict()
        self.n_versions = 0
        self.base: RoadNetwork | None = None
        self.kdtree: Any = None

    def new_version(self) -> int:
        """A version number no state of this network has had."""
        self.n_versions += 1
        return self.n_versions - 1

    def __getstate__(self) -> dict[str, Any]:
        # A pickled network carries its undisrupted state only (weak references do not
        # pickle); other states are made again on demand, with new versions.
        return {"base": self.base, "n_versions": self.n_versions}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()
        self.base, self.n_versions = state["base"], state["n_versions"]

    def remember(self, key: bytes, state: RoadNetwork) -> None:
        """Keep ``state`` among the recent ones."""
        self.recent[key] = state
        self.recent.move_to_end(key)
        while len(self.recent) > _RECENT_STATES:
            self.recent.popitem(last=False)
