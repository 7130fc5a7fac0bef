"""Suggest the front matter from the text: title, date, type, topics, areas, meetings.

Every suggestion carries its evidence (which words, how often), so the report can show the
editor why it was made.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..common import norsk
from ..model.content import Abbreviation, Area, Topic
from .document import Block
from .lexicon import word_zipf

MONTHS = tuple(str(norsk.LOCALE.months["format"]["wide"][number]) for number in range(1, 13))
"""«januar» … «desember», from Babel's bokmål data, as :func:`norsk.date` writes them."""
MONTH = "|".join(MONTHS)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b")
TEXT_DATE = re.compile(rf"\b(\d{{1,2}})\.\s*(?:[-–]\s*(\d{{1,2}})\.\s*)?({MONTH})(?:\s+(\d{{4}}))?",
                       re.IGNORECASE)
PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})\b")
YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
ACRONYM = re.compile(r"\b[A-ZÆØÅ]{2,6}\b")
PLACE = re.compile(r"^(?:Sted|Møtested)\s*:\s*(.{2,100})$", re.IGNORECASE)
NEXT_MEETING = re.compile(r"neste\s+møte", re.IGNORECASE)
MEETING_LIST = re.compile(r"møter\s+i\s+\d{4}|møteplan|møtedatoer", re.IGNORECASE)
MIN_TOPIC_SCORE, MIN_AREA_SCORE = 1.0, 1.5
"""A topic or area is suggested from this score: a mention in a heading counts 2, in a
paragraph 1 (several in one paragraph 2), in a short list item or an enumeration 0.25."""
HEADING_WEIGHT = 2.0
ENUMERATION_WEIGHT = 0.25
LONG_BLOCK = 120
ENUMERATION = 4
"""A block naming this many different topics or areas is an enumeration: each weighs little."""
MAX_TOPICS, MAX_AREAS = 8, 6
"""The content check's limits for a published document."""
RARE_NAME_WORD = 4.0
"""A word of a topic's name this rare (Zipf scale) is specific enough to count on its own."""


@dataclass(frozen=True, slots=True)
class Match:
    """A suggested topic or area and the evidence for it."""

    slug: str
    count: int
    terms: tuple[tuple[str, int], ...]
    """The words found and how often, commonest first."""


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting the minutes plan."""

    date: dt.date
    end: dt.date | None
    kind: str


@dataclass(frozen=True, slots=True)
class Dates:
    """The document's date, found or not."""

    start: dt.date | None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Everything suggested for the front matter."""

    kind: str
    title: str
    source_title: str | None
    dates: Dates
    meeting_type: str
    topics: tuple[Match, ...]
    areas: tuple[Match, ...]
    unknown_abbreviations: tuple[tuple[str, int], ...]
    planned: tuple[Meeting, ...]
    place: str | None = None
    """From a «Sted:» line in the meeting's header."""
    agreement_type: str = "politirådsavtale"
    period: tuple[int, int] | None = None


def title_line(blocks: Sequence[Block]) -> Block | None:
    """The document's own title: a first heading of level 1, or a first line with a date."""
    if not blocks:
        return None
    first = blocks[0]
    if first.kind == "heading" and first.level == 1:
        return first
    if first.kind in ("heading", "paragraph") and len(first.text) <= 120 and (
            NUMERIC_DATE.search(first.text) or TEXT_DATE.search(first.text)):
        return first
    return None


@dataclass(frozen=True, slots=True)
class When:
    """The document's type and the time it is about: its date, or an agreement's period."""

    kind: str
    dates: Dates
    period: tuple[int, int] | None

    @property
    def year(self) -> int:
        """The year of the date, else the period's first year, else 0."""
        if self.dates.start:
            return self.dates.start.year
        return self.period[0] if self.period else 0


def when(blocks: Sequence[Block], title: Block | None, kind: str | None) -> When:
    """The type (*kind* when given) and the date or period of a document."""
    heading = title.text if title else ""
    return _when(heading, "\n".join(_texts(blocks)), kind)


def _when(heading: str, text: str, kind: str | None) -> When:
    chosen = kind or _kind(heading, text)
    dates = find_dates(heading) if heading else Dates(None)
    if dates.start is None and chosen == "referat":
        dates = find_dates(text[:400])
    period = _period(heading + "\n" + text) if chosen == "avtale" else None
    return When(chosen, dates, period)


def suggest(blocks: Sequence[Block], title: Block | None, kind: str | None,
            registries: Registries) -> Suggestions:
    """Suggestions for a document with body *blocks* and title line *title*."""
    heading = title.text if title else ""
    text = "\n".join(_texts(blocks))
    time = _when(heading, text, kind)
    chosen, dates, period = time.kind, time.dates, time.period
    meeting_type = "seminar" if re.search(r"seminar", heading, re.IGNORECASE) else "møte"
    return Suggestions(
        kind=chosen,
        title=_title(chosen, heading, dates, meeting_type, period),
        source_title=_clean(heading) or None,
        dates=dates,
        meeting_type=meeting_type,
        topics=tuple(registries.topics_in(blocks)),
        areas=tuple(registries.areas_in(blocks)),
        unknown_abbreviations=tuple(registries.unknown_abbreviations(text)),
        planned=tuple(planned_meetings(blocks, dates.start)),
        place=_place(blocks),
        agreement_type="samarbeidsdokument" if re.search(r"samarbeidsdokument", heading,
                                                          re.IGNORECASE) else "politirådsavtale",
        period=period)


def _texts(blocks: Iterable[Block]) -> Iterator[str]:
    for block in blocks:
        yield block.text
        for row in block.rows:
            yield " ".join(row)
        yield from _texts(block.children)


def _place(blocks: Sequence[Block]) -> str | None:
    for block in blocks[:12]:
        match = PLACE.match(block.text.replace("**", ""))
        if match:
            return match[1].strip().rstrip(".")
    return None


def _kind(heading: str, text: str) -> str:
    if re.search(r"avtale|samarbeidsdokument", heading, re.IGNORECASE):
        return "avtale"
    if not heading and re.search(r"\bavtalen er gyldig\b", text, re.IGNORECASE):
        return "avtale"
    return "referat"


def find_dates(text: str) -> Dates:
    """The first date in *text*: «14.05.2025», «12. mai 2025» or «29.-30.januar 2026»."""
    numeric = NUMERIC_DATE.search(text)
    textual = TEXT_DATE.search(text)
    if textual and textual[4] and (not numeric or textual.start() < numeric.start()):
        month = MONTHS.index(textual[3].lower()) + 1
        start = _date(int(textual[4]), month, int(textual[1]))
        end = _date(int(textual[4]), month, int(textual[2])) if textual[2] else None
        return Dates(start, end)
    if numeric:
        return Dates(_date(int(numeric[3]), int(numeric[2]), int(numeric[1])))
    return Dates(None)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _period(text: str) -> tuple[int, int] | None:
    stated = re.search(r"(?:perioden|gyldig\s+for)\s+" + PERIOD.pattern[2:], text, re.IGNORECASE)
    if stated:
        return int(stated[1]), int(stated[2])
    if match := PERIOD.search(text):
        return int(match[1]), int(match[2])
    if match := YEAR.search(text):
        return int(match[1]), int(match[1])
    return None


def norwegian(dates: Dates) -> str:
    """«14. mai 2025», «29.–30. januar 2026»."""
    start = dates.start
    if start is None:
        return ""
    if dates.end and dates.end.month == start.month:
        return f"{start.day}.–{norsk.date(dates.end)}"
    return norsk.date(start)


def _title(kind: str, heading: str, dates: Dates, meeting_type: str,
           period: tuple[int, int] | None) -> str:
    if kind == "avtale":
        if heading and not NUMERIC_DATE.search(heading):
            return _clean(heading)
        years = f" {period[0]}–{period[1]}" if period and period[0] != period[1] else (
            f" {period[0]}" if period else "")
        return f"Politirådsavtale for Politirådet i Oslo{years}"
    when = norwegian(dates)
    if meeting_type == "seminar":
        return f"Oppsummering fra seminar med Politirådet i Oslo {when}".strip()
    return f"Referat fra Politirådet i Oslo {when}".strip()


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip(" :")


def planned_meetings(blocks: Sequence[Block], date: dt.date | None) -> Iterator[Meeting]:
    """Meetings named in a «Møter i 2016» list, and «neste møte … den 12. juni»."""
    if date is None:
        return
    seen: set[dt.date] = set()
    for text in _meeting_mentions(blocks):
        meeting = _meeting(text, date)
        if meeting and meeting.date not in seen:
            seen.add(meeting.date)
            yield meeting


def _meeting_mentions(blocks: Sequence[Block]) -> Iterator[str]:
    """Items of a meeting list, and the words after each «neste møte»."""
    in_list = False
    for block in blocks:
        if block.kind == "heading":
            in_list = bool(MEETING_LIST.search(block.text))
            continue
        if in_list and block.kind == "item":
            yield block.text
        for found in NEXT_MEETING.finditer(block.text):
            yield block.text[found.start():found.start() + 80]
        yield from _meeting_mentions(block.children)


def _meeting(text: str, after: dt.date) -> Meeting | None:
    match = TEXT_DATE.search(text)
    if not match:
        return None
    month = MONTHS.index(match[3].lower()) + 1
    year = int(match[4]) if match[4] else after.year
    start = _date(year, month, int(match[1]))
    if start and not match[4] and start < after:
        start = _date(year + 1, month, int(match[1]))
    end = _date(start.year, month, int(match[2])) if start and match[2] else None
    if start is None:
        return None
    kind = "seminar" if "seminar" in text.lower() or end else "møte"
    return Meeting(start, end, kind)


class Registries:
    """Matches the registries' names, slugs and abbreviations against the text.

    A topic or area is suggested when the document discusses it (the rule in the editor's
    guide): it is named in a heading, or in paragraphs of some length; a name in a short list
    item (an enumeration) weighs little. An area is left out when a more precise area inside
    it is suggested, since the enclosing areas follow by themselves.
    """

    def __init__(self, topics: Mapping[str, Topic], areas: Mapping[str, Area],
                 abbreviations: Sequence[Abbreviation]) -> None:
        self.topic_terms = {slug: _topic_terms(topic) for slug, topic in topics.items()}
        self.area_terms = {slug: _area_terms(area) for slug, area in areas.items()
                           if area.parents}
        """The police district itself (the root) is what an empty list already means."""
        self.areas = areas
        self.known_abbreviations = {a.short for a in abbreviations}

    def topics_in(self, blocks: Sequence[Block]) -> Iterator[Match]:
        found = _discussed(self.topic_terms, list(_flat(blocks)), False, MIN_TOPIC_SCORE)
        yield from found[:MAX_TOPICS]

    def areas_in(self, blocks: Sequence[Block]) -> Iterator[Match]:
        found = _discussed(self.area_terms, list(_flat(blocks)), True, MIN_AREA_SCORE)
        chosen = {m.slug for m in found}
        above = {parent for slug in chosen for parent in _ancestors(slug, self.areas)}
        yield from [m for m in found if m.slug not in above][:MAX_AREAS]

    def unknown_abbreviations(self, text: str) -> Iterator[tuple[str, int]]:
        counts = Counter(ACRONYM.findall(text))
        for word, count in counts.most_common():
            if word not in self.known_abbreviations and len(set(word)) > 1:
                yield word, count


def _flat(blocks: Iterable[Block]) -> Iterator[Block]:
    for block in blocks:
        if block.kind == "status":
            yield from _flat(block.children)
        elif block.kind == "table":
            yield Block("paragraph", " ".join(" ".join(row) for row in block.rows))
        else:
            yield block


def _ancestors(slug: str, areas: Mapping[str, Area]) -> Iterator[str]:
    queue = list(areas[slug].parents) if slug in areas else []
    seen: set[str] = set()
    while queue:
        parent = queue.pop()
        if parent not in seen:
            seen.add(parent)
            yield parent
            queue += list(areas[parent].parents) if parent in areas else []


def _weight(block: Block) -> float:
    """How much one mention in this block says that the document discusses the thing."""
    if block.kind == "heading":
        return HEADING_WEIGHT
    if block.kind == "item" and len(block.text) < LONG_BLOCK:
        return ENUMERATION_WEIGHT
    return 1.0


def _discussed(terms: Mapping[str, tuple[str, ...]], blocks: Sequence[Block],
               case_sensitive: bool, minimum: float) -> list[Match]:
    totals: dict[str, Counter[str]] = {slug: Counter() for slug in terms}
    scores: dict[str, float] = dict.fromkeys(terms, 0.0)
    ordered = sorted(((term, slug) for slug, words in terms.items() for term in words),
                     key=lambda pair: -len(pair[0]))
    for block in blocks:
        found = _mentions(ordered, block.text, case_sensitive)
        weight = _weight(block) if len(found) < ENUMERATION else ENUMERATION_WEIGHT
        for slug, counts in found.items():
            totals[slug].update(counts)
            scores[slug] += weight * min(sum(counts.values()), 2)
    chosen = [slug for slug in terms if scores[slug] >= minimum]
    chosen.sort(key=lambda slug: (-scores[slug], slug))
    return [Match(slug, sum(totals[slug].values()),
                  tuple(pair for pair in totals[slug].most_common() if pair[1]))
            for slug in chosen]


def _mentions(ordered: Sequence[tuple[str, str]], text: str, case_sensitive: bool
              ) -> dict[str, Counter[str]]:
    """Mentions per slug in one block; a longer name is matched first and then blanked out,
    so «Søndre Nordstrand» is not also «Nordstrand», nor «Grønland og Tøyen» «Tøyen»."""
    haystack = text if case_sensitive else text.lower()
    found: dict[str, Counter[str]] = {}
    for term, slug in ordered:
        pattern = _pattern(term, case_sensitive)
        count = len(pattern.findall(haystack))
        if count:
            found.setdefault(slug, Counter())[term] += count
            haystack = pattern.sub(" ", haystack)
    return found


def _topic_terms(topic: Topic) -> tuple[str, ...]:
    """The name's parts, its uncommon words, the slug, and acronyms in name and description."""
    parts = re.split(r",|\bog\b|\(|\)", topic.name)
    terms = {p.strip().lower() for p in parts if len(p.strip()) >= 3 and not
             p.strip().endswith("-")}
    terms |= {word.lower() for word in re.findall(r"\w{6,}", topic.name)
              if word_zipf(word.lower()) < RARE_NAME_WORD}
    terms.add(topic.slug.replace("-", " "))
    terms |= {word.lower() for word in re.findall(r"\b[A-ZÆØÅ]{3,}\b",
                                                    topic.name + " " + topic.description)}
    return tuple(sorted(terms))


def _area_terms(area: Area) -> tuple[str, ...]:
    name = re.sub(r"^Bydel\s+", "", area.name)
    parts = {name, *re.split(r"\s+og\s+|/", name)}
    return tuple(sorted(p.strip() for p in parts if len(p.strip()) >= 3))


def _pattern(term: str, case_sensitive: bool) -> re.Pattern[str]:
    """The term as a word (names, short terms) or a word's beginning; a long one-word term
    also matches its first part written with the shared-ending hyphen: «kriminalitets- og
    trusselbilde» mentions «kriminalitetsbilde»."""
    escaped = re.escape(term)
    if case_sensitive or len(term) <= 4:
        return re.compile(rf"(?<![\w]){escaped}(?![\w])")
    heads = [re.escape(term[:cut]) for cut in range(len(term) - 3, 5, -1)] if " " not in term \
        else []
    elided = "|".join(rf"{head}-(?=\s+og\s)" for head in heads)
    return re.compile(rf"(?<![\w-])(?:{escaped}{'|' + elided if elided else ''})")
