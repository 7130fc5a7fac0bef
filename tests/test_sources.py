"""The original document: ``kilde.fil`` (a PDF in content/kilder/, published beside the page, size
shown) and ``kilde.url`` (https only); every unusable file is a clear error and nothing is
published."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pdfplumber
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, open_data_documents, run_cli

from politiradet.model.content import MAX_PDF_BYTES

REFERAT = "referater/2025-05-14.md"


def minimal_pdf(text: str, padding: int = 0) -> bytes:
    """A small but complete PDF 1.4 (one page of text, a correct cross-reference table)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n%" + b"\xe2\xe3\xcf\xd3" + b"\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    out += b"%" + b"0" * padding + b"\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _content(tmp_path: Path, kilde_lines: str) -> Path:
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    referat = content / REFERAT
    text = referat.read_text("utf-8")
    referat.write_text(text.replace("  tittel: Referat Politirådet i Oslo 14.05.2025\n",
                                    "  tittel: Referat Politirådet i Oslo 14.05.2025\n"
                                    + kilde_lines, 1), encoding="utf-8")
    (content / "kilder").mkdir()
    return content


def test_original_pdf_is_published_beside_the_page_with_its_size(tmp_path: Path) -> None:
    content = _content(tmp_path, "  fil: referat-2025-05-14.pdf\n"
                                 "  url: https://www.oslo.kommune.no/referat.pdf\n")
    pdf = minimal_pdf("Referat 14. mai 2025", padding=312_000)
    (content / "kilder/referat-2025-05-14.pdf").write_bytes(pdf)
    out = tmp_path / "site"
    result = run_cli("build", "--content", content, "--out", out, "--base-url", "/a/b/")
    assert result.code == 0, result.err
    published = out / "referater/2025-05-14/referat-2025-05-14.pdf"
    assert published.read_bytes() == pdf
    with pdfplumber.open(published) as opened:
        assert "Referat 14. mai 2025" in opened.pages[0].extract_text()
    soup = BeautifulSoup((out / "referater/2025-05-14/index.html").read_text("utf-8"),
                         "html.parser")
    links = {a.get_text(" ", strip=True): a["href"] for a in soup.select(".source a")}
    assert links["Originaldokument (PDF, 313 kB)"] == (
        "/a/b/referater/2025-05-14/referat-2025-05-14.pdf")
    assert links["Originaldokumentet hos utgiveren"] == "https://www.oslo.kommune.no/referat.pdf"
    assert "kilder" not in {p.name for p in out.iterdir()}, "mappen publiseres ikke som den er"
    record = next(d for d in open_data_documents(out) if d["id"] == "2025-05-14")
    assert record["originaldokument"] == (
        "https://www.oslo.kommune.no/a/b/referater/2025-05-14/referat-2025-05-14.pdf")


@pytest.mark.parametrize(("kilde", "said", "links"), [
    ("  format: PDF\n", "Originaldokumentet (PDF) er ikke publisert her.", {}),
    ("", "Originaldokumentet er ikke publisert her.", {}),
    ("  format: PDF\n  url: https://www.oslo.kommune.no/referat.pdf\n", None,
     {"Originaldokumentet hos utgiveren (PDF)": "https://www.oslo.kommune.no/referat.pdf"}),
])
def test_source_says_plainly_when_the_original_is_not_published(
        tmp_path: Path, kilde: str, said: str | None, links: dict[str, str]) -> None:
    out = tmp_path / "site"
    result = run_cli("build", "--content", _content(tmp_path, kilde), "--out", out)
    assert result.code == 0, result.err
    soup = BeautifulSoup((out / "referater/2025-05-14/index.html").read_text("utf-8"),
                         "html.parser")
    source = soup.select_one(".source")
    text = " ".join(source.get_text(" ").split())
    assert {a.get_text(" ", strip=True): a["href"] for a in source.select("a")} == links
    if said:
        assert said in text
    else:
        assert "ikke publisert" not in text
    assert "(PDF)" not in text.split("Originaldokument")[0], "«(PDF)» uten lenke"


def _check(content: Path) -> str:
    result = run_cli("check", "--content", content)
    assert result.code == 1, result.out
    assert "Traceback" not in result.err
    return result.err


@pytest.mark.parametrize(("kilde", "expected"), [
    ("  url: http://www.oslo.kommune.no/referat.pdf\n", "«url» har ugyldig form"),
    ("  url: javascript:alert(1)\n", "«url» har ugyldig form"),
    ("  fil: ../referater/2025-05-14.md\n", "«fil» har ugyldig form"),
    ("  fil: /etc/passwd.pdf\n", "«fil» har ugyldig form"),
    ("  fil: referat.pdf\n", "fant ikke originaldokumentet «referat.pdf» i content/kilder/. "
                             "Mente du «referat1.pdf»?"),
])
def test_bad_source_references_are_explained(tmp_path: Path, kilde: str, expected: str) -> None:
    content = _content(tmp_path, kilde)
    (content / "kilder/referat1.pdf").write_bytes(minimal_pdf("x"))
    assert expected in _check(content)


def test_a_file_that_is_not_a_pdf_is_refused(tmp_path: Path) -> None:
    content = _content(tmp_path, "  fil: referat.pdf\n")
    (content / "kilder/referat.pdf").write_bytes(b"<html>ikke en pdf</html>")
    (content / "kilder/notat.docx").write_bytes(b"PK\x03\x04")
    err = _check(content)
    assert "kilder/referat.pdf:1:1: filen heter .pdf, men er ikke en PDF" in err
    assert "kilder/notat.docx:1:1: filen «notat.docx» i content/kilder/ er ikke en PDF" in err
    assert "fant ikke originaldokumentet" not in err, "samme feil meldes bare én gang"


def test_a_pdf_too_large_is_refused(tmp_path: Path) -> None:
    content = _content(tmp_path, "  fil: stor.pdf\n")
    with (content / "kilder/stor.pdf").open("wb") as handle:
        handle.write(minimal_pdf("x"))
        handle.truncate(MAX_PDF_BYTES + 1)  # sparse: no 50 MB written to disk
    assert "kilder/stor.pdf:1:1: PDF-filen er for stor (høyst 50 MB)" in _check(content)


def test_a_link_out_of_the_sources_folder_is_refused(tmp_path: Path) -> None:
    content = _content(tmp_path, "  fil: lenke.pdf\n")
    outside = tmp_path / "hemmelig.pdf"
    outside.write_bytes(minimal_pdf("hemmelig"))
    os.symlink(outside, content / "kilder/lenke.pdf")
    out = tmp_path / "site"
    result = run_cli("build", "--content", content, "--out", out)
    assert result.code == 1 and "kilder/lenke.pdf:1:1: " in result.err
    assert "peker ut av" in result.err and not out.exists()
