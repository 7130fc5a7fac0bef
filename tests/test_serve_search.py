"""The search page of `build.py serve` while a save is built under it.

The preview publishes the site again after every save (the pages, then the search index: two
swaps), so a search page that is still reading the index can find a file of it gone or changed
under the same name. It must then load the index anew and answer as if nothing had happened:
never a status left empty, never «Søket kunne ikke lastes», never too few results. Chromium
holds back the page's request for one file of the delta until the next save is built (a real
save, a real build, a real swap), then lets it go to the server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import copy_fixture
from test_serve import TIMEOUT_MS, Preview, start_preview, stop_preview, wait_until

REFERAT = "referater/2025-05-14.md"
WORD = "xylofonkurs"
HELD = {
    "entry": r"/pagefind/endring/pagefind-entry\.json",
    "meta": r"/pagefind/endring/pagefind\.[^/]+\.pf_meta$",
    "chunk": r"/pagefind/endring/index/",
    "fragment": r"/pagefind/endring/fragment/",
}
"""The delta's files a search reads, each a file the next save's build replaces."""


@pytest.fixture
def preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Preview]:
    """A preview whose search index has a delta: the referat, saved with :data:`WORD`."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "cache"))
    running = start_preview(tmp_path, copy_fixture("gyldig", tmp_path))
    try:
        wait_until(lambda: _builds(running) >= 1)
        _save(running, f"OPD orienterte om SaLTo og {WORD}.")
        yield running
    finally:
        stop_preview(running)


def _builds(preview: Preview) -> int:
    """Builds finished so far, search index included (the server's «Bygget …» lines)."""
    return preview.out.read_text(encoding="utf-8").count("Bygget ")


def _save(preview: Preview, sentence: str) -> None:
    """Save the referat with *sentence* in place of its first one, and wait for the build."""
    builds = _builds(preview)
    text = (preview.content / REFERAT).read_text(encoding="utf-8")
    (preview.content / REFERAT).write_text(
        re.sub(r"OPD orienterte om SaLTo[^\n]*?\.", sentence, text, count=1), encoding="utf-8")
    wait_until(lambda: _builds(preview) > builds or preview.proc.poll() is not None)
    assert preview.proc.poll() is None, preview.stderr()


def _site(preview: Preview) -> Path:
    """The preview's site folder (in its temporary folder, under the test's TMPDIR)."""
    [site] = preview.tmp.glob("politiradet-forhandsvisning-*/site")
    return site


@pytest.mark.browser
@pytest.mark.parametrize("held", HELD)
def test_a_search_answers_when_a_save_replaces_the_index_it_is_reading(
        preview: Preview, page: Any, held: str) -> None:
    replaced: list[str] = []

    def save_first(route: Any) -> None:
        """Before the first such request reaches the server, save and build again."""
        if not replaced:
            file = _site(preview) / urlsplit(route.request.url).path.lstrip("/")
            before = file.read_bytes()
            _save(preview, f"OPD orienterte om SaLTo og {WORD} med marimba.")
            assert not file.is_file() or file.read_bytes() != before, "filen ble ikke byttet"
            replaced.append(route.request.url)
        route.continue_()

    page.context.route(re.compile(HELD[held]), save_first)
    page.goto(f"{preview.base}sok/?q={WORD}")
    status = page.locator("#sok-status")
    page.wait_for_function(
        "() => /treff|kunne ikke/.test(document.getElementById('sok-status').textContent)",
        timeout=TIMEOUT_MS)
    assert replaced, "siden ba ikke om filen"
    assert status.text_content() == f"1 treff for «{WORD}»."
    links = [link.get_attribute("href") for link in page.locator(".search-result a").all()]
    assert links == ["/referater/2025-05-14/"]
