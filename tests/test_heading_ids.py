"""Heading ids in a document body never collide with ids the page itself uses."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from politiradet.model.content import Document
from politiradet.stages.compile import compile_document
from politiradet.stages.markdown import TEMPLATE_IDS

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _ids(body: str) -> list[str]:
    doc = Document("referat", "x", "referater/x.md", "x.md", "T", dt.date(2025, 1, 1), (), (),
                   False, {}, body, 1)
    return [heading.anchor for heading in compile_document(doc, {}).headings]


def test_every_id_in_the_templates_is_reserved() -> None:
    found = {match for path in TEMPLATES.glob("*.html")
             for match in re.findall(r'\bid="([a-z][a-z0-9-]*)"', path.read_text("utf-8"))}
    assert found <= TEMPLATE_IDS, f"add to markdown.TEMPLATE_IDS: {sorted(found - TEMPLATE_IDS)}"


@pytest.mark.parametrize(("heading", "expected"), [
    ("Hovedinnhold", "hovedinnhold-1"),
    ("Status 2025-1", "status-2025-1-1"),
    ("Fn1", "fn1-1"),
    ("Dagsorden", "dagsorden"),
])
def test_heading_takes_a_free_id(heading: str, expected: str) -> None:
    assert _ids(f"## {heading}\n") == [expected]
