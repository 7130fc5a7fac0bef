"""The archive's one Markdown dialect, as a configured markdown-it parser and renderer.

CommonMark with tables, footnotes, ``::: status <punkt>`` blocks (``::: status <punkt>
avsluttet`` closes the point) and ``::: vedtak`` blocks (the meeting's decisions). Raw HTML
is never passed through, images show their alt text, headings get unique ids and registered
abbreviations get ``<abbr>`` at their first use. The compile stage
(:mod:`politiradet.stages.compile`) is the only user:
it parses each body once and keeps what it needs, never the tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..common.slug import suggest_slug
from ..model.content import decision_anchor, escape_attribute

STATUS = "status"
CLOSES = "avsluttet"
"""The word after a status block's point that closes the point: ``::: status 2025-1 avsluttet``."""
DECISION = "vedtak"

MARKUP_COST: dict[str, int] = {
    "[": 15, "!": 15, "^": 15, "<": 25, "_": 10, "*": 10, "&": 5, "\\": 3, ":": 3, "#": 2}
"""What one character costs markdown-it's inline parser at worst, in microseconds (measured:
``[[[[…``, ``![![…``, ``<a<a…``, ``_a_a…``, 500 000 ``:``). Only characters that start inline
syntax are counted: letters, line breaks, list markers and table pipes cost little, so a long
plain document (thousands of paragraphs, list items or table rows) is never refused."""
MAX_MARKUP_COST = 1_000_000
"""The markup a body may carry: about a second of parsing at worst. Ordinary minutes use
well under one per cent of it; text made mostly of brackets or emphasis marks is refused."""

HEADING_LEVELS = range(2, 5)
"""Headings that get an id for links and the table of contents."""

TEMPLATE_IDS = frozenset({
    "adopted-heading", "apne-heading", "filter-1", "filter-2", "kommende-heading", "ar-heading",
    "backlinks-heading", "deltakere-heading", "dokument-tittel",
    "dokumenter-heading", "forkortelser-heading", "header-sok", "hovedinnhold", "kilde-heading",
    "omrade-heading", "punkter-heading", "related-heading", "reported-heading",
    "signatarer-heading", "siste-heading", "sok", "sok-filterboks", "sok-filtre", "sok-flere",
    "sok-hjelp", "sok-q", "sok-skjema", "sok-sortering", "sok-status", "sok-treff",
    "status-heading", "tema-heading", "toc-heading", "underomrader-heading", "vedlegg-heading",
    "vedtak-heading", "nevnt-heading", "bruk", "dokumenter", "kalender", "katalog", "nyheter",
    "oparl", "utvidelser",
    "vedtatt-heading"})
"""Ids the page templates use; a heading never takes one (tests keep this list complete)."""
_GENERATED_ID = re.compile(r"^(status-\d+-\d+|vedtak-\d+|fn(ref)?\d+(:\d+)?)$")
"""Ids of status blocks, decisions and footnotes, also kept free for them."""

Resolve = Callable[[str], str | None]
"""Map an href as written to the URL to put in the HTML (None: leave it as written)."""


def _reserved(slug: str) -> bool:
    return slug in TEMPLATE_IDS or bool(_GENERATED_ID.fullmatch(slug))


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


def status_point(info: str) -> str:
    """The follow-up point named on a status block's opening line («» when none)."""
    parts = info.strip().split()
    return parts[1] if len(parts) > 1 else ""


def status_words(info: str) -> tuple[str, ...]:
    """What a status block's opening line says after the point: ``("avsluttet",)`` when it
    closes the point, ``()`` for an ordinary status; anything else is a mistake."""
    return tuple(info.strip().split()[2:])


def _decision_valid(params: str, _markup: str) -> bool:
    return params.strip() == DECISION


def _render_decision(self: RendererHTML, tokens: Sequence[Token], idx: int,
                     _options: OptionsDict, env: EnvType) -> str:
    if tokens[idx].nesting == -1:
        return "</section>\n"
    env["decisions"] = number = env.get("decisions", 0) + 1
    anchor = decision_anchor(number)
    return (f'<section class="decision" id="{anchor}">\n'
            f'<p class="decision__label">Vedtak</p>\n')


def _render_status(self: RendererHTML, tokens: Sequence[Token], idx: int,
                   _options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</section>\n"
    point = status_point(token.info)
    url: str = env["point_url"](point)
    closes = " – punktet er avsluttet" if status_words(token.info) == (CLOSES,) else ""
    return (f'<section class="status-update" id="status-{escape_attribute(point)}">\n'
            f'<p class="status-update__label">Status for <a href="{escape_attribute(url)}">'
            f'oppfølgingspunkt {escape_attribute(point)}</a>{closes}</p>\n')


def _link_open(self: RendererHTML, tokens: Sequence[Token], idx: int,
               options: OptionsDict, env: EnvType) -> str:
    """The link with its href resolved; the token itself is left as parsed."""
    token = tokens[idx]
    resolved = env["resolve"](str(token.attrGet("href") or ""))
    if resolved is None:
        return self.renderToken(tokens, idx, options, env)
    return self.renderToken([token.copy(attrs={**token.attrs, "href": resolved})], 0,
                            options, env)


def _footnote_ref(self: RendererHTML, tokens: Sequence[Token], idx: int,
                  options: OptionsDict, env: EnvType) -> str:
    """A footnote reference, as the footnote plugin writes it but leading to the footnote on
    ``env["page"]`` (the document's page when the reference is shown on another page)."""
    ident: str = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    caption: str = self.rules["footnote_caption"](tokens, idx, options, env)
    sub = tokens[idx].meta.get("subId", -1)
    refid = f"{ident}:{sub}" if sub > 0 else ident
    return (f'<sup class="footnote-ref"><a href="{escape_attribute(env["page"])}#fn{ident}" '
            f'id="fnref{refid}">{caption}</a></sup>')


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int,
           options: OptionsDict, env: EnvType) -> str:
    """Images are not published (they would load from elsewhere); show the alt text."""
    return escape_attribute(tokens[idx].content)


def _abbreviations_rule(state: StateCore) -> None:
    """Wrap the first use of each registered abbreviation in ``<abbr title=…>``."""
    known: dict[str, str] = state.env.get("abbreviations", {})
    if not known:
        return
    pattern = re.compile(r"(?<![\wÆØÅæøå/-])(" + "|".join(
        re.escape(short) for short in sorted(known, key=len, reverse=True)) + r")(?![\wÆØÅæøå])")
    used: set[str] = state.env.setdefault("abbreviations_used", set())
    for block in state.tokens:
        if len(used) == len(known):
            return  # each is marked at its first use only: nothing left to look for
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
        # a text without a new abbreviation stays the token it was (making tokens is costly)
        result.append(_text(text[done:]) if done else child)
    return [token for token in result if token.type != "text" or token.content]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def make_parser() -> MarkdownIt:
    """The one Markdown dialect of the archive: CommonMark, tables, footnotes, status blocks,
    decisions."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable("table")
    md.use(footnote_plugin)
    md.core.ruler.push("heading_ids", _heading_ids_rule)
    md.use(container_plugin, name=STATUS, validate=_status_valid, render=_render_status)
    md.use(container_plugin, name=DECISION, validate=_decision_valid, render=_render_decision)
    md.core.ruler.push("abbreviations", _abbreviations_rule)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    md.add_render_rule("footnote_ref", _footnote_ref)
    return md


_PARSER = make_parser()


def parse(body: str, abbreviations: dict[str, str]) -> tuple[list[Token], frozenset[str]]:
    """The body's tokens and the registered abbreviations (short -> meaning) it uses."""
    env: dict[str, Any] = {"abbreviations": abbreviations}
    tokens = _PARSER.parse(body, env)
    return tokens, frozenset(env.get("abbreviations_used", ()))


def render(tokens: Sequence[Token], resolve: Resolve, point_url: Callable[[str], str],
           page: str = "") -> str:
    """HTML of *tokens*, with links through *resolve* and status labels linking *point_url*.

    Footnote references lead to ``page + "#fn…"``: *page* is empty on the document's own page.
    """
    env: dict[str, Any] = {"resolve": resolve, "point_url": point_url, "page": page}
    return str(_PARSER.renderer.render(list(tokens), _PARSER.options, env))


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
