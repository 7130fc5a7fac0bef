"""/oppfolgingspunkter/ filtered by status and seminar year on static pages (no JavaScript
needed); optional «ansvarlig» and «frist» shown when given."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import built_site, open_data_documents

CLOSED = """---
tittel: Felles kartlegging av uteområder
dato: 2026-02-01
seminar: 2026
nummer: 1
vedtatt: "2026-01-29"
avsluttet: true
ansvarlig: Oslo politidistrikt og Bydel Alna
frist: 2026-06-30
temaer: [salto]
omrader: []
kilde:
  tittel: Oppsummering fra seminaret 2026
---
Kartleggingen gjøres sammen.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("points"), "/a/",
                      {"oppfolgingspunkter/2026-1.md": CLOSED})


def _soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text("utf-8"), "html.parser")


def _listed(soup: BeautifulSoup) -> list[str]:
    return [span.get_text() for span in soup.select("main .point-number")]


@pytest.mark.parametrize(("path", "expected", "heading"), [
    ("oppfolgingspunkter", ["2026-1", "2025-1"], "Oppfølgingspunkter"),
    ("oppfolgingspunkter/folges-opp", ["2025-1"], "Oppfølgingspunkter: følges opp"),
    ("oppfolgingspunkter/avsluttet", ["2026-1"], "Oppfølgingspunkter: avsluttet"),
    ("oppfolgingspunkter/seminar/2025", ["2025-1"], "Oppfølgingspunkter: fra seminaret 2025"),
    ("oppfolgingspunkter/avsluttet/2026", ["2026-1"],
     "Oppfølgingspunkter: avsluttet, fra seminaret 2026"),
    ("oppfolgingspunkter/avsluttet/2025", [], "Oppfølgingspunkter: avsluttet, fra seminaret 2025"),
])
def test_each_filter_is_a_page_of_its_own(site: Path, path: str, expected: list[str],
                                          heading: str) -> None:
    soup = _soup(site, path)
    assert _listed(soup) == expected
    assert soup.find("h1").get_text() == heading
    current = [a.get_text() for a in soup.select(".point-filter [aria-current=page]")]
    assert len(current) == 2, current  # one choice per group, marked for screen readers
    if not expected:
        assert "Ingen oppfølgingspunkter passer med dette utvalget." in soup.get_text()


def test_filter_links_combine_status_and_year_with_counts(site: Path) -> None:
    soup = _soup(site, "oppfolgingspunkter/avsluttet")
    links = {a.get_text(): a["href"] for a in soup.select(".point-filter a")}
    assert links == {"Alle (2)": "/a/oppfolgingspunkter/",
                     "Følges opp (1)": "/a/oppfolgingspunkter/folges-opp/",
                     "Avsluttet (1)": "/a/oppfolgingspunkter/avsluttet/",
                     "Alle år (1)": "/a/oppfolgingspunkter/avsluttet/",
                     "2026 (1)": "/a/oppfolgingspunkter/avsluttet/2026/",
                     "2025 (0)": "/a/oppfolgingspunkter/avsluttet/2025/"}
    for href in links.values():
        assert (site / href.removeprefix("/a/") / "index.html").is_file(), href


def test_responsible_and_deadline_are_shown_only_when_given(site: Path) -> None:
    closed = " ".join(_soup(site, "oppfolgingspunkter/2026-1").find("dl").get_text(" ").split())
    assert "Ansvarlig Oslo politidistrikt og Bydel Alna" in closed
    assert "Frist 30. juni 2026" in closed
    assert "Vedtatt På seminaret 29. januar 2026" in closed
    open_point = _soup(site, "oppfolgingspunkter/2025-1").find("dl").get_text()
    assert "Ansvarlig" not in open_point and "Frist" not in open_point


def test_open_data_carries_origin_responsible_and_deadline(site: Path) -> None:
    record = next(d for d in open_data_documents(site) if d["id"] == "2026-1")
    assert (record["vedtatt"], record["ansvarlig"], record["frist"]) == (
        "2026-01-29", "Oslo politidistrikt og Bydel Alna", "2026-06-30")
