"""Reader for Word documents (.docx), through mammoth.

mammoth was chosen over python-docx because it turns Word's own structure into HTML:
heading styles become ``<h1>``–``<h6>``, Word's numbered and bulleted lists (with nesting)
become ``<ol>``/``<ul>``, bold and italic become ``<strong>``/``<em>``, tables become
``<table>``, and footnotes come out as a list with links back to their references. python-docx
gives the raw paragraphs and would need all of that reconstructed by hand (it has no API for
footnotes or list numbering). The HTML is read with a real HTML parser (Beautiful Soup).

mammoth parses the XML with :mod:`xml.dom.minidom` and has no hook for another parser, so
every XML part is first read once with expat (:func:`check_package`), as defusedxml would:
a document type declaration (where entity bombs live) is refused, and so is XML that is not
well-formed, more elements, paragraphs or nesting than :mod:`limits` allows, and parts that
unpack to more than their limits, before mammoth builds its tree.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

import mammoth
from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from ..common import norsk
from .document import Block, SourceDocument, check_size
from .errors import ImportRefused, TooComplex
from .limits import (
    DOCX_MAX_DEPTH,
    DOCX_MAX_ELEMENTS,
    DOCX_MAX_PARAGRAPHS,
    DOCX_MAX_PART_BYTES,
    DOCX_MAX_RATIO,
    DOCX_MAX_TOTAL_BYTES,
    DOCX_RATIO_FROM_BYTES,
)
from .read_text import RULE

HEADING = re.compile(r"^h([1-6])$")
XML_PART = (".xml", ".rels")
PARAGRAPH = "http://schemas.openxmlformats.org/wordprocessingml/2006/main p"
NO_PICTURES = mammoth.images.img_element(lambda image: {"src": ""})
"""Pictures are not read: the draft has no use for them."""


def read_docx(data: bytes) -> SourceDocument:
    """Read a .docx file's bytes into blocks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_package(archive)
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=NO_PICTURES)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError,
            expat.ExpatError) as exc:
        raise _damaged(exc) from None
    soup = BeautifulSoup(result.value, "html.parser")
    footnotes = tuple(_footnotes(soup))
    blocks = tuple(_blocks(soup))
    return check_size(SourceDocument(blocks, "Word", footnotes))


def _damaged(exc: Exception) -> ImportRefused:
    return ImportRefused(f"Word-dokumentet er skadet og kan ikke leses ({exc}). Åpne det i "
                         f"Word og lagre det på nytt som .docx.")


ZIP_ENCRYPTED = 0x1
"""The zip flag of an encrypted entry (a password-protected part Python cannot read)."""


def check_package(archive: zipfile.ZipFile) -> None:
    """Refuse, before mammoth reads anything, a part that unpacks to too much or packs too
    tightly, and XML that is not well-formed, declares a document type or entities, or has
    more elements, paragraphs or nesting than the limits allow."""
    parts = archive.infolist()
    for part in parts:
        if part.flag_bits & ZIP_ENCRYPTED:
            raise ImportRefused(f"Word-dokumentet er passordbeskyttet (delen {part.filename} er "
                                f"kryptert). Fjern passordet i Word (Fil > Info > Beskytt "
                                f"dokument) og lagre på nytt før du importerer.")
        _check_size(part)
    total = sum(part.file_size for part in parts)
    if total > DOCX_MAX_TOTAL_BYTES:
        raise TooComplex(f"{_mb(total)} utpakket, grensen er {_mb(DOCX_MAX_TOTAL_BYTES)}")
    tally = _Tally()
    for part in parts:
        if part.filename.lower().endswith(XML_PART):
            with archive.open(part) as stream:
                tally.parse(part.filename, stream)


def _check_size(part: zipfile.ZipInfo) -> None:
    unpacked = part.file_size
    if part.filename.lower().endswith(XML_PART) and unpacked > DOCX_MAX_PART_BYTES:
        raise TooComplex(f"delen {part.filename} er {_mb(unpacked)} utpakket, grensen er "
                         f"{_mb(DOCX_MAX_PART_BYTES)}")
    if unpacked > DOCX_RATIO_FROM_BYTES and unpacked > part.compress_size * DOCX_MAX_RATIO:
        raise TooComplex(f"delen {part.filename} pakkes ut fra {_mb(part.compress_size)} til "
                         f"{_mb(unpacked)}, mer enn {DOCX_MAX_RATIO} ganger")


def _mb(size: int) -> str:
    return norsk.file_size(size)


@dataclass
class _Tally:
    """Elements and paragraphs counted over every XML part, as expat reads them."""

    elements: int = 0
    paragraphs: int = 0
    depth: int = 0

    def parse(self, name: str, stream: Any) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = lambda *_: self._refuse_dtd(name)
        parser.EntityDeclHandler = lambda *_: self._refuse_dtd(name)
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        self.depth = 0
        try:
            parser.ParseFile(stream)
        except expat.ExpatError as exc:
            raise ImportRefused(f"Word-dokumentet er skadet: delen {name} er ikke gyldig XML "
                                f"({expat.ErrorString(exc.code)}, linje {exc.lineno}). Åpne "
                                f"det i Word og lagre det på nytt som .docx.") from None

    def _start(self, name: str, _attributes: object) -> None:
        self.elements += 1
        self.depth += 1
        if name == PARAGRAPH:
            self.paragraphs += 1
            if self.paragraphs > DOCX_MAX_PARAGRAPHS:
                raise TooComplex("mer enn " + norsk.count(DOCX_MAX_PARAGRAPHS, "avsnitt",
                                                          "avsnitt"))
        if self.elements > DOCX_MAX_ELEMENTS:
            raise TooComplex("mer enn " + norsk.count(DOCX_MAX_ELEMENTS, "XML-element",
                                                         "XML-elementer"))
        if self.depth > DOCX_MAX_DEPTH:
            raise TooComplex(f"elementer nøstet mer enn {DOCX_MAX_DEPTH} nivåer dypt")

    def _end(self, _name: str) -> None:
        self.depth -= 1

    @staticmethod
    def _refuse_dtd(name: str) -> None:
        raise ImportRefused(f"Word-dokumentet er skadet eller laget for å lure: delen {name} "
                            f"har en dokumenttypedeklarasjon (DTD), som Word aldri skriver. "
                            f"Åpne det i Word og lagre det på nytt som .docx.")


def _footnotes(soup: BeautifulSoup) -> Iterator[str]:
    """Footnote texts, removed from the tree; references become ``[^n]``."""
    numbers: dict[str, int] = {}
    for item in soup.select('li[id^="footnote-"], li[id^="endnote-"]'):
        numbers[str(item["id"])] = len(numbers) + 1
    for ref in soup.select('a[href^="#footnote-"], a[href^="#endnote-"]'):
        target = str(ref["href"])[1:]
        if target in numbers:
            (ref.parent if ref.parent and ref.parent.name == "sup" else ref).replace_with(
                f"[^{numbers[target]}]")
    for note_id in numbers:
        note = soup.find("li", id=note_id)
        if isinstance(note, Tag):
            for back in note.select('a[href^="#footnote-ref"], a[href^="#endnote-ref"]'):
                back.decompose()
            yield inline(note)
            holder = note.parent
            note.decompose()
            if isinstance(holder, Tag) and not holder.find("li"):
                holder.decompose()


def _blocks(root: Tag, depth: int = 0) -> Iterator[Block]:
    for node in root.children:
        if not isinstance(node, Tag):
            if str(node).strip():
                yield Block("paragraph", str(node).strip())
            continue
        yield from _node(node, depth)


def _node(node: Tag, depth: int) -> Iterator[Block]:
    if match := HEADING.match(node.name):
        text = inline(node).replace("**", "")
        if text:
            yield Block("heading", text, level=int(match[1]))
    elif node.name in ("ul", "ol"):
        yield from _list(node, depth)
    elif node.name == "table":
        yield Block("table", rows=tuple(_rows(node)))
    elif node.name == "p":
        text = inline(node)
        if RULE.match(text):
            yield Block("rule")
        elif text:
            yield Block("paragraph", text)
    else:
        yield from _blocks(node, depth)


def _list(node: Tag, depth: int) -> Iterator[Block]:
    start = int(str(node.get("start", "1")))
    items = [child for child in node.children if isinstance(child, Tag) and child.name == "li"]
    for index, item in enumerate(items):
        nested = [c for c in item.children if isinstance(c, Tag) and c.name in ("ul", "ol")]
        for sub in nested:
            sub.extract()
        number = start + index if node.name == "ol" else None
        yield Block("item", inline(item), level=depth, number=number)
        for sub in nested:
            yield from _list(sub, depth + 1)


def _rows(table: Tag) -> Iterator[tuple[str, ...]]:
    for row in table.find_all("tr"):
        yield tuple(inline(cell) for cell in row.find_all(["td", "th"]))


def inline(node: Tag | NavigableString) -> str:
    """A node's content as inline Markdown: emphasis, links and footnote references kept."""
    if isinstance(node, NavigableString):
        return str(node)
    parts = []
    for child in node.children:
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag):
            parts.append(_inline_tag(child))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _inline_tag(tag: Tag) -> str:
    text = inline(tag)
    if not text:
        return "\n" if tag.name == "br" else ""
    if tag.name in ("strong", "b"):
        return f"**{text}**"
    if tag.name in ("em", "i"):
        return f"*{text}*"
    if tag.name == "a" and str(tag.get("href", "")).startswith(("http", "mailto:")):
        return f"[{text}]({tag['href']})"
    if tag.name in ("p", "li"):
        return f" {text} "
    return text
