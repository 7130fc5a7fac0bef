"""Drafts where the editor looks, in Chromium: the draft preview's layout, and a draft's
address in a preview started without ``--utkast``.

A draft page at 1280 px starts its text beside the sidebar, right under the banner (the banner
once pushed the document below the sidebar: a blank main column, the text at y ≈ 1220). Without
``--utkast`` the draft's address says that it is a draft, how to see it and how to publish it,
instead of a bare «Fant ikke siden».
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_fixture, serve_folder
from test_serve import Preview, start_preview, stop_preview

from politiradet.pipeline import Paths, build

pytestmark = pytest.mark.browser

DRAFT = """\
---
tittel: Referat fra møte 1. desember 2026
dato: 2026-12-01
motetype: møte
temaer: [salto]
omrader: [furuset]
utkast: true
kilde:
  tittel: Referat Politirådet i Oslo 01.12.2026
---

## 1. Oppfølgingspunkter

::: status 2025-1
Beredskapsetaten har fulgt opp i Alna.
:::

## 2. Eventuelt

Ingen saker.
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = copy_fixture("gyldig", tmp_path)
    (folder / "referater" / "2026-12-01.md").write_text(DRAFT, encoding="utf-8")
    return folder


def test_a_draft_page_at_1280_px_starts_its_text_beside_the_sidebar(
        content: Path, tmp_path: Path, page: Any) -> None:
    build(Paths(content=content, out=tmp_path / "site"), "/", use_cache=False, drafts=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    with serve_folder(tmp_path / "site") as served:
        page.goto(served.base + "referater/2026-12-01/")
        banner = page.locator("main .draft-banner").bounding_box()
        article = page.locator("main article.document").bounding_box()
        aside = page.locator("main .document-aside").bounding_box()
        heading = page.locator("main h1").bounding_box()
    assert aside["height"] > 50, "the sidebar should list the point the draft reports on"
    assert article["y"] - (banner["y"] + banner["height"]) < 40, (banner, article)
    assert article["y"] < aside["y"] + aside["height"], "the text stands beside the sidebar"
    assert abs(article["y"] - aside["y"]) < 1 and heading["y"] < 450, (article, aside, heading)
    assert article["x"] + article["width"] <= aside["x"]


@pytest.fixture
def plain_preview(content: Path, tmp_path: Path) -> Iterator[Preview]:
    running = start_preview(tmp_path, content)
    yield running
    stop_preview(running)


def test_a_drafts_address_without_utkast_says_what_it_is_and_how_to_see_it(
        plain_preview: Preview, page: Any) -> None:
    status, html = plain_preview.get("referater/2026-12-01/")
    assert status == 404
    assert "<title>Utkast: Referat fra møte 1. desember 2026 – ikke publisert</title>" in html
    page.goto(plain_preview.base + "referater/2026-12-01/")
    main = page.locator("main")
    assert page.locator("main h1").inner_text() == (
        "«Referat fra møte 1. desember 2026» er et utkast")
    assert "content/referater/2026-12-01.md" in main.inner_text()
    assert "python build.py serve --utkast" in main.inner_text()
    editor = page.get_by_role("link", name="webredigeringen")
    assert editor.get_attribute("href") == "/admin/#/collections/referater/entries/2026-12-01"
    assert "Fant ikke siden" not in main.inner_text()
    assert page.locator("header.site-header, .site-header").count() >= 1  # the site's own page
    widths = page.locator("main .document-body p").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)")
    assert len(widths) == 3 and max(widths) < 800, widths  # lines of a readable length
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    assert result.response["violations"] == [], result.response["violations"]
    status, html = plain_preview.get("referater/2026-12-02/")
    assert status == 404 and "Fant ikke siden" in html and "er et utkast" not in html
    status, html = plain_preview.get("referater/2025-05-14/")
    assert status == 200 and "er et utkast" not in html
