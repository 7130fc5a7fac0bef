"""A warm build (cache present) publishes byte for byte what a cold build publishes.

Pagefind writes its filter files, and the meta file and entry that name them by hash, in a
different byte order on every run even from the same input (checked: two cold builds of the
same content differ there and only there). Those files are compared by name pattern and
count; every other file, the rest of the search bundle included, must be identical.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from politiradet.cache import cache_dir_for
from politiradet.pipeline import Paths, Report, build

NONDETERMINISTIC = re.compile(
    r"^pagefind/(filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)$")


def site(root: Path) -> dict[str, bytes]:
    """Every published file by path, Pagefind's run-dependent files by pattern only."""
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if NONDETERMINISTIC.match(relative):
            relative = re.sub(r"[0-9a-f]{7,}", "#", relative) + f" ({len(files)})"
            files[relative] = b""
        else:
            files[relative] = path.read_bytes()
    return files


def assert_same(a: Path, b: Path) -> None:
    left, right = site(a), site(b)
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert different == []


def cold(content: Path, out: Path, base_url: str = "/") -> Report:
    return build(Paths(content=content, out=out), base_url, use_cache=False)


def warm(content: Path, out: Path, base_url: str = "/") -> Report:
    return build(Paths(content=content, out=out), base_url)


@pytest.fixture
def built(valid_content: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    first = warm(valid_content, out)
    assert not first.cached
    return out


def test_warm_build_is_a_cache_hit_and_identical_to_a_cold_build(
        valid_content: Path, built: Path, tmp_path: Path) -> None:
    report = warm(valid_content, built)
    assert report.cached
    assert report.documents > 0 and report.pages > 0
    cold(valid_content, tmp_path / "kald")
    assert_same(built, tmp_path / "kald")


def test_edited_document_rebuilds_to_what_a_cold_build_gives(
        valid_content: Path, built: Path, tmp_path: Path) -> None:
    document = valid_content / "referater" / "2025-05-14.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEn ny setning om SaLTo.\n",
                        encoding="utf-8")
    report = warm(valid_content, built)
    assert not report.cached
    assert "En ny setning om SaLTo." in (built / "referater/2025-05-14/index.html").read_text()
    cold(valid_content, tmp_path / "kald")
    assert_same(built, tmp_path / "kald")


def test_touched_but_unchanged_document_is_still_a_hit(valid_content: Path, built: Path) -> None:
    document = valid_content / "referater" / "2025-05-14.md"
    document.write_bytes(document.read_bytes())
    assert warm(valid_content, built).cached


def test_changed_output_folder_is_rebuilt(valid_content: Path, built: Path) -> None:
    (built / "index.html").unlink()
    assert not warm(valid_content, built).cached
    assert (built / "index.html").is_file()
    (built / "index.html").write_text("ødelagt")
    assert not warm(valid_content, built).cached
    assert "ødelagt" not in (built / "index.html").read_text()


def test_other_base_url_is_not_served_from_the_cache(valid_content: Path, built: Path) -> None:
    assert not warm(valid_content, built, "/politiradet/").cached
    assert "/politiradet/" in (built / "index.html").read_text()


def test_cache_lives_outside_the_output_folder(built: Path) -> None:
    folder = cache_dir_for(built)
    assert (folder / "state.json").is_file()
    assert not folder.resolve().is_relative_to(built.resolve())


def test_two_cold_builds_differ_only_in_pagefinds_run_dependent_files(
        valid_content: Path, tmp_path: Path) -> None:
    """Documents why those files are compared by pattern: the rest is deterministic."""
    cold(valid_content, tmp_path / "a")
    cold(valid_content, tmp_path / "b")
    assert_same(tmp_path / "a", tmp_path / "b")
