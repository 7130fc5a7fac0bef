"""The OParl 1.1 files of a built site, read as an OParl client reads them: from the System
object, following every address, each object checked against the official schema of its type."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from site_helpers import build
from standards import DATE_TIME, oparl_validator
from test_sources import minimal_pdf

from politiradet import pipeline
from politiradet.stages import oparl

PUBLIC = "https://example.test/sti/"
SUB_PATH = "/sti/"
DEFAULT_PUBLIC = "https://www.oslo.kommune.no/sti/"
"""The absolute address of a site built with only a path (:data:`address.DEFAULT_ORIGIN`)."""
CONTENTS = {"gyldig": FIXTURES / "gyldig", "content": ROOT / "content"}


@pytest.fixture(scope="module", params=[(name, base) for name in CONTENTS
                                        for base in (PUBLIC, SUB_PATH)],
                ids=lambda p: f"{p[0]}-{'adresse' if p[1].startswith('http') else 'sti'}")
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Path, str]:
    """A site built with the real CLI, and the absolute address its files are served at."""
    name, base = request.param
    site = build(tmp_path_factory.mktemp("oparl") / "site", base_url=base,
                 content=CONTENTS[name])
    return site, base if base.startswith("http") else DEFAULT_PUBLIC


def served(site: Path, public: str, url: str) -> Path:
    """The built file an absolute address is served from (a folder: its index.html)."""
    assert url.startswith(public), f"{url} ligger ikke under {public}"
    relative = urllib.parse.unquote(url[len(public):].split("#", 1)[0])
    return site / relative / "index.html" if relative.endswith("/") or not relative \
        else site / relative


def read(site: Path, public: str, url: str) -> Any:
    return json.loads(served(site, public, url).read_text(encoding="utf-8"))


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every OParl object in a JSON value, inner ones included."""
    if isinstance(value, dict):
        if str(value.get("type", "")).startswith(oparl.OPARL):
            yield value
        for item in value.values():
            yield from objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from objects(item)


def crawl(site: Path, public: str) -> dict[str, Any]:
    """Every OParl file reachable from the System object, by address."""
    seen: dict[str, Any] = {}
    queue = [public + oparl.SYSTEM]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen[url] = read(site, public, url)
        queue += [ref.split("#", 1)[0] for ref in _strings(seen[url]) if f"/{oparl.ROOT}" in ref]
    return seen


def test_every_file_is_reached_from_the_system_object(built: tuple[Path, str]) -> None:
    site, public = built
    reached = {served(site, public, url) for url in crawl(site, public)}
    assert reached == set((site / "oparl").rglob("*.json"))


def test_every_object_validates_against_the_official_schema(built: tuple[Path, str]) -> None:
    site, public = built
    validators: dict[str, Any] = {}
    checked = 0
    for data in crawl(site, public).values():
        for item in data.get("data", [data]):
            kind = item["type"].removeprefix(oparl.OPARL)
            if kind not in validators:
                validators[kind] = oparl_validator(kind)
            validator = validators[kind]
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                      for e in validator.iter_errors(item)]
            assert not errors, (item["id"], errors)
            checked += 1
    assert checked > 10


def test_every_object_has_its_type_and_times(built: tuple[Path, str]) -> None:
    """What OParl 1.1 demands of every object, checked without the official schemas too:
    a known type, and ``created`` and ``modified`` as ``yyyy-mm-ddThh:mm:ss±hh:mm``."""
    site, public = built
    types = {"System", "Body", "Organization", "Person", "Meeting", "AgendaItem", "Paper",
             "Consultation", "File", "Location", "LegislativeTerm"}
    for data in crawl(site, public).values():
        for item in objects(data):
            assert item["type"].removeprefix(oparl.OPARL) in types, item["id"]
            for key in ("created", "modified", "start", "end"):
                if key in item or key in ("created", "modified"):
                    assert DATE_TIME.fullmatch(item[key]), (item["id"], key)
            assert dt.datetime.fromisoformat(item["modified"]) >= dt.datetime.fromisoformat(
                item["created"]), item["id"]


def test_a_seminar_over_days_ends_on_its_last_day(built: tuple[Path, str]) -> None:
    """``end`` is the last day (``politiradet:sluttdato``) 23:59:59 in Oslo, as /data/ says."""
    site, public = built
    for data in crawl(site, public).values():
        for item in objects(data):
            if "end" in item:
                end = dt.datetime.fromisoformat(item["end"])
                assert end.date().isoformat() == item["politiradet:sluttdato"], item["id"]
                assert end.time() == dt.time(23, 59, 59) and DATE_TIME.fullmatch(item["end"])


def test_every_object_is_served_at_its_id(built: tuple[Path, str]) -> None:
    """An object given inside another is the very object its own address serves."""
    site, public = built
    for data in crawl(site, public).values():
        for item in objects(data):
            assert read(site, public, item["id"]) == item, item["id"]


def test_every_address_resolves(built: tuple[Path, str]) -> None:
    """Every address under the site leads to a built file, and a fragment to its anchor."""
    site, public = built
    for data in crawl(site, public).values():
        for url in _strings(data):
            if not url.startswith(public):
                continue
            path = served(site, public, url)
            assert path.is_file(), url
            if "#" in url:
                anchor = url.split("#", 1)[1]
                assert f'id="{anchor}"' in path.read_text(encoding="utf-8"), url


def test_lists_are_paginated_objects(built: tuple[Path, str]) -> None:
    site, public = built
    body = read(site, public, read(site, public, public + oparl.SYSTEM)["body"])["data"][0]
    for name in oparl.LISTS:
        page = read(site, public, body[name])
        assert set(page) == {"data", "pagination", "links"}, name
        assert page["links"]["self"] == body[name] == page["links"]["first"]
        assert page["pagination"]["totalElements"] == len(page["data"])


def test_only_documented_extensions(built: tuple[Path, str]) -> None:
    site, public = built
    for data in crawl(site, public).values():
        for item in objects(data):
            for key in item:
                assert ":" not in key or key in oparl.EXTENSION, (item["id"], key)


def test_minutes_as_meeting_agenda_consultation_and_paper(tmp_path: Path) -> None:
    site = build(tmp_path / "site", base_url=PUBLIC, content=FIXTURES / "gyldig")
    meeting = read(site, PUBLIC, PUBLIC + "oparl/meeting/2025-05-14.json")
    assert meeting["start"] == "2025-05-14T00:00:00+02:00"
    assert meeting["web"] == PUBLIC + "referater/2025-05-14/"
    assert [(a["number"], a["name"], a["order"]) for a in meeting["agendaItem"]] == [
        ("1", "Dagsorden godkjent", 1), ("2", "Status", 2)]
    status = meeting["agendaItem"][1]
    consultation = read(site, PUBLIC, status["consultation"])
    assert consultation["agendaItem"] == status["id"]
    assert consultation["meeting"] == meeting["id"]
    point = read(site, PUBLIC, consultation["paper"])
    assert point["reference"] == "2025-1" and point["paperType"] == "Oppfølgingspunkt"
    assert point["consultation"] == [consultation]
    assert point["politiradet:status"] == "følges opp"
    assert point["politiradet:vedtatt"] == "2025-01"
    assert point["politiradet:publisert_i"] == meeting["id"]
    assert point["politiradet:statushistorikk"] == [{
        "dato": "2025-05-14", "meeting": meeting["id"], "consultation": consultation["id"],
        "web": PUBLIC + "referater/2025-05-14/#status-2025-1",
        "tekst": "Beredskapsetaten følger opp."}]
    seminar = read(site, PUBLIC, PUBLIC + "oparl/meeting/2016-01-12.json")
    assert "consultation" not in seminar["agendaItem"][0]


def test_place_original_and_participants_of_a_meeting(tmp_path: Path) -> None:
    """``sted`` becomes the meeting's Location and ``kilde.fil`` its results protocol; an
    agreement with only ``kilde.url`` points to the publisher's copy; ``til_stede`` are the
    participants, one Person for the same words in two referater."""
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    (content / "kilder").mkdir()
    (content / "kilder" / "referat.pdf").write_bytes(_pdf())
    minutes = content / "referater" / "2025-05-14.md"
    minutes.write_text(minutes.read_text(encoding="utf-8").replace(
        "kilde:\n", "sted: Rådhuset\ntil_stede: [byrådsleder Anne Lindboe, politimester Ole "
        "Sæverud]\nforfall: [ordfører]\nreferent: rådgiver Siri Dahl\nkilde:\n"
        "  fil: referat.pdf\n"), encoding="utf-8")
    earlier = content / "referater" / "2016-01-12.md"
    earlier.write_text(earlier.read_text(encoding="utf-8").replace(
        "kilde:\n", "til_stede: [politimester Ole Sæverud]\nkilde:\n"), encoding="utf-8")
    agreement = content / "avtaler" / "avtale-2023.md"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace(
        "kilde:\n", "kilde:\n  url: https://www.oslo.kommune.no/avtale.pdf\n  format: PDF\n"),
        encoding="utf-8")
    site = build(tmp_path / "site", base_url=PUBLIC, content=content)
    meeting = read(site, PUBLIC, PUBLIC + "oparl/meeting/2025-05-14.json")
    assert meeting["location"]["description"] == "Rådhuset"
    protocol = meeting["resultsProtocol"]
    assert protocol["accessUrl"] == PUBLIC + "referater/2025-05-14/referat.pdf"
    assert protocol["mimeType"] == "application/pdf" and protocol["size"] == len(_pdf())
    assert served(site, PUBLIC, protocol["accessUrl"]).read_bytes() == _pdf()
    paper = read(site, PUBLIC, PUBLIC + "oparl/paper/avtaler/avtale-2023.json")
    assert paper["mainFile"]["accessUrl"] == "https://www.oslo.kommune.no/avtale.pdf"
    people = [read(site, PUBLIC, url) for url in meeting["participant"]]
    assert [p["name"] for p in people] == ["byrådsleder Anne Lindboe",
                                           "politimester Ole Sæverud"]
    assert people[1]["created"] == "2016-01-12T00:00:00+01:00"
    assert read(site, PUBLIC, PUBLIC + "oparl/meeting/2016-01-12.json")["participant"] == [
        people[1]["id"]]
    listed = read(site, PUBLIC, PUBLIC + oparl.list_path("person"))["data"]
    assert [p["id"] for p in listed] == [people[1]["id"], people[0]["id"]]
    assert meeting["politiradet:forfall"] == ["ordfører"]
    assert meeting["politiradet:referent"] == "rådgiver Siri Dahl"
    assert not list(oparl_validator("Meeting").iter_errors(meeting))
    assert not list(oparl_validator("Person").iter_errors(people[0]))


def test_decisions_and_a_closing_status(tmp_path: Path) -> None:
    """A «::: vedtak» block is its agenda item's resolutionText and one of the meeting's
    politiradet:vedtak; «::: status 2025-1 avsluttet» closes the point in its timeline."""
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    minutes = content / "referater" / "2025-05-14.md"
    minutes.write_text(minutes.read_text(encoding="utf-8").replace(
        "::: status 2025-1\n", "::: vedtak\nPolitirådet avslutter punktet.\n:::\n\n"
        "::: status 2025-1 avsluttet\n"), encoding="utf-8")
    site = build(tmp_path / "site", base_url=PUBLIC, content=content)
    meeting = read(site, PUBLIC, PUBLIC + "oparl/meeting/2025-05-14.json")
    status = meeting["agendaItem"][1]
    assert status["resolutionText"] == "Politirådet avslutter punktet."
    assert "resolutionText" not in meeting["agendaItem"][0]
    assert meeting["politiradet:vedtak"] == [{
        "nummer": 1, "tekst": "Politirådet avslutter punktet.",
        "web": PUBLIC + "referater/2025-05-14/#vedtak-1", "agendaItem": status["id"]}]
    point = read(site, PUBLIC, PUBLIC + "oparl/paper/oppfolgingspunkter/2025-1.json")
    assert point["politiradet:status"] == "avsluttet"
    assert point["politiradet:statushistorikk"][0]["avslutter"] is True
    assert read(site, PUBLIC, status["id"]) == status


def test_long_lists_are_split_into_linked_pages(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oparl, "PAGE_SIZE", 1)
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    pipeline.build(pipeline.Paths(content=content, out=tmp_path / "site"), PUBLIC,
                   use_cache=False)
    site = tmp_path / "site"
    url: str | None = PUBLIC + oparl.list_path("meeting")
    found = []
    while url:
        page = read(site, PUBLIC, url)
        assert page["pagination"]["totalElements"] == 2
        assert page["pagination"]["totalPages"] == 2
        assert len(page["data"]) == 1
        found += [m["id"] for m in page["data"]]
        url = page["links"].get("next")
    assert found == [PUBLIC + "oparl/meeting/2016-01-12.json",
                     PUBLIC + "oparl/meeting/2025-05-14.json"]


def test_an_edit_rewrites_only_the_objects_it_changes(tmp_path: Path) -> None:
    """No object shows the minutes' running text, so a sentence added to one referat and
    changed in another (with a place, a consultation and a point) rewrites no OParl file:
    each object's key covers what it shows (its agenda, decisions and status blocks), not
    the whole body."""
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    reporting = content / "referater" / "2025-05-14.md"
    reporting.write_text(reporting.read_text(encoding="utf-8").replace(
        "kilde:\n", "sted: Rådhuset\nkilde:\n"), encoding="utf-8")
    paths = pipeline.Paths(content=content, out=tmp_path / "site")
    pipeline.build(paths, PUBLIC)
    before = _inodes(paths.out / "oparl")
    assert {"location/2025-05-14.json", "consultation/2025-1/2025-05-14.json",
            "paper/oppfolgingspunkter/2025-1.json"} <= set(before)
    minutes = content / "referater" / "2016-01-12.md"
    minutes.write_text(minutes.read_text(encoding="utf-8") + "\nEn ny setning.\n",
                       encoding="utf-8")
    reporting.write_text(reporting.read_text(encoding="utf-8").replace(
        "OPD orienterte om SaLTo.", "OPD orienterte kort om SaLTo."), encoding="utf-8")
    pipeline.build(paths, PUBLIC)
    page = paths.out / "referater" / "2025-05-14" / "index.html"
    assert "orienterte kort om" in page.read_text(encoding="utf-8")
    after = _inodes(paths.out / "oparl")
    assert {path for path in after if after[path] != before.get(path)} == set()


def test_a_list_page_is_planned_from_its_entries_keys(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """After an edit, a list page whose entry's shortcut key changed is planned in full from
    the keys of its entries' own files, not by building and hashing their objects again (a
    tenth of a second per list page at 10,000 documents), and stays as it was."""
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    paths = pipeline.Paths(content=content, out=tmp_path / "site")
    minutes = content / "referater" / "2016-01-12.md"
    for sentence in ("", "\nEn ny setning.\n"):  # the first edit after a cold build makes
        minutes.write_text(minutes.read_text(encoding="utf-8") + sentence,  # the files the
                           encoding="utf-8")  # cold build keyed by their shortcut keys again
        pipeline.build(paths, PUBLIC)
    before = _inodes(paths.out / "oparl")
    minutes.write_text(minutes.read_text(encoding="utf-8") + "\nEnda en setning.\n",
                       encoding="utf-8")
    built_lists: list[oparl.Ref] = []
    args = oparl.Api.args

    def counted(api: oparl.Api, ref: oparl.Ref) -> tuple[Any, ...]:
        if ref.name == "list_page":
            built_lists.append(ref)
        return args(api, ref)

    monkeypatch.setattr(oparl.Api, "args", counted)
    pipeline.build(paths, PUBLIC)
    assert built_lists == []
    assert _inodes(paths.out / "oparl") == before


def test_a_status_moved_to_another_agenda_item_moves_its_consultation(tmp_path: Path
                                                                      ) -> None:
    """The same status block, now under the first agenda item: its consultation, and the
    agenda items that list it, follow, though the block's text is as it was."""
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    paths = pipeline.Paths(content=content, out=tmp_path / "site")
    pipeline.build(paths, PUBLIC)
    minutes = content / "referater" / "2025-05-14.md"
    text = minutes.read_text(encoding="utf-8")
    block = "::: status 2025-1\nBeredskapsetaten følger opp.\n:::\n"
    minutes.write_text(text.replace(block, "").replace("## 2. Status", block + "\n## 2. Status"),
                       encoding="utf-8")
    pipeline.build(paths, PUBLIC)
    meeting = read(paths.out, PUBLIC, PUBLIC + "oparl/meeting/2025-05-14.json")
    first, status = meeting["agendaItem"]
    consultation = read(paths.out, PUBLIC,
                        PUBLIC + "oparl/consultation/2025-1/2025-05-14.json")
    assert consultation["agendaItem"] == first["id"]
    assert read(paths.out, PUBLIC, first["id"])["consultation"] == consultation["id"]
    assert "consultation" not in read(paths.out, PUBLIC, status["id"])


def test_a_changed_status_reaches_the_point_its_list_and_the_consultation(tmp_path: Path
                                                                          ) -> None:
    """The other way round: what an edit changes is made again wherever it is shown."""
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    paths = pipeline.Paths(content=content, out=tmp_path / "site")
    pipeline.build(paths, PUBLIC)
    minutes = content / "referater" / "2025-05-14.md"
    minutes.write_text(minutes.read_text(encoding="utf-8").replace(
        "Beredskapsetaten følger opp.", "Beredskapsetaten har levert."), encoding="utf-8")
    pipeline.build(paths, PUBLIC)
    site = paths.out
    point = read(site, PUBLIC, PUBLIC + "oparl/paper/oppfolgingspunkter/2025-1.json")
    assert point["politiradet:statushistorikk"][0]["tekst"] == "Beredskapsetaten har levert."
    listed = read(site, PUBLIC, PUBLIC + oparl.list_path("paper"))["data"]
    assert point in listed
    assert "Beredskapsetaten følger opp." not in (site / "oparl").joinpath(
        "body", "politiradet", "paper", "side-1.json").read_text(encoding="utf-8")


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.json")}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _pdf() -> bytes:
    return minimal_pdf("Referat")
