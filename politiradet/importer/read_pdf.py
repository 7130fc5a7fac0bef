"""Reader for PDF files with a text layer, through pdfplumber, layout-aware.

Lines are rebuilt from the words with their font size and weight: a line clearly larger than
the body text, or a short bold line, is a heading; lines repeated at the same place on most
pages (letterhead, page numbers, footers) are removed; a gap wider than the line spacing
starts a new paragraph; bullets and numbers at a line start make list items; words
hyphenated at a line end are joined. A PDF without any text (a scan) is recognised with
``ocrmypdf`` (Debian: ``ocrmypdf`` and ``tesseract-ocr-nor``) when it is installed.

pdfminer reads a page's content stream token by token, in Python: a one-page PDF with a 49 MB
comment in it keeps it busy for minutes. So the child process that reads the PDF
(:mod:`isolate`) first counts the pages and unpacks every page's content (at most a little more
than :data:`limits.PDF_MAX_CONTENT_BYTES` of it) with :func:`check_pdf`, and then reads the text
with a time limit for that many pages.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import statistics
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import norsk
from .document import Block, SourceDocument, check_size
from .errors import ImportRefused, TooComplex
from .isolate import ChildFailed, deadline, run_program, run_reader
from .limits import (
    OCR_SECONDS,
    OCR_SECONDS_PER_PAGE,
    PDF_CHECK_SECONDS,
    PDF_MAX_CONTENT_BYTES,
    PDF_MAX_PAGES,
    PDF_SECONDS,
    PDF_SECONDS_PER_PAGE,
)
from .read_text import BULLET, NUMBERED, RULE, is_heading_line, join_lines

MOST_SECONDS = PDF_CHECK_SECONDS + PDF_SECONDS + PDF_SECONDS_PER_PAGE * PDF_MAX_PAGES
"""The parent's limit for the child: the check, and reading as many pages as there can be; the
child keeps to the limit for the pages it has counted (:func:`isolate.deadline`)."""
MARGIN = 0.09
"""Share of the page height at the top and bottom where repeated lines are letterhead."""


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One line of text on a page, with its position and font."""

    page: int
    top: float
    bottom: float
    x0: float
    text: str
    size: float
    bold: bool
    page_height: float
    bullet: bool = False
    """A bullet drawn as a small shape (as browsers and Word print them) left of the line."""


def read_pdf(data: bytes) -> SourceDocument:
    """Read a PDF's bytes into blocks in a child process with a time limit; scanned pages go
    through OCR when it is installed."""
    pages, document = run_reader("pdf", data, MOST_SECONDS)
    if document is None:
        _, document = run_reader("pdf", ocr(data, pages), MOST_SECONDS)
        if document is None:
            raise ImportRefused("PDF-en har ingen tekst, og tekstgjenkjenningen fant ingen. "
                                "Bruk Word-filen, eller skann dokumentet på nytt.")
        note = "PDF-en hadde ingen tekst og er lest med tekstgjenkjenning (ocrmypdf)"
        document = SourceDocument(document.blocks, "PDF", (), (note, *document.notes))
    assert isinstance(document, SourceDocument)
    return document


def read_text_layer(data: bytes) -> tuple[int, SourceDocument | None]:
    """In a child process: the number of pages (:func:`check_pdf`), and the PDF's text as
    blocks, read within the time for that many pages, or None when it has no text (a scan)."""
    with deadline(PDF_CHECK_SECONDS):
        pages = check_pdf(data)
    with deadline(PDF_SECONDS + PDF_SECONDS_PER_PAGE * pages):
        return pages, _text_layer(data)


def _text_layer(data: bytes) -> SourceDocument | None:
    lines = _lines(data)
    if not any(line.text.strip() for line in lines):
        return None
    kept, removed = _without_repeated(lines)
    blocks = tuple(_blocks(kept))
    notes: tuple[str, ...] = ()
    if removed:
        named = ", ".join(f"«{text}»" for text in dict.fromkeys(
            re.sub(r"\d+", "#", line.text.strip()) for line in removed))
        notes += (f"{norsk.count(len(removed), 'gjentatt linje', 'gjentatte linjer')} "
                  f"(brevhode, bunntekst, sidetall; # står for et tall) fjernet: {named}",)
    return check_size(SourceDocument(blocks, "PDF", (), notes))


def check_pdf(data: bytes) -> int:
    """In a child process: the number of pages, after checking that there are not too many
    and that no page's content unpacks to more than the limit."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    pages = 0
    try:
        for pages, page in enumerate(PDFPage.create_pages(
                PDFDocument(PDFParser(io.BytesIO(data)))), 1):
            if pages > PDF_MAX_PAGES:
                raise TooComplex(f"mer enn {norsk.count(PDF_MAX_PAGES, 'side', 'sider')}")
            size = sum(_unpacked_size(stream) for stream in _content_streams(page))
            if size > PDF_MAX_CONTENT_BYTES:
                raise TooComplex(f"innholdet på side {pages} er mer enn "
                                 f"{norsk.file_size(PDF_MAX_CONTENT_BYTES)} utpakket")
    except (TooComplex, MemoryError, RecursionError):
        raise
    except Exception:  # pdfminer raises many kinds of errors for a broken or locked file
        raise _unreadable(data) from None
    return pages


def _content_streams(page: Any) -> Iterator[Any]:
    """The page's content streams and the forms (drawings) its resources hold."""
    from pdfminer.pdftypes import PDFStream, resolve1

    for stream in page.contents:
        yield stream
    objects = resolve1((resolve1(page.resources) or {}).get("XObject")) or {}
    for value in objects.values():
        stream = resolve1(value)
        if isinstance(stream, PDFStream) and getattr(
                resolve1(stream.get("Subtype")), "name", None) == "Form":
            yield stream


def _unpacked_size(stream: Any) -> int:
    """How many bytes the stream unpacks to, unpacking at most one byte more than the limit
    (a packed stream can unpack a thousand times larger)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    data = stream.get_rawdata()
    if data is None:  # already unpacked
        return len(stream.get_data())
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    filters = [name for name, _ in stream.get_filters()]
    if not filters:
        return len(data)
    if len(filters) == 1 and filters[0] in LITERALS_FLATE_DECODE:
        inflater = zlib.decompressobj()
        try:
            return len(inflater.decompress(data, PDF_MAX_CONTENT_BYTES + 1))
        except zlib.error:
            return len(data)  # pdfminer reads what it can of a damaged stream
    return len(stream.get_data())  # rare filters: unpacked whole, under the memory limit


def _unreadable(data: bytes) -> ImportRefused:
    if b"/Encrypt" in data:
        return ImportRefused("PDF-en er passordbeskyttet. Lagre den på nytt uten passord, "
                             "eller bruk Word-filen.")
    return ImportRefused("PDF-en er skadet og kan ikke leses. Lag PDF-en på nytt fra "
                         "Word, eller bruk Word-filen.")


def _lines(data: bytes) -> list[PdfLine]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [line for number, page in enumerate(pdf.pages)
                    for line in _page_lines(number, page)]
    except (MemoryError, RecursionError):
        raise
    except Exception:  # pdfminer raises many kinds of errors for a broken or locked file
        raise _unreadable(data) from None


def _page_lines(number: int, page: Any) -> Iterator[PdfLine]:
    words = page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False,
                               use_text_flow=True)
    rows: list[list[dict[str, Any]]] = []
    for word in words:
        if rows and abs(rows[-1][0]["top"] - word["top"]) < 2.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    dots = [(c["x0"], c["x1"], (c["top"] + c["bottom"]) / 2) for c in page.curves + page.rects
            if c["x1"] - c["x0"] < 8 and c["bottom"] - c["top"] < 8]
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        sizes = [w["size"] for w in row]
        bold = sum(1 for w in row if re.search(r"bold|black|heavy", w["fontname"], re.I))
        yield PdfLine(number, min(w["top"] for w in row), max(w["bottom"] for w in row),
                      row[0]["x0"], " ".join(w["text"] for w in row),
                      round(statistics.median(sizes), 1), bold * 2 > len(row),
                      float(page.height), _has_dot(row, dots))


def _has_dot(row: list[dict[str, Any]], dots: list[tuple[float, float, float]]) -> bool:
    top, bottom, left = min(w["top"] for w in row), max(w["bottom"] for w in row), row[0]["x0"]
    return any(top <= middle <= bottom and left - 30 < x0 and x1 < left
               for x0, x1, middle in dots)


def _without_repeated(lines: Sequence[PdfLine]) -> tuple[list[PdfLine], list[PdfLine]]:
    pages = len({line.page for line in lines})
    def key(line: PdfLine) -> str:
        return re.sub(r"\d+", "#", line.text)
    def in_margin(line: PdfLine) -> bool:
        return line.top < line.page_height * MARGIN or \
            line.bottom > line.page_height * (1 - MARGIN)
    counts = Counter(key(line) for line in lines if in_margin(line))
    repeated = {text for text, count in counts.items() if pages > 1 and count >= pages * 0.6}
    def dropped(line: PdfLine) -> bool:
        return in_margin(line) and (key(line) in repeated or bool(
            re.fullmatch(r"(side\s*)?#(\s*(av|/)\s*#)?", key(line), re.I)))
    return ([line for line in lines if not dropped(line)],
            [line for line in lines if dropped(line)])


def _blocks(lines: Sequence[PdfLine]) -> Iterator[Block]:
    if not lines:
        return
    body = statistics.mode(line.size for line in lines)
    spacing = _line_spacing(lines, body)
    group: list[PdfLine] = []
    for line in lines:
        if group and _starts_block(group[-1], line, body, spacing):
            yield from _group_blocks(group, body)
            group = []
        group.append(line)
    if group:
        yield from _group_blocks(group, body)


def _line_spacing(lines: Sequence[PdfLine], body: float) -> float:
    """The distance between lines inside a paragraph: gaps of at most 1.8 lines of body text
    (in minutes of one-line paragraphs most gaps are between paragraphs)."""
    gaps = [b.top - a.top for a, b in itertools.pairwise(lines)
            if a.page == b.page and 0 < b.top - a.top < min(40, body * 1.8)]
    return statistics.median(gaps) if gaps else 14.0


def _starts_block(previous: PdfLine, line: PdfLine, body: float, spacing: float) -> bool:
    if RULE.match(previous.text) or RULE.match(line.text):
        return True
    if line.page != previous.page:
        return bool(re.match(r"^[A-ZÆØÅ0-9•\-–]", line.text)) and \
            previous.text.rstrip().endswith((".", ":", "!", "?"))
    level = _heading_level(line, body)
    if level or _heading_level(previous, body):
        return level != _heading_level(previous, body) or line.size != previous.size \
            or line.top - previous.top > line.size * 1.6
    if line.top - previous.top > spacing * 1.4:
        return True
    return line.bullet or bool(BULLET.match(line.text) or NUMBERED.match(line.text))


def _heading_level(line: PdfLine, body: float) -> int:
    if line.size >= body * 1.6:
        return 1
    if line.size >= body * 1.25:
        return 2
    if line.size >= body * 1.1 or (line.bold and len(line.text) <= 90
                                   and not line.text.rstrip().endswith(".")):
        return 3
    return 0


def _group_blocks(group: Sequence[PdfLine], body: float) -> Iterator[Block]:
    first = group[0]
    texts = [line.text for line in group]
    if RULE.match(first.text):
        yield Block("rule")
        return
    if level := _heading_level(first, body):
        yield Block("heading", join_lines(texts), level=level)
        return
    match = NUMBERED.match(first.text)
    if match and is_heading_line(match["text"], 60) and (len(texts) > 1 or first.bold):
        yield Block("heading", f"{match['number']}. {match['text']}", level=2)
        if texts[1:]:
            yield Block("paragraph", join_lines(texts[1:]))
        return
    if match:
        yield Block("item", join_lines([match["text"], *texts[1:]]),
                    number=int(match["number"]), level=_indent(first))
        return
    if match := BULLET.match(first.text):
        yield Block("item", join_lines([match["text"], *texts[1:]]),
                    level=_indent(first))
        return
    if first.bullet:
        yield Block("item", join_lines(texts), level=_indent(first))
        return
    yield Block("paragraph", join_lines(texts))


def _indent(first: PdfLine) -> int:
    return 1 if first.x0 > 110 else 0


def ocr(data: bytes, pages: int) -> bytes:
    """Add a text layer to a scanned PDF with ocrmypdf (Norwegian), or refuse clearly; the
    program and what it starts are killed when its time is up."""
    if shutil.which("ocrmypdf") is None:
        raise ImportRefused(
            "PDF-en har ingen tekst (den er skannet), og tekstgjenkjenning er ikke installert. "
            "Installer Debian-pakkene «ocrmypdf» og «tesseract-ocr-nor», eller bruk Word-filen.")
    seconds = OCR_SECONDS + OCR_SECONDS_PER_PAGE * pages
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "inn.pdf", Path(folder) / "ut.pdf"
        source.write_bytes(data)
        try:
            run_program(["ocrmypdf", "-l", "nor", "--force-ocr", "-q", str(source),
                         str(target)], b"", seconds)
        except TimeoutError:
            raise ImportRefused(f"tekstgjenkjenningen av den skannede PDF-en tok mer enn "
                                f"{seconds} sekunder og ble stoppet. Bruk Word-filen, eller "
                                f"del PDF-en opp.") from None
        except ChildFailed:
            target.unlink(missing_ok=True)
        if not target.exists():
            raise ImportRefused("PDF-en har ingen tekst, og tekstgjenkjenningen mislyktes. "
                                "Bruk Word-filen, eller skann dokumentet på nytt.")
        return target.read_bytes()
