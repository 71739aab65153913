"""Incident markers keep a dark rim, so the slowest (yellow) ones show on yellow roads (F5)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb

from networks.plot import ROAD_STYLE
from sim.plots import plot_incident_map
from tests.sim.test_plots import NET, records

matplotlib.use("Agg")


def _contrast(a: object, b: object) -> float:
    """WCAG contrast ratio of two colours (1: the same lightness, 21: black on white)."""

    def lum(c: object) -> float:
        rgb = np.array(to_rgb(c))
        lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(lin @ [0.2126, 0.7152, 0.0722])

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_slowest_incident_has_a_dark_rim_that_stands_out_on_a_primary_road():
    t = np.array([1.0, 5.0, 20.0, 90.0, 400.0])
    fig = plot_incident_map(NET, records(t, nodes=np.arange(5)))
    fig.canvas.draw()  # colours are mapped when drawn
    (sc,) = [c for c in fig.axes[0].collections if c.get_array() is not None]
    slowest = int(np.argmax(sc.get_array()))
    face = sc.get_facecolors()[slowest][:3]
    edges = sc.get_edgecolors()
    edge = (edges[slowest] if len(edges) > 1 else edges[0])[:3]
    road = ROAD_STYLE["primary"][0]
    assert _contrast(face, road) < 1.5  # the problem: the fill alone is road yellow
    assert _contrast(edge, road) >= 4.5 and _contrast(edge, face) >= 4.5
    assert 0 < float(np.max(sc.get_linewidths())) <= 0.5  # a rim, not a blot over the map
    plt.close(fig)
