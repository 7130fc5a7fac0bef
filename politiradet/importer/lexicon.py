"""Which strings are real Norwegian words, and how common they are.

Three sources: word frequencies for Norwegian bokmål from ``wordfreq`` (PyPI, data shipped
in the package), Debian's hunspell dictionary ``nb_NO`` (package ``hunspell-no``, asked
through the ``hunspell`` program when it is installed), and the archive's own registries
(names of topics and areas, abbreviations and their meanings).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Iterable

from wordfreq import zipf_frequency

REGISTRY_ZIPF = 4.0
"""Registry words count as common words."""
COMPOUND_PART_ZIPF = 3.5
"""The last part of a compound must be at least this common."""
RARE_PART_ZIPF = 1.0
"""The first part of a compound may be rare if the last is common."""


class Lexicon:
    """Looks words up; hunspell is asked once per batch of words."""

    def __init__(self, registry_words: Iterable[str]) -> None:
        words = list(registry_words)
        self.registry = {word.lower() for word in words if len(word) > 1}
        self.cased = {skeleton(word): word for word in words
                      if any(c.isupper() for c in word[1:]) and not word.isupper()}
        self._hunspell: dict[str, bool] = {}

    def zipf(self, word: str) -> float:
        """Frequency on the Zipf scale (0 = unknown, 7 = the commonest words)."""
        lowered = word.lower()
        if lowered in self.registry:
            return max(REGISTRY_ZIPF, word_zipf(lowered))
        return word_zipf(lowered)

    def known(self, word: str) -> bool:
        """A real word: in the frequency list, the registries, hunspell, or a compound of two."""
        return self.zipf(word) > 0 or self._hunspell.get(word.lower(), False) \
            or self.compound(word)

    def compound(self, word: str, depth: int = 0) -> bool:
        """«oppfølgingspunktene» = «oppfølging» + s + «punktene»: a common last part, and a
        first part that is a word («politiråd» is rare, «politirådsavtale» ends in «avtale»)."""
        lowered = word.lower()
        for cut in range(4, len(lowered) - 3):
            head, tail = lowered[:cut], lowered[cut:]
            stem = head[:-1] if head.endswith(("s", "e")) else head
            head_zipf = max(self._part(head), self._part(stem))
            if depth == 0 and len(stem) >= 8 and self.compound(stem, 1):
                head_zipf = max(head_zipf, COMPOUND_PART_ZIPF)
            tail_zipf = self._part(tail)
            if tail_zipf >= COMPOUND_PART_ZIPF and head_zipf >= RARE_PART_ZIPF:
                return True
        return False

    def _part(self, part: str) -> float:
        if len(part) < 4:
            return 0.0
        return REGISTRY_ZIPF if part in self.registry else word_zipf(part)

    def prepare(self, words: Iterable[str]) -> None:
        """Ask hunspell about every word the frequency list does not know, in one call."""
        unknown = sorted({w.lower() for w in words if w.lower() not in self._hunspell
                          and self.zipf(w) == 0})
        accepted = hunspell_accepts(unknown)
        self._hunspell.update({word: word in accepted for word in unknown})


def skeleton(word: str) -> str:
    """The word with l, i, 1 and | (which text recognition confuses) made one letter."""
    return re.sub(r"[li1|]+", "l", word.lower())


@functools.lru_cache(maxsize=200_000)
def word_zipf(word: str) -> float:
    """How common *word* (lower case) is in Norwegian bokmål, on the Zipf scale; 0 when
    unknown. Cached: each word is looked up in wordfreq once per run."""
    return float(zipf_frequency(word, "nb")) if re.fullmatch(r"[\w-]+", word) else 0.0


def hunspell_available() -> bool:
    return shutil.which("hunspell") is not None and _has_dictionary()


@functools.lru_cache(maxsize=1)
def _has_dictionary() -> bool:
    result = subprocess.run(["hunspell", "-D"], capture_output=True, text=True, input="",
                            check=False, timeout=30)
    return "nb_NO" in result.stdout + result.stderr


def hunspell_accepts(words: list[str]) -> set[str]:
    """The words Debian's nb_NO dictionary accepts (empty when hunspell is not installed)."""
    if not words or not hunspell_available():
        return set()
    result = subprocess.run(["hunspell", "-d", "nb_NO", "-G", "-i", "utf-8"],
                            input="\n".join(words), capture_output=True, text=True,
                            check=False, timeout=60)
    return set(result.stdout.split())
