"""The Markdown stage: bodies in, HTML, text, links and status blocks out."""

from __future__ import annotations

import datetime as dt

import pytest

from politiradet import markdown
from politiradet.model import Abbreviation, Document

ABBREVIATIONS = (Abbreviation("BER", "Beredskapsetaten"), Abbreviation("SET", "Sett"),
                 Abbreviation("ØKS", "Økonomiseksjonen"))


def _html(body: str) -> str:
    doc = Document(kind="referat", slug="x", path="referater/x.md", source="x.md", title="x",
                   date=dt.date(2025, 1, 1), topics=(), areas=(), draft=False, fields={},
                   body=body, body_line=1)
    context = markdown.RenderContext(resolve=lambda _href: None, point_url=lambda _p: "")
    return markdown.render(markdown.parse(doc, ABBREVIATIONS), context)


@pytest.mark.parametrize(("body", "expected"), [
    ("Møtet i ABERDEEN og BER var bra. SETT SET.",
     '<p>Møtet i ABERDEEN og <abbr title="Beredskapsetaten">BER</abbr> var bra. SETT '
     '<abbr title="Sett">SET</abbr>.</p>\n'),
    ("BERGEN, ØKSE og BERØKS, så ØKS og BER.",
     '<p>BERGEN, ØKSE og BERØKS, så <abbr title="Økonomiseksjonen">ØKS</abbr> og '
     '<abbr title="Beredskapsetaten">BER</abbr>.</p>\n'),
    ("BER og BER igjen.", '<p><abbr title="Beredskapsetaten">BER</abbr> og BER igjen.</p>\n'),
], ids=["inside-words", "norwegian-letters", "first-use-only"])
def test_abbreviations_are_marked_as_whole_words_at_first_use(body: str, expected: str) -> None:
    assert _html(body) == expected
