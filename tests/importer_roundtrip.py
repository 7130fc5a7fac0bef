"""Helpers for the import tests: compare an imported draft with the archived document."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

STATUS_OPEN = re.compile(r"^::: status (\S+)\s*$", re.MULTILINE)
SENTENCE_MATCH = 0.9
"""Two sentences match when difflib finds them at least this alike (after normalising)."""


def body(text: str) -> str:
    """The Markdown body of a content file, without front matter."""
    if text.startswith("---\n"):
        return text.split("\n---\n", 1)[1]
    return text


def sentences(markdown: str) -> list[str]:
    """Normalised sentences of a Markdown body: markup, links and numbering removed."""
    text = re.sub(r"^:::.*$", " ", markdown, flags=re.MULTILINE)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[\^\d+\]:?", " ", text)
    text = re.sub(r"^[ \t]*(#+|[-*+]|\d+[.)])[ \t]+", "\n\n", text, flags=re.MULTILINE)
    text = re.sub(r"[*_`\\|]", " ", text)
    found = []
    for part in re.split(r"(?<=[.!?:])\s+|\n\s*\n", text):
        words = re.sub(r"\s+", " ", part).strip().lower()
        if len(re.findall(r"\w+", words)) >= 3:
            found.append(words)
    return found


def matched_share(found: list[str], reference: list[str]) -> float:
    """Share of *reference* sentences that have a close match in *found*."""
    if not reference:
        return 1.0
    pool = found
    hits = sum(1 for sentence in reference if _has_match(sentence, pool))
    return hits / len(reference)


def _has_match(sentence: str, pool: list[str]) -> bool:
    if sentence in pool:
        return True
    return bool(difflib.get_close_matches(sentence, pool, n=1, cutoff=SENTENCE_MATCH))


def status_ids(markdown: str) -> list[str]:
    return STATUS_OPEN.findall(markdown)


@dataclass(frozen=True)
class Tally:
    """True and false positives and negatives of suggested tags."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0

    def add(self, suggested: set[str], actual: set[str]) -> Tally:
        return Tally(self.true_pos + len(suggested & actual),
                     self.false_pos + len(suggested - actual),
                     self.false_neg + len(actual - suggested))

    @property
    def precision(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_pos)

    @property
    def recall(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_neg)
