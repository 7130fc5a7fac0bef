"""Guards the real archive in content/ against regressions (issue: the real archive)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from politiradet.pipeline import Paths, check

CONTENT = Path(__file__).resolve().parent.parent / "content"

# OCR damage seen in the PDF sources; none of it may come back.
OCR_DAMAGE = [r"\bgst\b", r"Grgnland", r"Teyen", r"sveert", r"politirdd", r"\bpa\b", r"\bogsa\b",
              r"\bfor & ", r"\b8 [a-zæøå]", r"^\| ", r"Ulleren", r"Baerum", r"\bnar\b",
              r"\bhgy", r"mgte", r"gkonomi", r"SalLTo", r"Sal To", r"@", r"neering", r"nzering",
              r"\bByrad", r"Politirad\b", r"omrader\b", r"\bmote\b", r"oppfelging", r"folge"]


@pytest.fixture(scope="module")
def archive():  # type: ignore[no-untyped-def]
    result, problems = check(Paths(content=CONTENT))
    assert problems == [], "\n".join(map(str, problems))
    return result


def test_real_content_passes_check(archive) -> None:  # type: ignore[no-untyped-def]
    kinds = sorted(doc.kind for doc in archive.documents)
    assert kinds.count("referat") == 3 and kinds.count("avtale") == 2
    assert kinds.count("oppfolgingspunkt") == 7


def test_every_follow_up_point_has_both_dated_updates(archive) -> None:  # type: ignore[no-untyped-def]
    for number in range(1, 8):
        updates = archive.history[f"oppfolgingspunkter/2025-{number}.md"]
        assert [u.document.date.isoformat() for u in updates] == ["2025-05-14", "2026-01-29"]


def test_every_document_has_topics_and_a_source(archive) -> None:  # type: ignore[no-untyped-def]
    for doc in archive.documents:
        assert doc.topics, doc.path
        assert doc.fields["kilde"]["tittel"], doc.path


def test_registries_hold_the_hierarchy(archive) -> None:  # type: ignore[no-untyped-def]
    areas = archive.content.areas
    assert sum(1 for a in areas.values() if a.level == "bydel") == 15
    assert {"enhet-ost", "enhet-sentrum", "enhet-vest"} <= set(areas)
    assert set(areas["frogner"].parents) == {"enhet-sentrum", "enhet-vest"}
    for slug in ("furuset", "hovseter", "majorstua", "vestli", "holmlia-syd"):
        assert any(slug in key for key in areas), slug
    shorts = {a.short for a in archive.content.abbreviations}
    assert {"OPD", "BLK", "SET", "BYU", "KOSS", "SaLTo", "IPO"} <= shorts


@pytest.mark.parametrize("pattern", OCR_DAMAGE)
def test_no_ocr_damage_remains(pattern: str) -> None:
    for path in sorted(CONTENT.rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for number, line in enumerate(body.splitlines(), 1):
            if "](" in line and pattern in (r"\bmote\b",):
                continue
            assert not re.search(pattern, line, re.MULTILINE), f"{path.name}:{number}: {line}"


# One sentence from each source, as corrected; the built site must carry them.
SENTENCES = {
    "referater/2025-05-14": "I 2031 vil Oslo fengsel åpne igjen.",
    "referater/2026-01-29": "Enhet sentrum: Grønland og Tøyen (videreført)",
    "avtaler/politiradsavtale-2023-2025": "Enhet vest har ansvaret for bydelene Nordre Aker, "
                                          "Vestre Aker, Ullern og deler av Bydel Frogner.",
    "referater/2016-01-12": "Det er snakk om to aktuelle tomter nå, der Grønmo er svært aktuell.",
    "avtaler/samarbeidsdokument-2017": "Konsultasjonsteam er en modell for å rådgi offentlig "
                                       "ansatte",
}


@pytest.fixture(scope="module")
def built_text(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from bs4 import BeautifulSoup
    from conftest import run_cli

    out = tmp_path_factory.mktemp("ekte") / "site"
    result = run_cli("build", "--content", CONTENT, "--out", out)
    assert result.code == 0, result.err
    return {url: re.sub(r"\s+", " ", BeautifulSoup(
        (out / url / "index.html").read_text(encoding="utf-8"), "html.parser").get_text(" "))
        for url in SENTENCES}


@pytest.mark.parametrize("url", sorted(SENTENCES))
def test_built_pages_carry_the_corrected_source_text(url: str,
                                                      built_text: dict[str, str]) -> None:
    assert SENTENCES[url] in built_text[url]


MAX_TOPICS, MAX_AREAS = 8, 6
"""The tagging rule (docs/redaktorveiledning.md, «Temaer og områder»): what a document
substantially discusses. No document of the archive needs more."""


def test_tags_are_few_enough_to_filter_by(archive) -> None:  # type: ignore[no-untyped-def]
    for doc in archive.documents:
        assert len(doc.topics) <= MAX_TOPICS, (doc.path, doc.topics)
        assert len(doc.areas) <= MAX_AREAS, (doc.path, doc.areas)


def test_tagged_areas_are_named_as_places_not_inside_other_words(archive) -> None:  # type: ignore[no-untyped-def]
    """«Grorudmodellen» is a way of working, not Bydel Grorud: the place must stand as a word."""
    for doc in archive.documents:
        text = archive.compiled[doc.path].text
        for slug in doc.areas:
            name = archive.content.areas[slug].name.removeprefix("Bydel ")
            assert re.search(rf"(?<![\wæøå]){re.escape(name)}(?![\wæøå])", text, re.I), \
                (doc.path, name)
