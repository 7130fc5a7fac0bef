"""The archive's Markdown parsed by markdown-it-pyrs (Rust), as the tokens markdown-it-py makes.

:func:`politiradet.stages.markdown.parse` asks :func:`parse` first and falls back to
markdown-it-py whenever this returns None: it answers only for bodies where the two parsers
are known to agree, and the differential test (``tests/test_markdown_rs.py``) compares the
compiled records of both, byte for byte, on generated and real documents.

markdown-it-pyrs knows neither our ``::: status`` / ``::: vedtak`` containers nor Python
rules. So a cheap pre-pass over the lines finds the containers exactly as mdit-py-plugins'
container rule does (a scan over lines that ignores the Markdown inside) and replaces each
opening and closing line with a thematic break (``***``), which like a container line ends a
paragraph, list or quote. The Rust parser builds the tree; each marker must come back as a
thematic break at the top level of the tree, where it was put, or the body goes to
markdown-it-py (a marker inside a fenced code block, a list item, a table...). The tree is
then turned into markdown-it-py's tokens (after ``text_join``), the container tokens are put
back at the markers, and the same core rules (heading ids, abbreviations) run over them.

Bodies with what this module does not model, or where the two parsers were found to differ
(by the differential fuzzing in ``tests/test_markdown_rs.py``), go to markdown-it-py:
footnotes, reference definitions, block quotes, NUL and whitespace other than space and
newline (markdown-it-py strips Unicode spaces), ``:::`` anywhere but at the start of a line,
container openings that do not follow a blank line, a container line or the start of the
body, tables that markdown-it-py would start or end elsewhere, emphasis marks beside a symbol
outside ASCII (€: punctuation for markdown-it-py only) or left as text, a backtick with a ``[``
(markdown-it-pyrs 0.4 panics on some), a fence left open at an end without a newline, link
hosts that need punycode, images (their alt text is kept raw), and nesting near
markdown-it-py's limit.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import markdown_it_pyrs
from markdown_it.common.normalize_url import normalizeLinkText
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_RULES = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
          "reference", "autolink", "backticks", "emphasis", "entity", "escape", "image",
          "link", "newline", "table"]
_PARSER = markdown_it_pyrs.MarkdownIt("zero").enable_many(_RULES)  # type: ignore[arg-type]
MAX_LEVEL = 16
"""Deepest nesting taken here, counted as markdown-it-py's token levels (a list and its item
are two; emphasis and links one each); markdown-it-py stops nesting at 20."""
MARKER = "***"
"""What a container's opening or closing line becomes for the Rust parser."""

_OTHER_SPACE = re.compile(r"[^\S \n]")
"""Whitespace other than space and newline (tab, no-break space, U+2028...)."""
_DELIMITERS = re.compile(r"[*_]+")
"""Emphasis marks: whether a character outside ASCII beside them is punctuation, the two
parsers do not always agree (markdown-it-py counts symbols such as € as punctuation)."""
_QUOTE = re.compile(r"^ {0,3}>", re.MULTILINE)
"""Block quotes: lazy lines in them are read differently by the two parsers."""
_PIPELESS_DELIMITER = re.compile(r"\|.*\n {0,3}[-:][-: ]*$", re.MULTILINE)
"""A table's delimiter row without a pipe under a line with one."""
_ENDS_TABLE = re.compile(r" {0,3}([-+*]( |$)|\d{1,9}[.)]( |$)|#|>|```|~~~|:::|[-*_] *[-*_] *[-*_])")
"""A line that may start a list, heading, quote, fence, container or rule: what ends a table
in markdown-it-py (a blockquote's terminators)."""
_INLINE = frozenset({"text", "text_special", "softbreak", "hardbreak", "em", "strong",
                     "code_inline", "link", "image", "autolink"})


class Fallback(Exception):
    """The body holds something this module does not read as markdown-it-py does."""


@dataclass(slots=True)
class _Container:
    name: str
    info: str
    markup: str
    start: int
    end: int
    """The closing line, or the end of the range when the container is left open."""
    close_markup: str
    closed: bool


@dataclass(slots=True)
class _Events:
    """What the pre-pass found: per marker line, the container tokens it stands for."""
    opens: dict[int, _Container]
    closes: dict[int, list[_Container]]
    """Containers closed at a line (inner ones left open first), or at the end (key -1)."""


def parse(body: str, is_container: Callable[[str, str], str | None]) -> list[Token] | None:
    """markdown-it-py's block tokens for *body* (before our core rules), or None when this
    module cannot promise them. *is_container(params, markup)* names the container that an
    opening line with these params starts, or None."""
    try:
        return _parse(body, is_container)
    except Fallback:
        return None


def run_core_rules(tokens: list[Token], env: dict[str, Any],
                   rules: Sequence[Callable[[StateCore], None]]) -> None:
    """Run markdown-it-py core rules over *tokens* made here."""
    state = StateCore("", None, env, tokens)  # type: ignore[arg-type]
    for rule in rules:
        rule(state)


def _parse(body: str, is_container: Callable[[str, str], str | None]) -> list[Token]:
    if ("\0" in body or "[^" in body or "^[" in body or "]:" in body
            or _OTHER_SPACE.search(body) or _QUOTE.search(body)):
        raise Fallback  # footnotes, reference definitions, spaces, block quotes
    if _OTHER_SPACE.search(body):
        raise Fallback  # markdown-it-py strips Unicode spaces (str.strip), pyrs only ASCII
    for match in _DELIMITERS.finditer(body):
        start, end = match.span()
        for char in (body[start - 1:start], body[end:end + 1]):
            if char > "\x7f" and unicodedata.category(char)[0] not in "LNP":
                raise Fallback  # pyrs does not count Unicode symbols as punctuation
    if "|" in body and _PIPELESS_DELIMITER.search(body):
        raise Fallback  # a table for markdown-it-py, a heading or a paragraph for pyrs
    if "`" in body and "[" in body:
        raise Fallback  # markdown-it-pyrs 0.4 panics on an unmatched ` after a [
    lines = body.split("\n")
    count = len(lines) - 1 if body.endswith("\n") or not body else len(lines)
    events = _Events({}, {})
    if ":::" in body:
        _containers(lines, 0, count, is_container, events, count)
        for index in (*events.opens, *events.closes):
            if index >= 0:
                lines[index] = MARKER
        source = "\n".join(lines)
    else:
        source = body
    try:
        data = source.encode("utf-8")
    except UnicodeEncodeError:
        raise Fallback from None  # a lone surrogate: no Rust string
    starts = [0]
    find = data.find
    position = find(b"\n")
    while position >= 0:
        starts.append(position + 1)
        position = find(b"\n", position + 1)
    try:
        tree = _PARSER.tree(source)
    except BaseException as error:  # a Rust panic is a BaseException
        if not type(error).__name__ == "PanicException":
            raise
        raise Fallback from None
    return _Converter(lines, starts, events).document(tree)


# --- the pre-pass: containers, as mdit_py_plugins.container finds them --------------------

def _containers(lines: list[str], begin: int, end: int,
                is_container: Callable[[str, str], str | None], events: _Events,
                document_end: int) -> None:
    """Find the containers in lines *begin*..*end* (a range the container rule tokenizes)."""
    index = begin
    block_start = True
    while index < end:
        line = lines[index]
        if ":::" in line and not line.startswith(":::"):
            raise Fallback  # a ::: line elsewhere: in a list, a quote, indented
        if line.startswith(":::"):
            run = len(line) - len(line.lstrip(":"))
            name = is_container(line[run:], line[:run])
            if name is not None:
                if not block_start:
                    raise Fallback  # would interrupt a paragraph (or not, after a table)
                container = _scan(lines, index, end, name, line[run:], line[:run])
                events.opens[index] = container
                _containers(lines, index + 1, container.end, is_container, events,
                            document_end)
                if not container.closed:
                    events.closes.setdefault(end if end < document_end else -1,
                                             []).append(container)
                    return
                events.closes.setdefault(container.end, []).append(container)
                index = container.end + 1
                block_start = True
                continue
        block_start = not line.strip(" ")
        index += 1


def _scan(lines: list[str], start: int, end: int, name: str, params: str, markup: str
          ) -> _Container:
    """mdit_py_plugins.container's search for the closing line, with the markup its closing
    token gets: when no line closes it, ``src[start:pos]`` as that rule leaves them, which is
    the opening's markup when the range ends right after it, or the colons that start the
    range's last line, or nothing."""
    count = len(markup)
    for at in range(start + 1, end):
        line = lines[at]
        first = len(line) - len(line.lstrip(" "))
        if first >= 4 or not line.startswith(":", first):
            continue
        tail = len(line) - len(line[first:].lstrip(":"))
        if tail - first < count:
            continue
        while tail < len(line) and line[tail] == " ":
            tail += 1
        if tail == len(line):
            return _Container(name, params, markup, start, at, line[first:], closed=True)
    if start + 1 >= end:
        return _Container(name, params, markup, start, end, markup, closed=False)
    line = lines[end - 1]
    first = len(line) - len(line.lstrip(" "))
    if first >= 4 or not line.startswith(":", first):
        return _Container(name, params, markup, start, end, "", closed=False)
    tail = len(line) - len(line[first:].lstrip(":"))
    if tail - first >= count:
        while tail < len(line) and line[tail] == " ":
            tail += 1
    return _Container(name, params, markup, start, end, line[first:tail], closed=False)


# --- the tree as tokens --------------------------------------------------------------------

class _Converter:
    def __init__(self, lines: list[str], starts: list[int], events: _Events) -> None:
        self.lines = lines
        self.starts = starts
        self.events = events
        self.tokens: list[Token] = []
        self.size = starts[-1] + len(lines[-1].encode("utf-8"))
        self.ends_in_newline = not lines[-1]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def document(self, root: Any) -> list[Token]:
        opens, closes = self.events.opens, self.events.closes
        markers = {self.starts[index]: index for index in (*opens, *closes) if index >= 0}
        found = 0
        tokens = self.tokens
        for node in root.children:
            name = node.name
            if name == "hr" and markers:
                index = markers.get(node.srcmap[0])
                if index is not None:
                    found += 1
                    for container in closes.get(index, ()):
                        tokens.append(_close(container))
                    opened = opens.get(index)
                    if opened is not None:
                        tokens.append(_open(opened))
                    continue
            self.block(node, 0)
        if found != len(markers):
            raise Fallback  # a marker inside a code block, a list, a table...
        for container in closes.get(-1, ()):
            tokens.append(_close(container))
        return tokens

    def block(self, node: Any, depth: int) -> None:
        if depth > MAX_LEVEL:
            raise Fallback
        name = node.name
        tokens = self.tokens
        if name == "paragraph":
            start, end = node.srcmap
            first, last = self.line(start), self.line(end - 1) + 1
            self.paragraph(node.children, first, last, False)
        elif name == "heading" or name == "lheading":
            start, end = node.srcmap
            first, last = self.line(start), self.line(end - 1) + 1
            tag = f"h{node.meta['level']}"
            opening = Token("heading_open", tag, 1, map=[first, last], block=True)
            inline = Token("inline", "", 0, map=[first, last - (name == "lheading")],
                           children=self.inline(node.children, 0))
            tokens += (opening, inline, Token("heading_close", tag, -1, block=True))
        elif name == "bullet_list" or name == "ordered_list":
            self.list_block(node, depth)
        elif name == "blockquote":
            tokens.append(Token("blockquote_open", "blockquote", 1, markup=">", block=True))
            for child in node.children:
                self.block(child, depth + 1)
            tokens.append(Token("blockquote_close", "blockquote", -1, markup=">", block=True))
        elif name == "fence":
            if node.srcmap[1] >= self.size and not self.ends_in_newline:
                raise Fallback  # left open at the end: markdown-it-py adds no newline
            meta = node.meta
            tokens.append(Token("fence", "code", 0, content=meta["content"], info=meta["info"],
                                block=True))
        elif name == "code_block":
            tokens.append(Token("code_block", "code", 0, content=node.meta["content"],
                                block=True))
        elif name == "hr":
            tokens.append(Token("hr", "hr", 0, block=True))
        elif name == "table":
            self.table(node)
        elif name == "definition":
            pass
        else:
            raise Fallback

    def paragraph(self, children: Sequence[Any], first: int, last: int, hidden: bool) -> None:
        content = "\n".join(self.lines[first:last]).strip()
        self.tokens += (
            Token("paragraph_open", "p", 1, map=[first, last], block=True, hidden=hidden),
            Token("inline", "", 0, map=[first, last], content=content,
                  children=self.inline(children, 0)),
            Token("paragraph_close", "p", -1, block=True, hidden=hidden))

    def list_block(self, node: Any, depth: int) -> None:
        ordered = node.name == "ordered_list"
        kind, tag = ("ordered_list", "ol") if ordered else ("bullet_list", "ul")
        attrs: dict[str, str | int | float] = {}
        if ordered and node.meta["start"] != 1:
            attrs["start"] = node.meta["start"]
        tokens = self.tokens
        tokens.append(Token(f"{kind}_open", tag, 1, attrs=attrs, block=True))
        for item in node.children:
            tokens.append(Token("list_item_open", "li", 1, block=True))
            children = item.children
            item_end = self.line(item.srcmap[1] - 1) + 1
            index = 0
            while index < len(children):
                child = children[index]
                if child.name in _INLINE:
                    run = index
                    while index < len(children) and children[index].name in _INLINE:
                        index += 1
                    first = self.line(children[run].srcmap[0])
                    last = (self.line(children[index].srcmap[0]) if index < len(children)
                            else item_end)
                    self.paragraph(children[run:index], first, last, True)
                    continue
                self.block(child, depth + 2)
                index += 1
            tokens.append(Token("list_item_close", "li", -1, block=True))
        tokens.append(Token(f"{kind}_close", tag, -1, block=True))

    def table(self, node: Any) -> None:
        aligns = [f"text-align:{align}" if align != "none" else ""
                  for align in node.meta["alignments"]]
        lines = self.lines
        first = self.line(node.srcmap[0])
        if "|" not in lines[first]:
            raise Fallback  # markdown-it-py wants a | in the header row
        after = self.line(node.srcmap[1] - 1) + 1
        if after < len(lines) and lines[after].strip(" ") and not _ENDS_TABLE.match(
                lines[after]):
            raise Fallback  # markdown-it-py would read the next line as a row
        tokens = self.tokens
        tokens.append(Token("table_open", "table", 1, block=True))
        for part in node.children:
            section = part.name  # thead / tbody
            cell = "th" if section == "thead" else "td"
            tokens.append(Token(f"{section}_open", section, 1, block=True))
            for row in part.children:
                line = self.line(row.srcmap[0])
                if section == "tbody" and _ENDS_TABLE.match(lines[line]):
                    raise Fallback  # a line that ends the table for markdown-it-py
                tokens.append(Token("tr_open", "tr", 1, block=True))
                for column, data in enumerate(row.children):
                    align = aligns[column] if column < len(aligns) else ""
                    tokens += (
                        Token(f"{cell}_open", cell, 1, attrs={"style": align} if align else {},
                              block=True),
                        Token("inline", "", 0, map=[line, line + 1],
                              children=self.inline(data.children, 0)),
                        Token(f"{cell}_close", cell, -1, block=True))
                tokens.append(Token("tr_close", "tr", -1, block=True))
            tokens.append(Token(f"{section}_close", section, -1, block=True))
        tokens.append(Token("table_close", "table", -1, block=True))

    def inline(self, nodes: Sequence[Any], depth: int) -> list[Token]:
        out: list[Token] = []
        self._inline(nodes, depth, out)
        return out

    def _inline(self, nodes: Sequence[Any], depth: int, out: list[Token]) -> None:
        if depth > MAX_LEVEL:
            raise Fallback
        for node in nodes:
            name = node.name
            if name == "text" or name == "text_special":
                content = node.meta["content"]
                if name == "text" and ("*" in content or "_" in content):
                    raise Fallback  # a delimiter left as text: pyrs' emphasis differs at times
                if out and out[-1].type == "text":
                    out[-1].content += content
                else:
                    out.append(Token("text", "", 0, content=content))
            elif name == "softbreak" or name == "hardbreak":
                out.append(Token(name, "br", 0))
            elif name == "em" or name == "strong":
                tag = "em" if name == "em" else "strong"
                marker = node.meta["marker"] * (1 if name == "em" else 2)
                out.append(Token(f"{tag}_open", tag, 1, markup=marker))
                self._inline(node.children, depth + 1, out)
                out.append(Token(f"{tag}_close", tag, -1, markup=marker))
            elif name == "code_inline":
                content = "".join(child.meta["content"] for child in node.children)
                out.append(Token("code_inline", "code", 0, content=content,
                                 markup=node.meta["marker"] * node.meta["marker_len"]))
            elif name == "link":
                meta = node.meta
                attrs: dict[str, str | int | float] = {"href": _url(meta["url"])}
                if meta.get("title") is not None:
                    attrs["title"] = meta["title"]
                out.append(Token("link_open", "a", 1, attrs=attrs))
                self._inline(node.children, depth + 1, out)
                out.append(Token("link_close", "a", -1))
            elif name == "autolink":
                url = _url(node.meta["url"])
                text = "".join(child.meta["content"] for child in node.children)
                out += (Token("link_open", "a", 1, attrs={"href": url}, markup="autolink",
                              info="auto"),
                        Token("text", "", 0, content=_link_text(text)),
                        Token("link_close", "a", -1, markup="autolink", info="auto"))
            elif name == "image":
                meta = node.meta
                attrs = {"src": _url(meta["url"]), "alt": ""}
                if meta.get("title") is not None:
                    attrs["title"] = meta["title"]
                children = self.inline(node.children, depth + 1)
                out.append(Token("image", "img", 0, attrs=attrs, children=children,
                                 content=self.label(node)))
            else:
                raise Fallback

    def label(self, image: Any) -> str:
        raise Fallback


def _url(url: str) -> str:
    if "%" in url and ":" in url.split("?", 1)[0].split("#", 1)[0]:
        raise Fallback  # a host that markdown-it-py may write in punycode
    return url


def _link_text(text: str) -> str:
    return str(normalizeLinkText(text))


def _open(container: _Container) -> Token:
    return Token(f"container_{container.name}_open", "div", 1, markup=container.markup,
                 info=container.info, map=[container.start, container.end], block=True)


def _close(container: _Container) -> Token:
    return Token(f"container_{container.name}_close", "div", -1,
                 markup=container.close_markup, block=True)
