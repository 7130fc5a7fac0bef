"""Suggest the front matter from the text: title, date, type, topics, areas, meetings.

Every suggestion carries its evidence (which words, how often), so the report can show the
editor why it was made.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from ..model.content import Abbreviation, Area, Topic
from .council import UNCHOSEN, Chosen
from .dates import DATE_MENTION, Dates, find_dates, mentioned_days
from .document import HEADER_KEYS, Block, plain
from .lexicon import word_zipf
from .recognise import Head

PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})\b")
YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
ACRONYM = re.compile(r"\b[A-ZÆØÅ]{2,6}\b")
PLACE = re.compile(r"^(?:Sted|Møtested)\s*:\s*(.{2,100})$", re.IGNORECASE)
MEETING_MENTION = re.compile(
    r"\b(?:neste\s+(?:ordinære\s+)?(?:politiråds)?(?:møte|seminar)\w*"
    r"|(?:politirådets\s+|årlige\s+)?(?:politiråds)?seminar(?:et)?"
    r"|ekstra(?:ordinært|ordinere)?\s+(?:politiråds)?møte"
    r"|(?:politiråds)?møtet)\b(?!\s+(?:ble|var)\b)", re.IGNORECASE)
"""Where running text speaks of a meeting: «Neste møte», «Neste politirådsmøte»,
«Seminaret», «Politirådets seminar», «Ekstraordinært møte», «møtet» (not «møtet ble
holdt»)."""
MEETING_LIST = re.compile(r"møter\s+i\s+\d{4}|møteplan|møtedatoer", re.IGNORECASE)
MIN_TOPIC_SCORE, MIN_AREA_SCORE = 1.0, 1.5
"""A topic or area is suggested from this score: a mention in a heading counts 2, in a
paragraph 1 (several in one paragraph 2), in a short list item or an enumeration 0.25."""
HEADING_WEIGHT = 2.0
ENUMERATION_WEIGHT = 0.25
LONG_BLOCK = 120
ENUMERATION = 4
"""A block naming this many different topics or areas is an enumeration: each weighs little."""
SUBSTANTIAL, SUBJECTS = 200, 2
"""A paragraph this long that names at most this many topics (or areas) is about them: it tags
them even when each is named once (the guide's «minst et avsnitt med innhold»); a paragraph
naming more is an enumeration."""
HEADER = re.compile(rf"^\**(?:{HEADER_KEYS})\**\s*:", re.IGNORECASE)
"""A meeting's header line («Til stede: …»): a list of people, which tags nothing."""
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
class Suggestions:
    """Everything suggested for the front matter."""

    kind: str
    title: str
    source_title: str
    """``kilde.tittel``: the document's title line, else the file's name."""
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
    source_title_found: bool = True
    """False when the document has no title line and ``source_title`` is the file's name."""
    publisher: str | None = None
    """``kilde.utgiver``, from the letterhead."""
    council: Chosen = UNCHOSEN
    """The referat's council (:mod:`politiradet.importer.council`)."""


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


def suggest(blocks: Sequence[Block], head: Head, kind: str | None, registries: Registries,
            file_stem: str, council: Chosen = UNCHOSEN) -> Suggestions:
    """Suggestions for a document with body *blocks* and the title and letterhead of *head*;
    *file_stem* (the file's name) stands in for ``kilde.tittel`` when there is no title line;
    the title names *council*."""
    heading = head.title.text if head.title else ""
    text = "\n".join(_texts(blocks))
    time = _when(heading, text, kind)
    chosen, dates, period = time.kind, time.dates, time.period
    meeting_type = "seminar" if re.search(r"seminar", heading, re.IGNORECASE) else "møte"
    return Suggestions(
        kind=chosen,
        title=_title(chosen, heading, dates, meeting_type, period, council.name),
        source_title=_clean(heading) or file_stem,
        source_title_found=bool(_clean(heading)),
        publisher=head.publisher,
        dates=dates,
        meeting_type=meeting_type,
        topics=tuple(registries.topics_in(blocks)),
        areas=tuple(registries.areas_in(blocks)),
        unknown_abbreviations=tuple(registries.unknown_abbreviations(text)),
        planned=tuple(sorted(planned_meetings(blocks, dates.start), key=lambda m: m.date)),
        place=_place(blocks),
        agreement_type="samarbeidsdokument" if re.search(r"samarbeidsdokument", heading,
                                                          re.IGNORECASE) else "politirådsavtale",
        period=period,
        council=council if chosen == "referat" else replace(council, slug="", how=""))


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


def _period(text: str) -> tuple[int, int] | None:
    stated = re.search(r"(?:perioden|gyldig\s+for)\s+" + PERIOD.pattern[2:], text, re.IGNORECASE)
    if stated:
        return int(stated[1]), int(stated[2])
    if match := PERIOD.search(text):
        return int(match[1]), int(match[2])
    if match := YEAR.search(text):
        return int(match[1]), int(match[1])
    return None


def _title(kind: str, heading: str, dates: Dates, meeting_type: str,
           period: tuple[int, int] | None, council: str) -> str:
    if kind == "avtale":
        if heading and not any(found["numeric"] for found in DATE_MENTION.finditer(heading)):
            return _clean(heading)
        years = f" {period[0]}–{period[1]}" if period and period[0] != period[1] else (
            f" {period[0]}" if period else "")
        return f"Politirådsavtale for {council}{years}"
    when = dates.text()
    if meeting_type == "seminar":
        return f"Oppsummering fra seminar med {council} {when}".strip()
    return f"Referat fra {council} {when}".strip()


def _clean(text: str) -> str:
    return plain(text).strip(" :")


def planned_meetings(blocks: Sequence[Block], date: dt.date | None) -> Iterator[Meeting]:
    """Meetings the minutes fix after their own *date*: each «neste møte …», «seminaret …»
    with the date that follows it in the same sentence, and the items of a «Møter i 2016»
    list. A range («28.–29. januar») gives the first and the last day; a date without a year
    is the next such day after the minutes' date (or in the year the sentence names)."""
    if date is None:
        return
    seen: set[tuple[dt.date, str]] = set()
    for text, kind in _meeting_mentions(blocks):
        meeting = _meeting(text, kind, date)
        if meeting and (meeting.date, meeting.kind) not in seen:
            seen.add((meeting.date, meeting.kind))
            yield meeting


def _meeting_mentions(blocks: Sequence[Block]) -> Iterator[tuple[str, str | None]]:
    """(words, type) for each item of a meeting list (type from its words) and each mention
    of a meeting in running text, up to the next mention."""
    in_list = False
    for block in blocks:
        if block.kind == "heading":
            in_list = bool(MEETING_LIST.search(block.text))
            continue
        found = list(MEETING_MENTION.finditer(block.text))
        if in_list and block.kind == "item" and not found:
            yield block.text, None
            continue
        stops = [m.start() for m in found[1:]] + [len(block.text)]
        for this, stop in zip(found, stops, strict=False):
            kind = "seminar" if "seminar" in this[0].lower() else "møte"
            yield block.text[this.start():stop], kind
        yield from _meeting_mentions(block.children)


def _meeting(text: str, kind: str | None, after: dt.date) -> Meeting | None:
    """The first date in *text* after *after* (the minutes' own date), as a meeting."""
    named_year = YEAR.search(text)
    for found in DATE_MENTION.finditer(text):
        start, end = mentioned_days(found, int(named_year[1]) if named_year else None, after)
        if start is not None and start > after:
            chosen = kind or ("seminar" if "seminar" in text.lower() else "møte")
            return Meeting(start, end if end and end > start else None, chosen)
    return None


class Registries:
    """Matches the registries' names, slugs and abbreviations against the text.

    A topic or area is suggested when the document discusses it (the rule in the editor's
    guide): it is named in a heading, or in paragraphs of some length; a name in a short list
    item (an enumeration) weighs little. An area is left out when a more precise area inside
    it is suggested, since the enclosing areas follow by themselves.
    """

    def __init__(self, topics: Mapping[str, Topic], areas: Mapping[str, Area],
                 abbreviations: Sequence[Abbreviation]) -> None:
        self.topic_terms = _ordered({slug: _topic_terms(topic) for slug, topic in
                                     topics.items()}, False)
        self.area_terms = _ordered({slug: _area_terms(area) for slug, area in areas.items()
                                    if area.parents}, True)
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
        if block.kind in ("status", "decision"):
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
    if HEADER.match(block.text):
        return 0.0
    if block.kind == "heading":
        return HEADING_WEIGHT
    if block.kind == "item" and len(block.text) < LONG_BLOCK:
        return ENUMERATION_WEIGHT
    return 1.0


@dataclass(frozen=True, slots=True)
class Term:
    """A word or name that mentions a topic or an area, with its pattern compiled once."""

    text: str
    slug: str
    pattern: re.Pattern[str]


def _ordered(terms: Mapping[str, tuple[str, ...]], case_sensitive: bool) -> tuple[Term, ...]:
    """Every slug's terms, longest first (see :func:`_mentions`)."""
    return tuple(sorted((Term(term, slug, _pattern(term, case_sensitive))
                         for slug, words in terms.items() for term in words),
                        key=lambda found: -len(found.text)))


def _discussed(terms: Sequence[Term], blocks: Sequence[Block], case_sensitive: bool,
               minimum: float) -> list[Match]:
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    scores: dict[str, float] = defaultdict(float)
    for block in blocks:
        found = _mentions(terms, block.text, case_sensitive)
        weight = _weight(block) if len(found) < ENUMERATION else ENUMERATION_WEIGHT
        subjects = set(found) if _substantial(block) and len(found) <= SUBJECTS else set()
        for slug, counts in found.items():
            totals[slug].update(counts)
            scores[slug] += weight * min(sum(counts.values()), 2)
            if slug in subjects:
                scores[slug] = max(scores[slug], minimum)
    chosen = [slug for slug, score in scores.items() if score >= minimum]
    chosen.sort(key=lambda slug: (-scores[slug], slug))
    return [Match(slug, sum(totals[slug].values()),
                  tuple(pair for pair in totals[slug].most_common() if pair[1]))
            for slug in chosen]


def _substantial(block: Block) -> bool:
    """A paragraph with content, not a header line: what it names, it is about."""
    return block.kind == "paragraph" and len(block.text) >= SUBSTANTIAL \
        and not HEADER.match(block.text)


def _mentions(terms: Sequence[Term], text: str, case_sensitive: bool
              ) -> dict[str, Counter[str]]:
    """Mentions per slug in one block; a longer name is matched first and then blanked out,
    so «Søndre Nordstrand» is not also «Nordstrand», nor «Grønland og Tøyen» «Tøyen»."""
    haystack = text if case_sensitive else text.lower()
    found: dict[str, Counter[str]] = {}
    for term in terms:
        count = len(term.pattern.findall(haystack))
        if count:
            found.setdefault(term.slug, Counter())[term.text] += count
            haystack = term.pattern.sub(" ", haystack)
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
