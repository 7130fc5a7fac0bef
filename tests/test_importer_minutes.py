"""``python build.py import`` on minutes shaped as other secretaries write them: letterheads,
title lines, header lines, «Pkt. N» with Word's scaffolding, planned meetings in running text.

Each shape is imported from a real Word file and from a PDF printed by Chromium, through the
command the editor runs; the draft must pass ``check`` and need nothing fixed by hand.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from minutes_shapes import Line, bullet, heading, text, title, write

CONTENT = ROOT / "content"
FORMS = ["docx", pytest.param("pdf", marks=pytest.mark.browser)]
Imported = dict[str, tuple[str, str]]
"""Draft and report of each imported month."""

DECEMBER = [
    text("Oslo kommune"),
    text("Byrådsavdeling for arbeid, integrering og sosiale tjenester"),
    title("Referat fra møte i Politirådet 3. desember 2026"),
    text("Tid: 3. desember 2026 kl. 13.00–15.00"),
    text("Sted: Politihuset, Grønlandsleiret 44"),
    text("Møteleder: direktør i Beredskapsetaten Kari Nordmann"),
    text("Til stede: byrådsleder Anne Lindboe, Ole Sæverud, politimester, direktør i "
         "Beredskapsetaten, bydelsdirektør i Bydel Gamle Oslo"),
    text("Forfall: byråd for kultur og næring"),
    text("Referent: rådgiver Siri Dahl"),
    heading("Sak 1: Godkjenning av innkalling og dagsorden"),
    text("Innkalling og dagsorden ble godkjent."),
    heading("Sak 2: Situasjonen i sentrum øst"),
    text("Politiet orienterte om utviklingen på Grønland og Tøyen det siste halvåret. Det er "
         "færre meldinger om åpen omsetning av narkotika, men flere unge oppholder seg i "
         "området om kvelden. Bydelen og politiet har styrket patruljeringen og utvidet "
         "åpningstidene på fritidsklubben."),
    text("Vedtak: Politirådet ber bydelen og politiet legge fram en felles statusrapport i "
         "neste møte."),
    heading("Sak 3: Oppfølgingspunkter fra politirådets seminar 2025"),
    text("Pkt. 2 Oslostandarden for samarbeid"),
    text("Status: Arbeidet med Oslostandarden er fullført, og standarden er tatt i bruk i "
         "alle bydeler."),
    text("Pkt. 4"),
    text("Rapport om ungdom som begår gjentatt kriminalitet"),
    text("Status: Barne- og familieetaten har levert rapporten, og den drøftes i neste møte."),
    heading("Sak 4: Eventuelt"),
    text("Neste møte holdes 4. mars. Seminaret i 2027 holdes 21.–22. januar."),
]
"""A December meeting: a two-line letterhead, a Heading 1 title, header lines, statuses in
Word's «Pkt. N – title – Status:» form, a meeting and a seminar in one paragraph (the
meeting's year left out, the seminar's range in another sentence's year)."""

SEPTEMBER = [
    text("Oslo politidistrikt · Sekretariatet for politirådet"),
    text("Vår ref.: 27/4411"),
    heading("Politirådet i Oslo – referat fra møtet 16.09.2027"),
    text("Møtested: Rådhuset, bystyresalen"),
    text("Til stede:"),
    bullet("Kari Nordmann, direktør i Beredskapsetaten"),
    bullet("bydelsdirektør i Bydel Alna"),
    text("Forfall: ingen"),
    heading("1. Orientering fra politiet"),
    text("Politiet orienterte om flere ran av ungdom ved Vestli senter i sommer. Bydelen har "
         "satt inn natteravner og utekontakter, og politiet har hatt faste patruljer ved "
         "t-banestasjonen om kvelden. Antallet anmeldte ran er nå lavere enn i fjor."),
    text("Vedtak:"),
    bullet("Politiet og bydelen fortsetter patruljene ved t-banestasjonen."),
    bullet("Saken tas opp igjen i neste møte."),
    text("Politiet har også sett en økning i mindre tyverier i hele Groruddalen, blant annet "
         "i Stovner, Grorud, Bjerke og Alna, men tallene er fremdeles lave sammenlignet med "
         "resten av byen og gir ikke grunn til egne tiltak nå."),
    heading("2. Møteplan"),
    bullet("Neste møte: 25.11.2027"),
    text("Ekstraordinært møte om beredskap holdes 9. desember. Seminaret avholdes "
         "2.–3. februar 2028."),
]
"""An autumn meeting: a one-line letterhead of the police with a reference line, a bold title
line with a numeric date, one place as a paragraph's subject and four in an enumeration,
numeric and textual planned dates, a range that is a seminar."""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _import(lines: list[Line], form: str, content: Path, tmp_path: Path, name: str
            ) -> tuple[str, str]:
    """Import the minutes as the editor does; return the draft and the report."""
    source = write(lines, form, tmp_path, name)
    before = set(content.rglob("*.md"))
    result = run_cli("import", source, "--content", content)
    assert result.code == 0, result.err
    (written,) = set(content.rglob("*.md")) - before
    assert run_cli("check", "--content", content).code == 0
    return written.read_text(encoding="utf-8"), result.out


@pytest.fixture(scope="module", params=FORMS)
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Imported:
    """DECEMBER and SEPTEMBER, each imported once per form into one copy of the archive (the
    meetings are on different days): draft and report by month."""
    tmp_path = tmp_path_factory.mktemp(f"referater-{request.param}")
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    return {"december": _import(DECEMBER, request.param, content, tmp_path,
                                "Referat 3.12.2026"),
            "september": _import(SEPTEMBER, request.param, content, tmp_path,
                                 "politirådet september")}


def _front(draft: str) -> str:
    return draft.split("\n---\n", 1)[0]


def _body(draft: str) -> str:
    return draft.split("\n---\n", 1)[1]


def _status(draft: str, point: str) -> str:
    match = re.search(rf"^::: status {point}\n(.*?)\n:::$", draft, re.MULTILINE | re.DOTALL)
    assert match, f"ingen statusblokk for {point}"
    return match[1]


def test_planned_meetings_each_with_its_type_and_days(imported: Imported) -> None:
    december, report = imported["december"]
    assert ('planlagte_moter:\n  - dato: "2027-01-21"\n    sluttdato: "2027-01-22"\n'
            '    motetype: seminar\n  - dato: "2027-03-04"\n    motetype: møte\n'
            ) in _front(december)
    assert "planlagt seminar: 2027-01-21–2027-01-22" in report
    assert "planlagt møte: 2027-03-04" in report
    september, _ = imported["september"]
    assert ('planlagte_moter:\n  - dato: "2027-11-25"\n    motetype: møte\n'
            '  - dato: "2027-12-09"\n    motetype: møte\n'
            '  - dato: "2028-02-02"\n    sluttdato: "2028-02-03"\n    motetype: seminar\n'
            ) in _front(september)


def test_letterhead_and_title_leave_the_text_and_are_named(imported: Imported) -> None:
    draft, report = imported["december"]
    body = _body(draft)
    assert "Oslo kommune" not in body and "Byrådsavdeling for arbeid" not in body
    assert "Referat fra møte i Politirådet" not in body
    assert body.lstrip().startswith("**Tid:**")
    assert "  tittel: Referat fra møte i Politirådet 3. desember 2026\n" in draft
    assert ("  utgiver: Oslo kommune, Byrådsavdeling for arbeid, integrering og sosiale "
            "tjenester\n") in draft
    assert ("brevhode fjernet øverst: «Oslo kommune», «Byrådsavdeling for arbeid, "
            "integrering og sosiale tjenester»") in report
    assert "tittellinjen «Referat fra møte i Politirådet 3. desember 2026»" in report
    september, report = imported["september"]
    assert "Sekretariatet" not in _body(september) and "27/4411" not in september
    assert "«Oslo politidistrikt · Sekretariatet for politirådet», «Vår ref.: 27/4411»" in report
    assert "  tittel: Politirådet i Oslo – referat fra møtet 16.09.2027\n" in september
    assert 'dato: "2027-09-16"' in september and "## Politirådet i Oslo" not in september


def test_status_blocks_hold_the_status_text_only(imported: Imported) -> None:
    draft, report = imported["december"]
    assert _status(draft, "2025-2") == ("Arbeidet med Oslostandarden er fullført, og "
                                        "standarden er tatt i bruk i alle bydeler.")
    assert _status(draft, "2025-4").startswith("Barne- og familieetaten har levert")
    assert "### [Pkt. 2](../oppfolgingspunkter/2025-2.md) – Oslostandarden for samarbeid" \
        in draft
    assert ("### [Pkt. 4](../oppfolgingspunkter/2025-4.md) – Rapport om ungdom som begår "
            "gjentatt kriminalitet") in draft
    assert "Status:" not in _body(draft)
    assert "punktets tittel står i overskriften og «Status:» er tatt bort: 2025-2, 2025-4" \
        in report


def test_a_paragraph_about_a_place_tags_it_and_a_list_does_not(imported: Imported) -> None:
    """The guide's rule: a substantial paragraph tags what it is about, even named once; a
    name in the header lines (Beredskapsetaten, Bydel Gamle Oslo) or in an enumeration of
    four districts does not."""
    december, _ = imported["december"]
    assert "omrader: [gronland-og-toyen]" in december
    assert "temaer: []" in december  # not beredskap from «direktør i Beredskapsetaten»
    september, _ = imported["september"]
    assert "omrader: [vestli]" in september  # not Stovner, Grorud, Bjerke, Alna


def test_people_become_fields_and_leave_the_text(imported: Imported) -> None:
    december, report = imported["december"]
    assert ("til_stede:\n  - byrådsleder Anne Lindboe\n  - Ole Sæverud, politimester\n"
            "  - direktør i Beredskapsetaten\n  - bydelsdirektør i Bydel Gamle Oslo\n"
            "forfall:\n  - byråd for kultur og næring\nreferent: rådgiver Siri Dahl\n"
            ) in _front(december)
    body = _body(december)
    assert "Til stede" not in body and "Forfall" not in body and "Referent" not in body
    assert "**Møteleder:** direktør i Beredskapsetaten" in body
    assert "til stede (4): byrådsleder Anne Lindboe; Ole Sæverud, politimester;" in report
    assert "flyttet fra teksten til «til_stede», «forfall» og «referent»" in report
    september, _ = imported["september"]
    assert ("til_stede:\n  - Kari Nordmann, direktør i Beredskapsetaten\n"
            "  - bydelsdirektør i Bydel Alna\n") in _front(september)
    assert "forfall:" not in september and "referent:" not in september
    assert "Til stede" not in _body(september)


def test_decisions_become_decision_blocks(imported: Imported) -> None:
    december, report = imported["december"]
    assert ("::: vedtak\nPolitirådet ber bydelen og politiet legge fram en felles "
            "statusrapport i neste møte.\n:::") in december
    assert "Vedtak:" not in december
    assert "1 vedtak («Vedtak: …») som «::: vedtak»-blokker" in report
    assert ("statusen for 2025-2 sier at arbeidet er avsluttet eller fullført: har "
            "politirådet avsluttet punktet, skriv «::: status 2025-2 avsluttet»") in report
    september, _ = imported["september"]
    assert ("::: vedtak\n- Politiet og bydelen fortsetter patruljene ved t-banestasjonen.\n"
            "- Saken tas opp igjen i neste møte.\n:::") in september


def test_without_a_title_line_the_file_name_is_kilde_tittel_and_reported(
        content: Path, tmp_path: Path) -> None:
    lines = [text("Tid: 12. oktober 2027"), heading("1. Orientering"),
             text("Politiet orienterte om situasjonen.")]
    draft, report = _import(lines, "docx", content, tmp_path, "Politirådet oktober")
    assert "  tittel: Politirådet oktober\n" in draft
    assert "fant ingen tittellinje øverst: «kilde.tittel» er filnavnet" in report


@pytest.mark.browser
def test_a_pdf_original_is_kept_on_request_and_never_overwritten(content: Path,
                                                                 tmp_path: Path) -> None:
    source = write(SEPTEMBER, "pdf", tmp_path, "politirådet september")
    plain = run_cli("import", source, "--content", content)
    assert plain.code == 0, plain.err
    assert "importer med «--behold-original»" in plain.out
    assert not (content / "kilder").exists()
    (content / "referater/2027-09-16.md").unlink()
    kept = run_cli("import", source, "--content", content, "--behold-original")
    assert kept.code == 0, kept.err
    assert (content / "kilder/2027-09-16.pdf").read_bytes() == source.read_bytes()
    assert '  fil: "2027-09-16.pdf"\n' in (content / "referater/2027-09-16.md").read_text("utf-8")
    assert "originalen er kopiert til content/kilder/2027-09-16.pdf" in kept.out
    december = write(DECEMBER, "pdf", tmp_path, "Referat 3.12.2026")
    (content / "kilder/2026-12-03.pdf").write_bytes(b"%PDF-1.4 en annen fil")
    other = run_cli("import", december, "--content", content, "--behold-original")
    assert other.code == 0, other.err
    assert (content / "kilder/2026-12-03.pdf").read_bytes() == b"%PDF-1.4 en annen fil"
    assert (content / "kilder/2026-12-03-2.pdf").read_bytes() == december.read_bytes()
    assert '  fil: "2026-12-03-2.pdf"\n' in (content / "referater/2026-12-03.md").read_text("utf-8")
    (content / "kilder/2026-12-03.pdf").unlink()  # not a real PDF: check would say so
    assert run_cli("check", "--content", content).code == 0


@pytest.mark.browser
def test_lines_repeated_on_every_page_are_named_in_the_report(tmp_path: Path,
                                                               browser: Any) -> None:
    """A PDF printed with a letterhead and «Side N av M» on each page: the report names them."""
    from importer_fixtures import LETTERHEAD
    from importer_fixtures import write_pdf as print_archived

    from politiradet.importer.command import prepare
    from politiradet.importer.context import load_context

    source = print_archived(browser, CONTENT / "referater/2025-05-14.md", tmp_path / "r.pdf")
    report = prepare(source, load_context(CONTENT, ROOT / "schema"), slug="kopi").report.text()
    assert f"«{LETTERHEAD}», «Side # av #»" in report, report
