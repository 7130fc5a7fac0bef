"""Parts of whole-archive outputs in the build store: a document's line of the open data, kept
under the key of everything it is made from.

A file that lists the whole archive (``data/dokumenter.jsonl``) changes with every edit, but
only in the edited document's part. Each part is stored under a key its maker computes from
its inputs (the document's compiled record digest and what else the part shows), with the
SHA-256 of its bytes; the next build makes the parts whose key is new and takes the others
from the store, so an edit reads one body instead of all of them. A part is a pure function of
its key, so parts are written in a transaction of their own as soon as they are made (also by
a worker process), like compiled records. Every part is checked when it is read: a part that
is missing, damaged or of the wrong type is made again. Parts no build used among the last
:data:`.records.KEEP_BUILDS` are deleted with the records (:meth:`.records.Records.retain`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence

from .database import Store, is_int, sha256
from .records import BATCH, REFRESH_BUILDS, build_number


class Parts:
    """The stored parts of a :class:`Store`; without a store, every part is a miss."""

    def __init__(self, store: Store | None) -> None:
        self.store = store

    def get_many(self, keys: Collection[str]) -> dict[str, bytes]:
        """The sound parts stored under *keys*; a part in use has its build number renewed
        (in a transaction of its own) once in :data:`.records.REFRESH_BUILDS` builds."""
        if self.store is None or not keys:
            return {}
        found: dict[str, bytes] = {}
        stale: list[str] = []
        oldest = self._builds() - REFRESH_BUILDS
        ordered = sorted(keys)
        for start in range(0, len(ordered), BATCH):
            chunk = ordered[start:start + BATCH]
            marks = ",".join("?" * len(chunk))
            for key, used, check, value in self.store.query(
                    f"SELECT key, used, sum, value FROM parts WHERE key IN ({marks})", chunk):
                if type(value) is not bytes or sha256(value) != check or key not in keys:
                    continue
                found[key] = value
                if not is_int(used) or used < oldest:
                    stale.append(key)
        if stale:
            self._renew(stale)
        return found

    def put_many(self, parts: Sequence[tuple[str, bytes]]) -> None:
        """Store *parts* (key, bytes) in a transaction of their own; nothing when the store
        cannot be written (the next build makes them again)."""
        if self.store is None or not parts:
            return

        def put(db: sqlite3.Connection) -> None:
            number = build_number(db)
            db.executemany("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?)",
                           [(key, number, sha256(value), value) for key, value in parts])
        self.store.write(put)

    def _builds(self) -> int:
        """The store's build count (:func:`.records.build_number`)."""
        assert self.store is not None
        found = self.store.query("SELECT value FROM state WHERE name = 'builds'")
        return found[0][0] if found and is_int(found[0][0]) else 0

    def _renew(self, keys: Sequence[str]) -> None:
        assert self.store is not None

        def renew(db: sqlite3.Connection) -> None:
            number = build_number(db)
            db.executemany("UPDATE parts SET used = ? WHERE key = ?",
                           [(number, key) for key in keys])
        self.store.write(renew)
