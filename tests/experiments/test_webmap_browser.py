"""The interactive map in a real browser: Debian's headless chromium driven by playwright.

Skipped where chromium or playwright is missing, except on CI (``CI`` set), where
``.ci/run`` installs chromium and a missing browser is a failure.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import read_csv
from tests.experiments.webmap_pages import layer, page_data, run_with_map, site_with_map

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, and nothing that would reach the network on its own.
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the browser test must run on CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    return run_with_map(tmp_path_factory.mktemp("browser-run"))


class Page:
    """A map page opened from disk, with every console error, page error and request kept."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready='1']", timeout=20_000)

    def count(self, layer_id: str) -> int:
        return int(self.page.get_attribute(f"g[data-layer='{layer_id}']", "data-count"))

    def marks(self, layer_id: str):
        return self.page.locator(f"g[data-layer='{layer_id}'] .mark")

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def run_page(browser, run_folder):
    page = Page(browser, run_folder / "map.html")
    yield page
    page.close()


def _drawn_share(png: bytes) -> float:
    """Share of pixels of a screenshot that differ from its background (the corner pixel)."""
    import io

    from matplotlib.image import imread

    img = imread(io.BytesIO(png))[..., :3]
    return float(np.mean(np.abs(img - img[0, 0]).sum(axis=-1) > 0.05))


def test_page_loads_without_errors_and_draws_every_layer(run_page, run_folder):
    data = page_data(run_folder / "map.html")
    assert run_page.errors == []
    assert [u for u in run_page.requests if not u.startswith("file:")] == []
    incidents = read_csv(run_folder / "records" / "rep-000" / "incidents.csv")
    assert run_page.marks("incidents").count() == run_page.count("incidents") == len(incidents)
    for kind in ("stations", "depots"):
        assert run_page.marks(kind).count() == len(layer(data, kind)["points"]) > 0
    assert run_page.count("roads") == len(data["roads"]["cls"]) > 0
    bands = layer(data, "isochrones")
    assert run_page.count("isochrones") == sum(b < len(bands["bands"]) for b in bands["band"])
    assert run_page.count("closures") == len(layer(data, "closures")["items"])
    for layer_id in ("roads", "isochrones"):  # lines that span the map, not empty paths
        box = run_page.page.locator(f"g[data-layer='{layer_id}']").bounding_box()
        assert box["width"] > 300 and box["height"] > 300
    share = _drawn_share(run_page.page.locator("#map").screenshot())
    assert share > 0.05  # not a blank page
    assert data["subtitle"] in run_page.page.inner_text("header")  # which replication


def test_clicking_an_incident_opens_its_popup(run_page, run_folder):
    points = layer(page_data(run_folder / "map.html"), "incidents")["points"]
    assert run_page.page.is_hidden("#popup")
    # The last incident is drawn on top of any other at its place.
    run_page.marks("incidents").last.click()
    assert run_page.page.is_visible("#popup")
    text = run_page.page.inner_text("#popup")
    assert points[-1]["name"] in text
    for key, value in points[-1]["popup"]:
        assert key in text and value in text
    run_page.page.keyboard.press("Escape")
    assert run_page.page.is_hidden("#popup")


def test_the_layer_toggle_hides_and_shows_a_layer(run_page):
    first = run_page.marks("incidents").first
    assert first.is_visible()
    run_page.page.uncheck("input[data-layer='incidents']")
    assert run_page.page.is_hidden("g[data-layer='incidents']")
    assert not first.is_visible()
    assert run_page.marks("stations").first.is_visible()  # the others stay
    run_page.page.check("input[data-layer='incidents']")
    assert first.is_visible()


def test_the_time_slider_shows_the_closures_in_force(run_page, run_folder):
    items = layer(page_data(run_folder / "map.html"), "closures")["items"]
    assert items, "examples/county.toml's scenario closes roads"
    times = sorted(
        {math.ceil(it["start"]) for it in items} | {math.ceil(it["end"]) for it in items}
    )
    for t in times[:: max(1, len(times) // 8)]:
        run_page.page.eval_on_selector(
            "#time", "(el, t) => { el.value = t; el.dispatchEvent(new Event('input')); }", t
        )
        expected = sum(it["start"] <= t < it["end"] for it in items)
        active = run_page.page.get_attribute("g[data-layer='closures']", "data-active")
        assert int(active) == expected
        shown = run_page.page.eval_on_selector_all(
            "g[data-layer='closures'] path.timed",
            "paths => paths.filter(p => getComputedStyle(p).display !== 'none').length",
        )
        assert shown == expected


def test_zooming_spreads_the_marks_and_reset_brings_them_back(run_page):
    def spread() -> float:
        a = run_page.marks("stations").nth(0).bounding_box()
        b = run_page.marks("stations").nth(1).bounding_box()
        return math.hypot(a["x"] - b["x"], a["y"] - b["y"])

    before = spread()
    scale = float(run_page.page.get_attribute("#map", "data-scale"))
    run_page.page.click("#zoom-in")
    # The redraw waits for the next frame.
    run_page.page.wait_for_function(f"() => document.querySelector('#map').dataset.scale > {scale}")
    assert spread() == pytest.approx(2 * before, rel=0.02)
    run_page.page.click("#zoom-reset")
    assert spread() == pytest.approx(before, rel=0.02)


def test_the_siting_map_loads_and_draws_its_sites(browser, tmp_path):
    folder = site_with_map(tmp_path) / "stations"
    page = Page(browser, folder / "map.html")
    try:
        assert page.errors == []
        assert [u for u in page.requests if not u.startswith("file:")] == []
        rows = read_csv(folder / "sites.csv")
        proposed = [r for r in rows if r["status"] in ("kept", "fixed", "new")]
        assert page.marks("proposed").count() == len(proposed) > 0
        demand = layer(page_data(folder / "map.html"), "demand")["points"]
        assert page.marks("demand").count() == page.count("demand") == len(demand)
        assert _drawn_share(page.page.locator("#map").screenshot()) > 0.05
        page.marks("proposed").last.click()
        assert page.page.is_visible("#popup")
        last = layer(page_data(folder / "map.html"), "proposed")["points"][-1]
        assert last["name"] in page.page.inner_text("#popup")
    finally:
        page.close()
