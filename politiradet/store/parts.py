"""Parts of whole-archive outputs in the build store: a document's line of the open data, kept
under the key of everything it is made from.

A file that lists the whole archive (``data/dokumenter.jsonl``) changes with every edit, but
only in the edited document's part. Each part is stored under a key its maker computes from
its inputs (the document's compiled record digest and what else the part shows), with the
SHA-256 of its bytes; the next build makes the parts whose key is new and takes the others
from the store, so an edit reads one body instead of all of them.

Working out such a key still reads every document. A *derived* value (:meth:`Parts.derived`)
is a short one (a line's key, a search record's fingerprint) stored under a document's
*shortcut*: a key that covers all that value is made from (the shortcut key of the
document's page, :meth:`politiradet.rendering.keys.Keys.document_key`, covers all the page
may read, which is more than a line or a record shows), so an unchanged document's value is
looked up, not worked out. A part is a pure function of
its key, so parts are written in a transaction of their own as soon as they are made (also by
a worker process), like compiled records. Every part is checked when it is read: a part that
is missing, damaged or of the wrong type is made again. Parts no build used among the last
:data:`.records.KEEP_BUILDS` are deleted with the records (:meth:`.records.Records.retain`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence

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

    def derived(self, kind: str, shortcuts: Mapping[str, str], verify: bool = False
                ) -> Derived:
        """The values of *kind* of the documents in *shortcuts* (document -> its shortcut
        key), looked up where stored and worked out and kept where not (:class:`Derived`)."""
        names = {_derived_key(kind, key): document for document, key in shortcuts.items()}
        found = {}
        for name, value in self.get_many(names.keys()).items():
            try:
                found[names[name]] = value.decode("ascii")
            except UnicodeDecodeError:
                continue
        return Derived(self, kind, shortcuts, found, verify)

    def put_many(self, parts: Sequence[tuple[str, bytes]]) -> None:
        """Store *parts* (key, bytes) in a transaction of their own; nothing when the store
        cannot be written (the next build makes them again)."""
        if self.store is None or not parts:
            return
        self.store.write(_put(parts))

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


class Derived:
    """The values of one kind derived from documents in one build (:meth:`Parts.derived`):
    :meth:`value` gives the one stored under a document's shortcut key, or works it out and
    learns it; :meth:`keep` stores what was learnt, in the build's transaction
    (:meth:`Store.later`: the build commits it), since a derived value is a pure function of
    the shortcut key like a part of its key. With *verify* every value is worked out, and one
    that differs from the stored one is an error: the shortcut key hid a change."""

    def __init__(self, parts: Parts, kind: str, shortcuts: Mapping[str, str],
                 stored: Mapping[str, str], verify: bool) -> None:
        self._parts, self._kind, self._shortcuts = parts, kind, shortcuts
        self._stored, self._verify = stored, verify
        self._learnt: list[tuple[str, bytes]] = []

    def value(self, document: str, make: Callable[[], str]) -> str:
        """*document*'s value: the stored one, or *make*'s, learnt for :meth:`keep`."""
        stored = self._stored.get(document)
        if stored is not None and not self._verify:
            return stored
        made = make()
        if stored is not None and stored != made:
            raise AssertionError(f"{document}: the shortcut key hid a change of its "
                                 f"{self._kind}")
        if stored is None and document in self._shortcuts:
            self._learnt.append((_derived_key(self._kind, self._shortcuts[document]),
                                 made.encode("ascii")))
        return made

    def keep(self) -> None:
        """Store the values learnt since the last call."""
        if self._parts.store is not None and self._learnt:
            self._parts.store.later(_put(self._learnt))
        self._learnt = []


def _derived_key(kind: str, shortcut: str) -> str:
    """The part key of a derived value: its kind and the shortcut key it is stored under
    (never the key of a part itself, which is a bare hexadecimal digest)."""
    return f"{kind}:{shortcut}"


def _put(parts: Sequence[tuple[str, bytes]]) -> Callable[[sqlite3.Connection], None]:
    """The change that stores *parts* (key, bytes) as used by this build."""
    def put(db: sqlite3.Connection) -> None:
        number = build_number(db)
        db.executemany("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?)",
                       [(key, number, sha256(value), value) for key, value in parts])
    return put
