"""Property-based tests: generated front matter and Markdown never crash the checker or stall it.

Whatever an editor or a tool writes, loading, validating and linking either succeed or
report located problems; nothing raises and no example takes more than a second.
Derandomized, so CI runs the same examples every time; for a deeper, random hunt run
``FUZZ_EXAMPLES=5000 FUZZ_RANDOM=1 python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from politiradet import frontmatter
from politiradet.compile import compile_document
from politiradet.errors import Problem
from politiradet.frontmatter import FrontMatterError
from politiradet.load import load_content, load_schemas
from politiradet.model import BASE, Document
from politiradet.pipeline import Paths, check
from politiradet.validate import Schemas

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(deadline=dt.timedelta(seconds=1), max_examples=EXAMPLES,
                derandomize=not os.environ.get("FUZZ_RANDOM"), database=None,
                suppress_health_check=[HealthCheck.too_slow])
FUZZ_SITE = settings(FUZZ, max_examples=max(1, EXAMPLES // 2))

VALID = (FIXTURES / "gyldig" / "referater" / "2025-05-14.md").read_text(encoding="utf-8")
KEYS = ["tittel", "dato", "sluttdato", "motetype", "sted", "temaer", "omrader", "utkast",
        "kilde", "vedlegg", "planlagte_moter", "seminar", "nummer", "publisert_i", "vedtatt",
        "avsluttet",
        "gyldig_fra", "gyldig_til", "avtaletype", "signatarer", "navn", "lenke", "slug"]
WORDS = ["salto", "furuset", "2025-05-14", "2025-02-30", "14.05.2025", "møte", "seminar",
         "true", "false", "yes", "null", "~", "0", "-1", "2025", "1e400", ".nan", "010", "1:30",
         "../referater/2016-01-12.md", "2016-01-12.md", "javascript:alert(1)", "</script>",
         "\ufeff", "æøå", "", " ", "#", "&a", "*a", "!!str", "[", "{", "'", '"', "\\", "\t"]
YAML_ALPHABET = string.ascii_letters[:8] + string.digits[:4] + " :-[]{},#&*!|>'\"\\?%@`\t\n.~æø"
MARKDOWN_PIECES = ["[", "]", "(", ")", "!", "*", "_", "`", "<", ">", "&", "#", "|", "-", ":",
                   "^", "\\", "~", " ", "\n", "\n\n", "    ", "x", "OPD", "SaLTo", "1.",
                   "::: status 2025-1\n", ":::\n", "[^1]", "[^1]: fotnote\n", "## Tittel\n",
                   "[a](2016-01-12.md)", "[a](../oppfolgingspunkter/2025-1.md#x)", "<b>",
                   "[a](javascript:alert(1))", "![b](x.png)", "|a|b|\n|-|-|\n", "&#0;", "&amp;",
                   "<script>alert(1)</script>", "\r\n", "\u2028", "ø"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.sampled_from(WORDS), st.text(max_size=30))
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=4)),
    max_leaves=20)
front_matters = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), values,
                                max_size=12)
markdown_bodies = st.lists(st.sampled_from(MARKDOWN_PIECES) | st.text(max_size=10),
                           max_size=80).map("".join)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("fuzz") / "gyldig"
    shutil.copytree(FIXTURES / "gyldig", root)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas(load_schemas(Paths().schema))


def _dump(data: Any, flow: bool) -> str:
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False)


def _assert_located(problems: list[Problem]) -> None:
    for problem in problems:
        assert problem.line >= 1 and problem.col >= 1, problem
        assert problem.message and "Traceback" not in problem.message, problem


def _check_file(site: Path, relative: str, text: str | bytes) -> list[Problem]:
    path = site / relative
    path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    try:
        _, problems = check(Paths(content=site))
    finally:
        path.unlink()
    _assert_located(problems)
    return problems


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_decode_and_split_or_explain(raw: bytes) -> None:
    try:
        frontmatter.split(frontmatter.decode(raw))
    except FrontMatterError as exc:
        assert exc.line >= 1 and exc.col >= 1 and exc.message


@FUZZ
@given(st.text(alphabet=YAML_ALPHABET, max_size=300))
def test_any_yaml_text_parses_or_explains(source: str) -> None:
    try:
        parsed = frontmatter.parse_yaml(source, first_line=2)
    except FrontMatterError as exc:
        assert exc.line >= 2 and exc.col >= 1 and exc.message
    else:
        for line, col in [*parsed.values.values(), *parsed.keys.values()]:
            assert line >= 2 and col >= 1


@FUZZ_SITE
@given(front_matters, markdown_bodies, st.booleans())
def test_generated_documents_never_crash_the_checker(site: Path, front: dict[str, Any],
                                                     body: str, flow: bool) -> None:
    _check_file(site, "referater/fuzz.md", f"---\n{_dump(front, flow)}---\n{body}")


@FUZZ_SITE
@given(st.data())
def test_mutated_valid_document_never_crashes_the_checker(site: Path, data: Any) -> None:
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 12)))
        insert = data.draw(st.sampled_from(WORDS + MARKDOWN_PIECES) | st.text(max_size=4))
        text = text[:start] + insert + text[end:]
    _check_file(site, "referater/2025-05-14.md", text)
    (site / "referater" / "2025-05-14.md").write_text(VALID, encoding="utf-8")


@FUZZ_SITE
@given(st.sampled_from(["temaer", "omrader", "forkortelser"]), values, st.booleans())
def test_generated_registries_never_crash_the_checker(site: Path, name: str, data: Any,
                                                      flow: bool) -> None:
    path = site / f"{name}.yaml"
    original = path.read_bytes()
    try:
        path.write_text(_dump(data, flow), encoding="utf-8")
        _, problems = check(Paths(content=site))
        _assert_located(problems)
    finally:
        path.write_bytes(original)


@FUZZ
@given(markdown_bodies)
def test_any_markdown_parses_and_renders(body: str) -> None:
    doc = Document(kind="referat", slug="x", path="referater/x.md", source="x.md", title="x",
                   date=dt.date(2025, 5, 14), topics=(), areas=(), draft=False, fields={},
                   body=body, body_line=10)
    compiled = compile_document(doc, {"BER": "Beredskapsetaten"})
    html = compiled.html_at("/")
    assert "<script" not in html.lower() and BASE not in html
    for ref in compiled.links:
        assert ref.line >= 10 and ref.col >= 1


def test_fuzzing_reaches_the_loader_with_real_documents(site: Path) -> None:
    """Guard against a fuzz fixture that silently loads nothing."""
    raw, problems = load_content(site)
    assert problems == [] and len(raw.documents) == 5
