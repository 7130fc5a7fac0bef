"""Property-based tests: generated front matter and Markdown never crash the checker or stall it.

Whatever an editor or a tool writes, loading, validating and linking either succeed or
report located problems; nothing raises and no example takes more than a second.
Derandomized, so CI runs the same examples every time; for a deeper, random hunt run
``FUZZ_EXAMPLES=5000 FUZZ_RANDOM=1 python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from politiradet.commands import cli
from politiradet.common.address import SiteAddress
from politiradet.common.slug import SLUG, too_long
from politiradet.errors import Problem
from politiradet.model.content import BASE, Document
from politiradet.pipeline import Paths, check
from politiradet.stages import frontmatter
from politiradet.stages.compile import compile_document
from politiradet.stages.frontmatter import FrontMatterError
from politiradet.stages.load import load_content, load_schemas
from politiradet.stages.validate import Schemas

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


# --- the command line's options: never a traceback, exit 0/1/2, nothing outside touched

FUZZ_CLI = settings(FUZZ, deadline=None, max_examples=max(1, EXAMPLES // 4),
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
FUZZ_BUILD = settings(FUZZ_CLI, max_examples=max(1, EXAMPLES // 20))
"""Fewer examples where a valid option means a whole build (a second or more each)."""
PATH_PIECES = ["a", "site", "ut", ".", "..", "/", "//", " ", "-", "--", "~", "æ", "%20", "\\",
               "*", "?", "\n", "innhold", "utenfor", "notat.txt", ".skjult", "x" * 120, "ø" * 90,
               "a\u0301", "\u0430", "\t", "'", '"', "$HOME", "-h"]
URL_PIECES = ["/", "//", "a", "politiradet", " ", "..", ".", "?", "#", "%", "%20", "%2e", "&",
              "=", ":", "@", "http:", "https://", "ftp://", "example.org", "[::1]", ":8080",
              "\\", "\n", "\x7f", "\u0085", "æ", "<", '"', "javascript:", "~", "-", "+"]
paths = st.lists(st.sampled_from(PATH_PIECES), max_size=5).map("".join).map(
    lambda text: "." + text if text.startswith("/") else text).filter(
    lambda text: text.count("..") <= 2)
"""Relative paths that stay inside the fuzz folder: at most two «..», never absolute."""
urls = st.lists(st.sampled_from(URL_PIECES) | st.text(max_size=4), max_size=6).map("".join)
ports = st.one_of(st.integers(), st.text(max_size=6), st.sampled_from(["-1", "65536", "1e3",
                                                                        "0x50", " 80", "٨٠"]))


@dataclass
class Workspace:
    """A fuzz folder: the content and the working directory three levels down, a folder of
    someone else's files beside them that must never change."""

    root: Path
    work: Path
    outside: Path

    def snapshot(self) -> dict[str, bytes]:
        return {str(path.relative_to(self.outside)): path.read_bytes()
                for path in sorted(self.outside.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("cli")
    work = root / "a" / "b" / "arbeid"
    shutil.copytree(FIXTURES / "gyldig", work / "innhold")
    outside = root / "utenfor"
    (outside / "dokumenter").mkdir(parents=True)
    (outside / "dokumenter" / "viktig.docx").write_bytes(b"viktig")
    (work / "notat.txt").write_text("mine notater\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        patch.setenv("POLITIRADET_CACHE", str(root / "cache"))
        yield Workspace(root, work, outside)


def _run_cli(workspace: Workspace, *argv: str) -> tuple[int, str]:
    """Run the CLI in this process; any exception (a traceback for the user) fails the test."""
    before, around = workspace.snapshot(), sorted(os.listdir(workspace.root.parent))
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    assert code in (0, 1, 2), (code, err.getvalue())
    if code == 2:
        assert "feil: " in err.getvalue(), err.getvalue()
    assert workspace.snapshot() == before, "files outside were changed"
    assert (workspace.work / "notat.txt").read_text(encoding="utf-8") == "mine notater\n"
    assert sorted(os.listdir(workspace.root.parent)) == around, "something made outside"
    return code, err.getvalue()


@FUZZ_BUILD
@given(paths)
def test_fuzzed_out_never_crashes_or_touches_other_files(workspace: Workspace, out: str) -> None:
    _run_cli(workspace, "build", "--content", "innhold", "--out", out)


@FUZZ_BUILD
@given(urls)
def test_fuzzed_base_url_is_refused_or_builds(workspace: Workspace, base_url: str) -> None:
    code, _ = _run_cli(workspace, "build", "--content", "innhold", "--out", "site",
                       f"--base-url={base_url}")
    if code == 0:
        address = SiteAddress.parse(base_url)
        assert " " not in address.path and "?" not in address.path and "#" not in address.path
        assert all(part not in (".", "..") for part in address.path.split("/"))


@FUZZ_CLI
@given(paths, st.sampled_from(["check", "new"]))
def test_fuzzed_content_folder_never_crashes(workspace: Workspace, content: str,
                                             command: str) -> None:
    extra = ["referat", "2026-03-12"] if command == "new" else []
    _run_cli(workspace, command, "--content", content or ".", *extra)


@FUZZ_CLI
@given(st.sampled_from(["referat", "avtale", "oppfolgingspunkt"]) | st.text(max_size=12),
       paths | st.text(max_size=40) | st.sampled_from(["2026-02-30", "2025-8", "x" * 300]))
def test_fuzzed_new_never_crashes(workspace: Workspace, kind: str, slug: str) -> None:
    code, _ = _run_cli(workspace, "new", "--content", "innhold", "--", kind, slug)
    if code == 0:  # a valid id: the new draft must pass the checker's file name rules
        assert SLUG.match(slug) and not too_long(slug), slug
        made = list((workspace.work / "innhold").rglob(f"{slug}.md"))
        assert len(made) == 1, made
        made[0].unlink()


def _usable_port(text: str) -> bool:
    try:
        return 0 <= int(text) <= 65535  # as argparse reads it: « 80» and «٨٠» are 80
    except ValueError:
        return False


@FUZZ_CLI
@given(ports)
def test_fuzzed_port_is_refused_cleanly(workspace: Workspace, port: int | str) -> None:
    text = str(port)
    assume(not _usable_port(text))  # a usable port starts the server (tested in test_serve)
    assert _run_cli(workspace, "serve", "--content", "innhold", f"--port={text}")[0] == 2
