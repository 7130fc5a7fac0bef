"""The neutral document structure every reader produces and every later stage reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from ..common import norsk
from ..stages.frontmatter import CONTROL as ARCHIVE_CONTROL
from .errors import TooComplex
from .limits import MAX_BLOCKS, MAX_CHARACTERS

BlockKind = Literal["heading", "paragraph", "item", "table", "status", "decision", "rule"]
"""A rule is a thematic break (a line «---», «***» or «___» in the source)."""
SourceFormat = Literal["PDF", "Word", "tekst"]
HEADER_KEYS = "Tid|Sted|Møtested|Dato|Til ?stede|Møteleder|Referent|Forfall|Deltakere|Tidspunkt"
"""The keys of a meeting's header lines («Sted: Rådhuset»), as a regular expression."""
CONTROL = re.compile(rf"{ARCHIVE_CONTROL.pattern}|[\u200b\u2028\u2029\ufeff]")
"""The control characters the archive refuses, and the invisible breaks and marks that text
recognition and Word leave behind; every one becomes a space."""


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the source: a heading, a paragraph, a list item or a table."""

    kind: BlockKind
    text: str = ""
    """Inline Markdown (emphasis kept); empty for tables."""
    level: int = 0
    """Heading level (1–6) for headings; nesting depth (0, 1 …) for list items."""
    number: int | None = None
    """The item's number in a numbered list, or None for a bulleted item."""
    rows: tuple[tuple[str, ...], ...] = ()
    """Cells of a table, first row the header."""
    point: str = ""
    """For a status block: the follow-up point's id (``2025-3``)."""
    children: tuple[Block, ...] = ()
    """For a status block or a decision: its content."""

    def with_text(self, text: str) -> Block:
        return replace(self, text=text)


def plain(text: str) -> str:
    """A block's text on one line without its bold markers: «**Til stede:**  Kari» → «Til
    stede: Kari»."""
    return " ".join(text.replace("**", "").split())


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """What a reader found in the file, before any interpretation."""

    blocks: tuple[Block, ...]
    format: SourceFormat
    footnotes: tuple[str, ...] = ()
    """Footnote texts in order; the body refers to them as ``[^1]``, ``[^2]`` …"""
    notes: tuple[str, ...] = field(default=())
    """What the reader did that the editor should know (removed letterhead, OCR …)."""


def check_size(document: SourceDocument) -> SourceDocument:
    """The document, if it is within what the later stages are made for (:mod:`limits`)."""
    if len(document.blocks) > MAX_BLOCKS:
        raise TooComplex(f"{norsk.count(len(document.blocks), 'avsnitt', 'avsnitt')}, grensen "
                         f"er {norsk.count(MAX_BLOCKS, 'avsnitt', 'avsnitt')}")
    characters = sum(len(block.text) + sum(map(len, (c for row in block.rows for c in row)))
                     for block in document.blocks) + sum(map(len, document.footnotes))
    if characters > MAX_CHARACTERS:
        raise TooComplex(f"{norsk.count(characters, 'tegn', 'tegn')} tekst, grensen er "
                         f"{norsk.count(MAX_CHARACTERS, 'tegn', 'tegn')}")
    return document
