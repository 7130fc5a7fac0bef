"""Compile every document body once: Markdown in, a small :class:`Compiled` record out.

The record holds the body's HTML (links already turned into site addresses, waiting only for
the base URL), its plain text, its links with their places in the file, headings, the
abbreviations it uses, its status blocks (each with its own HTML and text) and the mistakes
found in its Markdown. The parser's tokens are dropped as soon as a body is compiled, so no
later stage can depend on them. Bodies are compiled on every core when there are many, and
each record is kept in an on-disk cache (:mod:`politiradet.compile_cache`), so an unchanged
body is never parsed again.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence

from markdown_it.token import Token

from . import markdown
from .compile_cache import RecordCache, registry_fingerprint
from .errors import Problem
from .hrefs import resolve_href
from .markdown import STATUS, plain_text, status_point
from .model import BASE, Compiled, CompiledStatus, Document, Heading, LinkRef, Note
from .parallel import ordered_map
from .validate import Validated

TOO_COMPLEX = ("teksten har for mye formatering til å bli en nettside raskt nok: for mange tegn "
               "som [ ] ! ^ < * _ & : # til og med denne linjen. Vanlig tekst, lister og "
               "tabeller kan være så lange de vil; fjern tegn som ikke trengs.")


def compile_bodies(validated: Validated, store: RecordCache | None = None,
                   only: str | None = None) -> tuple[dict[str, Compiled], list[Problem]]:
    """Compile the body of every document, drafts and invalid ones included (so all are
    checked), or of the one at content path *only*; return the records by content path and
    the mistakes found in the Markdown."""
    content = validated.content
    checked = tuple(doc for doc in (*content.documents, *validated.unvalidated)
                    if only is None or doc.path == only)
    abbreviations = {a.short: a.meaning for a in content.abbreviations}
    fingerprint = registry_fingerprint(abbreviations)
    keys = {doc.path: store.key(doc, fingerprint) for doc in checked} if store else {}
    compiled: dict[str, Compiled] = {}
    for doc in checked:
        cached = store.get(keys[doc.path]) if store else None
        if cached is not None:
            compiled[doc.path] = cached
    missing = [doc for doc in checked if doc.path not in compiled]
    fresh = ordered_map(lambda doc: compile_document(doc, abbreviations), missing)
    for doc, record in zip(missing, fresh, strict=True):
        compiled[doc.path] = record
        if store:
            store.put(keys[doc.path], record)
    problems = [Problem(doc.source, note.line, note.col, note.message)
                for doc in checked for note in compiled[doc.path].notes]
    return compiled, problems


def compile_document(doc: Document, abbreviations: Mapping[str, str]) -> Compiled:
    """Parse one body and keep what the site needs; the tokens go out of scope here."""
    notes: list[Note] = []
    body = doc.body
    line = markdown.too_complex(body)
    if line is not None:
        notes.append(Note(doc.body_line + line, 1, TOO_COMPLEX))
        body = ""
    tokens, used = markdown.parse(body, dict(abbreviations))
    lines = body.split("\n")
    notes += (_stray_container_note(*stray) for stray in _stray_containers(tokens, lines,
                                                                            doc.body_line))
    return Compiled(
        html=markdown.render(tokens, _resolver(doc), _point_url),
        text=plain_text(tokens),
        lead=_lead(tokens),
        links=tuple(_links(tokens, lines, doc.body_line)),
        headings=tuple(_headings(tokens)),
        abbreviations=tuple(sorted(used)),
        statuses=tuple(_statuses(doc, tokens)),
        notes=tuple(notes),
    )


def _resolver(doc: Document, page: str = "") -> markdown.Resolve:
    """Links to other documents become site addresses under :data:`BASE`; links to a place
    on the page lead to *page* when it is given; the rest stay."""
    def resolve(href: str) -> str | None:
        if page and href.startswith("#"):
            return page + href
        target, _ = resolve_href(doc.path, href)
        url = target.url if target is not None else None
        return BASE + url if url is not None else None
    return resolve


def _point_url(point: str) -> str:
    return f"{BASE}oppfolgingspunkter/{point}/"


def _lead(tokens: Sequence[Token]) -> str:
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open":
            return plain_text([tokens[index + 1]])
    return ""


# --- links ---------------------------------------------------------------------------------

def _links(tokens: Sequence[Token], lines: list[str], first_line: int) -> list[LinkRef]:
    found = []
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        start, end = block.map if block.map else (0, len(lines))
        cursor = (start, 0)
        for child in block.children:
            if child.type in ("link_open", "image"):
                href = str(child.attrGet("href" if child.type == "link_open" else "src") or "")
                ref, cursor = _locate(href, lines, cursor, end, first_line,
                                      image=child.type == "image")
                found.append(ref)
    return found


def _locate(href: str, lines: list[str], cursor: tuple[int, int], end: int, first_line: int,
            image: bool) -> tuple[LinkRef, tuple[int, int]]:
    """Find where *href* is written, searching on from *cursor* (line, column) in its block.

    Links are found in text order, so each search continues where the last one ended and a
    block with many links is scanned once.
    """
    line_index, col = cursor
    for index in range(line_index, min(end, len(lines))):
        found = lines[index].find(href, col if index == line_index else 0) if href else -1
        if found >= 0:
            return (LinkRef(href, first_line + index, found + 1, image),
                    (index, found + len(href)))
    return LinkRef(href, first_line + cursor[0], 1, image), cursor


# --- status blocks and headings ------------------------------------------------------------

def _statuses(doc: Document, tokens: Sequence[Token]) -> list[CompiledStatus]:
    """Each status block with the HTML and text of its content, in text order."""
    found: list[tuple[int, CompiledStatus]] = []
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == f"container_{STATUS}_open":
            stack.append(index)
        elif token.type == f"container_{STATUS}_close" and stack:
            start = stack.pop()
            found.append((start, _status(doc, tokens, start, index)))
    return [status for _start, status in sorted(found, key=lambda pair: pair[0])]


def _status(doc: Document, tokens: Sequence[Token], start: int, end: int) -> CompiledStatus:
    opening, inner = tokens[start], tokens[start + 1:end]
    page = BASE + doc.url  # shown on the point's page: places in the document lead back to it
    html = markdown.render(inner, _resolver(doc, page), _point_url, page)
    return CompiledStatus(point=status_point(opening.info),
                          line=doc.body_line + (opening.map[0] if opening.map else 0),
                          closed=bool(tokens[end].markup), html=html, text=plain_text(inner))


def _headings(tokens: Sequence[Token]) -> list[Heading]:
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            text = plain_text([tokens[index + 1]])
            found.append(Heading(int(token.tag[1]), text, str(token.attrGet("id"))))
    return found


# --- lines that look like a status block but are none --------------------------------------

_CONTAINER_LINE = re.compile(r":{3,}(?:\s|$)|:{3,}\w")


def _stray_containers(tokens: Sequence[Token], lines: list[str], first_line: int
                      ) -> Iterator[tuple[str, int, int]]:
    """(text, line, col) of lines of running text that start with ``:::``: a status block the
    parser did not take, or a closing ``:::`` with nothing to close."""
    unclosed = 0
    """Stray openers so far whose closing ``:::`` is still to come: not reported again."""
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.map or tokens[index - 1].type != "paragraph_open":
            continue
        for offset, text in enumerate(token.content.split("\n")):
            text, line = text.strip(), token.map[0] + offset
            if not _CONTAINER_LINE.match(text) or line >= len(lines):
                continue
            if text.strip(":"):
                unclosed += 1
            elif unclosed:
                unclosed -= 1
                continue
            yield text, first_line + line, max(lines[line].find(":::"), 0) + 1


def _stray_container_note(text: str, line: int, col: int) -> Note:
    """A ``:::`` line that is no status block: say so, and suggest the right spelling."""
    words = text.lstrip(":").split()
    if not words:
        return Note(line, col, f"«{text}» avslutter en statusblokk, men ingen blokk er åpen "
                    "her, så linjen ville blitt vist som tekst. Fjern linjen, eller start "
                    "blokken med «::: status <punkt>».")
    point = words[1] if len(words) > 1 else "<punkt>"
    close = difflib.get_close_matches(words[0].casefold(), [STATUS], n=1, cutoff=0.5)
    hint = (f"Mente du «::: {STATUS} {point}»?" if close else
            f"Statusblokker skrives «::: {STATUS} <punkt>», for eksempel «::: {STATUS} 2025-1».")
    return Note(line, col, f"«{text}» er ikke en gyldig statusblokk, så linjen ville blitt "
                f"vist som tekst. {hint}")
