"""Mentions: a topic's or an area's page, feed and counts list the documents that mention it
(from the registry's names, inflected and folded) apart from those about it, and the count
on an area's page is what the site's search finds for its name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import Served, built_site, serve_folder

from politiradet.stages.mentions import Names, mentioned, name_forms


def _names(**names: str) -> Names:
    return Names(tuple((key.replace("_", ":", 1), form) for key, name in names.items()
                       for form in name_forms(name)))


NAMES = _names(omrade_furuset="Furuset", omrade_gronland="Grønland og Tøyen",
               omrade_alna="Bydel Alna", omrade_grorud="Grorud (prioritert område)",
               tema_salto="SaLTo", tema_ipo="Innsats i prioriterte områder (IPO)",
               tema_barn="Barne- og ungdomskriminalitet", omrade_ost="Enhet øst")


@pytest.mark.parametrize(("text", "expected"), [
    ("På Furuset har det vært en del hendelser.", ["omrade:furuset"]),
    ("Furusets nærmiljø", ["omrade:furuset"]),                       # genitive
    ("FURUSET", ["omrade:furuset"]),
    ("Grønland og Tøyen (videreført)", ["omrade:gronland"]),
    ("Gronland", ["omrade:gronland"]), ("Groenland", ["omrade:gronland"]),
    ("på Tøyen torg", ["omrade:gronland"]),
    ("i Alna bydel", ["omrade:alna"]), ("Bydel Alna", ["omrade:alna"]),
    ("Grorud", ["omrade:grorud"]),                                      # without the note
    ("SaLTo-konferansen i mai", ["tema:salto"]),
    ("nye IPO-satsinger", ["tema:ipo"]),
    ("ungdomskriminaliteten øker", ["tema:barn"]),
    ("barnehagen", []),                                                 # «Barne-» is no word
    ("Enhet øst og enhet sentrum", ["omrade:ost"]),
    ("Enhet østover", ["omrade:ost"]),                                  # last word: a prefix
    ("enhetlig øst", []), ("furu og set", []), ("Salt og pepper", []),
])
def test_mentions_follow_the_names_as_search_does(text: str, expected: list[str]) -> None:
    assert list(mentioned(text, NAMES)) == expected


MENTIONS = """---
tittel: Referat fra møte 2. februar 2026
dato: 2026-02-02
motetype: møte
temaer: [beredskap]
omrader: []
kilde:
  tittel: Referat Politirådet i Oslo 02.02.2026
---
Bydelen orienterte om Furusets nærmiljø og om SaLTo-konferansen.
"""
NOT_MENTIONED = """---
tittel: Referat fra møte 3. mars 2026
dato: 2026-03-03
motetype: møte
temaer: [beredskap]
omrader: []
kilde:
  tittel: Referat Politirådet i Oslo 03.03.2026
---
Furu og gran i parken; salt på veiene.
"""
DRAFT = MENTIONS.replace("dato: 2026-02-02", "dato: 2026-02-03\nutkast: true").replace(
    "2. februar", "3. februar")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("nevnt"), "/a/b/",
                      {"referater/2026-02-02.md": MENTIONS,
                       "referater/2026-03-03.md": NOT_MENTIONED,
                       "referater/2026-02-03.md": DRAFT})


def _soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text("utf-8"), "html.parser")


def _listed(soup: BeautifulSoup, heading: str) -> list[str]:
    section = soup.find(id=heading)
    if section is None:
        return []
    return [a["href"] for a in section.parent.select(".document-list__title a")]


def test_area_page_lists_documents_about_it_and_apart_those_mentioning_it(site: Path) -> None:
    furuset = _soup(site, "omrader/furuset/index.html")
    assert _listed(furuset, "dokumenter-heading") == ["/a/b/referater/2025-05-14/"]
    assert _listed(furuset, "nevnt-heading") == ["/a/b/referater/2026-02-02/"]
    assert furuset.select_one("#dokumenter-heading").get_text() == "Om Furuset"
    # an area includes its sub-areas: Bydel Alna lists what mentions Furuset
    alna = _soup(site, "omrader/alna/index.html")
    assert _listed(alna, "nevnt-heading") == ["/a/b/referater/2026-02-02/"]


def test_topic_page_and_counts_include_mentions(site: Path) -> None:
    salto = _soup(site, "temaer/salto/index.html")
    assert _listed(salto, "nevnt-heading") == ["/a/b/referater/2026-02-02/"]
    assert "/a/b/referater/2026-03-03/" not in str(salto)
    areas = " ".join(_soup(site, "omrader/index.html").get_text(" ").split())
    assert "Furuset prioritert område, 2 dokumenter" in areas, areas
    home = " ".join(_soup(site, "index.html").get_text(" ").split())
    assert "SaLTo 4 dokumenter" in home, home


def test_feeds_carry_mentioning_documents_and_drafts_stay_out(site: Path) -> None:
    feed = (site / "omrader/furuset/feed.xml").read_text("utf-8")
    assert "Referat fra møte 2. februar 2026" in feed and "14. mai 2025" in feed
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml"):
            assert "3. februar 2026" not in path.read_text("utf-8"), path


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    with serve_folder(site, "/a/b/") as served:
        yield served


@pytest.mark.browser
def test_the_count_on_an_area_page_is_what_search_finds_for_its_name(
        page: Any, served: Served, site: Path) -> None:
    furuset = _soup(site, "omrader/furuset/index.html")
    listed = set(_listed(furuset, "dokumenter-heading") + _listed(furuset, "punkter-heading")
                 + _listed(furuset, "nevnt-heading"))
    page.goto(served.base + "sok/?q=Furuset")
    page.locator("#sok-status", has_text="treff").wait_for()
    found = page.evaluate("""() => [...document.querySelectorAll('.search-result')]
        .filter(r => !/^(Tema|Område)/.test(r.querySelector('.search-result__meta')
                                              ?.textContent.trim() ?? ''))
        .map(r => r.querySelector('a').getAttribute('href'))""")
    assert set(found) == listed and len(found) == len(listed) == 2


def test_mentions_intro_names_what_it_refers_to(site: Path) -> None:
    """«Bydel Alna eller områdene i det … merket med det» gave a bydel the neuter pronoun and
    left «det» pointing at nothing; the intro names the area and its sub-areas outright."""
    def intro(page: str) -> str:
        heading = _soup(site, page).find(id="nevnt-heading")
        assert heading is not None
        return " ".join(heading.find_next("p").get_text().split())
    assert intro("omrader/alna/index.html") == (
        "Dokumenter og oppfølgingspunkter som nevner Bydel Alna eller områdene i Bydel Alna "
        "i teksten uten å være merket med dem.")
    assert intro("omrader/furuset/index.html") == (
        "Dokumenter og oppfølgingspunkter som nevner Furuset i teksten uten å være merket med "
        "området.")


BYDELER = _names(omrade_nordstrand="Bydel Nordstrand",
                 omrade_sondre="Bydel Søndre Nordstrand", omrade_frogner="Bydel Frogner")


@pytest.mark.parametrize(("text", "expected"), [
    # the real minutes of 14 May 2025 name only Søndre Nordstrand; Bydel Nordstrand's page
    # listed them as mentioning Nordstrand, a different bydel
    ("Frogner, Gamle Oslo og Søndre Nordstrand informerer", ["omrade:frogner", "omrade:sondre"]),
    ("bydelene Nordstrand, Østensjø og Søndre Nordstrand", ["omrade:nordstrand", "omrade:sondre"]),
    ("Nordstrand", ["omrade:nordstrand"]),
])
def test_a_name_inside_a_longer_registry_name_is_not_a_mention_of_its_own(
        text: str, expected: list[str]) -> None:
    assert list(mentioned(text, BYDELER)) == expected
