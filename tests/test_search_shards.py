"""The search index in shards: each span of dates its own Pagefind bundle, merged in Chromium.

One site is built in-process with shards of at most four records (the real limit is
search.MAX_SHARD_RECORDS), from the valid fixture plus four referater a year 2018–2024, under
the sub-path /sub/path/. Date order, filter counts, «Vis flere treff» and links under the
sub-path must hold across shards; an edit re-indexes only the shard of the edited document.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, Served, serve_folder

from politiradet.pipeline import Paths, build
from politiradet.stages import search
from politiradet.stages.search import Entry, Record

BASE = "/sub/path/"
LIMIT = 4
YEARS = range(2018, 2025)
MONTHS = (2, 5, 8, 11)


def minutes(day: dt.date) -> str:
    return f"""\
---
tittel: Referat fra rådsmøte {day.isoformat()}
dato: {day.isoformat()}
motetype: møte
temaer: [salto]
omrader: []
kilde:
  tittel: Referat {day.isoformat()}
---
Rådet gikk gjennom kvartalsrapporten for {day.year} og trygghet i sentrum.
"""


SYNTHETIC = {dt.date(year, month, 3 + year % 7): f"referater/{year}-{month:02d}-0{3 + year % 7}.md"
             for year in YEARS for month in MONTHS}
FIXTURE_REFERATER = {dt.date(2025, 5, 14): "referater/2025-05-14/",
                     dt.date(2016, 1, 12): "referater/2016-01-12/"}


def referater_newest_first() -> list[str]:
    dated = {day: name.removesuffix(".md") + "/" for day, name in SYNTHETIC.items()}
    dated |= FIXTURE_REFERATER
    return [BASE + dated[day] for day in sorted(dated, reverse=True)]


def make_content(root: Path) -> Path:
    content = root / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    for day, name in SYNTHETIC.items():
        (content / name).write_text(minutes(day), encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("delindekser")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "MAX_SHARD_RECORDS", LIMIT)
        build(Paths(content=make_content(root), out=root / "site"), BASE, use_cache=False)
    return root / "site"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    with serve_folder(site, BASE) as server:
        yield server


def shard_urls(site: Path) -> dict[str, list[str]]:
    """Shard name -> URLs of the records in its bundle."""
    found: dict[str, list[str]] = {}
    for path in sorted((site / "pagefind").glob("*/fragment/*.pf_fragment")):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found.setdefault(path.parent.parent.name, []).append(data["url"])
    return found


# --- the plan ----------------------------------------------------------------------------

def record(day: str | None) -> Entry:
    date = dt.date.fromisoformat(day) if day else None
    return Entry.of(Record(url=f"r/{day}/", title="t", kind="Referat", content="", date=date))


@pytest.mark.parametrize(("days", "limit", "names"), [
    ([], 4, []),
    (["2024-01-01", None, "1999-05-05"], 4, ["alle"]),
    (["2011-01-01", "2012-01-01", "2024-03-01", "2024-04-01", None], 3,
     ["2020-2029", "2010-2019", "udatert"]),
    (["2021-01-01", "2021-02-01", "2022-01-01", "2019-09-09"], 2,
     ["2022", "2021", "2010-2019"]),
    (["2023-01-01", "2023-01-02", "2023-05-01", "2022-01-01"], 1,
     ["2023-k2", "2023-01", "2022"]),
    (["2023-01-01", "2023-02-02", "2023-05-01", "2023-11-01", "2023-12-01"], 2,
     ["2023-h2", "2023-k2", "2023-k1"]),
    (["2023-01-01", "2023-07-02", "2023-08-01", "2023-12-01"], 2,
     ["2023-k4", "2023-k3", "2023-h1"]),
    (["2023-01-01", "2023-02-02", "2023-03-01", "2023-05-01"], 1,
     ["2023-k2", "2023-03", "2023-02", "2023-01"]),
])
def test_shards_are_calendar_spans_newest_first_undated_last(
        days: list[str | None], limit: int, names: list[str]) -> None:
    shards = search.plan([record(day) for day in days], limit)
    assert [shard.name for shard in shards] == names
    assert sorted(r.url for shard in shards for r in shard.entries) == sorted(
        record(day).url for day in days)


def test_a_shards_key_changes_with_its_records_only() -> None:
    days = ["2021-01-01", "2021-02-01", "2022-01-01", "2019-09-09"]
    before = {s.name: s.key for s in search.plan([record(d) for d in days], 2)}
    edited = [record(d) for d in days[:2]] + [
        Entry.of(Record(url="r/2022-01-01/", title="endret", kind="Referat", content="",
                        date=dt.date(2022, 1, 1))), record(days[3])]
    after = {s.name: s.key for s in search.plan(edited, 2)}
    assert [name for name in before if before[name] != after[name]] == ["2022"]


# --- the built site ----------------------------------------------------------------------

def test_every_record_is_in_exactly_one_shard_of_its_span(site: Path) -> None:
    manifest = json.loads((site / "pagefind" / "sok.json").read_text(encoding="utf-8"))
    shards = shard_urls(site)
    assert set(manifest["delindekser"]) == set(shards)
    assert manifest["delindekser"][0] == "2025" and manifest["delindekser"][-1] == "udatert"
    assert {"2016", "2018", "2019", "2023-h1", "2023-h2"} <= set(shards)
    urls = [url for found in shards.values() for url in found]
    assert len(urls) == len(set(urls))
    assert set(shards["2019"]) == {url.removeprefix(BASE[:-1]) for url in referater_newest_first()
                                   if "/2019-" in url}
    assert all(len(found) <= LIMIT for name, found in shards.items() if name != "udatert")


def search_page(page: Any, served: Served, query: str) -> list[str]:
    page.goto(served.base + "sok/?" + query)
    page.locator("#sok-status", has_text="treff").wait_for()
    return hrefs(page)


def hrefs(page: Any) -> list[str]:
    return [str(a.get_attribute("href")) for a in page.locator(".search-result a").all()]


@pytest.mark.browser
def test_browsing_a_type_lists_it_newest_first_across_shards_and_vis_flere_treff(
        page: Any, served: Served) -> None:
    expected = referater_newest_first()
    assert len(expected) > 20
    first = search_page(page, served, "type=Referat")
    assert page.locator("#sok-status").inner_text() == (
        f"{len(expected)} treff med valgte filtre.")
    assert first == expected[:20]
    page.get_by_role("button", name="Vis flere treff").click()
    page.locator(".search-result").nth(len(expected) - 1).wait_for()
    assert hrefs(page) == expected
    assert page.get_by_role("button", name="Vis flere treff").is_hidden()
    assert page.errors == []


@pytest.mark.browser
def test_a_query_sorted_newest_first_is_in_date_order_across_shards(
        page: Any, served: Served) -> None:
    found = search_page(page, served, "q=kvartalsrapporten&sortering=nyeste")
    expected = [url for url in referater_newest_first() if "/2016-" not in url
                and "/2025-" not in url]
    assert found == expected[:20]


@pytest.mark.browser
def test_relevance_results_come_from_every_shard_with_links_under_the_sub_path(
        page: Any, served: Served) -> None:
    found = search_page(page, served, "q=kvartalsrapporten")
    assert page.locator("#sok-status").inner_text() == "28 treff for «kvartalsrapporten»."
    assert all(url.startswith(BASE + "referater/") for url in found)
    page.get_by_role("button", name="Vis flere treff").click()
    page.locator(".search-result").nth(27).wait_for()
    assert sorted(hrefs(page)) == sorted(u for u in referater_newest_first()
                                         if "/2016-" not in u and "/2025-" not in u)


@pytest.mark.browser
def test_filter_counts_add_up_across_shards_and_a_filter_narrows_across_them(
        page: Any, served: Served) -> None:
    search_page(page, served, "q=kvartalsrapporten")
    for year in YEARS:
        assert page.get_by_label(f"{year} ({len(MONTHS)})").count() == 1
    assert page.get_by_label("SaLTo (28)").count() == 1
    found = search_page(page, served, "q=kvartalsrapporten&ar=2019&ar=2023")
    assert sorted(found) == sorted(u for u in referater_newest_first()
                                   if "/2019-" in u or "/2023-" in u)


# --- an edit re-indexes one shard --------------------------------------------------------

def inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino
            for p in (site / "pagefind").rglob("*") if p.is_file()}


def test_an_edit_re_indexes_only_the_shard_of_the_edited_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "MAX_SHARD_RECORDS", LIMIT)
    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "buffer"))
    paths = Paths(content=make_content(tmp_path), out=tmp_path / "site")
    build(paths, BASE)
    before = inodes(paths.out)
    day = dt.date(2019, 5, 3 + 2019 % 7)
    (paths.content / SYNTHETIC[day]).write_text(
        minutes(day) + "\nEt nytt avsnitt om Zyxendring.\n", encoding="utf-8")
    build(paths, BASE)
    after = inodes(paths.out)
    changed = {path.split("/")[1] for path in after if before.get(path) != after[path]}
    assert changed == {"2019", "sok.json"}
    assert any("Zyxendring" in json.dumps(fragment) for fragment in fragments(paths.out, "2019"))


def fragments(site: Path, shard: str) -> list[dict[str, Any]]:
    return [json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd"))
            for p in (site / "pagefind" / shard / "fragment").glob("*.pf_fragment")]


def test_no_stray_files_beside_the_shards(site: Path) -> None:
    assert sorted(os.listdir(site / "pagefind"))[-1] == "udatert"
    assert {p.name for p in (site / "pagefind").iterdir() if p.is_file()} == {"sok.json"}
