"""The OCR repair changes only words of running text, never markup, addresses or code, and
thematic breaks stay thematic breaks (``repair``, ``read_text``, ``read_pdf``, ``read_docx``)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from docx import Document
from importer_fixtures import pdf_bytes

from politiradet.importer.context import ArchiveContext, load_context
from politiradet.importer.document import Block, SourceDocument
from politiradet.importer.lexicon import Lexicon
from politiradet.importer.read_text import read_text
from politiradet.importer.repair import repair_document

REPAIRS = {
    "løpende tekst": ("Politiet gnsker & mote kommunen pa Grgnland.",
                      "Politiet ønsker å møte kommunen på Grønland."),
    "html-lenke": ('Se <a href="https://pa.no/gar">lenken pa Grgnland</a> pa nett.',
                   'Se <a href="https://pa.no/gar">lenken på Grønland</a> på nett.'),
    "html uten slutt": ("Skriv <a href for lenker, pa nytt.",
                        "Skriv <a href for lenker, på nytt."),
    "stjerne uten par": ("Referat *a og Enhet gst", "Referat *a og Enhet øst"),
    "kursiv": ("*gar til Grgnland* og **Sted:** pa", "*går til Grønland* og **Sted:** på"),
    "kode": ("Kjør `gar pa a` og gar videre.", "Kjør `gar pa a` og går videre."),
    "nettadresse": ("Se https://oslo.kommune.no/pa/gar og www.pa.no/a pa nett.",
                    "Se https://oslo.kommune.no/pa/gar og www.pa.no/a på nett."),
    "e-post": ("Skriv til gar.pa@oslo.kommune.no pa e-post.",
               "Skriv til gar.pa@oslo.kommune.no på e-post."),
    "markdown-lenke": ("[Grgnland](https://x.no/Grgnland) pa kartet.",
                       "[Grønland](https://x.no/Grgnland) på kartet."),
    "symboler": ("Filen gar_pa og a/pa og a=b og #a og pa nett.",
                 "Filen gar_pa og a/pa og a=b og #a og på nett."),
}


@pytest.fixture(scope="module")
def context() -> ArchiveContext:
    return load_context(ROOT / "content", ROOT / "schema")


@pytest.mark.parametrize("name", sorted(REPAIRS))
def test_only_running_text_is_repaired(name: str, context: ArchiveContext) -> None:
    text, expected = REPAIRS[name]
    source = SourceDocument((Block("paragraph", text),), "tekst", (text,))
    repaired, _ = repair_document(source, Lexicon(context.registry_words()))
    assert repaired.blocks[0].text == expected
    assert repaired.footnotes == (expected,)


@pytest.mark.parametrize("line", ["---", "***", "_ _ _", "- - -", "  ----------"])
def test_thematic_break_is_kept(line: str) -> None:
    document = read_text(f"Første avsnitt.\n\n{line}\n\nAndre avsnitt.\n")
    assert [block.kind for block in document.blocks] == ["paragraph", "rule", "paragraph"]


def test_underlined_line_is_a_heading() -> None:
    document = read_text("Referat\n=======\n\nSak 1\n-----\n\nTekst.\n")
    assert [(b.kind, b.text, b.level) for b in document.blocks] == [
        ("heading", "Referat", 1), ("heading", "Sak 1", 2), ("paragraph", "Tekst.", 0)]


def _imported(source: Path, content: Path, slug: str) -> str:
    result = run_cli("import", source, "--content", content, "--id", slug)
    assert result.code == 0, result.err
    assert run_cli("check", "--content", content).code == 0
    return (content / "referater" / f"{slug}.md").read_text(encoding="utf-8")


def test_word_markup_and_breaks_survive_the_import(valid_content: Path,
                                                   tmp_path: Path) -> None:
    """The reported cases, through the command: markup in Word's text, «*a» in the title
    line, and a paragraph «---»."""
    document = Document()
    document.add_paragraph("Referat Politirådet i Oslo 14.10.2025 *a")
    document.add_paragraph('Lenken skrives <a href="https://oslo.kommune.no">slik</a> pa '
                           "nettsiden.")
    document.add_paragraph("---")
    document.add_paragraph("Kommunen gnsker & fortsette.")
    source = tmp_path / "referat.docx"
    document.save(str(source))
    text = _imported(source, valid_content, "word")
    assert 'tittel: "Referat Politirådet i Oslo 14.10.2025 *a"' in text
    assert '&lt;a href="https://oslo.kommune.no">slik&lt;/a> på nettsiden.' in text
    assert "\n\n***\n\n" in text and "ønsker å fortsette" in text


def test_text_file_break_is_not_a_bullet(valid_content: Path, tmp_path: Path) -> None:
    source = tmp_path / "referat.txt"
    source.write_text("Referat Politirådet i Oslo 14.10.2025\n\nFørste del.\n\n---\n\n"
                      "Andre del.\n", encoding="utf-8")
    text = _imported(source, valid_content, "tekst")
    assert "Første del.\n\n***\n\nAndre del." in text
    assert not re.search(r"^- --", text, flags=re.MULTILINE)


def test_pdf_break_is_not_a_bullet(valid_content: Path, tmp_path: Path) -> None:
    lines = ["Referat Politiradet i Oslo 14.10.2025", "Forste del.", "---", "Andre del."]
    stream = b"BT /F1 11 Tf 14 TL 72 760 Td " + b" ".join(
        b"(%s) Tj T*" % line.encode() for line in lines) + b" ET"
    source = tmp_path / "referat.pdf"
    source.write_bytes(pdf_bytes(stream))
    text = _imported(source, valid_content, "pdf")
    assert "del.\n\n***\n\nAndre del." in text
    assert not re.search(r"^- --", text, flags=re.MULTILINE)


@pytest.mark.parametrize("text", ["x" * 200_000, "<!-- x " * 70_000],
                         ids=["ett langt ord", "uavsluttede kommentarer"])
def test_long_text_is_repaired_in_linear_time(text: str, context: ArchiveContext) -> None:
    """A 1 MB word in a text file kept the import busy for hours: the e-mail pattern tried
    every position of the word as an address's start, and an unclosed «<!--» scanned to the
    end of the text from every later «<!--». These take hundreds of seconds quadratically,
    well under a second linearly."""
    source = SourceDocument((Block("paragraph", text),), "tekst", ())
    started = time.monotonic()
    repair_document(source, Lexicon(context.registry_words()))
    assert time.monotonic() - started < 20


def test_addresses_are_still_verbatim_after_punctuation(context: ArchiveContext) -> None:
    text = "Skriv (gar.pa@oslo.kommune.no) eller <!-- pa --> til <!-- x pa nett."
    source = SourceDocument((Block("paragraph", text),), "tekst", ())
    repaired, _ = repair_document(source, Lexicon(context.registry_words()))
    assert repaired.blocks[0].text == ("Skriv (gar.pa@oslo.kommune.no) eller <!-- pa --> til "
                                       "<!-- x på nett.")
