"""Compile every document body once: Markdown in, a small :class:`Compiled` record out.

The record holds the body's HTML (links already turned into site addresses, waiting only for
the base URL), its plain text, its links with their places in the file, headings, the
abbreviations it uses, its status blocks (each with its own HTML and text) and the mistakes
found in its Markdown. The parser's tokens are dropped as soon as a body is compiled, so no
later stage can depend on them. Bodies are compiled on every core when there are many, and
each record is kept in the build store (:mod:`politiradet.store.records`), so an unchanged
body is never parsed again.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import functools
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TypeVar

from markdown_it.token import Token

from ..common.parallel import ordered_map
from ..errors import Problem
from ..model.content import (
    BASE,
    Compiled,
    CompiledStatus,
    Decision,
    Document,
    Heading,
    InMemory,
    LinkRef,
    Note,
    Payload,
    StatusTexts,
)
from ..store.records import (
    Records,
    Row,
    decode,
    decode_meta,
    encode,
    record_digest,
    registry_fingerprint,
)
from . import markdown
from .hrefs import resolve_href
from .load import RawDocument, Unread
from .markdown import CLOSES, DECISION, STATUS, plain_text, status_point, status_words
from .mentions import NO_NAMES, Names, mentioned, registry_names
from .validate import Validated

TOO_COMPLEX = ("teksten har for mye formatering til å bli en nettside raskt nok: for mange tegn "
               "som [ ] ! ^ < * _ & : # til og med denne linjen. Vanlig tekst, lister og "
               "tabeller kan være så lange de vil; fjern tegn som ikke trengs.")
SUMMARY_LENGTH = 300
"""Longest :attr:`Compiled.summary`, in characters (a feed entry's summary)."""
BATCH = 500
"""Records compiled in workers that are put into the store in one transaction."""
_T = TypeVar("_T")
Abbreviations = tuple[tuple[str, str], ...]
"""The abbreviation registry as (short, meaning) pairs, in the registry's order."""
Registries = tuple[Abbreviations, Names]
"""What a body is compiled with besides itself: abbreviations, and topic and area names."""


def compile_bodies(validated: Validated, store: Records | None = None,
                   only: AbstractSet[str] | None = None,
                   files: Mapping[str, RawDocument] | None = None, root: str = ""
                   ) -> tuple[dict[str, Compiled], list[Problem]]:
    """Compile the body of every document, drafts and invalid ones included (so all are
    checked), or of those at the content paths *only*; return the records by content path and
    the mistakes found in the Markdown.

    With a *store*, records compiled before are read from it (their HTML and text only when
    asked for), new ones are put into it, and a whole build counts as using the records it
    read (:meth:`Records.retain`). *files* are the documents as loaded, by content path: a
    record of a file is found by the SHA-256 of the file's bytes (no body is hashed), and a
    body the loader did not read (:class:`~politiradet.stages.load.Unread`) is read here,
    only when its record must be made. With the content folder *root* they were read from,
    a stored record's fallback (should its payload be lost) reads the body from the file
    again rather than keep it in memory for the whole build."""
    content = validated.content
    checked = tuple(doc for doc in (*content.documents, *validated.unvalidated)
                    if only is None or doc.path in only)
    abbreviations = tuple((a.short, a.meaning) for a in content.abbreviations)
    compiled = _compile_all(checked, (abbreviations, registry_names(content)), store,
                            whole_build=only is None, files=files or {}, root=root)
    problems = [Problem(doc.source, note.line, note.col, note.message)
                for doc in checked for note in compiled[doc.path].notes]
    return compiled, problems


def _compile_all(checked: Sequence[Document], registries: Registries,
                 store: Records | None, whole_build: bool,
                 files: Mapping[str, RawDocument], root: str = "") -> dict[str, Compiled]:
    if store is None:
        checked = [_with_body(doc, _unread(files, doc))[0] for doc in checked]
        rows = ordered_map(functools.partial(compile_row, registries=registries), checked)
        return {doc.path: _in_memory(row) for doc, row in zip(checked, rows, strict=True)}
    fingerprint = registry_fingerprint(dict(registries[0]), registries[1].fingerprint())
    keys = {doc.path: store.key(doc, fingerprint, _file_digest(files, doc)) for doc in checked}
    by_key = {keys[doc.path]: doc for doc in checked}

    def fallback(doc: Document) -> Callable[[], Payload]:
        return _fallback(doc, registries, _rereadable(files, doc, root))

    found = store.get_many(by_key, lambda key: fallback(by_key[key]))
    missing = []
    for doc in checked:
        if keys[doc.path] not in found:
            doc, same = _with_body(doc, _unread(files, doc))
            if not same:  # changed since its stat was taken: keyed by the body it has now
                keys[doc.path] = store.key(doc, fingerprint)
            missing.append(doc)
    rows = ordered_map(functools.partial(compile_row, registries=registries), missing)
    for batch in _batches(zip(missing, rows, strict=True)):
        found |= _stored(store, [(keys[doc.path], doc, row) for doc, row in batch],
                         fallback)
    if whole_build:
        store.retain(by_key)
    return {doc.path: found[keys[doc.path]] for doc in checked}


def _batches(items: Iterable[_T]) -> Iterator[list[_T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def _stored(store: Records, batch: Sequence[tuple[str, Document, Row]],
            fallback: Callable[[Document], Callable[[], Payload]]) -> dict[str, Compiled]:
    """The records of *batch*, put into *store*: their payloads are left there, or kept in
    memory when the store cannot be written."""
    if not store.put_many([(key, row) for key, _doc, row in batch]):
        return {key: _in_memory(row) for key, _doc, row in batch}
    found = {}
    for key, doc, row in batch:
        payload = store.stored(key, row.body_sum, row.statuses_sum,
                               fallback(doc))
        record = decode_meta(row.meta, row.meta_sum, row.body_sum, payload)
        assert record is not None, "a record just encoded decodes"
        found[key] = record
    return found


def _in_memory(row: Row) -> Compiled:
    record = decode(row)
    assert record is not None, "a record just encoded decodes"
    return record


def _fallback(doc: Document, registries: Registries, unread: Unread | None
              ) -> Callable[[], Payload]:
    """Compiles *doc*'s payload again, should its stored one be lost or damaged (reading
    its body from *unread* first: the body is then not held until the build ends)."""
    if unread is not None and doc.body:
        doc = dataclasses.replace(doc, body="")
    return functools.partial(_payload_of, doc, registries, unread)


def _payload_of(doc: Document, registries: Registries, unread: Unread | None = None
                ) -> Payload:
    doc = _with_body(doc, unread)[0]
    return compile_document(doc, dict(registries[0]), registries[1]).payload()


def _file_digest(files: Mapping[str, RawDocument], doc: Document) -> str:
    """The SHA-256 of the file *doc* was loaded from; empty for a text that is no file."""
    raw = files.get(doc.path)
    return raw.digest if raw is not None else ""


def _unread(files: Mapping[str, RawDocument], doc: Document) -> Unread | None:
    raw = files.get(doc.path)
    return raw.unread if raw is not None else None


def _rereadable(files: Mapping[str, RawDocument], doc: Document, root: str
                ) -> Unread | None:
    """Where *doc*'s body can be read again: the loader's :class:`Unread`, or the file it
    was read from in *root* (checked by its SHA-256; a file changed since gives its body as
    it is now, and the next build compiles it again). None for a text that is no file."""
    raw = files.get(doc.path)
    if raw is None:
        return None
    if raw.unread is not None:
        return raw.unread
    if not root or not raw.digest:
        return None
    return Unread(root, doc.path, raw.digest, doc.body_line, len(doc.body))


def _with_body(doc: Document, unread: Unread | None) -> tuple[Document, bool]:
    """*doc* with its body, read now if the loader did not; False when the file no longer
    has the bytes it was loaded by (the body is then the file's as it is now)."""
    if unread is None:
        return doc, True
    body, line, same = unread.read()
    return dataclasses.replace(doc, body=body, body_line=line), same


def compile_row(doc: Document, registries: Registries) -> Row:
    """One body compiled and encoded for the store (in a worker process when there are many:
    the encoding and its checksums are made there too)."""
    return _compiled(doc, dict(registries[0]), registries[1])[1]


def compile_document(doc: Document, abbreviations: Mapping[str, str],
                     names: Names = NO_NAMES) -> Compiled:
    """Parse one body and keep what the site needs; the tokens go out of scope here. *names*
    are the registries' topic and area names, whose mentions in the text are kept."""
    return _compiled(doc, abbreviations, names)[0]


def _compiled(doc: Document, abbreviations: Mapping[str, str], names: Names
              ) -> tuple[Compiled, Row]:
    """The compiled record and its encoding, made once: the record's digest is that of its
    encoding, which leaves the digest out, so the record encodes to the same row."""
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
    headings = _heading_places(tokens)
    statuses = _statuses(doc, tokens, names, headings)
    notes += _status_word_notes(doc, tokens)
    text = plain_text(tokens)
    payload = Payload(markdown.render(tokens, _resolver(doc), _point_url), text,
                      tuple((html, status_text) for _status, html, status_text in statuses))
    unsigned = Compiled(
        lead=_lead(tokens), summary=summary(text),
        links=tuple(_links(tokens, lines, doc.body_line)),
        headings=tuple(_headings(tokens, headings)),
        abbreviations=tuple(sorted(used)),
        statuses=tuple(status for status, _html, _text in statuses),
        notes=tuple(notes), digest="", payload=InMemory(payload),
        mentions=mentioned(text, names), decisions=tuple(_decisions(doc, tokens, headings)))
    row = encode(unsigned)
    digest = record_digest(row.meta_sum, row.body_sum)
    return dataclasses.replace(
        unsigned, digest=digest,
        statuses=tuple(dataclasses.replace(s, payload=unsigned.payload)
                       for s in unsigned.statuses)), row


def summary(text: str) -> str:
    """The start of *text* with its spaces and line breaks made single spaces, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + " …"


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

def _statuses(doc: Document, tokens: Sequence[Token], names: Names, headings: Sequence[int]
              ) -> list[tuple[CompiledStatus, str, str]]:
    """Each status block with the HTML and text of its content, in text order."""
    found: list[tuple[int, int]] = []
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == f"container_{STATUS}_open":
            stack.append(index)
        elif token.type == f"container_{STATUS}_close" and stack:
            found.append((stack.pop(), index))
    return [_status(doc, tokens, start, end, place, names, bisect.bisect(headings, start))
            for place, (start, end) in enumerate(sorted(found))]


def _status(doc: Document, tokens: Sequence[Token], start: int, end: int, place: int,
            names: Names, headings_before: int) -> tuple[CompiledStatus, str, str]:
    opening, inner = tokens[start], tokens[start + 1:end]
    page = BASE + doc.url  # shown on the point's page: places in the document lead back to it
    html = markdown.render(inner, _resolver(doc, page), _point_url, page)
    text = plain_text(inner)
    status = CompiledStatus(point=status_point(opening.info),
                            line=doc.body_line + (opening.map[0] if opening.map else 0),
                            closed=bool(tokens[end].markup), index=place,
                            digest=_status_digest(html, text), payload=_unset,
                            mentions=mentioned(text, names),
                            closes=status_words(opening.info) == (CLOSES,),
                            headings_before=headings_before)
    return status, html, text


def _status_word_notes(doc: Document, tokens: Sequence[Token]) -> Iterator[Note]:
    """A status block's opening line may end in «avsluttet», and nothing else."""
    for token in tokens:
        words = status_words(token.info) if token.type == f"container_{STATUS}_open" else ()
        if words and words != (CLOSES,):
            point = status_point(token.info)
            line = doc.body_line + (token.map[0] if token.map else 0)
            yield Note(line, 1, f"«::: {STATUS} {point} {' '.join(words)}»: etter punktet kan "
                       f"bare «{CLOSES}» stå. Skriv «::: {STATUS} {point} {CLOSES}» når "
                       f"politirådet har avsluttet punktet, ellers «::: {STATUS} {point}».")


def _status_digest(html: str, text: str) -> str:
    """:attr:`CompiledStatus.digest` of a block with this HTML and text."""
    return hashlib.sha256(f"{html}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def _decisions(doc: Document, tokens: Sequence[Token], headings: Sequence[int]
               ) -> Iterator[Decision]:
    """Each ``::: vedtak`` block, numbered in text order as the page numbers them."""
    number, start = 0, None
    for index, token in enumerate(tokens):
        if token.type == f"container_{DECISION}_open":
            start = index
        elif token.type == f"container_{DECISION}_close" and start is not None:
            number += 1
            opening = tokens[start]
            yield Decision(number, doc.body_line + (opening.map[0] if opening.map else 0),
                           " ".join(plain_text(tokens[start + 1:index]).split()),
                           bisect.bisect(headings, start))
            start = None


class _Unset:
    """The payload of a status block before its record is made."""

    def __call__(self) -> Payload:
        raise AssertionError("a status block gets its record's payload when the record is made")

    def statuses(self) -> StatusTexts:
        return self().statuses


_unset = _Unset()


def _headings(tokens: Sequence[Token], places: Sequence[int]) -> list[Heading]:
    return [Heading(int(tokens[index].tag[1]), plain_text([tokens[index + 1]]),
                    str(tokens[index].attrGet("id"))) for index in places]


def _heading_places(tokens: Sequence[Token]) -> list[int]:
    """Where each of :attr:`Compiled.headings` opens among *tokens*, in text order."""
    return [index for index, token in enumerate(tokens)
            if token.type == "heading_open" and token.attrGet("id")]


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
    if difflib.get_close_matches(words[0].casefold(), [DECISION], n=1, cutoff=0.7):
        return Note(line, col, f"«{text}» er ikke en gyldig vedtaksblokk, så linjen ville "
                    f"blitt vist som tekst. Skriv «::: {DECISION}» alene på linjen.")
    point = words[1] if len(words) > 1 else "<punkt>"
    close = difflib.get_close_matches(words[0].casefold(), [STATUS], n=1, cutoff=0.5)
    hint = (f"Mente du «::: {STATUS} {point}»?" if close else
            f"Statusblokker skrives «::: {STATUS} <punkt>», for eksempel «::: {STATUS} 2025-1».")
    return Note(line, col, f"«{text}» er ikke en gyldig statusblokk, så linjen ville blitt "
                f"vist som tekst. {hint}")
