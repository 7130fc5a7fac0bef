"""What the pages call things: a seminar's summary is a «Seminaroppsummering» in search and on
its page, the pager says «Neste seminar» when the next one is a seminar, date ranges are
Babel intervals («29.–30. januar 2026»), and counts say documents and points apart."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import built_site

SEMINAR = """---
tittel: Oppsummering fra seminar 29.–30. januar 2026
dato: "2026-01-29"
sluttdato: "2026-01-30"
motetype: seminar
temaer: [salto]
omrader: []
kilde:
  tittel: Oppsummering fra seminar
  format: PDF
---
Seminaret drøftet SaLTo.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("ord"), "/a/b/",
                      {"referater/2026-01-29.md": SEMINAR})


def _soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text("utf-8"), "html.parser")


def _text(element: Any) -> str:
    return " ".join(element.get_text(" ").split())


def _record(site: Path, url: str) -> dict[str, Any]:
    for path in (site / "pagefind").glob("*/fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        if data["url"] == url:
            return dict(data)
    raise AssertionError(f"{url} er ikke i søkeindeksen")


def test_search_calls_a_seminar_summary_so(site: Path) -> None:
    record = _record(site, "/referater/2026-01-29/")
    assert record["meta"]["type"] == "Seminaroppsummering"
    assert record["filters"]["type"] == ["Seminaroppsummering"]
    assert _record(site, "/referater/2025-05-14/")["meta"]["type"] == "Referat"


def test_seminar_page_names_its_kind_and_its_days_as_one_interval(site: Path) -> None:
    page = _soup(site, "referater/2026-01-29/index.html")
    assert _text(page.select_one(".document__kicker")) == "Seminaroppsummering"
    assert "Dato 29.–30. januar 2026" in _text(page.select_one(".facts"))


def test_pager_says_what_the_neighbour_is(site: Path) -> None:
    pager = _soup(site, "referater/2025-05-14/index.html").select_one(".pager")
    assert pager["aria-label"] == "Forrige og neste møte eller seminar"
    labels = [_text(label) for label in pager.select(".pager__label")]
    assert labels == ["Forrige møte", "Neste seminar"]
    first = _soup(site, "referater/2016-01-12/index.html").select_one(".pager")
    assert first["aria-label"] == "Forrige og neste møte"
    assert [_text(label) for label in first.select(".pager__label")] == ["Neste møte"]


def test_topic_cards_count_documents_and_points_apart(site: Path) -> None:
    home = _soup(site, "index.html")
    cards = {_text(card.select_one(".pkt-linkcard__title")):
             _text(card.select_one(".pkt-linkcard__text")) for card in home.select(".pkt-linkcard")}
    assert cards["Beredskap"].endswith("1 oppfølgingspunkt"), cards
    assert not any("punkter" in text and "oppfølgingspunkter" not in text
                   for text in cards.values()), cards
    assert not any(" eller punkt" in text for text in cards.values()), cards
    topics = _text(_soup(site, "temaer/index.html").select_one("main"))
    assert "oppfølgingspunkt)" in topics and "dokumenter og punkter" not in topics
