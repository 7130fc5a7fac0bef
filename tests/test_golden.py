"""Golden output: the fixture site built under a sub-path, compared with checked-in pages.

A change to what the site shows makes this fail with the diff; when the change is intended,
regenerate with ``POLITIRADET_REGENERATE=1 python -m pytest tests/test_golden.py`` and read
the diff of ``tests/fixtures/golden/`` before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

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
    "data/dokumenter.json",
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


@pytest.mark.parametrize("page", PAGES)
def test_page_is_as_checked_in(site: Path, page: str) -> None:
    built, golden = site / page, GOLDEN / page
    if REGENERATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, golden)
    assert built.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")
