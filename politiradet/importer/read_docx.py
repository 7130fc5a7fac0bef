"""Reader for Word documents (.docx), through mammoth.

mammoth was chosen over python-docx because it turns Word's own structure into HTML:
heading styles become ``<h1>``–``<h6>``, Word's numbered and bulleted lists (with nesting)
become ``<ol>``/``<ul>``, bold and italic become ``<strong>``/``<em>``, tables become
``<table>``, and footnotes come out as a list with links back to their references. python-docx
gives the raw paragraphs and would need all of that reconstructed by hand (it has no API for
footnotes or list numbering). The HTML is read with a real HTML parser (Beautiful Soup).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import mammoth
from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from .document import Block, SourceDocument
from .errors import ImportRefused

HEADING = re.compile(r"^h([1-6])$")


def read_docx(data: bytes) -> SourceDocument:
    """Read a .docx file's bytes into blocks."""
    try:
        result = mammoth.convert_to_html(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportRefused(f"Word-dokumentet kan ikke leses ({exc}). Åpne det i Word og "
                            f"lagre det på nytt som .docx.") from None
    soup = BeautifulSoup(result.value, "html.parser")
    footnotes = tuple(_footnotes(soup))
    blocks = tuple(_blocks(soup))
    return SourceDocument(blocks, "Word", footnotes)


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
        if text:
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
