"""Hostile and careless command-line options: exit 2 with a Norwegian message, nothing lost.

Data-driven: each case prepares the working folder, runs the real CLI with the options, and
expects the exit code, the start of the message, and every file that was there before still
there, byte for byte.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_fixture, run_cli

from politiradet.stages.write import MARKER

Setup = Callable[[Path], None]


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()
            and "innhold" not in path.relative_to(root).parts and ".cache" not in path.parts}


def _folder_with_notes(work: Path) -> None:
    (work / "victim").mkdir()
    (work / "victim" / "notater.docx").write_bytes(b"viktig")
    (work / "victim" / "under").mkdir()
    (work / "victim" / "under" / "budsjett.xlsx").write_bytes(b"tall")


def _folder_with_hidden_repo(work: Path) -> None:
    (work / "victim" / ".git").mkdir(parents=True)
    (work / "victim" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")


def _file(work: Path) -> None:
    (work / "notes.txt").write_text("mine notater\n")


def _symlink_to_file(work: Path) -> None:
    _file(work)
    (work / "lenke").symlink_to(work / "notes.txt")


def _dangling_symlink(work: Path) -> None:
    (work / "lenke").symlink_to(work / "finnes-ikke")


def _nothing(work: Path) -> None:
    pass


NOT_LINK = "feil: «lenke» er ikke en mappe"
NOT_OURS = "feil: mappen «victim» har filer som dette verktøyet ikke har laget"

# (id, set-up, options, expected exit code, expected start of the message)
OUT_CASES: list[tuple[str, Setup, list[str], int, str]] = [
    ("folder-with-documents", _folder_with_notes, ["--out", "victim"], 2, NOT_OURS),
    ("folder-with-only-a-hidden-repository", _folder_with_hidden_repo, ["--out", "victim"], 2,
     NOT_OURS),
    ("file", _file, ["--out", "notes.txt"], 2, "feil: «notes.txt» er ikke en mappe"),
    ("file-even-when-forced", _file, ["--out", "notes.txt", "--overskriv"], 2,
     "feil: «notes.txt» er ikke en mappe"),
    ("symlink-to-a-file", _symlink_to_file, ["--out", "lenke"], 2, NOT_LINK),
    ("dangling-symlink", _dangling_symlink, ["--out", "lenke"], 2, NOT_LINK),
    ("below-a-file", _file, ["--out", "notes.txt/site"], 2,
     "feil: filen eller mappen «"),
    ("trailing-slash", _folder_with_notes, ["--out", "victim/"], 2, NOT_OURS),
    ("name-too-long", _nothing, ["--out", "n" * 300], 2,
     "feil: filen eller mappen «nnn"),
    ("the-content-folder", _nothing, ["--out", "innhold"], 2, "feil: utmappen kan ikke være"),
    ("inside-the-content-folder", _nothing, ["--out", "innhold/site"], 2,
     "feil: utmappen kan ikke være innholdsmappen, ligge i den"),
    ("above-the-content-folder", _nothing, ["--out", "."], 2, "feil: utmappen kan ikke være"),
]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    copy_fixture("gyldig", tmp_path)
    (tmp_path / "gyldig").rename(tmp_path / "innhold")
    return tmp_path


@pytest.mark.parametrize(("setup", "options", "code", "message"),
                         [case[1:] for case in OUT_CASES], ids=[case[0] for case in OUT_CASES])
def test_out_that_must_not_be_replaced_is_refused(work: Path, setup: Setup, options: list[str],
                                                  code: int, message: str) -> None:
    setup(work)
    before = _tree(work)
    result = run_cli("build", "--content", "innhold", *options, cwd=work)
    assert (result.code, "Traceback" in result.err) == (code, False), result.err
    assert result.err.startswith(message), result.err
    assert _tree(work) == before, "nothing that was there may be lost or changed"


def test_empty_folder_and_own_output_are_replaced(work: Path) -> None:
    (work / "tom").mkdir()
    assert run_cli("build", "--content", "innhold", "--out", "tom", cwd=work).code == 0
    assert (work / "tom" / MARKER).is_file()
    assert (work / "tom" / "index.html").is_file()
    (work / "tom" / "gammel.html").write_text("fra en tidligere bygging")
    result = run_cli("build", "--content", "innhold", "--out", "tom", cwd=work)
    assert result.code == 0, result.err
    assert not (work / "tom" / "gammel.html").exists(), "the tool's own folder is replaced whole"


def test_overskriv_replaces_a_foreign_folder_when_asked(work: Path) -> None:
    _folder_with_notes(work)
    result = run_cli("build", "--content", "innhold", "--out", "victim", "--overskriv", cwd=work)
    assert result.code == 0, result.err
    assert not (work / "victim" / "notater.docx").exists()
    assert (work / "victim" / MARKER).is_file()


# (id, type, id, expected start of the message); every one exits 2 and writes nothing
NEW_CASES = [
    ("id-of-300-characters", "referat", "a" * 300,
     "feil: id-en er for lang (300 tegn); bruk høyst 100, for eksempel «aaaa"),
    ("id-longer-than-a-file-name-may-be", "avtale", "b" * 256, "feil: id-en er for lang (256"),
    ("id-typed-on-a-mac", "referat", unicodedata.normalize("NFD", "møte-på-tåsen"),
     "feil: «møte-på-tåsen» kan ikke brukes som id i en nettadresse. Bruk små bokstaver a–z, "
     "tall og bindestrek, for eksempel «mote-pa-tasen»."),
    ("cyrillic-a", "avtale", "s\u0430lto", "feil: «s\u0430lto» kan ikke brukes som id i en "
     "nettadresse. Bruk små bokstaver a–z, tall og bindestrek, for eksempel «salto»."),
    ("climbing-out", "referat", "../../utenfor", "feil: «../../utenfor» kan ikke brukes som id"),
    ("absolute-path", "referat", "/etc/passwd", "feil: «/etc/passwd» kan ikke brukes som id"),
    ("empty", "referat", "", "feil: «» kan ikke brukes som id"),
    ("unknown-type", "møte", "2026-03-12", "feil: ukjent dokumenttype «møte»."),
    ("impossible-date", "referat", "2026-02-30", "feil: «2026-02-30» ser ut som en dato, men"),
]


@pytest.mark.parametrize(("kind", "slug", "message"), [case[1:] for case in NEW_CASES],
                         ids=[case[0] for case in NEW_CASES])
def test_new_with_an_unusable_id_explains_and_writes_nothing(work: Path, kind: str, slug: str,
                                                             message: str) -> None:
    before = _tree(work / "innhold")
    result = run_cli("new", "--content", "innhold", kind, slug, cwd=work)
    assert (result.code, "Traceback" in result.err) == (2, False), result.err
    assert unicodedata.normalize("NFC", result.err).startswith(
        unicodedata.normalize("NFC", message)), result.err
    assert _tree(work / "innhold") == before
