"""Which topics and areas a text mentions, found from the registries' names.

A document tagged with an area is *about* it; many more *mention* it («På Furuset har det vært
en del hendelser»). Area and topic pages, their feeds and counts list both, apart. A mention is
found the way the site's search finds the name, so a page's count agrees with a search for it:

- each registry name gives its forms: the name itself, without a leading «Bydel» and without a
  note in brackets («Grorud (prioritert område)» → «Grorud»), an abbreviation in brackets
  («Innsats i prioriterte områder (IPO)» → «IPO»), and each part of a name joined by «og», a
  comma or «/» («Grønland og Tøyen» → «Grønland», «Tøyen»; not «Barne-» of «Barne- og
  ungdomskriminalitet», which is no word of its own);
- words compare folded: lower case, and æ, ø, å as they are typed without them («Gronland»,
  «Groenland» and «Grønland» are one word), so do the words of the text;
- the words of a form must stand in the text in order, the last one as the start of a word, as
  Pagefind matches the last word of a query: «Furuset» finds «Furusets», «SaLTo» finds
  «SaLTo-konferansen»;
- words that are part of a longer registry name found there belong to that name only:
  «Søndre Nordstrand» mentions Bydel Søndre Nordstrand, not Bydel Nordstrand (a search for
  «Nordstrand» finds both; here the page of a bydel would list minutes that never name it).

The compile stage runs :func:`mentioned` once per body (the result is kept in the compiled
record, so an unchanged body costs nothing); the link stage adds the title and the front matter
text, and builds the lists.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model.content import Content, Document

TOPIC = "tema"
AREA = "omrade"
MIN_FORM_LENGTH = 3
"""A form of one word shorter than this (a stray «og») is no name."""

_WORD = re.compile(r"[^\W_]+")
_PARTS = re.compile(r"\s*(?:,|/|\bog\b)\s*")
_BRACKETS = re.compile(r"\s*\(([^)]*)\)\s*")
_FOLDINGS = (str.maketrans({"æ": "ae", "ø": "o", "å": "a"}),
             str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))


@dataclass(frozen=True, slots=True)
class Names:
    """Every registry name's folded forms, indexed for one pass over a text."""

    forms: tuple[tuple[str, tuple[str, ...]], ...]
    """(key such as ``omrade:furuset``, folded words of one form), every form of every name."""

    def fingerprint(self) -> list[list[str]]:
        """What a compiled record's mentions depend on (part of its key in the store): the
        forms, and the matching rule's version (2: a name inside a longer one is no mention)."""
        return [["regel", "2"], *([key, *words] for key, words in self.forms)]


NO_NAMES = Names(())
"""No registry: nothing is mentioned."""


def registry_names(content: Content) -> Names:
    """The forms of every topic's and area's name."""
    forms: dict[tuple[str, tuple[str, ...]], None] = {}
    for prefix, registry in ((TOPIC, content.topics), (AREA, content.areas)):
        for slug, entry in registry.items():
            for form in name_forms(entry.name):
                forms[(f"{prefix}:{slug}", form)] = None
    return Names(tuple(forms))


def name_forms(name: str) -> list[tuple[str, ...]]:
    """The folded word sequences that count as a mention of *name*."""
    texts = [name]
    inside = _BRACKETS.findall(name)
    plain = _BRACKETS.sub(" ", name).strip()
    texts += [plain] + [note for note in inside if note.isupper()]
    if plain.startswith("Bydel "):
        texts.append(plain.removeprefix("Bydel "))
    texts += [part for text in list(texts) for part in _PARTS.split(text)
              if part and not part.endswith("-")]
    found: dict[tuple[str, ...], None] = {}
    for text in texts:
        for table in _FOLDINGS:
            words = tuple(_lower(word).translate(table) for word in _WORD.findall(text))
            if words and (len(words) > 1 or len(words[0]) >= MIN_FORM_LENGTH):
                found[words] = None
    return list(found)


def fold(word: str) -> str:
    """A word of a text as compared: NFC, lower case, æ → ae, ø → o, å → a (a name has the
    forms with ø → oe and å → aa too, so a text that writes «Groenland» mentions Grønland)."""
    # three replaces run in C; str.translate with a dict looks up every character in Python
    return _lower(word).replace("æ", "ae").replace("ø", "o").replace("å", "a")


def _lower(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def mentioned(text: str, names: Names) -> tuple[str, ...]:
    """The keys (``tema:salto``, ``omrade:furuset``) of the names *text* mentions, sorted."""
    if not names.forms:
        return ()
    pattern, keys = _matcher_of(names)
    found: set[str] = set()
    end = 0
    for match in pattern.finditer(fold(text)):
        if match.start() < end:  # inside a longer name just found: «Nordstrand» of «Søndre
            continue             # Nordstrand» names that bydel, not Bydel Nordstrand
        found.update(keys[tuple(_WORD.findall(match.group(1)))])
        end = match.start() + len(match.group(1))
    return tuple(sorted(found))


_LAST: list[tuple[Names, tuple[re.Pattern[str], Mapping[tuple[str, ...], frozenset[str]]]]] = []


def _matcher_of(names: Names) -> tuple[re.Pattern[str], Mapping[tuple[str, ...], frozenset[str]]]:
    """:func:`_matcher`, the last one found by identity first: the cache of :func:`_matcher`
    hashes and compares every form of *names* on each look-up, and the link stage asks for
    the same names once per document."""
    if _LAST and _LAST[0][0] is names:
        return _LAST[0][1]
    found = _matcher(names)
    _LAST[:] = [(names, found)]
    return found


@functools.lru_cache(maxsize=4)
def _matcher(names: Names) -> tuple[re.Pattern[str], Mapping[tuple[str, ...], frozenset[str]]]:
    """One regular expression for every form, tried at the start of every word of a folded
    text (a lookahead), longest forms first, so at each word the longest name there is found
    and :func:`mentioned` can pass over the words inside it; and the keys of each form.
    Made once per registry, not once per text; the scan runs in C (a body of 2 400 words in
    about a millisecond)."""
    keys: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for key, words in names.forms:
        keys[words].add(key)
    by_letter: dict[str, list[str]] = defaultdict(list)  # a branch per first letter, so a
    for words in sorted(keys, key=lambda words: (-sum(map(len, words)), words)):  # word is
        written = r"[\W_]+".join(map(re.escape, words))  # tried against a few forms, not all
        by_letter[written[0]].append(written[1:])
    alternatives = "|".join(f"{re.escape(letter)}(?:{'|'.join(rests)})"
                            for letter, rests in sorted(by_letter.items()))
    pattern = re.compile(rf"(?<![^\W_])(?=({alternatives}))")
    return pattern, {words: frozenset(found) for words, found in keys.items()}


def front_matter_text(doc: Document) -> list[str]:
    """Published front matter that is text rather than a tag: place, signatories, attachments
    (what the search record holds besides the title and the body)."""
    fields = doc.fields
    lines = [str(fields["sted"])] if "sted" in fields else []
    lines += [f"{s['navn']}, {s['rolle']}" for s in fields.get("signatarer", ())]
    lines += [str(v["tittel"]) for v in fields.get("vedlegg", ()) if "tittel" in v]
    return lines


def document_mentions(doc: Document, body: Iterable[str], names: Names) -> frozenset[str]:
    """What *doc* mentions: its body's mentions (*body*, from the compiled record) and those
    of its title and front matter text."""
    own = mentioned("\n".join([doc.title, *front_matter_text(doc)]), names)
    return frozenset((*body, *own))
