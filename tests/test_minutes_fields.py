"""The minutes' people (``til_stede``, ``forfall``, ``referent``) on the page and in open data,
built from a real content folder with the real CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from conftest import build_fixture, built_site, open_data_documents

PEOPLE = """---
tittel: Referat fra møte 3. desember 2026
dato: 2026-12-03
motetype: møte
til_stede:
  - byrådsleder Anne Lindboe
  - Ole Sæverud, politimester
forfall:
  - byråd for kultur og næring
referent: rådgiver Siri Dahl
temaer: []
omrader: []
kilde:
  tittel: Referat fra møte i Politirådet 3. desember 2026
---
## 1. Orientering

Politiet orienterte.
"""


def _open_data(site: Path) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in open_data_documents(site)}


def test_people_are_shown_on_the_minutes_page_and_in_open_data(tmp_path: Path) -> None:
    site = built_site(tmp_path, extra={"referater/2026-12-03.md": PEOPLE})
    page = BeautifulSoup((site / "referater/2026-12-03/index.html").read_text("utf-8"),
                         "html.parser")
    section = page.find("section", class_="participants")
    assert section is not None and section.h2.get_text() == "Deltakere"
    terms = [dt.get_text() for dt in section.find_all("dt")]
    assert terms == ["Til stede", "Forfall", "Referent"]
    listed = [li.get_text() for li in section.find_all("li")]
    assert listed == ["byrådsleder Anne Lindboe", "Ole Sæverud, politimester",
                      "byråd for kultur og næring"]
    assert "rådgiver Siri Dahl" in section.get_text()
    record = _open_data(site)["2026-12-03"]
    assert record["til_stede"] == ["byrådsleder Anne Lindboe", "Ole Sæverud, politimester"]
    assert record["forfall"] == ["byråd for kultur og næring"]
    assert record["referent"] == "rådgiver Siri Dahl"
    other = BeautifulSoup((site / "referater/2025-05-14/index.html").read_text("utf-8"),
                          "html.parser")
    assert other.find("section", class_="participants") is None
    assert "til_stede" not in _open_data(site)["2025-05-14"]


def test_people_must_be_a_list_of_lines(tmp_path: Path) -> None:
    wrong = PEOPLE.replace("til_stede:\n  - byrådsleder Anne Lindboe\n  - Ole Sæverud, "
                           "politimester\n", "til_stede: byrådsleder Anne Lindboe\n")
    _, result = build_fixture(tmp_path, extra={"referater/2026-12-03.md": wrong})
    assert result.code == 1
    assert "referater/2026-12-03.md:5:" in result.err and "«til_stede» skal være en liste" \
        in result.err, result.err


CLOSING = """---
tittel: Referat fra møte 3. desember 2026
dato: 2026-12-03
motetype: møte
temaer: []
omrader: []
kilde:
  tittel: Referat fra møte i Politirådet 3. desember 2026
---
## 1. Situasjonen i sentrum øst

Politiet orienterte om utviklingen.

::: vedtak
Politirådet ber bydelen og politiet legge fram en felles statusrapport i neste møte.
:::

## 2. Oppfølgingspunkter

::: status 2025-1 avsluttet
Kunnskapsdelingen er på plass, og punktet er fullført.
:::

::: vedtak
Punkt 2025-1 avsluttes.
:::
"""


def test_decisions_are_listed_and_a_status_block_closes_its_point(tmp_path: Path) -> None:
    site = built_site(tmp_path, extra={"referater/2026-12-03.md": CLOSING})
    page = BeautifulSoup((site / "referater/2026-12-03/index.html").read_text("utf-8"),
                         "html.parser")
    blocks = page.select("section.decision")
    assert [b["id"] for b in blocks] == ["vedtak-1", "vedtak-2"]
    assert blocks[0].p.get_text() == "Vedtak" and "felles statusrapport" in blocks[0].get_text()
    listed = page.find("h2", id="vedtak-heading").find_parent("section").select("li a")
    assert [(a["href"], a.get_text()) for a in listed] == [
        ("#vedtak-1", "Politirådet ber bydelen og politiet legge fram en felles statusrapport "
                      "i neste møte."), ("#vedtak-2", "Punkt 2025-1 avsluttes.")]
    assert "punktet er avsluttet" in page.find("section", id="status-2025-1").p.get_text()
    point = BeautifulSoup((site / "oppfolgingspunkter/2025-1/index.html").read_text("utf-8"),
                          "html.parser")
    assert point.find("dt", string="Status").find_next("dd").get_text() == "Avsluttet"
    last = point.select("li.timeline__item")[-1]
    assert "Avsluttet i dette møtet" in last.get_text() and "3. desember 2026" in \
        last.get_text()
    closed = (site / "oppfolgingspunkter/avsluttet/index.html").read_text("utf-8")
    assert "/oppfolgingspunkter/2025-1/" in closed
    assert "2025-1" not in (site / "oppfolgingspunkter/folges-opp/index.html").read_text("utf-8")
    records = _open_data(site)
    assert records["2025-1"]["avsluttet"] is True
    assert [d["nummer"] for d in records["2026-12-03"]["vedtak"]] == [1, 2]
    assert records["2026-12-03"]["vedtak"][1]["url"].endswith("/referater/2026-12-03/#vedtak-2")


def test_without_the_closing_word_the_point_stays_open(tmp_path: Path) -> None:
    site = built_site(tmp_path, extra={"referater/2026-12-03.md": CLOSING.replace(
        "::: status 2025-1 avsluttet", "::: status 2025-1")})
    assert _open_data(site)["2025-1"]["avsluttet"] is False
    assert "2025-1" in (site / "oppfolgingspunkter/folges-opp/index.html").read_text("utf-8")


LATER = """---
tittel: Referat fra møte 11. mars 2027
dato: 2027-03-11
motetype: møte
temaer: []
omrader: []
kilde:
  tittel: Referat fra møte i Politirådet 11. mars 2027
---
## 1. Oppfølgingspunkter

::: status 2025-1
Nytt om punktet.
:::
"""


def test_a_status_after_the_closing_one_is_reported_with_the_fix(tmp_path: Path) -> None:
    _, result = build_fixture(tmp_path, extra={"referater/2026-12-03.md": CLOSING,
                                               "referater/2027-03-11.md": LATER})
    assert result.code == 1
    assert ("referater/2027-03-11.md:12:1: oppfølgingspunkt 2025-1 ble avsluttet i "
            ) in result.err, result.err
    assert "referater/2026-12-03.md:20 (3. desember 2026)" in result.err
    assert "flytt «avsluttet» fra den blokken til den siste statusen" in result.err
    assert "2026-12-03.md:12" not in result.err


def test_only_the_closing_word_may_follow_the_point(tmp_path: Path) -> None:
    _, result = build_fixture(tmp_path, extra={"referater/2026-12-03.md": CLOSING.replace(
        "::: status 2025-1 avsluttet", "::: status 2025-1 ferdig")})
    assert result.code == 1
    assert ("referater/2026-12-03.md:20:1: «::: status 2025-1 ferdig»: etter punktet kan bare "
            "«avsluttet» stå. Skriv «::: status 2025-1 avsluttet»") in result.err, result.err


def test_the_decisions_page_lists_every_meetings_decisions(tmp_path: Path) -> None:
    site = built_site(tmp_path, extra={"referater/2026-12-03.md": CLOSING})
    page = BeautifulSoup((site / "vedtak/index.html").read_text("utf-8"), "html.parser")
    (meeting,) = page.select("section.decisions-of-meeting")
    assert meeting.h2.a["href"].endswith("/referater/2026-12-03/")
    assert [a["href"].rsplit("/", 1)[-1] for a in meeting.select("li a")] == [
        "#vedtak-1", "#vedtak-2"]
    minutes = BeautifulSoup((site / "referater/2026-12-03/index.html").read_text("utf-8"),
                            "html.parser")
    assert minutes.find("a", string="Alle vedtak, møte for møte")["href"].endswith("/vedtak/")
    assert "/vedtak/" in (site / "sitemap.xml").read_text("utf-8")
