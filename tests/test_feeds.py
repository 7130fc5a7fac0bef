"""Machine outputs of a built fixture site: Atom feeds, iCalendar, open data, sitemap, robots."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import re
import shutil
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any, cast

import icalendar
import pytest
from conftest import FIXTURES, ROOT, built_site, open_data_documents
from lxml import etree
from site_helpers import build

from politiradet import pipeline
from politiradet.common.address import SiteAddress
from politiradet.stages import feeds, render
from politiradet.store import records
from politiradet.store.database import Store
from politiradet.store.parts import Parts
from politiradet.store.records import StoredPayload

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PUBLIC = "https://example.org/politiradet/"
TOPICS = ("salto", "beredskap")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("feeds") / "site", base_url=PUBLIC)


def _page_for(site: Path, url: str) -> Path:
    """The built file an absolute site URL points to."""
    assert url.startswith(PUBLIC), url
    relative = urllib.parse.unquote(url[len(PUBLIC):].split("#", 1)[0])
    return site / relative / "index.html" if relative.endswith("/") or not relative \
        else site / relative


def _rfc3339(value: str) -> dt.datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value), value
    return dt.datetime.fromisoformat(value)


# --- Atom ----------------------------------------------------------------------------------------

def _check_atom(site: Path, path: str) -> etree._Element:
    """The RFC 4287 rules a feed reader relies on; return the parsed feed."""
    feed = etree.parse(str(site / path)).getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_links] == [PUBLIC + path]
    updated = _rfc3339(feed.findtext(f"{ATOM}updated", ""))
    ids = set()
    for entry in feed.findall(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id", "")
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry_id)
        ids.add(entry_id)
        assert entry.findtext(f"{ATOM}title")
        assert _rfc3339(entry.findtext(f"{ATOM}updated", "")) <= updated
        links = [link for link in entry.findall(f"{ATOM}link")
                 if link.get("rel", "alternate") == "alternate"]
        assert len(links) == 1 and _page_for(site, links[0].get("href", "")).is_file()
        assert entry.findtext(f"{ATOM}summary") or entry.find(f"{ATOM}content") is not None
    assert len(ids) == len(feed.findall(f"{ATOM}entry")), "id-ene må være unike"
    return feed


def _titles(feed: etree._Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title", "") for entry in feed.findall(f"{ATOM}entry")]


def test_main_feed_lists_every_published_document_newest_first(site: Path) -> None:
    feed = _check_atom(site, "feed.xml")
    assert _titles(feed) == ["Referat fra møte 14. mai 2025",
                             "Kunnskapsdeling i beredskapsarbeidet",
                             "Politirådsavtale 2023–2025", "Referat fra møte 12. januar 2016"]
    assert "Hemmelig utkast" not in (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "nb"


def test_atom_times_follow_oslo_summer_time(site: Path) -> None:
    """14 May is summer time in Oslo (+02:00); 12 January is not (+01:00)."""
    feed = etree.parse(str(site / "feed.xml")).getroot()
    published = {entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}published")
                 for entry in feed.findall(f"{ATOM}entry")}
    assert published["Referat fra møte 14. mai 2025"] == "2025-05-14T00:00:00+02:00"
    assert published["Referat fra møte 12. januar 2016"] == "2016-01-12T00:00:00+01:00"


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_has_its_own_valid_feed(site: Path, topic: str) -> None:
    """The feed has the documents about the topic (each with its category) and those that
    mention it (with their own categories)."""
    feed = _check_atom(site, f"temaer/{topic}/feed.xml")
    tagged = [entry for entry in feed.findall(f"{ATOM}entry")
              if topic in [c.get("term") for c in entry.findall(f"{ATOM}category")]]
    assert tagged, topic
    page = (site / "temaer" / topic / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" title="Politirådet i Oslo – ' in page
    assert f'href="/politiradet/temaer/{topic}/feed.xml"' in page


def test_area_feeds_include_sub_areas_and_are_announced(site: Path) -> None:
    """Furuset lies in Bydel Alna: the minutes tagged Furuset are in both areas' feeds."""
    for area in ("furuset", "alna"):
        feed = _check_atom(site, f"omrader/{area}/feed.xml")
        assert "Referat fra møte 14. mai 2025" in _titles(feed), area
        page = (site / "omrader" / area / "index.html").read_text(encoding="utf-8")
        assert ('rel="alternate" type="application/atom+xml" title="Politirådet i Oslo – '
                in page and f'href="/politiradet/omrader/{area}/feed.xml"' in page)


def test_an_empty_feed_is_as_new_as_the_archive_not_from_2000(tmp_path: Path) -> None:
    """Atom needs a time even without entries: the archive's newest, never an invented one."""
    areas = (FIXTURES / "gyldig/omrader.yaml").read_text("utf-8") + (
        "\n- slug: enhet-vest\n  navn: Enhet vest\n  nivå: driftsenhet\n"
        "  foreldre: [oslo-politidistrikt]\n  beskrivelse: Driftsenhet uten dokumenter.\n")
    out = built_site(tmp_path, PUBLIC, {"omrader.yaml": areas})
    empty = etree.parse(str(out / "omrader/enhet-vest/feed.xml")).getroot()
    main = etree.parse(str(out / "feed.xml")).getroot()
    assert empty.findall(f"{ATOM}entry") == []
    assert empty.findtext(f"{ATOM}updated") == main.findtext(f"{ATOM}updated")
    assert not empty.findtext(f"{ATOM}updated", "").startswith("2000")


def test_follow_up_point_feed_has_the_point_and_each_status_update(site: Path) -> None:
    feed = _check_atom(site, "oppfolgingspunkter/2025-1/feed.xml")
    assert _titles(feed) == ["Status 14. mai 2025: Kunnskapsdeling i beredskapsarbeidet",
                             "Kunnskapsdeling i beredskapsarbeidet"]
    status = feed.findall(f"{ATOM}entry")[0]
    assert status.findtext(f"{ATOM}summary") == "Beredskapsetaten følger opp."
    link = status.find(f"{ATOM}link").get("href", "")
    assert link.startswith(PUBLIC + "referater/2025-05-14/#")
    page = (site / "oppfolgingspunkter/2025-1/index.html").read_text(encoding="utf-8")
    assert 'href="/politiradet/oppfolgingspunkter/2025-1/feed.xml"' in page


def test_every_page_announces_the_main_feed(site: Path) -> None:
    for page in site.rglob("*.html"):
        assert 'rel="alternate" type="application/atom+xml"' in page.read_text("utf-8"), page


# --- iCalendar -----------------------------------------------------------------------------------

def _events(site: Path) -> list[Any]:
    raw = (site / "kalender.ics").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n"), "linjeskift skal være CRLF"
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "linjer skal brettes ved 75"
    calendar = icalendar.Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    return list(calendar.walk("VEVENT"))


def test_calendar_is_valid_rfc5545(site: Path) -> None:
    events = _events(site)
    uids = [str(event["UID"]) for event in events]
    assert len(uids) == len(set(uids))
    for event in events:
        assert event.get("DTSTAMP") and event.get("SUMMARY")
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert isinstance(start, dt.date) and end > start


def test_calendar_has_meetings_from_minutes_and_planned_dates(site: Path) -> None:
    spans = {(e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"]))
             for e in _events(site)}
    assert spans == {
        (dt.date(2016, 1, 12), dt.date(2016, 1, 13), "Møte i Politirådet i Oslo"),
        (dt.date(2016, 4, 7), dt.date(2016, 4, 9), "Seminar i Politirådet i Oslo"),
        (dt.date(2016, 6, 2), dt.date(2016, 6, 3), "Møte i Politirådet i Oslo"),
        (dt.date(2025, 5, 14), dt.date(2025, 5, 15), "Møte i Politirådet i Oslo"),
    }


def test_calendar_links_meetings_to_their_minutes(site: Path) -> None:
    for event in _events(site):
        assert _page_for(site, str(event["URL"])).is_file()


# --- open data -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def open_data(site: Path) -> list[dict[str, Any]]:
    return open_data_documents(site)


def test_open_data_has_every_published_document_with_metadata(open_data: list[dict[str, Any]],
                                                               site: Path) -> None:
    documents = {d["id"]: d for d in open_data}
    assert set(documents) == {"2025-05-14", "2025-1", "avtale-2023", "2016-01-12"}
    for doc in documents.values():
        assert {"type", "tittel", "dato", "url", "temaer", "omrader", "tekst"} <= set(doc)
        assert _page_for(site, doc["url"]).is_file()
        dt.date.fromisoformat(doc["dato"])
    assert documents["2025-05-14"]["omrader"] == [{"slug": "furuset", "navn": "Furuset"}]
    assert "OPD orienterte om SaLTo" in documents["2025-05-14"]["tekst"]
    assert documents["avtale-2023"]["signatarer"][0]["navn"] == "Ida Melbo Øystese"


def test_open_data_follow_up_points_carry_their_status_history(
        open_data: list[dict[str, Any]]) -> None:
    point = next(d for d in open_data if d["id"] == "2025-1")
    assert point["avsluttet"] is False
    assert point["statusoppdateringer"] == [{
        "dato": "2025-05-14", "dokument": "2025-05-14",
        "url": PUBLIC + "referater/2025-05-14/#status-2025-1",
        "tekst": "Beredskapsetaten følger opp."}]


def test_open_data_is_json_lines_newest_first_with_registries_beside(
        open_data: list[dict[str, Any]], site: Path) -> None:
    """A reader can take the documents line by line: every line is one document's whole JSON
    (JSON Lines), the topics and areas are in registre.json, and the old address says where
    the data went."""
    raw = (site / "data/dokumenter.jsonl").read_bytes()
    assert raw.endswith(b"\n") and b"\n\n" not in raw
    assert [json.loads(line) for line in raw.decode().splitlines()] == open_data
    dates = [d["dato"] for d in open_data if d["dato"]]
    assert dates == sorted(dates, reverse=True)
    registries = json.loads((site / "data/registre.json").read_text("utf-8"))
    assert registries["dokumenter"] == PUBLIC + "data/dokumenter.jsonl"
    assert {t["slug"] for t in registries["temaer"]} == {"salto", "beredskap"}
    moved = json.loads((site / "data/dokumenter.json").read_text("utf-8"))
    assert moved["dokumenter"] == PUBLIC + "data/dokumenter.jsonl" and "tekst" not in moved


def test_open_data_leaves_drafts_out(site: Path) -> None:
    assert "Zyxwvutkastord" not in (site / "data/dokumenter.jsonl").read_text("utf-8")


# --- sitemap, robots, reproducibility --------------------------------------------------------

def test_sitemap_lists_every_page_but_404_with_absolute_urls(site: Path) -> None:
    root = etree.parse(str(site / "sitemap.xml")).getroot()
    locs = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
    assert len(locs) == len(set(locs)) == len(list(site.rglob("*.html"))) - 1
    assert all(_page_for(site, loc).is_file() for loc in locs)
    assert PUBLIC + "404.html" not in locs


def test_robots_points_to_the_sitemap(site: Path) -> None:
    robots = (site / "robots.txt").read_text("utf-8")
    assert "User-agent: *" in robots
    assert f"Sitemap: {PUBLIC}sitemap.xml" in robots


def test_machine_outputs_are_reproducible(site: Path, tmp_path: Path) -> None:
    again = build(tmp_path / "again", base_url=PUBLIC)
    for name in ("feed.xml", "kalender.ics", "data/dokumenter.jsonl", "sitemap.xml"):
        assert (again / name).read_bytes() == (site / name).read_bytes(), name


def test_links_between_pages_use_the_path_of_an_absolute_base_url(site: Path) -> None:
    html = (site / "index.html").read_text("utf-8")
    assert 'href="/politiradet/temaer/"' in html
    assert "example.org" not in html


# --- how many entries a feed carries -------------------------------------------------------------

def test_feeds_carry_the_newest_documents_up_to_the_limit(
        valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "FEED_LIMIT", 2)
    out = tmp_path / "site"
    pipeline.build(pipeline.Paths(content=valid_content, out=out), PUBLIC, use_cache=False)
    assert _titles(_check_atom(out, "feed.xml")) == ["Referat fra møte 14. mai 2025",
                                                     "Kunnskapsdeling i beredskapsarbeidet"]
    for topic in TOPICS:
        assert len(_titles(_check_atom(out, f"temaer/{topic}/feed.xml"))) <= 2


def test_a_feed_changes_when_an_entry_in_it_changes_and_only_then(
        valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "FEED_LIMIT", 2)
    paths = pipeline.Paths(content=valid_content, out=tmp_path / "site")
    pipeline.build(paths, PUBLIC)
    before = (paths.out / "feed.xml").read_bytes()
    old = valid_content / "referater" / "2016-01-12.md"  # not among the two newest
    old.write_text(old.read_text("utf-8").replace("tittel: ", "tittel: Endret ", 1), "utf-8")
    pipeline.build(paths, PUBLIC)
    assert (paths.out / "feed.xml").read_bytes() == before
    new = valid_content / "referater" / "2025-05-14.md"
    new.write_text(new.read_text("utf-8").replace("tittel: ", "tittel: Endret ", 1), "utf-8")
    pipeline.build(paths, PUBLIC)
    assert "Endret " in _titles(_check_atom(paths.out, "feed.xml"))[0]


def test_the_calendar_is_made_again_only_when_a_meeting_changes(
        valid_content: Path, tmp_path: Path) -> None:
    paths = pipeline.Paths(content=valid_content, out=tmp_path / "site")
    pipeline.build(paths, PUBLIC)
    made = (paths.out / "kalender.ics").stat().st_ino
    avtale = next((valid_content / "avtaler").glob("*.md"))
    avtale.write_text(avtale.read_text("utf-8").replace("tittel: ", "tittel: Endret ", 1), "utf-8")
    pipeline.build(paths, PUBLIC)
    assert (paths.out / "kalender.ics").stat().st_ino == made, "linked, not made again"
    referat = valid_content / "referater" / "2016-01-12.md"
    referat.write_text(referat.read_text("utf-8").replace("tittel: ", "tittel: Endret ", 1),
                       "utf-8")
    pipeline.build(paths, PUBLIC)
    assert "Endret" in (paths.out / "kalender.ics").read_text("utf-8")


def test_open_data_reads_each_body_from_the_store_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real archive's points have updates from two referater: their status texts come
    with the referater's own text, not from reading those bodies a second time."""
    archive, problems = pipeline.check(pipeline.Paths(content=ROOT / "content"))
    assert problems == [] and len(archive.reported) >= 2
    reads = _counting_body_reads(monkeypatch)
    data = feeds.open_data(archive, archive.compiled, SiteAddress.parse("/"))
    assert len(reads) == len(archive.documents) and set(reads.values()) == {1}
    updates = [u for line in data.splitlines() for record in [json.loads(line)]
               if record["type"] == "oppfolgingspunkt" for u in record["statusoppdateringer"]]
    assert updates and all(u["tekst"] for u in updates)


def test_a_point_listed_before_the_referat_reporting_on_it_has_its_status_text(
        tmp_path: Path) -> None:
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    point = content / "oppfolgingspunkter" / "2025-1.md"
    point.write_text(point.read_text(encoding="utf-8").replace(
        "dato: 2025-05-14", "dato: 2025-06-01"), encoding="utf-8")
    archive, problems = pipeline.check(pipeline.Paths(content=content))
    assert problems == []
    assert [d.slug for d in archive.documents][:2] == ["2025-1", "2025-05-14"]
    data = feeds.open_data(archive, archive.compiled, SiteAddress.parse("/"))
    first = json.loads(data.splitlines()[0])
    assert [u["tekst"] for u in first["statusoppdateringer"]] == ["Beredskapsetaten følger opp."]


def _counting_body_reads(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    reads: collections.Counter[str] = collections.Counter()
    read = records._read_body

    def counted(database: str, key: str, body_sum: str) -> Any:
        reads[key] += 1
        return read(database, key, body_sum)
    monkeypatch.setattr(records, "_read_body", counted)
    return reads


def _checked_into(content: Path, store: Store) -> Any:
    """The archive of *content*, its records in *store*."""
    archive, problems = pipeline._checked(pipeline.Paths(content=content), pipeline.Timings(),
                                          False, store)
    assert problems == []
    return archive


def test_open_data_makes_only_the_lines_whose_inputs_changed(
        valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each document's line is kept in the store under the key of its inputs: after one
    edited sentence the open data reads one body, and is byte for byte what it would be if
    made whole; a line changes with a status block it quotes, and a damaged line is made
    again."""
    store = Store(valid_content, tmp_path / "lager.sqlite3")
    parts, address = Parts(store), SiteAddress.parse(PUBLIC)
    archive = _checked_into(valid_content, store)
    feeds.open_data(archive, archive.compiled, address, parts)
    referat = valid_content / "referater" / "2025-05-14.md"
    referat.write_text(referat.read_text("utf-8") + "\nEn setning til.\n", "utf-8")
    archive = _checked_into(valid_content, store)
    reads = _counting_body_reads(monkeypatch)
    data = feeds.open_data(archive, archive.compiled, address, parts)
    edited = next(d for d in archive.documents if d.path.endswith("2025-05-14.md"))
    assert list(reads) == [cast(StoredPayload, archive.compiled[edited.path].payload).key]
    assert data == feeds.open_data(archive, archive.compiled, address)
    assert b"En setning til." in data

    text = referat.read_text("utf-8")
    assert "Beredskapsetaten følger opp." in text
    referat.write_text(text.replace("Beredskapsetaten følger opp.", "Etaten følger opp."),
                       "utf-8")
    archive = _checked_into(valid_content, store)
    reads.clear()
    data = feeds.open_data(archive, archive.compiled, address, parts)
    point = json.loads(next(line for line in data.splitlines()
                            if json.loads(line)["id"] == "2025-1"))
    assert [u["tekst"] for u in point["statusoppdateringer"]] == ["Etaten følger opp."]
    assert len(reads) == 2  # the referat and the point quoting its status block

    with contextlib.closing(sqlite3.connect(store.database)) as db, db:
        db.execute("UPDATE parts SET value = CAST('x' AS BLOB) WHERE rowid = 1")
    assert feeds.open_data(archive, archive.compiled, address, parts) == data


def test_the_open_data_is_made_in_pieces_and_nothing_else_is(valid_content: Path) -> None:
    """At 100 000 documents the open data is over a gigabyte: it is written piece by piece,
    never held whole, with the bytes it would have whole."""
    archive, problems = pipeline.check(pipeline.Paths(content=valid_content))
    assert problems == []
    planned = render.plan(archive, pipeline.Paths().templates, PUBLIC)
    [output] = [o for o in planned.feeds if o.path == feeds.OPEN_DATA]
    assert output.chunks is not None and b"".join(output.chunks()) == output.make()
    assert all(o.chunks is None for o in (*planned.feeds, *planned.outputs) if o is not output)


def _feed_keys(content: Path) -> dict[str, str]:
    archive, problems = pipeline.check(pipeline.Paths(content=content))
    assert problems == []
    return {o.path: o.key for o in render.plan(archive, pipeline.Paths().templates, PUBLIC).feeds}


def test_the_registries_file_changes_with_the_registries_only(valid_content: Path) -> None:
    """data/registre.json shows the topics and areas: an edited document does not make it
    again (it was made from the whole archive), a renamed topic does."""
    before = _feed_keys(valid_content)
    referat = valid_content / "referater" / "2025-05-14.md"
    referat.write_text(referat.read_text("utf-8").replace("tittel: ", "tittel: Endret ", 1)
                       + "\nEn setning til.\n", "utf-8")
    edited = _feed_keys(valid_content)
    assert edited[feeds.REGISTRIES] == before[feeds.REGISTRIES]
    assert edited[feeds.OPEN_DATA] != before[feeds.OPEN_DATA]
    topics = valid_content / "temaer.yaml"
    topics.write_text(topics.read_text("utf-8").replace("navn: SaLTo", "navn: SaLTo-samarbeidet"),
                      "utf-8")
    assert _feed_keys(valid_content)[feeds.REGISTRIES] != edited[feeds.REGISTRIES]


def test_a_build_of_the_real_archive_reads_each_body_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its page, its open data line, its search record and the points quoting its status
    blocks: one read of each body from the store per build (91 reads of 12 bodies before the
    status blocks had a part of their own and a build kept what it read)."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "lager"))
    monkeypatch.setenv("POLITIRADET_JOBS", "1")
    paths = pipeline.Paths(content=ROOT / "content", out=tmp_path / "site")
    pipeline.check(paths)  # the records are in the store: the build reads them back
    reads = _counting_body_reads(monkeypatch)
    report = pipeline.build(paths)
    assert report.archive is not None and len(reads) == len(report.archive.documents)
    assert set(reads.values()) == {1}
