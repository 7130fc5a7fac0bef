"""The preview's shortcut (quickpage.py): a saved document's page rendered alone must be byte for
byte the page the full build makes of the same content, and every save the shortcut cannot
answer exactly must be left to the full build."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture

from politiradet.pipeline import Paths, build, check
from politiradet.preview.quickpage import QuickPages
from politiradet.stages.link import with_body

REFERAT = "referater/2025-05-14.md"
POINT = "oppfolgingspunkter/2025-1.md"

SHOWN_AT_ONCE = {
    "a word in the text": (REFERAT, "OPD orienterte om SaLTo.",
                           "OPD orienterte grundig om SaLTo."),
    "a new paragraph": (REFERAT, "## 2. Status", "Et nytt avsnitt med SaLTo.\n\n## 2. Status"),
    "headings enough for a table of contents": (
        REFERAT, "## 2. Status", "## Mer\n\nTekst.\n\n### Enda mer\n\nTekst.\n\n## 2. Status"),
    "the text of a status block": (REFERAT, "Beredskapsetaten følger opp.",
                                   "Beredskapsetaten følger opp, og OPD rapporterer i juni."),
    "a footnote": (REFERAT, "OPD orienterte om SaLTo.", "OPD orienterte[^1] om SaLTo.\n\n"
                   "[^1]: Etter møtet."),
    "a follow-up point's text": (POINT, "\n---\n", "\n---\nEn ny innledning.\n\n"),
}

SHORTER = (REFERAT, "OPD orienterte om SaLTo.", "OPD orienterte kort om SaLTo.")
"""A change of the text that mentions the same topics and areas."""

FULL_BUILD_ONLY = {
    "a newly mentioned area": (REFERAT, "OPD orienterte om SaLTo.",  # its page lists the minutes
                               "OPD orienterte om SaLTo og Alna."),
    "the title": (REFERAT, "tittel: Referat fra møte 14. mai 2025",
                  "tittel: Referat fra møtet 14. mai 2025"),
    "a new link": (REFERAT, "OPD orienterte om SaLTo.",
                   "OPD orienterte om [SaLTo](../avtaler/avtale-2023.md)."),
    "a link to nothing": (REFERAT, "OPD orienterte om SaLTo.",
                          "OPD orienterte om [SaLTo](finnes-ikke.md)."),
    "a removed link": (REFERAT, "[forrige møte](2016-01-12.md)", "forrige møte"),
    "a new status block": (REFERAT, "## 2. Status", "::: status 2025-1\nMer.\n:::\n\n## 2. Status"),
    "a stray container line": (REFERAT, "## 2. Status", ":::\n\n## 2. Status"),
    "broken YAML": (REFERAT, "motetype: møte", "motetype: [møte"),
    "a value the schema refuses": (REFERAT, "dato: 2025-05-14", "dato: 2025-02-30"),
    "a draft flag": (REFERAT, "motetype: møte", "motetype: møte\nutkast: true"),
}


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Paths, QuickPages]:
    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "buffer"))
    paths = Paths(content=copy_fixture("gyldig", tmp_path), out=tmp_path / "site")
    report = build(paths)
    assert report.archive is not None
    quick = QuickPages(paths.content, paths.templates, paths.schema)
    quick.update(report.archive)
    return paths, quick


def edit(paths: Paths, file: str, old: str, new: str) -> Path:
    path = (paths.content / file).resolve()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", SHOWN_AT_ONCE)
def test_a_text_change_is_shown_exactly_as_the_full_build_makes_it(
        built: tuple[Paths, QuickPages], case: str) -> None:
    paths, quick = built
    saved = edit(paths, *SHOWN_AT_ONCE[case])
    page = quick.render({saved})
    assert page is not None
    build(paths)
    assert page.content == (paths.out / page.path).read_bytes()


@pytest.mark.parametrize("case", SHOWN_AT_ONCE)
def test_a_body_swapped_in_gives_the_histories_the_link_stage_makes(tmp_path: Path,
                                                                    case: str) -> None:
    """``with_body`` changes only the saved document's status updates; every point's history
    and every document's reports must be what linking the whole archive gives."""
    paths = Paths(content=copy_fixture("gyldig", tmp_path))
    before, problems = check(paths, use_cache=False)
    assert before is not None and not problems
    file = SHOWN_AT_ONCE[case][0]
    edit(paths, *SHOWN_AT_ONCE[case])
    after, problems = check(paths, use_cache=False)
    assert after is not None and not problems
    swapped = with_body(before, before.by_path[file], after.compiled[file])
    for made, linked in ((swapped.history, after.history), (swapped.reported, after.reported)):
        assert made.keys() == linked.keys()
        assert all([(u.point.path, u.document.path, u.block) for u in made[key]]
                   == [(u.point.path, u.document.path, u.block) for u in linked[key]]
                   for key in made)
    assert swapped.compiled == after.compiled


@pytest.mark.parametrize("case", FULL_BUILD_ONLY)
def test_any_other_change_is_left_to_the_full_build(built: tuple[Paths, QuickPages],
                                                    case: str) -> None:
    paths, quick = built
    assert quick.render({edit(paths, *FULL_BUILD_ONLY[case])}) is None


def test_two_saves_in_a_row_build_on_each_other(built: tuple[Paths, QuickPages]) -> None:
    paths, quick = built
    assert quick.render({edit(paths, REFERAT, "Beredskapsetaten følger opp.",
                              "Beredskapsetaten følger opp i mai.")}) is not None
    page = quick.render({edit(paths, *SHORTER)})
    assert page is not None
    build(paths)
    assert page.content == (paths.out / page.path).read_bytes()
    point = (paths.out / "oppfolgingspunkter" / "2025-1" / "index.html").read_text()
    assert "følger opp i mai" in point


def test_new_files_several_files_and_other_folders_are_left_to_the_full_build(
        built: tuple[Paths, QuickPages], tmp_path: Path) -> None:
    paths, quick = built
    content = paths.content.resolve()
    new = content / "referater" / "2025-06-01.md"
    new.write_text((content / REFERAT).read_text(encoding="utf-8"), encoding="utf-8")
    assert quick.render({new}) is None
    assert quick.render({content / REFERAT, content / POINT}) is None
    assert quick.render({content / "temaer.yaml"}) is None
    assert quick.render({paths.templates.resolve() / "dokument.html"}) is None
    assert quick.render({content / "referater" / "utkast.md"}) is None  # not published


def test_nothing_is_shown_before_a_good_build(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    quick = QuickPages(content, Paths().templates, Paths().schema)
    assert quick.render({(content / REFERAT).resolve()}) is None


def test_a_build_that_missed_a_save_gets_it_applied_again(
        built: tuple[Paths, QuickPages]) -> None:
    """Save 1 is read by a full build; save 2 comes while it runs. Taking that build's archive
    over must keep save 2's text: the point's page shows the status block as save 2 left it."""
    paths, quick = built
    assert quick.render({edit(paths, *SHORTER)},
                        save=1) is not None
    report = build(paths)
    assert report.archive is not None
    assert quick.render({edit(paths, REFERAT, "Beredskapsetaten følger opp.",
                              "Beredskapsetaten følger opp etter lagring 2.")},
                        save=2) is not None
    quick.update(report.archive, covered=1)
    page = quick.render({edit(paths, POINT, "\n---\n", "\n---\nLagring 3.\n\n")}, save=3)
    assert page is not None
    assert "etter lagring 2" in page.content.decode()
    build(paths)
    assert page.content == (paths.out / page.path).read_bytes()


def test_after_a_change_only_the_full_build_can_take_in_nothing_is_shown_ahead(
        built: tuple[Paths, QuickPages]) -> None:
    """Save 2 changes a title; a build that started before it must not bring the shortcut
    back (its archive has the old title), one that has read it must."""
    paths, quick = built
    edit(paths, *FULL_BUILD_ONLY["the title"])
    quick.forget(save=2)
    report = build(paths)
    assert report.archive is not None
    quick.update(report.archive, covered=1)
    assert quick.render({edit(paths, *SHOWN_AT_ONCE["a word in the text"])}, save=3) is None
    quick.update(report.archive, covered=2)
    page = quick.render({edit(paths, REFERAT, "følger opp", "følger det opp")}, save=4)
    assert page is not None
    build(paths)
    assert page.content == (paths.out / page.path).read_bytes()
