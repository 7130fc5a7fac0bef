"""A build reads what changed: a content file whose stat the build store knows, and whose bytes
validated before, is not read; its body is read only when its compiled record must be made,
and then once. Whatever the build does not read, the site is still what a cold build gives."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_incremental import IncrementalBuilds, site
from test_store import _same_size_edit_mtime_put_back, own_cache, sql  # noqa: F401 (fixture)

from politiradet.pipeline import Paths, build, check
from politiradet.stages import load, sourcefile
from politiradet.stages.frontmatter import decode, split
from politiradet.stages.load import Unread
from politiradet.store import site as site_store
from politiradet.store.database import sha256

DOCUMENT = "referater/2016-01-12.md"
OTHER = "referater/2025-05-14.md"


@pytest.fixture(autouse=True)
def trusted_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's stat is trusted as soon as it is taken (the files here were just written;
    the store would otherwise hash them again for being changed in the last seconds)."""
    monkeypatch.setattr(site_store, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Content path -> how many times a build opened and read the file."""
    counted: Counter[str] = Counter()
    original = sourcefile.read

    def read(root: Path, path: Path, limit: int = sourcefile.MAX_FILE_BYTES) -> bytes:
        counted[Path(path).name if Path(path).suffix != ".md"
                else Path(path).parent.name + "/" + Path(path).name] += 1
        return original(root, path, limit)
    monkeypatch.setattr(sourcefile, "read", read)
    monkeypatch.setattr(load, "read", read)
    yield counted


def _documents(counted: Counter[str]) -> dict[str, int]:
    return {path: times for path, times in counted.items() if path.endswith(".md")}


def cold(content: Path, out: Path) -> dict[str, bytes]:
    build(Paths(content=content, out=out), use_cache=False)
    return site(out)


def test_an_edit_reads_the_edited_file_and_no_other(valid_content: Path, tmp_path: Path,
                                                    reads: Counter[str]) -> None:
    out = tmp_path / "site"
    build(Paths(content=valid_content, out=out))
    document = valid_content / DOCUMENT
    document.write_text(document.read_text(encoding="utf-8") + "\nEndret.\n", encoding="utf-8")
    reads.clear()
    build(Paths(content=valid_content, out=out))
    assert _documents(reads) == {DOCUMENT: 2}  # hashed for the build's key, then parsed
    assert site(out) == cold(valid_content, tmp_path / "kald")


def test_nothing_changed_reads_no_document(valid_content: Path, tmp_path: Path,
                                           reads: Counter[str]) -> None:
    out = tmp_path / "site"
    build(Paths(content=valid_content, out=out))
    reads.clear()
    assert build(Paths(content=valid_content, out=out)).cached
    assert _documents(reads) == {}
    assert check(Paths(content=valid_content))[1] == []
    assert _documents(reads) == {}


def test_check_reads_only_what_changed(valid_content: Path, reads: Counter[str]) -> None:
    paths = Paths(content=valid_content)
    assert check(paths)[1] == []
    reads.clear()
    assert check(paths)[1] == []
    assert _documents(reads) == {}


def test_a_same_size_edit_with_its_mtime_put_back_is_read(valid_content: Path, tmp_path: Path,
                                                          reads: Counter[str]) -> None:
    """The change time gives it away (it cannot be put back)."""
    out = tmp_path / "site"
    build(Paths(content=valid_content, out=out))
    document = valid_content / DOCUMENT
    _same_size_edit_mtime_put_back(document)
    reads.clear()
    assert not build(Paths(content=valid_content, out=out)).cached
    assert _documents(reads) == {DOCUMENT: 2}
    assert site(out) == cold(valid_content, tmp_path / "kald")


def test_a_lost_record_is_compiled_from_the_file_read_once(valid_content: Path, tmp_path: Path,
                                                           reads: Counter[str]) -> None:
    """The records are gone from the store, but the documents and the files' stats are not:
    each body is read when its record is made, once, and gives what it gives cold."""
    out = tmp_path / "site"
    build(Paths(content=valid_content, out=out))
    sql(valid_content, "DELETE FROM records", "DELETE FROM bodies", "DELETE FROM statuses")
    document = valid_content / DOCUMENT
    document.write_text(document.read_text(encoding="utf-8") + "\nEndret.\n", encoding="utf-8")
    reads.clear()
    build(Paths(content=valid_content, out=out))
    documents = _documents(reads)
    assert documents.pop(DOCUMENT) == 2
    assert documents and set(documents.values()) == {1}
    assert site(out) == cold(valid_content, tmp_path / "kald")


def test_a_lost_body_is_compiled_again_from_the_file(valid_content: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Paths(content=valid_content, out=out))
    sql(valid_content, "UPDATE bodies SET body = X'00'", "DELETE FROM statuses")
    document = valid_content / "temaer.yaml"
    document.write_text(document.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(Paths(content=valid_content, out=out))
    assert site(out) == cold(valid_content, tmp_path / "kald")


@pytest.mark.parametrize("value", ["'x'", "7", "X'00'", "'0' || digest"])
def test_a_damaged_document_entry_means_reading_the_file(
        valid_content: Path, tmp_path: Path, value: str, reads: Counter[str]) -> None:
    out = tmp_path / "site"
    build(Paths(content=valid_content, out=out))
    column = "digest" if "digest" in value else "entry"
    sql(valid_content, f"UPDATE documents SET {column} = {value} WHERE path = '{OTHER}'")
    document = valid_content / DOCUMENT
    document.write_text(document.read_text(encoding="utf-8") + "\nEndret.\n", encoding="utf-8")
    reads.clear()
    build(Paths(content=valid_content, out=out))
    assert _documents(reads) == {DOCUMENT: 2, OTHER: 1}
    assert site(out) == cold(valid_content, tmp_path / "kald")


def test_an_unread_body_is_the_body_the_parser_cuts(valid_content: Path) -> None:
    path = valid_content / DOCUMENT
    data = path.read_bytes()
    parsed = split(decode(data))
    unread = Unread(str(valid_content), DOCUMENT, sha256(data), parsed.body_line,
                    len(parsed.body))
    assert unread.read() == (parsed.body, parsed.body_line, True)


def test_a_file_changed_since_its_stat_gives_its_body_as_it_is_now(valid_content: Path) -> None:
    path = valid_content / DOCUMENT
    before = split(decode(path.read_bytes()))
    unread = Unread(str(valid_content), DOCUMENT, sha256(path.read_bytes()), before.body_line,
                    len(before.body))
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\nx: 1\n", 1) +
                    "Mer.\n", encoding="utf-8")
    now = split(decode(path.read_bytes()))
    assert unread.read() == (now.body, now.body_line, False) != (before.body, before.body_line,
                                                                 True)
    path.write_bytes(b"\xff")
    assert unread.read()[2] is False
    os.unlink(path)
    assert unread.read() == ("", before.body_line, False)


class UnreadBuilds(IncrementalBuilds):
    """The editors' changes of ``test_incremental``, each built with the files' stats trusted
    at once, so the build reads only what changed (a build never runs during an edit here)."""

    def __init__(self) -> None:
        super().__init__()
        self.racy, site_store.RACY_NS = site_store.RACY_NS, 0

    def teardown(self) -> None:
        site_store.RACY_NS = self.racy
        super().teardown()


UnreadBuilds.TestCase.settings = IncrementalBuilds.TestCase.settings
test_random_edits_read_only_what_changed_and_build_as_cold = UnreadBuilds.TestCase
