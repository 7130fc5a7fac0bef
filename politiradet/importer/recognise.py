"""Recognise the minutes' structure in the neutral blocks.

Numbered agenda items («1. Godkjenning av dagsorden», «Sak 2: …») become headings; the
letterhead and the footer with the address are removed; a section about the follow-up points
of a seminar («Oppfølgingspunkter fra politirådets seminar 2025», then «Pkt. 3» …, or numbered
points each followed by «Status:») gives ``::: status <seminar>-<n>`` blocks for the points
that exist. A point's number lost in text recognition is found again by comparing the
paragraph with the adopted text of each point in the archive.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .dates import DATE_MENTION
from .document import HEADER_KEYS, Block

AGENDA = re.compile(r"^(?P<number>\d{1,2})\s*[.,]\s*(?P<title>[A-ZÆØÅ].{1,80})$")
SAK = re.compile(r"^Sak\s+(?P<number>\d{1,3})\s*[:.–-]\s*(?P<title>.{2,100})$", re.IGNORECASE)
POINT = re.compile(r"^(?:Pkt\.?|Punkt)\s*[^\w\s]?\s*(?P<number>\d{1,2})\.?\s*(?P<rest>.*)$",
                   re.DOTALL | re.IGNORECASE)
"""A point of the seminar: «Pkt. 3», «Pkt 3», «Punkt 3 – Oslostandarden»."""
STATUS = re.compile(r"^\**Status\s*:\s*\**\s*(?P<rest>.*)$", re.DOTALL | re.IGNORECASE)
INLINE_STATUS = re.compile(r"^(?P<title>.{2,120}?)[\s.:–-]+\**Status\s*:\**\s*(?P<rest>.*)$",
                           re.DOTALL | re.IGNORECASE)
"""«Oslostandarden for samarbeid. Status: Arbeidet er …» on the point's line."""
DECISION = re.compile(r"^\**(?:Vedtak|Politirådets vedtak|Konklusjon og vedtak)\s*:\s*\**\s*"
                      r"(?P<rest>.*)$", re.DOTALL | re.IGNORECASE)
"""A decision of the meeting: «Vedtak: …», «**Vedtak:** …», «Politirådets vedtak: …»."""
TITLE_LENGTH = 100
"""A line this short without a full stop, first under a point, is the point's title."""
FOLLOW_UP = re.compile(r"oppfølgingspunkt", re.IGNORECASE)
YEAR = re.compile(r"\b(19|20)\d{2}\b")
HEADER_LINE = re.compile(rf"^\**(?P<key>{HEADER_KEYS})\**\s*:\**\s*(?P<value>.+)$",
                         re.IGNORECASE)
NUMBER_ONLY = re.compile(r"^\d{1,2}\.?$")
LETTERHEAD = re.compile(
    r"besøksadresse|postadresse|org\.?\s*nr|postmottak@|telefon:?\s*\+?\d|^side \d+ av \d+$"
    r"|^oslo\.kommune\.no$", re.IGNORECASE)
ORGANISATION = re.compile(
    r"^(?:Oslo kommune|Byrådet|Byrådsavdeling(?:en)? for .{3,90}|Byrådslederens kontor"
    r"|Oslo politidistrikt|Politiet|Politidirektoratet|Staben|Politimesterens stab"
    r"|Enhet (?:øst|vest|sentrum|[Ff]elles .{3,40})|Bydel [A-ZÆØÅ][\w. ]{2,30}"
    r"|[A-ZÆØÅ]\w*etaten|Sekretariatet for .{3,60}|Kommunaldirektør\w* for .{3,60})$")
"""A line of a letterhead: the council's two owners and their departments."""
LETTER_FIELD = re.compile(r"^(?:Vår ref|Deres ref|Saksnr|Arkivkode|Saksbehandler|Vår dato"
                          r"|Unntatt offentlighet)\b.{0,80}$", re.IGNORECASE)
"""A letter's reference fields, printed with the letterhead."""
DOCUMENT_WORD = re.compile(r"referat|møte|seminar|oppsummering|avtale|samarbeidsdokument",
                           re.IGNORECASE)
POINT_MATCH = 0.72
"""How alike (0–1) a paragraph and a point's adopted text must be to be taken as the point."""


@dataclass(frozen=True, slots=True)
class Head:
    """The top of the document: its letterhead, its own title, and the body after them."""

    letterhead: tuple[str, ...]
    """Letterhead lines removed from the top («Oslo kommune», «Byrådsavdeling for …»)."""
    title: Block | None
    """The document's title line, which becomes ``tittel`` and ``kilde.tittel``."""
    body: tuple[Block, ...]

    @property
    def publisher(self) -> str | None:
        """The letterhead's organisations, as ``kilde.utgiver`` writes them."""
        names = [part for line in self.letterhead for part in _letterhead_parts(line)
                 if ORGANISATION.match(part)]
        return ", ".join(dict.fromkeys(names)) or None


def split_head(blocks: Sequence[Block]) -> Head:
    """The letterhead lines at the top, then the title line (if there is one), then the body."""
    index = 0
    while index < min(len(blocks), 8) and _letterhead_line(blocks[index]):
        index += 1
    letterhead = tuple(_unwrapped(b.text.strip()) for b in blocks[:index])
    rest = blocks[index:]
    title = rest[0] if rest and _title_line(rest[0]) else None
    return Head(letterhead, title, tuple(rest[1:] if title else rest))


def _letterhead_parts(line: str) -> list[str]:
    return [part.strip() for part in re.split(r"\s+[/·|–—-]\s+|\s*[/·|]\s*", line)
            if part.strip()]


def _letterhead_line(block: Block) -> bool:
    """A short line at the top that is only organisation names or a letter's fields."""
    if block.kind not in ("paragraph", "heading") or len(block.text) > 160:
        return False
    text = _unwrapped(block.text.strip())
    if LETTER_FIELD.match(text):
        return True
    parts = _letterhead_parts(text)
    return bool(parts) and all(ORGANISATION.match(part) for part in parts)


def _title_line(block: Block) -> bool:
    """A document's title: a first-level heading, or a short line with a date or naming the
    kind of document (not an agenda item or a header line like «Dato: …»)."""
    if block.kind == "heading" and block.level == 1:
        return True
    if block.kind not in ("heading", "paragraph") or len(block.text) > 150:
        return False
    text = _unwrapped(block.text.strip())
    if AGENDA.match(text) or SAK.match(text) or HEADER_LINE.match(text) or text.endswith("."):
        return False
    return bool(DATE_MENTION.search(text)) or (bool(DOCUMENT_WORD.search(text)) and (
        block.kind == "heading" or text != block.text.strip()))


@dataclass(frozen=True, slots=True)
class Recognised:
    """The body blocks, and what the editor should know about how they were found."""

    blocks: tuple[Block, ...]
    statuses: tuple[str, ...]
    """Point ids that got a status block, in order."""
    missing_points: tuple[str, ...] = ()
    """Statuses found for points the archive does not have (kept as plain text)."""
    removed: tuple[str, ...] = ()
    """Letterhead and footer lines that were removed."""
    renumbered: tuple[str, ...] = field(default=())
    """Points whose lost number was restored by matching the adopted text."""
    unwrapped: tuple[str, ...] = field(default=())
    """Points whose title or «Status:» prefix was kept out of the status block."""
    decisions: int = 0
    """«Vedtak: …» paragraphs made ``::: vedtak`` blocks."""
    unplaced: int = 0
    """«Status:» lines with no point before them, left as text."""


def recognise(blocks: Sequence[Block], year: int, points: Mapping[str, str]) -> Recognised:
    """Turn the reader's blocks into the archive's structure."""
    kept = [b for b in blocks if not _letterhead(b)]
    removed = tuple(b.text for b in blocks if _letterhead(b))
    kept = [b for b in kept if not NUMBER_ONLY.match(b.text.strip()) or b.rows]
    agenda = [_agenda(_lone_item(kept, i)) for i in range(len(kept))]
    follow = _FollowUp(year, points)
    body = tuple(_decisions(list(follow.run(agenda))))
    return Recognised(body, tuple(follow.statuses), tuple(follow.missing), removed,
                      tuple(follow.renumbered), tuple(follow.unwrapped),
                      sum(1 for b in body if b.kind == "decision"), follow.unplaced)


def _letterhead(block: Block) -> bool:
    return block.kind in ("paragraph", "heading") and bool(LETTERHEAD.search(block.text)) \
        and len(block.text) < 200


def _unwrapped(text: str) -> str:
    """«**Sak 2: Pride**» → «Sak 2: Pride»: a line that is all bold or italic."""
    match = re.fullmatch(r"(\*{1,2})([^*]+)\1", text)
    return match[2].strip() if match else text


def _lone_item(blocks: Sequence[Block], index: int) -> Block:
    """A numbered line with a short title and no list around it («1. Orientering» read from a
    PDF) is an agenda item, given as a paragraph; any other block as it is."""
    block = blocks[index]
    if block.kind != "item" or block.number is None or block.level:
        return block
    neighbours = [blocks[i] for i in (index - 1, index + 1) if 0 <= i < len(blocks)]
    line = f"{block.number}. {block.text.strip()}"
    if any(n.kind == "item" or STATUS.match(n.text.strip()) for n in neighbours) \
            or not AGENDA.match(line) or line.endswith((".", ";", ",", ":")):
        return block
    return Block("paragraph", line)


def _agenda(block: Block) -> Block:
    if block.kind not in ("paragraph", "heading"):
        return block
    text = _unwrapped(block.text.strip())
    match = AGENDA.match(text)
    if match and (block.kind == "heading"
                  or not match["title"].rstrip().endswith((".", ";", ","))):
        return Block("heading", f"{match['number']}. {match['title'].strip()}", level=2)
    if block.kind == "paragraph" and (match := HEADER_LINE.match(text)):
        return Block("paragraph", f"**{match['key']}:** {match['value']}")
    if match := SAK.match(text):
        return Block("heading", f"Sak {match['number']}: {match['title'].strip()}", level=2)
    if block.kind == "paragraph" and block.text.startswith("**") and text != block.text \
            and len(text) <= 100 and not text.endswith((".", ":", ",", ";")):
        return Block("heading", text, level=2)
    if block.kind == "paragraph" and FOLLOW_UP.search(text) and len(text) <= 100 \
            and (text.endswith(":") or not text.endswith(".")) and text[:1].isupper():
        return Block("heading", text.rstrip(":").strip(), level=2)
    return block


def _short_title(block: Block) -> bool:
    text = _unwrapped(block.text.strip())
    return block.kind in ("paragraph", "heading") and 0 < len(text) <= TITLE_LENGTH and \
        not text.endswith((".", "!", "?", ";", ",")) and not STATUS.match(text)


def _title_and_rest(rest: str) -> tuple[str, str]:
    """The point's line after «Pkt. 3»: (its title, the start of the status)."""
    rest = rest.lstrip(" .:–-").rstrip()
    if match := STATUS.match(rest):
        return "", match["rest"].strip()
    if match := INLINE_STATUS.match(rest):
        return _unwrapped(match["title"].strip(" .:–-")), match["rest"].strip()
    if rest and _short_title(Block("paragraph", rest)):
        return _unwrapped(rest), ""
    return "", rest


def _split_at_status(content: list[Block]) -> tuple[list[Block], list[Block]]:
    """(the blocks above a «Status:» line, the status with its prefix dropped); no
    «Status:» line: ([], content)."""
    for place, block in enumerate(content):
        match = STATUS.match(block.text.strip()) if block.kind == "paragraph" else None
        if match:
            first = [Block("paragraph", match["rest"].strip())] if match["rest"].strip() else []
            return content[:place], first + content[place + 1:]
    return [], content


def _decisions(blocks: Sequence[Block]) -> Iterator[Block]:
    """«Vedtak: Politirådet ber …» becomes a decision block; «Vedtak:» alone takes the list
    (or the one paragraph) under it."""
    index = 0
    while index < len(blocks):
        block = blocks[index]
        match = DECISION.match(block.text.strip()) if block.kind == "paragraph" else None
        if match is None:
            yield block
            index += 1
            continue
        rest = match["rest"].strip()
        content = [Block("paragraph", rest)] if rest else []
        index += 1
        if not rest:
            while index < len(blocks) and blocks[index].kind == "item":
                content.append(blocks[index])
                index += 1
            if not content and index < len(blocks) and blocks[index].kind == "paragraph":
                content.append(blocks[index])
                index += 1
        yield Block("decision", children=tuple(content)) if content else block


def _similarity(text: str, adopted: str) -> float:
    a, b = _normal(text), _normal(adopted)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _normal(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


class _FollowUp:
    """Walks the blocks; inside a follow-up section, makes the status blocks."""

    def __init__(self, year: int, points: Mapping[str, str]) -> None:
        self.default_year = year
        self.points = points
        self.statuses: list[str] = []
        self.missing: list[str] = []
        self.renumbered: list[str] = []
        self.unwrapped: list[str] = []
        self.seminar: int | None = None
        self.last_number = 0
        self.unplaced = 0

    def run(self, blocks: Sequence[Block]) -> Iterator[Block]:
        index = 0
        while index < len(blocks):
            block = blocks[index]
            if block.kind == "heading" and block.level <= 2 and not POINT.match(block.text):
                self._section(block)
                yield block
                index += 1
                continue
            if self.seminar is None:
                yield block
                index += 1
                continue
            consumed, produced = self._in_section(blocks, index)
            yield from produced
            index += consumed

    def _section(self, heading: Block) -> None:
        if not FOLLOW_UP.search(heading.text):
            self.seminar = None
            return
        found = YEAR.search(heading.text)
        self.seminar = int(found[0]) if found else self.default_year
        self.last_number = 0

    def _in_section(self, blocks: Sequence[Block], index: int) -> tuple[int, list[Block]]:
        block = blocks[index]
        match = POINT.match(block.text.strip())
        if match and block.kind in ("paragraph", "heading"):
            return self._pkt(blocks, index, int(match["number"]), match["rest"].strip())
        if match := STATUS.match(block.text.strip()):
            return self._status_after_point(blocks, index, match["rest"].strip())
        number = self._point_number(block)
        if number is not None:
            self.last_number = number
            return 1, [Block("item", block.text, number=number)]
        return 1, [block]

    def _point_number(self, block: Block) -> int | None:
        """The number of the point whose adopted text this block is, if any."""
        if block.kind not in ("paragraph", "item") or len(block.text) < 60:
            return None
        matched = self._matching_point(block.text)
        if matched is not None:
            if block.number is None:
                self.renumbered.append(f"{self.seminar}-{matched}")
            return matched
        return block.number if block.kind == "item" else None

    def _matching_point(self, text: str) -> int | None:
        best, best_ratio = None, POINT_MATCH
        for point_id, adopted in self.points.items():
            seminar, _, number = point_id.partition("-")
            if seminar != str(self.seminar):
                continue
            ratio = _similarity(text, adopted)
            if ratio >= best_ratio:
                best, best_ratio = int(number), ratio
        return best

    def _pkt(self, blocks: Sequence[Block], index: int, number: int, rest: str
             ) -> tuple[int, list[Block]]:
        """«Pkt. 3» and the paragraphs up to the next point or heading. Word's scaffolding
        stays outside the block: the point's title goes into the heading, text before a
        «Status:» line stays above the block, and the «Status:» prefix is dropped."""
        title, rest = _title_and_rest(rest)
        consumed, content = self._content(blocks, index, rest, pkt=True)
        prefixed = any(STATUS.match(b.text.strip()) for b in content if b.kind == "paragraph")
        before, content = _split_at_status(content)
        if not title and before and _short_title(before[0]):
            title, before = _unwrapped(before[0].text.strip()), before[1:]
        elif not title and not before and len(content) > 1 and _short_title(content[0]):
            title, content = _unwrapped(content[0].text.strip()), content[1:]
        self.last_number = number
        point_id = f"{self.seminar}-{number}"
        link = f"[Pkt. {number}](../oppfolgingspunkter/{point_id}.md)"
        label = (link if point_id in self.points else f"Pkt. {number}") + \
            (f" – {title}" if title else "")
        if title or before or prefixed:
            self.unwrapped.append(point_id)
        heading = Block("heading", label, level=3)
        produced = self._status(heading, point_id, content)
        return consumed, [produced[0], *before, *produced[1:]]

    def _status_after_point(self, blocks: Sequence[Block], index: int, rest: str
                            ) -> tuple[int, list[Block]]:
        """«Status:» after a numbered point: the status of that point. With no point before
        it, the line stays as text and is reported: guessing point 1 put another point's
        status on point 1's timeline."""
        if not self.last_number:
            self.unplaced += 1
            return 1, [blocks[index]]
        consumed, content = self._content(blocks, index, rest, pkt=False)
        point_id = f"{self.seminar}-{self.last_number}"
        label = Block("paragraph", "Status:")
        return consumed, self._status(label, point_id, content)

    def _content(self, blocks: Sequence[Block], index: int, rest: str, pkt: bool
                 ) -> tuple[int, list[Block]]:
        """How many blocks the status takes, and its content: the rest of the opening line
        and the blocks up to where the status ends."""
        content = [Block("paragraph", rest)] if rest else []
        end = index + 1
        while end < len(blocks) and not self._ends_status(blocks[end], pkt):
            content.append(blocks[end])
            end += 1
        return end - index, content

    def _status(self, label: Block, point_id: str, content: list[Block]) -> list[Block]:
        """A status block for a point the archive has; the text as it stands for one it has
        not (and the point is reported as missing)."""
        if point_id not in self.points:
            self.missing.append(point_id)
            return [label, *content]
        self.statuses.append(point_id)
        return [label, Block("status", point=point_id, children=tuple(content))]

    def _ends_status(self, block: Block, pkt: bool) -> bool:
        text = block.text.strip()
        if block.kind == "heading" or (POINT.match(text) and block.kind != "item"):
            return True
        if pkt:
            return False
        if STATUS.match(text) or (block.kind == "item" and block.number is not None):
            return True
        matched = self._matching_point(text) if len(text) >= 60 else None
        return matched is not None and matched > self.last_number
