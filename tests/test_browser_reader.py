"""A reader's view in Chromium, on the site built under a sub-path: the breadcrumb stays in
line when the page's title wraps, the search keeps its results in view while filtering on a
phone, and long minutes let a phone reader jump to the points and the contents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Served, built_site, serve_folder

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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = built_site(tmp_path_factory.mktemp("leser"), BASE,
                      {"referater/2025-03-03.md": LONG_MINUTES})
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
    context = browser.new_context(viewport=size)
    tab = context.new_page()
    tab.goto(served.base + "referater/2025-03-03/")
    boxes = _line_boxes(tab)
    context.close()
    first = boxes["lastLines"][0]
    assert boxes["lastLines"][-1]["top"] > first["bottom"] - 1, "the title should wrap here"
    for part in boxes["links"] + boxes["separators"]:
        assert abs(part["top"] - first["top"]) <= 2, boxes
        assert abs(part["bottom"] - first["bottom"]) <= 2, boxes
