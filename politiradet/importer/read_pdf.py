"""Reader for PDF files with a text layer, through pdfplumber, layout-aware.

Lines are rebuilt from the words with their font size and weight: a line clearly larger than
the body text, or a short bold line, is a heading; lines repeated at the same place on most
pages (letterhead, page numbers, footers) are removed; a gap wider than the line spacing
starts a new paragraph; bullets and numbers at a line start make list items; words
hyphenated at a line end are joined. A PDF without any text (a scan) is recognised with
``ocrmypdf`` (Debian: ``ocrmypdf`` and ``tesseract-ocr-nor``) when it is installed.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import statistics
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import norsk
from .document import Block, SourceDocument
from .errors import ImportRefused
from .read_text import BULLET, NUMBERED, is_heading_line, join_lines

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
    """Read a PDF's bytes into blocks; scanned pages go through OCR when it is installed."""
    lines = _lines(data)
    notes: tuple[str, ...] = ()
    if not any(line.text.strip() for line in lines):
        lines = _lines(ocr(data))
        notes = ("PDF-en hadde ingen tekst og er lest med tekstgjenkjenning (ocrmypdf)",)
    kept, removed = _without_repeated(lines)
    blocks = tuple(_blocks(kept))
    if removed:
        notes += (f"{norsk.count(removed, 'gjentatt linje', 'gjentatte linjer')} (brevhode, "
                  f"bunntekst, sidetall) fjernet",)
    return SourceDocument(blocks, "PDF", (), notes)


def _lines(data: bytes) -> list[PdfLine]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [line for number, page in enumerate(pdf.pages)
                    for line in _page_lines(number, page)]
    except Exception:  # pdfminer raises many kinds of errors for a broken or locked file
        if b"/Encrypt" in data:
            raise ImportRefused("PDF-en er passordbeskyttet. Lagre den på nytt uten passord, "
                                "eller bruk Word-filen.") from None
        raise ImportRefused("PDF-en er skadet og kan ikke leses. Lag PDF-en på nytt fra "
                            "Word, eller bruk Word-filen.") from None


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


def _without_repeated(lines: Sequence[PdfLine]) -> tuple[list[PdfLine], int]:
    pages = len({line.page for line in lines})
    def key(line: PdfLine) -> str:
        return re.sub(r"\d+", "#", line.text)
    def in_margin(line: PdfLine) -> bool:
        return line.top < line.page_height * MARGIN or \
            line.bottom > line.page_height * (1 - MARGIN)
    counts = Counter(key(line) for line in lines if in_margin(line))
    repeated = {text for text, count in counts.items() if pages > 1 and count >= pages * 0.6}
    kept = [line for line in lines if not (in_margin(line) and (
        key(line) in repeated or re.fullmatch(r"(side\s*)?#(\s*(av|/)\s*#)?", key(line), re.I)))]
    return kept, len(lines) - len(kept)


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


def ocr(data: bytes) -> bytes:
    """Add a text layer to a scanned PDF with ocrmypdf (Norwegian), or refuse clearly."""
    if shutil.which("ocrmypdf") is None:
        raise ImportRefused(
            "PDF-en har ingen tekst (den er skannet), og tekstgjenkjenning er ikke installert. "
            "Installer Debian-pakkene «ocrmypdf» og «tesseract-ocr-nor», eller bruk Word-filen.")
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "inn.pdf", Path(folder) / "ut.pdf"
        source.write_bytes(data)
        result = subprocess.run(["ocrmypdf", "-l", "nor", "--force-ocr", "-q", str(source),
                                 str(target)], capture_output=True, text=True, check=False,
                                timeout=600)
        if result.returncode != 0 or not target.exists():
            raise ImportRefused("PDF-en har ingen tekst, og tekstgjenkjenningen mislyktes. "
                                "Bruk Word-filen, eller skann dokumentet på nytt.")
        return target.read_bytes()
