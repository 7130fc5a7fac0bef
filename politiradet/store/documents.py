"""The on-disk cache of validated documents: one checked file per content folder.

A document file whose exact bytes were found valid by an earlier build, at the same content
path, under the same schemas and the same generator, is not parsed or validated again: the
loader takes its front matter (values and their places) and where its body starts from here.
Invalid documents are never stored, so they go the whole way every time and their messages
are exactly those of a build without the cache; the registries are small and always read.

The file starts with a header line giving the format, the key (the generator's version, the
libraries that parse and validate, the schemas) and the SHA-256 of the lines after it, one per
document: its content path, its digest and its entry as JSON. An entry is decoded only when
its document is loaded, and an unchanged one is written back as the bytes it was read as. A file
whose header, key or checksum does not match (corrupt, truncated, from another version, or
not ours) is ignored and written again; an entry of the wrong shape is a miss. Nothing is ever
unpickled. Each build writes the file anew (a temporary file and a rename) with the valid
documents it found, so it holds the documents of the last build only. The cache is only a
shortcut: delete it and the next build parses and validates everything again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..model.content import Document
from ..stages.frontmatter import Parsed, SplitFile, decode_known
from .build_cache import cache_root, library_version
from .records import generator_version

FORMAT = 2
MAGIC = "politiradet-documents"
KEEP_DAYS = 30
"""A content folder's cache that no build wrote for this many days is deleted."""
LIBRARIES = ("pyyaml", "jsonschema", "jsonschema-specifications", "referencing")
"""The libraries whose versions can change what a file parses or validates to."""
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Known:
    """A document file's bytes that validated before, and what they parsed to."""

    front: Parsed
    """The front matter's values and their places (the places of keys are not kept: only
    messages about invalid front matter use them)."""
    body_line: int
    body_length: int
    """Characters in the body, which is the end of the decoded file."""

    def split(self, data: bytes) -> SplitFile:
        """The file *data* (the bytes that validated) cut as :func:`frontmatter.split` cuts it."""
        text = decode_known(data)
        body = text[len(text) - self.body_length:] if self.body_length else ""
        return SplitFile(self.front, body, self.body_line)


def cache_key(schemas: Mapping[str, Any]) -> str:
    """Hash of everything a document's validity depends on besides its path and bytes."""
    digest = hashlib.sha256(f"{FORMAT}\0{generator_version()}\0{sys.version}\0".encode())
    for name in LIBRARIES:
        digest.update(f"{name}={library_version(name)}\0".encode())
    digest.update(json.dumps(schemas, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def file_digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes, as the build cache hashes them."""
    return hashlib.sha256(data).hexdigest()


class DocumentCache:
    """The valid documents of the last build of one content folder, read once."""

    def __init__(self, content: Path, schemas: Mapping[str, Any],
                 folder: Path | None = None) -> None:
        self.file = (folder or cache_root() / "documents") / _file_name(content)
        self.key = cache_key(schemas)
        self._lines = _read(self.file, self.key)
        self._taken: dict[str, bytes] = {}
        """The lines :meth:`get` trusted, by content path: stored again as they are."""
        self.hits = 0

    def get(self, path: str, digest: str) -> Known | None:
        """What the file at content *path* with the bytes hashing to *digest* parsed to, if
        those bytes were valid there before; None when unknown or not to be trusted."""
        line = self._lines.get(path)
        if line is None or line[0] != digest:
            return None
        try:
            known = _known(json.loads(line[1].partition(b"\t")[2].partition(b"\t")[2]))
        except (TypeError, ValueError):
            return None
        self._taken[path] = line[1]
        self.hits += 1
        return known

    def store(self, documents: Iterable[tuple[str, Document]]) -> None:
        """Keep exactly *documents* (each with the digest of its file's bytes), replacing
        what was kept before; a cache that cannot be written is simply not used."""
        lines = {doc.path: (digest, self._line(digest, doc)) for digest, doc in documents
                 if _plain(doc.path)}
        try:
            _write(self.file, _packed((line for _digest, line in lines.values()), self.key))
        except (OSError, ValueError, TypeError):
            return
        _forget_old(self.file.parent)
        self._lines = lines
        self._taken = {}

    def _line(self, digest: str, doc: Document) -> bytes:
        taken = self._taken.get(doc.path)
        if taken is not None and self._lines[doc.path][0] == digest:
            return taken  # as it was read: not encoded again
        return _line(doc.path, [digest, doc.body_line, len(doc.body), doc.fields,
                                [[list(where), line, col]
                                 for where, (line, col) in doc.locations.items()]])


@functools.cache
def _file_name(content: Path) -> str:
    resolved = content.resolve()
    return f"{resolved.name}-{hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]}.json"


def _plain(path: str) -> bool:
    """A content path that can stand first on a line before a tab (every valid one can)."""
    return "\t" not in path and "\n" not in path


def encode(entries: Mapping[str, list[Any]], key: str) -> bytes:
    """The header line and one line per entry: content path, tab, ``[digest, body_line,
    body_length, front matter, places]`` (the digest also before the JSON, after a tab)."""
    return _packed((_line(path, entry) for path, entry in entries.items()), key)


def _line(path: str, entry: list[Any]) -> bytes:
    rest = json.dumps(entry[1:], ensure_ascii=False, separators=(",", ":"))
    return f"{path}\t{entry[0]}\t{rest}".encode()


def _packed(lines: Iterable[bytes], key: str) -> bytes:
    payload = b"\n".join(lines)
    header = f"{MAGIC} {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}\n"
    return header.encode() + payload


def decode(data: bytes, key: str) -> dict[str, tuple[str, bytes]]:
    """Content path -> (digest, line) of each entry in *data*, if its header names *key* and
    its checksum matches; else none. An entry's JSON is read only when it is asked for."""
    header, _, payload = data.partition(b"\n")
    expected = f"{MAGIC} {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}".encode()
    if header != expected or not payload:
        return {}
    lines = {}
    for line in payload.split(b"\n"):
        path, _, rest = line.partition(b"\t")
        digest = rest.partition(b"\t")[0]
        try:
            lines[path.decode()] = (digest.decode(), line)
        except UnicodeDecodeError:
            return {}
    return lines


def _read(file: Path, key: str) -> dict[str, tuple[str, bytes]]:
    try:
        data = file.read_bytes()
    except OSError:
        return {}
    return decode(data, key)


def _forget_old(folder: Path) -> None:
    """Delete the caches of content folders no build has used for :data:`KEEP_DAYS` days (a
    folder that was moved, deleted, or a test's), and temporary files a killed build left."""
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        limit = KEEP_DAYS * 86400 if entry.name.endswith(".json") else 3600
        try:
            if (entry.name.endswith(".json") or entry.name.startswith(".tmp-")) and \
                    entry.is_file(follow_symlinks=False) and \
                    now - entry.stat(follow_symlinks=False).st_mtime > limit:
                os.unlink(entry.path)
        except OSError:
            continue


def _write(file: Path, data: bytes) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=file.parent, prefix=".tmp-",
                                     delete=False) as handle:
        handle.write(data)
    try:
        os.replace(handle.name, file)
    except OSError:
        os.unlink(handle.name)
        raise


def _known(entry: Any) -> Known:
    body_line, body_length, data, locations = _typed(entry, list)
    values = {}
    for where, line, col in _typed(locations, list):
        if type(where) is not list or type(line) is not int or type(col) is not int:
            raise TypeError("expected [[path], line, col]")
        values[tuple(where)] = (line, col)  # a list inside a path is unhashable: TypeError
    return Known(Parsed(_typed(data, dict), values, {}), _typed(body_line, int),
                 _typed(body_length, int))


def _typed(value: Any, kind: type[_T]) -> _T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}")
    return value
