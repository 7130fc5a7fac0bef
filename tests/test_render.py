"""Small pieces of render.py and address.py: dates, base URLs, JSON-LD escaping, and the
renderer's keys after it is put on another archive."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import copy_fixture

from politiradet.common.address import DEFAULT_ORIGIN, SiteAddress
from politiradet.pipeline import Paths, check
from politiradet.rendering.environment import json_for_script, norwegian_date
from politiradet.rendering.pages import Renderer, document_page

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize(("fmt", "expected"), [
    ("long", "14. mai 2025"), ("short", "14.05.2025"), ("month", "mai 2025")])
def test_dates_are_norwegian(fmt: str, expected: str) -> None:
    assert norwegian_date(dt.date(2025, 5, 14), fmt) == expected


@pytest.mark.parametrize(("given", "path"), [
    ("", "/"), ("/", "/"), ("sub/path", "/sub/path/"), ("/sub/path/", "/sub/path/"),
    ("https://example.org/politiradet", "/politiradet/"), ("https://example.org", "/")])
def test_base_url_becomes_a_path_with_slashes(given: str, path: str) -> None:
    assert SiteAddress.parse(given).path == path


def test_absolute_base_url_gives_origin_for_machine_outputs() -> None:
    address = SiteAddress.parse("https://example.org/politiradet/")
    assert address.url("temaer/") == "/politiradet/temaer/"
    assert address.absolute("temaer/") == "https://example.org/politiradet/temaer/"
    assert SiteAddress.parse("/sub/").absolute() == DEFAULT_ORIGIN + "/sub/"


def test_json_ld_cannot_end_its_script_element() -> None:
    text = str(json_for_script({"name": "</script><script>alert(1)</script> & <!--"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!--"


def test_a_renderer_put_on_another_archive_keys_that_archive(tmp_path: Path) -> None:
    """After :meth:`Renderer.use` (the preview's quick page) every key is the one a renderer
    made for the new archive gives, none is left from the old archive."""
    content = copy_fixture("gyldig", tmp_path)
    before, problems = check(Paths(content=content), use_cache=False)
    assert problems == []
    referat = content / "referater" / "2025-05-14.md"
    referat.write_text(referat.read_text(encoding="utf-8").replace(
        "OPD orienterte om SaLTo.", "OPD orienterte grundig om SaLTo."), encoding="utf-8")
    after, problems = check(Paths(content=content), use_cache=False)
    assert problems == []
    doc = after.by_path["referater/2025-05-14.md"]

    def keys(renderer: Renderer) -> tuple[str, ...]:
        return (renderer.keys.texts_key, renderer.keys.shared_key,
                renderer.keys.document_key("dokument.html", doc.url + "index.html", doc),
                document_page(renderer, doc).key)

    renderer = Renderer(before, TEMPLATES, "/")
    old = keys(renderer)
    renderer.use(after)
    assert keys(renderer) == keys(Renderer(after, TEMPLATES, "/")) != old
