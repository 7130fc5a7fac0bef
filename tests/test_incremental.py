"""A warm build (cache present) publishes byte for byte what a cold build publishes.

Every file outside the search index must be identical. The index of a warm build is the base
of an earlier build and a delta of what changed since (search.Split), where a cold build
makes a base alone: the two must hold the same records as the search page sees them
(conftest.search_records: every record's text, filters and meta) and the same area tree.

Pagefind writes its filter files, and the meta file and entry that name them by hash, in a
different byte order on every run even from the same input (checked: two cold builds of the
same content differ there and only there). Between two cold builds those files are compared
by name pattern and count; every other file, the rest of the search bundle included, must be
identical.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, search_records
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from politiradet.model.content import Document
from politiradet.pipeline import Paths, Report, build
from politiradet.rendering import pages
from politiradet.stages import write
from politiradet.stages.write import MARKER
from politiradet.store import database
from politiradet.store.database import Store, cache_dir_for, store_file
from politiradet.store.site import Site

NONDETERMINISTIC = re.compile(
    r"^pagefind/[^/]+/(filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)$")


def raw_site(root: Path) -> dict[str, bytes]:
    """Every published file by path, Pagefind's run-dependent files by pattern only."""
    files: dict[str, bytes] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if NONDETERMINISTIC.match(relative):
            relative = re.sub(r"[0-9a-f]{7,}", "#", relative) + f" ({len(files)})"
            files[relative] = b""
        else:
            files[relative] = path.read_bytes()
    return files


def site(root: Path) -> dict[str, bytes]:
    """Every published file outside the search index by path; the index as what the search
    page finds in it (its records) and the area tree it groups the area filter by."""
    files = {path: data for path, data in raw_site(root).items()
             if not path.startswith("pagefind/")}
    manifest = json.loads((root / "pagefind/sok.json").read_bytes())
    files["pagefind: områdetreet"] = json.dumps(manifest["omrader"]).encode()
    for url, record in search_records(root).items():
        files[f"pagefind: {url}"] = json.dumps(record, sort_keys=True).encode()
    return files


def assert_same(a: Path, b: Path, compare: Callable[[Path], dict[str, bytes]] = site) -> None:
    left, right = compare(a), compare(b)
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert different == []


def cold(content: Path, out: Path, base_url: str = "/") -> Report:
    return build(Paths(content=content, out=out), base_url, use_cache=False)


def warm(content: Path, out: Path, base_url: str = "/") -> Report:
    return build(Paths(content=content, out=out), base_url)


@pytest.fixture
def built(valid_content: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    first = warm(valid_content, out)
    assert not first.cached
    return out


def test_warm_build_is_a_cache_hit_and_identical_to_a_cold_build(
        valid_content: Path, built: Path, tmp_path: Path) -> None:
    report = warm(valid_content, built)
    assert report.cached
    assert report.documents > 0 and report.pages > 0
    cold(valid_content, tmp_path / "kald")
    assert_same(built, tmp_path / "kald")


def test_edited_document_rebuilds_to_what_a_cold_build_gives(
        valid_content: Path, built: Path, tmp_path: Path) -> None:
    document = valid_content / "referater" / "2025-05-14.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEn ny setning om SaLTo.\n",
                        encoding="utf-8")
    report = warm(valid_content, built)
    assert not report.cached
    assert "En ny setning om SaLTo." in (built / "referater/2025-05-14/index.html").read_text()
    assert (built / "pagefind/endring").is_dir(), "the edit is in a delta beside the base"
    cold(valid_content, tmp_path / "kald")
    assert not (tmp_path / "kald/pagefind/endring").exists()
    assert_same(built, tmp_path / "kald")


def test_a_second_council_rebuilds_to_what_a_cold_build_gives(
        valid_content: Path, built: Path, tmp_path: Path) -> None:
    """A registry of councils and another council's referat change the pages that name a
    council and the previous and next meetings: as a cold build has them."""
    (valid_content / "politirad.yaml").write_text(
        "- slug: oslo\n  navn: Politirådet i Oslo\n- slug: bergen\n  navn: Politirådet i "
        "Bergen\n", encoding="utf-8")
    oslo = (valid_content / "referater" / "2025-05-14.md").read_text(encoding="utf-8")
    (valid_content / "referater" / "2020-03-03-bergen.md").write_text(
        oslo.replace("dato: 2025-05-14", "dato: 2020-03-03\npolitirad: bergen"), "utf-8")
    warm(valid_content, built)
    assert "Politirådet i Bergen" in (built / "referater/2020-03-03-bergen/index.html").read_text()
    cold(valid_content, tmp_path / "kald")
    assert_same(built, tmp_path / "kald")


def assert_everything_trusted(content: Path, out: Path) -> None:
    """The record a build left in the store describes *out* exactly: every file is trusted by
    the next build, and building again is a cache hit."""
    write.wait_for_sweep(out)
    assert set(Site(Store(content), out, "/").outputs()) == set(tree(out))
    assert warm(content, out).cached


@pytest.mark.parametrize("preview", [False, True], ids=["build", "preview"])
def test_after_an_edit_the_next_build_trusts_every_file(
        valid_content: Path, built: Path, preview: bool) -> None:
    document = valid_content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEndret.\n", encoding="utf-8")
    build(Paths(content=valid_content, out=built), pages_ready=(lambda: None) if preview else None)
    assert_everything_trusted(valid_content, built)


def test_touched_but_unchanged_document_is_still_a_hit(valid_content: Path, built: Path) -> None:
    document = valid_content / "referater" / "2025-05-14.md"
    document.write_bytes(document.read_bytes())
    assert warm(valid_content, built).cached


def test_changed_output_folder_is_rebuilt(valid_content: Path, built: Path) -> None:
    (built / "index.html").unlink()
    assert not warm(valid_content, built).cached
    assert (built / "index.html").is_file()
    (built / "index.html").write_text("ødelagt")
    assert not warm(valid_content, built).cached
    assert "ødelagt" not in (built / "index.html").read_text()


def test_other_base_url_is_not_served_from_the_cache(valid_content: Path, built: Path) -> None:
    assert not warm(valid_content, built, "/politiradet/").cached
    assert "/politiradet/" in (built / "index.html").read_text()


def test_the_store_lives_outside_the_output_folder(valid_content: Path, built: Path) -> None:
    assert store_file(valid_content).is_file()
    assert not store_file(valid_content).resolve().is_relative_to(built.resolve())


def test_two_cold_builds_differ_only_in_pagefinds_run_dependent_files(
        valid_content: Path, tmp_path: Path) -> None:
    """Documents why those files are compared by pattern: the rest is deterministic."""
    cold(valid_content, tmp_path / "a")
    cold(valid_content, tmp_path / "b")
    assert_same(tmp_path / "a", tmp_path / "b", raw_site)


# --- incremental builds: only what an edit touches is rendered, the rest is linked -------------

def inodes(root: Path) -> dict[str, int]:
    """Inode of every published file (the folder's marker is written anew each time)."""
    return {p.relative_to(root).as_posix(): p.stat().st_ino
            for p in root.rglob("*") if p.is_file() and p.name != MARKER}


def test_body_edit_renders_its_page_and_links_the_rest(valid_content: Path, built: Path) -> None:
    before = inodes(built)
    document = valid_content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEn rettelse.\n",
                        encoding="utf-8")
    assert not warm(valid_content, built).cached
    after = inodes(built)
    new = sorted(path for path in after if before.get(path) != after[path])
    assert "referater/2016-01-12/index.html" in new
    assert "data/dokumenter.jsonl" in new, "open data holds the text"
    assert "temaer/salto/index.html" not in new, "a list of titles does not show the body"
    assert "index.html" not in new and "assets/site.css" not in new
    assert len(new) < len(after) // 2


def test_a_body_edit_builds_the_values_of_its_own_page_only(
        valid_content: Path, built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other documents' pages keep their keys by their shortcut keys: their values are
    neither built nor hashed."""
    made_for: list[str] = []
    values = pages._document_values

    def counted(r: pages.Renderer, doc: Document) -> dict[str, object]:
        made_for.append(doc.path)
        return values(r, doc)
    monkeypatch.setattr(pages, "_document_values", counted)
    document = valid_content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEn rettelse.\n",
                        encoding="utf-8")
    assert not warm(valid_content, built).cached
    assert made_for == ["referater/2016-01-12.md"]


def test_a_file_made_again_with_the_bytes_it_had_is_linked(valid_content: Path,
                                                           built: Path) -> None:
    """A search shard made again for one edited page has files whose bytes do not change:
    those keep the live file (its inode), like every output whose input did not change."""
    before = {path: (inode, (built / path).read_bytes()) for path, inode in inodes(built).items()}
    document = valid_content / "referater" / "2025-05-14.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEn rettelse.\n",
                        encoding="utf-8")
    assert not warm(valid_content, built).cached
    after = inodes(built)
    new = sorted(path for path in after if before.get(path, (0, b""))[0] != after[path])
    assert "referater/2025-05-14/index.html" in new
    assert [path for path in new if path in before
            and (built / path).read_bytes() == before[path][1]] == []
    assert any(path.startswith("pagefind/") and path not in new for path in after)


def test_a_status_edit_renders_its_point_and_a_sentence_around_it_does_not(
        valid_content: Path, built: Path) -> None:
    """A point's page shows the status blocks about it, not the rest of the minutes."""
    document = valid_content / "referater" / "2025-05-14.md"
    point = "oppfolgingspunkter/2025-1/index.html"
    for old, new, rendered in (("OPD orienterte om", "OPD orienterte kort om", False),
                               ("Beredskapsetaten følger opp.", "Beredskapsetaten har levert.",
                                True)):
        before = inodes(built)
        document.write_text(document.read_text(encoding="utf-8").replace(old, new),
                            encoding="utf-8")
        warm(valid_content, built)
        after = inodes(built)
        assert before["referater/2025-05-14/index.html"] != after["referater/2025-05-14/index.html"]
        assert (before[point] != after[point]) is rendered, new
    assert "Beredskapsetaten har levert." in (built / point).read_text(encoding="utf-8")


def test_every_file_of_an_unchanged_site_is_linked(valid_content: Path, built: Path) -> None:
    """The cache hit is bypassed (output touched), so every output's input hash is compared."""
    (built / "robots.txt").unlink()
    before = inodes(built)
    assert not warm(valid_content, built).cached
    after = inodes(built)
    assert sorted(path for path in after if before.get(path) != after[path]) == ["robots.txt"]


def change_times(root: Path) -> dict[str, int]:
    """The change time of every published file: a file linked or unlinked anywhere changes it."""
    return {p.relative_to(root).as_posix(): p.stat().st_ctime_ns
            for p in root.rglob("*") if p.is_file() and p.name != MARKER}


def test_an_edit_after_a_build_without_the_store_changes_only_its_files(
        valid_content: Path, built: Path) -> None:
    """A build that finds no store writes every file anew; the edit after it assembles the
    next site in a copy of that site (its very files), so it touches the files that change,
    not every file of the site (deleted and linked again where the site before it lay)."""
    database.disconnect(str(store_file(valid_content)))
    for leftover in store_file(valid_content).parent.glob(store_file(valid_content).name + "*"):
        leftover.unlink()
    assert not warm(valid_content, built).cached
    write.wait_for_sweep(built)
    before = change_times(built)
    document = valid_content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEn rettelse.\n",
                        encoding="utf-8")
    assert not warm(valid_content, built).cached
    write.wait_for_sweep(built)
    after = change_times(built)
    touched = sorted(path for path in after if before.get(path) != after[path])
    assert "referater/2016-01-12/index.html" in touched
    assert "index.html" not in touched and "assets/site.css" not in touched
    assert len(touched) < len(after) // 2



# --- a killed build, a damaged or foreign cache ------------------------------------------------

def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_build_killed_during_an_incremental_publish_leaves_the_old_site_and_a_usable_cache(
        valid_content: Path, built: Path, tmp_path: Path) -> None:
    before = tree(built)
    document = valid_content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEn rettelse.\n",
                        encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from politiradet.stages import write
        from politiradet.pipeline import Paths, build
        real = write.Staging.write
        written = 0
        def slow(self, relative, data):
            global written
            real(self, relative, data)
            written += 1
            print("skrev", relative, flush=True)
            if written == 3:  # killed here, in the middle of publishing, however slow the machine
                time.sleep(3600)
        write.Staging.write = slow
        build(Paths(content=Path({str(valid_content)!r}), out=Path({str(built)!r})))
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               env={**os.environ})
    assert process.stdout is not None
    for _ in range(3):  # the marker and two rendered files: the links are all made by now
        assert process.stdout.readline().startswith(b"skrev")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert tree(built) == before, "the live site is byte for byte as it was"
    linked = inodes(built)
    warm(valid_content, built)
    after = inodes(built)
    assert "En rettelse." in (built / "referater/2016-01-12/index.html").read_text()
    assert after["index.html"] == linked["index.html"], "the cache was still used"
    cold(valid_content, tmp_path / "kald")
    assert_same(built, tmp_path / "kald")


def assert_full_build(content: Path, out: Path, tmp_path: Path) -> None:
    """The next build renders every file anew (no inode survives) and equals a cold build."""
    (out / "robots.txt").unlink()  # past the whole-site cache hit, to each file's record
    before = inodes(out)
    warm(content, out)
    after = inodes(out)
    assert [path for path in after if before.get(path) == after[path]] == []
    cold(content, tmp_path / "kald")
    assert_same(out, tmp_path / "kald")


def test_the_record_of_another_output_folder_is_never_used(
        valid_content: Path, built: Path, tmp_path: Path) -> None:
    other = tmp_path / "annen"
    shutil.copytree(built, other, copy_function=os.link)
    assert_full_build(valid_content, other, tmp_path)


# --- random sequences of edits: an incremental build always equals a cold one ----------------

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FIXED = ("referater/2016-01-12.md", "referater/2025-05-14.md", "avtaler/avtale-2023.md",
         "oppfolgingspunkter/2025-1.md")
"""The fixture's documents; they link to each other, so they are edited, never removed."""


def referat(title: str, day: int, topics: list[str], areas: list[str], draft: bool,
            words: str, month: int = 3) -> str:
    lines = ["---", f"tittel: {title}", f"dato: 2024-{month:02d}-{day:02d}", "motetype: møte",
             f"temaer: [{', '.join(topics)}]", f"omrader: [{', '.join(areas)}]",
             "kilde:", "  tittel: Kilde", *(["utkast: true"] if draft else []), "---",
             f"Referatet nevner SaLTo. {words}", "", "Se [forrige møte](2016-01-12.md).", "",
             "::: status 2025-1", f"Status: {words}", ":::", ""]
    return "\n".join(lines)


WORDS = st.text(alphabet="abcæøå ", min_size=1, max_size=12).map(str.strip).filter(bool)


class IncrementalBuilds(RuleBasedStateMachine):
    """Editors' changes, one build after each, compared with a cold build of the same state."""

    def __init__(self) -> None:
        super().__init__()
        pages.Renderer.verify_shortcuts = True  # a page taken over by its shortcut key is
        # also planned in full, and the build fails if the two keys differ
        self.root = Path(tempfile.mkdtemp(prefix="inkrementell-"))
        self.content = self.root / "innhold"
        shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "gyldig", self.content)
        self.templates = self.root / "maler"
        shutil.copytree(TEMPLATES, self.templates)
        self.added: dict[str, bool] = {}
        """Added referat path -> whether it is a draft."""
        self.serial = 0

    def paths(self, out: str) -> Paths:
        return Paths(content=self.content, out=self.root / out, templates=self.templates)

    def teardown(self) -> None:
        pages.Renderer.verify_shortcuts = False
        shutil.rmtree(self.root, ignore_errors=True)

    @rule(day=st.integers(1, 28), topics=st.lists(st.sampled_from(["salto", "beredskap"]),
                                                   unique=True),
          areas=st.lists(st.sampled_from(["alna", "furuset", "enhet-ost"]), unique=True),
          draft=st.booleans(), words=WORDS)
    def add(self, day: int, topics: list[str], areas: list[str], draft: bool, words: str) -> None:
        self.serial += 1
        path = f"referater/nytt-{self.serial}.md"
        (self.content / path).write_text(referat(  # a month of its own: two referater of
            f"Møte {self.serial}", day, topics, areas, draft, words,  # one day are one
            month=self.serial % 12 + 1), encoding="utf-8")  # meeting written twice (an error)
        self.added[path] = draft

    @precondition(lambda self: self.added)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(self.added)))
        (self.content / path).unlink()
        del self.added[path]

    @precondition(lambda self: self.added)
    @rule(data=st.data())
    def rename(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(self.added)))
        self.serial += 1
        new = f"referater/omdopt-{self.serial}.md"
        (self.content / path).rename(self.content / new)
        self.added[new] = self.added.pop(path)

    @precondition(lambda self: self.added)
    @rule(data=st.data())
    def flip_draft(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(self.added)))
        file = self.content / path
        text = file.read_text(encoding="utf-8")
        if self.added[path]:
            text = text.replace("utkast: true\n", "")
        else:
            text = text.replace("kilde:\n", "utkast: true\nkilde:\n", 1)
        file.write_text(text, encoding="utf-8")
        self.added[path] = not self.added[path]

    @rule(data=st.data(), words=WORDS)
    def edit_body(self, data: st.DataObject, words: str) -> None:
        path = data.draw(st.sampled_from(sorted((*FIXED, *self.added))))
        file = self.content / path
        file.write_text(file.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")

    @precondition(lambda self: self.added)
    @rule(data=st.data(), words=WORDS)
    def edit_status(self, data: st.DataObject, words: str) -> None:
        """A status block's text: the point's page, feed, OParl Paper and its line of the open
        data quote it."""
        path = data.draw(st.sampled_from(sorted(self.added)))
        file = self.content / path
        text = re.sub(r"(?m)^Status: .*$", f"Status: {words} ny",
                      file.read_text(encoding="utf-8"), count=1)
        file.write_text(text, encoding="utf-8")

    @rule(data=st.data(), words=WORDS)
    def retitle(self, data: st.DataObject, words: str) -> None:
        path = data.draw(st.sampled_from(sorted((*FIXED, *self.added))))
        file = self.content / path
        text = re.sub(r"(?m)^tittel: .*$", f"tittel: Tittel {words}",
                      file.read_text(encoding="utf-8"), count=1)
        file.write_text(text, encoding="utf-8")

    @rule(data=st.data(), topics=st.lists(st.sampled_from(["salto", "beredskap"]), unique=True))
    def move_topics(self, data: st.DataObject, topics: list[str]) -> None:
        """A front matter edit that moves a document between topics."""
        path = data.draw(st.sampled_from(sorted(("referater/2016-01-12.md", *self.added))))
        file = self.content / path
        text = re.sub(r"(?m)^temaer: .*$", f"temaer: [{', '.join(topics)}]",
                      file.read_text(encoding="utf-8"), count=1)
        file.write_text(text, encoding="utf-8")

    @rule(data=st.data())
    def add_link(self, data: st.DataObject) -> None:
        """A body edit that adds a link: the target gets a backlink (a fixed document: an
        added one may become a draft, which a published document must not link to)."""
        path = data.draw(st.sampled_from(sorted((*FIXED, *self.added))))
        target = data.draw(st.sampled_from(FIXED))
        file = self.content / path
        relative = os.path.relpath(target, os.path.dirname(path))
        file.write_text(file.read_text(encoding="utf-8") + f"\nSe [dette]({relative}).\n",
                        encoding="utf-8")

    @rule(closed=st.booleans(), words=WORDS)
    def close_point(self, closed: bool, words: str) -> None:
        """The newest referat's status block closes the point, or reopens it."""
        file = self.content / "referater/2025-05-14.md"
        text = re.sub(r"(?m)^::: status 2025-1.*$",
                      "::: status 2025-1" + (" avsluttet" if closed else ""),
                      file.read_text(encoding="utf-8"), count=1)
        file.write_text(text.replace("Beredskapsetaten følger opp.", f"Status {words}."),
                        encoding="utf-8")

    @rule(words=WORDS)
    def rename_topic(self, words: str) -> None:
        registry = self.content / "temaer.yaml"
        text = re.sub(r"(?m)^  navn: Beredskap.*$", f"  navn: Beredskap {words}",
                      registry.read_text(encoding="utf-8"))
        registry.write_text(text, encoding="utf-8")

    @rule(name=st.sampled_from(["tema.html", "_macros.html", "base.html", "dokument.html"]),
          words=WORDS)
    def edit_template(self, name: str, words: str) -> None:
        template = self.templates / name
        template.write_text(template.read_text(encoding="utf-8") + f"<!-- {words} -->\n",
                            encoding="utf-8")

    @invariant()
    def incremental_equals_cold(self) -> None:
        build(self.paths("site"))
        build(self.paths("kald"), use_cache=False)
        assert_same(self.root / "site", self.root / "kald")


IncrementalBuilds.TestCase.settings = settings(
    max_examples=3, stateful_step_count=5, deadline=None, database=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking many builds takes minutes
    suppress_health_check=[HealthCheck.too_slow])
test_random_edits_build_incrementally_to_what_a_cold_build_gives = IncrementalBuilds.TestCase


# --- the preview publishes pages before the search index ---------------------------------------

def test_preview_publishes_the_edited_page_before_the_search_index(
        valid_content: Path, built: Path, tmp_path: Path) -> None:
    old_bundle = {p: d for p, d in tree(built).items() if p.startswith("pagefind/")}
    document = valid_content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nQuuxordet.\n",
                        encoding="utf-8")
    seen: list[tuple[str, dict[str, bytes]]] = []

    def pages_ready() -> None:
        site = tree(built)
        seen.append((site["referater/2016-01-12/index.html"].decode(),
                     {p: d for p, d in site.items() if p.startswith("pagefind/")}))

    build(Paths(content=valid_content, out=built), pages_ready=pages_ready)
    assert len(seen) == 1
    page, bundle = seen[0]
    assert "Quuxordet." in page, "the page is published when the preview reloads"
    assert bundle == old_bundle, "with the previous search index, still whole"
    assert {p: d for p, d in tree(built).items() if p.startswith("pagefind/")} != old_bundle
    cold(valid_content, tmp_path / "kald")
    assert_same(built, tmp_path / "kald")


def test_files_are_copied_where_they_cannot_be_linked(
        valid_content: Path, built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another file system, or one without hard links: the unchanged files are copied."""
    def no_link(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(write.os, "link", no_link)
    # where nothing can be linked, the first publish leaves no linked copy to assemble in
    shutil.rmtree(cache_dir_for(built) / write.OLD_SITES / write.PREVIOUS)
    before = inodes(built)
    document = valid_content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nKopiert.\n", encoding="utf-8")
    warm(valid_content, built)
    after = inodes(built)
    assert not set(before.values()) & set(after.values()), "nothing shares an inode"
    monkeypatch.undo()
    assert_everything_trusted(valid_content, built)
    cold(valid_content, tmp_path / "kald")
    assert_same(built, tmp_path / "kald")
