"""Honest dates: nothing shows a date the source does not give; a point's origin is its seminar;
«Sist endret» comes from the content's git history, in one ``git log``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, built_site, open_data_documents, run_cli
from lxml import etree

from politiradet.stages import githistory

ATOM = "{http://www.w3.org/2005/Atom}"
UNDATED = """---
tittel: Samarbeidsdokument uten dato
dato: 2019-01-01
udatert: true
avtaletype: samarbeidsdokument
gyldig_fra: 2019
gyldig_til: 2020
temaer: [salto]
omrader: []
kilde:
  tittel: Samarbeidsdokument
---
Teksten har ingen dato.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("dates"), "https://example.org/a/",
                      {"avtaler/udatert.md": UNDATED})


def _text(path: Path) -> str:
    return " ".join(BeautifulSoup(path.read_text("utf-8"), "html.parser").get_text(" ").split())


def test_undated_agreement_shows_no_date_anywhere(site: Path) -> None:
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".ics"):
            text = path.read_text("utf-8", errors="replace")
            assert "2019-01-01" not in text and "1. januar 2019" not in text, path
    page = _text(site / "avtaler/udatert/index.html")
    assert "Gjelder 2019–2020" in page and "Dato" not in page.split("Gjelder")[0]


def test_undated_agreement_in_oparl_has_no_day_from_its_years(site: Path) -> None:
    """OParl demands ``created``: an undated agreement gets the archive's own, and a period of
    whole years gives no ``startDate``/``endDate``, only the years."""
    system = json.loads((site / "oparl/system.json").read_text("utf-8"))
    paper = json.loads((site / "oparl/paper/avtaler/udatert.json").read_text("utf-8"))
    assert "date" not in paper and paper["politiradet:udatert"] is True
    assert paper["created"] == system["created"] != "2019-01-01T00:00:00+01:00"
    body = json.loads((site / "oparl/body/politiradet.json").read_text("utf-8"))
    for term in body["legislativeTerm"]:
        assert "startDate" not in term and "endDate" not in term, term["id"]
    term = next(t for t in body["legislativeTerm"] if t["web"].endswith("/udatert/"))
    assert (term["politiradet:gyldig_fra"], term["politiradet:gyldig_til"]) == (2019, 2020)
    page = _text(site / "data/index.html")
    assert "Ingen dag lages av et år: en udatert avtale har ingen date" in page


def test_undated_agreement_outside_git_stays_out_of_the_feed(site: Path) -> None:
    titles = [e.findtext(f"{ATOM}title") for e in
              etree.parse(str(site / "feed.xml")).getroot().findall(f"{ATOM}entry")]
    assert "Samarbeidsdokument uten dato" not in titles and titles


def test_undated_agreement_in_open_data_and_json_ld(site: Path) -> None:
    record = next(d for d in open_data_documents(site) if d["id"] == "udatert")
    assert record["dato"] is None and record["udatert"] is True and record["sist_endret"] is None
    soup = BeautifulSoup((site / "avtaler/udatert/index.html").read_text("utf-8"), "html.parser")
    ld = json.loads(soup.find("script", type="application/ld+json").string)
    assert "datePublished" not in ld and ld["temporalCoverage"] == "2019/2020"


def test_undated_agreement_is_listed_under_its_first_year_without_a_day(site: Path) -> None:
    page = _text(site / "ar/2019/index.html")
    assert "Samarbeidsdokument uten dato Samarbeidsdokument · gjelder 2019–2020" in page
    assert "står under året de begynner å gjelde" in page


def test_point_origin_is_the_seminar_and_minutes_where_first_published(site: Path) -> None:
    page = _text(site / "oppfolgingspunkter/2025-1/index.html")
    assert "Vedtatt På seminaret januar 2025" in page
    assert "Først publisert Referat fra møte 14. mai 2025" in page
    year = _text(site / "ar/2025/index.html")
    assert "Oppfølgingspunkter fra seminaret 2025 2025-1 Kunnskapsdeling" in year
    listed = year.split("Oppfølgingspunkter fra seminaret")[0]
    assert "Kunnskapsdeling" not in listed, "punktet står ikke under 14. mai"


def test_minutes_list_their_points_once_with_honest_headings(site: Path) -> None:
    soup = BeautifulSoup((site / "referater/2025-05-14/index.html").read_text("utf-8"),
                         "html.parser")
    aside = soup.find("aside")
    assert aside.get_text().count("Kunnskapsdeling i beredskapsarbeidet") == 1
    headings = [h.get_text() for h in aside.find_all("h2")]
    assert "Oppfølgingspunkter i referatet" in headings and "Omtalt i" not in headings
    item = " ".join(aside.find("li").get_text(" ").split())
    assert "Først publisert her" in item and "Status meldt her" in item


@pytest.mark.parametrize(("written", "expected"), [
    ("2024-01", "«vedtatt» (2024-01) er ikke i seminaråret 2025."),
    ("2025-02-30", "datoen «2025-02-30» i «vedtatt» finnes ikke i kalenderen."),
    ("2025-06", "punktet er vedtatt («vedtatt» 2025-06) etter at det ble publisert"),
])
def test_point_origin_is_checked(tmp_path: Path, written: str, expected: str) -> None:
    content = tmp_path / "c"
    shutil.copytree(FIXTURES / "gyldig", content)
    point = content / "oppfolgingspunkter/2025-1.md"
    point.write_text(point.read_text("utf-8").replace('vedtatt: "2025-01"',
                                                      f'vedtatt: "{written}"'), encoding="utf-8")
    result = run_cli("check", "--content", content)
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert f"oppfolgingspunkter/2025-1.md:6:10: {expected}" in result.err, result.err


# --- «Sist endret» from git ----------------------------------------------------------------

def _git(repo: Path, *args: str, when: str = "2025-06-03T12:00:00+02:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content inside a real git repository, in a sub-folder: put in, one
    document corrected, then an archive-wide edit of many documents (a re-tagging)."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(FIXTURES / "gyldig", root / "innhold")
    for number in range(2, 14):  # enough documents for an archive-wide edit to be one
        shutil.copy(root / "innhold/oppfolgingspunkter/2025-1.md",
                    root / f"innhold/oppfolgingspunkter/2025-{number}.md")
        point = root / f"innhold/oppfolgingspunkter/2025-{number}.md"
        point.write_text(point.read_text("utf-8").replace("nummer: 1", f"nummer: {number}")
                         .replace("publisert_i: ../referater/2025-05-14.md\n", ""),
                         encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "første", when="2025-01-10T09:00:00+01:00")
    referat = root / "innhold/referater/2025-05-14.md"
    referat.write_text(referat.read_text("utf-8") + "\nTillegg.\n", encoding="utf-8")
    _git(root, "commit", "-qam", "rettelse", when="2025-06-02T23:30:00+00:00")
    files = sorted((root / "innhold").rglob("*.md"))
    for half, when in ((files[::2], "2026-11-22T09:00:00+01:00"),
                       (files[1::2], "2026-11-22T14:00:00+01:00")):
        for file in half:  # a re-tagging of everything, in two commits on one day
            file.write_text(file.read_text("utf-8") + "\n", encoding="utf-8")
        _git(root, "commit", "-qam", "halve arkivet", when=when)
    return root


def test_last_changed_counts_only_true_changes_of_one_document(repo: Path) -> None:
    """Putting a document in is no change, nor is an edit of most of the archive at once."""
    changed = githistory.last_changed(repo / "innhold")
    assert changed["referater/2025-05-14.md"].isoformat() == "2025-06-03T01:30:00+02:00"
    assert "referater/2016-01-12.md" not in changed, "bare lagt inn og endret med alle andre"
    assert "oppfolgingspunkter/2025-3.md" not in changed
    assert "temaer.yaml" not in changed


def test_a_small_edit_of_several_documents_is_a_change_of_each() -> None:
    log = "".join(
        f"{githistory.COMMIT_MARK}{stamp}\n" + "".join(f"{name}\0" for name in names)
        for stamp, names in ((1_700_000_000, ["a.md", "b.md", "c.md"]),
                             (1_600_000_000, ["a.md", "b.md", "c.md", "d.md", "e.md"])))
    assert sorted(githistory.parse_log(log)) == ["a.md", "b.md", "c.md"]


def test_no_dates_outside_git(tmp_path: Path) -> None:
    assert githistory.last_changed(tmp_path) == {}


def test_pages_feeds_open_data_and_sitemap_show_the_last_commit(repo: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("build", "--content", repo / "innhold", "--out", out,
                     "--base-url", "https://example.org/")
    assert result.code == 0, result.err
    page = _text(out / "referater/2025-05-14/index.html")
    assert "Sist endret 3. juni 2025" in page  # 23:30 UTC on 2 June is 3 June in Oslo
    record = next(d for d in open_data_documents(out) if d["id"] == "2025-05-14")
    assert record["sist_endret"] == "2025-06-03T01:30:00+02:00"
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert ("<loc>https://example.org/referater/2025-05-14/</loc>"
            "<lastmod>2025-06-03</lastmod>") in sitemap
    assert "<loc>https://example.org/temaer/</loc></url>" in sitemap
    feed = (out / "feed.xml").read_text("utf-8")
    assert "<updated>2025-06-03T01:30:00+02:00</updated>" in feed
    untouched = _text(out / "referater/2016-01-12/index.html")
    assert "Sist endret" not in untouched and "22. november 2026" not in untouched
    assert "2026-11-22" not in feed and "<updated>2016-01-12T00:00:00+01:00</updated>" in feed
    record = next(d for d in open_data_documents(out) if d["id"] == "2016-01-12")
    assert record["sist_endret"] is None
    assert "i arkivets gjengivelse, ikke i originaldokumentet" in page


def test_a_new_commit_date_is_not_hidden_by_the_build_cache(tmp_path: Path) -> None:
    """Amending a commit's date changes no file, yet the page must follow it."""
    shutil.copytree(FIXTURES / "gyldig", tmp_path / "innhold")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "første", when="2025-01-10T09:00:00+01:00")
    referat = tmp_path / "innhold/referater/2016-01-12.md"
    referat.write_text(referat.read_text("utf-8") + "\nRettet.\n", encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "rettelse", when="2025-01-10T09:00:00+01:00")
    out = tmp_path / "site"
    args = ("build", "--content", tmp_path / "innhold", "--out", out)
    assert run_cli(*args).code == 0
    assert "Sist endret 10. januar 2025" in _text(out / "referater/2016-01-12/index.html")
    _git(tmp_path, "commit", "-q", "--amend", "--no-edit", when="2025-08-01T12:00:00+02:00")
    assert run_cli(*args).code == 0
    assert "Sist endret 1. august 2025" in _text(out / "referater/2016-01-12/index.html")



def test_data_page_says_what_the_times_of_a_seminar_over_days_are(site: Path) -> None:
    """The source gives the days, not the hours: /data/ tells a consumer that ``end`` of a
    seminar over days is its last day 23:59:59 (checked on content/ in test_oparl)."""
    page = _text(site / "data/index.html")
    assert "end for et seminar over flere dager er siste dag kl. 23.59.59" in page
