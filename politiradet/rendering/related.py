"""Related documents: those sharing the most *specific* topics and areas, newest first.

A tag most documents carry («Politirådssamarbeidet», «Oslo politidistrikt») says nothing
about whether two documents belong together, so each tag weighs by how rare it is among the
candidates, a smoothed inverse document frequency: ``floor(log2((candidates + 1) / carriers))``,
capped at :data:`MAX_WEIGHT`. A tag on more than half of the candidates weighs 0, one on at
most a quarter 2 or more. A candidate is related when the weights of the tags it shares add up
to :data:`MIN_SCORE`: two fairly specific tags, or one that at most a quarter of the archive
carries. At most ``limit`` are shown (the renderer asks for five).

Comparing every document with every other is quadratic: at 10,000 documents it is a hundred
million comparisons. Instead each topic and area is a bit set over the candidates (ordered
newest first, then by path), and the weighted score per candidate is counted with bit-sliced
addition (a tag of weight *w* is added *w* times), so one document's ranking costs a few
big-integer operations.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ..model.content import Document

Tag = tuple[str, str]
MAX_WEIGHT = 3
"""Weight of a tag at most an eighth of the candidates carry."""
MIN_SCORE = 2
"""Least weighted score of the shared tags for a candidate to count as related."""


def _tags(doc: Document) -> set[Tag]:
    return {("tema", slug) for slug in doc.topics} | {("omrade", slug) for slug in doc.areas}


class RelatedIndex:
    """Ranks candidates by (weighted shared tags desc, date desc, path asc)."""

    def __init__(self, candidates: Iterable[Document]) -> None:
        self.ranked: Sequence[Document] = sorted(
            candidates, key=lambda d: (-d.date.toordinal(), d.path))
        self.rank = {doc.path: index for index, doc in enumerate(self.ranked)}
        self.masks: dict[Tag, int] = {}
        for index, doc in enumerate(self.ranked):
            for tag in _tags(doc):
                self.masks[tag] = self.masks.get(tag, 0) | (1 << index)
        self.weights = {tag: weight(len(self.ranked), mask.bit_count())
                        for tag, mask in self.masks.items()}

    def top(self, doc: Document, limit: int) -> list[Document]:
        """The *limit* best candidates for *doc* scoring at least :data:`MIN_SCORE`, never
        *doc* itself."""
        shared = [(self.masks[tag], self.weights[tag]) for tag in _tags(doc)
                  if self.weights.get(tag, 0) > 0]
        planes = _count_planes([mask for mask, times in shared for _ in range(times)])
        own = self.rank.get(doc.path)
        everyone = (1 << len(self.ranked)) - 1
        exclude = everyone ^ (1 << own) if own is not None else everyone
        chosen: list[Document] = []
        for score in range(sum(times for _mask, times in shared), MIN_SCORE - 1, -1):
            found = _equal(planes, score, everyone) & exclude
            while found and len(chosen) < limit:
                lowest = found & -found
                chosen.append(self.ranked[lowest.bit_length() - 1])
                found ^= lowest
            if len(chosen) >= limit:
                break
        return chosen


def weight(candidates: int, carriers: int) -> int:
    """How much sharing a tag that *carriers* of *candidates* documents have counts."""
    if carriers == 0:
        return 0
    return min(MAX_WEIGHT, math.floor(math.log2((candidates + 1) / carriers)))


def _count_planes(masks: Sequence[int]) -> list[int]:
    """Bit-sliced per-candidate counts: bit *b* of each count lives in ``planes[b]``."""
    planes: list[int] = []
    for mask in masks:
        carry = mask
        for bit, plane in enumerate(planes):
            planes[bit], carry = plane ^ carry, plane & carry
            if not carry:
                break
        if carry:
            planes.append(carry)
    return planes


def _equal(planes: Sequence[int], value: int, everyone: int) -> int:
    """Candidates whose count is exactly *value*."""
    if value >> len(planes):
        return 0
    result = everyone
    for bit, plane in enumerate(planes):
        result &= plane if value >> bit & 1 else everyone ^ plane
    return result
