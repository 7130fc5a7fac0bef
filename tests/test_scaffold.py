"""`build.py new`: a new document has every required key, is a draft, and passes `check`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_fixture, run_cli

from politiradet.commands.scaffold import Seed, document_text, scalar
from politiradet.model.schema_tree import document_keys, resolve
from politiradet.stages.load import load_schemas

SCHEMAS = load_schemas(ROOT / "schema")
AGENDA = ["## 1. Godkjenning av dagsorden", "## 2. Orientering fra politimester",
          "## 3. Orientering fra byrådsleder", "## 4. Situasjonsbrief fra politiet",
          "## 5. Oppfølgingspunkter", "## 6. Eventuelt"]

NEW = [("referat", "2026-03-12", "referater"),
       ("referat", "seminar-2026", "referater"),
       ("avtale", "politiradsavtale-2026-2028", "avtaler"),
       ("oppfolgingspunkt", "2025-8", "oppfolgingspunkter")]


def front_matter(path: Path) -> dict[str, object]:
    _, front, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(("kind", "slug", "folder"), NEW, ids=[f"{k}-{s}" for k, s, _ in NEW])
def test_new_document_passes_check(tmp_path: Path, kind: str, slug: str, folder: str) -> None:
    content = copy_fixture("gyldig", tmp_path)
    created = run_cli("new", kind, slug, "--content", content)
    assert created.code == 0, created.err
    path = content / folder / f"{slug}.md"
    assert f"{folder}/{slug}.md" in created.out
    data = front_matter(path)
    required = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text())["required"]
    assert set(required) <= set(data)
    assert data["utkast"] is True
    checked = run_cli("check", "--content", content)
    assert checked.code == 0, checked.err


def test_new_referat_has_the_standard_agenda_and_date_from_id(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    assert run_cli("new", "referat", "2026-03-12", "--content", content).code == 0
    path = content / "referater" / "2026-03-12.md"
    text = path.read_text(encoding="utf-8")
    positions = [text.index(heading) for heading in AGENDA]
    assert positions == sorted(positions)
    assert "::: status 2025-1" in text and "<!--" not in text
    data = front_matter(path)
    assert data["tittel"] == "Referat fra møte 12. mars 2026"
    assert str(data["dato"]) == "2026-03-12"
    assert data["motetype"] == "møte"
    assert data["kilde"] == {"tittel": "Referat Politirådet i Oslo 12.03.2026"}


def test_new_point_takes_seminar_and_number_from_id(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    assert run_cli("new", "oppfolgingspunkt", "2025-12", "--content", content).code == 0
    data = front_matter(content / "oppfolgingspunkter" / "2025-12.md")
    assert (data["seminar"], data["nummer"]) == (2025, 12)


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    path = content / "referater" / "2025-05-14.md"
    before = path.read_bytes()
    result = run_cli("new", "referat", "2025-05-14", "--content", content)
    assert result.code == 2
    assert "finnes allerede" in result.err
    assert path.read_bytes() == before


def test_new_says_when_the_folder_is_a_file(tmp_path: Path) -> None:
    """A file named like the content folder is not «the document exists»: the editor would
    look for a document that is not there."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "referater").write_text("ikke en mappe\n", encoding="utf-8")
    result = run_cli("new", "referat", "2026-03-12", "--content", content)
    assert result.code == 2
    assert "en del av stien er en fil, ikke en mappe" in result.err, result.err
    assert (content / "referater").read_text(encoding="utf-8") == "ikke en mappe\n"


@pytest.mark.parametrize(("kind", "slug", "message"), [
    ("møte", "2026-03-12", "ukjent dokumenttype «møte»"),
    ("referat", "Møte 12. mars", "for eksempel «mote-12-mars»"),
    ("referat", "2026-02-30", "ikke en gyldig dato"),
    ("oppfolgingspunkt", "kunnskapsdeling", "<seminar>-<nummer>"),
])
def test_new_explains_a_bad_type_or_id(tmp_path: Path, kind: str, slug: str,
                                       message: str) -> None:
    content = copy_fixture("gyldig", tmp_path)
    result = run_cli("new", kind, slug, "--content", content)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_every_required_key_of_every_type_is_scaffolded() -> None:
    for kind in ("referat", "avtale", "oppfolgingspunkt"):
        text = document_text(Seed(kind, "2026-1" if kind == "oppfolgingspunkt" else "x",
                                  dt.date(2026, 1, 5)), SCHEMAS)
        data = yaml.safe_load(text.split("---\n")[1])
        for key in document_keys(kind, SCHEMAS):
            if key.required and key.depth == 0:
                assert key.name in data, (kind, key.path)


def test_ref_resolution_keeps_the_local_description() -> None:
    node = SCHEMAS["referat.schema.json"]["properties"]["dato"]
    resolved, origin = resolve(node, "referat.schema.json", SCHEMAS)
    assert origin == "felles.schema.json"
    assert resolved["format"] == "date"
    assert resolved["description"].startswith("Dato for møtet")


@pytest.mark.parametrize(("value", "written"), [
    ("Referat fra møte 12. mars 2026", "Referat fra møte 12. mars 2026"),
    ("2026-03-12", "2026-03-12"),
    ("yes", '"yes"'),
    ("Tittel: med kolon", '"Tittel: med kolon"'),
    ([], "[]"),
    (True, "true"),
    (2025, "2025"),
])
def test_scalar_is_plain_only_where_yaml_reads_it_back_unchanged(value: object,
                                                                 written: str) -> None:
    assert scalar(value) == written
