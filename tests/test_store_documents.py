"""The validated documents in the build store: a valid file is taken from it and gives exactly
what parsing and validating it gives; an invalid one is never taken from it; a damaged, stale
or foreign entry is never trusted."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
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
from politiradet.store.database import Store, store_file
from politiradet.store.documents import Documents

SCHEMAS = load_schemas(Paths().schema)


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test has a cache of its own (the compiled records' too)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("POLITIRADET_CACHE", str(folder))
    return folder


def cache_for(content: Path) -> Documents:
    return Documents(Store(content), SCHEMAS)


def loaded(content: Path, known: Documents | None) -> tuple[RawContent, Validated,
                                                              list[Problem]]:
    """Load and validate as ``check`` does, storing the valid documents when *known*."""
    raw, problems = load_content(content, known)
    validated, found = validate(raw, Schemas(SCHEMAS))
    if known is not None:
        digests = {doc.path: doc.digest for doc in raw.documents}
        known.keep((digests[doc.path], doc) for doc in validated.content.documents)
        assert known.store.commit()
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


def test_a_check_without_the_store_neither_reads_nor_writes_it(valid_content: Path,
                                                               own_cache: Path) -> None:
    problems_of(valid_content, use_cache=False)
    assert not own_cache.exists()
    problems_of(valid_content, use_cache=True)
    assert store_file(valid_content).is_file()


def test_the_store_keeps_only_the_last_builds_documents(valid_content: Path) -> None:
    assert problems_of(valid_content, use_cache=True) == []
    (valid_content / "referater" / "2016-01-12.md").unlink()
    problems_of(valid_content, use_cache=True)
    stored = entries_of(valid_content)
    assert "referater/2016-01-12.md" not in stored
    assert "referater/2025-05-14.md" in stored


def test_other_schemas_are_never_trusted(valid_content: Path) -> None:
    loaded(valid_content, cache_for(valid_content))
    schemas = json.loads(json.dumps(SCHEMAS))
    schemas["referat.schema.json"]["description"] = "endret"
    known = Documents(Store(valid_content), schemas)
    raw, _ = load_content(valid_content, known)
    assert known.hits == 0
    validated, _ = validate(raw, Schemas(schemas))
    known.keep((raw_doc.digest, doc) for raw_doc, doc in
               zip(raw.documents, validated.content.documents, strict=True))
    assert known.store.commit()
    assert hits_with(valid_content) == 0, "the rows of the other schemas replaced them"


# --- the stored rows ------------------------------------------------------------------------

@pytest.fixture
def stored(valid_content: Path) -> Path:
    """A content folder whose valid documents are all in the store."""
    loaded(valid_content, cache_for(valid_content))
    return valid_content


def sql(content: Path, statement: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
    with sqlite3.connect(store_file(content)) as db:
        return db.execute(statement, parameters).fetchall()


def entries_of(content: Path) -> dict[str, list[Any]]:
    """The stored entries, each as [digest, body_line, body_length, front matter, places]."""
    return {path: [digest, *json.loads(entry)]
            for path, digest, entry in sql(content, "SELECT path, digest, entry FROM documents")}


def put_entry(content: Path, path: str, entry: list[Any]) -> None:
    """Store *entry* for *path* as a well-formed row: its checksum matches."""
    data = json.dumps(entry[1:]).encode()
    sql(content, "UPDATE documents SET digest = ?, entry = ?, sum = ? WHERE path = ?",
        (entry[0], data, hashlib.sha256(data).hexdigest(), path))


def hits_with(content: Path) -> int:
    """How many documents the next load takes from the store."""
    known = cache_for(content)
    load_content(content, known)
    return known.hits


def test_an_intact_store_is_used(stored: Path) -> None:
    assert hits_with(stored) == 5


@pytest.mark.parametrize("statement", [
    "UPDATE documents SET entry = CAST(entry AS TEXT)",
    "UPDATE documents SET entry = substr(entry, 1, length(entry) - 1)",
    "UPDATE documents SET sum = 'x'",
    "UPDATE documents SET sum = 7",
    "UPDATE documents SET digest = 7",
    "UPDATE documents SET schemas = 'andre'",
    "UPDATE documents SET entry = zeroblob(10)",
], ids=["entry-as-text", "truncated", "wrong-checksum", "checksum-as-number",
        "digest-as-number", "other-schemas", "zeros"])
def test_a_damaged_row_is_never_trusted_and_is_written_again(stored: Path, statement: str
                                                             ) -> None:
    sql(stored, statement)
    assert hits_with(stored) == 0
    assert problems_of(stored, use_cache=True) == []
    assert hits_with(stored) == 5, "written again whole"


@pytest.mark.parametrize("damage", [
    lambda entry: entry.__setitem__(0, "0" * 64),
    lambda entry: entry.__setitem__(1, "3"),
    lambda entry: entry.__setitem__(1, 0),
    lambda entry: entry.__setitem__(2, True),
    lambda entry: entry.__setitem__(2, -4),
    lambda entry: entry.__setitem__(3, ["tittel"]),
    lambda entry: entry.__setitem__(4, [[["tittel"], 2]]),
    lambda entry: entry.__setitem__(4, [[[["tittel"]], 2, 7]]),
    lambda entry: entry.append(1),
], ids=["other-bytes", "line-as-text", "line-zero", "length-as-bool", "negative-length",
        "front-as-list", "short-place", "list-in-path", "extra-field"])
def test_a_well_formed_entry_of_the_wrong_shape_is_a_miss(stored: Path, damage: Any) -> None:
    entries = entries_of(stored)
    entry = entries["referater/2025-05-14.md"]
    damage(entry)
    put_entry(stored, "referater/2025-05-14.md", entry)
    assert hits_with(stored) == 4


def test_only_changed_documents_are_written_again(stored: Path) -> None:
    sql(stored, "CREATE TABLE written (path TEXT)")
    sql(stored, "CREATE TRIGGER spy AFTER INSERT ON documents "
                "BEGIN INSERT INTO written VALUES (new.path); END")
    loaded(stored, cache_for(stored))
    assert sql(stored, "SELECT path FROM written") == []
    (stored / "referater" / "2016-01-12.md").write_text(
        (stored / "referater" / "2016-01-12.md").read_text(encoding="utf-8") + "Mer.\n",
        encoding="utf-8")
    old = entries_of(stored)
    loaded(stored, cache_for(stored))
    new = entries_of(stored)
    assert [path for path in old if old[path] != new[path]] == ["referater/2016-01-12.md"]
    assert sql(stored, "SELECT path FROM written") == [("referater/2016-01-12.md",)]
    assert new["referater/2016-01-12.md"][2] == old["referater/2016-01-12.md"][2] + 5


@pytest.mark.parametrize(("name", "file", "old", "new", "expected"), CASES[:9],
                         ids=[case[0] for case in CASES[:9]])
def test_the_editor_finds_what_it_finds_without_the_store(
        valid_content: Path, own_cache: Path, name: str, file: str, old: str, new: str,
        expected: str) -> None:
    """The web editor's check of a save takes the other documents from the store."""
    backend = LocalBackend(valid_content, Paths().schema)
    target = (valid_content / file).resolve()
    data = target.read_bytes().replace(old.encode(), new.encode(), 1)
    cold = backend.problems(target, data, SCHEMAS)
    assert problems_of(valid_content, use_cache=True) == []  # every document in the store
    assert backend.problems(target, data, SCHEMAS) == cold != []


def test_stores_no_command_wrote_for_a_month_are_deleted(stored: Path) -> None:
    folder = store_file(stored).parent
    old, recent, other = (folder / "gammel-0.sqlite3", folder / "ny-1.sqlite3",
                          folder / "annet.txt")
    for path in (old, recent, other):
        path.write_text("x", encoding="utf-8")
    month_ago = time.time() - 31 * 86400
    for path in (old, other):
        os.utime(path, (month_ago, month_ago))
    loaded(stored, cache_for(stored))
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".sqlite3" or
                  p.suffix == ".txt") == sorted([store_file(stored).name, "ny-1.sqlite3",
                                                 "annet.txt"])
