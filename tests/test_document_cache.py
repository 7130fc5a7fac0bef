"""The cache of validated documents: a valid file is taken from it and gives exactly what
parsing and validating it gives; an invalid one is never taken from it; a damaged, stale or
foreign cache is never trusted."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from test_check import CASES

from politiradet.editor.backend import LocalBackend
from politiradet.errors import Problem
from politiradet.pipeline import Paths, check
from politiradet.stages.load import RawContent, load_content, load_schemas
from politiradet.stages.validate import Schemas, Validated, validate
from politiradet.store.documents import FORMAT, MAGIC, DocumentCache, decode, encode

SCHEMAS = load_schemas(Paths().schema)


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test has a cache of its own (the compiled records' too)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("POLITIRADET_CACHE", str(folder))
    return folder


def cache_for(content: Path) -> DocumentCache:
    return DocumentCache(content, SCHEMAS)


def loaded(content: Path, known: DocumentCache | None) -> tuple[RawContent, Validated,
                                                                 list[Problem]]:
    """Load and validate as ``check`` does, storing the valid documents when *known*."""
    raw, problems = load_content(content, known)
    validated, found = validate(raw, Schemas(SCHEMAS))
    if known is not None:
        digests = {doc.path: doc.digest for doc in raw.documents}
        known.store((digests[doc.path], doc) for doc in validated.content.documents)
    return raw, validated, problems + found


def problems_of(content: Path, use_cache: bool) -> list[Problem]:
    return check(Paths(content=content), use_cache=use_cache)[1]


def test_a_cached_document_is_the_document_parsing_gives(valid_content: Path) -> None:
    _, first, _ = loaded(valid_content, cache_for(valid_content))
    known = cache_for(valid_content)
    raw, cached, problems = loaded(valid_content, known)
    assert problems == []
    assert all(doc.known_valid for doc in raw.documents)
    assert known.hits == len(raw.documents) == 5
    assert cached == first
    _, uncached, _ = loaded(valid_content, None)
    assert cached == uncached
    for left, right in zip(cached.content.documents, uncached.content.documents, strict=True):
        assert (left.body, left.body_line, dict(left.locations), left.fields) == \
            (right.body, right.body_line, dict(right.locations), right.fields)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("body", ["", "\n", "Tekst.", "Tekst.\n\nMer.\n", "\n\n"])
def test_the_body_is_cut_where_the_parser_cuts_it(valid_content: Path, body: str,
                                                  ending: str) -> None:
    path = valid_content / "referater" / "2016-01-12.md"
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    text = f"\ufeff---\n{front}---\n{body}".replace("\n", ending)
    path.write_bytes(text.encode())
    loaded(valid_content, cache_for(valid_content))
    known = cache_for(valid_content)
    _, cached, _ = loaded(valid_content, known)
    _, uncached, _ = loaded(valid_content, None)
    assert known.hits == 5
    assert cached == uncached


@pytest.mark.parametrize(("name", "file", "old", "new", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_an_edit_is_checked_as_without_the_cache_and_a_fix_is_valid_again(
        valid_content: Path, name: str, file: str, old: str, new: str, expected: str) -> None:
    assert problems_of(valid_content, use_cache=True) == []
    path = valid_content / file
    original = path.read_bytes()
    path.write_bytes(original.replace(old.encode(), new.encode(), 1))
    found = problems_of(valid_content, use_cache=True)
    assert any(expected in f"{p.path}:{p.line}:{p.col}: {p.message}" for p in found), found
    assert found == problems_of(valid_content, use_cache=False)
    assert found == problems_of(valid_content, use_cache=True), "invalid: never cached"
    path.write_bytes(original)
    assert problems_of(valid_content, use_cache=True) == []
    known = cache_for(valid_content)
    raw, _ = load_content(valid_content, known)
    assert known.hits == len(raw.documents), "every document cached again"


def test_the_same_bytes_at_another_path_are_validated_there(valid_content: Path) -> None:
    assert problems_of(valid_content, use_cache=True) == []
    points = valid_content / "oppfolgingspunkter"
    shutil.copy(points / "2025-1.md", points / "2025-2.md")
    shutil.copy(points / "2025-1.md", valid_content / "referater" / "kopi.md")
    found = problems_of(valid_content, use_cache=True)
    assert found == problems_of(valid_content, use_cache=False)
    assert any(p.path.endswith("oppfolgingspunkter/2025-2.md") and
               "filnavnet «2025-2.md» stemmer ikke" in p.message for p in found), found
    assert any(p.path.endswith("referater/kopi.md") for p in found), found


def test_the_source_is_shown_from_where_the_editor_stands(
        valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(valid_content)
    loaded(Path("."), cache_for(Path(".")))
    monkeypatch.chdir(tmp_path)
    known = cache_for(valid_content)
    raw, validated, _ = loaded(valid_content, known)
    assert known.hits == 5
    assert {doc.source for doc in validated.content.documents} == {
        os.path.join("gyldig", doc.path) for doc in raw.documents}


def test_registries_are_always_read(valid_content: Path) -> None:
    assert problems_of(valid_content, use_cache=True) == []
    registry = valid_content / "temaer.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("slug: salto",
                                                                     "slug: Salto"), "utf-8")
    found = problems_of(valid_content, use_cache=True)
    assert found == problems_of(valid_content, use_cache=False) != []


def test_a_check_without_the_cache_neither_reads_nor_writes_it(valid_content: Path,
                                                               own_cache: Path) -> None:
    problems_of(valid_content, use_cache=False)
    assert not (own_cache / "documents").exists()
    problems_of(valid_content, use_cache=True)
    assert len(list((own_cache / "documents").iterdir())) == 1


def test_the_cache_keeps_only_the_last_builds_documents(valid_content: Path) -> None:
    assert problems_of(valid_content, use_cache=True) == []
    (valid_content / "referater" / "2016-01-12.md").unlink()
    problems_of(valid_content, use_cache=True)
    known = cache_for(valid_content)
    stored = entries_of(known.file.read_bytes())
    assert "referater/2016-01-12.md" not in stored
    assert "referater/2025-05-14.md" in stored


def test_another_schema_is_another_cache(valid_content: Path) -> None:
    loaded(valid_content, cache_for(valid_content))
    schemas = json.loads(json.dumps(SCHEMAS))
    schemas["referat.schema.json"]["description"] = "endret"
    known = DocumentCache(valid_content, schemas)
    load_content(valid_content, known)
    assert known.hits == 0


# --- the stored file ------------------------------------------------------------------------

@pytest.fixture
def stored(valid_content: Path) -> tuple[Path, bytes]:
    """A content folder whose valid documents are all in the cache, and the cache's bytes."""
    known = cache_for(valid_content)
    loaded(valid_content, known)
    return valid_content, known.file.read_bytes()


def entries_of(data: bytes) -> dict[str, list[Any]]:
    """The stored entries, each as [digest, body_line, body_length, front matter, places]."""
    lines = data.decode().partition("\n")[2].split("\n")
    return {path: [digest, *json.loads(rest)]
            for path, digest, rest in (line.split("\t", 2) for line in lines)}


def hits_with(content: Path, data: bytes) -> int:
    """How many documents the next load takes from a cache file holding *data*."""
    cache_for(content).file.write_bytes(data)
    known = cache_for(content)
    load_content(content, known)
    return known.hits


def test_an_intact_cache_is_used(stored: tuple[Path, bytes]) -> None:
    assert hits_with(*stored) == 5


def test_a_flipped_byte_anywhere_is_never_trusted(stored: tuple[Path, bytes]) -> None:
    content, data = stored
    for index in range(0, len(data), max(1, len(data) // 150)):
        flipped = bytearray(data)
        flipped[index] ^= 0x01
        assert decode(bytes(flipped), cache_for(content).key) == {}, index
    assert hits_with(content, bytes(flipped)) == 0


@pytest.mark.parametrize("forge", [
    lambda data: data.replace(f"{MAGIC} {FORMAT} ".encode(), f"{MAGIC} {FORMAT + 1} ".encode(), 1),
    lambda data: b"",
    lambda data: data[: len(data) // 2],
    lambda data: data.partition(b"\n")[0],
    lambda data: b"\x80\x04\x95 not ours\n{}",
], ids=["other-format", "empty", "truncated", "header-only", "foreign"])
def test_a_stale_truncated_or_foreign_cache_is_never_trusted(stored: tuple[Path, bytes],
                                                             forge: Any) -> None:
    content, data = stored
    assert hits_with(content, forge(data)) == 0


def test_a_cache_of_another_generator_version_is_never_trusted(stored: tuple[Path, bytes]
                                                                ) -> None:
    content, data = stored
    key = cache_for(content).key
    assert hits_with(content, data.replace(key.encode(), b"0" * 64, 1)) == 0
    entries = entries_of(data)
    assert hits_with(content, encode(entries, "0" * 64)) == 0
    assert hits_with(content, encode(entries, key)) == 5


@pytest.mark.parametrize("damage", [
    lambda entry: entry.__setitem__(0, "0" * 64),
    lambda entry: entry.__setitem__(1, "3"),
    lambda entry: entry.__setitem__(2, True),
    lambda entry: entry.__setitem__(3, ["tittel"]),
    lambda entry: entry.__setitem__(4, [[["tittel"], 2]]),
    lambda entry: entry.__setitem__(4, [[[["tittel"]], 2, 7]]),
    lambda entry: entry.append(1),
], ids=["other-bytes", "line-as-text", "length-as-bool", "front-as-list", "short-place",
        "list-in-path", "extra-field"])
def test_a_well_formed_entry_of_the_wrong_shape_is_a_miss(stored: tuple[Path, bytes],
                                                          damage: Any) -> None:
    content, data = stored
    key = cache_for(content).key
    entries = entries_of(data)
    damage(entries["referater/2025-05-14.md"])
    assert hits_with(content, encode(entries, key)) == 4


def test_the_cache_is_written_whole_or_not_at_all(stored: tuple[Path, bytes]) -> None:
    content, data = stored
    folder = cache_for(content).file.parent
    assert [p.name for p in folder.iterdir()] == [cache_for(content).file.name]
    assert data.startswith(f"{MAGIC} {FORMAT} ".encode())
    header, _, payload = data.partition(b"\n")
    assert header.endswith(hashlib.sha256(payload).hexdigest().encode())


def test_an_unwritable_cache_is_simply_not_used(valid_content: Path, own_cache: Path) -> None:
    own_cache.mkdir()
    (own_cache / "documents").write_text("ikke en mappe", encoding="utf-8")
    assert problems_of(valid_content, use_cache=True) == []
    assert problems_of(valid_content, use_cache=True) == []



def test_unchanged_documents_are_written_back_as_they_were_read(stored: tuple[Path, bytes]
                                                                 ) -> None:
    content, data = stored
    loaded(content, cache_for(content))
    assert cache_for(content).file.read_bytes() == data
    (content / "referater" / "2016-01-12.md").write_text(
        (content / "referater" / "2016-01-12.md").read_text(encoding="utf-8") + "Mer.\n",
        encoding="utf-8")
    loaded(content, cache_for(content))
    before, after = entries_of(data), entries_of(cache_for(content).file.read_bytes())
    assert [path for path in before if before[path] != after[path]] == [
        "referater/2016-01-12.md"]
    assert after["referater/2016-01-12.md"][2] == before["referater/2016-01-12.md"][2] + 5



@pytest.mark.parametrize(("name", "file", "old", "new", "expected"), CASES[:9],
                         ids=[case[0] for case in CASES[:9]])
def test_the_editor_finds_what_it_finds_without_the_cache(
        valid_content: Path, own_cache: Path, name: str, file: str, old: str, new: str,
        expected: str) -> None:
    """The web editor's check of a save takes the other documents from the cache."""
    backend = LocalBackend(valid_content, Paths().schema)
    target = (valid_content / file).resolve()
    data = target.read_bytes().replace(old.encode(), new.encode(), 1)
    cold = backend.problems(target, data, SCHEMAS)
    assert problems_of(valid_content, use_cache=True) == []  # every document in the cache
    assert backend.problems(target, data, SCHEMAS) == cold != []


def test_caches_no_build_used_for_a_month_are_deleted(stored: tuple[Path, bytes]) -> None:
    content, _ = stored
    folder = cache_for(content).file.parent
    old, recent, leftover, other = (folder / "gammel-0.json", folder / "ny-1.json",
                                    folder / ".tmp-drept", folder / "annet.txt")
    for path in (old, recent, leftover, other):
        path.write_text("x", encoding="utf-8")
    month_ago = time.time() - 31 * 86400
    for path in (old, leftover, other):
        os.utime(path, (month_ago, month_ago))
    loaded(content, cache_for(content))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [cache_for(content).file.name, "ny-1.json", "annet.txt"])
