"""A lon/lat point moved far to its road node is warned of (GCJ-02 coordinates, say)."""

from __future__ import annotations


def test_a_point_moved_far_to_its_node_is_warned_of_once(caplog):
    from experiments import snapping
    from experiments.locations import resolve_location
    from experiments.snapping import FAR_SNAP_M, MAX_SNAP_M
    from networks import synthetic_county

    net = synthetic_county()
    lon, lat = net.nodes.lon, net.nodes.lat
    # a point some 400 m off a node in the open country, 300-500 m from every node
    far = None
    for k in range(0, net.n_nodes, 7):
        p = (float(lon[k]), float(lat[k]) + 400 / 111_000)
        d = float(net.snap([p[0]], [p[1]], lonlat=True)[1][0])
        if FAR_SNAP_M < d < MAX_SNAP_M:
            far = {"lon": p[0], "lat": p[1]}
            break
    assert far is not None
    near = {"lon": float(lon[0]), "lat": float(lat[0])}
    snapping._FAR_WARNED.clear()  # whatever an earlier test in this process read
    caplog.clear()
    for _ in range(2):  # the same point read again (a second region built) says nothing more
        resolve_location(near, net, source="t.csv", key="line 2")
        resolve_location(far, net, source="t.csv", key="line 3")
    moved = [r.getMessage() for r in caplog.records if "GCJ-02" in r.getMessage()]
    assert len(moved) == 1 and "line 3" in moved[0]
