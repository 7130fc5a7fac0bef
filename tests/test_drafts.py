"""Drafts (``utkast: true``) are checked but appear nowhere in the built site.

Three drafts, one of each kind, carry the marker «qwerty» in every field that reaches some
output (title, body, source title, signatory, planned meeting, status update, link, year,
area and topic). Every file of the built site is scanned, the Pagefind bundle decompressed,
and the search page asked in Chromium.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Served, build_fixture, serve_folder

BASE = "/sub/path/"
MARKER = b"qwerty"
DRAFTS = {
    "referater/utkast-qwerty.md": """\
---
tittel: Qwertyreferat fra et hemmelig møte
dato: 2031-06-01
motetype: møte
temaer: [beredskap]
omrader: [alna]
utkast: true
kilde:
  tittel: Qwertykilde
  utgiver: Qwertyutgiver
planlagte_moter:
  - {dato: 2031-07-01, motetype: seminar}
vedlegg:
  - {tittel: Qwertyvedlegg, lenke: 2025-05-14.md}
---
## Qwertyoverskrift

Qwertyordet i teksten, med en lenke til [møtet i mai](2025-05-14.md) og til
[punkt 1](../oppfolgingspunkter/2025-1.md).

::: status 2025-1
Qwertystatus: punktet er hemmelig fulgt opp.
:::
""",
    "oppfolgingspunkter/2031-1.md": """\
---
tittel: Qwertypunkt om noe som ikke er vedtatt
dato: 2031-06-01
seminar: 2031
nummer: 1
temaer: [salto]
omrader: [furuset]
utkast: true
kilde:
  tittel: Qwertykilde for punktet
---
Qwertytekst for punktet.
""",
    "avtaler/qwerty-avtale.md": """\
---
tittel: Qwertyavtale 2031
dato: 2031-01-01
avtaletype: politirådsavtale
gyldig_fra: 2031
gyldig_til: 2032
signatarer:
  - {navn: Qwerty Signatar, rolle: Qwertyrolle}
temaer: [salto]
omrader: [oslo-politidistrikt]
utkast: true
kilde:
  tittel: Qwertyavtalekilde
---
Qwertyavtaletekst.
""",
}
DRAFT_ADDRESSES = [b"utkast-qwerty", b"2031-1", b"qwerty-avtale", b"ar/2031", b"referater/utkast/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, result = build_fixture(tmp_path_factory.mktemp("utkast"), BASE, DRAFTS)
    assert result.code == 0, result.err
    assert "(4 utkast ikke publisert)" in result.out
    return out


def _readable(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzip or zlib data (Pagefind's index)."""
    data = path.read_bytes()
    for decompress in (gzip.decompress, zlib.decompress):
        try:
            return data + decompress(data)
        except (OSError, EOFError, zlib.error):
            continue
    return data


def test_drafts_are_valid_content_and_count_as_drafts(site: Path) -> None:
    assert (site / "index.html").is_file()


def test_no_draft_page_exists(site: Path) -> None:
    for address in ("referater/utkast-qwerty", "oppfolgingspunkter/2031-1",
                    "avtaler/qwerty-avtale", "ar/2031", "referater/utkast"):
        assert not (site / address).exists(), address


def test_no_file_of_the_site_mentions_a_draft(site: Path) -> None:
    files = sorted(path for path in site.rglob("*") if path.is_file())
    assert any("pagefind" in path.parts for path in files), "søkeindeksen mangler"
    assert {path.suffix for path in files} >= {".html", ".xml", ".json", ".ics", ".css"}
    bundle = b"".join(_readable(path).lower() for path in files if "pagefind" in path.parts)
    assert b"beredskapsetaten" in bundle, "søkeindeksen ble ikke pakket ut"
    leaks = []
    for path in files:
        data = _readable(path).lower()
        found = [word for word in (MARKER, b"zyxwvutkastord", *DRAFT_ADDRESSES) if word in data]
        if found:
            leaks.append(f"{path.relative_to(site)}: {found}")
    assert leaks == []


def test_draft_status_update_and_backlinks_are_absent(site: Path) -> None:
    point = (site / "oppfolgingspunkter/2025-1/index.html").read_text(encoding="utf-8")
    meeting = (site / "referater/2025-05-14/index.html").read_text(encoding="utf-8")
    assert "Qwertystatus" not in point and "Beredskapsetaten følger opp" in point
    assert "Qwerty" not in meeting


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    with serve_folder(site, BASE) as server:
        yield server


@pytest.mark.browser
@pytest.mark.parametrize("query", ["Qwertyordet", "Qwertypunkt", "Qwertyavtale",
                                   "Qwertystatus", "Zyxwvutkastord"])
def test_search_finds_no_draft(page: Any, served: Served, query: str) -> None:
    page.goto(f"{served.base}sok/?q={query}")
    status = page.locator("#sok-status")
    status.filter(has_text="treff").wait_for()
    assert status.inner_text().startswith("Ingen treff"), status.inner_text()
    assert page.errors == []


@pytest.mark.browser
def test_search_still_finds_published_text(page: Any, served: Served) -> None:
    """The check above is meaningful: the same search finds a published document."""
    page.goto(f"{served.base}sok/?q=Beredskapsetaten")
    page.locator("#sok-status", has_text="treff").wait_for()
    assert page.locator("#sok-status").inner_text().startswith("2 treff")
