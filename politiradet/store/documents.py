"""Validated documents in the build store: a file whose bytes validated is not parsed again.

A document file whose exact bytes were found valid by an earlier build, at the same content
path, under the same schemas (and the same generator: the whole store is under its
fingerprint), is not parsed or validated again: the loader takes its front matter (values and
their places) and where its body starts from here. Invalid documents are never stored, so
they go the whole way every time and their messages are exactly those of a build without the
store; the registries are small and always read. Each row holds the path, the digest of the
file's bytes, the schemas' key, and the entry as JSON with its SHA-256; an entry is decoded
only when its document is loaded, and one whose checksum, shape or types do not match is a
miss. A build keeps exactly the valid documents it found, in its one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..model.content import Document
from ..stages.frontmatter import Parsed, SplitFile, known_body
from .database import Store, is_str, sha256

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
        return SplitFile(self.front, known_body(data, self.body_length), self.body_line)


def schemas_key(schemas: Mapping[str, Any]) -> str:
    """Hash of the schemas a document's validity depends on."""
    return sha256(json.dumps(schemas, sort_keys=True, ensure_ascii=False).encode())


class Documents:
    """The valid documents of the last build of one content folder, read once."""

    def __init__(self, store: Store, schemas: Mapping[str, Any]) -> None:
        self.store = store
        self.schemas = schemas_key(schemas)
        self._rows: dict[str, tuple[str, bytes, str]] = {
            path: (digest, entry, checksum)
            for path, digest, key, entry, checksum in store.query(
                "SELECT path, digest, schemas, entry, sum FROM documents")
            if is_str(path) and is_str(digest) and key == self.schemas
            and type(entry) is bytes and is_str(checksum)}
        self._taken: set[str] = set()
        """The paths whose rows :meth:`get` trusted (for the digest the document was loaded
        with): left as they are by :meth:`keep`."""
        self.hits = 0

    def get(self, path: str, digest: str) -> Known | None:
        """What the file at content *path* with the bytes hashing to *digest* parsed to, if
        those bytes were valid there before; None when unknown or not to be trusted."""
        row = self._rows.get(path)
        if row is None or row[0] != digest or sha256(row[1]) != row[2]:
            return None
        try:
            known = _known(json.loads(row[1]))
        except (TypeError, ValueError):
            return None
        self.hits += 1
        self._taken.add(path)
        return known

    def keep(self, documents: Iterable[tuple[str, Document]]) -> None:
        """Keep exactly *documents* (each with the digest of its file's bytes) in the build's
        transaction, in place of what was kept before; rows :meth:`get` trusted are left."""
        rows = self._rows
        # entries, not documents, are held until the transaction: a document holds its body
        wanted = {doc.path: (digest, rows[doc.path][1] if doc.path in self._taken
                             else _entry(doc)) for digest, doc in documents}
        changed = [(path, digest, self.schemas, entry, sha256(entry))
                   for path, (digest, entry) in wanted.items() if path not in self._taken]
        gone = [(path,) for path in rows.keys() - wanted.keys()]

        def write(db: sqlite3.Connection) -> None:
            if len(rows) != db.execute("SELECT count(*) FROM documents").fetchone()[0]:
                db.execute("DELETE FROM documents")  # rows of other schemas, or damaged ones
                db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
                               [(path, digest, self.schemas, entry, sha256(entry))
                                for path, (digest, entry) in wanted.items()])
                return
            db.executemany("DELETE FROM documents WHERE path = ?", gone)
            db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?)", changed)
        self.store.later(write)


def _entry(doc: Document) -> bytes:
    return json.dumps([doc.body_line, len(doc.body), doc.fields,
                       [[list(where), line, col] for where, (line, col) in doc.locations.items()]],
                      ensure_ascii=False, separators=(",", ":")).encode()


def _known(entry: Any) -> Known:
    body_line, body_length, data, locations = _typed(entry, list)
    values = {}
    for where, line, col in _typed(locations, list):
        if type(where) is not list or type(line) is not int or type(col) is not int:
            raise TypeError("expected [[path], line, col]")
        values[tuple(where)] = (line, col)  # a list inside a path is unhashable: TypeError
    if _typed(body_line, int) < 1 or _typed(body_length, int) < 0:
        raise ValueError("a body starts on a line and has a length")
    return Known(Parsed(_typed(data, dict), values, {}), body_line, body_length)


def _typed(value: Any, kind: type[_T]) -> _T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}")
    return value
