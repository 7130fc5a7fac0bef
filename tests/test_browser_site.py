"""End to end: crawl the whole built site under a sub-path in Chromium.

Every page must load without console errors, pass axe-core for WCAG 2.1 A/AA, and link only to
pages, fragments and assets that exist. Run against the real content with
``POLITIRADET_TEST_CONTENT=content pytest tests/test_browser_site.py``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import Served, serve_folder
from site_helpers import SUB_PATH, build, html_files, page_url

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LINKS_JS = """() => [...document.querySelectorAll('a[href], link[href], script[src], img[src]')]
  .map(e => e.href || e.src)"""
IDS_JS = "() => [...document.querySelectorAll('[id]')].map(e => e.id)"


@dataclass
class Crawl:
    """What the crawl found."""

    pages: dict[str, list[str]] = field(default_factory=dict)
    """Page URL -> absolute URLs it links to."""
    ids: dict[str, set[str]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    violations: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    with serve_folder(site, SUB_PATH) as served:
        yield served


@pytest.fixture(scope="module")
def crawl(browser: Any, served: Served) -> Crawl:
    """Visit every page reachable from the start page, plus the 404 page."""
    found = Crawl()
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("requestfailed", lambda req: errors.append(f"feilet ({req.failure}): {req.url}"))
    tab.on("response", lambda res: errors.append(f"{res.status}: {res.url}")
           if res.status >= 400 else None)
    axe = Axe()
    queue = [served.base, served.base + "404.html"]
    while queue:
        url = queue.pop(0)
        if url in found.pages:
            continue
        errors.clear()
        response = tab.goto(url)
        # The page's own requests (the search page fetches Pagefind's files after load) end
        # here, so none is cut off by the next visit and put down as that page's failure.
        tab.wait_for_load_state("networkidle")
        found.statuses[url] = response.status if response else 0
        links = [link.split("#")[0] if link.startswith(url + "#") else link
                 for link in tab.evaluate(LINKS_JS)]
        found.pages[url] = tab.evaluate(LINKS_JS)
        found.ids[url] = set(tab.evaluate(IDS_JS))
        result = axe.run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        found.violations[url] = [f"{v['id']}: {[n['target'] for n in v['nodes']]}"
                                 for v in result.response["violations"]]
        found.errors[url] = list(errors)
        queue += [link.split("#")[0] for link in links
                  if _is_page(link, served.base) and link.split("#")[0] not in found.pages]
    context.close()
    return found


def _is_page(url: str, base: str) -> bool:
    path = urllib.parse.urlsplit(url).path
    return url.startswith(base) and (path.endswith("/") or path.endswith(".html"))


def test_every_built_page_is_reached_by_the_crawl(crawl: Crawl, site: Path,
                                                   served: Served) -> None:
    built = {served.base + page_url(site, f) for f in html_files(site)}
    assert built - set(crawl.pages) == set(), "sider ingen lenker til"
    assert len(crawl.pages) == len(built)


def test_every_page_loads(crawl: Crawl, served: Served) -> None:
    expected_404 = served.base + "404.html"
    assert {url: status for url, status in crawl.statuses.items() if status != 200} == {}, \
        f"(404-siden selv: {crawl.statuses[expected_404]})"


def test_no_console_errors_or_failed_requests(crawl: Crawl) -> None:
    assert {url: errs for url, errs in crawl.errors.items() if errs} == {}


def test_no_axe_violations(crawl: Crawl) -> None:
    assert {url: v for url, v in crawl.violations.items() if v} == {}


def test_every_internal_link_and_asset_exists(crawl: Crawl, served: Served, site: Path) -> None:
    broken = []
    for page, links in crawl.pages.items():
        for link in links:
            if not link.startswith("http://127.0.0.1"):
                continue
            target, _, fragment = link.partition("#")
            if not target.startswith(served.base) or not _exists(site, target, served.base):
                broken.append(f"{page} -> {link}")
            elif fragment and target in crawl.ids and \
                    urllib.parse.unquote(fragment) not in crawl.ids[target]:
                broken.append(f"{page} -> {link} (ankeret finnes ikke)")
    assert broken == []


def _exists(site: Path, url: str, base: str) -> bool:
    relative = urllib.parse.unquote(urllib.parse.urlsplit(url).path)[len(
        urllib.parse.urlsplit(base).path):]
    target = site / relative
    return (target / "index.html").is_file() if relative.endswith("/") or not relative \
        else target.is_file()


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page: Any, served: Served) -> None:
    page.goto(served.base + "referater/2025-05-14/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hopp til hovedinnholdet"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "hovedinnhold"


def test_main_navigation_works_with_keyboard_alone(page: Any, served: Served) -> None:
    page.goto(served.base)
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Temaer":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(served.base + "temaer/")


NARROW = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "zoom-200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
"""320 CSS px is the WCAG reflow width; a 1280 × 800 window at 200 % zoom lays out as 640 × 400
CSS px on a screen of twice the pixel density."""


@pytest.mark.parametrize("name", list(NARROW))
def test_no_horizontal_scrolling_and_no_axe_violations_at_320_px_and_200_percent_zoom(
        browser: Any, served: Served, crawl: Crawl, name: str) -> None:
    settings = NARROW[name]
    width = settings["viewport"]["width"]  # type: ignore[index]
    context = browser.new_context(**settings)
    tab = context.new_page()
    axe = Axe()
    too_wide, violations = {}, {}
    for url in crawl.pages:
        tab.goto(url)
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[url] = scroll_width
        result = axe.run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        found = [f"{v['id']}: {[n['target'] for n in v['nodes']]}"
                 for v in result.response["violations"]]
        if found:
            violations[url] = found
    context.close()
    assert too_wide == {}
    assert violations == {}


def test_pages_read_without_javascript(browser: Any, served: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(served.base + "oppfolgingspunkter/2025-1/")
    assert tab.locator("h1").inner_text() == "Kunnskapsdeling i beredskapsarbeidet"
    assert tab.locator(".timeline__item").count() >= 1
    tab.goto(served.base + "oppfolgingspunkter/")  # the filter is plain links to static pages
    tab.get_by_role("link", name="Følges opp (1)").click()
    tab.wait_for_url(served.base + "oppfolgingspunkter/folges-opp/")
    assert tab.locator("main .point-number").all_inner_texts() == ["2025-1"]
    context.close()


def test_minutes_print_without_navigation(page: Any, served: Served) -> None:
    page.goto(served.base + "referater/2025-05-14/")
    page.emulate_media(media="print")
    hidden = ".site-nav, .header-search, .site-footer, .document-aside, .pkt-breadcrumbs"
    assert page.evaluate(f"""[...document.querySelectorAll('{hidden}')]
        .every(e => getComputedStyle(e).display === 'none')""")
    assert page.locator(".document-body").is_visible()
    assert len(page.pdf()) > 1000
