"""``python build.py import`` on minutes in shapes the importer's own tests do not use: the
police's letterhead «Oslo politidistrikt / Staben» with a «Saksnr.» line, «Til stede:» as a
bold line over a list, and a seminar's point written «Punkt 7 – title» with «Status:» under it.

Each shape is a real Word file and a PDF printed by Chromium, imported by the command the
editor runs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from minutes_shapes import bullet, heading, text, title, write

FORMS = ["docx", pytest.param("pdf", marks=pytest.mark.browser)]

OCTOBER = [
    text("Oslo politidistrikt / Staben"),
    text("Saksnr. 27/1180"),
    title("Møtereferat Politirådet 14. oktober 2027"),
    heading("Til stede:"),
    bullet("Ole Sæverud, politimester"),
    bullet("Marte Berg, direktør i Utdanningsetaten"),
    bullet("Anne Lindboe, byrådsleder"),
    text("Referent: Nils Haugen"),
    heading("1. Godkjenning av dagsorden"),
    text("Dagsorden ble godkjent."),
    heading("2. Oppfølgingspunkter fra seminaret 2025"),
    heading("Punkt 7 – Ressurssituasjonen for Oslopolitiet"),
    text("Status: Arbeidet er avsluttet. Politidistriktet har lagt fram sin ressursrapport, "
         "og politirådet har drøftet den."),
    heading("3. Eventuelt"),
    text("Ingen saker."),
]


@pytest.fixture(scope="module", params=FORMS)
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[str, str]:
    """The draft and the report of OCTOBER imported as Word or PDF into a copy of content/."""
    folder = tmp_path_factory.mktemp(request.param)
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    source = write(OCTOBER, request.param, folder, "Referat 14.10.2027")
    result = run_cli("import", source, "--content", content)
    assert result.code == 0, result.err
    draft = (content / "referater" / "2027-10-14.md").read_text(encoding="utf-8")
    assert run_cli("check", "--content", content).code == 0
    return draft, result.out


def test_the_polices_letterhead_leaves_the_text_and_is_named(imported: tuple[str, str]
                                                              ) -> None:
    draft, report = imported
    body = draft.split("\n---\n", 1)[1]
    assert "Staben" not in body and "Saksnr" not in body
    assert "utgiver: Oslo politidistrikt, Staben" in draft
    assert "brevhode fjernet øverst: «Oslo politidistrikt / Staben», «Saksnr. 27/1180»" in report
    assert "tittel: Møtereferat Politirådet 14. oktober 2027" in draft
    assert "Møtereferat" not in body


def test_a_bold_til_stede_over_a_list_gives_the_people(imported: tuple[str, str]) -> None:
    draft, _ = imported
    assert ("til_stede:\n  - Ole Sæverud, politimester\n"
            "  - Marte Berg, direktør i Utdanningsetaten\n  - Anne Lindboe, byrådsleder\n"
            ) in draft
    assert "Til stede" not in draft.split("\n---\n", 1)[1]


def test_punkt_n_with_its_title_is_that_points_status(imported: tuple[str, str]) -> None:
    draft, report = imported
    statuses = re.findall(r"^::: status (\S+)\n(.*?)\n:::$", draft, re.MULTILINE | re.DOTALL)
    assert statuses == [("2025-7", "Arbeidet er avsluttet. Politidistriktet har lagt fram sin "
                                   "ressursrapport, og politirådet har drøftet den.")]
    assert "Pkt. 7](../oppfolgingspunkter/2025-7.md) – Ressurssituasjonen for Oslopolitiet" \
        in draft
    assert "Status:" not in draft
    assert "«::: status 2025-7 avsluttet»" in report


def test_a_status_under_no_point_number_is_not_given_to_point_1(tmp_path: Path) -> None:
    """«Status:» under a point's title with no number stays text and is reported; it was
    made point 2025-1's status, on that point's timeline."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    source = write([
        title("Referat fra Politirådet 14. oktober 2027"),
        heading("1. Oppfølgingspunkter fra seminaret 2025"),
        text("Ressurssituasjonen for Oslopolitiet"),
        text("Status: Politidistriktet har lagt fram sin ressursrapport."),
    ], "docx", tmp_path, "referat")
    result = run_cli("import", source, "--content", content)
    assert result.code == 0, result.err
    draft = (content / "referater" / "2027-10-14.md").read_text(encoding="utf-8")
    assert "::: status" not in draft
    assert "Status: Politidistriktet har lagt fram sin ressursrapport." in draft
    assert "1 «Status:»-linje under oppfølgingspunktene står ikke under et punktnummer" \
        in result.out
