"""The on-disk cache of validated documents: one checked JSON file per content folder.

A document file whose exact bytes were found valid by an earlier build, at the same content
path, under the same schemas and the same generator, is not parsed or validated again: the
loader takes its front matter (values and their places) and where its body starts from here.
Invalid documents are never stored, so they go the whole way every time and their messages
are exactly those of a build without the cache; the registries are small and always read.

The file starts with a header line giving the format, the key (the generator's version, the
libraries that parse and validate, the schemas) and the SHA-256 of the JSON after it. A file
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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .cache import cache_root, library_version
from .compile_cache import generator_version
from .frontmatter import Parsed, SplitFile, decode_known
from .model import Document

FORMAT = 1
MAGIC = "politiradet-documents"
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
        self._entries = _read(self.file, self.key)
        self._taken: dict[str, list[Any]] = {}
        """The entries :meth:`get` trusted, by content path: stored again as they are."""
        self.hits = 0

    def get(self, path: str, digest: str) -> Known | None:
        """What the file at content *path* with the bytes hashing to *digest* parsed to, if
        those bytes were valid there before; None when unknown or not to be trusted."""
        entry = self._entries.get(path)
        if not isinstance(entry, list) or len(entry) != 5 or entry[0] != digest:
            return None
        try:
            known = _known(entry)
        except (TypeError, ValueError):
            return None
        self._taken[path] = entry
        self.hits += 1
        return known

    def store(self, documents: Iterable[tuple[str, Document]]) -> None:
        """Keep exactly *documents* (each with the digest of its file's bytes), replacing
        what was kept before; a cache that cannot be written is simply not used."""
        entries = {doc.path: self._entry(digest, doc) for digest, doc in documents}
        try:
            _write(self.file, encode(entries, self.key))
        except (OSError, ValueError, TypeError):
            return
        self._entries = entries
        self._taken = {}

    def _entry(self, digest: str, doc: Document) -> list[Any]:
        taken = self._taken.get(doc.path)
        if taken is not None and taken[0] == digest:
            return taken
        return [digest, doc.body_line, len(doc.body), doc.fields,
                [[list(where), line, col] for where, (line, col) in doc.locations.items()]]


@functools.cache
def _file_name(content: Path) -> str:
    resolved = content.resolve()
    return f"{resolved.name}-{hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]}.json"


def encode(entries: Mapping[str, Any], key: str) -> bytes:
    """The header line and the entries as JSON."""
    payload = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode()
    header = f"{MAGIC} {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}\n"
    return header.encode() + payload


def decode(data: bytes, key: str) -> dict[str, Any]:
    """The entries in *data* if its header names *key* and its checksum matches, else none."""
    header, _, payload = data.partition(b"\n")
    expected = f"{MAGIC} {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}".encode()
    if header != expected:
        return {}
    try:
        entries = json.loads(payload)
    except ValueError:
        return {}
    return entries if isinstance(entries, dict) else {}


def _read(file: Path, key: str) -> dict[str, Any]:
    try:
        data = file.read_bytes()
    except OSError:
        return {}
    return decode(data, key)


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


def _known(entry: list[Any]) -> Known:
    _digest, body_line, body_length, data, locations = entry
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
