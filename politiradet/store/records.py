"""The on-disk cache of compiled bodies: one SQLite database of checked JSON records.

A record's key is the SHA-256 of everything its HTML depends on: the body and where it
starts in the file, the document's path (links are resolved from it), the abbreviation
registry, and the generator itself (the source of this package and the versions of the
Markdown libraries). A record is stored as two JSON texts, each with its SHA-256: the small
*meta* part (links, headings, status blocks' places … what the link graph and the render
plan read for every document on every build) and the large *body* part (HTML and text, read
only when a page, feed or search record is made: :class:`StoredPayload`). A part whose
checksum or types do not match (corrupt, or not ours), a database of another format, or a
file that is no database at all is ignored and written again; a body part found bad when it
is needed is compiled again on the spot. Nothing is ever unpickled. The cache is only a
shortcut: delete it and the next build compiles everything again.

The database is ``compiled.sqlite3`` in the cache root, in WAL mode: builds running at the
same time read while one writes, and each writes its new records in short transactions.
Records not used by the last :data:`KEEP_BUILDS` builds are deleted (:meth:`RecordCache.retain`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.content import (
    Compiled,
    CompiledStatus,
    Decision,
    Document,
    Heading,
    InMemory,
    LinkRef,
    Note,
    Payload,
)
from .build_cache import cache_root, library_version

FORMAT = 5
"""Version of the database's layout and of the records' JSON (``PRAGMA user_version``)."""
FILE_NAME = "compiled.sqlite3"
OLD_FOLDER = "compiled"
"""Where format 1 kept a file per record; removed when the database is made."""
PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = ("markdown-it-py", "mdit-py-plugins")
KEEP_BUILDS = 50
"""A record no build used among the last this many is deleted."""
REFRESH_BUILDS = 10
"""A record in use has its build number renewed once in this many builds (not on every one)."""
BUSY_SECONDS = 30.0
"""How long to wait for another build's write to finish before going on without the cache."""
BATCH = 500
"""Keys per query, and records per write transaction."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY, used INTEGER NOT NULL,
    meta_sum TEXT NOT NULL, body_sum TEXT NOT NULL, meta BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS meta_used ON meta (used);
CREATE TABLE IF NOT EXISTS body (key TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS builds (id INTEGER PRIMARY KEY CHECK (id = 0), number INTEGER NOT NULL);
"""


@functools.cache
def generator_version() -> str:
    """Hash of this package's source and the Markdown libraries' versions."""
    digest = hashlib.sha256(f"{FORMAT}\0".encode())
    for name in LIBRARIES:
        digest.update(f"{name}={library_version(name)}\0".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def registry_fingerprint(abbreviations: Mapping[str, str], names: Any = ()) -> str:
    """Hash of the registries a record depends on: the abbreviations (its HTML) and the names
    of the topics and areas (its mentions, a JSON-able list)."""
    data = json.dumps([sorted(abbreviations.items()), names], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


# --- a record as stored ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Row:
    """A compiled record encoded for the store: what a worker process hands back."""

    meta: bytes
    meta_sum: str
    body: bytes
    body_sum: str


def record_digest(meta_sum: str, body_sum: str) -> str:
    """:attr:`Compiled.digest`: one SHA-256 for both parts of the record."""
    return hashlib.sha256(f"{meta_sum} {body_sum}".encode()).hexdigest()


def encode(compiled: Compiled) -> Row:
    """The record's two parts as JSON, each with its SHA-256."""
    payload = compiled.payload()
    meta = _json(
        [compiled.lead, compiled.summary,
         [[r.href, r.line, r.col, r.image] for r in compiled.links],
         [[h.level, h.text, h.anchor] for h in compiled.headings], list(compiled.abbreviations),
         [[s.point, s.line, s.closed, list(s.mentions), s.closes] for s in compiled.statuses],
         [[n.line, n.col, n.message] for n in compiled.notes], list(compiled.mentions),
         [[d.line, d.text] for d in compiled.decisions]])
    body = _json([payload.html, payload.text, [list(pair) for pair in payload.statuses]])
    return Row(meta, _sha256(meta), body, _sha256(body))


def decode(row: Row) -> Compiled | None:
    """The record in *row*, its payload kept in memory; None unless both parts check out."""
    payload = decode_body(row.body, row.body_sum)
    if payload is None:
        return None
    return decode_meta(row.meta, row.meta_sum, row.body_sum, InMemory(payload))


def decode_meta(meta: bytes, meta_sum: str, body_sum: str, payload: Callable[[], Payload]
                ) -> Compiled | None:
    """The record whose meta part is *meta*, with *payload* for its body part; None when the
    checksum or the types do not match."""
    if _sha256(meta) != meta_sum:
        return None
    try:
        return _meta_from_json(json.loads(meta), record_digest(meta_sum, body_sum), payload)
    except (ValueError, TypeError, KeyError):
        return None


def decode_body(body: bytes, body_sum: str) -> Payload | None:
    """The payload in *body*; None when the checksum or the types do not match."""
    if _sha256(body) != body_sum:
        return None
    try:
        html, text, statuses = json.loads(body)
        return Payload(_str(html), _str(text),
                       tuple((_str(h), _str(t)) for h, t in _list(statuses)))
    except (ValueError, TypeError):
        return None


def _meta_from_json(data: Any, digest: str, payload: Callable[[], Payload]) -> Compiled:
    """The record from the decoded meta part; TypeError or ValueError unless every value has
    its type (checked inline: this runs for every document on every build)."""
    lead, summary, links, headings, abbreviations, statuses, notes, mentions, decisions = \
        _list(data)
    link_refs = []
    for href, line, col, image in _list(links):
        if type(href) is not str or type(line) is not int or type(col) is not int or \
                type(image) is not bool:
            raise TypeError("link")
        link_refs.append(LinkRef(href, line, col, image))
    found_headings = []
    for level, text, anchor in _list(headings):
        if type(level) is not int or type(text) is not str or type(anchor) is not str:
            raise TypeError("heading")
        found_headings.append(Heading(level, text, anchor))
    blocks = []
    for index, (point, line, closed, block_mentions, closes) in enumerate(_list(statuses)):
        if type(point) is not str or type(line) is not int or type(closed) is not bool \
                or type(closes) is not bool:
            raise TypeError("status")
        blocks.append(CompiledStatus(point, line, closed, index, digest, payload,
                                     tuple(_str(m) for m in _list(block_mentions)), closes))
    return Compiled(
        lead=_str(lead), summary=_str(summary), links=tuple(link_refs),
        headings=tuple(found_headings),
        abbreviations=tuple(_str(a) for a in _list(abbreviations)), statuses=tuple(blocks),
        notes=tuple(Note(_int(line), _int(col), _str(message))
                    for line, col, message in _list(notes)),
        digest=digest, payload=payload, mentions=tuple(_str(m) for m in _list(mentions)),
        decisions=tuple(Decision(number, _int(line), _str(text))
                        for number, (line, text) in enumerate(_list(decisions), 1)))


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _str(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("expected str")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("expected int")
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise TypeError("expected bool")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError("expected list")
    return value


# --- the store ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StoredPayload:
    """A record's payload in the store, read (and checked) each time it is asked for.

    When the stored body is missing or does not check out, the record is dropped from the
    store (the next build compiles it again) and *fallback* compiles the payload on the spot.
    """

    database: str
    key: str
    body_sum: str
    fallback: Callable[[], Payload]

    def __call__(self) -> Payload:
        last = _last_payload[:]
        if last and last[0][0] is self:
            return last[0][1]
        payload = _read_body(self.database, self.key, self.body_sum)
        if payload is None:
            _forget(self.database, self.key)
            payload = self.fallback()
        _last_payload[:] = [(self, payload)]
        return payload


_last_payload: list[tuple[StoredPayload, Payload]] = []
"""The payload read last (a page's HTML and then its text are often asked for in turn)."""


class RecordCache:
    """Compiled records in ``<folder>/compiled.sqlite3`` (the folder: the cache root)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or cache_root()
        self.database = str(self.folder / FILE_NAME)
        self._used: dict[str, int] = {}
        """Key -> the build number of its record as last read or written by this object."""

    def key(self, doc: Document, registries: str) -> str:
        digest = hashlib.sha256(f"{generator_version()}\0{registries}\0".encode())
        body = _bytes(doc.body)
        digest.update(f"{len(doc.path)}:{doc.path}\0{doc.body_line}\0{len(body)}\0".encode())
        digest.update(body)
        return digest.hexdigest()

    def get_many(self, keys: Collection[str],
                 fallback: Callable[[str], Callable[[], Payload]]) -> dict[str, Compiled]:
        """The trustworthy records stored under *keys*, their payloads left in the store;
        *fallback(key)* compiles a payload again should its stored body turn out bad."""
        found: dict[str, Compiled] = {}
        db = self._connection()
        if db is None:
            return found
        try:
            with _collector_paused():
                for chunk in _chunks(sorted(keys)):
                    marks = ",".join("?" * len(chunk))
                    for key, used, meta_sum, body_sum, meta in db.execute(
                            "SELECT key, used, meta_sum, body_sum, meta FROM meta "
                            f"WHERE key IN ({marks})", chunk):
                        if not _columns_typed(meta, meta_sum, body_sum) or key not in keys:
                            continue
                        payload = StoredPayload(self.database, key, body_sum, fallback(key))
                        record = decode_meta(meta, meta_sum, body_sum, payload)
                        if record is not None:
                            found[key] = record
                            self._used[key] = used if type(used) is int else -1
        except sqlite3.DatabaseError as exc:
            self._failed(exc)
            return {}
        return found

    def put_many(self, rows: Sequence[tuple[str, Row]]) -> bool:
        """Store *rows* in one transaction; False when the cache cannot be written."""
        db = self._connection()
        if db is None:
            return False
        try:
            with _transaction(db):
                number = _build_number(db)
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?, ?, ?, ?)",
                               [(key, number, row.meta_sum, row.body_sum, row.meta)
                                for key, row in rows])
                db.executemany("INSERT OR REPLACE INTO body VALUES (?, ?)",
                               [(key, row.body) for key, row in rows])
        except sqlite3.DatabaseError as exc:
            self._failed(exc)
            return False
        self._used.update((key, number) for key, _row in rows)
        return True

    def retain(self, keys: Collection[str]) -> None:
        """Count a build that used the records under *keys*; delete the records that none of
        the last :data:`KEEP_BUILDS` builds used.

        A record's build number is renewed only when it is :data:`REFRESH_BUILDS` old, so an
        unchanged archive does not rewrite every row on every build."""
        db = self._connection()
        if db is None:
            return
        try:
            with _transaction(db):
                number = _build_number(db) + 1
                db.execute("UPDATE builds SET number = ?", (number,))
                stale = [key for key in keys if self._used.get(key, -1) < number - REFRESH_BUILDS]
                db.executemany("UPDATE meta SET used = ? WHERE key = ?",
                               [(number, key) for key in stale])
                db.execute("DELETE FROM body WHERE key IN (SELECT key FROM meta WHERE used < ?)",
                           (number - KEEP_BUILDS,))
                db.execute("DELETE FROM meta WHERE used < ?", (number - KEEP_BUILDS,))
        except sqlite3.DatabaseError as exc:
            self._failed(exc)

    def close(self) -> None:
        """Close this thread's connection (it is opened again when needed)."""
        _disconnect(self.database)

    def _connection(self) -> sqlite3.Connection | None:
        return _connection(self.database)

    def _failed(self, exc: sqlite3.DatabaseError) -> None:
        """A database found corrupt is removed, so the next use makes a new one; a busy or
        full one is left alone and simply not used this time."""
        if _is_corrupt(exc):
            _remove(self.database)


def _bytes(text: str) -> bytes:
    """*text* as bytes for a key: Latin-1 when it fits (a plain copy of the characters, twice
    as fast as UTF-8 for Norwegian text), else UTF-8; the first byte says which."""
    try:
        return b"l" + text.encode("latin-1")
    except UnicodeEncodeError:
        return b"u" + text.encode("utf-8", "surrogatepass")


def _read_body(database: str, key: str, body_sum: str) -> Payload | None:
    db = _connection(database)
    try:
        found = db.execute("SELECT body FROM body WHERE key = ?", (key,)).fetchone() if db else None
    except sqlite3.DatabaseError:
        return None
    return decode_body(found[0], body_sum) if found and type(found[0]) is bytes else None


def _columns_typed(meta: Any, meta_sum: Any, body_sum: Any) -> bool:
    """SQLite keeps any type in any column: a row of others' making may hold text or NULL."""
    return type(meta) is bytes and type(meta_sum) is str and type(body_sum) is str


def _forget(database: str, key: str) -> None:
    """Delete the record under *key*, if the database can be written just now."""
    db = _connection(database)
    with contextlib.suppress(sqlite3.DatabaseError):
        if db is not None:
            with _transaction(db):
                db.execute("DELETE FROM meta WHERE key = ?", (key,))
                db.execute("DELETE FROM body WHERE key = ?", (key,))


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while records are decoded: they make some 100,000 objects and no
    cycles, and each collection pass would walk the whole archive in memory (half the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_number(db: sqlite3.Connection) -> int:
    found = db.execute("SELECT number FROM builds").fetchone()
    if found is None:
        db.execute("INSERT INTO builds VALUES (0, 0)")
        return 0
    return int(found[0])


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]


# --- connections: one per process and thread, never carried across a fork ------------------

_local = threading.local()


def _connection(database: str) -> sqlite3.Connection | None:
    """This process's and thread's connection to *database*, opened (and the database made
    or upgraded) on first use; None when the folder cannot be written."""
    connections: dict[str, tuple[int, sqlite3.Connection]] = _local.__dict__.setdefault(
        "connections", {})
    known = connections.get(database)
    if known is not None and known[0] == os.getpid():
        return known[1]
    try:
        db = _open(database)
    except sqlite3.DatabaseError as exc:
        if not _is_corrupt(exc):
            return None
        _remove(database)
        try:
            db = _open(database)
        except (sqlite3.DatabaseError, OSError):
            return None
    except OSError:
        return None
    connections[database] = (os.getpid(), db)
    return db


def _open(database: str) -> sqlite3.Connection:
    path = Path(database)
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(database, timeout=BUSY_SECONDS, isolation_level=None,
                         check_same_thread=True)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != FORMAT:
            with _transaction(db):  # another process may have made it meanwhile
                if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
                    _create(db)
    except BaseException:
        db.close()
        raise
    if new:
        shutil.rmtree(path.parent / OLD_FOLDER, ignore_errors=True)
    return db


def _create(db: sqlite3.Connection) -> None:
    """The tables of this format, replacing those of any other."""
    for table in ("meta", "body", "builds"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {FORMAT}")


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    """True for a file that is no SQLite database, or one damaged beyond SQLite's own repair
    (as opposed to a database that is busy or a disk that is full)."""
    return not isinstance(exc, sqlite3.OperationalError) or "malformed" in str(exc)


def _disconnect(database: str) -> None:
    """Close this thread's connection to *database*, if it has one."""
    connections = _local.__dict__.get("connections", {})
    known = connections.pop(database, None)
    if known is not None and known[0] == os.getpid():
        with contextlib.suppress(sqlite3.Error):
            known[1].close()


def _remove(database: str) -> None:
    """Drop this thread's connection and the database's files."""
    _disconnect(database)
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(database + suffix)
