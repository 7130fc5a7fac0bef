"""A reader's view in Chromium, on the site built under a sub-path: the breadcrumb stays in
line when the page's title wraps, the search keeps its results in view while filtering on a
phone, and long minutes let a phone reader jump to the points and the contents."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import FIXTURES, Served, built_site, open_page, serve_folder

pytestmark = pytest.mark.browser
BASE = "/a/b/"
LONG_TITLE = ("Referat fra ekstraordinært møte i Politirådet i Oslo om beredskap, SaLTo og "
              "innsatsen i de prioriterte områdene 3. mars 2025")
LONG_MINUTES = f"""---
tittel: {LONG_TITLE}
dato: "2025-03-03"
motetype: møte
temaer: [salto]
omrader: [furuset]
kilde:
  tittel: Referat 03.03.2025
  format: PDF
---
""" + "\n".join(f"## Sak {n}\n\n" + "Politiet og bydelen orienterte om arbeidet. " * 60 + "\n"
                for n in range(1, 31)) + """
::: status 2025-1
Arbeidet er i gang.
:::
"""


MANY_AREAS = (FIXTURES / "gyldig/omrader.yaml").read_text("utf-8") + "".join(
    f"\n- slug: omrade-{n}\n  navn: Område nummer {n}\n  nivå: prioritert område\n"
    f"  foreldre: [alna]\n  beskrivelse: Et område.\n" for n in range(1, 34))
MANY_TOPICS = (FIXTURES / "gyldig/temaer.yaml").read_text("utf-8") + "".join(
    f"\n- slug: tema-{n}\n  navn: Tema nummer {n}\n  beskrivelse: Et tema.\n"
    for n in range(1, 15))
"""As many areas (35) and topics (16) as the real registries, each a filter on the search
page (their own pages are in the index)."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = built_site(tmp_path_factory.mktemp("leser"), BASE,
                      {"referater/2025-03-03.md": LONG_MINUTES, "omrader.yaml": MANY_AREAS,
                       "temaer.yaml": MANY_TOPICS})
    with serve_folder(site, BASE) as served:
        yield served


def _line_boxes(tab: Any) -> dict[str, Any]:
    """Top and bottom of each breadcrumb link, separator and the first line of the last item."""
    return tab.evaluate("""() => {
      const box = (r) => ({top: r.top, bottom: r.bottom});
      const items = [...document.querySelectorAll('.pkt-breadcrumbs__list > li')];
      const last = items.at(-1).querySelector('.pkt-breadcrumbs__text');
      const range = document.createRange();
      range.selectNodeContents(last);
      return {
        links: [...document.querySelectorAll('.pkt-breadcrumbs__label .pkt-breadcrumbs__text')]
          .map(e => box(e.getClientRects()[0])),
        separators: [...document.querySelectorAll('.pkt-breadcrumbs__separator')]
          .map(e => box(e.getBoundingClientRect())),
        lastLines: [...range.getClientRects()].map(box),
      };
    }""")


@pytest.mark.parametrize("size", [{"width": 1280, "height": 800}, {"width": 640, "height": 400}])
def test_breadcrumb_separators_stay_on_the_first_line_when_the_title_wraps(
        browser: Any, served: Served, size: dict[str, int]) -> None:
    with open_page(browser, viewport=size) as tab:
        tab.goto(served.base + "referater/2025-03-03/")
        boxes = _line_boxes(tab)
    first = boxes["lastLines"][0]
    assert boxes["lastLines"][-1]["top"] > first["bottom"] - 1, "the title should wrap here"
    for part in boxes["links"] + boxes["separators"]:
        assert abs(part["top"] - first["top"]) <= 2, boxes
        assert abs(part["bottom"] - first["bottom"]) <= 2, boxes


PHONE = {"viewport": {"width": 375, "height": 667}}


@contextlib.contextmanager
def _filters_on_a_phone(browser: Any, served: Served) -> Iterator[Any]:
    """A phone's search page for «møte» with its filter panel open."""
    with open_page(browser, **PHONE) as tab:
        tab.goto(served.base + "sok/?q=m%C3%B8te")
        tab.locator("#sok-status", has_text="treff").wait_for()
        if not tab.locator("#sok-filterboks").evaluate("box => box.open"):
            tab.get_by_text("Avgrens treffene").click()
        yield tab


def test_on_a_phone_ticking_a_filter_keeps_the_results_in_view(browser: Any,
                                                                served: Served) -> None:
    with _filters_on_a_phone(browser, served) as tab:
        assert tab.locator("#sok-filtre input[type=checkbox]").count() > 50
        tab.locator("#sok-filtre input[name=omrade]").first.check()
        tab.locator("#sok-status", has_text="med valgte filtre").wait_for()
        status = tab.locator("#sok-status").bounding_box()
        first = tab.locator(".search-result").first.bounding_box()
    height = PHONE["viewport"]["height"]
    assert status is not None and first is not None
    assert 0 <= status["y"] < height, status
    assert 0 <= first["y"] < height, f"første treff står {first['y']:.0f} px ned"


def test_on_a_phone_ticking_the_first_visible_filter_brings_the_results_into_view(
        browser: Any, served: Served) -> None:
    """The first box of the panel is on screen without scrolling, so ticking it leaves the page
    where it is; the results under the panel must still come into view, or the reader sees no
    change at all (verified on the real archive at 375 × 740: first result at 934 px)."""
    with _filters_on_a_phone(browser, served) as tab:
        first_box = tab.locator("#sok-filtre input[type=checkbox]").first
        assert first_box.evaluate("b => b.getBoundingClientRect().bottom") < \
            PHONE["viewport"]["height"]
        first_box.check()
        tab.locator("#sok-status", has_text="med valgte filtre").wait_for()
        tab.wait_for_function("""h => { const r = document.querySelector('.search-result');
            return r && r.getBoundingClientRect().top >= 0
                && r.getBoundingClientRect().top < h; }""",
                              arg=PHONE["viewport"]["height"], timeout=5000)
        ticked = first_box.bounding_box()
    assert ticked is not None and 0 <= ticked["y"] < PHONE["viewport"]["height"], ticked


def test_long_minutes_on_a_phone_lead_to_the_points_and_contents_from_the_top(
        browser: Any, served: Served) -> None:
    with open_page(browser, **PHONE) as tab:
        tab.goto(served.base + "referater/2025-03-03/")
        height = PHONE["viewport"]["height"]
        total = tab.evaluate("document.documentElement.scrollHeight")
        jumps = tab.get_by_role("navigation", name="På denne siden")
        box = jumps.bounding_box()
        assert box is not None and box["y"] < 1.5 * height, box
        points = tab.locator("#reported-heading")
        assert points.evaluate("e => e.getBoundingClientRect().top + scrollY") > 0.8 * total
        jumps.get_by_role("link", name="Oppfølgingspunkter i referatet (1)").click()
        tab.wait_for_function("Math.abs(document.getElementById('reported-heading')"
                              ".getBoundingClientRect().top) < 50")
        assert tab.evaluate("location.hash") == "#reported-heading"
        tab.evaluate("scrollTo(0, 0)")
        jumps.get_by_role("link", name="Innhold").click()
        tab.wait_for_function("Math.abs(document.getElementById('toc-heading')"
                              ".getBoundingClientRect().top) < 50")
    with open_page(browser, viewport={"width": 1280, "height": 800}) as desk:
        desk.goto(served.base + "referater/2025-03-03/")
        assert not desk.get_by_role("navigation", name="På denne siden").is_visible()
