"""Related documents: those sharing the most topics and areas, newest first, in near-linear time.

Comparing every document with every other is quadratic: at 10,000 documents it is a hundred
million comparisons. Instead each topic and area is a bit set over the candidates (ordered
newest first, then by path), and the number of shared tags per candidate is counted with
bit-sliced addition, so one document's ranking costs a few big-integer operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model.content import Document

Tag = tuple[str, str]


def _tags(doc: Document) -> set[Tag]:
    return {("tema", slug) for slug in doc.topics} | {("omrade", slug) for slug in doc.areas}


class RelatedIndex:
    """Ranks candidates by (shared topics + shared areas desc, date desc, path asc)."""

    def __init__(self, candidates: Iterable[Document]) -> None:
        self.ranked: Sequence[Document] = sorted(
            candidates, key=lambda d: (-d.date.toordinal(), d.path))
        self.rank = {doc.path: index for index, doc in enumerate(self.ranked)}
        self.masks: dict[Tag, int] = {}
        for index, doc in enumerate(self.ranked):
            for tag in _tags(doc):
                self.masks[tag] = self.masks.get(tag, 0) | (1 << index)

    def top(self, doc: Document, limit: int) -> list[Document]:
        """The *limit* best candidates for *doc*, never *doc* itself, sharing at least one tag."""
        masks = [self.masks[tag] for tag in _tags(doc) if tag in self.masks]
        planes = _count_planes(masks)
        own = self.rank.get(doc.path)
        everyone = (1 << len(self.ranked)) - 1
        exclude = everyone ^ (1 << own) if own is not None else everyone
        chosen: list[Document] = []
        for shared in range(len(masks), 0, -1):
            found = _equal(planes, shared, everyone) & exclude
            while found and len(chosen) < limit:
                lowest = found & -found
                chosen.append(self.ranked[lowest.bit_length() - 1])
                found ^= lowest
            if len(chosen) >= limit:
                break
        return chosen


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
