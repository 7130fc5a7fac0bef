"""The minutes' people (``til_stede``, ``forfall``, ``referent``) on the page and in open data,
built from a real content folder with the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from conftest import build_fixture, built_site

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
    lines = (site / "data/dokumenter.jsonl").read_text("utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


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
