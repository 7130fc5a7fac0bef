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
  «SaLTo-konferansen».

The compile stage runs :func:`mentioned` once per body (the result is kept in the compiled
record, so an unchanged body costs nothing); the link stage adds the title and the front matter
text, and builds the lists.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
        """What a compiled record's mentions depend on (part of its key in the store)."""
        return [[key, *words] for key, words in self.forms]


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
    return _lower(word).translate(_FOLDINGS[0])


def _lower(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def mentioned(text: str, names: Names) -> tuple[str, ...]:
    """The keys (``tema:salto``, ``omrade:furuset``) of the names *text* mentions, sorted."""
    if not names.forms:
        return ()
    first_words, single = _index(names)
    words = [fold(word) for word in _WORD.findall(text)]
    found: set[str] = set()
    for index, word in enumerate(words):
        for rest, key in first_words.get(word, ()):
            if key not in found and _follows(words, index + 1, rest):
                found.add(key)
        for form, key in single.get(word[:MIN_FORM_LENGTH], ()):
            if key not in found and word.startswith(form):
                found.add(key)
    return tuple(sorted(found))


def _index(names: Names) -> tuple[Mapping[str, list[tuple[tuple[str, ...], str]]],
                                  Mapping[str, list[tuple[str, str]]]]:
    """Forms of several words by their first word; forms of one word by their first letters."""
    first_words: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    single: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, words in names.forms:
        if len(words) > 1:
            first_words[words[0]].append((words[1:], key))
        else:
            single[words[0][:MIN_FORM_LENGTH]].append((words[0], key))
    return first_words, single


def _follows(words: Sequence[str], start: int, rest: tuple[str, ...]) -> bool:
    if start + len(rest) > len(words):
        return False
    *middle, last = rest
    return all(words[start + i] == word for i, word in enumerate(middle)) and \
        words[start + len(middle)].startswith(last)


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
