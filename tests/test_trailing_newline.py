"""A value with a trailing line break never passes a check written with ``$``.

In Python's ``re`` (and in ``jsonschema``, which uses it for ``pattern``), ``$`` also matches
just before a final ``\\n``: ``re.match(r"^[a-z]+$", "salto\\n")`` succeeds. Every check of a
name, an id or a schema pattern must take the whole text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture, run_cli

from politiradet.commands.scaffold import scalar
from politiradet.pipeline import Paths, check


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return copy_fixture("gyldig", tmp_path)


def _problems(content: Path) -> list[str]:
    return [str(problem) for problem in check(Paths(content=content))[1]]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_file_name_ending_in_a_line_break_is_refused(content: Path) -> None:
    source = content / "referater" / "2025-05-14.md"
    (content / "referater" / "ny\n.md").write_bytes(source.read_bytes())
    assert any("kan ikke brukes i en nettadresse" in problem and "/ny\n.md:1:1:" in problem
               for problem in _problems(content)), _problems(content)


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("temaer.yaml", "- slug: beredskap", '- slug: "beredskap\\n"',
     "temaer.yaml:4:9: «beredskap\n» i «slug» er ikke et gyldig kortnavn."),
    ("referater/2025-05-14.md", "  tittel: Referat Politirådet i Oslo 14.05.2025",
     '  tittel: Referat Politirådet i Oslo 14.05.2025\n  url: "https://example.org/r.pdf\\n"',
     "referater/2025-05-14.md:9:8: «https://example.org/r.pdf\n» i «url» har ugyldig form."),
], ids=["registry-slug", "source-url"])
def test_a_schema_pattern_takes_the_whole_value(content: Path, file: str, old: str, new: str,
                                                expected: str) -> None:
    _edit(content / file, old, new)
    problems = _problems(content)
    assert any(expected in problem for problem in problems), problems


def test_new_refuses_an_id_ending_in_a_line_break(content: Path) -> None:
    result = run_cli("new", "referat", "2026-03-12\n", "--content", content)
    assert result.code == 2
    assert "kan ikke brukes som id i en nettadresse" in result.err
    assert sorted(p.name for p in (content / "referater").iterdir()) == [
        "2016-01-12.md", "2025-05-14.md", "utkast.md"]


def test_import_refuses_an_id_ending_in_a_line_break(content: Path, tmp_path: Path) -> None:
    source = tmp_path / "referat.txt"
    source.write_text("Referat fra møte i Politirådet 12. mars 2026\n\nTekst om SaLTo.\n",
                      encoding="utf-8")
    result = run_cli("import", source, "--content", content, "--id", "ny\n")
    assert result.code == 1
    assert "kan ikke brukes som id" in result.err and "Ingenting ble skrevet." in result.err
    assert sorted(p.name for p in (content / "referater").iterdir()) == [
        "2016-01-12.md", "2025-05-14.md", "utkast.md"]


@pytest.mark.parametrize("value", ["2026-03-12\n", "Møte om SaLTo\n"])
def test_a_value_ending_in_a_line_break_is_written_quoted(value: str) -> None:
    """Written plain, the line break would be lost and «2026-03-12» become a date."""
    assert scalar(value) == '"' + value.replace("\n", "\\n") + '"'
