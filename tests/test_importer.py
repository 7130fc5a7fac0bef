"""``python build.py import``: real seed texts, real .docx and .pdf files, real bad files."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from importer_fixtures import LETTERHEAD, source_parts, write_docx, write_pdf
from importer_roundtrip import Tally, body, matched_share, sentences, status_ids

from politiradet.importer.command import prepare
from politiradet.importer.context import ArchiveContext, load_context

SEEDS = ROOT / "tests" / "fixtures" / "frotekster"
"""The council's own minutes and agreements as text (OCR and Word exports), as they came."""
CONTENT = ROOT / "content"
ARCHIVED = {
    "000": "referater/2025-05-14.md",
    "001": "referater/2026-01-29.md",
    "002": "avtaler/politiradsavtale-2023-2025.md",
    "003": "referater/2016-01-12.md",
    "004": "avtaler/samarbeidsdokument-2017.md",
}
FIVE = sorted(ARCHIVED.values())
MIN_SENTENCE_SHARE = 0.95


@pytest.fixture(scope="module")
def context() -> ArchiveContext:
    return load_context(CONTENT, ROOT / "schema")


def _seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert found, f"fant ikke frøteksten {prefix} i {SEEDS}"
    return found[0]


def _assert_round_trip(source: Path, archived: str, context: ArchiveContext) -> str:
    reference = (CONTENT / archived).read_text(encoding="utf-8")
    draft = prepare(source, context, slug=Path(archived).stem + "-import")
    found, wanted = sentences(body(draft.text)), sentences(body(reference))
    assert matched_share(found, wanted) >= MIN_SENTENCE_SHARE, "for få setninger fra arkivet"
    assert matched_share(wanted, found) >= MIN_SENTENCE_SHARE, "for mange fremmede setninger"
    assert status_ids(draft.text) == status_ids(reference)
    assert "\nutkast: true\n" in draft.text
    return draft.text


@pytest.mark.parametrize("prefix", sorted(ARCHIVED))
def test_seed_text_round_trip(prefix: str, context: ArchiveContext) -> None:
    _assert_round_trip(_seed(prefix), ARCHIVED[prefix], context)


@pytest.mark.parametrize("archived", FIVE)
def test_docx_round_trip(archived: str, context: ArchiveContext, tmp_path: Path) -> None:
    source = write_docx(CONTENT / archived, tmp_path / "referat.docx")
    text = _assert_round_trip(source, archived, context)
    reference = (CONTENT / archived).read_text(encoding="utf-8")
    for note in re.findall(r"^\[\^\d+\]: .{40}", reference, flags=re.MULTILINE):
        assert note in text, "fotnoten fra Word mangler"
    assert reference.count("[^1]") == text.count("[^1]")


@pytest.mark.browser
@pytest.mark.parametrize("archived", FIVE)
def test_pdf_round_trip(archived: str, context: ArchiveContext, tmp_path: Path,
                        browser: Any) -> None:
    source = write_pdf(browser, CONTENT / archived, tmp_path / "referat.pdf")
    text = _assert_round_trip(source, archived, context)
    assert "Side 1 av" not in text and LETTERHEAD not in text


def test_repairs_only_into_real_words(context: ArchiveContext, tmp_path: Path) -> None:
    source = tmp_path / "ocr.txt"
    source.write_text("Referat Politiradet i Oslo 14.05.2025\n\n1. Orientering fra Enhet gst\n\n"
                      "Politiet gnsker & mote kommunen pa Grgnland. Xqzv er uendret.\n",
                      encoding="utf-8")
    draft = prepare(source, context, slug="ocr-test")
    assert "Enhet øst" in draft.text and "ønsker å møte kommunen på Grønland" in draft.text
    assert "Xqzv" in draft.text
    repairs = {(r.before, r.after) for r in draft.report.repairs}
    assert {("gst", "øst"), ("Grgnland", "Grønland"), ("&", "å")} <= repairs
    assert "gst → øst" in draft.report.text()
    assert "- 1 overskrift (saker og avsnitt)" in draft.report.text()  # Babel's plural rule


def test_footnote_words_are_looked_up_like_the_body(context: ArchiveContext,
                                                    tmp_path: Path) -> None:
    """«gråtrast» is in the Norwegian word list only: a footnote keeps it as the body would."""
    archived = tmp_path / "fotnote.md"
    archived.write_text("---\nkilde:\n  tittel: Referat Politirådet i Oslo 14.05.2025\n---\n\n"
                        "## 1. Sak\n\nFuglen i parken er grå.[^1]\n\n"
                        "[^1]: Fuglen i parken er en gråtrast.\n", encoding="utf-8")
    draft = prepare(write_docx(archived, tmp_path / "fotnote.docx"), context, slug="fotnote")
    assert "[^1]: Fuglen i parken er en gråtrast." in draft.text
    assert draft.report.repairs == ()


def test_status_for_unknown_point_is_reported_not_invented(context: ArchiveContext,
                                                           tmp_path: Path) -> None:
    source = tmp_path / "referat.txt"
    source.write_text("Referat Politirådet i Oslo 12.06.2025\n\n"
                      "1. Oppfølgingspunkter fra politirådets seminar 2025\n\n"
                      "Pkt. 2\nArbeidet med Oslostandarden går videre.\n\n"
                      "Pkt. 9\nDette punktet finnes ikke.\n\n2. Eventuelt\n\nIngen saker.\n",
                      encoding="utf-8")
    draft = prepare(source, context, slug="punkt-test")
    assert status_ids(draft.text) == ["2025-2"]
    assert "Dette punktet finnes ikke." in draft.text
    assert "2025-9" in draft.report.text() and "ikke finnes i arkivet" in draft.report.text()


def test_metadata_suggestions(context: ArchiveContext) -> None:
    draft = prepare(_seed("001"), context, slug="seminar-test")
    suggestions = draft.report.suggestions
    assert suggestions.meeting_type == "seminar"
    assert (suggestions.dates.start.isoformat(), suggestions.dates.end.isoformat()) == (  # type: ignore[union-attr]
        "2026-01-29", "2026-01-30")
    assert 'sluttdato: "2026-01-30"' in draft.text
    seed_2025 = prepare(_seed("000"), context, slug="mote-test")
    assert [m.date.isoformat() for m in seed_2025.report.suggestions.planned] == ["2025-06-12"]
    assert ("EXIN", 2) in seed_2025.report.suggestions.unknown_abbreviations


def test_seminar_over_a_month_boundary_is_dated(context: ArchiveContext,
                                                 tmp_path: Path) -> None:
    """«30. januar–1. februar 2028» in the title gives both days (the draft was dated the day
    of the import, and the title had no date)."""
    source = tmp_path / "seminar.txt"
    title = "Oppsummering fra seminar med Politirådet i Oslo 30. januar–1. februar 2028"
    source.write_text(f"{title}\n\n1. Innledning\n\nPolitirådet drøftet samarbeidet.\n",
                      encoding="utf-8")
    draft = prepare(source, context, slug="seminar-over-to-maneder")
    assert 'dato: "2028-01-30"\nsluttdato: "2028-02-01"\n' in draft.text
    assert draft.report.suggestions.title == title
    assert "dato: 30. januar–1. februar 2028 (seminar)" in draft.report.text()


TOPIC_FLOOR = (0.70, 0.70)
AREA_FLOOR = (0.95, 0.95)
"""(precision, recall) the suggestions reach on this archive with its tags as of the rule
«merk det dokumentet drøfter»: measured 0.73/0.74 for topics and 1.00/1.00 for areas (0.60
before a substantial paragraph about a place tagged it when the place was named once)."""


def test_tagging_precision_and_recall(context: ArchiveContext, tmp_path: Path) -> None:
    """Suggested topics and areas against the archive's own tags, all twelve documents.

    Each document's text (its original title line and body, without the front matter that
    holds the tags) is imported as a text file.
    """
    topics, areas = Tally(), Tally()
    for path in sorted(CONTENT.glob("*/*.md")):
        own, text = source_parts(path)
        source = tmp_path / f"{path.stem}.txt"
        source.write_text(f"{own['kilde']['tittel']}\n\n{text}", encoding="utf-8")
        kind = "avtale" if path.parent.name == "avtaler" else "referat"
        draft = prepare(source, context, kind=kind, slug=path.stem + "-import")
        suggestions = draft.report.suggestions
        topics = topics.add({m.slug for m in suggestions.topics}, set(own["temaer"]))
        areas = areas.add({m.slug for m in suggestions.areas}, set(own["omrader"]))
    print(f"temaer: presisjon {topics.precision:.2f}, gjenkalling {topics.recall:.2f}; "
          f"områder: presisjon {areas.precision:.2f}, gjenkalling {areas.recall:.2f}")
    assert topics.precision >= TOPIC_FLOOR[0] and topics.recall >= TOPIC_FLOOR[1]
    assert areas.precision >= AREA_FLOOR[0] and areas.recall >= AREA_FLOOR[1]


# --- the command as an editor runs it ------------------------------------------------------

@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _moved(seed: str, before: str, after: str, folder: Path) -> Path:
    """The seed text with its meeting moved to another day (one meeting has one referat)."""
    text = _seed(seed).read_text(encoding="utf-8")
    assert before in text
    return _written(folder / f"{seed}.txt", text.replace(before, after, 1))


def test_cli_writes_a_draft_that_passes_check(content: Path, tmp_path: Path) -> None:
    source = _moved("000", "14.05.2025", "15.05.2025", tmp_path)
    result = run_cli("import", source, "--content", content, "--id", "2025-05-15-kopi")
    assert result.code == 0, result.err
    written = content / "referater" / "2025-05-15-kopi.md"
    assert "utkast: true" in written.read_text(encoding="utf-8")
    assert "Importerte" in result.out and "skannefeil rettet" in result.out
    assert str(written.name) in result.out
    check = run_cli("check", "--content", content)
    assert check.code == 0, check.err


def test_the_archive_is_validated_once_per_import(content: Path) -> None:
    """The import loads and validates the archive once: each document that passed is marked
    known valid, so the draft's check validates only the draft; one that failed is not."""
    broken = content / "referater" / "2016-01-12.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("motetype: møte",
                                                                 "motetype: mote", 1),
                      encoding="utf-8")
    raw = load_context(content, ROOT / "schema").raw
    assert {doc.path for doc in raw.documents if not doc.known_valid} == {
        "referater/2016-01-12.md"}


def test_cli_never_overwrites(content: Path, tmp_path: Path) -> None:
    before = _listing(content)
    source = _moved("003", "12.01.2016", "13.01.2016", tmp_path)
    result = run_cli("import", source, "--content", content, "--id", "2016-01-12")
    assert result.code == 1
    assert "finnes allerede" in result.err and "overskriver aldri" in result.err
    assert "Traceback" not in result.err
    assert _listing(content) == before


def test_cli_refuses_a_second_referat_of_one_meeting(content: Path) -> None:
    """The same minutes imported again: said plainly, not as a draft that fails the check."""
    before = _listing(content)
    result = run_cli("import", _seed("003"), "--content", content, "--id", "ny-kopi")
    assert result.code == 1
    assert "referater/2016-01-12.md er allerede referatet fra møte 12. januar 2016" \
        in result.err, result.err
    assert "feil i importen" not in result.err and _listing(content) == before


def _encrypted_docx(tmp_path: Path) -> bytes:
    import msoffcrypto.format.ooxml

    plain = write_docx(CONTENT / FIVE[0], tmp_path / "plain.docx")
    out = io.BytesIO()
    with plain.open("rb") as handle:
        msoffcrypto.format.ooxml.OOXMLFile(handle).encrypt("hemmelig", out)
    return out.getvalue()


def _encrypted_pdf(tmp_path: Path, browser: Any) -> bytes:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(browser, CONTENT / FIVE[0], tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt("hemmelig")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _truncated_docx(tmp_path: Path) -> bytes:
    data = write_docx(CONTENT / FIVE[0], tmp_path / "whole.docx").read_bytes()
    return data[: len(data) // 2]


def _zip_not_word() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bilde.txt", "ikke et Word-dokument")
    return out.getvalue()


BAD_FILES: dict[str, tuple[str, Any, str]] = {
    "tom": ("referat.txt", lambda tmp, browser: b"", "er tom"),
    "tom-pdf": ("referat.pdf", lambda tmp, browser: b"  \n", "er tom"),
    "gammel-word": ("referat.doc", lambda tmp, browser: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                    + b"\0" * 600, "gamle Word-formatet"),
    "doc-som-docx": ("referat.docx", lambda tmp, browser: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                     + b"\0" * 600, "gamle Word-formatet"),
    "kryptert-word": ("referat.docx", lambda tmp, browser: _encrypted_docx(tmp),
                      "passordbeskyttet"),
    "kryptert-pdf": ("referat.pdf", _encrypted_pdf, "passordbeskyttet"),
    "skadet-word": ("referat.docx", lambda tmp, browser: _truncated_docx(tmp), "skadet"),
    "skadet-pdf": ("referat.pdf", lambda tmp, browser: b"%PDF-1.7\n1 0 obj <<\n garbage",
                   "skadet"),
    "zip-som-docx": ("referat.docx", lambda tmp, browser: _zip_not_word(),
                     "ikke et Word-dokument"),
    "pdf-som-docx": ("referat.docx", lambda tmp, browser: write_pdf(
        browser, CONTENT / FIVE[0], tmp / "x.pdf").read_bytes(), "men er en PDF"),
    "docx-som-pdf": ("referat.pdf", lambda tmp, browser: write_docx(
        CONTENT / FIVE[0], tmp / "x.docx").read_bytes(), "men er et Word-dokument"),
    "tekst-som-pdf": ("referat.pdf", lambda tmp, browser: b"Referat 14.05.2025\n",
                      "men er en tekstfil"),
    "binaer": ("referat.txt", lambda tmp, browser: bytes(range(256)) * 4,
               "verken tekst, PDF eller Word"),
    "ukjent-endelse": ("referat.rtf", lambda tmp, browser: b"{\\rtf1 Referat}",
                       "kan ikke importeres"),
}


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_is_refused_clearly(name: str, content: Path, tmp_path: Path,
                                      browser: Any) -> None:
    file_name, make, message = BAD_FILES[name]
    source = tmp_path / file_name
    source.write_bytes(make(tmp_path, browser))
    before = _listing(content)
    result = run_cli("import", source, "--content", content)
    assert result.code == 1, result.out
    assert message in result.err, result.err
    assert "Ingenting ble skrevet" in result.err and "Traceback" not in result.err
    assert _listing(content) == before


def test_missing_file_is_refused(content: Path, tmp_path: Path) -> None:
    result = run_cli("import", tmp_path / "finnes-ikke.docx", "--content", content)
    assert result.code == 1 and "fant ikke filen" in result.err


NOT_FILES: dict[str, tuple[Any, str]] = {
    "mappe": (Path.mkdir, "men en mappe"),
    "fifo": (lambda path: os.mkfifo(path), "navngitt rør (FIFO)"),
}


@pytest.mark.parametrize("name", sorted(NOT_FILES))
def test_what_is_not_a_file_is_named_and_never_opened(name: str, content: Path,
                                                      tmp_path: Path) -> None:
    """The archive's file policy: a FIFO would block a plain read for ever."""
    make, message = NOT_FILES[name]
    source = tmp_path / "referat.txt"
    make(source)
    before = _listing(content)
    result = run_cli("import", source, "--content", content)
    assert result.code == 1 and message in result.err, result.err
    assert "Ingenting ble skrevet" in result.err and _listing(content) == before


# --- minutes written the secretariat's way ------------------------------------------------

def _secretariat_docx(target: Path) -> Path:
    """A Word file as the secretariat writes one: header lines, «Sak N:» agenda items in
    bold, a Word-numbered list, a table, italics, and «Pkt. N» statuses."""
    from docx import Document

    document = Document()
    document.add_heading("Referat Politirådet i Oslo 11.09.2025", level=1)
    for line in ("Tid: 11. september 2025 kl. 09.00–11.00", "Sted: Rådhuset, møterom 3",
                 "Til stede: byrådsleder, politimester, byråd for utdanning"):
        document.add_paragraph(line)
    sak = document.add_paragraph()
    sak.add_run("Sak 1: Godkjenning av dagsorden").bold = True
    document.add_paragraph("Dagsorden ble godkjent uten merknader.")
    sak = document.add_paragraph()
    sak.add_run("Sak 2: Oppfølgingspunkter fra politirådets seminar 2025").bold = True
    document.add_paragraph("Pkt. 3")
    document.add_paragraph("Handlingsplanen mot radikalisering er vedtatt og følges opp i "
                           "SaLTo-nettverket.")
    document.add_paragraph("Pkt. 5")
    intro = document.add_paragraph("Innsatsen på Furuset i Bydel Alna fortsetter, og "
                                   "bydelen møter politiet på Furuset hver måned. ")
    intro.add_run("Evalueringen kommer i desember.").italic = True
    sak = document.add_paragraph()
    sak.add_run("Sak 3: Kriminalitetsbildet").bold = True
    for item in ("Færre anmeldelser av vold enn i fjor.", "Flere saker om hatkriminalitet."):
        document.add_paragraph(item, style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, (left, right) in enumerate((("Lovbrudd", "Endring"), ("Vold", "-4 %"),
                                         ("Ran", "+2 %"))):
        table.cell(row, 0).text, table.cell(row, 1).text = left, right
    document.add_paragraph("Neste møte er den 6. november.")
    document.save(str(target))
    return target


def test_secretariat_docx_becomes_a_structured_draft(content: Path, tmp_path: Path) -> None:
    source = _secretariat_docx(tmp_path / "referat 11.09.2025.docx")
    result = run_cli("import", source, "--content", content)
    assert result.code == 0, result.err
    text = (content / "referater" / "2025-09-11.md").read_text(encoding="utf-8")
    for expected in ("## Sak 1: Godkjenning av dagsorden", "**Sted:** Rådhuset, møterom 3",
                     "til_stede:\n  - byrådsleder\n  - politimester\n",
                     "::: status 2025-3\nHandlingsplanen",
                     "### [Pkt. 5](../oppfolgingspunkter/2025-5.md)",
                     "*Evalueringen kommer i desember.*", "1. Færre anmeldelser",
                     "2. Flere saker", "| Lovbrudd | Endring |", "| Vold | -4 % |",
                     'sted: Rådhuset, møterom 3', 'dato: "2025-11-06"',
                     "format: Word", "utkast: true"):
        assert expected in text, expected
    assert "omrader: [furuset]" in text  # not also Bydel Alna, which Furuset lies in
    assert "2025-3, 2025-5" in result.out and "planlagt møte: 2025-11-06" in result.out
    assert run_cli("check", "--content", content).code == 0


# --- scanned PDFs ---------------------------------------------------------------------------

def _scanned_pdf(browser: Any, target: Path) -> Path:
    """A PDF with only a picture of the text, as a scanner makes it."""
    import base64

    context = browser.new_context()
    page = context.new_page()
    page.set_content("<html lang=nb><meta charset=utf-8><body style='font:18px DejaVu Sans;"
                     "width:760px;padding:30px'><h1>Referat Politirådet i Oslo 12.06.2025</h1>"
                     "<p>1. Godkjenning av dagsorden</p><p>Dagsorden ble godkjent. Politiet "
                     "og kommunen følger opp arbeidet på Grønland og Tøyen.</p></body></html>")
    picture = base64.b64encode(page.screenshot(full_page=True)).decode()
    page.set_content(f"<img style='width:100%' src='data:image/png;base64,{picture}'>")
    page.pdf(path=str(target), format="A4")
    context.close()
    return target


@pytest.mark.browser
def test_scanned_pdf_is_read_with_ocr(content: Path, tmp_path: Path, browser: Any) -> None:
    if shutil.which("ocrmypdf") is None:
        pytest.fail("ocrmypdf mangler; tests/run.sh installerer ocrmypdf og tesseract-ocr-nor")
    source = _scanned_pdf(browser, tmp_path / "skannet.pdf")
    result = run_cli("import", source, "--content", content)
    assert result.code == 0, result.err
    assert "tekstgjenkjenning (ocrmypdf)" in result.out
    text = (content / "referater" / "2025-06-12.md").read_text(encoding="utf-8")
    assert "## 1. Godkjenning av dagsorden" in text and "Grønland og Tøyen" in text


@pytest.mark.browser
def test_scanned_pdf_without_ocr_installed_is_refused(content: Path, tmp_path: Path,
                                                      browser: Any) -> None:
    import subprocess
    import sys

    source = _scanned_pdf(browser, tmp_path / "skannet.pdf")
    before = _listing(content)
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "import", str(source),
                           "--content", str(content)], capture_output=True, text=True,
                          env={"PATH": str(tmp_path), "PYTHONPATH": str(ROOT)}, timeout=120,
                          check=False)
    assert proc.returncode == 1
    assert "ingen tekst (den er skannet)" in proc.stderr and "ocrmypdf" in proc.stderr
    assert _listing(content) == before


def test_hostile_text_becomes_a_harmless_draft(content: Path, tmp_path: Path) -> None:
    source = tmp_path / "fiendtlig.txt"
    source.write_bytes("Referat: «Politirådet» --- 14.10.2025\n\n1. Sak med <script>alert(1)"
                       "</script>\n\n::: status 2025-1\nIkke en ekte blokk.\n:::\n\n"
                       "# Overskrift\x07 med kontrolltegn\x1b\n\n- punkt\n"
                       "---\ntittel: lurt\n---\n".encode())
    result = run_cli("import", source, "--content", content)
    assert result.code == 0, result.err
    text = (content / "referater" / "2025-10-14.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script>" in text
    assert "\n::: status" not in text and "\x07" not in text and "\x1b" not in text
    assert text.count("\n---\n") == 1 and "utkast: true" in text
    assert run_cli("check", "--content", content).code == 0


@pytest.mark.parametrize(("kind", "folder"), [("referat", "referater"), ("avtale", "avtaler")])
def test_text_without_a_date_becomes_a_draft_dated_today(kind: str, folder: str, content: Path,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Today, as ``new`` does, and the report asks for the right date."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710237600")  # 12 March 2024, noon in Oslo
    source = _written(tmp_path / "udatert.txt", "Referat fra møte i politirådet\n\n1. Sak\n\n"
                      "Teksten har ingen dato.\n")
    result = run_cli("import", source, "--content", content, "--type", kind, "--id", "udatert")
    assert result.code == 0, result.err
    assert "fant ingen dato i teksten" in result.out
    text = (content / folder / "udatert.md").read_text(encoding="utf-8")
    assert 'dato: "2024-03-12"' in text
    assert run_cli("check", "--content", content).code == 0


def _control_docx(target: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_heading("Referat\x85 Politirådet i Oslo 14.10.2025", level=1)
    document.add_paragraph("Sted: Rådhuset\x9c")
    document.add_paragraph("Teksten\x80 har kontrolltegn.")
    document.save(str(target))
    return target


CONTROL_SOURCES: dict[str, Any] = {
    "tekst": lambda tmp: _written(tmp / "kontroll.txt", "Referat Politirådet i Oslo 14.10.2025"
                                  "\n\n1. Sak\n\nTekst med NEL\x85 her og \ufffe der.\n"),
    "word": lambda tmp: _control_docx(tmp / "kontroll.docx"),
}


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(CONTROL_SOURCES))
def test_characters_the_archive_refuses_are_removed(name: str, content: Path,
                                                   tmp_path: Path) -> None:
    """C1 controls (U+0080–U+009F) and U+FFFE, in the body and in the front matter."""
    result = run_cli("import", CONTROL_SOURCES[name](tmp_path), "--content", content)
    assert result.code == 0, result.err
    text = (content / "referater" / "2025-10-14.md").read_text(encoding="utf-8")
    assert not re.search("[\x80-\x9f\ufffe]", text)
    assert run_cli("check", "--content", content).code == 0
