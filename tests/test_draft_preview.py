"""The draft preview (``serve --utkast``): drafts as they will look, marked as drafts.

The same drafts as :mod:`test_drafts` are built with ``drafts=True`` (what the preview does):
each draft gets its page with a Norwegian banner and «Utkast:» in the title, is listed where
published documents are listed, and published pages carry no banner.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_drafts import DRAFTS

from politiradet.pipeline import Paths, build

BANNER = "Utkast – ikke publisert"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("forhandsvisning")
    content = root / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    for name, text in DRAFTS.items():
        (content / name).write_text(text, encoding="utf-8")
    report = build(Paths(content=content, out=root / "site"), "/", use_cache=False, drafts=True)
    assert report.drafts == 0
    return root / "site"


def _page(site: Path, address: str) -> str:
    return (site / address / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("address, title", [
    ("referater/utkast-qwerty", "Qwertyreferat fra et hemmelig møte"),
    ("oppfolgingspunkter/2031-1", "Oppfølgingspunkt 2031-1: Qwertypunkt om noe"),
    ("avtaler/qwerty-avtale", "Qwertyavtale 2031"),
])
def test_each_draft_has_its_page_marked_as_draft(preview: Path, address: str, title: str) -> None:
    html = _page(preview, address)
    assert f"<title>Utkast: {title}" in html
    assert BANNER in html


@pytest.mark.parametrize("address", ["referater/2025-05-14", "oppfolgingspunkter/2025-1",
                                     "avtaler/avtale-2023", ""])
def test_published_pages_have_no_banner(preview: Path, address: str) -> None:
    html = (preview / address / "index.html").read_text(encoding="utf-8")
    assert BANNER not in html and "<title>Utkast:" not in html


@pytest.mark.parametrize("address, listed", [
    ("ar/2031", "Qwertyreferat fra et hemmelig møte"),
    ("temaer/salto", "Qwertyavtale 2031"),
    ("omrader/alna", "Qwertyreferat fra et hemmelig møte"),
    ("oppfolgingspunkter", "Qwertypunkt om noe som ikke er vedtatt"),
])
def test_drafts_are_listed_with_a_mark(preview: Path, address: str, listed: str) -> None:
    html = _page(preview, address)
    assert listed in html
    after = html[html.index(listed):]
    assert after.index('<span class="draft-tag">Utkast</span>') < after.index("</h")


def test_a_draft_status_update_shows_on_the_point(preview: Path) -> None:
    assert "Qwertystatus" in _page(preview, "oppfolgingspunkter/2025-1")
