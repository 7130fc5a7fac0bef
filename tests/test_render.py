"""Small pieces of render.py and address.py: dates, base URLs, JSON-LD escaping."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from politiradet.common.address import DEFAULT_ORIGIN, SiteAddress
from politiradet.rendering.environment import json_for_script, norwegian_date


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
