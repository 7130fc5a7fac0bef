"""The compile stage: Markdown in; HTML, text, links, headings and status blocks out.

Data-driven like markdown-it-py's own tests: each ``tests/fixtures/compile/NAME.md`` is the
body of a referat at ``referater/x.md`` and ``NAME.html`` / ``NAME.json`` are the expected
record, with the site under ``/a/b/``. After an intended change, regenerate them with
``POLITIRADET_REGENERATE=1 python -m pytest tests/test_compile.py`` and read the diff.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import pickle
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import check_overlay, problem_cases

from politiradet.model.content import BASE, Compiled, Document, Payload
from politiradet.pipeline import Paths
from politiradet.stages.compile import compile_bodies, compile_document, compile_row
from politiradet.stages.load import load_content, load_schemas
from politiradet.stages.mentions import registry_names
from politiradet.stages.validate import Schemas, validate
from politiradet.store import records as record_store
from politiradet.store.database import Store, disconnect
from politiradet.store.deps import Hasher
from politiradet.store.records import Records, StoredPayload, decode, encode

FIXTURES = Path(__file__).parent / "fixtures" / "compile"
CASES = sorted(path.stem for path in FIXTURES.glob("*.md"))
REGENERATE = os.environ.get("POLITIRADET_REGENERATE") == "1"
ABBREVIATIONS = {"BER": "Beredskapsetaten", "SET": "Sett", "ØKS": "Økonomiseksjonen",
                 "SaLTo": "Sammen lager vi et trygt Oslo"}
BASE_PATH = "/a/b/"


def document(body: str, path: str = "referater/x.md") -> Document:
    return Document(kind="referat", slug=path.rsplit("/", 1)[-1].removesuffix(".md"),
                    path=path, source=path, title="x", date=dt.date(2025, 5, 14), topics=(),
                    areas=(), draft=False, fields={}, body=body, body_line=1)


def expected_data(compiled: Compiled) -> dict[str, Any]:
    """Everything in the record but the body's HTML, in a form that reads well as JSON."""
    return {
        "text": compiled.text, "lead": compiled.lead,
        "links": [f"{r.line}:{r.col} {'bilde ' if r.image else ''}{r.href}"
                  for r in compiled.links],
        "headings": [f"h{h.level} #{h.anchor} {h.text}" for h in compiled.headings],
        "abbreviations": list(compiled.abbreviations),
        "statuses": [{"point": s.point, "line": s.line, "closed": s.closed,
                      "html": s.html.replace(BASE, BASE_PATH), "text": s.text}
                     | ({"closes": True} if s.closes else {})
                     for s in compiled.statuses],
        "notes": [f"{n.line}:{n.col}: {n.message}" for n in compiled.notes],
    } | ({"decisions": [f"{d.line} #{d.anchor} {d.text}" for d in compiled.decisions]}
         if compiled.decisions else {})


@pytest.mark.parametrize("name", CASES)
def test_compile_fixture(name: str) -> None:
    source = FIXTURES / f"{name}.md"
    compiled = compile_document(document(source.read_text(encoding="utf-8")), ABBREVIATIONS)
    html, data = compiled.html_at(BASE_PATH), expected_data(compiled)
    html_file, data_file = source.with_suffix(".html"), source.with_suffix(".json")
    if REGENERATE:
        html_file.write_text(html, encoding="utf-8")
        data_file.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    assert html == html_file.read_text(encoding="utf-8")
    assert data == json.loads(data_file.read_text(encoding="utf-8"))


def test_the_fixtures_cover_the_record() -> None:
    assert {"abbreviations", "links", "status-blocks", "stray-containers", "headings",
            "footnotes", "decisions", "status-closes"} <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_the_base_placeholder_only_starts_link_addresses(name: str) -> None:
    compiled = compile_document(document((FIXTURES / f"{name}.md").read_text("utf-8")),
                                ABBREVIATIONS)
    for html in (compiled.html, *(status.html for status in compiled.statuses)):
        assert html.count(BASE) == html.count(f'href="{BASE}')


def test_no_text_can_forge_the_base_placeholder() -> None:
    compiled = compile_document(document("Null\0tegn, &#0; og &#x0; [a](\0.md)"), {})
    assert BASE not in compiled.html.replace(f'href="{BASE}', "") and BASE not in compiled.text


def test_the_base_path_is_escaped_like_any_attribute() -> None:
    compiled = compile_document(document("[a](2016-01-12.md)"), {})
    assert compiled.html_at('/a"b&/') == \
        '<p><a href="/a&quot;b&amp;/referater/2016-01-12/">a</a></p>\n'


def test_the_record_holds_no_parser_state_and_pickles() -> None:
    compiled = compile_document(document((FIXTURES / "status-blocks.md").read_text("utf-8")),
                                ABBREVIATIONS)
    again = pickle.loads(pickle.dumps(compiled))
    assert again == compiled and again.payload() == compiled.payload()
    assert "tokens" not in {field.name for field in dataclasses.fields(Compiled)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.lead = ""  # type: ignore[misc]


# --- the cache of compiled records --------------------------------------------------------

@pytest.fixture
def record() -> Compiled:
    body = (FIXTURES / "status-blocks.md").read_text("utf-8")
    return compile_document(document(body), ABBREVIATIONS)


def test_a_cached_record_reads_back_equal(record: Compiled) -> None:
    again = decode(encode(record))
    assert again == record and again is not None and again.payload() == record.payload()
    assert [s.html for s in again.statuses] == [s.html for s in record.statuses]


def test_equal_digests_mean_equal_records(record: Compiled) -> None:
    other = compile_document(document("Noe annet.\n"), ABBREVIATIONS)
    assert record.digest == decode(encode(record)).digest != other.digest  # type: ignore[union-attr]


def test_a_block_knows_the_headings_above_it_and_its_digest_covers_it_alone() -> None:
    """What shows a status block (a point's page, its OParl Paper) changes with the block,
    not with a sentence elsewhere in the minutes; a block or decision knows which heading's
    section it is in without the HTML (an OParl agenda item's consultation and decisions)."""
    body = ("## 1. Dagsorden\n\nTekst.\n\n::: status 2025-1\nOK.\n:::\n\n## 2. Status\n\n"
            "### Detaljer\n\n::: vedtak\nVedtatt.\n:::\n\n::: status 2025-2\nOgså.\n:::\n")
    compiled = compile_document(document(body), {})
    assert [s.headings_before for s in compiled.statuses] == [1, 3]
    assert [d.headings_before for d in compiled.decisions] == [3]
    assert decode(encode(compiled)) == compiled
    edited = compile_document(document(body.replace("Tekst.", "Annen tekst.")), {})
    assert edited.digest != compiled.digest
    assert [s.digest for s in edited.statuses] == [s.digest for s in compiled.statuses]
    changed = compile_document(document(body.replace("OK.", "Levert.")), {})
    assert changed.statuses[0].digest != compiled.statuses[0].digest
    assert changed.statuses[1].digest == compiled.statuses[1].digest


@pytest.mark.parametrize("part", ["meta", "body"])
def test_a_flipped_byte_anywhere_is_never_trusted(record: Compiled, part: str) -> None:
    row = encode(record)
    data = getattr(row, part)
    for index in range(0, len(data), max(1, len(data) // 200)):
        flipped = bytearray(data)
        flipped[index] ^= 0x01
        assert decode(dataclasses.replace(row, **{part: bytes(flipped)})) is None, index


@pytest.mark.parametrize("forge", [
    lambda data: b"",
    lambda data: data[: len(data) // 2],
    lambda data: b"\x80\x04\x95 not ours\n{}",
    lambda data: b'{"lead": ""}',
], ids=["empty", "truncated", "foreign", "other-layout"])
@pytest.mark.parametrize("part", ["meta", "body"])
def test_a_stale_or_foreign_entry_is_never_trusted(record: Compiled, forge: Any,
                                                   part: str) -> None:
    """Even with a checksum that matches: a part must also have the layout of this format."""
    row = encode(record)
    forged = forge(getattr(row, part))
    checksum = hashlib.sha256(forged).hexdigest()
    assert decode(dataclasses.replace(row, **{part: forged, f"{part}_sum": checksum})) is None


@pytest.mark.parametrize("part, value", [
    ("meta", ["", "", [], [], [], [["2025-1", "7", True, [], False]], [], [], []]),
    ("meta", [1, "", [], [], [], [], [], [], []]),
    ("meta", ["", "", [["a.md", 1, 1, 0]], [], [], [], [], [], []]),
    ("meta", ["", "", [], [], [], [["2025-1", 7, True, [], "ja"]], [], [], []]),
    ("meta", ["", "", [], [], [], [], [], [], [["3", "Vedtaket."]]]),
    ("body", [1, "", []]),
    ("body", ["", "", [["<p>a</p>"]]]),
], ids=["line-as-text", "lead-as-number", "image-as-number", "closes-as-text",
        "decision-line-as-text", "html-as-number", "status-pair"])
def test_a_well_formed_entry_with_wrong_types_is_never_trusted(record: Compiled, part: str,
                                                                value: Any) -> None:
    row = encode(record)
    data = json.dumps(value).encode()
    forged = dataclasses.replace(row, **{part: data,
                                         f"{part}_sum": hashlib.sha256(data).hexdigest()})
    assert decode(forged) is None


def _validated(content: Path) -> Any:
    raw, problems = load_content(content)
    validated, found = validate(raw, Schemas(load_schemas(Paths().schema)))
    assert problems + found == []
    return validated


GYLDIG = Path(__file__).parent / "fixtures" / "gyldig"


def _records(folder: Path) -> Records:
    """The records of a build store of its own in *folder*."""
    return Records(Store(GYLDIG, folder / "lager.sqlite3"))


def _compiled(validated: Any, store: Records) -> dict[str, Compiled]:
    """compile_bodies with *store*, and the build's transaction committed."""
    records, _ = compile_bodies(validated, store)
    store.store.commit()
    return records


def _sql(store: Records, *statements: str) -> list[Any]:
    """Run *statements* on the store's database in a connection of their own."""
    disconnect(store.database)
    with contextlib.closing(sqlite3.connect(store.database, isolation_level=None)) as db:
        found = [db.execute(statement).fetchall() for statement in statements]
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return found


def _stored(tmp_path: Path) -> tuple[Any, Records, dict[str, Compiled]]:
    """GYLDIG validated, a store it was compiled into once, and its records compiled without one."""
    validated = _validated(GYLDIG)
    store = _records(tmp_path / "cache")
    fresh, _ = compile_bodies(validated)
    compile_bodies(validated, store)
    return validated, store, fresh


def _same(records: dict[str, Compiled], fresh: dict[str, Compiled]) -> bool:
    return records == fresh and all(records[p].payload() == fresh[p].payload() for p in fresh)


def test_the_stage_keeps_payloads_in_the_store_and_reads_them_back(tmp_path: Path) -> None:
    validated = _validated(GYLDIG)
    store = _records(tmp_path / "cache")
    fresh, _ = compile_bodies(validated)
    first, problems = compile_bodies(validated, store)
    second, _ = compile_bodies(validated, store)
    assert problems == [] and _same(first, fresh) and _same(second, fresh)
    assert all(isinstance(r.payload, StoredPayload) for r in (*first.values(), *second.values()))
    assert not any(isinstance(r.payload, StoredPayload) for r in fresh.values())
    [[(count,)]] = _sql(store, "SELECT count(*) FROM records")
    assert count == len(fresh)


@pytest.mark.parametrize("damage", [
    "UPDATE records SET meta = meta || ' ' WHERE rowid = 1",
    "UPDATE records SET meta_sum = 'x' WHERE rowid = 2",
    "UPDATE records SET meta_sum = 5 WHERE rowid = 2",
    "UPDATE records SET meta = CAST(meta AS TEXT) WHERE rowid = 2",
    "UPDATE records SET used = 'x'",
    "UPDATE bodies SET body = substr(body, 1, 20) WHERE rowid = 1",
    "UPDATE bodies SET body = (SELECT body FROM bodies WHERE rowid = 2) WHERE rowid = 3",
    "UPDATE bodies SET body = 17 WHERE rowid = 1",
    "DELETE FROM bodies WHERE rowid = 1",
    "UPDATE statuses SET statuses = substr(statuses, 1, 20) WHERE rowid = 1",
    "UPDATE statuses SET statuses = (SELECT body FROM bodies WHERE rowid = 1) WHERE rowid = 1",
    "UPDATE statuses SET statuses = 17 WHERE rowid = 1",
    "DELETE FROM statuses WHERE rowid = 1",
    "UPDATE records SET statuses_sum = 5 WHERE rowid = 1",
    "UPDATE state SET value = 'x' WHERE name = 'builds'",
    "UPDATE state SET value = -3 WHERE name = 'builds'",
], ids=["meta-changed", "meta-checksum", "checksum-as-number", "meta-as-text", "used-as-text",
        "body-truncated", "body-swapped", "body-as-number", "body-lost", "statuses-truncated",
        "statuses-replaced", "statuses-as-number", "statuses-lost", "statuses-sum-as-number",
        "builds-as-text", "builds-negative"])
def test_a_damaged_entry_is_compiled_again(tmp_path: Path, damage: str) -> None:
    validated, store, fresh = _stored(tmp_path)
    _sql(store, damage)
    assert _same(_compiled(validated, store), fresh)
    assert _same(_compiled(validated, store), fresh)
    [[(count,)], [(bodies,)]] = _sql(store, "SELECT count(*) FROM records",
                                     "SELECT count(*) FROM bodies")
    assert count == bodies == len(fresh)  # the damaged one was written again


def test_a_build_reads_each_body_and_each_status_part_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A point's page, feed and open data show a referat's status blocks: those come from the
    small statuses part, never from the whole body, and each part is read once per build."""
    validated, _store, fresh = _stored(tmp_path)
    reads: collections.Counter[tuple[str, str]] = collections.Counter()
    for name in ("_read_body", "_read_statuses"):
        monkeypatch.setattr(record_store, name, _counted(reads, name))
    records = _compiled(validated, _records(tmp_path / "cache"))
    blocks = [block for record in records.values() for block in record.statuses]
    assert blocks and all(
        (block.html, block.text) == fresh_block
        for block in blocks for fresh_block in [next(
            (b.html, b.text) for r in fresh.values() for b in r.statuses
            if b.digest == block.digest)])
    keys = {path: cast(StoredPayload, record.payload).key for path, record in records.items()}
    assert reads == {("_read_statuses", keys[path]): 1
                     for path, record in records.items() if record.statuses}
    reads.clear()
    assert _same(records, fresh) and all(block.text for block in blocks)
    assert reads == {("_read_body", key): 1 for key in keys.values()}


def _counted(reads: collections.Counter[tuple[str, str]], name: str) -> Any:
    """The store's reader *name*, counting each read by (name, key) in *reads*."""
    read = getattr(record_store, name)

    def counted(database: str, key: str, check: str) -> Any:
        reads[name, key] += 1
        return read(database, key, check)
    return counted


def test_a_payload_lost_after_the_stage_is_compiled_again_when_needed(tmp_path: Path) -> None:
    validated = _validated(GYLDIG)
    store = _records(tmp_path / "cache")
    fresh, _ = compile_bodies(validated)
    records, _ = compile_bodies(validated, store)
    _sql(store, "DELETE FROM bodies")
    assert all(records[p].html == fresh[p].html and records[p].text == fresh[p].text
               for p in fresh)


@pytest.mark.parametrize("spoil", [
    lambda path: path.write_bytes(b"not a database at all\n" * 100),
    lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3]),
    lambda path: path.write_bytes(b""),
    lambda path: _flip_every(path, 97),
    lambda path: _sql(_records(path.parent), "PRAGMA user_version = 1"),
    lambda path: _sql(_records(path.parent), "PRAGMA application_id = 7"),
    lambda path: _sql(_records(path.parent), "UPDATE state SET value = 'x' "
                                             "WHERE name = 'fingerprint'"),
    lambda path: _sql(_records(path.parent), "DROP TABLE bodies"),
], ids=["foreign", "truncated", "empty", "flipped-bytes", "other-format", "not-ours",
        "other-generator", "table-dropped"])
def test_a_damaged_or_foreign_database_is_made_again(tmp_path: Path, spoil: Any) -> None:
    validated, store, fresh = _stored(tmp_path)
    disconnect(store.database)
    spoil(Path(store.database))
    assert _same(_compiled(validated, _records(tmp_path / "cache")), fresh)
    records = _compiled(validated, _records(tmp_path / "cache"))
    assert _same(records, fresh)
    [[(result,)], [(count,)]] = _sql(store, "PRAGMA integrity_check",
                                     "SELECT count(*) FROM records")
    assert result == "ok" and count == len(fresh)


def _flip_every(path: Path, step: int) -> None:
    data = bytearray(path.read_bytes())
    for index in range(0, len(data), step):
        data[index] ^= 0x01
    path.write_bytes(bytes(data))


def test_records_no_recent_build_used_are_pruned(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_store, "KEEP_BUILDS", 4)
    monkeypatch.setattr(record_store, "REFRESH_BUILDS", 2)
    validated = _validated(GYLDIG)
    store = _records(tmp_path / "cache")
    _compiled(validated, store)
    edited = _edited(validated, "Endret.")
    for _ in range(3):
        _compiled(edited, store)
    [[(count,)]] = _sql(store, "SELECT count(*) FROM records")
    assert count == len(compile_bodies(validated)[0]) + 1  # the old version is still kept
    for _ in range(3):
        _compiled(edited, store)
    [[(count,)], [(bodies,)]] = _sql(store, "SELECT count(*) FROM records",
                                     "SELECT count(*) FROM bodies")
    assert count == bodies == len(compile_bodies(validated)[0])  # in use all along: kept
    assert _same(compile_bodies(edited, store)[0], compile_bodies(edited)[0])


def test_a_compiled_row_is_the_encoding_of_the_compiled_record() -> None:
    """The store's row of a body is made with its record, not encoded a second time: it must
    be what encoding that record gives."""
    validated = _validated(GYLDIG)
    abbreviations = tuple((a.short, a.meaning) for a in validated.content.abbreviations)
    names = registry_names(validated.content)
    for doc in validated.content.documents:
        record = compile_document(doc, dict(abbreviations), names)
        row = compile_row(doc, (abbreviations, names))
        assert row == encode(record)
        assert record.digest == record_store.record_digest(row.meta_sum, row.body_sum)


def test_compiling_some_documents_is_no_build(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A save checks its document with the referater that may close a point (``only``):
    however many saves, the records of the whole archive stay in the store."""
    monkeypatch.setattr(record_store, "KEEP_BUILDS", 2)
    monkeypatch.setattr(record_store, "REFRESH_BUILDS", 1)
    validated = _validated(GYLDIG)
    store = _records(tmp_path / "cache")
    everything = _compiled(validated, store)
    some = set(list(everything)[:2])
    for _ in range(4):
        assert set(compile_bodies(validated, store, only=some)[0]) == some
        store.store.commit()
    [[(count,)], [(builds,)]] = _sql(store, "SELECT count(*) FROM records",
                                     "SELECT value FROM state WHERE name = 'builds'")
    assert (count, builds) == (len(everything), 1)


def _edited(validated: Any, line: str) -> Any:
    """*validated* with *line* added to the body of its first document."""
    content = validated.content
    first = dataclasses.replace(content.documents[0], body=content.documents[0].body + line)
    return dataclasses.replace(validated, content=dataclasses.replace(
        content, documents=(first, *content.documents[1:])))


def test_two_builds_at_once_share_the_store(tmp_path: Path) -> None:
    """Two processes compile many records into one store at the same time (each writing in
    several transactions); both get the right records and the database stays sound."""
    script = textwrap.dedent(f"""
        import dataclasses, sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_compile import _validated, _many, GYLDIG, _same
        from politiradet.stages.compile import compile_bodies
        from test_compile import _records
        validated = _many(_validated(GYLDIG), int(sys.argv[1]))
        records, _ = compile_bodies(validated, _records(Path(sys.argv[2])))
        assert _same(records, compile_bodies(validated)[0])
        print("ok", len(records))
    """)
    env = {**os.environ, "POLITIRADET_JOBS": "1"}
    runs = [subprocess.Popen([sys.executable, "-c", script, str(offset), str(tmp_path / "cache")],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for offset in (0, 300)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert all(output.startswith("ok ") for output in outputs), outputs
    [[(result,)], [(count,)]] = _sql(_records(tmp_path / "cache"), "PRAGMA integrity_check",
                                     "SELECT count(*) FROM records")
    assert result == "ok" and count > 2 * record_store.BATCH


def _many(validated: Any, offset: int) -> Any:
    """*validated* with 1 100 more referater (numbered from *offset*: two such sets overlap)."""
    body = (FIXTURES / "status-blocks.md").read_text("utf-8")
    many = tuple(document(f"Dokument {i}.\n\n{body}", f"referater/d-{i}.md")
                 for i in range(offset, offset + 1_100))
    return dataclasses.replace(validated, content=dataclasses.replace(
        validated.content, documents=validated.content.documents + many))


def test_a_store_that_cannot_be_written_keeps_payloads_in_memory(tmp_path: Path) -> None:
    blocked = tmp_path / "fil"
    blocked.write_text("en fil der mappen skulle vært")
    validated = _validated(GYLDIG)
    records, _ = compile_bodies(validated, _records(blocked / "cache"))
    assert _same(records, compile_bodies(validated)[0])
    assert not any(isinstance(r.payload, StoredPayload) for r in records.values())


def test_a_compiled_body_is_fingerprinted_by_its_digest(record: Compiled) -> None:
    def unavailable() -> Payload:
        raise AssertionError("hashing a record must not read its payload")
    away = dataclasses.replace(record, payload=unavailable)
    assert Hasher().digest(away) == Hasher().digest(record)
    changed = compile_document(document("Noe annet.\n"), ABBREVIATIONS)
    assert Hasher().digest(changed) != Hasher().digest(record)
    status = dataclasses.replace(record.statuses[0], payload=unavailable)
    assert Hasher().digest(status) == Hasher().digest(record.statuses[0])


def test_a_changed_abbreviation_registry_compiles_again(tmp_path: Path) -> None:
    validated = _validated(GYLDIG)
    store = _records(tmp_path / "cache")
    before, _ = compile_bodies(validated, store)
    content = validated.content
    renamed = tuple(dataclasses.replace(a, meaning=a.meaning + " (ny)")
                    for a in content.abbreviations)
    changed = dataclasses.replace(validated, content=dataclasses.replace(
        content, abbreviations=renamed))
    after, _ = compile_bodies(changed, store)
    assert _same(after, compile_bodies(changed)[0]) and after != before


def test_many_bodies_compile_the_same_on_every_core(tmp_path: Path) -> None:
    """In a fresh process: this one may run threads (pytest-xdist's, a browser's), and a map
    in a threaded process stays in one process, which would compare one process with itself."""
    script = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_compile import _validated, _many, GYLDIG, _same, _records
        from politiradet.common import parallel
        from politiradet.stages.compile import compile_bodies
        wide = _many(_validated(GYLDIG), 0)
        os.environ["POLITIRADET_JOBS"] = "2"
        forked, _ = compile_bodies(wide)
        stored, _ = compile_bodies(wide, _records(Path(sys.argv[1])))
        in_workers = parallel.forked_maps
        os.environ["POLITIRADET_JOBS"] = "1"
        assert _same(forked, compile_bodies(wide)[0]) and _same(stored, forked)
        print(in_workers, parallel.forked_maps - in_workers)
    """)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "0"], "both parallel compiles ran in workers"


@pytest.mark.parametrize("case", problem_cases("compile"))
def test_markdown_problems_are_reported_exactly(case: str, tmp_path: Path) -> None:
    check_overlay("compile", case, tmp_path)
