"""The fast Markdown path (markdown-it-pyrs) against markdown-it-py: the same compiled records.

:mod:`politiradet.stages.markdown_rs` turns markdown-it-pyrs' tree into markdown-it-py's
tokens, or declines. Whatever it takes, the record it compiles (the encoded row: HTML, text,
links with their places, headings, abbreviations, status blocks, decisions, notes) must be
byte for byte the one markdown-it-py's tokens give. Judged on generated bodies (Hypothesis,
built from lines so that containers, lists, quotes, code and tables meet), on a generated
archive, on the real content and on the compile fixtures; and the fast path must really take
ordinary minutes (a differential test that never ran the fast path would prove nothing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from politiradet.model.content import Document
from politiradet.pipeline import Paths
from politiradet.stages import compile as compile_stage
from politiradet.stages import markdown, markdown_rs
from politiradet.stages.load import load_content, load_schemas
from politiradet.stages.mentions import NO_NAMES, Names, registry_names
from politiradet.stages.validate import Schemas, validate
from politiradet.store.records import Row

ROOT = Path(__file__).resolve().parent.parent
ABBREVIATIONS = {"BER": "Beredskapsetaten", "OPD": "Oslo politidistrikt",
                 "SaLTo": "Sammen lager vi et trygt Oslo"}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))

LINES = [
    "", "", "", "::: status 2025-1", "::: status 2025-2 avsluttet", "::: status", ":::",
    "::::", ":::: vedtak", "::: vedtak", "::: vedtak x", "::: statsu 2025-1", ":::   ",
    "::: status 2025-1 åpen", "  :::", "    ::: status 2025-3", "- ::: status 2025-1",
    "> ::: vedtak", "Tekst med BER og OPD.", "SaLTo møttes.", "BER", "## Status", "## Status",
    "### Vedtak `kode`", "# Tittel", "Setext", "===", "---", "***", "- punkt", "- punkt *x*",
    "  fortsatt", "1. en", "2) to", "5. fem", "> sitat [lenke](../referater/2016-01-12.md)",
    ">", "```", "```py", "~~~", "    kode", "| a | b |", "|:-|--:|", "| 1 | 2 | 3 |", "|x|",
    "[a](2016-01-12.md) og [b](../oppfolgingspunkter/2025-1.md#x)", "<https://example.org>",
    "<post@example.org>", "[ref][r]", "[r]: ../referater/2016-01-12.md \"tittel\"",
    "tekst  ", "tekst\\", "*em* **sterk** _u_ __uu__", "\\*ikke\\* &amp; &nbsp; &#0; &x;",
    "<b>rå</b>", "[js](javascript:alert(1))", "[mellom](<a b.md>)", "[h](#overskrift)",
    "`kode` med `` ` ``", "æøå ÆØÅ", "Tekst[^1]", "[^1]: fotnote", "![bilde](x.png)",
    "[u](http://æøå.no/)", "\tfane", "lang linje " * 8, "**€**R", "«*sitat*» og „*to*“",
    "kl.\u00a010", "a\u2028b", "^[innebygd fotnote]", "[R]:\\", "_\\<b*_*!*", "[`", "x [`a",
    "  - under", "    - dypere", "      - dypest", "* stjerne", "10. ti",
]
bodies = st.lists(st.sampled_from(LINES) | st.text(alphabet="ab *_`[]()#:>-|\\&\n", max_size=12),
                  max_size=40).map("\n".join)


def document(body: str, path: str = "referater/x.md") -> Document:
    return Document(kind="referat", slug="x", path=path, source=path, title="x",
                    date=dt.date(2025, 5, 14), topics=(), areas=(), draft=False, fields={},
                    body=body, body_line=3)


@contextlib.contextmanager
def markdown_it_py_only() -> Iterator[None]:
    original = markdown_rs.parse
    markdown_rs.parse = lambda *_args: None  # type: ignore[assignment]
    try:
        yield
    finally:
        markdown_rs.parse = original


def rows(doc: Document, abbreviations: dict[str, str], names: Names = NO_NAMES
         ) -> tuple[Row, Row]:
    """The record markdown-it-py's tokens give, and the one the fast path gives."""
    with markdown_it_py_only():
        slow = compile_stage._compiled(doc, abbreviations, names)[1]
    return slow, compile_stage._compiled(doc, abbreviations, names)[1]


def taken(body: str) -> bool:
    return markdown_rs.parse(body, markdown._container_name) is not None


@settings(deadline=None, max_examples=EXAMPLES,
          derandomize=not os.environ.get("FUZZ_RANDOM"), database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(bodies)
def test_generated_bodies_compile_to_the_same_record(body: str) -> None:
    slow, fast = rows(document(body), ABBREVIATIONS)
    assert fast == slow


def random_bodies(count: int, seed: int) -> Iterator[str]:
    """Bodies of the lines above the fast path can take, and random markup between them."""
    lines = [line for line in LINES if taken(line)]
    alphabet = "ab *[]()#:-|\\&!<.1\n æ"
    chance = random.Random(seed)
    for _ in range(count):
        parts = [chance.choice(lines) if chance.random() < 0.6 else
                 "".join(chance.choices(alphabet, k=chance.randint(0, 14)))
                 for _ in range(chance.randint(0, 30))]
        yield "\n".join(parts) + chance.choice(("", "\n"))


def test_random_bodies_that_the_fast_path_takes_compile_to_the_same_record() -> None:
    """Seeded, so the same bodies every run; and the fast path must take a good share of
    them, or this would compare markdown-it-py with itself."""
    count = int(os.environ.get("FUZZ_EXAMPLES", "300")) * 4
    bodies_taken = [body for body in random_bodies(count, seed=19) if taken(body)]
    assert len(bodies_taken) >= count // 6
    for body in bodies_taken:
        slow, fast = rows(document(body), ABBREVIATIONS)
        assert fast == slow, body


@pytest.mark.parametrize("body, expected", [
    ("Tekst\n\n::: status 2025-1\nInnhold\n:::\n", True),
    ("::: vedtak\n::: status 2025-1\nInnhold\n:::\nEtter\n", True),
    ("::: status 2025-1\nÅpen til slutten\n", True),
    ("::: status 2025-1\n:: to kolon\n", True),
    ("::: status 2025-1\n", True),
    ("Tekst\n::: status 2025-1\nrett etter et avsnitt\n:::\n", False),
    ("```\n::: status 2025-1\n```\n\n::: status 2025-1\nx\n:::\n", False),
    ("```\n\n::: status 2025-1\n```\n", False),
    ("```\n:::\n```\n\n::: status 2025-1\nx\n:::\n", True),
    ("Tekst *em* og _u_ og **s**\n", True),
    ("Tekst med * og _ alene\n", False),
    ("[lenke](x.md) og `kode`\n", False),
    ("| a | b |\n|---|---|\n| 1 | 2 |\n- liste\n", True),
    ("| a | b |\n|---|---|\n| 1 | 2 |\nrad uten strek\n", True),
    ("| a | b |\n|---|---|\n| 1 | 2 |\n\n- liste\n", True),
    ("[u](http://æøå.no/)\n", False),
    ("~~~\nåpen kodeblokk", False),
    ("::: status 2025-1\n```\n:::\n```\n", False),
    ("- liste\n  ::: status 2025-1\n", False),
    ("Tekst[^1]\n\n[^1]: fotnote\n", False),
    ("a\tb\n", False),
])
def test_the_fast_path_takes_what_it_can_promise(body: str, expected: bool) -> None:
    assert taken(body) is expected
    slow, fast = rows(document(body), ABBREVIATIONS)
    assert fast == slow


def _corpus(root: Path) -> tuple[list[Document], dict[str, str], Names]:
    raw, _problems = load_content(root)
    validated, _found = validate(raw, Schemas(load_schemas(Paths().schema)))
    content = validated.content
    return ([*content.documents, *validated.unvalidated],
            {a.short: a.meaning for a in content.abbreviations}, registry_names(content))


def test_a_generated_archive_compiles_to_the_same_records(tmp_path: Path) -> None:
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    import generate
    generate.generate(60, tmp_path)
    docs, abbreviations, names = _corpus(tmp_path)
    assert len(docs) == 60
    for doc in docs:
        assert taken(doc.body), doc.path
        slow, fast = rows(doc, abbreviations, names)
        assert fast == slow, doc.path


def test_the_real_content_compiles_to_the_same_records() -> None:
    docs, abbreviations, names = _corpus(ROOT / "content")
    assert sum(taken(doc.body) for doc in docs) >= len(docs) - 2
    for doc in docs:
        slow, fast = rows(doc, abbreviations, names)
        assert fast == slow, doc.path


@pytest.mark.parametrize("name", sorted(path.stem for path in
                                        (ROOT / "tests/fixtures/compile").glob("*.md")))
def test_the_compile_fixtures_compile_to_the_same_records(name: str) -> None:
    body = (ROOT / "tests/fixtures/compile" / f"{name}.md").read_text(encoding="utf-8")
    slow, fast = rows(document(body), ABBREVIATIONS)
    assert fast == slow
