"""The build store damaged while `build.py serve` runs, between two saves made as the web editor
makes them (over HTTP): the preview keeps serving, the saved text is on its page, the next save
works, and the store is at most one Norwegian line, never a traceback or a dead server."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, copy_fixture
from test_editor_backend import post
from test_serve import Preview, start_preview, stop_preview, wait_until

from politiradet.store.database import TABLES, store_file

NOTICE = "Merk: byggelageret"
REFERAT = "referater/2025-05-14.md"
PAGE = "referater/2025-05-14/"


def _checkpointed(file: Path) -> None:
    with contextlib.closing(sqlite3.connect(file, isolation_level=None, timeout=30)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _deleted(file: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{file}{suffix}")


def _shm_truncated(file: Path) -> None:
    """The shared-memory index cut short (or left so by a process that crashed): a process
    that has it mapped meanwhile gets SIGBUS."""
    shm = Path(f"{file}-shm")
    if shm.exists():
        os.truncate(shm, 10)
    else:
        shm.write_bytes(b"\xff" * 10)


def _foreign(file: Path) -> None:
    """Another program's database in its place: our tables' names, our stamps, other columns."""
    _deleted(file)
    with contextlib.closing(sqlite3.connect(file, isolation_level=None)) as db:
        for table in TABLES:
            db.execute(f"CREATE TABLE {table} (a, b, c)")
            db.execute(f"INSERT INTO {table} VALUES (1, 'x', X'00')")
        db.execute("PRAGMA user_version = 3")
        db.execute("PRAGMA application_id = 1347568945")


def _wrong_types(file: Path) -> None:
    with contextlib.closing(sqlite3.connect(file, isolation_level=None, timeout=30)) as db:
        db.execute("UPDATE records SET used = 'x', meta = 5")
        db.execute("UPDATE documents SET digest = 3")
        db.execute("UPDATE inputs SET size = 'x'")
        db.execute("UPDATE outputs SET key = 7")


def _truncated(file: Path) -> None:
    _checkpointed(file)
    file.write_bytes(file.read_bytes()[:1000])


def _wal_garbled(file: Path) -> None:
    """A write-ahead log of garbage beside the database (as a crashed process may leave one),
    its index too."""
    Path(f"{file}-wal").write_bytes(bytes(range(256)) * 64)
    Path(f"{file}-shm").write_bytes(b"\x07" * 32768)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "deleted": _deleted,
    "shm-truncated": _shm_truncated,
    "foreign-columns": _foreign,
    "wrong-types": _wrong_types,
    "truncated": _truncated,
    "wal-garbled": _wal_garbled,
}


@pytest.fixture
def preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Preview]:
    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "cache"))
    running = start_preview(tmp_path, copy_fixture("gyldig", tmp_path))
    wait_until(lambda: _builds(running) >= 1)
    yield running
    stop_preview(running)


def _builds(preview: Preview) -> int:
    return preview.out.read_text(encoding="utf-8").count("Bygget ")


def _save(preview: Preview, words: str) -> None:
    """Save the referat through the editor's API with *words* in it, and wait for its page
    and for the full build that follows."""
    port = int(preview.base.rsplit(":", 1)[1].strip("/"))
    raw = (ROOT / "tests" / "fixtures" / "gyldig" / REFERAT).read_text(encoding="utf-8")
    raw = raw.replace("OPD orienterte om SaLTo", f"OPD orienterte om SaLTo {words}", 1)
    builds = _builds(preview)
    request = {"action": "persistEntry", "params": {
        "dataFiles": [{"path": f"content/{REFERAT}", "slug": "x", "raw": raw}],
        "assets": [], "options": {"newEntry": False, "commitMessage": "x"}}}
    code, data = post(port, json.dumps(request).encode(), origin=f"http://127.0.0.1:{port}")
    assert code == 200, data
    wait_until(lambda: words in preview.get(PAGE)[1], timeout=60)
    wait_until(lambda: _builds(preview) > builds or preview.proc.poll() is not None, timeout=60)
    assert preview.proc.poll() is None, preview.stderr()
    status, page = preview.get(PAGE)
    assert status == 200 and words in page
    wait_until(lambda: not _holds_store(preview), timeout=60)


def _holds_store(preview: Preview) -> bool:
    """Whether the preview process has a file of the store open: the save's work is not done
    yet (damage while SQLite has the ``-shm`` mapped can kill any process, as SIGBUS)."""
    folder = f"/proc/{preview.proc.pid}/fd"
    if not os.path.isdir(folder):
        return False
    store = str(store_file(preview.content))
    for fd in os.listdir(folder):
        with contextlib.suppress(OSError):
            if os.readlink(f"{folder}/{fd}").startswith(store):
                return True
    return False


@pytest.mark.parametrize("damage", DAMAGE)
def test_damage_between_two_saves_never_stops_the_preview(preview: Preview, damage: str
                                                           ) -> None:
    _save(preview, "første lagring")
    DAMAGE[damage](store_file(preview.content))
    _save(preview, "lagret etter skaden")
    _save(preview, "lagret igjen")
    err = preview.stderr()
    assert "Traceback" not in err and "byggingen stoppet" not in err, err
    assert err.count(NOTICE) <= 1 and len(err.strip().splitlines()) <= 1, err


def test_a_store_deleted_under_the_preview_is_made_again_by_its_next_build(
        preview: Preview) -> None:
    """The preview does not keep writing into the deleted file it still had open, where no
    other command (and no later preview) would ever find what it learnt."""
    _save(preview, "første lagring")
    file = store_file(preview.content)
    _deleted(file)
    _save(preview, "lagret etter slettingen")
    with contextlib.closing(sqlite3.connect(file)) as db:
        assert db.execute("SELECT count(*) FROM sites").fetchone()[0] == 1
    assert NOTICE not in preview.stderr()
