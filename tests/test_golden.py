"""Golden output: the fixture site built under a sub-path, compared with checked-in pages; the
same site as the draft preview shows it (``serve --utkast``); and what ``check`` says of a
broken copy of it, in both formats.

A change to what the site shows makes this fail with the diff; when the change is intended,
regenerate with ``POLITIRADET_REGENERATE=1 python -m pytest tests/test_golden.py`` and read
the diff of ``tests/fixtures/golden/`` before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, overlaid, run_cli

from politiradet.pipeline import Paths, build

GOLDEN = FIXTURES / "golden" / "gyldig"
BASE_URL = "/a/b/"
PAGES = (
    "index.html",
    "referater/2025-05-14/index.html",
    "referater/2016-01-12/index.html",
    "avtaler/avtale-2023/index.html",
    "oppfolgingspunkter/2025-1/index.html",
    "temaer/salto/index.html",
    "feed.xml",
    "data/dokumenter.jsonl",
)
DRAFT_PAGES = (
    "referater/utkast/index.html",
    "index.html",
)
REGENERATE = os.environ.get("POLITIRADET_REGENERATE") == "1"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content copied out of the repository (so no git dates reach the pages)."""
    root = tmp_path_factory.mktemp("golden")
    content = root / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    build(Paths(content=content, out=root / "site"), BASE_URL, use_cache=False)
    return root / "site"


@pytest.fixture(scope="module")
def draft_preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site as ``serve --utkast`` builds it: drafts shown, marked as drafts."""
    root = tmp_path_factory.mktemp("golden-utkast")
    content = root / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    build(Paths(content=content, out=root / "site"), "/", use_cache=False, drafts=True)
    return root / "site"


def _compare(built: Path, golden: Path) -> None:
    if REGENERATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, golden)
    assert built.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_page_is_as_checked_in(site: Path, page: str) -> None:
    _compare(site / page, GOLDEN / page)


@pytest.mark.parametrize("page", DRAFT_PAGES)
def test_draft_preview_page_is_as_checked_in(draft_preview: Path, page: str) -> None:
    _compare(draft_preview / page, FIXTURES / "golden" / "utkast" / page)


@pytest.mark.parametrize("form", ["text", "github"])
def test_check_of_a_broken_site_says_exactly_this(tmp_path: Path, form: str) -> None:
    """Several broken files at once (``golden/feil/innhold`` over ``gyldig``): every problem,
    in file order, and the closing count."""
    overlaid(FIXTURES / "golden" / "feil" / "innhold", tmp_path).rename(tmp_path / "innhold")
    result = run_cli("check", "--content", "innhold", "--format", form, cwd=tmp_path)
    assert result.code == 1, result.err
    built = tmp_path / "check.txt"
    built.write_text(result.err, encoding="utf-8")
    _compare(built, FIXTURES / "golden" / "feil" / f"check-{form}.txt")
