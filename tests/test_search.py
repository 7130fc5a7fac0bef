"""Search: the Pagefind index holds exactly the published content, and /sok/ finds it.

One site is built per module from the valid fixture plus two documents written here, under
the sub-path /sub/path/, then searched in a real Chromium over loopback (Pagefind's
WebAssembly cannot load from file://).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import html as html_module
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, Served, build_fixture, copy_fixture, serve_folder
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from politiradet.model.archive import Archive
from politiradet.model.content import Area, Content
from politiradet.pipeline import Paths, check
from politiradet.stages import search as search_stage
from politiradet.stages.search import BASE as BASE_FOLDER
from politiradet.stages.search import (
    SCRATCH,
    SENTINEL_URL,
    Record,
    area_names,
    area_tree,
    bundle,
    document_record,
    entries,
    folded_forms,
    plain_text,
    record_page,
    scratch,
    words_of,
)

BASE = "/sub/path/"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

EXTRA_DOCUMENTS = {
    "referater/2024-03-01.md": """\
---
tittel: Referat fra møte 1. mars 2024
dato: 2024-03-01
motetype: møte
temaer: [beredskap]
omrader: [furuset]
kilde:
  tittel: Referat Politirådet i Oslo 01.03.2024
---
## Fritidskortet

Fritidskortet gir ungdommer gratis aktiviteter. Bydelsdirektør Kvasirsdottir orienterte
om tilbudet og om møte med foreldre.
""",
    "referater/2024-09-10.md": """\
---
tittel: Referat fra møte 10. september 2024
dato: 2024-09-10
motetype: møte
temaer: [salto]
omrader: []
kilde:
  tittel: Referat Politirådet i Oslo 10.09.2024
---
Rådet drøftet et nytt møte om trygghet i sentrum.
""",
    "referater/2023-06-01.md": """\
---
tittel: Referat fra møte 1. juni 2023
dato: 2023-06-01
motetype: seminar
temaer: [salto]
omrader: []
kilde:
  tittel: Referat Politirådet i Oslo 01.06.2023
---
Kiosken selger pølser < 5 > 3 og «brus & is», skrevet &lt;b&gt;fet&lt;/b&gt;.
Skjemaet <img src=x onerror="window.hacked=1"> og <script>window.hacked=2</script>.

Deretter fulgte en lang orientering om arbeidet i bydelene, om samarbeidet mellom etatene,
om tiltakene for ungdom om sommeren og om hvordan rådet skal følge opp det som ble sagt i
møtet, før saken om vaktordningen ble lagt fram av Qwertyvakten.
""",
}

AREAS = (FIXTURES / "gyldig" / "omrader.yaml").read_text(encoding="utf-8") + """\
- slug: enhet-sentrum
  navn: Enhet sentrum
  nivå: driftsenhet
  foreldre: [oslo-politidistrikt]
  beskrivelse: Geografisk driftsenhet.
- slug: enhet-vest
  navn: Enhet vest
  nivå: driftsenhet
  foreldre: [oslo-politidistrikt]
  beskrivelse: Geografisk driftsenhet.
- slug: frogner
  navn: Bydel Frogner
  nivå: bydel
  foreldre: [enhet-sentrum, enhet-vest]
  beskrivelse: Bydel delt mellom Enhet sentrum og Enhet vest.
- slug: gamle-oslo
  navn: Bydel Gamle Oslo
  nivå: bydel
  foreldre: [enhet-sentrum]
  beskrivelse: Bydel i Oslo kommune.
- slug: gronland-og-toyen
  navn: Grønland og Tøyen
  nivå: prioritert område
  foreldre: [gamle-oslo]
  beskrivelse: Prioritert område.
- slug: ostensjo
  navn: Bydel Østensjø
  nivå: bydel
  foreldre: [enhet-ost]
  beskrivelse: Bydel i Oslo kommune. Enhet øst har ansvaret for politioppgavene i bydelen.
- slug: mortensrud-bjornerud
  navn: Mortensrud/Bjørnerud
  nivå: prioritert område
  foreldre: [ostensjo]
  beskrivelse: Prioritert område.
"""
EXTRA_DOCUMENTS["omrader.yaml"] = AREAS
EXTRA_DOCUMENTS["referater/2022-11-02.md"] = """\
---
tittel: Seminar 2. november 2022
dato: 2022-11-02
motetype: seminar
temaer: [salto]
omrader: [gronland-og-toyen]
kilde:
  tittel: Oppsummering seminar 02.11.2022
---
Politiet orienterte om situasjonen på Grønland og Tøyen og om innsatsen på
Mortensrud/Bjørnerud i Bydel Østensjø.

Enhet øst la fram planen for Enhet øst, og rådet drøftet hvordan Enhet øst og bydelene
skal samarbeide om forebygging.
"""
SEMINAR = BASE + "referater/2022-11-02/"

HOSTILE_EXCERPT = (  # as the document page shows them (Markdown reads &lt; as <)
    "pølser < 5 > 3", "«brus & is»", "skrevet <b>fet</b>.",
    '<img src=x onerror="window.hacked=1">', "<script>window.hacked=2</script>")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: the valid fixture plus two more referater."""
    out, result = build_fixture(tmp_path_factory.mktemp("sok"), BASE, EXTRA_DOCUMENTS)
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    with serve_folder(site, BASE) as server:
        yield server


# --- the index ---------------------------------------------------------------------------

def fragments(site: Path, guards: bool = False) -> dict[str, dict[str, Any]]:
    """Every record in the built index, by URL (Pagefind fragments are gzipped JSON); with
    *guards*, also each bundle's word guard (search.sentinel_html)."""
    records = {}
    for path in (site / "pagefind").glob("*/fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        data["id"] = path.stem
        if guards or data["url"] != "/" + SENTINEL_URL:
            records[data["url"]] = data
    return records


def test_index_holds_documents_points_topics_and_areas_and_nothing_else(site: Path) -> None:
    assert set(fragments(site)) == {
        "/referater/2025-05-14/", "/referater/2024-09-10/", "/referater/2024-03-01/",
        "/referater/2023-06-01/", "/referater/2022-11-02/",
        "/referater/2016-01-12/", "/avtaler/avtale-2023/", "/oppfolgingspunkter/2025-1/",
        "/temaer/salto/", "/temaer/beredskap/",
        "/omrader/oslo-politidistrikt/", "/omrader/enhet-ost/", "/omrader/alna/",
        "/omrader/furuset/", "/omrader/enhet-sentrum/", "/omrader/enhet-vest/",
        "/omrader/frogner/", "/omrader/gamle-oslo/", "/omrader/gronland-og-toyen/",
        "/omrader/ostensjo/", "/omrader/mortensrud-bjornerud/",
    }


TAG = re.compile(r"<[^>]*>")


def page_tokens(page: str) -> set[str]:
    """What the tokens of a record's page are (the oracle for search.record_page, which
    collects them while it makes the page): its whitespace-separated tokens, read with its
    tags taken out as spaces and as nothing."""
    return {token for text in (TAG.sub(" ", page), TAG.sub("", page))
            for token in html_module.unescape(text).split()}


@pytest.mark.parametrize(("html", "words"), [
    ("<p>Tøyen</p>", {"tøyen"}),
    ("<p>SaLTo-konferansen, «Grünerløkka».</p>",
     {"saltokonferansen", "salto", "lto", "to", "konferansen", "grünerløkka"}),
    # read with each tag a space and without: more words than Pagefind's do no harm
    ("<p>e-post</p><p>2019-05-08</p>",
     {"epost", "e", "post", "20190508", "2019", "05", "08", "epost20190508", "post2019"}),
    ("<li>a</li><li>b</li>", {"a", "b", "ab"}),
    ("<p>B2B &amp; under_strek</p>", {"b2b", "under_strek", "under", "strek"}),
])
def test_the_word_guard_holds_every_word_pagefind_may_index(html: str, words: set[str]) -> None:
    """Each word Pagefind indexes starts some word of the guard (search.sentinel_html): the
    word whole, and each part it may split a word with signs into."""
    assert words_of(page_tokens(html)) == words


def test_index_has_no_drafts_navigation_or_footer(site: Path) -> None:
    text = json.dumps(fragments(site), ensure_ascii=False)
    for outside in ("Zyxwvutkastord", "Hemmelig utkast", "Hopp til hovedinnholdet",
                    "Hovedmeny", "Tilgjengelighetserklæring", "samarbeidsforumet for"):
        assert outside not in text


def test_records_carry_filters_with_parent_areas_meta_and_date_sort(site: Path) -> None:
    record = fragments(site)["/referater/2024-03-01/"]
    assert record["filters"] == {
        "type": ["Referat"], "tema": ["Beredskap"], "ar": ["2024"],
        "omrade": ["Furuset", "Bydel Alna", "Enhet øst", "Oslo politidistrikt"]}
    assert record["meta"] == {"title": "Referat fra møte 1. mars 2024", "type": "Referat",
                              "date": "2024-03-01"}
    assert "Kvasirsdottir" in record["content"]
    assert record["content"].startswith("Referat fra møte 1. mars 2024.")


def test_index_is_norwegian_and_ships_without_unused_interfaces(site: Path) -> None:
    manifest = json.loads((site / "pagefind" / "sok.json").read_text())
    assert (manifest["grunn"], manifest["endring"], manifest["skjult"]) == (
        [{"mappe": "grunn", "sider": len(fragments(site))}], None, {})
    guard = fragments(site, guards=True)["/" + SENTINEL_URL]
    assert manifest["vakt"] == {"grunn": guard["id"]}
    assert (guard["filters"], guard["meta"].get("date")) == ({}, None), "no filter, no date"
    assert "kvasirsdottir0zqx" in guard["content"].split()
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == ["grunn", "sok.json"]
    bundle = {p.name for p in (site / "pagefind" / "grunn").iterdir()}
    assert {"pagefind.js", "pagefind-entry.json", "wasm.nb.pagefind"} <= bundle
    assert not [name for name in bundle if name.startswith("pagefind-ui")]
    entry = json.loads((site / "pagefind" / "grunn" / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"nb"}


def test_signatories_are_searchable_text(site: Path) -> None:
    assert "Ida Melbo Øystese" in fragments(site)["/avtaler/avtale-2023/"]["content"]


def test_area_names_include_every_ancestor_once_nearest_first() -> None:
    areas = {slug: Area(slug, name, "nivå", parents, "")
             for slug, name, parents in (
                 ("opd", "Oslo politidistrikt", ()), ("ost", "Enhet øst", ("opd",)),
                 ("syd", "Enhet syd", ("opd",)), ("delt", "Bydel Delt", ("ost", "syd")),
                 ("torg", "Torget", ("delt",)))}
    content = Content(documents=(), topics={}, areas=areas)
    assert area_names(("torg",), content) == (
        "Torget", "Bydel Delt", "Enhet øst", "Enhet syd", "Oslo politidistrikt")
    assert area_names(("ost", "opd", "ukjent"), content) == ("Enhet øst", "Oslo politidistrikt")


@pytest.mark.parametrize(("text", "forms"), [
    ("Grønland og Tøyen", ["gronland", "groenland", "toyen", "toeyen"]),
    ("Bydel Østensjø, Østensjø!", ["ostensjo", "oestensjoe"]),
    ("Mortensrud/Bjørnerud", ["bjornerud", "bjoernerud"]),
    ("Bærum og Åsane", ["barum", "baerum", "asane", "aasane"]),
    ("SÆRLIG", ["sarlig", "saerlig"]),
    ("Ta\u030asen", ["tasen", "taasen"]),  # å typed as a + combining ring (NFD, a Mac)
    ("Oslo sentrum", []),
    # runs split at «_», «-» and a no-break space, each form once, in order of first use
    ("vei_nr_bø Sø-bø bø\u00a0ås", ["bo", "boe", "so", "soe", "as", "aas"]),
])
def test_words_with_norwegian_letters_get_the_forms_typed_without_them(
        text: str, forms: list[str]) -> None:
    assert folded_forms(text) == forms


def test_the_area_tree_follows_the_hierarchy_with_a_split_bydel_under_both_units() -> None:
    areas = {slug: Area(slug, name, "nivå", parents, "")
             for slug, name, parents in (
                 ("opd", "Oslo politidistrikt", ()), ("vest", "Enhet vest", ("opd",)),
                 ("sentrum", "Enhet sentrum", ("opd",)),
                 ("frogner", "Bydel Frogner", ("sentrum", "vest")),
                 ("majorstua", "Majorstua", ("frogner",)))}
    frogner = {"navn": "Bydel Frogner", "under": [{"navn": "Majorstua", "under": []}]}
    assert area_tree(Content(documents=(), topics={}, areas=areas)) == [
        {"navn": "Oslo politidistrikt", "under": [
            {"navn": "Enhet vest", "under": [frogner]},
            {"navn": "Enhet sentrum", "under": [frogner]}]}]


# --- the search page in Chromium ---------------------------------------------------------

def search(page: Any, served: Served, query: str) -> list[str]:
    """Open /sok/?QUERY, wait for the result count, return the result links' hrefs."""
    page.goto(served.base + "sok/?" + query)
    page.locator("#sok-status", has_text="treff").wait_for()
    return hrefs(page)


def hrefs(page: Any) -> list[str]:
    return [str(a.get_attribute("href")) for a in page.locator(".search-result a").all()]


def wait_for_status(page: Any, text: str) -> None:
    page.locator("#sok-status", has_text=text).wait_for()


@pytest.mark.browser
def test_a_name_found_in_one_source_opens_that_document_under_the_sub_path(
        page: Any, served: Served) -> None:
    assert search(page, served, "q=Kvasirsdottir") == [BASE + "referater/2024-03-01/"]
    policy = page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content")
    assert "'wasm-unsafe-eval'" in policy and "'unsafe-eval'" not in policy
    assert page.locator("#sok-status").inner_text() == "1 treff for «Kvasirsdottir»."
    page.locator(".search-result a").click()
    assert page.url == served.base + "referater/2024-03-01/"
    assert page.title().startswith("Referat fra møte 1. mars 2024")
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("query", ["fritidskort", "ungdom", "Fritidskortene"])
def test_other_forms_of_a_word_find_the_document(page: Any, served: Served, query: str) -> None:
    assert BASE + "referater/2024-03-01/" in search(page, served, f"q={query}")


@pytest.mark.browser
def test_a_drafts_unique_word_finds_nothing(page: Any, served: Served) -> None:
    assert search(page, served, "q=Zyxwvutkastord") == []
    assert page.locator("#sok-status").inner_text().startswith("Ingen treff")


@pytest.mark.browser
def test_a_topic_filter_narrows_results_by_keyboard_and_is_kept_in_the_url(
        page: Any, served: Served) -> None:
    everything = search(page, served, "q=m%C3%B8te")
    assert len(everything) == 5
    assert page.get_by_label("Beredskap (2)").count() == 1
    page.get_by_label("Beredskap (2)").focus()
    page.keyboard.press("Space")
    wait_for_status(page, "2 treff for «møte» med valgte filtre")
    assert sorted(hrefs(page)) == [BASE + "referater/2016-01-12/",
                                   BASE + "referater/2024-03-01/"]
    assert page.url == served.base + "sok/?q=m%C3%B8te&tema=Beredskap"


@pytest.mark.browser
def test_a_parent_area_finds_documents_tagged_with_an_area_inside_it(
        page: Any, served: Served) -> None:
    found = search(page, served, "omrade=Enhet+%C3%B8st&type=Referat")
    assert found == [BASE + "referater/2025-05-14/", BASE + "referater/2024-03-01/"]


@pytest.mark.browser
def test_newest_first_sorts_by_date(page: Any, served: Served) -> None:
    search(page, served, "q=m%C3%B8te")
    page.get_by_label("Sorter treffene").select_option("nyeste")
    page.wait_for_url("**sortering=nyeste")
    newest_first = [BASE + f"referater/{day}/"
                    for day in ("2025-05-14", "2024-09-10", "2024-03-01", "2023-06-01",
                                "2016-01-12")]
    # The results by relevance stay listed until the sorted ones replace them: wait for the
    # list to change (at most the default timeout), then hold it to the order.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "expected => JSON.stringify([...document.querySelectorAll('.search-result a')]"
            ".map(a => a.getAttribute('href'))) === JSON.stringify(expected)", arg=newest_first)
    assert hrefs(page) == newest_first
    metas = page.locator(".search-result__meta").all_inner_texts()
    assert metas[0] == "Referat, 14. mai 2025"


@pytest.mark.browser
def test_header_search_leads_to_results_and_typing_updates_the_url(
        page: Any, served: Served) -> None:
    page.goto(served.base)
    page.get_by_label("Søk i arkivet").fill("SaLTo")
    page.keyboard.press("Enter")
    page.wait_for_url(served.base + "sok/?q=SaLTo")
    wait_for_status(page, "treff for «SaLTo»")
    assert BASE + "referater/2025-05-14/" in hrefs(page)
    page.get_by_label("Søkeord").fill("fritidskort")
    wait_for_status(page, "treff for «fritidskort»")
    assert page.url == served.base + "sok/?q=fritidskort"
    assert page.locator(".search-result__excerpt mark").first.inner_text().startswith(
        "Fritidskortet")
    assert page.errors == []


@pytest.mark.browser
def test_excerpts_show_text_as_written_with_matches_marked_and_run_nothing(
        page: Any, served: Served) -> None:
    assert search(page, served, "q=p%C3%B8lser") == [BASE + "referater/2023-06-01/"]
    excerpt = page.locator(".search-result__excerpt")
    text = excerpt.inner_text()
    for written in HOSTILE_EXCERPT:
        assert written in text
    assert excerpt.locator("mark").all_inner_texts() == ["pølser"]
    assert excerpt.locator("*").count() == 1
    assert page.evaluate("window.hacked") is None
    assert page.errors == []


@pytest.mark.browser
def test_a_long_text_shows_the_words_around_the_match(page: Any, served: Served) -> None:
    search(page, served, "q=Qwertyvakten")
    excerpt = page.locator(".search-result__excerpt").inner_text()
    assert excerpt.startswith("… ") and "Qwertyvakten" in excerpt
    assert page.locator(".search-result__excerpt mark").all_inner_texts() == ["Qwertyvakten."]
    assert "pølser" not in excerpt


@pytest.mark.browser
def test_the_search_button_is_punkt_blue_like_the_header_button(
        page: Any, served: Served) -> None:
    search(page, served, "q=SaLTo")
    style = "(el) => getComputedStyle(el).backgroundColor"
    header = page.locator(".header-search button").evaluate(style)
    assert page.locator("#sok-skjema button[type=submit]").evaluate(style) == header
    assert header not in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(255, 255, 255)")


@pytest.mark.browser
@pytest.mark.parametrize(("query", "found", "marked"), [
    ("Gronland", {"omrader/gronland-og-toyen/"}, "Grønland"),
    ("groenland", {"omrader/gronland-og-toyen/"}, "Grønland"),
    ("Toyen", {"omrader/gronland-og-toyen/"}, "Tøyen"),
    ("Bjornerud", {"omrader/mortensrud-bjornerud/"}, "Bjørnerud"),
    ("Ostensjo", {"omrader/ostensjo/"}, "Østensjø"),
])
def test_place_names_typed_without_norwegian_letters_find_those_places(
        page: Any, served: Served, query: str, found: set[str], marked: str) -> None:
    """Only the seminar that names the place and the place's own pages, with the place's
    name marked in every excerpt; the folded forms themselves are never shown."""
    assert set(search(page, served, f"q={query}")) == {SEMINAR} | {BASE + u for u in found}
    for excerpt in page.locator(".search-result__excerpt").all():
        assert any(marked in mark for mark in excerpt.locator("mark").all_inner_texts())
        assert query.lower() not in excerpt.inner_text().lower()
        assert "\u2042" not in excerpt.inner_text()


@pytest.mark.browser
def test_documents_that_discuss_a_unit_rank_above_register_pages_that_name_it(
        page: Any, served: Served) -> None:
    found = search(page, served, "q=Enhet+%C3%B8st")
    assert BASE + "omrader/enhet-ost/" in found[:2]
    registers = [found.index(BASE + f"omrader/{slug}/") for slug in ("ostensjo", "alna")]
    assert found.index(SEMINAR) < min(registers)


@pytest.mark.browser
def test_the_area_filter_is_grouped_from_district_to_unit_to_bydel_to_place(
        page: Any, served: Served) -> None:
    page.goto(served.base + "sok/")
    areas = page.locator("fieldset", has=page.locator("legend", has_text="Område"))
    areas.locator("ul").first.wait_for()
    tree = areas.evaluate("""(fieldset) => {
      const walk = (list) => [...list.children].map((item) => [
        item.querySelector(":scope > div label span").textContent,
        item.querySelector(":scope > ul") ? walk(item.querySelector(":scope > ul")) : []]);
      return walk(fieldset.querySelector(":scope > ul"));
    }""")
    frogner_tree = ["Bydel Frogner", []]
    assert tree == [["Oslo politidistrikt", [
        ["Enhet øst", [["Bydel Alna", [["Furuset", []]]],
                       ["Bydel Østensjø", [["Mortensrud/Bjørnerud", []]]]]],
        ["Enhet sentrum", [frogner_tree, ["Bydel Gamle Oslo", [["Grønland og Tøyen", []]]]]],
        ["Enhet vest", [frogner_tree]]]]]
    frogner = areas.get_by_label("Bydel Frogner")
    assert frogner.count() == 2
    frogner.first.check()
    page.wait_for_url("**omrade=Bydel+Frogner**")
    assert frogner.last.is_checked()
    assert page.url.count("Frogner") == 1
    frogner.last.uncheck()
    assert not frogner.first.is_checked()


@pytest.mark.browser
def test_search_page_with_results_has_no_axe_violations(page: Any, served: Served) -> None:
    from axe_playwright_python.sync_playwright import Axe

    search(page, served, "q=m%C3%B8te&tema=Beredskap")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.browser
def test_without_javascript_the_page_explains_and_links_to_browsing(
        browser: Any, served: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served.base + "sok/?q=SaLTo")
    notice = page.locator("main p", has_text="Søket trenger JavaScript")
    assert notice.is_visible()
    assert [a.get_attribute("href") for a in notice.locator("a").all()] == [
        BASE + "temaer/", BASE + "omrader/", BASE + "ar/"]
    assert not page.get_by_label("Søkeord").is_visible()
    context.close()


def test_plain_text_of_a_record_splits_at_tags_and_reads_entities() -> None:
    markup = ('<p>Grøn<em>land</em> &amp; <abbr title="a &gt; b">BER</abbr></p>\n'
              '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>&lt;tag&gt;')
    assert plain_text(markup).split() == ["Grøn", "land", "&", "BER", "[1]", "<tag>"]


def _configured_temporary_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """*folder* made the temporary folder, as ``TMPDIR`` makes it for a whole process."""
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))  # read from TMPDIR once, at first use
    return folder


@pytest.mark.skipif(not SCRATCH.is_dir(), reason="no /dev/shm")
def test_pagefind_works_in_memory_unless_a_temporary_folder_is_configured(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    with scratch(10) as folder:
        assert folder.parent == SCRATCH and folder.is_dir()
    assert not folder.exists()
    configured = _configured_temporary_folder(monkeypatch, tmp_path / "tmp")
    with scratch(10) as folder:
        assert folder.parent == configured
    assert not folder.exists()


@pytest.fixture
def checked_with_temporary_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path
                                  ) -> tuple[Archive, Path]:
    """The example archive, and a temporary folder configured for Pagefind's files."""
    archive, problems = check(Paths(content=copy_fixture("gyldig", tmp_path)),
                              use_cache=False)
    assert archive is not None and not problems
    return archive, _configured_temporary_folder(monkeypatch, tmp_path / "tmp")


def test_a_failing_pagefind_run_leaves_no_temporary_folder(
        monkeypatch: pytest.MonkeyPatch, checked_with_temporary_folder: tuple[Archive, Path]
        ) -> None:
    archive, configured = checked_with_temporary_folder
    monkeypatch.setattr(search_stage, "_pagefind_command",
                        lambda binary, _source, _output: [str(binary), "--ukjent-valg"])
    with pytest.raises(RuntimeError, match=r"Pagefind feilet: .*ukjent-valg"):
        list(bundle(archive, BASE_FOLDER, entries(archive)))
    assert not list(configured.iterdir())


def test_a_bundle_read_in_part_leaves_no_temporary_folder(
        checked_with_temporary_folder: tuple[Archive, Path]) -> None:
    archive, configured = checked_with_temporary_folder
    files = bundle(archive, BASE_FOLDER, entries(archive))
    path, _data, _entry = next(files)
    assert path.startswith("pagefind/grunn/") and [p.name for p in configured.iterdir()]
    files.close()  # the caller stops reading, as an error in writing the site stops it
    assert not list(configured.iterdir())


@pytest.mark.parametrize("record", [
    Record(url="referater/a/", title="Møte om Grønland & <Tøyen>", kind="Referat",
           content='<p>Grøn<em>land</em> &amp; <a>Tøyen</a>-<strong>parken</strong>,</p>\n'
                   '<p>«sitat»&nbsp;her <abbr title="Særlig &gt; b">SLT</abbr>&lt;tag&gt;'
                   '&am<em>p;</em> ord</p>',
           date=dt.date(2024, 3, 1), filters={"tema": ("Bydel Alna",)}),
    Record(url="temaer/x/", title="Oslo sentrum", kind="Tema", content="<p>Kort.</p>",
           weight=0.1),
    Record(url="omrader/y/", title="", kind="Område", content=""),
])
def test_a_records_tokens_are_those_of_its_page(record: Record) -> None:
    page, tokens = record_page(record)
    assert tokens == page_tokens(page)


def test_every_record_of_an_archive_has_the_tokens_of_its_page(tmp_path: Path) -> None:
    archive, problems = check(Paths(content=copy_fixture("gyldig", tmp_path)), use_cache=False)
    assert not problems
    for entry in entries(archive):
        page, tokens = record_page(entry.record(archive))
        assert tokens == page_tokens(page), entry.url


def test_a_record_keeps_its_links_text_but_not_where_they_point(tmp_path: Path) -> None:
    archive, problems = check(Paths(content=copy_fixture("gyldig", tmp_path)), use_cache=False)
    assert not problems
    contents = [document_record(archive, doc).content for doc in archive.documents]
    assert [content for content in contents if "<a>" in content or "<a " in content]
    assert not [content for content in contents if "href=" in content]
