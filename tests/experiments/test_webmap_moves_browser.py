"""The team-moves layer in a real browser (skipped as test_webmap_browser.py is)."""

from __future__ import annotations

import pytest

from tests.experiments.test_webmap_browser import Page, browser  # noqa: F401 - the fixture
from tests.experiments.test_webmap_moves import run_with_moves
from tests.experiments.webmap_pages import layer, page_data

#: Screen point (page pixels) half-way along arrow ``i``'s clickable stroke.
_MIDDLE = """i => {
  const hit = document.querySelectorAll("g[data-layer='moves'] .mark")[i];
  const q = hit.getPointAtLength(hit.getTotalLength() / 2);
  const box = document.getElementById("map").getBoundingClientRect();
  return [box.left + q.x, box.top + q.y];
}"""


@pytest.fixture(scope="module")
def moves_page(browser, tmp_path_factory):  # noqa: F811 - the imported fixture
    folder = run_with_moves(tmp_path_factory.mktemp("browser-moves") / "run")
    page = Page(browser, folder / "map.html")
    yield page, page_data(folder / "map.html")
    page.close()


def test_every_arrow_is_drawn_with_its_width_and_head(moves_page):
    page, data = moves_page
    pairs = layer(data, "moves")["pairs"]
    assert page.errors == [] and [u for u in page.requests if not u.startswith("file:")] == []
    assert page.marks("moves").count() == page.count("moves") == len(pairs) > 0
    widths = page.page.eval_on_selector_all(
        "g[data-layer='moves'] g.move",
        "gs => gs.map(g => [Number(g.children[1].getAttribute('stroke-width')),"
        " g.children[2].getBBox().width > 0, g.children[3].getTotalLength() > 0])",
    )
    assert [w for w, _head, _line in widths] == [p["w"] for p in pairs]
    assert all(head and line for _w, head, line in widths)


def test_clicking_an_arrow_opens_its_pairs_popup(moves_page):
    page, data = moves_page
    pairs = layer(data, "moves")["pairs"]
    # The last arrow lies on top of the others; its middle is clear of stations unless
    # they happen to sit there, so try the arrows from the top down.
    for i in reversed(range(len(pairs))):
        x, y = page.page.evaluate(_MIDDLE, i)
        on_top = page.page.evaluate(
            "([x, y, i]) => document.elementFromPoint(x, y) === "
            "document.querySelectorAll(\"g[data-layer='moves'] .mark\")[i]",
            [x, y, i],
        )
        if on_top:
            break
    else:
        pytest.fail("no arrow can be clicked")
    page.page.mouse.click(x, y)
    assert page.page.is_visible("#popup")
    text = page.page.inner_text("#popup")
    assert pairs[i]["name"] in text
    for key, value in pairs[i]["popup"]:
        assert key in text and str(value) in text
    page.page.keyboard.press("Escape")


def test_the_toggle_hides_the_arrows_and_zoom_keeps_their_width(moves_page):
    page, _data = moves_page
    first = page.page.locator("g[data-layer='moves'] g.move path").nth(1)
    assert first.is_visible()
    page.page.uncheck("input[data-layer='moves']")
    assert not first.is_visible() and page.marks("stations").first.is_visible()
    page.page.check("input[data-layer='moves']")
    assert first.is_visible()
    width = first.get_attribute("stroke-width")
    length = first.evaluate("p => p.getTotalLength()")
    scale = float(page.page.get_attribute("#map", "data-scale"))
    page.page.click("#zoom-in")
    page.page.wait_for_function(f"() => document.querySelector('#map').dataset.scale > {scale}")
    # Drawn in screen pixels: twice as long (less the fixed gaps at the ends), as wide.
    assert first.get_attribute("stroke-width") == width
    assert first.evaluate("p => p.getTotalLength()") > 1.5 * length
    page.page.click("#zoom-reset")
