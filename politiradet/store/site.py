"""What the store knows about an output folder: the last build's key, and every file in it.

The key of a build is a hash of everything the site is made from: the generator (its one
fingerprint), every file in the content folder, the templates and the schemas, and what else
the output depends on (base URL, drafts, git dates, the build date). A file's hash is
remembered by its size, modification time, change time and inode (:class:`Inputs`), so an
unchanged archive is not read again; like git's racy-file rule, a file changed in the last
seconds before the build is hashed again by the next one.

Per published file the store keeps the key of its render input (:mod:`.deps`), the file's
inode, size, modification time and change time as the build left it, and the SHA-256 of its
bytes. That is the one check that the published site is untouched: a file edited, replaced or
deleted by hand, also with the same size and its modification time put back (the change time
cannot be put back), is made again; files made together (one key, like a search shard) are
trusted together or not at all. Our own hard links change a file's change time too: the old
site's copy of a linked file is deleted after the build by a process of its own
(:func:`politiradet.stages.write.sweep`), which records the new change time here
(:data:`ABSORB`), only for a file whose change time was still the one recorded, so an edit by
hand is never taken for it; a file whose change time alone differs for another reason (a
build killed while it linked) is read, and trusted when its bytes are the ones recorded (and
its change time recorded then, also by a build that made nothing: :meth:`Site.refresh`).

A build that finds nothing changed does not read those rows: it compares the folder with its
*listing* (:class:`Listing`), three blobs in the site's row: every folder's inode,
modification and change time, taken before its entries were counted, and every file's stat
as recorded. A file changed, replaced or deleted changes its own stat; a file or folder added,
removed or renamed changes its folder's (the change time cannot be put back), so one ``lstat``
per folder and per file, and no directory listing, tells that the folder holds exactly the
recorded files, untouched. Any difference, and the rows are compared as above; when they
agree (a change time our sweep absorbed), the listing is made again.

The site a build replaces is where the next build assembles its site
(:class:`politiradet.stages.write.Staging`), so the row also keeps the listing of the site
this build found live (:meth:`Site.replaced`), when it found every file of it as recorded:
the next build compares that folder's folders with it, one ``lstat`` each, instead of
listing every file in it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from itertools import chain
from operator import attrgetter
from pathlib import Path

from ..stages import sourcefile
from .database import Store, fingerprint, is_int, is_str, sha256

RACY_NS = 2_000_000_000
FileStat = tuple[int, int, int, int]
"""Inode, size, modification and change time (ns) of a file as it was found."""
ABSORB = ("UPDATE outputs SET ctime = ? WHERE out = ? AND path = ? AND inode = ? "
          "AND ctime = ?")
"""What the remover of a replaced site records after it deleted that site's copy of a file
the new site shares: (new change time, output folder, path, inode, change time before)."""
_FOLDER_STAT = attrgetter("st_ino", "st_mtime_ns", "st_ctime_ns")
_FILE_STAT = attrgetter("st_ino", "st_size", "st_mtime_ns", "st_ctime_ns")


@dataclass(frozen=True, slots=True)
class Summary:
    """What a cached build reports: the numbers of the build that made the output."""

    documents: int
    drafts: int
    files: int
    pages: int


@dataclass(frozen=True, slots=True)
class Listing:
    """An output folder as a build left it, in the three blobs of its ``sites`` row."""

    folders: bytes
    """The path of every folder below the output folder (relative, NUL-separated; the
    first, empty, is the folder itself)."""
    files: bytes
    """The path of every file (relative, NUL-separated)."""
    stats: bytes
    """Native 64-bit integers: each folder's inode, modification and change time, then each
    file's inode, size, modification and change time, in the order of the paths."""

    @classmethod
    def of(cls, root: str, files: Mapping[str, FileStat],
           counted: Mapping[str, tuple[int, int, int, int]] | None = None) -> Listing | None:
        """The listing of the folder *root* when it holds exactly *files* (relative path ->
        its recorded stat): each folder is looked at (``lstat``) before its entries are
        counted, so whatever is added after the count changes its stat. None when any folder
        holds another number of entries, or cannot be read.

        A folder that still has the stat an earlier listing recorded for it (*counted*:
        folder -> that stat and its number of entries, :meth:`Listed.counted`; the listing of the
        site this one was assembled in, :meth:`Site.replaced`) holds the entries it held
        then, so it is not counted again when their number is the one wanted: a folder the
        build neither wrote nor deleted in (most of them) costs one ``lstat``."""
        entries = Counter(path.rpartition("/")[0] for path in files)
        folders: set[str] = set()
        for folder in list(entries):
            while folder not in folders:
                folders.add(folder)
                if not folder:
                    break
                folder = folder.rpartition("/")[0]
        entries.update(folder.rpartition("/")[0] for folder in folders if folder)
        ordered, paths = sorted(folders), sorted(files)
        stats = array("q")
        prefix = root + "/"
        counted = counted or {}
        try:
            for folder in ordered:
                info = os.lstat(prefix + folder)
                found = _FOLDER_STAT(info)
                if not stat.S_ISDIR(info.st_mode) or (
                        counted.get(folder) != (*found, entries[folder])
                        and len(os.listdir(prefix + folder)) != entries[folder]):
                    return None
                stats.extend(found)
            for path in paths:
                stats.extend(files[path])
            return cls("\0".join(ordered).encode(), "\0".join(paths).encode(), stats.tobytes())
        except (OSError, OverflowError, UnicodeError):
            return None

    @classmethod
    def read(cls, found: tuple[object, ...]) -> Listing | None:
        """The listing in a row's three values, when they are blobs (only the folders' may
        be empty: a site of one folder)."""
        folders, files, stats = found
        if type(folders) is bytes and type(files) is bytes and type(stats) is bytes and \
                files and stats:
            return cls(folders, files, stats)
        return None

    def blobs(self) -> tuple[bytes, bytes, bytes]:
        return self.folders, self.files, self.stats

    def unpacked(self) -> Listed | None:
        """The folders, the files and the stats; None when the blobs do not fit together (a
        damaged row)."""
        stats = array("q")
        try:
            folders = self.folders.decode().split("\0")
            files = self.files.decode().split("\0")
            stats.frombytes(self.stats)
        except (UnicodeError, ValueError):
            return None
        if len(stats) != 3 * len(folders) + 4 * len(files):
            return None
        return Listed(folders, files, stats)

    def holds(self, root: str) -> bool:
        """True when the folder *root* is as listed: every folder's and every file's inode,
        size (of a file), modification and change time are the listed ones."""
        prefix, recorded, lstat = root + "/", array("q"), os.lstat
        try:
            recorded.frombytes(self.stats)
            found = array("q", chain.from_iterable(map(
                _FOLDER_STAT, map(lstat, map(prefix.__add__, self.folders.decode().split("\0"))))))
            found.extend(chain.from_iterable(map(
                _FILE_STAT, map(lstat, map(prefix.__add__, self.files.decode().split("\0"))))))
        except (OSError, ValueError, OverflowError):
            return False
        return found == recorded


@dataclass(frozen=True, slots=True)
class Listed:
    """A :class:`Listing` unpacked (:meth:`Listing.unpacked`): its folders, its files, and
    their stats (each folder's three numbers, then each file's four)."""

    folders: list[str]
    files: list[str]
    stats: array[int]

    def counted(self) -> dict[str, tuple[int, int, int, int]]:
        """Folder -> its inode, modification and change time and its number of entries
        (files and folders), as listed."""
        entries = Counter(path.rpartition("/")[0] for path in self.files)
        entries.update(folder.rpartition("/")[0] for folder in self.folders if folder)
        stats = self.stats
        return {folder: (stats[3 * index], stats[3 * index + 1], stats[3 * index + 2],
                         entries[folder]) for index, folder in enumerate(self.folders)}


NO_LISTING = (b"", b"", b"")
"""The listing of a site row when there is none: the next build compares the rows."""


def file_stat(path: str) -> FileStat | None:
    """Inode, size, modification and change time of a regular file; None when there is none."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


class Site:
    """The record of the last build into the output folder *out* (for the same *variant*:
    base URL and drafts), checked against the folder as it is now."""

    def __init__(self, store: Store, out: Path, variant: str) -> None:
        self.store, self.out, self.variant = store, out.resolve(), variant
        self.name = str(self.out)
        self.inputs = Inputs(store)
        found = store.query("SELECT variant, key, summary FROM sites WHERE out = ?", (self.name,))
        self._record = found[0] if found and found[0][0] == variant else None
        self._rows: dict[str, tuple[str, FileStat, str]] | None = None
        self._trusted: dict[str, str] | None = None
        self._relisted: Listing | None = None
        """The listing :meth:`refresh` records after a :meth:`hit` that compared the rows."""
        self._absorbed: list[tuple[int, str, str, int, int]] = []
        """:data:`ABSORB` rows for the files :meth:`outputs` trusted by their bytes."""
        self._counted: dict[str, tuple[int, int, int, int]] = {}
        """Each folder of the listing :meth:`replaced` found, with its stat and number of
        entries (:meth:`Listed.counted`): the site it lists is where this build assembled its own,
        so :meth:`keep` need not count the entries of a folder that is as listed there."""
        self._found: dict[str, FileStat] = {}
        """The stat :meth:`outputs` found of each file it trusted by its bytes (the others
        were found as recorded)."""

    @property
    def _outputs(self) -> dict[str, tuple[str, FileStat, str]]:
        """Each file's row, read when first needed (a :meth:`hit` by the listing needs none)."""
        if self._rows is None:
            self._rows = self._read_outputs() if self._record else {}
        return self._rows

    def outputs(self) -> dict[str, str]:
        """Output path -> render input key of each file still exactly as the last build left
        it; a group of files with one key only when every one of them is.

        A file whose change time alone differs (our own hard links change it too: a build
        killed while it linked files) is read, and trusted when its bytes are the ones
        recorded."""
        if self._trusted is None:
            root, lost = self.name + "/", set[str]()
            lstat, regular = os.lstat, stat.S_ISREG
            for path, (key, recorded, digest) in self._outputs.items():
                try:  # file_stat inlined: this runs for every file of the site
                    info = lstat(root + path)
                except OSError:
                    lost.add(key)
                    continue
                found = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
                if found == recorded and regular(info.st_mode):
                    continue
                if regular(info.st_mode) and found[:3] == recorded[:3] and \
                        _digest(root + path) == digest:
                    self._absorbed.append((found[3], self.name, path, found[0], recorded[3]))
                    self._found[path] = found
                else:
                    lost.add(key)
            self._trusted = {path: key for path, (key, _found, _digest) in self._outputs.items()
                             if key not in lost}
        return self._trusted

    def digests(self) -> dict[str, str]:
        """Output path -> SHA-256 of each file :meth:`outputs` trusts: a file made again with
        the same bytes is linked rather than written (:class:`politiradet.stages.write.Staging`)."""
        return {path: self._outputs[path][2] for path in self.outputs()}

    def inodes(self) -> dict[str, int]:
        """Output path -> inode of each file :meth:`outputs` trusts, as it found it: the
        staging of the next site keeps a file that is this inode as it is
        (:class:`politiradet.stages.write.Staging`)."""
        return {path: self._outputs[path][1][0] for path in self.outputs()}

    def replaced(self) -> Listed | None:
        """The listing of the site the last build replaced, as it was when that site was
        live (see the module's notes), if the last build kept one and it is whole."""
        found = self.store.query("SELECT replaced_folders, replaced_files, replaced_stats "
                                 "FROM sites WHERE out = ?", (self.name,))
        listing = Listing.read(found[0]) if found else None
        listed = listing.unpacked() if listing is not None else None
        self._counted = listed.counted() if listed is not None else {}
        return listed

    def _found_as_listed(self) -> bool:
        """True when this build found every file of the live site as the last build recorded
        it, so the row's listing (written with those rows) has their inodes, and its
        folders' stat tells whether any entry changed since: the listing of the site this
        build replaces, kept for the next build (:meth:`replaced`)."""
        return self._record is not None and not self._found and \
            len(self.outputs()) == len(self._outputs)

    def hit(self, key: str) -> Summary | None:
        """The last build's summary if it had *key* and the folder holds exactly its files,
        untouched: as its listing says, else as its rows say (and then :meth:`refresh`
        lists it again)."""
        if self._record is None or self._record[1] != key:
            return None
        summary = _summary(self._record[2])
        if summary is None:
            return None
        found = self.store.query("SELECT folders, files, stats FROM sites WHERE out = ? "
                                 "AND key = ?", (self.name, key))
        listing = Listing.read(found[0]) if found else None
        if listing is not None and listing.holds(self.name):
            return summary
        if not self._outputs:
            return None
        if not _as_recorded(self.name, self._outputs):
            if set(_files(self.out)) != set(self._outputs):
                return None
            if len(self.outputs()) != len(self._outputs):
                return None
        self._relisted = Listing.of(self.name, {
            path: self._found.get(path) or recorded for path, (_key, recorded, _digest)
            in self._outputs.items()})
        return summary

    def refresh(self) -> None:
        """Record, in the build's transaction, what a build that made nothing (a :meth:`hit`)
        learnt: the stat of each input it hashed, and the change time of each published file
        it trusted by its bytes; else the next build reads them all again."""
        absorbed, listing = self._absorbed, self._relisted
        listed = (self.name, self._record[1] if self._record else "")

        def write(db: sqlite3.Connection) -> None:
            db.executemany(ABSORB, absorbed)
            if listing is not None:
                db.execute("UPDATE sites SET folders = ?, files = ?, stats = ? WHERE out = ? "
                           "AND key = ?", (*listing.blobs(), *listed))
        if absorbed or listing is not None:
            self.store.later(write)
        self.inputs.keep()

    def keep(self, key: str, summary: Summary, outputs: Mapping[str, str],
             digests: Mapping[str, str], untouched: Iterable[str] = ()) -> None:
        """Record, in the build's transaction, the build just published: its *key* and
        *summary*, and each file of *outputs* (path -> render input key) as it is now, with
        the SHA-256 of its bytes (*digests* of the files written; a linked file keeps its
        own). A file of *untouched* (published as the very file :meth:`outputs` trusted,
        neither written nor linked again) is recorded with the stat :meth:`outputs` found,
        without looking again: should it have been changed by hand meanwhile, the next build
        notices. The records of output folders that are gone (each preview has a temporary
        one) are forgotten."""
        root, old = self.name + "/", self._outputs
        trusted = self.outputs()
        untouched = {path for path in untouched if path in trusted}
        rows: dict[str, tuple[str, str, str, int, int, int, int, str]] = {}
        for path, output_key in outputs.items():
            if path in untouched:
                recorded = old[path]
                if recorded[0] == output_key and path not in self._found:
                    continue  # its row, as it is
                rows[path] = (self.name, path, output_key,
                              *(self._found.get(path) or recorded[1]), recorded[2])
                continue
            found = file_stat(root + path)
            digest = digests.get(path) or (old[path][2] if path in old else _digest(root + path))
            if found is not None and digest:
                rows[path] = (self.name, path, output_key, *found, digest)
        changed = [row for path, row in rows.items()
                   if old.get(path) != (row[2], row[3:7], row[7])]
        gone = [(self.name, path) for path in old.keys() - outputs.keys()]
        listed = {path: rows[path][3:7] if path in rows else old[path][1]
                  for path in outputs if path in rows or path in untouched}
        listing = Listing.of(self.name, listed, self._counted) \
            if len(listed) == len(outputs) else None
        record = (self.variant, key, json.dumps(asdict(summary)),
                  *(listing.blobs() if listing else NO_LISTING))
        carried = "folders, files, stats" if self._found_as_listed() else "x'', x'', x''"
        forgotten = [(name,) for (name,) in self.store.query("SELECT out FROM sites")
                     if name != self.name and not (is_str(name) and os.path.isdir(name))]

        def write(db: sqlite3.Connection) -> None:
            if len(old) != db.execute("SELECT count(*) FROM outputs WHERE out = ?",
                                      (self.name,)).fetchone()[0]:
                db.execute("DELETE FROM outputs WHERE out = ?", (self.name,))  # foreign rows
                db.executemany("INSERT INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               [rows.get(path) or (self.name, path, *old[path][:1],
                                                   *old[path][1], old[path][2])
                                for path in outputs if path in rows or path in untouched])
            else:
                db.executemany("DELETE FROM outputs WHERE out = ? AND path = ?", gone)
                db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               changed)
            db.execute("INSERT OR IGNORE INTO sites VALUES (?, '', '', '', x'', x'', x'', "
                       "x'', x'', x'')", (self.name,))
            db.execute(f"UPDATE sites SET (replaced_folders, replaced_files, replaced_stats, "
                       f"variant, key, summary, folders, files, stats) = ({carried}, ?, ?, ?, "
                       f"?, ?, ?) WHERE out = ?", (*record, self.name))  # carried: as it was
            db.executemany("DELETE FROM outputs WHERE out = ?", forgotten)
            db.executemany("DELETE FROM sites WHERE out = ?", forgotten)
        self.store.later(write)
        self.inputs.keep()

    def _read_outputs(self) -> dict[str, tuple[str, FileStat, str]]:
        """Every file's row of this output folder whose values have their types (checked by
        SQLite: some 120,000 rows at 10,000 documents)."""
        return {path: (key, (inode, size, mtime, ctime), digest)
                for path, key, inode, size, mtime, ctime, digest in self.store.query(
                    "SELECT path, key, inode, size, mtime, ctime, digest FROM outputs "
                    "WHERE out = ? AND typeof(path) = 'text' AND typeof(key) = 'text' "
                    "AND typeof(digest) = 'text' AND typeof(inode) = 'integer' "
                    "AND typeof(size) = 'integer' AND typeof(mtime) = 'integer' "
                    "AND typeof(ctime) = 'integer'", (self.name,))}


def _digest(path: str) -> str:
    """The SHA-256 of the file at *path*; empty when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def _summary(text: object) -> Summary | None:
    try:
        values = json.loads(text) if isinstance(text, str) else None
        summary = Summary(**values) if isinstance(values, dict) else None
    except (TypeError, ValueError):
        return None
    if summary is None or not all(is_int(value) for value in asdict(summary).values()):
        return None
    return summary


def _as_recorded(out: str, recorded: Mapping[str, tuple[str, FileStat, str]]) -> bool:
    """True when the folder *out* holds exactly the *recorded* files, each with the inode,
    size, modification and change time recorded: the one pass of a build that finds nothing
    changed (any difference, and :meth:`Site.hit` looks again in detail)."""
    seen, folders = 0, [("", out)]
    while folders:
        prefix, folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((prefix + entry.name + "/", entry.path))
                        continue
                    found = recorded.get(prefix + entry.name)
                    info = entry.stat(follow_symlinks=False)
                    if found is None or found[1] != (info.st_ino, info.st_size,
                                                     info.st_mtime_ns, info.st_ctime_ns):
                        return False
                    seen += 1
        except OSError:
            return False
    return seen == len(recorded)


def _files(out: Path) -> Iterator[str]:
    """The path of every file in *out*, relative to it."""
    for dirpath, _dirnames, filenames in os.walk(out):
        relative = os.path.relpath(dirpath, out)
        prefix = "" if relative == "." else relative + "/"
        yield from (prefix + name for name in filenames)


# --- the inputs ----------------------------------------------------------------------------------

class Inputs:
    """The hash of every input file, remembered by its stat in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._stats: dict[str, tuple[FileStat, str]] = {}
        """Path -> (stat, hash) of every file hashed by this build."""
        self._known = {path: ((inode, size, mtime, ctime), file_hash)
                       for path, size, mtime, ctime, inode, file_hash in store.query(
                           "SELECT path, size, mtime, ctime, inode, hash FROM inputs "
                           "WHERE typeof(path) = 'text' AND typeof(hash) = 'text' "
                           "AND typeof(size) = 'integer' AND typeof(mtime) = 'integer' "
                           "AND typeof(ctime) = 'integer' AND typeof(inode) = 'integer'")}

    def key(self, roots: Iterable[Path], variant: str) -> str:
        """Hash of every input of the build: the generator, the files below *roots* and
        *variant* (what else the output depends on)."""
        digest = hashlib.sha256(f"{fingerprint()}\0{variant}\0".encode())
        for root in roots:
            for relative, file_hash in self._hashes(root.resolve()):
                digest.update(f"{root.name}/{relative}\0{file_hash}\0".encode())
        return digest.hexdigest()

    def hashes(self, root: Path) -> dict[str, str]:
        """Path below *root* -> hash of each file below it that :meth:`key` hashed (by its
        stat when it was unchanged): the loader need not read those it knows."""
        prefix = os.path.join(root.resolve(), "")
        return {path[len(prefix):]: file_hash for path, (_found, file_hash) in self._stats.items()
                if path.startswith(prefix)}

    def keep(self) -> None:
        """Remember, in the build's transaction, the hash of every file this build hashed,
        but for files changed in the last seconds: those may change again within the same
        time stamp, so they are hashed again next time."""
        until = time.time_ns() - RACY_NS
        trusted = {path: found for path, found in self._stats.items()
                   if max(found[0][2], found[0][3]) < until}
        rows = [(path, found[1], found[2], found[3], found[0], file_hash)
                for path, (found, file_hash) in trusted.items()
                if self._known.get(path) != (found, file_hash)]
        gone = [(path,) for path in self._known.keys() - trusted.keys()]
        known = len(self._known)

        def write(db: sqlite3.Connection) -> None:
            if known != db.execute("SELECT count(*) FROM inputs").fetchone()[0]:
                db.execute("DELETE FROM inputs")  # damaged rows, or another build's
                db.executemany("INSERT INTO inputs VALUES (?, ?, ?, ?, ?, ?)",
                               [(path, found[1], found[2], found[3], found[0], file_hash)
                                for path, (found, file_hash) in trusted.items()])
                return
            db.executemany("DELETE FROM inputs WHERE path = ?", gone)
            db.executemany("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?, ?, ?)", rows)
        if self._stats:
            self.store.later(write)

    def _hashes(self, root: Path) -> Iterator[tuple[str, str]]:
        """(relative path, hash) of every file below *root*, under :mod:`sourcefile`'s policy:
        what the loader would refuse (a FIFO, a device, a link out) is never opened."""
        for relative, entry in files(root):
            try:
                info = sourcefile.admit_entry(root, entry, limit=None)
            except sourcefile.RefusedFile as exc:
                yield relative, f"avvist: {exc.message}"
                continue
            found = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            name = entry.path
            cached = self._stats.get(name) or self._known.get(name)  # hashed once per build
            file_hash = cached[1] if cached and cached[0] == found else \
                _hash_file(root, Path(name), found)
            self._stats[name] = (found, file_hash)
            yield relative, file_hash


def files(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file below *root* as (relative path, directory entry), sorted as :func:`os.walk`
    top-down would give them, skipping caches and hidden files. A linked folder is not
    entered. :func:`os.scandir` rather than ``os.walk`` and :mod:`pathlib`: each entry keeps
    its ``lstat``, and at 10 000 files the path objects cost more than the hashing."""
    folders = [("", str(root))]
    while folders:
        prefix, folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted((e for e in scan if not e.name.startswith(".")),
                                 key=lambda e: e.name)
        except OSError:
            continue
        below = []
        for entry in entries:
            if not _is_folder(entry):
                yield prefix + entry.name, entry
            elif entry.name != "__pycache__" and not entry.is_symlink():
                below.append((prefix + entry.name + "/", entry.path))
        folders += reversed(below)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _hash_file(root: Path, path: Path, found: FileStat) -> str:
    """The file's SHA-256; for a file too large to be read, its stat."""
    if found[1] > sourcefile.MAX_FILE_BYTES:
        return "stat:" + ":".join(map(str, found))
    try:
        return sha256(sourcefile.read(root, path))
    except sourcefile.RefusedFile as exc:  # changed since it was admitted
        return f"avvist: {exc.message}"
