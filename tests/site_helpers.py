"""Helpers for the site tests: build a content folder once and read the result."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import FIXTURES, run_cli

SUB_PATH = "/sub/path/"


def content_under_test() -> Path:
    """The fixture site, or the folder named by POLITIRADET_TEST_CONTENT (e.g. «content»)."""
    chosen = os.environ.get("POLITIRADET_TEST_CONTENT")
    return Path(chosen).resolve() if chosen else FIXTURES / "gyldig"


def build(out: Path, base_url: str = SUB_PATH, content: Path | None = None) -> Path:
    """Build *content* with the real CLI into *out*; fail with the CLI's output otherwise."""
    result = run_cli("build", "--content", content or content_under_test(), "--out", out,
                     "--base-url", base_url)
    assert result.code == 0, result.err + result.out
    return out


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_url(site: Path, file: Path) -> str:
    """Site-relative URL of a built HTML file: «referater/x/» for «referater/x/index.html»."""
    relative = file.relative_to(site).as_posix()
    return relative.removesuffix("index.html")
