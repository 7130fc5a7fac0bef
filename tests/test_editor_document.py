"""A document the web editor saves again changes only where the editor changed it.

Decap sends the whole file as its own YAML (its key order, its quoting, dates as text). Saving
a real content file with one field changed must give a one-line diff in git: quotes, block
scalars, comments, key order and the body stay as the file had them.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from politiradet.commands.scaffold import create
from politiradet.editor.backend import normalised
from politiradet.stages.frontmatter import split
from politiradet.stages.load import load_schemas

SCHEMAS = load_schemas(ROOT / "schema")
REFERATER = sorted((ROOT / "content" / "referater").glob("*.md"))
OTHERS = [*sorted((ROOT / "content" / "avtaler").glob("*.md")),
          ROOT / "content" / "oppfolgingspunkter" / "2025-1.md"]


def _as_decap_sends(text: str, change: Any = None) -> str:
    """The file as Decap posts it: its own YAML dump (keys sorted, its quoting), the body."""
    parsed = split(text)
    data = copy.deepcopy(parsed.front.data)
    if change is not None:
        change(data)
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=60)
    return f"---\n{front}---\n{parsed.body.lstrip(chr(10))}"


def _saved(path: Path, raw: str) -> str:
    folder = path.parent.name
    return normalised(folder, raw, f"content/{folder}/{path.name}", SCHEMAS,
                      path.read_text(encoding="utf-8"))


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [line for line in diff[2:] if line.startswith("-")]
    added = [line for line in diff[2:] if line.startswith("+")]
    return removed, added


def _set(path: tuple[str, ...], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value
    return change


@pytest.mark.parametrize("path", [*REFERATER, *OTHERS], ids=lambda p: p.name)
def test_saving_unchanged_keeps_the_file_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _saved(path, _as_decap_sends(text)) == text


CHANGES = {
    "tittel": (("tittel",), "Referat fra Politirådet i Oslo, endret tittel"),
    "dato": (("dato",), "2016-01-13"),
    "kilde.tittel": (("kilde", "tittel"), "Referat, ny tittel på originalen"),
    "temaer": (("temaer",), ["salto"]),
}


@pytest.mark.parametrize("path", REFERATER, ids=lambda p: p.name)
@pytest.mark.parametrize("field", CHANGES)
def test_changing_one_field_of_a_real_referat_is_a_one_line_diff(path: Path, field: str) -> None:
    text = path.read_text(encoding="utf-8")
    keys, value = CHANGES[field]
    saved = _saved(path, _as_decap_sends(text, _set(keys, value)))
    removed, added = _changed_lines(text, saved)
    assert len(removed) == 1 and len(added) == 1, (removed, added)
    assert removed[0].lstrip("- ").startswith(f"{keys[-1]}:")
    assert split(saved).front.data == _with(split(text).front.data, keys, value)
    assert split(saved).body == split(text).body


def test_a_changed_date_keeps_its_quotes_and_a_folded_note_stays_folded() -> None:
    path = ROOT / "content" / "referater" / "2025-05-14.md"
    text = path.read_text(encoding="utf-8")
    assert 'dato: "2025-05-14"' in text and "merknad: >-" in text
    saved = _saved(path, _as_decap_sends(text, _set(("dato",), "2025-05-15")))
    assert _changed_lines(text, saved) == (['-dato: "2025-05-14"'], ['+dato: "2025-05-15"'])
    note = "Tekst overført fra PDF. " * 12
    saved = _saved(path, _as_decap_sends(text, _set(("kilde", "merknad"), note.strip())))
    assert "  merknad: >-\n" in saved
    folded = saved.split("  merknad: >-\n", 1)[1].split("\n---\n", 1)[0].splitlines()
    assert len(folded) > 1 and all(4 < len(line) <= 92 for line in folded), folded
    assert split(saved).front.data["kilde"]["merknad"] == note.strip()


def test_adding_and_removing_a_place_touches_only_its_line() -> None:
    path = ROOT / "content" / "referater" / "2025-05-14.md"
    text = path.read_text(encoding="utf-8")
    added = _saved(path, _as_decap_sends(text, _set(("sted",), "Rådhuset")))
    assert _changed_lines(text, added) == ([], ["+sted: Rådhuset"])
    assert added.index("sted: Rådhuset") < added.index("temaer:")  # schema order


def test_removing_or_adding_a_list_item_touches_only_that_item(tmp_path: Path) -> None:
    """A list that gets shorter or longer keeps the items the editor did not touch as the file
    writes them (quoted dates, comments); the whole list was rewritten, every date unquoted."""
    (tmp_path / "referater").mkdir()
    path = tmp_path / "referater" / "2016-01-12.md"
    text = (ROOT / "content" / "referater" / "2016-01-12.md").read_text(encoding="utf-8")
    assert '  - dato: "2016-06-02"\n    motetype: møte\n' in text
    text = text.replace('  - dato: "2016-06-02"\n    motetype: møte\n',
                        '  - dato: "2016-06-02"\n    motetype: møte  # flyttet fra mai\n')
    path.write_text(text, encoding="utf-8")
    removed = _saved(path, _as_decap_sends(text, lambda data: data["planlagte_moter"].pop(1)))
    assert _changed_lines(text, removed) == (
        ['-  - dato: "2016-06-02"', "-    motetype: møte  # flyttet fra mai"], [])
    extra = {"dato": "2016-12-08", "motetype": "møte"}
    added = _saved(path, _as_decap_sends(text, lambda data: data["planlagte_moter"].append(extra)))
    last = '  - dato: "2016-11-10"\n    motetype: møte\n'
    assert added == text.replace(last, last + "  - dato: 2016-12-08\n    motetype: møte\n")
    assert split(added).front.data["planlagte_moter"][-1] == extra
    first = _saved(path, _as_decap_sends(text, lambda data: data["temaer"].pop(0)))
    assert _changed_lines(text, first) == (
        ["-temaer: [politiradssamarbeidet, salto, hatkriminalitet, beredskap, uteliv, "
         "kriminalitetsbilde]"],
        ["+temaer: [salto, hatkriminalitet, beredskap, uteliv, kriminalitetsbilde]"])


def test_a_document_made_by_new_keeps_its_comments(tmp_path: Path) -> None:
    path = create(tmp_path, "referat", "2026-03-12", SCHEMAS)
    text = path.read_text(encoding="utf-8")
    saved = _saved(path, _as_decap_sends(text, _set(("temaer",), ["salto", "beredskap"])))
    assert _changed_lines(text, saved) == (["-temaer: []"], ["+temaer: [salto, beredskap]"])
    published = _saved(path, _as_decap_sends(text, lambda data: data.pop("utkast")))
    removed, added = _changed_lines(text, published)
    assert removed == ["-# true: kontrolleres, men publiseres ikke. Fjern linjen (eller skriv "
                       "false) når dokumentet", "-# skal publiseres.", "-utkast: true"]
    assert added == []  # the key goes with the comment that describes it, nothing else
    assert "# Hvor teksten kommer fra" in published.split("\n---\n")[0]
    assert published.index("# Hvor teksten") < published.index("kilde:")


def test_a_changed_body_is_written_and_the_front_matter_kept(tmp_path: Path) -> None:
    path = ROOT / "content" / "referater" / "2016-01-12.md"
    text = path.read_text(encoding="utf-8")
    raw = _as_decap_sends(text).replace("\n## ", "\n## Endret: ", 1)
    saved = _saved(path, raw)
    removed, added = _changed_lines(text, saved)
    assert len(removed) == 1 and added[0].startswith("+## Endret: ")
    assert saved.split("\n---\n", 1)[0] == text.split("\n---\n", 1)[0]


def test_windows_line_endings_are_kept(tmp_path: Path) -> None:
    source = ROOT / "content" / "referater" / "2016-01-12.md"
    path = tmp_path / "referater" / source.name
    path.parent.mkdir()
    text = source.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    saved = normalised("referater", _as_decap_sends(text, _set(("tittel",), "Ny tittel")),
                       f"content/referater/{path.name}", SCHEMAS,
                       path.read_bytes().decode("utf-8"))
    assert saved.count("\r\n") == text.count("\n")
    assert len(_changed_lines(text, saved.replace("\r\n", "\n"))[0]) == 1


def _with(data: dict[str, Any], keys: tuple[str, ...], value: Any) -> dict[str, Any]:
    result = copy.deepcopy(data)
    _set(keys, value)(result)
    return result


def test_a_second_referat_of_one_meeting_is_refused_not_renamed(tmp_path: Path) -> None:
    from conftest import copy_fixture

    from politiradet.editor.backend import LocalBackend

    content = copy_fixture("gyldig", tmp_path)
    existing = content / "referater" / "2025-05-14.md"
    raw = _as_decap_sends(existing.read_text(encoding="utf-8"),
                          _set(("tittel",), "Samme møte, skrevet på nytt"))
    backend = LocalBackend(content, ROOT / "schema")
    request = {"action": "persistEntry", "params": {
        "dataFiles": [{"path": "content/referater/2025-05-14-1.md", "raw": raw}],
        "assets": [], "options": {"newEntry": True}}}
    answer = backend.handle(request)
    assert answer.status == 409
    assert answer.body["error"].startswith(
        "Det finnes allerede et referat fra møte 2025-05-14 (content/referater/2025-05-14.md).")
    assert not (content / "referater" / "2025-05-14-1.md").exists()
    seminar = raw.replace("motetype: møte", "motetype: seminar")
    request["params"]["dataFiles"][0]["raw"] = seminar  # type: ignore[index]
    assert backend.handle(request).status != 409  # a seminar the same day is another document


def test_a_file_named_by_another_date_is_not_taken_for_the_same_meeting(tmp_path: Path) -> None:
    """The file 2025-05-14.md whose referat is dated 2025-05-13 (the date corrected, the file
    not renamed) is not a referat of 14 May: a new one of that day, which Decap names
    2025-05-14-1.md, is saved, as ``check`` (one meeting, one referat) would accept it. It
    was refused as «Det finnes allerede et referat fra møte 2025-05-14»."""
    from conftest import copy_fixture

    from politiradet.editor.backend import LocalBackend

    content = copy_fixture("gyldig", tmp_path)
    existing = content / "referater" / "2025-05-14.md"
    text = existing.read_text(encoding="utf-8")
    existing.write_text(text.replace("dato: 2025-05-14", "dato: 2025-05-13", 1), encoding="utf-8")
    raw = _as_decap_sends(text, _set(("tittel",), "Et annet møte samme dag som filnavnet"))
    backend = LocalBackend(content, ROOT / "schema")
    answer = backend.handle({"action": "persistEntry", "params": {
        "dataFiles": [{"path": "content/referater/2025-05-14-1.md", "raw": raw}],
        "assets": [], "options": {"newEntry": True}}})
    assert answer.status == 200, answer.body
    assert (content / "referater" / "2025-05-14-1.md").is_file()


def test_another_councils_referat_of_the_same_day_is_saved(tmp_path: Path) -> None:
    """Decap names a second referat of 14 May 2025-05-14-1.md; of another council
    (``politirad``) it is another meeting and is saved. Naming the archive's own council, it
    is the same meeting as the file without the key, and the check refuses it."""
    from conftest import copy_fixture

    from politiradet.editor.backend import LocalBackend

    content = copy_fixture("gyldig", tmp_path)
    (content / "politirad.yaml").write_text(
        "- slug: oslo\n  navn: Politirådet i Oslo\n- slug: bergen\n  navn: Politirådet i "
        "Bergen\n", encoding="utf-8")
    text = (content / "referater" / "2025-05-14.md").read_text(encoding="utf-8")
    backend = LocalBackend(content, ROOT / "schema")

    def save(council: str, number: int) -> Any:
        raw = _as_decap_sends(text, _set(("politirad",), council))
        return backend.handle({"action": "persistEntry", "params": {
            "dataFiles": [{"path": f"content/referater/2025-05-14-{number}.md", "raw": raw}],
            "assets": [], "options": {"newEntry": True}}})

    answer = save("bergen", 1)
    assert answer.status == 200, answer.body
    assert "politirad: bergen" in (content / "referater/2025-05-14-1.md").read_text("utf-8")
    answer = save("oslo", 2)
    assert answer.status == 422, answer.body
    assert "er også et referat fra møte 2025-05-14 i Politirådet i Oslo" in answer.body["error"]


UNKNOWN_KEYS = ["2024-01-01", "0x1F", "0o17", "a: b", "#x", "true", "[a]", "- a", "x\ny", "ja"]
"""Keys no schema knows, each one YAML writes plainly reads as something else: a date or a
number (YAML 1.2, as ruamel.yaml reads it), a mapping, a comment, a boolean, a list, two lines."""


@pytest.mark.parametrize("key", UNKNOWN_KEYS)
@pytest.mark.parametrize("existing", [False, True], ids=["new", "edited"])
def test_an_unknown_key_is_written_as_the_same_key(key: str, existing: bool) -> None:
    """The check must name the key the editor wrote («ukjent nøkkel»), so it is written back
    as that key; a key read as a date by ruamel.yaml made the edit fail with a KeyError."""
    path = ROOT / "content" / "avtaler" / "samarbeidsdokument-2017.md"
    text = path.read_text(encoding="utf-8")
    raw = _as_decap_sends(text, _set((key,), "verdi"))
    saved = normalised("avtaler", raw, "content/avtaler/samarbeidsdokument-2017.md", SCHEMAS,
                       text if existing else None)
    assert split(saved).front.data == {**split(text).front.data, key: "verdi"}


@pytest.mark.parametrize("key", ["2024-01-01", "0x1F"])
def test_an_unknown_key_the_file_writes_plainly_is_edited_as_one_key(key: str) -> None:
    """A file with a plain key YAML 1.2 reads as a date or a number, the editor changing its
    value: the saved file has that key once, with the new value (not the old key beside a
    quoted new one, which the check would call a key written twice)."""
    path = ROOT / "content" / "avtaler" / "samarbeidsdokument-2017.md"
    text = path.read_text(encoding="utf-8").replace("---\n", f"---\n{key}: gammel\n", 1)
    saved = normalised("avtaler", _as_decap_sends(text, _set((key,), "ny")),
                       "content/avtaler/samarbeidsdokument-2017.md", SCHEMAS, text)
    assert split(saved).front.data == {**split(text).front.data, key: "ny"}


@pytest.mark.parametrize("in_file", [False, True], ids=["typed", "in-the-file"])
def test_a_text_shaped_like_an_impossible_date_is_saved(in_file: bool) -> None:
    """«2025-02-30» is text to the archive; ruamel.yaml reads it plain as a date and raised
    ValueError, so typing it in any field of a saved document (or opening a file that had
    it) crashed the save with 500."""
    path = ROOT / "content" / "avtaler" / "samarbeidsdokument-2017.md"
    text = path.read_text(encoding="utf-8")
    if in_file:
        text = text.replace("---\n", "---\nnotat: 2025-02-30\n", 1)
    raw = _as_decap_sends(text, _set(("kilde", "tittel"), "2025-02-30"))
    saved = normalised("avtaler", raw, "content/avtaler/samarbeidsdokument-2017.md", SCHEMAS,
                       text)
    assert split(saved).front.data["kilde"]["tittel"] == "2025-02-30"
    assert split(saved).front.data.get("notat") == ("2025-02-30" if in_file else None)
    if not in_file:  # the edit is still an edit: one line changed, the rest as it was
        removed, added = _changed_lines(text, saved)
        assert len(removed) == len(added) == 1 and "2025-02-30" in added[0]
