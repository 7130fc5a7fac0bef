"""The build store: one database per content folder, under one generator fingerprint, written
in one transaction per build. Whatever is wrong with it (damaged, foreign, of the wrong type,
from another version, unreadable, unwritable, on a full disk), every command still does its
work and gives what it gives without the store; at most it says so in one Norwegian line."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_fixture, run_cli, swept
from test_incremental import inodes, raw_site, site

from politiradet.editor.backend import LocalBackend
from politiradet.importer.context import load_context
from politiradet.pipeline import Paths, build, check
from politiradet.stages import write
from politiradet.store import database
from politiradet.store import site as site_store
from politiradet.store.database import Store, store_file
from politiradet.store.site import Inputs, files

NOTICE = "Merk: byggelageret"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test has a cache folder of its own, and this process forgets stores it could
    not use (a test may have made one unusable on purpose)."""
    monkeypatch.setattr(database, "_broken", {})
    monkeypatch.setattr(database, "_told", set())
    folder = tmp_path / "cache"
    monkeypatch.setenv("POLITIRADET_CACHE", str(folder))
    return folder


@pytest.fixture(scope="module")
def cold_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The fixture built without the store: what every build must publish."""
    root = tmp_path_factory.mktemp("kald")
    content = copy_fixture("gyldig", root)
    build(Paths(content=content, out=root / "site"), use_cache=False)
    return site(root / "site")


def sql(content: Path, *statements: str) -> list[Any]:
    """Run *statements* on the content folder's store in a connection of their own."""
    database.disconnect(str(store_file(content)))
    with contextlib.closing(sqlite3.connect(store_file(content), isolation_level=None)) as db:
        found = [db.execute(statement).fetchall() for statement in statements]
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return found


# --- damage kinds × commands -------------------------------------------------------------------

def _rewrite(transform: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def damage(content: Path) -> None:
        sql(content)  # checkpointed: the database is all in its file
        file = store_file(content)
        file.write_bytes(transform(file.read_bytes()))
    return damage


def _statements(*statements: str) -> Callable[[Path], None]:
    return lambda content: sql(content, *statements) and None


def _flip_every(step: int) -> Callable[[bytes], bytes]:
    def flip(data: bytes) -> bytes:
        flipped = bytearray(data)
        for index in range(100, len(flipped), step):
            flipped[index] ^= 0x01
        return bytes(flipped)
    return flip


DAMAGE: dict[str, Callable[[Path], None]] = {
    # a number where text is expected, text where a number is, NULL, wrong sums: every table
    "builds-as-text": _statements("UPDATE state SET value = 'x' WHERE name = 'builds'"),
    "record-used-as-text": _statements("UPDATE records SET used = 'x'"),
    "record-sum-as-number": _statements("UPDATE records SET meta_sum = 5"),
    "record-meta-changed": _statements("UPDATE records SET meta = meta || ' '"),
    "body-as-number": _statements("UPDATE bodies SET body = 17"),
    "body-truncated": _statements("UPDATE bodies SET body = substr(body, 1, 30)"),
    "document-entry-changed": _statements("UPDATE documents SET entry = entry || ' '"),
    "document-digest-as-number": _statements("UPDATE documents SET digest = 3"),
    "input-size-as-text": _statements("UPDATE inputs SET size = 'x'"),
    "input-hash-as-number": _statements("UPDATE inputs SET hash = 1"),
    "input-hash-wrong": _statements("UPDATE inputs SET hash = 'feil'"),
    "site-summary-as-list": _statements("UPDATE sites SET summary = '[1, 2]'"),
    "site-summary-wrong-types": _statements(
        "UPDATE sites SET summary = '{\"documents\": \"4\", \"drafts\": 1, \"files\": 1, "
        "\"pages\": 1}'"),
    "site-key-as-number": _statements("UPDATE sites SET key = 7"),
    "output-ctime-as-text": _statements("UPDATE outputs SET ctime = 'x'"),
    "output-inode-real": _statements("UPDATE outputs SET inode = inode + 0.5"),
    "output-digest-wrong": _statements("UPDATE outputs SET digest = 'x', ctime = ctime + 1"),
    "output-key-wrong": _statements("UPDATE outputs SET key = 'x'"),
    # another version, another layout, not ours, half a database, no database
    "other-generator": _statements("UPDATE state SET value = 'x' WHERE name = 'fingerprint'"),
    "other-format": _statements("PRAGMA user_version = 99"),
    "not-ours": _statements("PRAGMA application_id = 7"),
    "table-dropped": _statements("DROP TABLE outputs"),
    "table-replaced": _statements("DROP TABLE records", "CREATE TABLE records (x)"),
    "view-for-a-table": _statements("DROP TABLE sites",
                                    "CREATE VIEW sites AS SELECT 1 AS out, 2 AS variant"),
    "trigger-refusing": _statements("CREATE TRIGGER nei BEFORE INSERT ON records "
                                    "BEGIN SELECT RAISE(ABORT, 'nei'); END"),
    "truncated": _rewrite(lambda data: data[: len(data) // 3]),
    "flipped-bytes": _rewrite(_flip_every(97)),
    "empty": _rewrite(lambda data: b""),
    "not-a-database": _rewrite(lambda data: b"\x80\x04\x95 ikke en database\n" * 200),
}

Command = Callable[[Path, Path], None]


def _check(content: Path, _out: Path) -> None:
    archive, problems = check(Paths(content=content))
    assert problems == [] and len(archive.documents) == 4


def _build(content: Path, out: Path, preview: bool = False) -> None:
    build(Paths(content=content, out=out), pages_ready=(lambda: None) if preview else None)


def _editor_save(content: Path, _out: Path) -> None:
    path = "content/referater/2025-05-14.md"
    raw = (content / "referater" / "2025-05-14.md").read_text(encoding="utf-8")
    LocalBackend(content, ROOT / "schema").save(path, raw + "\nLagret i redigeringen.\n",
                                                new=False)
    assert "Lagret i redigeringen." in (content / "referater" / "2025-05-14.md").read_text(
        encoding="utf-8")


def _import_context(content: Path, _out: Path) -> None:
    assert load_context(content, ROOT / "schema").points


COMMANDS: dict[str, Command] = {
    "check": _check,
    "build": _build,
    "preview-rebuild": lambda content, out: _build(content, out, preview=True),
    "editor-save": _editor_save,
    "import": _import_context,
}


@pytest.fixture
def stored(valid_content: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A content folder built once (its store full) and edited since: (content, site)."""
    out = tmp_path / "site"
    build(Paths(content=valid_content, out=out))
    write.wait_for_sweep(out)
    document = valid_content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEndret.\n", encoding="utf-8")
    return valid_content, out


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_foreign_store_never_stops_a_command(
        stored: tuple[Path, Path], damage: str, command: str, capsys: pytest.CaptureFixture[str],
        cold_site: dict[str, bytes]) -> None:
    content, out = stored
    DAMAGE[damage](content)
    COMMANDS[command](content, out)
    if command in ("build", "preview-rebuild"):
        edited = dict(site(out))
        assert b"Endret." in edited["referater/2016-01-12/index.html"]
    COMMANDS[command](content, out)  # and the store made again is used
    assert NOTICE not in capsys.readouterr().err, "damage is repaired without a word"
    if command in ("build", "preview-rebuild"):
        (content / "referater" / "2016-01-12.md").write_text(
            (content / "referater" / "2016-01-12.md").read_text(encoding="utf-8")
            .replace("\nEndret.\n", ""), encoding="utf-8")
        _build(content, out)
        assert site(out) == cold_site
        assert build(Paths(content=content, out=out)).cached


# --- a store that cannot be used: one line, and the same result --------------------------------

def _root_is_a_file(own_cache: Path, _content: Path) -> None:
    own_cache.parent.mkdir(parents=True, exist_ok=True)
    own_cache.write_text("en fil der buffermappen skulle vært", encoding="utf-8")


def _database_is_a_folder(_own_cache: Path, content: Path) -> None:
    store_file(content).mkdir(parents=True)


UNUSABLE = {"root-is-a-file": _root_is_a_file, "database-is-a-folder": _database_is_a_folder}


@pytest.mark.parametrize("unusable", UNUSABLE)
def test_a_store_that_cannot_be_used_is_one_line_and_the_same_site(
        valid_content: Path, tmp_path: Path, own_cache: Path, unusable: str,
        cold_site: dict[str, bytes]) -> None:
    UNUSABLE[unusable](own_cache, valid_content)
    out = tmp_path / "site"
    for _ in range(2):
        result = run_cli("build", "--content", valid_content, "--out", out)
        assert result.code == 0, result.err
        assert result.err.count(NOTICE) == 1, result.err
        assert "Traceback" not in result.err
        assert site(out) == cold_site
    checked = run_cli("check", "--content", valid_content)
    assert checked.code == 0 and checked.err.count(NOTICE) == 1, checked.err


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A file system of 256 KiB (tmpfs, mounted as root): too small for the store."""
    folder = tmp_path / "liten-disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("free_kb", [0, 24, 120])
def test_a_full_disk_under_the_store_publishes_the_site_with_one_line(
        valid_content: Path, tmp_path: Path, tiny_disk: Path, free_kb: int,
        monkeypatch: pytest.MonkeyPatch, cold_site: dict[str, bytes]) -> None:
    """The disk fills at different moments: before the store is made, while it is written."""
    filler = tiny_disk / "fyll"
    with open(filler, "wb") as handle, contextlib.suppress(OSError):
        handle.write(b"\0" * (256 - free_kb) * 1024)
    monkeypatch.setenv("POLITIRADET_CACHE", str(tiny_disk / "cache"))
    out = tmp_path / "site"
    result = run_cli("build", "--content", valid_content, "--out", out)
    assert result.code == 0, result.err
    assert result.err.count(NOTICE) == 1 and "disken er full" in result.err, result.err
    assert site(out) == cold_site
    filler.unlink()
    shutil.rmtree(tiny_disk / "cache", ignore_errors=True)
    again = run_cli("build", "--content", valid_content, "--out", out)
    assert again.code == 0 and NOTICE not in again.err, again.err
    assert site(out) == cold_site


def test_a_cache_folder_without_access_publishes_the_site_again_with_one_line(
        valid_content: Path, tmp_path: Path, own_cache: Path,
        cold_site: dict[str, bytes]) -> None:
    """The cache folder (store, publish lock, replaced sites) closed to the editor: the second
    build, which replaces a site, exited 2 after publishing, when it looked for replaced sites
    to delete. Root is made to obey the permissions by dropping its capabilities."""
    own_cache.mkdir()
    out = tmp_path / "site"
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"] \
        if os.geteuid() == 0 else []
    if prefix and shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to make root obey a folder's permissions")
    os.chmod(own_cache, 0)
    try:
        for _ in range(2):
            proc = subprocess.run([*prefix, sys.executable, str(ROOT / "build.py"), "build",
                                   "--content", str(valid_content), "--out", str(out)],
                                  capture_output=True, text=True, timeout=120, check=False)
            assert proc.returncode == 0, proc.stderr
            assert proc.stderr.count(NOTICE) == 1 and "Traceback" not in proc.stderr, \
                proc.stderr
            assert site(out) == cold_site
    finally:
        os.chmod(own_cache, 0o755)


# --- one transaction, one fingerprint ----------------------------------------------------------

def test_a_builds_record_is_written_whole_or_not_at_all(valid_content: Path) -> None:
    store = Store(valid_content)
    assert store.write(lambda db: db.execute(
        "INSERT INTO state VALUES ('før', 1)") and None)
    store.later(lambda db: db.execute("UPDATE state SET value = 2 WHERE name = 'før'") and None)
    store.later(lambda db: db.execute("INSERT INTO state VALUES ('før', 3)") and None)
    assert store.commit() is False
    [[(value,)]] = sql(valid_content, "SELECT value FROM state WHERE name = 'før'")
    assert value == 1, "the first change of the failed transaction is not there"


def test_a_build_killed_before_its_record_leaves_the_previous_record(
        stored: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    content, out = stored
    before = sql(content, "SELECT * FROM sites", "SELECT * FROM outputs ORDER BY path",
                 "SELECT * FROM documents ORDER BY path")

    def killed(self: Store) -> bool:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(Store, "commit", killed)
        _build(content, out)
    assert sql(content, "SELECT * FROM sites", "SELECT * FROM outputs ORDER BY path",
               "SELECT * FROM documents ORDER BY path") == before


def test_a_store_another_generator_took_over_is_not_trusted_by_this_one(
        stored: tuple[Path, Path], cold_site: dict[str, bytes]) -> None:
    """A preview keeps its connection for hours: when a newer version of the tool empties
    the store and fills it under its own fingerprint meanwhile, the preview's next build
    neither trusts what the other version stored nor writes its own under that fingerprint."""
    content, out = stored
    _build(content, out)  # this process now holds a connection to the store
    with contextlib.closing(sqlite3.connect(store_file(content), isolation_level=None)) as db:
        db.execute("UPDATE state SET value = 'en annen versjon' WHERE name = 'fingerprint'")
        for key, body in db.execute("SELECT key, body FROM bodies").fetchall():
            changed = body.replace(b"<p>", b"<p>Fra en annen versjon: ")
            db.execute("UPDATE bodies SET body = ? WHERE key = ?", (changed, key))
            db.execute("UPDATE records SET body_sum = ? WHERE key = ?",
                       (database.sha256(changed), key))
    document = content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8").replace("\nEndret.\n", ""),
                        encoding="utf-8")
    _build(content, out)
    assert site(out) == cold_site
    [[(fingerprint,)]] = sql(content, "SELECT value FROM state WHERE name = 'fingerprint'")
    assert fingerprint == database.fingerprint()


def test_a_build_does_not_write_into_a_store_another_generator_took_over_meanwhile(
        valid_content: Path) -> None:
    store = Store(valid_content)
    assert store.write(lambda db: db.execute("INSERT INTO state VALUES ('før', 1)") and None)
    with contextlib.closing(sqlite3.connect(store_file(valid_content), isolation_level=None)) as db:
        db.execute("UPDATE state SET value = 'en annen versjon' WHERE name = 'fingerprint'")
    store.later(lambda db: db.execute("UPDATE state SET value = 2 WHERE name = 'før'") and None)
    assert store.commit() is False
    [[(value,)]] = sql(valid_content, "SELECT value FROM state WHERE name = 'før'")
    assert value == 1


def test_one_store_per_content_folder_holds_everything(stored: tuple[Path, Path],
                                                       own_cache: Path) -> None:
    content, _out = stored
    assert [p.name for p in (own_cache / database.FOLDER).glob("*.sqlite3")] == [
        store_file(content).name]
    counts = sql(content, *(f"SELECT count(*) FROM {table}" for table in database.TABLES))
    assert all(count > 0 for [(count,)] in counts), counts
    [[(fingerprint,)]] = sql(content, "SELECT value FROM state WHERE name = 'fingerprint'")
    assert fingerprint == database.fingerprint()


# --- the published site: a file changed by hand is noticed -------------------------------------

def _same_size_edit_mtime_put_back(path: Path) -> None:
    info = path.stat()
    data = path.read_bytes()
    last = data.rindex(b"e")
    path.write_bytes(data[:last] + b"a" + data[last + 1:])
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _replaced_with_same_bytes_elsewhere(path: Path) -> None:
    copy = path.with_name(path.name + ".kopi")
    shutil.copy2(path, copy)
    copy.replace(path)


HAND_EDITS = {"same-size-mtime-put-back": _same_size_edit_mtime_put_back,
              "deleted": Path.unlink,
              "replaced": _replaced_with_same_bytes_elsewhere,
              "chmod": lambda path: path.chmod(0o600)}


@pytest.mark.parametrize("edit", HAND_EDITS)
def test_a_file_changed_by_hand_in_the_site_is_made_again(
        valid_content: Path, tmp_path: Path, edit: str, cold_site: dict[str, bytes]) -> None:
    out = tmp_path / "site"
    _build(valid_content, out)
    HAND_EDITS[edit](out / "index.html")
    report = build(Paths(content=valid_content, out=out))
    assert not report.cached or edit == "chmod"
    assert site(out) == cold_site


def test_the_replaced_site_is_compared_by_its_folders_and_listed_when_changed(
        valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site replaced last, where the next site is assembled, is not listed file by file
    when its folders are as the listing recorded while it was live; a file replaced or added
    in one of its folders by hand is noticed (the folder is listed), and never published."""
    out, listed = tmp_path / "site", []
    listing = write._listing
    monkeypatch.setattr(write, "_listing", lambda root: listed.append(root) or listing(root))
    document = valid_content / "referater" / "2016-01-12.md"

    def edit_and_build(edit: str) -> None:
        document.write_text(document.read_text(encoding="utf-8") + f"\n{edit}.\n",
                            encoding="utf-8")
        _build(valid_content, out)

    for edit in ("Først", "Så", "Til sist"):  # cold; in its linked copy; in the site it replaced
        edit_and_build(edit)
    assert len(listed) == 1, "only the linked copy a cold build leaves has no listing"
    [[row], recorded] = sql(valid_content, "SELECT folders, files, stats FROM sites",
                            "SELECT path, inode, size, mtime, ctime FROM outputs")
    assert site_store.Listing.of(str(out.resolve()), {
        path: tuple(found) for path, *found in recorded}).blobs() == row, \
        "folders as the replaced site's listing has them are not counted, and need not be"
    previous = write.cache_dir_for(out) / write.OLD_SITES / write.PREVIOUS
    replaced = next(path for path in sorted(previous.rglob("*.html"))
                    if path.parent != previous and (out / path.relative_to(previous)).exists())
    replaced.unlink()
    replaced.write_bytes(b"byttet for hand")
    (replaced.parent / "ekstra.html").write_bytes(b"lagt til for hand")
    edit_and_build("Igjen")
    assert len(listed) == 2, "a folder changed by hand: listed"
    cold = tmp_path / "kald"
    build(Paths(content=valid_content, out=cold), use_cache=False)
    assert site(out) == site(cold)


def test_a_file_our_sweep_shares_is_recorded_as_it_is_now(stored: tuple[Path, Path]) -> None:
    """Deleting the old site's copy of a linked file changes its change time: the sweeping
    process records it, so the next build trusts the file without reading it. (The site
    replaced last is kept for the next build; one left beside it, which shares the live
    files, is swept.)"""
    content, out = stored
    _build(content, out)
    trash = write.cache_dir_for(out) / write.OLD_SITES
    (trash / write.PREVIOUS).rename(trash / "etterlatt")
    document = content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nIgjen.\n", encoding="utf-8")
    _build(content, out)
    write.wait_for_sweep(out)  # the shared files' change times are final; the rest may
    assert swept(trash)  # still be being deleted
    [rows] = sql(content, "SELECT path, inode, ctime FROM outputs")
    assert len(rows) == len(raw_site(out)), "a row for every published file"
    assert [path for path, inode, ctime in rows
            if (os.lstat(out / path).st_ino, os.lstat(out / path).st_ctime_ns) != (inode, ctime)
            ] == []
    before = inodes(out)
    assert build(Paths(content=content, out=out)).cached
    assert inodes(out) == before


def test_a_build_that_made_nothing_records_what_it_read(
        stored: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """An input touched with its bytes unchanged and a published file whose change time alone
    changed are read once: the build that finds the site up to date records their stat too,
    so the next one does not read them again (every cached build read them, for ever)."""
    content, out = stored
    _build(content, out)
    write.wait_for_sweep(out)
    monkeypatch.setattr(site_store, "RACY_NS", 0)  # the touch is not too recent to trust
    document, page = content / "referater" / "2016-01-12.md", out / "index.html"
    os.utime(document, ns=(10**18, 10**18))
    page.chmod(0o644)
    assert build(Paths(content=content, out=out)).cached
    [[(mtime,)], [(ctime,)]] = sql(
        content, f"SELECT mtime FROM inputs WHERE path = '{document.resolve()}'",
        "SELECT ctime FROM outputs WHERE path = 'index.html'")
    assert (mtime, ctime) == (10**18, page.stat().st_ctime_ns)


def test_the_record_of_an_output_folder_that_is_gone_is_forgotten(
        stored: tuple[Path, Path], tmp_path: Path) -> None:
    """Each preview builds into a temporary folder of its own: the store kept every one's list
    of files for ever, some 22,000 rows per preview at 10,000 documents."""
    content, out = stored
    preview = tmp_path / "forhandsvisning" / "site"
    _build(content, preview, preview=True)
    shutil.rmtree(preview.parent)
    _build(content, out)
    assert sql(content, "SELECT DISTINCT out FROM outputs", "SELECT out FROM sites") == [
        [(str(out.resolve()),)]] * 2


# --- the inputs: every file, in a fixed order, under sourcefile's policy -----------------------

def walked(root: Path) -> list[str]:
    """The files os.walk gives top-down, sorted, skipping hidden files and folders and caches."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found += [(Path(dirpath) / name).relative_to(root).as_posix()
                  for name in sorted(filenames) if not name.startswith(".")]
    return found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "innhold"
    for name in ("b.md", "a.md", "Z.md", ".skjult.md", "referater/2.md", "referater/10.md",
                 "referater/under/dypt.md", "referater/a-b/c.md", "referater/a.b/d.md",
                 "__pycache__/x.pyc", ".git/config", "tom/.gitkeep", "å/æ.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    (root / "lenket-mappe").symlink_to(root / "referater")
    (tmp_path / "ute.md").write_text("utenfor", encoding="utf-8")
    (root / "lenke-ut.md").symlink_to(tmp_path / "ute.md")
    (root / "lenke-til-mappe-ute").symlink_to(tmp_path)
    (root / "lenke-inn.md").symlink_to(root / "a.md")
    (root / "brutt.md").symlink_to(root / "finnes-ikke.md")
    os.mkfifo(root / "referater" / "rør.md")
    return root


def test_every_input_in_the_order_os_walk_gives(tree: Path) -> None:
    assert [relative for relative, _entry in files(tree)] == walked(tree)


def test_what_the_loader_refuses_is_named_never_opened(tree: Path) -> None:
    hashes = dict(Inputs(Store(tree))._hashes(tree.resolve()))
    assert hashes["referater/rør.md"].startswith("avvist: dette er ikke en vanlig fil")
    assert hashes["lenke-ut.md"].startswith("avvist: filen er en snarvei")
    assert hashes["brutt.md"].startswith("avvist: filen er en snarvei")
    assert hashes["lenke-inn.md"] == hashes["a.md"] != hashes["b.md"]
    assert not any(path.startswith(("lenket-mappe", "lenke-til-mappe-ute")) for path in hashes)


def test_an_input_edited_with_its_mtime_put_back_is_hashed_again(
        valid_content: Path, tmp_path: Path) -> None:
    """Also a file changed long before the build (not re-hashed for being recent)."""
    out = tmp_path / "site"
    document = valid_content / "referater" / "2016-01-12.md"
    hour_ago = document.stat().st_mtime_ns - 3600 * 10**9
    os.utime(document, ns=(hour_ago, hour_ago))
    _build(valid_content, out)
    assert build(Paths(content=valid_content, out=out)).cached
    _same_size_edit_mtime_put_back(document)
    assert not build(Paths(content=valid_content, out=out)).cached


def test_the_four_caches_the_store_replaced_are_deleted_and_nothing_else(
        valid_content: Path, own_cache: Path) -> None:
    hexed = "0123456789abcdef"
    old = [own_cache / "compiled.sqlite3", own_cache / "documents" / f"innhold-{hexed}.json",
           own_cache / f"site-{hexed}" / "state.json", own_cache / f"site-{hexed}" / "deps.json"]
    others = [own_cache / "documents" / "mine.txt", own_cache / "annet" / "state.json",
              own_cache / f"site-{hexed}" / "publish.lock"]
    for path in old + others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    _check(valid_content, own_cache)
    assert [path for path in old if path.exists()] == []
    assert all(path.exists() for path in others)


# --- the published site: a build that finds nothing changed compares the folder's listing ------

def _unread_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading the published files' rows fail the test."""
    def read(self: site_store.Site) -> None:
        raise AssertionError("the rows of the published files were read")
    monkeypatch.setattr(site_store.Site, "_read_outputs", read)


def test_a_build_that_finds_nothing_changed_reads_no_rows(
        valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 10,000 documents the rows are some 120,000; the listing is three blobs."""
    out = tmp_path / "site"
    _build(valid_content, out)
    with monkeypatch.context() as patched:
        _unread_rows(patched)
        assert build(Paths(content=valid_content, out=out)).cached


def _added_in_folder_mtime_put_back(path: Path) -> None:
    folder = path.parent.stat()
    (path.parent / "ekstra.html").write_bytes(b"lagt til for hand")
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))


def _renamed_mtimes_put_back(path: Path) -> None:
    folder, info = path.parent.stat(), path.stat()
    path.rename(path.with_name("flyttet.html"))
    path.with_name("flyttet.html").rename(path)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))


def _folder_added(path: Path) -> None:
    (path.parent / "ny-mappe").mkdir()
    (path.parent / "ny-mappe" / "index.html").write_bytes(b"lagt til for hand")


FOLDER_EDITS = {"added-mtime-put-back": _added_in_folder_mtime_put_back,
                "renamed-and-back-mtimes-put-back": _renamed_mtimes_put_back,
                "folder-added": _folder_added}


@pytest.mark.parametrize("edit", FOLDER_EDITS)
@pytest.mark.parametrize("where", ["index.html", "referater/2016-01-12/index.html"])
def test_a_file_or_folder_added_or_renamed_by_hand_is_noticed(
        valid_content: Path, tmp_path: Path, edit: str, where: str,
        cold_site: dict[str, bytes]) -> None:
    out = tmp_path / "site"
    _build(valid_content, out)
    FOLDER_EDITS[edit](out / where)
    report = build(Paths(content=valid_content, out=out))
    assert not report.cached or edit.startswith("renamed")
    assert site(out) == cold_site


@pytest.mark.parametrize("damage", [
    "UPDATE sites SET stats = 'x'", "UPDATE sites SET stats = substr(stats, 1, 12)",
    "UPDATE sites SET files = x'00', folders = 5", "UPDATE sites SET folders = x'2e2e'",
    "UPDATE sites SET stats = x'', files = x''"])
def test_a_damaged_or_stale_listing_is_made_again_from_the_rows(
        valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str,
        cold_site: dict[str, bytes]) -> None:
    out = tmp_path / "site"
    _build(valid_content, out)
    sql(valid_content, damage)
    assert build(Paths(content=valid_content, out=out)).cached
    with monkeypatch.context() as patched:
        _unread_rows(patched)
        assert build(Paths(content=valid_content, out=out)).cached, "listed again"
    assert site(out) == cold_site


def test_a_file_whose_change_time_alone_changed_is_listed_again(
        valid_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its bytes are the recorded ones (our own links change the change time): the rows
    trust it, and the next build needs them no more."""
    out = tmp_path / "site"
    _build(valid_content, out)
    (out / "index.html").chmod(0o644)
    assert build(Paths(content=valid_content, out=out)).cached
    with monkeypatch.context() as patched:
        _unread_rows(patched)
        assert build(Paths(content=valid_content, out=out)).cached
        _same_size_edit_mtime_put_back(out / "index.html")
        with pytest.raises(AssertionError, match="rows of the published files"):
            build(Paths(content=valid_content, out=out))
