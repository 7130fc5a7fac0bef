"""The importer refuses hostile files quickly: packing bombs, too many paragraphs or pages,
huge content streams, damaged or entity-expanding XML, and a reader that runs too long is
killed with everything it started (``limits``, ``isolate``, ``read_docx``, ``read_pdf``)."""

from __future__ import annotations

import io
import signal
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli
from docx import Document
from importer_fixtures import pdf_bytes

from politiradet.importer import limits, read_pdf
from politiradet.importer.errors import ImportRefused, TooComplex
from politiradet.importer.isolate import OutOfTime, run_program, run_reader
from politiradet.importer.read_docx import check_package

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TITLE = "<w:p><w:r><w:t>Referat Politirådet i Oslo 11.09.2025</w:t></w:r></w:p>"
TOO_COMPLEX = "filen er for stor eller for kompleks til å leses"


def _word() -> bytes:
    document = Document()
    document.add_heading("Referat Politirådet i Oslo 11.09.2025", level=1)
    document.add_paragraph("Dagsorden ble godkjent.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx(body: str = "", *, xml: str | None = None, stored: bool = False) -> bytes:
    """A real Word file (python-docx) whose document part is replaced."""
    part = xml if xml is not None else (f'<?xml version="1.0" encoding="UTF-8"?><w:document '
                                        f"{W}><w:body>{TITLE}{body}</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_word())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "word/document.xml":
                target.writestr(info.filename, part.encode("utf-8"),
                                zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED, 9)
            else:
                target.writestr(info, source.read(info))
    return out.getvalue()


def _laughs() -> str:
    """«Billion laughs»: each entity ten of the one before."""
    entities = "".join(f'<!ENTITY l{n + 1} "{f"&l{n};" * 10}">' for n in range(9))
    return (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "ha">{entities}]>'
            f"<w:document {W}><w:body>{TITLE}<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>"
            f"</w:body></w:document>")


TEXT = b"BT /F1 12 Tf 72 720 Td (Referat 11.09.2025) Tj ET\n"
COMMENT = TEXT + b"% " + b"x" * 49_000_000 + b"\n"
PARAGRAPHS = "".join(f'<w:p w:rsidR="{n:08X}"/>' for n in range(200_000))
"""200 000 empty paragraphs, each with Word's revision id (so the part packs only ~20 times)."""

def _encrypted_part() -> bytes:
    """A Word file with one part flagged as encrypted (a zip password), as some tools make:
    the flag set in the part's local header and in the central directory."""
    data = bytearray(_word())
    name = b"word/styles.xml"
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at:start + name_at + len(name)] == name:
                data[start + flags_at] |= 0x1
            start += 4
    return bytes(data)


HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "docx-kryptert-del": ("referat.docx", _encrypted_part,
                          "passordbeskyttet (delen word/styles.xml er kryptert)"),
    "docx-pakkebombe": ("referat.docx", lambda: _docx(
        "<w:p><w:r><w:t>" + "a" * 300_000_000 + "</w:t></w:r></w:p>"),
        "delen word/document.xml er 300 MB utpakket, grensen er 20 MB"),
    "docx-pakkeforhold": ("referat.docx", lambda: _docx(
        "<w:p><w:r><w:t>" + "a" * 3_000_000 + "</w:t></w:r></w:p>"), "mer enn 100 ganger"),
    "docx-200000-avsnitt": ("referat.docx", lambda: _docx(PARAGRAPHS),
                            "mer enn 10\u00a0000 avsnitt"),
    "docx-elementer": ("referat.docx", lambda: _docx(
        "<w:p>" + "".join(f'<w:r w:rsidR="{n:08X}"/>' for n in range(250_000)) + "</w:p>"),
        "mer enn 200\u00a0000 XML-elementer"),
    "docx-nosting": ("referat.docx", lambda: _docx(
        "<w:tbl>" * 100 + "</w:tbl>" * 100), "nøstet mer enn 64 nivåer"),
    "docx-feil-xml": ("referat.docx", lambda: _docx(
        "<w:p><w:r><w:t>Tekst</w:r></w:t></w:p>"), "ikke gyldig XML (mismatched tag"),
    "docx-entitetsbombe": ("referat.docx", lambda: _docx(xml=_laughs()),
                           "dokumenttypedeklarasjon (DTD)"),
    "docx-ekstern-entitet": ("referat.docx", lambda: _docx(xml=(
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        f"<w:document {W}><w:body>{TITLE}<w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body>"
        f"</w:document>")), "dokumenttypedeklarasjon (DTD)"),
    "pdf-49-mb-kommentar": ("referat.pdf", lambda: pdf_bytes(COMMENT),
                            "innholdet på side 1 er mer enn 4 MB utpakket"),
    "pdf-pakket-kommentar": ("referat.pdf", lambda: pdf_bytes(COMMENT, flate=True),
                             "innholdet på side 1 er mer enn 4 MB utpakket"),
    "pdf-5000-sider": ("referat.pdf", lambda: pdf_bytes(TEXT, pages=5000), "mer enn 200 sider"),
    "tekst-100000-avsnitt": ("referat.txt", lambda: b"Referat 11.09.2025\n\n"
                             + b"Ord.\n\n" * 100_000, "grensen er 20\u00a0000 avsnitt"),
}


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.timeout(90)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_quickly(name: str, valid_content: Path,
                                         tmp_path: Path) -> None:
    file_name, make, detail = HOSTILE[name]
    source = tmp_path / file_name
    source.write_bytes(make())
    assert source.stat().st_size < 50_000_000
    before = _listing(valid_content)
    result = run_cli("import", source, "--content", valid_content, "--id", "fiendtlig")
    assert result.code == 1, result.out
    assert detail in result.err, result.err
    assert "Ingenting ble skrevet" in result.err and "Traceback" not in result.err
    assert _listing(valid_content) == before


@pytest.mark.timeout(120)
def test_a_file_larger_than_an_original_may_be_is_not_imported(valid_content: Path,
                                                               tmp_path: Path) -> None:
    """50 MB (decimal, as check counts a PDF in content/kilder/): a PDF of 50.1 MB passed the
    import's 50 MiB, and «--behold-original» copied a file that check then refused."""
    source = tmp_path / "referat.pdf"
    source.write_bytes(pdf_bytes(TEXT, padding=50_100_000))
    before = _listing(valid_content)
    result = run_cli("import", source, "--content", valid_content, "--behold-original")
    assert result.code == 1, result.out
    assert "filen er større enn 50 MB" in result.err, result.err
    assert _listing(valid_content) == before


def test_every_part_counts_towards_the_total(monkeypatch: pytest.MonkeyPatch) -> None:
    """The python-docx template alone unpacks to about 0.9 MB (its styles twice)."""
    with zipfile.ZipFile(io.BytesIO(_word())) as archive:
        check_package(archive)
        monkeypatch.setattr("politiradet.importer.read_docx.DOCX_MAX_TOTAL_BYTES", 500_000)
        with pytest.raises(TooComplex, match="utpakket, grensen er 500 kB"):
            check_package(archive)


def test_ordinary_word_file_is_read_in_a_child_process() -> None:
    document = run_reader("docx", _word(), limits.DOCX_SECONDS)
    assert [block.text for block in document.blocks] == [
        "Referat Politirådet i Oslo 11.09.2025", "Dagsorden ble godkjent."]


@pytest.mark.timeout(60)
def test_reader_out_of_time_is_killed_and_refused() -> None:
    """9 000 paragraphs of 4 runs each pass every limit (153 000 XML elements in the
    document, under DOCX_MAX_ELEMENTS with the template's other parts: 16 runs each were
    refused by that count whenever it finished within the 0.5 s, on an idle machine), and
    take mammoth seconds (6.7 s here)."""
    run = '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">ord </w:t></w:r>'
    slow = _docx(("<w:p>" + run * 4 + "</w:p>") * 9_000, stored=True)  # packs 240:1 else
    with pytest.raises(ImportRefused, match=f"{TOO_COMPLEX} \\(lesingen tok mer enn 1 "
                       "sekund\\)\\. Lagre den på nytt fra Word"):
        run_reader("docx", slow, 0.5)


@pytest.mark.timeout(60)
def test_pdf_is_read_within_the_time_for_its_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """One child counts the pages and then reads them within 20 s and 2 s a page (the parent
    waits as long as the most pages can take): with no time for a page, 40 pages are stopped,
    and the earlier alarm (pytest-timeout's) is put back."""
    monkeypatch.setattr(read_pdf, "PDF_SECONDS", 0)
    monkeypatch.setattr(read_pdf, "PDF_SECONDS_PER_PAGE", 0.00001)  # 0.4 ms for 40 pages:
    # at 1 ms a page an idle machine read the 40 short pages within the 40 ms
    data = pdf_bytes(TEXT, pages=40)
    started = time.monotonic()
    with pytest.raises(OutOfTime):
        read_pdf.read_text_layer(data)
    assert time.monotonic() - started < 5
    assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 60


def test_ordinary_pdf_is_counted_and_read_in_one_child_process() -> None:
    pages, document = run_reader("pdf", pdf_bytes(TEXT, pages=2), limits.PDF_SECONDS)
    assert pages == 2
    assert [block.text for block in document.blocks] == [  # a sentence goes on over a page
        "Referat 11.09.2025 Referat 11.09.2025"]


def _state(pid: int) -> str:
    """The process's state letter, or "" when it is gone (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return ""
    return "" if state in ("Z", "X") else state


@pytest.mark.timeout(60)
def test_what_the_reader_started_is_killed_with_it(tmp_path: Path) -> None:
    """As ocrmypdf starts tesseract: the program's whole process group is killed."""
    started = tmp_path / "pid"
    script = f"sleep 300 & echo $! > {started}.tmp && mv {started}.tmp {started}; wait"
    with pytest.raises(TimeoutError):
        run_program(["sh", "-c", script], b"", 5)
    pid = int(started.read_text())
    while _state(pid):  # SIGKILL is delivered at once; the pytest timeout bounds the wait
        time.sleep(0.05)
