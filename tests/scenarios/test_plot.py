"""The incident-stream map counts incidents in its legend, even where several share a node."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.plot import plot_stream
from scenarios.stream import Requirement
from tests.sim.helpers import road_network, stream_from

matplotlib.use("Agg")
NET = road_network(4, [(0, 1, 60), (1, 2, 60), (2, 3, 60)])
FIRE = Requirement("fire", 3, (("fire", 1),))


@settings(max_examples=10, deadline=None)
@given(nodes=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=30))
def test_legend_counts_sum_to_the_incidents(nodes):
    stream = stream_from([float(i) for i in range(len(nodes))], nodes, requirements=[FIRE])
    fig = plot_stream(stream, NET)
    counts = [
        int(m.group(1))
        for t in fig.axes[0].get_legend().get_texts()
        if (m := re.search(r"accident.*\((\d+)\)$", t.get_text()))
    ]
    assert counts == [len(nodes)]  # rows, not the len(set(nodes)) distinct nodes
    plt.close(fig)
