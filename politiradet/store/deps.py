"""The dependency map: which output files an edit touches.

Every output file of the site is a pure function of a small *render input*: the template (and
the templates it extends or imports), the values handed to it, the registries and graph it
reads, the base URL and the generator's own version. :func:`fingerprint` hashes such an input
in a stable way, and the map remembers, per output path, the hash of the input that made the
published file. The next build renders only outputs whose hash changed (or is new) and links
every other file from the live site unchanged. No hand-kept list of edges decides what is
stale, so forgetting one cannot publish an out-of-date page: what a page shows is what its hash
covers.

The map is kept in the build cache folder
(:mod:`politiradet.store.build_cache`) and trusted only when it
was written by the same generator version for the same base URL, its checksum matches and the
output folder is exactly as the build that wrote it left it. Anything else (a missing, corrupt,
stale or foreign map, an output folder touched by hand) means a full build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import os
import stat
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 1
FILE_NAME = "deps.json"


@dataclass(frozen=True, slots=True)
class Output:
    """One file the build may publish: its path, the hash of its render input, and the work."""

    path: str
    key: str
    make: Callable[[], bytes]


@dataclass(frozen=True, slots=True)
class Lazy:
    """A costly value of a render input: hashed by *key*, computed only if the page is rendered."""

    key: Any
    make: Callable[[], Any]


class Hasher:
    """Stable fingerprints of plain data: dataclasses, mappings, sequences, text, numbers, dates.

    Order is kept (a template shows a list in its order), types are part of the hash (``Markup``
    and ``str`` escape differently) and anything unknown is refused rather than guessed at.
    Fingerprints of large frozen objects are remembered by identity for the hasher's lifetime.
    A dataclass whose class names ``fingerprint_fields`` is hashed by those fields alone: a
    compiled body
    (:class:`politiradet.model.content.Compiled`) by its digest, not its HTML and text.
    """

    def __init__(self, exclude: Mapping[type, frozenset[str]] | None = None) -> None:
        self._exclude = dict(exclude or {})
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def digest(self, value: Any) -> str:
        return hashlib.blake2b(self.encode(value), digest_size=16).hexdigest()

    def encode(self, value: Any) -> bytes:
        chunks: list[bytes] = []
        self._encode(value, chunks)
        return b"".join(chunks)

    def _encode(self, value: Any, out: list[bytes]) -> None:
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            out.append(known[1])
            return
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            out += (b"s%d:" % len(data), data)
        elif kind is tuple or kind is list:
            out.append((b"t%d[" if kind is tuple else b"l%d[") % len(value))
            for item in value:
                self._encode(item, out)
            out.append(b"]")
        elif value is None or kind is bool or kind is int or kind is float:
            out.append(f"{kind.__name__}:{value!r};".encode())
        elif isinstance(value, str):  # Markup and other str subclasses escape differently
            data = value.encode("utf-8", "surrogatepass")
            out += (f"{kind.__name__}:{len(data)}:".encode(), data)
        elif isinstance(value, dt.date):
            out.append(f"{kind.__name__}:{value.isoformat()};".encode())
        elif isinstance(value, enum.Enum):
            out.append(f"enum:{kind.__name__}.{value.name};".encode())
        elif isinstance(value, Lazy):
            out.append(b"lazy:")
            self._encode(value.key, out)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.append(self._memoised(value, self._dataclass))
        elif isinstance(value, Mapping):
            out.append(self._memoised(value, self._mapping))
        elif isinstance(value, frozenset | set | tuple | list):
            items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
            out.append(f"{kind.__name__}[{len(items)}".encode())
            for item in items:
                self._encode(item, out)
            out.append(b"]")
        else:
            raise TypeError(f"kan ikke lage fingeravtrykk av {kind.__name__}")

    def _memoised(self, value: Any, encode: Callable[[Any, list[bytes]], None]) -> bytes:
        """The digest of a frozen object or a mapping, computed once per object."""
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        chunks: list[bytes] = []
        encode(value, chunks)
        data = hashlib.blake2b(b"".join(chunks), digest_size=16).digest()
        self._memo[id(value)] = (value, data)  # keeps *value* alive, so its id stays unique
        return data

    def _dataclass(self, value: Any, out: list[bytes]) -> None:
        kind = type(value)
        names = self._fields.get(kind)
        if names is None:
            skip = self._exclude.get(kind, frozenset())
            names = self._fields[kind] = getattr(kind, "fingerprint_fields", None) or tuple(
                f.name for f in dataclasses.fields(value) if f.name not in skip)
        out.append(f"{kind.__name__}{{".encode())
        for name in names:
            out.append(name.encode() + b"=")
            self._encode(getattr(value, name), out)
        out.append(b"}")

    def _mapping(self, value: Mapping[Any, Any], out: list[bytes]) -> None:
        out.append(b"map[%d" % len(value))
        for key, item in value.items():
            self._encode(key, out)
            self._encode(item, out)
        out.append(b"]")


# --- the persisted map -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DependencyMap:
    """Output path -> hash of the render input of the file published there."""

    stamp: str
    """Generator version and base URL the map belongs to."""
    outputs: Mapping[str, str]
    stats: Mapping[str, list[int]] = dataclasses.field(default_factory=dict)
    """Inode, size and modification time of each file of :attr:`outputs` as it was found."""


def load(folder: Path, stamp: str, out: Path) -> DependencyMap | None:
    """The map the last build into *out* left in *folder*, or None unless it can be trusted.

    Only files still exactly as that build left them (same inode, size and modification time)
    are in the map, so a file edited, replaced or deleted by hand is made again. Files made
    together (one key, like the search bundle) stay in the map all together or not at all.
    """
    try:
        raw = (folder / FILE_NAME).read_bytes()
        checksum, _, payload = raw.partition(b"\n")
        if hashlib.sha256(payload).hexdigest().encode() != checksum:
            return None
        state = json.loads(payload)
    except (OSError, ValueError):
        return None
    if (not isinstance(state, dict) or state.get("format") != FORMAT
            or state.get("stamp") != stamp or state.get("out") != str(out.resolve())
            or not isinstance(state.get("outputs"), dict)):
        return None
    try:
        recorded = {path: (str(key), list(found))
                    for path, (key, *found) in state["outputs"].items()}
    except (TypeError, ValueError):
        return None
    root = str(out) + "/"
    lost = {key for path, (key, found) in recorded.items()
            if not found or _stat(root + path) != found}
    return DependencyMap(stamp, {path: key for path, (key, _) in recorded.items()
                                 if key not in lost},
                         {path: found for path, (key, found) in recorded.items()
                          if key not in lost})


def store(folder: Path, deps: DependencyMap, out: Path, fresh: Collection[str] | None = None
          ) -> dict[str, list[int]]:
    """Remember *deps* for the site just published to *out* (atomically, checksummed); return
    the inode, size and modification time of each file.

    With *fresh*, the files written (not linked) by this build, only those are looked at: a
    linked file shares its inode with the file :func:`load` found, so its :attr:`stats` still
    hold. Without it, every file is.
    """
    root = str(out) + "/"
    stats = {path: (_stat(root + path) if fresh is None or path in fresh
                    or path not in deps.stats else list(deps.stats[path]))
             for path in deps.outputs}
    outputs = {path: [key, *stats[path]] for path, key in deps.outputs.items()}
    payload = json.dumps({"format": FORMAT, "stamp": deps.stamp, "out": str(out.resolve()),
                          "outputs": outputs}, sort_keys=True).encode()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"{FILE_NAME}.tmp"
    temporary.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    temporary.replace(folder / FILE_NAME)
    return stats


def _stat(path: str) -> list[int]:
    """Inode, size and modification time of a regular file; [] when there is none."""
    try:
        info = os.lstat(path)
    except OSError:
        return []
    if not stat.S_ISREG(info.st_mode):
        return []
    return [info.st_ino, info.st_size, info.st_mtime_ns]
