"""Repair the letter damage text recognition does to Norwegian, only into real words.

Text recognition without a Norwegian model reads «ø» as g, e, o or p, «å» as a, d, &, 8 or é,
«æ» as ee, ae or ze, and a lone «I» as «|». A word is changed only when the changed word is a
real word (:mod:`lexicon`): an unknown word becomes the commonest real word within three such
changes; a known word changes only when one such change gives a word at least ten times as
common («gar» → «går», «mote» → «møte»). Every repair is returned so the report can list it.

Only words of running text are repaired, decided piece by piece (:func:`running_text`): never
code spans, HTML, link targets, web or e-mail addresses, and never a word that is glued to
markup or other symbols («<a href», «*a», «a/b», «snake_case»); emphasis markers count as
running text only where they open and close emphasis.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .document import Block, SourceDocument
from .lexicon import Lexicon, skeleton

SUBSTITUTIONS: dict[str, tuple[str, ...]] = {
    "g": ("ø",), "e": ("ø",), "o": ("ø",), "p": ("ø",), "@": ("ø",), "a": ("å", "ø"),
    "d": ("å",), "eg": ("ø",),
    "é": ("å",), "8": ("å",), "&": ("å",), "i": ("j", "ü"), "ee": ("æ",), "ae": ("æ",),
    "ze": ("æ",), "éa": ("å",), "éd": ("å",), "ea": ("å",), "0": ("o",),
}
KNOWN_WORD_SUBSTITUTIONS = {"a": ("å",), "o": ("ø",), "e": ("ø",), "g": ("ø",)}
MAX_EDITS = 3
MAX_WORD = 60
"""Longer tokens are no words to repair (the lookup of a 1 MB token's parts never ended)."""
KNOWN_GAIN = 1.0
"""A known word is replaced only by a word this much more common on the Zipf scale (10x)."""
RARE_ZIPF = 3.0
"""Below this a "known" word is more likely damage that also occurs on the web (vaere)."""
MIN_CANDIDATE_ZIPF = 3.0
TOKEN = re.compile(r"(?:[^\W_]|[@&])+(?:[-'](?:[^\W_]|[@&])+)*")
"""A word as text recognition leaves it: letters and digits, «@» and «&» (for ø and å),
hyphens and apostrophes inside."""
OPENING, CLOSING = "([{«“‘\"'„", ".,;:!?)]}»”’\"'…"
RUNNING_CHUNK = re.compile(rf"[{re.escape(OPENING)}]*(?:{TOKEN.pattern}|\|)?"
                           rf"[{re.escape(CLOSING)}]*|[-–—%§]")
"""What lies between two spaces in running text: a word with punctuation around it, a lone
«|» (text recognition's «I»), or a dash."""
VERBATIM = re.compile(r"(`+).*?\1|<!--(?:(?!<!--).)*?-->|<[A-Za-z/!?][^<>]*>|\]\([^()\s]*\)"
                      r"|(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
"""Never running text: code spans, HTML comments and tags, link targets, web and e-mail
addresses. Each alternative starts only where a scan from an earlier start could not have
ended (an address at the start of its run of characters, a comment before the next «<!--»), so
a long word or many unclosed comments take linear time, not quadratic (a 1 MB word took hours)."""
EMPHASIS = re.compile(r"(?<![\\\w*])(\*\*?)(?![\s*])(?:[^*]*?[^\s*\\])?\1(?![\w*])"
                      r"|(?<![\\\w_])(__?)(?![\s_])(?:[^_]*?[^\s_\\])?\2(?![\w_])")
"""Emphasis whose content holds no other marker of its kind (the innermost first)."""
LONE_A = re.compile(r"(?<=[a-zæøå] )[&8@](?= [a-zæøå])")
LONE_I = re.compile(r"(?:(?<=^)|(?<=[.:!?] )|(?<=\. ))[|l](?= [\wÆØÅ])|(?<= )\|(?= [\wÆØÅ])")


@dataclass(frozen=True, slots=True)
class Repair:
    """One kind of change, and how often it was made."""

    before: str
    after: str
    count: int


def repair_document(source: SourceDocument, lexicon: Lexicon) -> tuple[SourceDocument,
                                                                        tuple[Repair, ...]]:
    """Repair every block's text; return the new document and the repairs made."""
    fixer = _Fixer(lexicon)
    fixer.prefetch(set(_all_tokens(source)))
    blocks = tuple(_repair_block(block, fixer) for block in source.blocks)
    footnotes = tuple(fixer.text(note) for note in source.footnotes)
    repaired = SourceDocument(blocks, source.format, footnotes, source.notes)
    repairs = tuple(Repair(before, after, count)
                    for (before, after), count in sorted(fixer.made.items()))
    return repaired, repairs


def _all_tokens(source: SourceDocument) -> Iterator[str]:
    """Every word the fixer will see: running text of blocks, table cells and footnotes."""
    texts = itertools.chain.from_iterable(
        (block.text, *itertools.chain.from_iterable(block.rows)) for block in source.blocks)
    for text in itertools.chain(texts, source.footnotes):
        for piece, running in running_text(text):
            if running:
                yield from TOKEN.findall(piece)


def running_text(text: str) -> Iterator[tuple[str, bool]]:
    """*text* in pieces, each marked True when it is running text that may be repaired.
    Verbatim spans (:data:`VERBATIM`) are never running text; the rest is decided chunk by
    chunk between spaces (:data:`RUNNING_CHUNK`), with emphasis markers that open and close
    emphasis left out of the decision."""
    markers = _emphasis_markers(text)
    start = 0
    pieces: list[tuple[str, bool]] = []
    for match in VERBATIM.finditer(text):
        pieces += _chunks(text, start, match.start(), markers)
        pieces.append((match[0], False))
        start = match.end()
    pieces += _chunks(text, start, len(text), markers)
    for running, group in itertools.groupby(pieces, key=lambda piece: piece[1]):
        yield "".join(piece for piece, _ in group), running


def _chunks(text: str, start: int, end: int, markers: set[int]) -> Iterator[tuple[str, bool]]:
    running = True
    for match in re.finditer(r"\s+|\S+", text[start:end]):
        chunk = match[0]
        if not chunk.isspace():
            first = start + match.start()
            bare = "".join(c for i, c in enumerate(chunk, first) if i not in markers)
            running = RUNNING_CHUNK.fullmatch(bare) is not None
        yield chunk, running


def _emphasis_markers(text: str) -> set[int]:
    """Positions of the «*», «**», «_» and «__» that open or close emphasis (nested too)."""
    markers: set[int] = set()
    for _ in range(3):
        masked = "".join("\x00" if i in markers else c for i, c in enumerate(text))
        found = {i for match in EMPHASIS.finditer(masked)
                 for width in [len(match[1] or match[2])]
                 for i in (*range(match.start(), match.start() + width),
                           *range(match.end() - width, match.end()))}
        if found <= markers:
            break
        markers |= found
    return markers


def _repair_block(block: Block, fixer: _Fixer) -> Block:
    if block.kind == "table":
        rows = tuple(tuple(fixer.text(cell) for cell in row) for row in block.rows)
        return Block("table", rows=rows)
    return block.with_text(fixer.text(block.text))


class _Fixer:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.made: Counter[tuple[str, str]] = Counter()
        self.cache: dict[str, str] = {}

    def text(self, text: str) -> str:
        """*text* with its running text repaired (:func:`running_text`)."""
        return "".join(self._plain(piece) if running else piece
                       for piece, running in running_text(text))

    def _plain(self, text: str) -> str:
        text = self._lone(text, LONE_A, "å")
        text = self._lone(text, LONE_I, "I")
        text = self._joined_registry_words(text)
        return TOKEN.sub(self._match, text)

    def _match(self, match: re.Match[str]) -> str:
        """Short words before a full stop or a number are abbreviations («Pkt. 3», «nr 2»)."""
        token, after = match[0], match.string[match.end():match.end() + 2]
        if len(token) <= 3 and re.match(r"\.|\s\d", after) and token.isalpha() \
                and (after.startswith(".") or not re.search(r"[aeiouyæøå]", token.lower())):
            return token
        return self._token(token)

    def prefetch(self, tokens: set[str]) -> None:
        """Ask hunspell, in one call, about the tokens and the candidates for rare ones."""
        words = {t.lower() for t in tokens if len(t) <= MAX_WORD}
        rare = [w for w in words if self.lexicon.zipf(w) < RARE_ZIPF]
        asked = set(words)
        for word in rare:
            asked.update(c for c in candidates(word, SUBSTITUTIONS, MAX_EDITS)
                         if self.lexicon.zipf(c) == 0)
        self.lexicon.prepare(asked)

    def _lone(self, text: str, pattern: re.Pattern[str], letter: str) -> str:
        def sub(match: re.Match[str]) -> str:
            self.made[(match[0], letter)] += 1
            return letter
        return pattern.sub(sub, text)

    def _joined_registry_words(self, text: str) -> str:
        """«Sal To» → «SaLTo» when the joined word is a registry word."""
        def sub(match: re.Match[str]) -> str:
            word = self.lexicon.cased.get(skeleton(match[1] + match[2]))
            if word is None:
                return match[0]
            self.made[(match[0], word)] += 1
            return word
        return re.sub(r"\b([A-ZÆØÅ][a-zæøå]{1,3}) ([A-Z][A-Za-z]{1,3})\b", sub, text)

    def _token(self, token: str) -> str:
        if len(token) > MAX_WORD:
            return token
        if token not in self.cache:
            self.cache[token] = self._best(token)
        result = self.cache[token]
        if result != token:
            self.made[(token, result)] += 1
        return result

    def _best(self, token: str) -> str:
        if not re.search(r"[^\W\d_]", token) or (token.isupper() and len(token) <= 6):
            return token
        cased = self.lexicon.cased.get(skeleton(token))
        if cased:
            return cased
        if "-" in token:
            return "-".join(self._best(part) for part in token.split("-"))
        lowered = token.lower()
        if re.search(r"[@&0-9]", lowered) or not self.lexicon.known(lowered):
            return _recase(token, self._best_unknown(lowered, 0.0))
        zipf = self.lexicon.zipf(lowered)
        if zipf < RARE_ZIPF:
            return _recase(token, self._best_unknown(lowered, zipf + KNOWN_GAIN))
        return _recase(token, self._better_known(lowered))

    def _better_known(self, word: str) -> str:
        floor = self.lexicon.zipf(word) + KNOWN_GAIN
        best, best_zipf = word, max(floor, MIN_CANDIDATE_ZIPF)
        for candidate in candidates(word, KNOWN_WORD_SUBSTITUTIONS, 1):
            zipf = self.lexicon.zipf(candidate)
            if zipf >= best_zipf:
                best, best_zipf = candidate, zipf
        return best

    def _best_unknown(self, word: str, floor: float) -> str:
        """The commonest real word within reach; a rare word only for a much commoner one."""
        if len(word) < 2:
            return word
        found = [(self.lexicon.zipf(c), c) for c in candidates(word, SUBSTITUTIONS, MAX_EDITS)]
        common = [pair for pair in found if pair[0] > max(floor, 0.0)]
        if common:
            return max(common)[1]
        if floor > 0:
            return word
        real = [c for _, c in found if self.lexicon.known(c)]
        return min(real, key=lambda c: (_edits(word, c), c)) if real else word


def candidates(word: str, table: Mapping[str, tuple[str, ...]], max_edits: int) -> Iterator[str]:
    """Every spelling reachable with up to *max_edits* substitutions from *table*."""
    sites = [(i, len(key), repl) for i in range(len(word)) for key, repls in table.items()
             if word.startswith(key, i) for repl in repls]
    for count in range(1, max_edits + 1):
        for chosen in itertools.combinations(sites, count):
            if _overlapping(chosen):
                continue
            yield _apply(word, chosen)


def _overlapping(chosen: Iterable[tuple[int, int, str]]) -> bool:
    end = -1
    for start, length, _ in chosen:
        if start < end:
            return True
        end = start + length
    return False


def _apply(word: str, chosen: Iterable[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, length, repl in chosen:
        out.append(word[pos:start])
        out.append(repl)
        pos = start + length
    out.append(word[pos:])
    return "".join(out)


def _edits(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b, strict=False) if x != y) + abs(len(a) - len(b))


def _recase(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    first = original[0]
    if first.isupper() or first == "@":
        return word[:1].upper() + word[1:]
    return word
