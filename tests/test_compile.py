"""The compile stage: Markdown in; HTML, text, links, headings and status blocks out.

Data-driven like markdown-it-py's own tests: each ``tests/fixtures/compile/NAME.md`` is the
body of a referat at ``referater/x.md`` and ``NAME.html`` / ``NAME.json`` are the expected
record, with the site under ``/a/b/``. After an intended change, regenerate them with
``POLITIRADET_REGENERATE=1 python -m pytest tests/test_compile.py`` and read the diff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from politiradet import parallel
from politiradet.compile import compile_bodies, compile_document
from politiradet.compile_cache import RecordCache, decode, encode
from politiradet.load import load_content, load_schemas
from politiradet.model import BASE, Compiled, Document
from politiradet.pipeline import Paths
from politiradet.validate import Schemas, validate

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
                     for s in compiled.statuses],
        "notes": [f"{n.line}:{n.col}: {n.message}" for n in compiled.notes],
    }


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
            "footnotes"} <= set(CASES)


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
    assert pickle.loads(pickle.dumps(compiled)) == compiled
    assert "tokens" not in {field.name for field in dataclasses.fields(Compiled)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.html = ""  # type: ignore[misc]


# --- the cache of compiled records --------------------------------------------------------

@pytest.fixture
def record() -> tuple[str, Compiled]:
    body = (FIXTURES / "status-blocks.md").read_text("utf-8")
    return "ab" * 32, compile_document(document(body), ABBREVIATIONS)


def test_a_cached_record_reads_back_equal(record: tuple[str, Compiled]) -> None:
    key, compiled = record
    assert decode(encode(compiled, key), key) == compiled


def test_a_flipped_byte_anywhere_is_never_trusted(record: tuple[str, Compiled]) -> None:
    key, compiled = record
    data = encode(compiled, key)
    for index in range(0, len(data), max(1, len(data) // 200)):
        flipped = bytearray(data)
        flipped[index] ^= 0x01
        assert decode(bytes(flipped), key) is None, index


@pytest.mark.parametrize("forge", [
    lambda data: data.replace(b"politiradet-compiled 1 ", b"politiradet-compiled 2 ", 1),
    lambda data: b"",
    lambda data: data[: len(data) // 2],
    lambda data: b"\x80\x04\x95 not ours\n{}",
], ids=["other-format", "empty", "truncated", "foreign"])
def test_a_stale_or_foreign_entry_is_never_trusted(record: tuple[str, Compiled],
                                                   forge: Any) -> None:
    key, compiled = record
    assert decode(forge(encode(compiled, key)), key) is None


def test_an_entry_for_another_key_is_never_trusted(record: tuple[str, Compiled]) -> None:
    key, compiled = record
    assert decode(encode(compiled, key), "cd" * 32) is None


def test_a_well_formed_entry_with_wrong_types_is_never_trusted(record: tuple[str, Compiled]
                                                                ) -> None:
    key, _ = record
    payload = json.dumps({"html": 1, "text": "", "lead": "", "links": [], "headings": [],
                          "abbreviations": [], "statuses": [], "notes": []}).encode()
    header = f"politiradet-compiled 1 {key} {hashlib.sha256(payload).hexdigest()}\n"
    assert decode(header.encode() + payload, key) is None


def _validated(content: Path) -> Any:
    raw, problems = load_content(content)
    validated, found = validate(raw, Schemas(load_schemas(Paths().schema)))
    assert problems + found == []
    return validated


def test_the_stage_uses_the_cache_and_rebuilds_a_corrupt_entry(tmp_path: Path) -> None:
    validated = _validated(Path(__file__).parent / "fixtures" / "gyldig")
    store = RecordCache(tmp_path / "cache")
    first, problems = compile_bodies(validated, store)
    assert problems == [] and first == compile_bodies(validated)[0]
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == len(first)
    entries[0].write_bytes(entries[0].read_bytes()[:-1] + b" ")
    second, _ = compile_bodies(validated, store)
    assert second == first
    assert all(decode(path.read_bytes(), path.stem) is not None for path in entries)


def test_a_changed_abbreviation_registry_compiles_again(tmp_path: Path) -> None:
    validated = _validated(Path(__file__).parent / "fixtures" / "gyldig")
    store = RecordCache(tmp_path / "cache")
    before, _ = compile_bodies(validated, store)
    content = validated.content
    renamed = tuple(dataclasses.replace(a, meaning=a.meaning + " (ny)")
                    for a in content.abbreviations)
    changed = dataclasses.replace(validated, content=dataclasses.replace(
        content, abbreviations=renamed))
    after, _ = compile_bodies(changed, store)
    assert after == compile_bodies(changed)[0] != before


def test_many_bodies_compile_the_same_on_every_core(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    validated = _validated(Path(__file__).parent / "fixtures" / "gyldig")
    body = (FIXTURES / "status-blocks.md").read_text("utf-8")
    many = tuple(document(f"Dokument {i}.\n\n{body}", f"referater/d-{i}.md")
                 for i in range(parallel.MIN_ITEMS + 50))
    wide = dataclasses.replace(validated, content=dataclasses.replace(
        validated.content, documents=validated.content.documents + many))
    monkeypatch.setenv("POLITIRADET_JOBS", "2")
    forked, _ = compile_bodies(wide)
    monkeypatch.setenv("POLITIRADET_JOBS", "1")
    assert forked == compile_bodies(wide)[0]
