"""Every error message quoted in the editor's guide is what `check` really prints."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

GUIDE = ROOT / "docs" / "redaktorveiledning.md"
REFERAT = "referater/2025-05-14.md"

# The mistake that makes each quoted message: (file, old text, new text).
MISTAKES = {
    "listen i hakeparentes": (REFERAT, "motetype: møte", "motetype: [møte"),
    "kolon på feil sted": (REFERAT, "tittel: Referat fra", "tittel: Referat: fra"),
    "tabulatortegn": (REFERAT, "kilde:\n  tittel", "kilde:\n\ttittel"),
    "fant ikke front matter": (REFERAT, "---\ntittel", "tittel"),
    "mangler nøkkelen «motetype»": (REFERAT, "motetype: møte\n", ""),
    "ukjent nøkkel «motetpye»": (REFERAT, "motetype: møte", "motetpye: møte"),
    "«mote» er ikke en gyldig verdi": (REFERAT, "motetype: møte", "motetype: mote"),
    "«14.05.2025» i «dato»": (REFERAT, "dato: 2025-05-14", "dato: 14.05.2025"),
    "«temaer» skal være en liste": (REFERAT, "temaer: [salto]", "temaer: salto"),
    "ukjent tema «salot»": (REFERAT, "temaer: [salto]", "temaer: [salot]"),
    "ukjent politiråd «bergen»": (REFERAT, "motetype: møte", "motetype: møte\npolitirad: bergen"),
    "lenken «2016-01-13.md»": (REFERAT, "(2016-01-12.md)", "(2016-01-13.md)"),
    "ukjent oppfølgingspunkt «2025-9»": (REFERAT, "::: status 2025-1", "::: status 2025-9"),
    "status-blokken mangler punkt": (REFERAT, "::: status 2025-1", "::: status"),
    "«::: Status 2025-1» er ikke": (REFERAT, "::: status 2025-1", "::: Status 2025-1"),
    "«::: status 2025-1 ferdig»": (REFERAT, "::: status 2025-1", "::: status 2025-1 ferdig"),
    "filnavnet «Møte 12.md»": ("referater/Møte 12.md", "", ""),
    "datoen «2205-05-14»": (REFERAT, "dato: 2025-05-14", "dato: 2205-05-14"),
    "har tegnet «\u0430»": (REFERAT, "temaer: [salto]", "temaer: [s\u0430lto]"),
}


def quoted_messages() -> list[str]:
    """The ``FILE:LINE:COL: message`` lines in the guide's text blocks."""
    return re.findall(r"^content/\S.*?:\d+:\d+: .+$", GUIDE.read_text(encoding="utf-8"),
                      flags=re.MULTILINE)


def mistake_for(message: str) -> tuple[str, str, str]:
    matches = [key for key in MISTAKES if key in message]
    assert len(matches) == 1, f"legg til feilen som gir meldingen i MISTAKES: {message}"
    return MISTAKES[matches[0]]


def make_mistake(content: Path, file: str, old: str, new: str) -> None:
    path = content / file
    if not path.exists():
        shutil.copy(content / REFERAT, path)
        return
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_guide_quotes_messages() -> None:
    assert len(quoted_messages()) >= len(MISTAKES)


@pytest.mark.parametrize("message", quoted_messages())
def test_quoted_message_is_printed_by_check(tmp_path: Path, message: str) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "gyldig", content)
    make_mistake(content, *mistake_for(message))
    result = run_cli("check", "--content", "content", cwd=tmp_path)
    assert result.code == 1
    assert message in result.err.splitlines()
