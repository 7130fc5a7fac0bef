"""`build.py build`: sub-path URLs, drafts, summary, and all-or-nothing publishing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build_fixture, run_cli

BASE = "/some/sub/path/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, result = build_fixture(tmp_path_factory.mktemp("bygg"), BASE)
    assert result.code == 0, result.err
    return out


def _html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_summary_reports_documents_pages_and_time(valid_content: Path, tmp_path: Path) -> None:
    result = run_cli("build", "--content", valid_content, "--out", tmp_path / "s", cwd=tmp_path)
    assert result.code == 0
    assert re.search(r"Bygget 4 dokumenter \(1 utkast ikke publisert\) til \d+ sider .* "
                     r"på \d+\.\d+ s", result.out), result.out


@pytest.mark.parametrize(("base_url", "said"), [
    ("/sti/", "Strømmer, nettstedskart, kalender og åpne data peker til "
              "https://www.oslo.kommune.no/sti/ (https://www.oslo.kommune.no er standardverten "
              "fordi --base-url bare er en sti). Bygger du en test- eller kopiversjon, gi hele "
              "adressen, for eksempel --base-url https://test.example.no/sti/"),
    ("https://test.example.no/sti/", "Strømmer, nettstedskart, kalender og åpne data peker "
                                     "til https://test.example.no/sti/."),
])
def test_build_says_once_which_absolute_address_machine_outputs_use(
        valid_content: Path, tmp_path: Path, base_url: str, said: str) -> None:
    out = tmp_path / "s"
    result = run_cli("build", "--content", valid_content, "--out", out, "--base-url", base_url)
    assert result.code == 0, result.err
    assert result.out.count("peker til") == 1 and said in result.out, result.out
    absolute = said.split("peker til ")[1].split(" ")[0].rstrip(".")
    assert f"<loc>{absolute}" in (out / "sitemap.xml").read_text("utf-8")


def test_every_internal_url_honours_the_base_url(built: Path) -> None:
    for page in _html_files(built):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("form", "action")):
            for element in soup.find_all(tag):
                value = element.get(attr)
                if not value or value.startswith(("#", "http:", "https:", "mailto:")):
                    continue
                assert value.startswith(BASE), f"{page}: {tag} {attr}={value}"


def test_markdown_links_become_site_urls(built: Path) -> None:
    html = (built / "referater/2025-05-14/index.html").read_text(encoding="utf-8")
    assert f'href="{BASE}referater/2016-01-12/"' in html
    assert f'href="{BASE}oppfolgingspunkter/2025-1/"' in html
    assert ".md" not in re.sub(r"<[^>]*data-pagefind[^>]*>", "", html).split("</main>")[0]


def test_follow_up_point_shows_dated_status_linking_back(built: Path) -> None:
    html = (built / "oppfolgingspunkter/2025-1/index.html").read_text(encoding="utf-8")
    assert "14. mai 2025" in html
    assert "Beredskapsetaten følger opp." in html
    assert f'{BASE}referater/2025-05-14/#status-2025-1' in html


def test_area_page_lists_documents_of_sub_areas(built: Path) -> None:
    html = (built / "omrader/enhet-ost/index.html").read_text(encoding="utf-8")
    assert "Referat fra møte 14. mai 2025" in html  # tagged with Furuset, below Enhet øst


def test_draft_appears_nowhere(built: Path) -> None:
    assert not (built / "referater/utkast").exists()
    for path in built.rglob("*"):
        if path.is_file() and "pagefind" not in path.parts:
            data = path.read_bytes()
            assert b"Zyxwvutkastord" not in data and b"referater/utkast" not in data, path


def test_failed_build_leaves_previous_site_untouched(valid_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("build", "--content", valid_content, "--out", out).code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    referat = valid_content / "referater/2025-05-14.md"
    referat.write_text(referat.read_text(encoding="utf-8").replace("møte\n", "mote\n", 1),
                       encoding="utf-8")
    result = run_cli("build", "--content", valid_content, "--out", out)
    assert result.code == 1 and "Ingenting ble publisert" in result.err
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")]
    assert leftovers == [], "a failed build must not leave a half-built folder behind"


def test_rebuild_replaces_the_site(valid_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_cli("build", "--content", valid_content, "--out", out).code == 0
    (out / "gammel.txt").write_text("fra forrige bygg", encoding="utf-8")
    (valid_content / "avtaler/avtale-2023.md").unlink()
    assert run_cli("build", "--content", valid_content, "--out", out).code == 0
    assert not (out / "gammel.txt").exists()
    assert not (out / "avtaler/avtale-2023").exists()
    assert (out / "index.html").exists()


def test_output_inside_content_is_a_usage_error(valid_content: Path) -> None:
    result = run_cli("build", "--content", valid_content, "--out", valid_content)
    assert result.code == 2
