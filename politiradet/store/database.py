"""The build store: what builds remember, in one SQLite database per content folder.

One database (:func:`store_file`) holds the documents that validated (:mod:`.documents`), the
compiled records (:mod:`.records`), the digests of the input files by their stat, and for each
output folder the last build's key and summary, the folder's listing (every folder's and
file's stat in three blobs, what a build that finds nothing changed compares) and, per
published file, the key of its render input with the file's inode, size, modification and
change time (:mod:`.site`). All of it is
under one generator fingerprint (:func:`fingerprint`: this package's source, the libraries'
versions, Python's); a database of another fingerprint or layout is emptied before it is used,
also when another generator took it over while a process (a preview) kept it open: that is
looked at once per :class:`Store` and in every write.
A build stages what it learnt (:meth:`Store.later`) and writes it in one transaction at the
end (:meth:`Store.commit`), so the record of a build is there whole or not at all. (Compiled
records are put as they are made, each on its own: the render workers read their bodies back,
and a record is a pure, checksummed function of its key, so one left by a killed build is
simply a record nobody uses yet.)

Every value is checked when it is read (SQLite keeps any type in any column): a row that is
damaged, of the wrong type or missing is a miss, and that part is made again. A store that
cannot be opened, read or written (a full disk, no access, a file that is no database, another
build holding it too long) is not used: the command says so in one Norwegian line and goes on
without it, with the same result. Nothing is ever unpickled. The store is only a shortcut:
delete it, and the next build does everything again.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import os_error_reason

FORMAT = 5
"""Version of the tables' layout (``PRAGMA user_version``)."""
APPLICATION_ID = 0x50524131
"""``PRAGMA application_id`` of our databases («PRA1»): a database without it is not ours."""
PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "markupsafe", "babel", "pagefind",
             "pagefind-bin", "pyyaml", "jsonschema", "jsonschema-specifications", "referencing",
             "feedgen", "icalendar")
"""The libraries whose versions can change what a document validates to or a site looks like."""
FOLDER = "lager"
"""The stores' folder in :func:`cache_root`."""
KEEP_DAYS = 30
"""A content folder's store that no command wrote for this many days is deleted."""
BUSY_SECONDS = 30.0
"""How long to wait for another build's transaction before going on without the store."""
TABLES = ("state", "documents", "records", "bodies", "statuses", "parts", "inputs", "sites",
          "outputs")
INDEXES = ("records_used", "parts_used")
SCHEMA = """
CREATE TABLE state (name TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE documents (path TEXT PRIMARY KEY, digest TEXT NOT NULL, schemas TEXT NOT NULL,
    entry BLOB NOT NULL, sum TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE records (key TEXT PRIMARY KEY, used INTEGER NOT NULL, meta_sum TEXT NOT NULL,
    body_sum TEXT NOT NULL, statuses_sum TEXT NOT NULL, meta BLOB NOT NULL);
CREATE INDEX records_used ON records (used);
CREATE TABLE bodies (key TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE statuses (key TEXT PRIMARY KEY, statuses BLOB NOT NULL);
CREATE TABLE parts (key TEXT PRIMARY KEY, used INTEGER NOT NULL, sum TEXT NOT NULL,
    value BLOB NOT NULL);
CREATE INDEX parts_used ON parts (used);
CREATE TABLE inputs (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
    ctime INTEGER NOT NULL, inode INTEGER NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sites (out TEXT PRIMARY KEY, variant TEXT NOT NULL, key TEXT NOT NULL,
    summary TEXT NOT NULL, folders BLOB NOT NULL, files BLOB NOT NULL, stats BLOB NOT NULL,
    replaced_folders BLOB NOT NULL, replaced_files BLOB NOT NULL, replaced_stats BLOB NOT NULL)
    WITHOUT ROWID;
CREATE TABLE outputs (out TEXT NOT NULL, path TEXT NOT NULL, key TEXT NOT NULL,
    inode INTEGER NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
    ctime INTEGER NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (out, path)) WITHOUT ROWID;
"""

Change = Callable[[sqlite3.Connection], None]
"""Something to write, run inside the build's one transaction."""


def cache_root() -> Path:
    """Where everything this tool keeps between runs lives: ``$POLITIRADET_CACHE``, else the
    user's cache folder (``$XDG_CACHE_HOME/politiradet``, else ``~/.cache/politiradet``);
    never beside or inside the site, so nothing extra is published or left next to it."""
    configured = os.environ.get("POLITIRADET_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "politiradet"


def cache_dir_for(out: Path) -> Path:
    """The folder of the output folder *out* under :func:`cache_root`: its publish lock and
    the replaced sites waiting to be deleted (:mod:`politiradet.write`)."""
    out = out.resolve()
    return cache_root() / f"{out.name}-{hashlib.sha256(os.fsencode(out)).hexdigest()[:16]}"


def store_file(content: Path) -> Path:
    """The database of the content folder *content*."""
    resolved = content.resolve()
    name = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]
    return cache_root() / FOLDER / f"{resolved.name}-{name}.sqlite3"


@functools.cache
def library_version(name: str) -> str:
    """The installed version of the distribution *name*, or «-» when it is not installed
    (looked up once per process: a library upgraded under a running process is not the
    code it runs)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@functools.cache
def fingerprint() -> str:
    """The generator's one fingerprint: every module's source, the libraries' versions and
    Python's. Whatever the store holds was made by exactly this generator."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0".encode())
    for name in LIBRARIES:
        digest.update(f"{name}={library_version(name)}\0".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class Store:
    """The build store of one content folder; every method works or says why not, never raises.

    *file* overrides :func:`store_file` (tests)."""

    def __init__(self, content: Path, file: Path | None = None) -> None:
        self.database = str(file or store_file(content))
        self._later: list[Change] = []
        _drop_if_taken_over(self.database)

    @property
    def usable(self) -> bool:
        return connection(self.database) is not None

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows *sql* selects; none when the store cannot be read."""
        db = connection(self.database)
        if db is None:
            return []
        try:
            return db.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            failed(self.database, exc)
            return []

    def write(self, change: Change) -> bool:
        """Run *change* in a transaction of its own; False when the store cannot be written."""
        return self._transaction([change])

    def later(self, change: Change) -> None:
        """Keep *change* for :meth:`commit`."""
        self._later.append(change)

    def commit(self) -> bool:
        """Write every change kept with :meth:`later` in one transaction: all or nothing."""
        changes, self._later = self._later, []
        written = self._transaction(changes) if changes else True
        if written:
            _forget_old(Path(self.database).parent)
        return written

    def _transaction(self, changes: Sequence[Change]) -> bool:
        db = connection(self.database)
        if db is None:
            return False
        try:
            with transaction(db):
                if not _ours(db):  # another generator took the database over meanwhile
                    raise _TakenOver
                for change in changes:
                    change(db)
        except _TakenOver:
            return False
        except sqlite3.Error as exc:
            failed(self.database, exc)
            return False
        return True


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# --- checked values ------------------------------------------------------------------------

def is_int(value: Any) -> bool:
    return type(value) is int


def is_str(value: Any) -> bool:
    return type(value) is str


def sha256(data: bytes) -> str:
    """The SHA-256 of *data* in hex: of a file's bytes the same for the loader (the documents'
    key) and the build's input hashing."""
    return hashlib.sha256(data).hexdigest()


# --- connections: one per process and thread, never carried across a fork ------------------

_local = threading.local()
_told: set[str] = set()
"""The databases this process has already said it cannot use."""
_broken: dict[tuple[int, str], float] = {}
"""(process, database) -> when it failed: not tried again for :data:`RETRY_SECONDS` (a
preview server runs for hours; a disk may be cleared meanwhile)."""
RETRY_SECONDS = 60.0
FULL_BYTES = 256 * 1024
"""Less room than this on the store's disk, and a failed write is put down to a full disk."""


def connection(database: str) -> sqlite3.Connection | None:
    """This process's and thread's connection to *database*, opened (and the database made,
    or emptied when it is of another layout or generator) on first use; None when it cannot
    be used."""
    connections: dict[str, tuple[int, sqlite3.Connection]] = _local.__dict__.setdefault(
        "connections", {})
    pid = os.getpid()
    known = connections.get(database)
    if known is not None and known[0] == pid:
        return known[1]
    if time.monotonic() - _broken.get((pid, database), -RETRY_SECONDS) < RETRY_SECONDS:
        return None
    try:
        db = _open_or_replace(database)
    except (sqlite3.Error, OSError) as exc:
        _broken[pid, database] = time.monotonic()
        _tell(database, exc)
        return None
    connections[database] = (pid, db)
    return db


def failed(database: str, exc: sqlite3.Error) -> None:
    """After an error in use: a damaged database is removed (the next command makes a new
    one), and the store is not used by this process for a while; the command is told once."""
    disconnect(database)
    _broken[os.getpid(), database] = time.monotonic()
    if _is_corrupt(exc):
        _remove(database)
    _tell(database, exc)


class _TakenOver(Exception):
    """The database was emptied and stamped by another generator since it was opened."""


def _drop_if_taken_over(database: str) -> None:
    """Close this thread's connection to *database* when another generator (a newer version
    of the tool, while a preview of this one kept running) has taken the database over since
    it was opened: the next use opens it again and empties it for this generator, so neither
    trusts what the other made."""
    known = _local.__dict__.get("connections", {}).get(database)
    if known is None or known[0] != os.getpid():
        return
    try:
        ours = _ours(known[1])
    except sqlite3.Error:
        ours = False
    if not ours:
        disconnect(database)


def disconnect(database: str) -> None:
    """Close this thread's connection to *database*, if it has one."""
    connections = _local.__dict__.get("connections", {})
    known = connections.pop(database, None)
    if known is not None and known[0] == os.getpid():
        with contextlib.suppress(sqlite3.Error):
            known[1].close()


def release() -> None:
    """Close every connection of this thread. A process that lives on between commands (the
    preview) calls this when one is done, so that it holds nothing of the store while it
    waits: SQLite keeps the shared-memory index (``-shm``) mapped while a connection is
    open, and that file cut short under it kills the process with SIGBUS; and a store deleted
    or replaced meanwhile is opened again by its name, not kept on as the file it was."""
    for database in list(_local.__dict__.get("connections", {})):
        disconnect(database)


def _open_or_replace(database: str) -> sqlite3.Connection:
    try:
        return _open(database)
    except sqlite3.DatabaseError as exc:
        if not _is_corrupt(exc):
            raise
    _remove(database)  # not a database, or damaged beyond SQLite's repair: start again
    return _open(database)


def _open(database: str) -> sqlite3.Connection:
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(database, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if not _current(db):
            with transaction(db):  # another process may have made it meanwhile
                if not _current(db):
                    _create(db)
    except BaseException:
        db.close()
        raise
    return db


def _current(db: sqlite3.Connection) -> bool:
    """True when *db* has our layout and was written by this very generator."""
    if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT or \
            db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return False
    if _layout(db) != _expected_layout():  # a table dropped, changed or missing
        return False
    return _ours(db)


def _ours(db: sqlite3.Connection) -> bool:
    """True when *db* is stamped with this generator's fingerprint."""
    found = db.execute("SELECT value FROM state WHERE name = 'fingerprint'").fetchone()
    return found is not None and found[0] == fingerprint()


def _layout(db: sqlite3.Connection) -> dict[str, str]:
    """The statements that made our tables and indexes in *db*, and every trigger (we make
    none: one on our tables could refuse or change what we write); other tables and indexes
    are not looked at."""
    return {name: sql for kind, name, sql in db.execute(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE type IN ('table', 'index', 'view', 'trigger')")
        if name in TABLES or name in INDEXES or kind == "trigger"}


@functools.cache
def _expected_layout() -> dict[str, str]:
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        db.executescript(SCHEMA)
        return _layout(db)


def _create(db: sqlite3.Connection) -> None:
    """Our tables, empty, for this generator; whatever else was in the file is dropped."""
    found = db.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
                       "AND name NOT LIKE 'sqlite_%'").fetchall()
    for kind, name in found:  # a view named as one of our tables is dropped as a view
        quoted = name.replace('"', '""')
        db.execute(f'DROP {kind.upper()} IF EXISTS "{quoted}"')
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO state VALUES ('fingerprint', ?)", (fingerprint(),))
    db.execute(f"PRAGMA user_version = {FORMAT}")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _is_corrupt(exc: BaseException) -> bool:
    """True for a file that is no SQLite database, or one damaged beyond SQLite's own repair
    (as opposed to one that is busy, read-only or on a full disk)."""
    if type(exc) is sqlite3.DatabaseError:  # «file is not a database», «… malformed»
        return True
    return isinstance(exc, sqlite3.OperationalError) and any(
        words in str(exc) for words in ("malformed", "no such table", "no such column",
                                        "has no column"))


def _remove(database: str) -> None:
    disconnect(database)
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(database + suffix)


def _tell(database: str, exc: BaseException) -> None:
    """Say once per process and database, in one line, that the store is not used, and why."""
    if database in _told:
        return
    _told.add(database)
    clear = "\r\033[K" if sys.stderr.isatty() else ""
    print(f"{clear}Merk: byggelageret «{database}» kan ikke brukes ({reason(exc, database)}); "
          f"fortsetter uten det. Resultatet blir det samme, men det tar lengre tid.",
          file=sys.stderr, flush=True)


def reason(exc: BaseException, database: str) -> str:
    """Why the store at *database* could not be used, in Norwegian."""
    if isinstance(exc, OSError):
        return os_error_reason(exc)
    if _full(Path(database).parent):  # SQLite says «disk I/O error» for a full disk in WAL mode
        return os_error_reason(OSError(errno.ENOSPC, "full"))
    text = str(exc).lower()
    for words, meaning in _SQLITE_REASONS:
        if any(word in text for word in words):
            return meaning
    return f"feil i databasen: {exc}"


_SQLITE_REASONS = (
    (("full",), os_error_reason(OSError(errno.ENOSPC, "full"))),
    (("readonly", "read-only", "unable to open", "permission", "access"),
     "mappen eller filen kan ikke skrives"),
    (("locked", "busy"), "en annen kommando holder det for lenge"),
    (("malformed", "not a database", "corrupt"), "filen er skadet og lages på nytt neste gang"),
    (("disk i/o",), os_error_reason(OSError(errno.EIO, "io"))),
)


_HASH16 = "-" + "[0-9a-f]" * 16
REPLACED = ("compiled.sqlite3", "compiled.sqlite3-wal", "compiled.sqlite3-shm",
            f"documents/*{_HASH16}.json", f"*{_HASH16}/state.json", f"*{_HASH16}/deps.json")
"""What earlier versions kept in the cache root, named as only they named it: the store
replaced all of it."""


def _forget_replaced(root: Path) -> None:
    for pattern in REPLACED:
        for path in root.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
    with contextlib.suppress(OSError):
        (root / "documents").rmdir()  # only when empty


def _full(folder: Path) -> bool:
    """True when the file system of *folder* (or of its nearest existing parent) has next to
    no room left."""
    for place in (folder, *folder.parents):
        with contextlib.suppress(OSError):
            info = os.statvfs(place)
            return info.f_bavail * info.f_frsize < FULL_BYTES
    return False


def _forget_old(folder: Path) -> None:
    """Delete the stores of content folders no command wrote for :data:`KEEP_DAYS` days (a
    folder that was moved or deleted, or a test's), and the four caches the store replaced."""
    _forget_replaced(folder.parent)
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not entry.name.endswith(".sqlite3"):
            continue
        with contextlib.suppress(OSError):
            newest = max(os.stat(entry.path + suffix).st_mtime for suffix in ("", "-wal")
                         if os.path.exists(entry.path + suffix))
            if now - newest > KEEP_DAYS * 86400:
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path + suffix)
