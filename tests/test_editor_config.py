"""The web editor's configuration is generated from the schemas and registries, and saving
writes documents the way ``build.py new`` and a careful editor would.

The expectations are read from the schema files themselves, so a key added to a schema that
the configuration does not show (or shows wrongly) fails here.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT

from politiradet.commands.scaffold import create
from politiradet.editor.admin import Admin
from politiradet.editor.config import DATE_PATTERN, DRAFT_HINTS, EDITOR_HINTS, Backend
from politiradet.editor.document import document_text
from politiradet.model.content import FOLDERS, Kind
from politiradet.model.schema_tree import DOCUMENT_SCHEMAS, resolve
from politiradet.pipeline import Paths, check
from politiradet.stages.frontmatter import split
from politiradet.stages.load import load_content, load_schemas
from politiradet.stages.validate import Schemas, validate

SCHEMA = ROOT / "schema"
CONTENT = ROOT / "content"


def _config(schema: Path = SCHEMA, content: Path = CONTENT,
            backend: Backend | None = None) -> dict[str, Any]:
    return Admin(content, schema).config(backend or Backend())


def _collection(config: dict[str, Any], kind: Kind) -> dict[str, Any]:
    folder = {v: k for k, v in FOLDERS.items()}[kind]
    return next(c for c in config["collections"] if c["name"] == folder)


def _fields(collection: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {field["name"]: field for field in collection["fields"]}


def test_one_collection_per_content_folder() -> None:
    config = _config()
    assert [c["name"] for c in config["collections"]] == list(FOLDERS)
    for collection in config["collections"]:
        assert collection["folder"] == f"content/{collection['name']}"
        assert collection["extension"] == "md" and collection["format"] == "yaml-frontmatter"
        assert collection["delete"] is False
    assert config["locale"] == "nb_no"


@pytest.mark.parametrize("kind", list(DOCUMENT_SCHEMAS))
def test_every_schema_key_is_a_field_with_its_description(kind: Kind) -> None:
    schemas = load_schemas(SCHEMA)
    file = DOCUMENT_SCHEMAS[kind]
    schema = schemas[file]
    fields = _fields(_collection(_config(), kind))
    assert list(fields) == [*schema["properties"], "body"]
    for name, node in schema["properties"].items():
        resolved, _ = resolve(node, file, schemas)
        field = fields[name]
        assert field["hint"] == EDITOR_HINTS.get(name, DRAFT_HINTS[False] if name == "utkast"
                                                 else resolved["description"]), name
        is_list = resolved.get("type") == "array"
        assert field["required"] is (name in schema["required"] and not is_list), name
        if "enum" in resolved:
            assert field["widget"] == "select" and field["options"] == resolved["enum"]
        if resolved.get("format") == "date":  # text as stored, not the browser's mm/dd/yyyy
            assert field["widget"] == "string" and field["pattern"] == list(DATE_PATTERN)
        if resolved.get("type") == "boolean":
            assert field["widget"] == "boolean"
        if resolved.get("type") == "integer":
            assert field["widget"] == "number" and field["value_type"] == "int"
        if resolved.get("type") == "array":  # Decap refuses a list with no fields
            assert field["widget"] in ("list", "select")
            assert field["widget"] == "select" or field.get("fields") or field.get("field")
        if resolved.get("type") == "object":
            assert field["widget"] == "object"
            assert [f["name"] for f in field["fields"]] == list(resolved["properties"])
            assert [f["name"] for f in field["fields"] if f["required"]] == resolved["required"]


@pytest.mark.parametrize("kind", list(DOCUMENT_SCHEMAS))
def test_topics_and_areas_are_registry_multiselects(kind: Kind) -> None:
    fields = _fields(_collection(_config(), kind))
    for key in ("temaer", "omrader"):
        registry = yaml.safe_load((CONTENT / f"{key}.yaml").read_text(encoding="utf-8"))
        assert fields[key]["widget"] == "select" and fields[key]["multiple"] is True
        assert fields[key]["options"] == [{"label": e["navn"], "value": e["slug"]}
                                          for e in registry]
    assert fields["utkast"] == {**fields["utkast"], "widget": "boolean", "default": False}
    local = _fields(_collection(_config(backend=Backend(local_url="http://127.0.0.1:1/a")),
                                kind))
    assert local["utkast"] == {**local["utkast"], "default": True, "hint": DRAFT_HINTS[True]}
    assert fields["kilde"]["widget"] == "object"


def test_a_referats_council_is_a_select_of_the_registry_or_a_slug_without_one(
        tmp_path: Path) -> None:
    field = _fields(_collection(_config(), "referat"))["politirad"]
    registry = yaml.safe_load((CONTENT / "politirad.yaml").read_text(encoding="utf-8"))
    assert field["widget"] == "select" and "multiple" not in field
    assert field["options"] == [{"label": e["navn"], "value": e["slug"]} for e in registry]
    assert field["required"] is False, "without it, the referat is the archive's own council"
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "politirad.yaml").unlink()
    field = _fields(_collection(_config(content=content), "referat"))["politirad"]
    assert field["widget"] == "string" and field["pattern"][0] == "^[a-z0-9]+(-[a-z0-9]+)*$"
    assert "politirad" not in _fields(_collection(_config(), "avtale"))


def test_labels_come_from_schema_titles_or_key_names() -> None:
    fields = _fields(_collection(_config(), "referat"))
    assert fields["omrader"]["label"] == "Områder"
    assert fields["planlagte_moter"]["label"] == "Planlagte møter"
    assert fields["sluttdato"]["label"] == "Sluttdato"


def test_a_key_added_to_a_schema_appears_in_the_editor(tmp_path: Path) -> None:
    schema = tmp_path / "schema"
    shutil.copytree(SCHEMA, schema)
    path = schema / "referat.schema.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["properties"]["ordstyrer"] = {"title": "Ordstyrer", "description": "Hvem som ledet.",
                                       "type": "string", "minLength": 1}
    data["required"].append("ordstyrer")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    field = _fields(_collection(_config(schema), "referat"))["ordstyrer"]
    assert field == {"name": "ordstyrer", "label": "Ordstyrer", "required": True,
                     "hint": "Hvem som ledet.", "widget": "string"}


def test_local_and_production_differ_only_in_the_backend_and_where_drafts_start() -> None:
    local = _config(backend=Backend(site_url="http://127.0.0.1:8000/",
                                    local_url="http://127.0.0.1:8000/admin/api/v1"))
    production = _config(backend=Backend(name="gitlab", repo="oslo/arkiv"))
    assert local.pop("local_backend") == {"url": "http://127.0.0.1:8000/admin/api/v1"}
    for key in ("site_url", "display_url"):
        local.pop(key)
    assert production.pop("backend") == {"name": "gitlab", "repo": "oslo/arkiv",
                                         "branch": "main", "squash_merges": True}
    local.pop("backend")
    for config, starts_as_draft in ((local, True), (production, False)):
        for collection in config["collections"]:
            draft = _fields(collection)["utkast"]
            assert (draft.pop("default"), draft.pop("hint")) == (
                starts_as_draft, DRAFT_HINTS[starts_as_draft])
    assert local == production
    assert production["publish_mode"] == "editorial_workflow"


def test_hints_speak_the_editors_language() -> None:
    """No file paths, YAML values or «kortnavn» in what the editor reads above a field."""
    config = _config()

    def texts(fields: list[dict[str, Any]]) -> Iterator[str]:
        for field in fields:
            yield field.get("hint", "")
            yield field["label"]
            yield from texts(field.get("fields", []))

    shown = [c["description"] for c in config["collections"]]
    for collection in config["collections"]:
        shown += texts(collection["fields"])
    for word in ("content/", ".yaml", "kortnavn", "true", "false", "Standard er", "<id>"):
        assert not [text for text in shown if word in text], word
    assert "Vedtatt på" in shown and "Nettadresse" in shown


def test_status_form_only_in_referater() -> None:
    config = _config()
    for kind in DOCUMENT_SCHEMAS:
        body = _fields(_collection(config, kind))["body"]
        assert body["editor_components"] == (["status", "vedtak"] if kind == "referat" else [])
        assert body["modes"] == ["rich_text", "raw"]  # rich text first; Markdown by the switch


# --- writing a document ----------------------------------------------------------------------

DECAP_STYLE = """\
---
kilde:
  merknad: ""
  tittel: Referat Politirådet i Oslo 12.03.2026
  format: PDF
omrader:
  - alna
tittel: Referat fra møte 12. mars 2026
dato: 2026-03-12
sluttdato: ""
sted: ""
motetype: møte
temaer:
  - salto
  - beredskap
utkast: false
vedlegg: []
planlagte_moter:
  - motetype: seminar
    dato: 2026-06-01
    sluttdato: 2026-06-02
---
Teksten.

::: status 2025-1
Fulgt opp.
:::
"""
CAREFUL = """\
---
tittel: Referat fra møte 12. mars 2026
dato: 2026-03-12
motetype: møte
temaer: [salto, beredskap]
omrader: [alna]
kilde:
  tittel: Referat Politirådet i Oslo 12.03.2026
  format: PDF
planlagte_moter:
  - dato: 2026-06-01
    sluttdato: 2026-06-02
    motetype: seminar
---

Teksten.

::: status 2025-1
Fulgt opp.
:::
"""


def test_decap_output_is_written_in_schema_order_without_empty_keys() -> None:
    parsed = split(DECAP_STYLE)
    text = document_text("referat", parsed.front.data, parsed.body, load_schemas(SCHEMA))
    assert text == CAREFUL


def test_a_draft_keeps_its_mark_and_a_required_empty_list_its_key() -> None:
    text = document_text("referat", {"tittel": "T", "dato": "2026-01-01", "motetype": "møte",
                                     "utkast": True, "kilde": {"tittel": "K"}}, "",
                         load_schemas(SCHEMA))
    assert text == ("---\ntittel: T\ndato: 2026-01-01\nmotetype: møte\ntemaer: []\n"
                    "omrader: []\nutkast: true\nkilde:\n  tittel: K\n---\n")


@pytest.mark.parametrize(("kind", "slug"), [("referat", "2026-03-12"),
                                          ("avtale", "ny-avtale"),
                                          ("oppfolgingspunkt", "2026-3")])
def test_a_new_document_saved_unchanged_differs_only_by_its_comments(
        tmp_path: Path, kind: str, slug: str) -> None:
    """``new`` and the web editor write one layout, so saving a new file adds no diff."""
    path = create(tmp_path, kind, slug, load_schemas(SCHEMA))
    made = path.read_text(encoding="utf-8")
    parsed = split(made)
    saved = document_text(FOLDERS[path.parent.name], parsed.front.data, parsed.body,
                          load_schemas(SCHEMA))
    assert saved == "".join(line for line in made.splitlines(keepends=True)
                            if not line.lstrip().startswith("# "))


def test_unknown_keys_are_kept_for_the_check_to_name() -> None:
    text = document_text("oppfolgingspunkt", {"tittel": "T", "farge": {"a": 1}}, "x",
                         load_schemas(SCHEMA))
    assert 'farge: {"a": 1}' in text


def _documents(root: Path) -> list[Path]:
    return sorted(path for folder in FOLDERS for path in (root / folder).glob("*.md"))


@pytest.mark.parametrize("root", [CONTENT, FIXTURES / "gyldig"], ids=["content", "gyldig"])
def test_every_document_rewritten_still_passes_check_unchanged(root: Path,
                                                               tmp_path: Path) -> None:
    """Opening and saving any document in the editor keeps it valid and means the same."""
    copy = tmp_path / "innhold"
    shutil.copytree(root, copy)
    schemas = load_schemas(SCHEMA)
    before, _ = validate(load_content(root)[0], Schemas(schemas))
    for path in _documents(copy):
        parsed = split(path.read_text(encoding="utf-8"))
        kind = FOLDERS[path.parent.name]
        path.write_text(document_text(kind, parsed.front.data, parsed.body, schemas),
                        encoding="utf-8")
    _archive, problems = check(Paths(content=copy))
    assert problems == []
    # The build's archive holds no Markdown once compiled (pipeline.without_bodies): the
    # rewritten files are read and validated again to compare their fields and text.
    rewritten, _ = validate(load_content(copy)[0], Schemas(schemas))
    after = {doc.path: doc for doc in rewritten.content.documents}
    for doc in before.content.documents:
        assert dict(after[doc.path].fields) == {
            k: v for k, v in doc.fields.items()
            if not (k in ("utkast", "avsluttet", "udatert") and v is False)}, doc.path
        assert after[doc.path].body.strip() == doc.body.strip(), doc.path


def test_the_production_folder_has_the_editor_and_no_local_backend(tmp_path: Path) -> None:
    from politiradet.editor.__main__ import main

    out = tmp_path / "admin"
    assert main(["--repo", "oslo/arkiv", "--backend", "gitlab", "--innlogging", "auth_type=pkce",
                 "--innlogging", "app_id=abc", "--content", str(CONTENT), "--ut", str(out)]) == 0
    config = yaml.safe_load((out / "config.yml").read_text(encoding="utf-8"))
    assert "local_backend" not in config
    assert config["backend"] == {"name": "gitlab", "repo": "oslo/arkiv", "branch": "main",
                                 "squash_merges": True, "auth_type": "pkce", "app_id": "abc"}
    assert config["collections"] == _config()["collections"]
    index = (out / "index.html").read_text(encoding="utf-8")
    for script in ("oppstart.js", "decap/decap-cms.js", "politiradet-cms.js"):
        assert f'<script src="{script}">' in index and (out / script).is_file()
    points = json.loads((out / "punkter.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in points][:2] == ["2025-1", "2025-2"]
    assert (out / "decap" / "LICENSE-decap-cms").is_file()


@pytest.mark.parametrize(("args", "message"), [
    ([], "feil: mangler: --repo."),
    (["--repo", "a/b", "--backend", "bitbucket"], "feil: argumentet --backend: ugyldig valg"),
    (["--repo", "a/b", "--content", "finnes-ikke"], "feil: fant ikke innholdsmappen «finnes-ikke»"),
    (["--repo", "a/b", "--ut", "fil"], "feil: filen eller mappen «fil"),
])
def test_the_production_command_explains_its_mistakes_in_norwegian(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        args: list[str], message: str) -> None:
    from politiradet.editor.__main__ import main

    monkeypatch.chdir(tmp_path)
    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "fil").write_text("en fil, ikke en mappe", encoding="utf-8")
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err, err
    assert not (tmp_path / "admin").exists()


def test_the_vendored_bundle_is_the_pinned_one() -> None:
    """What tools/update_decap.py fetched: the pinned version, licences kept, no source maps."""
    folder = ROOT / "politiradet" / "editor" / "decap"
    versions = json.loads((folder / "VERSIONS.json").read_text(encoding="utf-8"))
    tool = (ROOT / "tools" / "update_decap.py").read_text(encoding="utf-8")
    assert f'VERSION = "{versions["decap-cms"]["version"]}"' in tool
    assert {"decap-cms.js", "decap-cms.js.LICENSE.txt", "LICENSE-decap-cms"} <= {
        p.name for p in folder.iterdir()}
    assert not list(folder.glob("*.map"))


def test_the_editor_is_never_published(tmp_path: Path) -> None:
    from conftest import build_fixture

    site, result = build_fixture(tmp_path)
    assert result.code == 0, result.err
    names = {path.name for path in site.rglob("*")}
    assert not names & {"decap-cms.js", "config.yml", "politiradet-cms.js", "admin"}
