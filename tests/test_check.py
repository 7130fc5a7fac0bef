"""`build.py check` on deliberately broken copies of the fixture site: exact locations and hints."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture, run_cli

REFERAT = "referater/2025-05-14.md"

# The command line prints each problem as FILE:LINE:COL (a path the editor can open), one case
# per stage; every message is tested exactly in tests/fixtures/problems/ (test_load,
# test_validate, test_link, test_compile).
# (file to change, old text, new text, expected "FILE:LINE:COL: message" fragment)
CASES = [
    ("unknown-key", REFERAT, "motetype: møte", "motetype: møte\nmotetpye: møte",
     "referater/2025-05-14.md:5:1: ukjent nøkkel «motetpye». Mente du «motetype»?"),
    ("bad-enum", REFERAT, "motetype: møte", "motetype: mote",
     "referater/2025-05-14.md:4:11: «mote» er ikke en gyldig verdi for «motetype». "
     "Mente du «møte»?"),
    ("broken-link", REFERAT, "(2016-01-12.md)", "(2016-01-13.md)",
     "referater/2025-05-14.md:12:49: lenken «2016-01-13.md» peker til et dokument som ikke "
     "finnes (referater/2016-01-13.md). Mente du «2016-01-12.md»?"),
    ("no-front-matter", REFERAT, "---\ntittel", "tittel",
     "referater/2025-05-14.md:1:1: fant ikke front matter."),
]


@pytest.mark.parametrize(("name", "file", "old", "new", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_check_reports_problem_with_location_and_hint(tmp_path: Path, name: str, file: str,
                                                      old: str, new: str, expected: str) -> None:
    content = copy_fixture("gyldig", tmp_path)
    path = content / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_cli("check", "--content", content, cwd=tmp_path)
    assert result.code == 1, result.err
    assert f"gyldig/{expected}" in result.err, result.err
    assert "Traceback" not in result.err
    assert "Ingenting ble publisert" not in result.err, "check publiserer aldri"


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    path = content / REFERAT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("motetype: møte", "motetype: mote").replace(
        "(2016-01-12.md)", "(finnes-ikke.md)"), encoding="utf-8")
    (content / "referater/ny.md").write_text("tittel: uten front matter\n", encoding="utf-8")
    result = run_cli("check", "--content", content, cwd=tmp_path)
    assert result.code == 1
    problems = [line for line in result.err.splitlines() if line.startswith("gyldig/")]
    assert len(problems) == 3, result.err
    assert "3 feil funnet" in result.err


def test_two_referater_of_one_meeting_are_reported_naming_both(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    first = content / REFERAT
    second = content / "referater/2025-05-14-1.md"
    second.write_text(first.read_text(encoding="utf-8").replace("dato: 2025-05-14", "dato: "
                      "2025-05-14  # samme møte"), encoding="utf-8")
    result = run_cli("check", "--content", content, cwd=tmp_path)
    assert result.code == 1
    fix = ("Ett møte har ett referat: flytt det som mangler inn i det ene og slett det andre, "
           "eller rett «dato» eller «motetype» i det som er feil.")
    assert (f"gyldig/referater/2025-05-14.md:3:7: gyldig/referater/2025-05-14-1.md er også et "
            f"referat fra møte 2025-05-14. {fix}") in result.err, result.err
    assert (f"gyldig/referater/2025-05-14-1.md:3:7: gyldig/referater/2025-05-14.md er også et "
            f"referat fra møte 2025-05-14. {fix}") in result.err
    second.write_text(second.read_text(encoding="utf-8").replace("motetype: møte",
                                                                 "motetype: seminar"), "utf-8")
    assert "er også et referat" not in run_cli("check", "--content", content, cwd=tmp_path).err


def test_unreadable_document_does_not_cascade_into_link_errors(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    target = content / "referater/2016-01-12.md"
    target.write_text(target.read_text(encoding="utf-8").replace("motetype: møte",
                                                                 "motetype: [møte"), "utf-8")
    result = run_cli("check", "--content", content, cwd=tmp_path)
    assert result.code == 1
    problems = [line for line in result.err.splitlines() if line.startswith("gyldig/")]
    assert len(problems) == 1 and problems[0].startswith("gyldig/referater/2016-01-12.md:"), \
        result.err


def test_valid_content_passes(valid_content: Path) -> None:
    result = run_cli("check", "--content", valid_content)
    assert (result.code, result.err) == (0, "")
    assert "5 dokumenter kontrollert" in result.out


def test_github_format_annotates_the_line(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    path = content / REFERAT
    path.write_text(path.read_text(encoding="utf-8").replace("[salto]", "[salot]"), "utf-8")
    result = run_cli("check", "--content", content, "--format", "github", cwd=tmp_path)
    assert result.code == 1
    assert "::error file=gyldig/referater/2025-05-14.md,line=5,col=10::ukjent tema «salot»" \
        in result.err


def test_bad_file_name_is_refused_with_a_suggestion(valid_content: Path, tmp_path: Path) -> None:
    (valid_content / "referater/Møte 12. Mars.md").write_text("---\n---\n", encoding="utf-8")
    result = run_cli("check", "--content", valid_content, cwd=tmp_path)
    assert result.code == 1
    assert "«Møte 12. Mars.md» kan ikke brukes i en nettadresse" in result.err
    assert "«mote-12-mars.md»" in result.err


@pytest.mark.parametrize("args", [("check", "--content", "finnes-ikke"), ("bygg",), ()])
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 2
    assert "Traceback" not in result.err
