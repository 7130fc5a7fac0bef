"""Upcoming meetings, relative to the build date (SOURCE_DATE_EPOCH), on the home page and their
own page, with the calendar link."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT

from politiradet.common import norsk
from politiradet.model.content import Document
from politiradet.model.meetings import schedule, upcoming


def _epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(day + "T12:00:00+02:00").timestamp()))


def _build(tmp_path: Path, day: str) -> Path:
    out = tmp_path / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": _epoch(day)}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content",
                           str(FIXTURES / "gyldig"), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


def _main_text(path: Path) -> str:
    main = BeautifulSoup(path.read_text("utf-8"), "html.parser").find("main")
    return " ".join(main.get_text(" ").split())


@pytest.mark.parametrize(("day", "shown", "hidden"), [
    ("2016-03-01", ["7.–8. april 2016 : Seminar", "2. juni 2016 : Møte"], []),
    ("2016-04-08", ["7.–8. april 2016 : Seminar"], []),  # still on its last day
    ("2016-04-09", ["2. juni 2016 : Møte"], ["Seminar"]),
])
def test_upcoming_meetings_follow_the_build_date(tmp_path: Path, day: str, shown: list[str],
                                                 hidden: list[str]) -> None:
    site = _build(tmp_path, day)
    for page in (site / "moter/index.html", site / "index.html"):
        text = _main_text(page)
        for item in shown:
            assert item in text, (page, text)
        upcoming_part = text.split("Kommende møter", 1)[1]
        for item in hidden:
            assert item not in upcoming_part.split("Finn dokumenter")[0], page
    home = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    links = [a["href"] for a in home.select("[aria-labelledby=kommende-heading] a")]
    assert "/moter/" in links and "/kalender.ics" in links
    meeting_page = (site / "moter/index.html").read_text("utf-8")
    assert 'href="/kalender.ics"' in meeting_page
    assert "Fastsatt i" in meeting_page


def test_without_upcoming_meetings_the_pages_say_so(tmp_path: Path) -> None:
    site = _build(tmp_path, "2030-01-01")
    assert "Ingen kommende møter er fastsatt" in _main_text(site / "moter/index.html")
    assert "Ingen kommende møter er fastsatt" in _main_text(site / "index.html")


def test_same_build_date_gives_the_same_bytes(tmp_path: Path) -> None:
    first = _build(tmp_path / "a", "2016-03-01")
    second = _build(tmp_path / "b", "2016-03-01")
    assert (first / "index.html").read_bytes() == (second / "index.html").read_bytes()


def test_build_date_is_today_in_oslo_or_source_date_epoch() -> None:
    assert norsk.build_date({"SOURCE_DATE_EPOCH": "1747259999"}) == dt.date(2025, 5, 14)
    assert norsk.build_date({"SOURCE_DATE_EPOCH": "1747260000"}) == dt.date(2025, 5, 15)
    assert norsk.build_date({"SOURCE_DATE_EPOCH": "tull"}) == dt.datetime.now(norsk.OSLO).date()


def _referat(slug: str, day: str, planned: list[dict[str, str]]) -> Document:
    return Document(kind="referat", slug=slug, path=f"referater/{slug}.md", source="", title=slug,
                    date=dt.date.fromisoformat(day), topics=(), areas=(), draft=False,
                    fields={"motetype": "møte", "planlagte_moter": planned}, body="",
                    body_line=1)


def test_a_planned_meeting_that_was_held_is_listed_once_as_held() -> None:
    first = _referat("a", "2025-01-10", [{"dato": "2025-03-01", "motetype": "møte"},
                                         {"dato": "2025-06-01", "motetype": "møte"}])
    held = _referat("b", "2025-03-01", [])
    meetings = schedule([held, first])
    assert [(m.start.isoformat(), m.held, m.source.slug) for m in meetings] == [
        ("2025-01-10", True, "a"), ("2025-03-01", True, "b"), ("2025-06-01", False, "a")]
    assert [m.start.isoformat() for m in upcoming(meetings, dt.date(2025, 3, 2))] == [
        "2025-06-01"]


def test_two_referater_of_one_day_are_both_listed_as_in_the_calendar() -> None:
    first, second = _referat("a", "2025-03-01", []), _referat("b", "2025-03-01", [])
    assert [m.source.slug for m in schedule([second, first])] == ["a", "b"]
