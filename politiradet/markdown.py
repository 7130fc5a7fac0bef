"""Parse document bodies once with markdown-it and render them with site URLs.

Raw HTML is never passed through, ``javascript:``/``data:`` links are not links, relative
links to other ``.md`` files become site URLs, and ``::: status <punkt>`` blocks mark
status updates for follow-up points.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .load import suggest_slug
from .model import Abbreviation, Document

STATUS = "status"

MARKUP_COST: dict[str, int] = {
    "[": 15, "!": 15, "^": 15, "<": 25, "_": 10, "*": 10, "&": 5, "\\": 3, ":": 3, "#": 2}
"""What one character costs markdown-it's inline parser at worst, in microseconds (measured:
``[[[[…``, ``![![…``, ``<a<a…``, ``_a_a…``, 500 000 ``:``). Only characters that start inline
syntax are counted: letters, line breaks, list markers and table pipes cost little, so a long
plain document (thousands of paragraphs, list items or table rows) is never refused."""
MAX_MARKUP_COST = 1_000_000
"""The markup a body may carry: about a second of parsing at worst. Ordinary minutes use
well under one per cent of it; text made mostly of brackets or emphasis marks is refused."""
@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link or image target written in a body, with its place in the file."""

    href: str
    line: int
    col: int
    image: bool = False


@dataclass(frozen=True, slots=True)
class StatusBlock:
    """A ``::: status <punkt>`` block: a status update for one follow-up point."""

    point: str
    """The follow-up point's id as written, e.g. ``2025-1``."""
    line: int
    start: int
    """Index of the opening token."""
    end: int
    """Index of the closing token."""
    closed: bool = True
    """False when the editor forgot the closing ``:::`` and the block ran to the end."""

    @property
    def anchor(self) -> str:
        return f"status-{self.point}"


@dataclass(frozen=True, slots=True)
class StrayContainer:
    """A line that looks like a ``:::`` block but is none, so it would show as text."""

    text: str
    """The line as written, without indentation."""
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading, for the table of contents."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Body:
    """A parsed document body."""

    tokens: Sequence[Token]
    links: tuple[LinkRef, ...]
    statuses: tuple[StatusBlock, ...]
    headings: tuple[Heading, ...]
    text: str
    """Plain text of the body, for search and open data."""
    abbreviations: frozenset[str] = frozenset()
    """Registered abbreviations the body uses (each marked with ``<abbr>`` at first use)."""
    stray_containers: tuple[StrayContainer, ...] = ()


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What rendering needs to know about the site: how to turn links into URLs."""

    resolve: Callable[[str], str | None]
    """Map an href written in the document to a site URL (None: leave as written)."""
    point_url: Callable[[str], str]
    """URL of a follow-up point's page by id."""
    extra: dict[str, Any] = field(default_factory=dict)


HEADING_LEVELS = range(2, 5)
"""Headings that get an id for links and the table of contents."""

TEMPLATE_IDS = frozenset({
    "adopted-heading", "apne-heading", "filter-1", "filter-2", "kommende-heading", "ar-heading",
    "backlinks-heading", "dokument-tittel",
    "dokumenter-heading", "forkortelser-heading", "header-sok", "hovedinnhold", "kilde-heading",
    "omrade-heading", "punkter-heading", "related-heading", "reported-heading",
    "signatarer-heading", "siste-heading", "sok", "sok-filterboks", "sok-filtre", "sok-flere",
    "sok-hjelp", "sok-q", "sok-skjema", "sok-sortering", "sok-status", "sok-treff",
    "status-heading", "tema-heading", "toc-heading", "underomrader-heading", "vedlegg-heading",
    "vedtatt-heading"})
"""Ids the page templates use; a heading never takes one (tests keep this list complete)."""
_GENERATED_ID = re.compile(r"^(status-\d+-\d+|fn(ref)?\d+(:\d+)?)$")
"""Ids of status blocks and footnotes, also kept free for them."""


def _reserved(slug: str) -> bool:
    return slug in TEMPLATE_IDS or bool(_GENERATED_ID.match(slug))


def _heading_ids_rule(state: StateCore) -> None:
    """Give headings unique ids: «Status», «Status» -> ``status``, ``status-1``.

    Counts per base slug, so a thousand equal headings cost a thousand steps, not a million.
    """
    taken: set[str] = set()
    counters: dict[str, int] = {}
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open" or int(token.tag[1]) not in HEADING_LEVELS:
            continue
        title = "".join(child.content for child in state.tokens[index + 1].children or ()
                        if child.type in ("text", "code_inline"))
        base = suggest_slug(title)
        slug, number = base, counters.get(base, 0)
        while slug in taken or _reserved(slug):
            number += 1
            slug = f"{base}-{number}"
        counters[base] = number
        taken.add(slug)
        token.attrSet("id", slug)


def _status_valid(params: str, _markup: str) -> bool:
    return params.strip().split(" ", 1)[0] == STATUS


def _render_status(self: RendererHTML, tokens: Sequence[Token], idx: int,
                   _options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</section>\n"
    point = _status_point(token.info)
    ctx: RenderContext = env["ctx"]
    url = ctx.point_url(point)
    return (f'<section class="status-update" id="status-{_escape(point)}">\n'
            f'<p class="status-update__label">Status for <a href="{_escape(url)}">'
            f'oppfølgingspunkt {_escape(point)}</a></p>\n')


def _status_point(info: str) -> str:
    parts = info.strip().split()
    return parts[1] if len(parts) > 1 else ""


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _link_open(self: RendererHTML, tokens: Sequence[Token], idx: int,
               options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    ctx: RenderContext | None = env.get("ctx")
    href = str(token.attrGet("href") or "")
    if ctx is not None:
        resolved = ctx.resolve(href)
        if resolved is not None:
            token.attrSet("href", resolved)
    return self.renderToken(tokens, idx, options, env)


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int,
           options: OptionsDict, env: EnvType) -> str:
    """Images are not published (they would load from elsewhere); show the alt text."""
    return _escape(tokens[idx].content)


def _abbreviations_rule(state: StateCore) -> None:
    """Wrap the first use of each registered abbreviation in ``<abbr title=…>``."""
    known: dict[str, str] = state.env.get("abbreviations", {})
    if not known:
        return
    pattern = re.compile(r"(?<![\wÆØÅæøå/-])(" + "|".join(
        re.escape(short) for short in sorted(known, key=len, reverse=True)) + r")(?![\wÆØÅæøå])")
    used: set[str] = state.env.setdefault("abbreviations_used", set())
    for block in state.tokens:
        if block.type == "inline" and block.children:
            block.children = _wrap_abbreviations(block.children, pattern, known, used)


def _wrap_abbreviations(children: list[Token], pattern: re.Pattern[str],
                        known: dict[str, str], used: set[str]) -> list[Token]:
    """Wrap each match of *pattern* not seen before, at the place it matched."""
    result: list[Token] = []
    for child in children:
        if child.type != "text":
            result.append(child)
            continue
        text, done = child.content, 0
        for match in pattern.finditer(text):
            short = match.group(1)
            if short in used:
                continue
            used.add(short)
            result.append(_text(text[done:match.start(1)]))
            opening = Token("abbr_open", "abbr", 1)
            opening.attrSet("title", known[short])
            result += [opening, _text(short), Token("abbr_close", "abbr", -1)]
            done = match.end(1)
        result.append(_text(text[done:]))
    return [token for token in result if token.type != "text" or token.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def make_parser() -> MarkdownIt:
    """The one Markdown dialect of the archive: CommonMark, tables, footnotes, status blocks."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable("table")
    md.use(footnote_plugin)
    md.core.ruler.push("heading_ids", _heading_ids_rule)
    md.use(container_plugin, name=STATUS, validate=_status_valid, render=_render_status)
    md.core.ruler.push("abbreviations", _abbreviations_rule)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    return md


_PARSER = make_parser()


def too_complex(text: str) -> int | None:
    """0-based line of *text* where its markup exceeds :data:`MAX_MARKUP_COST`, or None."""
    if _markup_cost(text) <= MAX_MARKUP_COST:
        return None
    total = 0
    for index, line in enumerate(text.split("\n")):
        total += _markup_cost(line)
        if total > MAX_MARKUP_COST:
            return index
    return None  # pragma: no cover - the sums above agree


def _markup_cost(text: str) -> int:
    return sum(text.count(char) * cost for char, cost in MARKUP_COST.items())


def parse(doc: Document, abbreviations: Sequence[Abbreviation] = ()) -> Body:
    """Parse a document's body and collect its links, status blocks and headings."""
    env: dict[str, Any] = {"abbreviations": {a.short: a.meaning for a in abbreviations}}
    tokens = _PARSER.parse(doc.body, env)
    lines = doc.body.split("\n")
    return Body(
        tokens=tokens,
        links=tuple(_links(tokens, lines, doc.body_line)),
        statuses=tuple(_statuses(tokens, doc.body_line)),
        headings=tuple(_headings(tokens)),
        text=plain_text(tokens),
        abbreviations=frozenset(env.get("abbreviations_used", ())),
        stray_containers=tuple(_stray_containers(tokens, lines, doc.body_line)),
    )


def render(body: Body, ctx: RenderContext, start: int = 0, end: int | None = None) -> str:
    """Render the body (or the token slice *start*..*end*) to HTML."""
    env: dict[str, Any] = {"ctx": ctx}
    return str(_PARSER.renderer.render(list(body.tokens[start:end]), _PARSER.options, env))


def render_status(body: Body, status: StatusBlock, ctx: RenderContext) -> str:
    """The HTML of one status block's content (without its label), for the point's page.

    Footnote references point back to the footnotes on the source document's page.
    """
    html = render(body, ctx, status.start + 1, status.end)
    return html.replace('href="#fn', f'href="{_escape(ctx.extra.get("page_url", ""))}#fn')


def plain_text(tokens: Sequence[Token]) -> str:
    """Readable text of a token stream: paragraphs and headings separated by newlines."""
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append("".join(child.content if child.type in ("text", "code_inline")
                                 else " " for child in token.children or ()
                                 if child.type in ("text", "code_inline", "softbreak",
                                                   "hardbreak")).strip())
        elif token.type in ("code_block", "fence"):
            parts.append(token.content.strip())
    return "\n".join(part for part in parts if part)


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


def _statuses(tokens: Sequence[Token], first_line: int) -> list[StatusBlock]:
    found, stack = [], []
    for index, token in enumerate(tokens):
        if token.type == f"container_{STATUS}_open":
            stack.append(index)
        elif token.type == f"container_{STATUS}_close" and stack:
            start = stack.pop()
            opening = tokens[start]
            line = first_line + (opening.map[0] if opening.map else 0)
            found.append(StatusBlock(_status_point(opening.info), line, start, index,
                                     closed=bool(token.markup)))
    return sorted(found, key=lambda s: s.start)


_CONTAINER_LINE = re.compile(r":{3,}(?:\s|$)|:{3,}\w")


def _stray_containers(tokens: Sequence[Token], lines: list[str], first_line: int
                      ) -> Iterator[StrayContainer]:
    """Lines of running text that start with ``:::``: a status block the parser did not take."""
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
            yield StrayContainer(text, first_line + line, max(lines[line].find(":::"), 0) + 1)


def _headings(tokens: Sequence[Token]) -> list[Heading]:
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            text = plain_text([tokens[index + 1]])
            found.append(Heading(int(token.tag[1]), text, str(token.attrGet("id"))))
    return found
