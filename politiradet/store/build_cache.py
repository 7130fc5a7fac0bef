"""The build cache: skip a build whose inputs and published output are exactly as last time.

The key is a hash of everything the site is made from: every file in the content folder,
the templates, the schemas, the builder's own source, the installed versions of the
libraries that shape the output, and the base URL. File hashes are remembered by
(size, mtime, inode), so an unchanged archive is not read again. The cache lives outside
the output folder (:func:`cache_dir_for`) and is only a shortcut: delete it and the next
build is a normal full build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ..stages import sourcefile

FORMAT = 1
PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "jinja2", "babel", "pagefind", "pagefind-bin",
             "pyyaml", "jsonschema", "feedgen", "icalendar")

StatKey = tuple[int, int, int]
RACY_NS = 2_000_000_000


def cache_root() -> Path:
    """Where every cache of this tool is kept: ``$POLITIRADET_CACHE``, else the user's cache
    folder (``$XDG_CACHE_HOME/politiradet``, else ``~/.cache/politiradet``); never beside or
    inside the site, so nothing extra is published or left next to it."""
    configured = os.environ.get("POLITIRADET_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "politiradet"


def cache_dir_for(out: Path) -> Path:
    """Where the cache for the output folder *out* is kept, under :func:`cache_root`."""
    out = out.resolve()
    name = hashlib.sha256(os.fsencode(out)).hexdigest()[:16]
    return cache_root() / f"{out.name}-{name}"


@dataclass(frozen=True, slots=True)
class Summary:
    """What a cached build reports: the numbers of the build that made the output."""

    documents: int
    drafts: int
    files: int
    pages: int


class BuildCache:
    """Input hashing and the record of the last successful build for one output folder."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.folder = cache_dir_for(out)
        self.state_file = self.folder / "state.json"
        self._stats: dict[str, tuple[StatKey, str]] = {}
        self._known: dict[str, tuple[StatKey, str]] = {}
        self._previous = self._read()

    def key(self, roots: Iterable[Path], base_url: str) -> str:
        """Hash of every input of the build."""
        return self._digest(roots, base_url)

    def stamp(self, base_url: str) -> str:
        """Hash of the generator itself (its source, Python, the libraries) and the base URL:
        what every part of the output depends on, for :mod:`politiradet.store.deps`."""
        return self._digest((PACKAGE,), base_url)

    def _digest(self, roots: Iterable[Path], base_url: str) -> str:
        digest = hashlib.sha256(f"{FORMAT}\0{base_url}\0{sys.version}\0".encode())
        for name in LIBRARIES:
            digest.update(f"{name}={library_version(name)}\0".encode())
        for root in roots:
            for relative, file_hash in self._hashes(root.resolve()):
                digest.update(f"{root.name}/{relative}\0{file_hash}\0".encode())
        return digest.hexdigest()

    def hit(self, key: str) -> Summary | None:
        """The previous build's summary if it had *key* and its output is still in place."""
        previous = self._previous
        if previous.get("key") != key or not _intact(self.out, previous.get("outputs", {})):
            return None
        return Summary(**previous["summary"])

    def store(self, key: str, summary: Summary,
              listing: dict[str, list[int]] | None = None) -> None:
        """Remember the build just published to the output folder; *listing* (size and
        modification time of every file in it, by path) spares walking the folder."""
        state = {"format": FORMAT, "key": key, "summary": _as_dict(summary),
                 "outputs": _listing(self.out) if listing is None else listing,
                 "written_ns": time.time_ns(),
                 "stats": {path: [list(stat), file_hash]
                           for path, (stat, file_hash) in self._stats.items()}}
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state), encoding="utf-8")
        temporary.replace(self.state_file)

    def _read(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            return {}
        # Like git's racy-file rule: a file changed in the last seconds before the state was
        # written may change again without its size or time changing, so it is hashed again.
        trusted_until = int(state.get("written_ns", 0)) - RACY_NS
        self._known = {path: (stat, file_hash)
                       for path, (raw_stat, file_hash) in state.get("stats", {}).items()
                       if (stat := _stat_key(raw_stat))[1] < trusted_until}
        return state

    def _hashes(self, root: Path) -> Iterator[tuple[str, str]]:
        """(relative path, hash) of every file below *root*, under :mod:`sourcefile`'s policy:
        what the loader would refuse (a FIFO, a device, a link out) is never opened."""
        for relative, entry in _files(root):
            try:
                info = sourcefile.admit_entry(root, entry, limit=None)
            except sourcefile.RefusedFile as exc:
                yield relative, f"avvist: {exc.message}"
                continue
            stat = (info.st_size, info.st_mtime_ns, info.st_ino)
            name = entry.path
            cached = self._stats.get(name) or self._known.get(name)  # hashed once per build
            file_hash = cached[1] if cached and cached[0] == stat else \
                _hash_file(root, Path(name), stat)
            self._stats[name] = (stat, file_hash)
            yield relative, file_hash


def _stat_key(raw: Any) -> StatKey:
    size, mtime, inode = (int(value) for value in raw)
    return size, mtime, inode


def _as_dict(summary: Summary) -> dict[str, int]:
    return {"documents": summary.documents, "drafts": summary.drafts,
            "files": summary.files, "pages": summary.pages}


def _files(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
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


def _hash_file(root: Path, path: Path, stat: StatKey) -> str:
    """The file's SHA-256; for a file too large to be read, its size, time and inode."""
    if stat[0] > sourcefile.MAX_FILE_BYTES:
        return "stat:" + ":".join(map(str, stat))
    try:
        return hashlib.sha256(sourcefile.read(root, path)).hexdigest()
    except sourcefile.RefusedFile as exc:  # changed since it was admitted
        return f"avvist: {exc.message}"


@functools.cache
def library_version(name: str) -> str:
    """The installed version of the distribution *name*, or «-» when it is not installed
    (looked up once per process: a library upgraded under a running process is not the
    code it runs)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _listing(out: Path) -> dict[str, list[int]]:
    """(size, mtime) of every published file, to notice later changes to the output folder."""
    listing = {}
    for dirpath, _dirnames, filenames in os.walk(out):
        for name in filenames:
            info = os.stat(os.path.join(dirpath, name))
            relative = os.path.relpath(os.path.join(dirpath, name), out)
            listing[relative] = [info.st_size, info.st_mtime_ns]
    return listing


def _intact(out: Path, recorded: dict[str, list[int]]) -> bool:
    return bool(recorded) and out.is_dir() and _listing(out) == recorded
