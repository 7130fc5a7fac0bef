"""Reader for plain text (text already extracted, as from text recognition) and Markdown.

Hard-wrapped lines are joined into paragraphs, words hyphenated across lines are joined,
bullet glyphs (including those text recognition makes of «•») become list items, and short
lines without a full stop that open a paragraph become headings.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .document import CONTROL, HEADER_KEYS, Block, SourceDocument, check_size
from .sniff import decode_text

MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
"""A thematic break («---», «***», «_ _ _»), as Markdown and typewritten text draw one."""
UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
"""A line under a heading (Markdown's setext heading): «=» for level 1, «-» for level 2."""
BULLET = re.compile(r"^\s*(?:[+*«•·~▪●◦-]|–(?=\s)|[eo](?=\s+[A-ZÆØÅ0-9]))\s*(?P<text>\S.*)$")
NUMBERED = re.compile(r"^\s*(?P<number>\d{1,2})[.,]\s+(?P<text>[A-ZÆØÅ@\"«].*)$")
HEADER_KEY = re.compile(rf"^\s*({HEADER_KEYS})\s*:", re.IGNORECASE)
TERMINAL = (".", ":", ";", ",", "!", "?")
KEEP_HYPHEN_BEFORE = {"og", "eller", "til", "som", "samt"}


@dataclass(frozen=True, slots=True)
class Line:
    """One physical line, classified."""

    text: str
    kind: str
    """blank, heading, bullet, numbered, header, text, page (text after a page break), rule
    (a thematic break), or underline (a line of «=» or «--» under a heading)."""
    number: int | None = None
    level: int = 0
    glyph: str = ""


def read_bytes(data: bytes) -> SourceDocument:
    """Read a text file's bytes (UTF-8, or Windows-1252 as Word saves it) into blocks."""
    return check_size(read_text(decode_text(data)))


def read_text(text: str) -> SourceDocument:
    """Read extracted text (or Markdown) into blocks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = CONTROL.sub(" ", text)
    lines = _underlined([_classify(raw) for raw in text.split("\n")])
    return SourceDocument(tuple(assemble(lines)), "tekst")


def _classify(raw: str) -> Line:
    text = raw.replace("\u00a0", " ").rstrip()
    if not text.strip():
        return Line("", "blank")
    line = _classify_text(text)
    if line.kind == "text" and re.match(r"^ [A-ZÆØÅ]", text):
        return Line(line.text, "page")  # a page break in extracted text: a new paragraph
    return line


def _underlined(lines: list[Line]) -> list[Line]:
    """A single line of text with a line of «=» or «-» under it is a heading."""
    out: list[Line] = []
    for line in lines:
        before = out[-2].kind if len(out) > 1 else "blank"
        if line.kind in ("rule", "underline") and line.glyph in "=-" and out \
                and out[-1].kind in ("text", "page") and before == "blank":
            out[-1] = Line(out[-1].text, "heading", level=1 if line.glyph == "=" else 2)
        elif line.kind == "underline":
            out.append(Line(line.text, "text"))
        else:
            out.append(line)
    return out


def _classify_text(text: str) -> Line:
    if match := RULE.match(text):
        return Line("", "rule", glyph=match[1])
    if match := UNDERLINE.match(text):
        return Line(text.strip(), "underline", glyph=match[1][0])
    if match := MD_HEADING.match(text.strip()):
        return Line(_strip_bold(match[2]), "heading", level=len(match[1]))
    if HEADER_KEY.match(text):
        return Line(text.strip(), "header")
    if match := NUMBERED.match(text):
        return Line(match["text"].strip(), "numbered", number=int(match["number"]))
    if match := BULLET.match(text):
        return Line(match["text"].strip(), "bullet", glyph=text.strip()[0])
    return Line(text.strip(), "text")


def _strip_bold(text: str) -> str:
    return re.sub(r"^\*\*(.+)\*\*$", r"\1", text.strip())


def assemble(lines: Sequence[Line]) -> Iterator[Block]:
    """Group classified lines into blocks."""
    width = _typical_width(lines)
    groups = list(_groups(lines))
    nested_glyphs = _nested_glyphs(lines)
    previous: Block | None = None
    for group in groups:
        for block in _blocks(group, width, nested_glyphs):
            if previous and _continues(previous, block):
                previous = previous.with_text(join_lines([previous.text, block.text]))
                continue
            if previous:
                yield previous
            previous = block
    if previous:
        yield previous


def _typical_width(lines: Sequence[Line]) -> int:
    lengths = sorted(len(line.text) for line in lines if line.kind == "text")
    if len(lengths) < 5:
        return 80
    return max(60, int(statistics.quantiles(lengths, n=10)[8]))


def _nested_glyphs(lines: Sequence[Line]) -> set[str]:
    """«o» is a second-level bullet only where the first level uses another glyph than «e»."""
    glyphs = {line.glyph for line in lines if line.kind == "bullet"}
    return {"o"} if glyphs - {"e", "o"} else set()


def _groups(lines: Sequence[Line]) -> Iterator[list[Line]]:
    """Runs of lines that belong to one block: a new block starts at a blank, a heading,
    a bullet, a numbered line or a header line."""
    group: list[Line] = []
    for line in lines:
        starts = line.kind in ("blank", "heading", "bullet", "numbered", "header", "page",
                               "rule")
        if starts and group:
            yield group
            group = []
        if line.kind != "blank":
            group.append(line)
        if line.kind in ("heading", "header", "rule") and group:
            yield group
            group = []
    if group:
        yield group


def _blocks(group: list[Line], width: int, nested: set[str]) -> Iterator[Block]:
    first = group[0]
    if first.kind == "rule":
        yield Block("rule")
        return
    if first.kind == "heading":
        yield Block("heading", first.text, level=first.level)
        return
    if first.kind == "header":
        yield Block("paragraph", first.text)
        return
    if first.kind == "numbered" and is_heading_line(first.text, width):
        yield Block("heading", f"{first.number}. {first.text}", level=2)
        yield from _paragraph([line.text for line in group[1:]], width)
        return
    texts = [line.text for line in group]
    if first.kind == "bullet":
        yield Block("item", join_lines(texts), level=1 if first.glyph in nested else 0)
        return
    if first.kind == "numbered":
        yield Block("item", join_lines(texts), number=first.number)
        return
    yield from _paragraph(texts, width)


def is_heading_line(text: str, width: int) -> bool:
    """A numbered line short enough, and without a full stop, to be an agenda item's title."""
    return len(text) <= min(70, int(width * 0.8)) and not text.endswith(TERMINAL)


def _paragraph(texts: list[str], width: int) -> Iterator[Block]:
    """A paragraph, or a heading (one or two short lines without a full stop) and a paragraph."""
    split = _heading_lines(texts, width)
    if split:
        yield Block("heading", join_lines(texts[:split]), level=2)
        texts = texts[split:]
    if texts:
        yield Block("paragraph", join_lines(texts))


def _heading_lines(texts: list[str], width: int) -> int:
    for end in (1, 2):
        head = texts[:end]
        if len(head) < end or not head[0][:1].isupper():
            return 0
        last = head[-1]
        if any(t.endswith(TERMINAL) or ". " in t for t in head) or len(" ".join(head)) > 160:
            return 0
        rest = texts[end:]
        if len(last) < width * 0.75 and (not rest or rest[0][:1].isupper()):
            return end if len(" ".join(head)) <= 70 or end == 2 else 0
    return 0


def _continues(previous: Block, block: Block) -> bool:
    """A paragraph that starts in lower case after a blank line continues the one before."""
    return (block.kind == "paragraph" and previous.kind in ("paragraph", "item")
            and block.text[:1].islower() and not previous.text.endswith((".", ":", "!", "?")))


def join_lines(texts: Sequence[str]) -> str:
    """Join hard-wrapped lines; words hyphenated at a line end are joined again."""
    out = ""
    for text in texts:
        text = text.strip()
        if not out:
            out = text
        elif re.search(r"(?<![A-ZÆØÅ]\w)[a-zæøå]-$", out) and text[:1].islower() \
                and text.split(" ")[0].rstrip(".,") not in KEEP_HYPHEN_BEFORE:
            out = out[:-1] + text
        elif out.endswith("-") and not out.endswith(" -") and text[:1].islower():
            out = out + text if re.search(r"[A-ZÆØÅ]-$", out) else out + " " + text
        else:
            out = f"{out} {text}"
    return re.sub(r"\s{2,}", " ", out)
