"""Importing minutes of another police council (``politirad``) into an archive of several.

The council is the one ``--politirad`` names, else the one the title line or the letterhead
names, else the archive's own (written without the key); a wrong slug is refused with the
nearest one and nothing is written. Run as the secretariat runs it: ``build.py import`` on a
real Word file, then ``build.py check``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli
from docx import Document as new_docx

COUNCILS = """\
- slug: oslo
  navn: Politirådet i Oslo
- slug: bergen
  navn: Politirådet i Bergen
- slug: tromso
  navn: Politirådet i Tromsø
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The real archive with two more councils in its registry."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    (target / "politirad.yaml").write_text(COUNCILS, encoding="utf-8")
    return target


def minutes(target: Path, title: str, letterhead: str = "") -> Path:
    """A Word file of short minutes from 14 May 2025, the day Oslo's council met too."""
    document = new_docx()
    if letterhead:
        document.add_paragraph(letterhead)
    document.add_heading(title, level=1)
    document.add_paragraph("Til stede: Kari Nordmann, Ola Nordmann")
    document.add_heading("1. Dagsorden godkjent", level=2)
    document.add_heading("2. Orientering fra politiet", level=2)
    document.add_paragraph("Politiet orienterte om kriminalitetsbildet blant barn og unge i "
                           "sentrum, og om samarbeidet med kommunen om forebygging.")
    document.save(str(target))
    return target


def front(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def test_the_council_the_title_names_is_written_and_its_meeting_is_its_own(
        content: Path, tmp_path: Path) -> None:
    source = minutes(tmp_path / "bergen.docx", "Referat fra møte i Politirådet i Bergen 14.05.2025")
    result = run_cli("import", source, "--content", content)
    assert result.code == 0, result.err
    written = content / "referater/2025-05-14-bergen.md"
    assert written.is_file(), "Oslo's council met that day too: the id carries the council"
    head = front(written)
    assert head["politirad"] == "bergen"
    assert head["tittel"] == "Referat fra Politirådet i Bergen 14. mai 2025"
    assert ("politiråd: Politirådet i Bergen (navnet «Politirådet i Bergen» står i "
            "tittellinjen)") in result.out
    assert run_cli("check", "--content", content).code == 0

    again = run_cli("import", minutes(tmp_path / "igjen.docx", "Referat Politirådet i Bergen "
                                      "14.05.2025"), "--content", content, "--id", "kopi")
    assert again.code == 1
    assert ("2025-05-14-bergen.md er allerede referatet fra møte i Politirådet i Bergen "
            "14. mai 2025") in again.err
    assert not (content / "referater/kopi.md").exists()


def test_politirad_chooses_the_council_and_a_letterhead_is_read_when_the_title_names_none(
        content: Path, tmp_path: Path) -> None:
    source = minutes(tmp_path / "tromso.docx", "Referat 14.05.2025",
                     letterhead="Politirådet i Tromsø")
    result = run_cli("import", source, "--content", content, "--id", "fra-brevhodet")
    assert result.code == 0, result.err
    assert front(content / "referater/fra-brevhodet.md")["politirad"] == "tromso"

    asked = run_cli("import", minutes(tmp_path / "valgt.docx", "Referat 14.05.2025"),
                    "--content", content, "--politirad", "bergen")
    assert asked.code == 0, asked.err
    assert front(content / "referater/2025-05-14-bergen.md")["politirad"] == "bergen"
    assert "politiråd: Politirådet i Bergen (valgt med «--politirad»)" in asked.out
    assert run_cli("check", "--content", content).code == 0


def test_minutes_that_name_no_other_council_are_the_archive_s_own(
        content: Path, tmp_path: Path) -> None:
    source = minutes(tmp_path / "oslo.docx", "Referat fra møte i Politirådet i Oslo 15.05.2025")
    result = run_cli("import", source, "--content", content)
    assert result.code == 0, result.err
    head = front(content / "referater/2025-05-15.md")
    assert "politirad" not in head
    assert head["tittel"] == "Referat fra Politirådet i Oslo 15. mai 2025"

    both = minutes(tmp_path / "felles.docx",
                   "Felles møte i Politirådet i Bergen og Politirådet i Tromsø 16.05.2025")
    joint = run_cli("import", both, "--content", content, "--type", "referat")
    assert joint.code == 0, joint.err
    assert "politirad" not in front(content / "referater/2025-05-16.md"), \
        "two councils named: the archive's own, and the editor chooses"


@pytest.mark.parametrize(("arguments", "message"), [
    (("--politirad", "bergn"), "politirådet «bergn» finnes ikke i content/politirad.yaml. "
                               "Mente du «bergen»? Rådene som finnes: oslo, bergen, tromso."),
    (("--politirad", "bergen", "--type", "avtale"),
     "«--politirad» gjelder bare referater, og dette ble lest som en avtale."),
], ids=["ukjent-rad", "avtale"])
def test_a_council_that_cannot_be_used_is_refused_and_nothing_is_written(
        content: Path, tmp_path: Path, arguments: tuple[str, ...], message: str) -> None:
    before = sorted(p.relative_to(content) for p in content.rglob("*"))
    source = minutes(tmp_path / "feil.docx", "Referat 14.05.2025")
    result = run_cli("import", source, "--content", content, *arguments)
    assert result.code == 1
    assert message in result.err and "Ingenting ble skrevet." in result.err
    assert "Traceback" not in result.err
    assert sorted(p.relative_to(content) for p in content.rglob("*")) == before


def test_an_archive_without_a_list_of_councils_refuses_politirad(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "politirad.yaml").unlink()
    result = run_cli("import", minutes(tmp_path / "r.docx", "Referat 14.05.2025"),
                     "--content", content, "--politirad", "bergen")
    assert result.code == 1
    assert "arkivet har ingen liste over politiråd" in result.err
    assert not list((content / "referater").glob("2025-05-14-*.md"))
