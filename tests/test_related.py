"""Related documents: only those sharing specific topics and areas, strongest first, at most
the limit; a tag most documents carry counts for nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from politiradet.model.content import Document
from politiradet.rendering.related import MIN_SCORE, RelatedIndex, weight


def _doc(slug: str, day: str, topics: str = "", areas: str = "") -> Document:
    return Document(kind="referat", slug=slug, path=f"referater/{slug}.md", source=slug,
                    title=slug, date=dt.date.fromisoformat(day),
                    topics=tuple(topics.split()), areas=tuple(areas.split()), draft=False,
                    fields={}, body="", body_line=1)


# The real archive's five documents (content/), as tagged today.
ARCHIVE = [
    _doc("avtale-2023", "2023-01-01", "politiradssamarbeidet salto ipo beredskap barn-og-unge"),
    _doc("samarbeid-2017", "2017-01-01", "politiradssamarbeidet uteliv byutvikling vold "
         "barn-og-unge salto hatkriminalitet okonomisk", "oslo-sentrum stovner"),
    _doc("2016-01-12", "2016-01-12", "politiradssamarbeidet salto hatkriminalitet beredskap "
         "uteliv kriminalitetsbilde", "oslo-sentrum"),
    _doc("2025-05-14", "2025-05-14", "ressurser kriminalitetsbilde barn-og-unge nettverk "
         "beredskap hatkriminalitet ipo pride", "alna"),
    _doc("2026-01-29", "2026-01-29", "barn-og-unge rus kriminalitetsbilde ipo beredskap "
         "hatkriminalitet"),
]


@pytest.mark.parametrize(("slug", "expected"), [
    ("2025-05-14", ["2026-01-29"]),          # ipo and kriminalitetsbilde, not the common tags
    ("2026-01-29", ["2025-05-14"]),
    ("2016-01-12", ["samarbeid-2017", "avtale-2023"]),  # uteliv, Oslo sentrum, salto …
    ("avtale-2023", ["samarbeid-2017", "2016-01-12"]),  # equally strong: newest first
])
def test_only_documents_sharing_specific_tags_are_related(slug: str,
                                                          expected: list[str]) -> None:
    index = RelatedIndex(ARCHIVE)
    doc = next(d for d in ARCHIVE if d.slug == slug)
    assert [d.slug for d in index.top(doc, 5)] == expected


def test_sharing_only_tags_everyone_carries_is_not_related() -> None:
    docs = [_doc(f"d{i}", f"2020-01-{i + 1:02d}", "felles", "oslo") for i in range(6)]
    assert RelatedIndex(docs).top(docs[0], 5) == []


def test_at_most_the_limit_strongest_first_then_newest() -> None:
    close = [_doc(f"d{i}", f"2020-01-0{i + 1}", "x y") for i in range(8)]
    others = [_doc(f"annet{i}", f"2021-01-{i + 1:02d}", "annet") for i in range(30)]
    rare = _doc("sjelden", "2022-06-01", "sjelden")
    me = _doc("meg", "2019-01-01", "x y sjelden")
    top = RelatedIndex([*close, *others, rare, me]).top(me, 5)
    # x and y each weigh 2 (9 of 40 carry them), sjelden 3: 4 beats 3; equals newest first
    assert [d.slug for d in top] == ["d7", "d6", "d5", "d4", "d3"]
    assert [d.slug for d in RelatedIndex([*close, *others, rare, me]).top(me, 10)][-1] == \
        "sjelden"


@pytest.mark.parametrize(("candidates", "carriers", "expected"), [
    (5, 4, 0), (5, 3, 1), (5, 2, 1), (5, 1, 2), (100, 60, 0), (100, 25, 2), (100, 1, 3),
])
def test_a_tag_weighs_by_how_rare_it_is(candidates: int, carriers: int, expected: int) -> None:
    assert weight(candidates, carriers) == expected
    assert MIN_SCORE == 2
