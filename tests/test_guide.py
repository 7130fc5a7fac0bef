"""The editor's key reference is generated from the schemas and never drifts from them."""

from __future__ import annotations

from conftest import ROOT

from politiradet.commands import guide
from politiradet.model.schema_tree import DOCUMENT_SCHEMAS, document_keys
from politiradet.stages.load import load_schemas

SCHEMAS = load_schemas(ROOT / "schema")


def test_committed_key_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "redaktorveiledning-nokler.md").read_text(encoding="utf-8")
    assert committed == guide.generate(SCHEMAS), (
        "docs/redaktorveiledning-nokler.md er utdatert: "
        "kjør «python -m politiradet.commands.guide».")


def test_check_flag_reports_up_to_date() -> None:
    assert guide.main(["--check"]) == 0


def test_every_key_and_its_description_is_in_the_reference() -> None:
    text = guide.generate(SCHEMAS)
    for kind in DOCUMENT_SCHEMAS:
        for key in document_keys(kind, SCHEMAS):
            assert f"| `{key.path}` | {'ja' if key.required else 'nei'} |" in text
            assert key.schema["description"] in text


def test_value_kinds_are_explained_in_norwegian() -> None:
    assert guide.value_kind({"enum": ["møte", "seminar"]}) == "én av «møte», «seminar»"
    assert guide.value_kind({"type": "string", "format": "date"}) == "dato (ÅÅÅÅ-MM-DD)"
    assert guide.value_kind({"type": "integer", "minimum": 1}) == "heltall, minst 1"
    assert guide.value_kind({"type": "boolean", "default": False}) == (
        "true eller false (standard: false)")
