"""The council dimension: one archive, several police councils (``politirad``).

A referat without ``politirad`` is from the archive's own council (the first in
``content/politirad.yaml``), so an archive of one council builds as it always did (the golden
output is the judge of that); one meeting has one referat per council.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import built_site, copy_fixture, open_data_documents

from politiradet.pipeline import Paths, check

COUNCILS = """\
- slug: oslo
  navn: Politirådet i Oslo
- slug: bergen
  navn: Politirådet i Bergen
"""


def referat(date: str, council: str | None, title: str) -> str:
    """A small valid referat of a *council* (None: without the key) on *date*."""
    key = f"politirad: {council}\n" if council else ""
    return (f"---\ntittel: {title}\ndato: {date}\nmotetype: møte\n{key}temaer: [salto]\n"
            f"omrader: []\nkilde:\n  tittel: {title}\n---\n## 1. Dagsorden\n\nGodkjent.\n")


def test_two_councils_meet_on_one_day_and_each_has_one_referat_of_a_meeting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    content = copy_fixture("gyldig", tmp_path)
    (content / "politirad.yaml").write_text(COUNCILS, encoding="utf-8")
    (content / "referater/2025-05-14-bergen.md").write_text(
        referat("2025-05-14", "bergen", "Møte i Bergen"), encoding="utf-8")
    _archive, problems = check(Paths(content=content), use_cache=False)
    assert problems == [], "Oslo (without the key) and Bergen met on 14 May: two meetings"

    (content / "referater/2025-05-14-oslo.md").write_text(
        referat("2025-05-14", "oslo", "Møte i Oslo, skrevet inn på nytt"), encoding="utf-8")
    _archive, problems = check(Paths(content=content), use_cache=False)
    fix = ("Ett møte har ett referat: flytt det som mangler inn i det ene og slett det andre, "
           "eller rett «dato», «motetype» eller «politirad» i det som er feil.")
    assert [(p.path, p.line, p.message) for p in sorted(problems)] == [
        ("gyldig/referater/2025-05-14-oslo.md", 3, "gyldig/referater/2025-05-14.md er også et "
         f"referat fra møte 2025-05-14 i Politirådet i Oslo. {fix}"),
        ("gyldig/referater/2025-05-14.md", 3, "gyldig/referater/2025-05-14-oslo.md er også et "
         f"referat fra møte 2025-05-14 i Politirådet i Oslo. {fix}")], \
        "a referat without the key is from the archive's own council, the first in the registry"


def _page(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"referater/{slug}/index.html").read_text("utf-8"),
                         "html.parser")


def _facts(page: BeautifulSoup) -> dict[str, str]:
    facts = page.select_one("dl.facts")
    assert facts is not None
    return {dt.get_text(strip=True): dd.get_text(strip=True)
            for dt, dd in zip(facts.find_all("dt"), facts.find_all("dd"), strict=True)}


def test_a_referat_names_its_council_on_its_page_and_in_open_data_when_there_are_several(
        tmp_path: Path) -> None:
    site = built_site(tmp_path, extra={
        "politirad.yaml": COUNCILS,
        "referater/2020-03-03-bergen.md": referat("2020-03-03", "bergen", "Møte i Bergen")})
    bergen, oslo = _page(site, "2020-03-03-bergen"), _page(site, "2025-05-14")
    assert _facts(bergen)["Politiråd"] == "Politirådet i Bergen"
    assert _facts(oslo)["Politiråd"] == "Politirådet i Oslo"
    description = bergen.find("meta", attrs={"name": "description"})
    assert description is not None and "fra Politirådet i Bergen" in str(description["content"])
    assert not bergen.select(".pager__link"), "the next meeting is Bergen's, and there is none"
    previous = oslo.select_one(".pager__link--prev")
    assert previous is not None and previous["href"] == "/referater/2016-01-12/", \
        "Oslo's previous meeting is Oslo's, not Bergen's of 2020 in between"
    councils = {d["id"]: d.get("politirad") for d in open_data_documents(site)}
    assert councils["2020-03-03-bergen"] == {"slug": "bergen", "navn": "Politirådet i Bergen"}
    assert councils["2025-05-14"] == {"slug": "oslo", "navn": "Politirådet i Oslo"}
    assert councils["avtale-2023"] is None, "only referater are of a council"


def test_an_archive_of_one_council_does_not_name_it(tmp_path: Path) -> None:
    site = built_site(tmp_path, extra={"politirad.yaml": COUNCILS.split("- slug: bergen")[0]})
    assert "Politiråd" not in _facts(_page(site, "2025-05-14"))
    assert all("politirad" not in d for d in open_data_documents(site))


def test_the_calendar_names_each_meeting_s_council_and_keeps_their_events_apart(
        tmp_path: Path) -> None:
    import icalendar

    planned = "planlagte_moter:\n  - {dato: 2016-06-02, motetype: møte}\n"
    site = built_site(tmp_path, extra={
        "politirad.yaml": COUNCILS,
        "referater/2016-01-12-bergen.md": referat("2016-01-12", "bergen", "Møte i Bergen")
        .replace("omrader: []\n", "omrader: []\n" + planned)})
    events = icalendar.Calendar.from_ical((site / "kalender.ics").read_bytes()).walk("VEVENT")
    summaries = {(str(e["dtstart"].dt), str(e["url"]).rsplit("/referater/", 1)[-1]):
                 str(e["summary"]) for e in events}
    assert summaries[("2016-01-12", "2016-01-12-bergen/")] == "Møte i Politirådet i Bergen"
    assert summaries[("2016-01-12", "2016-01-12/")] == "Møte i Politirådet i Oslo"
    assert summaries[("2016-06-02", "2016-01-12-bergen/")] == "Møte i Politirådet i Bergen"
    assert summaries[("2016-06-02", "2016-01-12/")] == "Møte i Politirådet i Oslo"
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids)), "two councils' meetings on one day are two events"
