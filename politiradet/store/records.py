"""Compiled records in the build store: checked JSON, the small part apart from the large one.

A record's key is the SHA-256 of everything its HTML depends on besides the generator (which
the whole store is under, :func:`.database.fingerprint`): the body and where it starts in the
file, the document's path (links are resolved from it) and the registries (abbreviations,
the names of topics and areas). For a body read from a file, the SHA-256 of the file's bytes
stands for the body, so an unchanged body is never hashed (nor read: the loader knows the
file's digest by its stat). A record
is stored as three JSON texts, each with its SHA-256: the small *meta* part (links, headings,
status blocks' places … what the link graph and the render plan read for every document on
every build), the large *body* part (HTML and text, read only when a page, feed or search
record is made: :class:`StoredPayload`) and the *statuses* part (the HTML and text of the
status blocks, which a follow-up point's page, feed and open data show without the rest of the
referat). A part whose checksum or types do not match is a miss and is compiled again; a body
or statuses part found bad when it is needed is compiled again on the spot. Records no build
used among the last :data:`KEEP_BUILDS` are deleted (:meth:`Records.retain`).

A build keeps what it read (:class:`Reads`): the statuses of the records it read (they are
small), and the payloads it read last, up to :data:`PAYLOAD_CHARACTERS`, since a page, its
open data line and its search record ask for the same body in turn; a small archive is read
once, and nothing holds every body of a large one at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..common.heap import paused
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
    PayloadSource,
    StatusTexts,
)
from .database import Store, connection, failed, is_int, is_str, sha256

KEEP_BUILDS = 50
"""A record no build used among the last this many is deleted."""
REFRESH_BUILDS = 10
"""A record in use has its build number renewed once in this many builds (not on every one)."""
BATCH = 500
"""Keys per query."""
PAYLOAD_CHARACTERS = 32_000_000
"""How much of the payloads it read a build keeps (:class:`Reads`), in characters of HTML and
text: some 1,000 minutes of 12 kB, all of a small archive."""
STATUSES = 50_000
"""Records whose status blocks a build keeps after reading them (a few hundred bytes each)."""


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
    statuses: bytes
    statuses_sum: str


def record_digest(meta_sum: str, body_sum: str) -> str:
    """:attr:`Compiled.digest`: one SHA-256 for the record (the meta part holds the digest of
    each status block, so it covers the statuses part too)."""
    return hashlib.sha256(f"{meta_sum} {body_sum}".encode()).hexdigest()


def encode(compiled: Compiled) -> Row:
    """The record's two parts as JSON, each with its SHA-256."""
    payload = compiled.payload()
    meta = _json(
        [compiled.lead, compiled.summary,
         [[r.href, r.line, r.col, r.image] for r in compiled.links],
         [[h.level, h.text, h.anchor] for h in compiled.headings], list(compiled.abbreviations),
         [[s.point, s.line, s.closed, list(s.mentions), s.closes, s.digest, s.headings_before]
          for s in compiled.statuses],
         [[n.line, n.col, n.message] for n in compiled.notes], list(compiled.mentions),
         [[d.line, d.text, d.headings_before] for d in compiled.decisions]])
    body = _json([payload.html, payload.text])
    statuses = _json([list(pair) for pair in payload.statuses])
    return Row(meta, sha256(meta), body, sha256(body), statuses, sha256(statuses))


def decode(row: Row) -> Compiled | None:
    """The record in *row*, its payload kept in memory; None unless every part checks out."""
    body = decode_body(row.body, row.body_sum)
    statuses = decode_statuses(row.statuses, row.statuses_sum)
    if body is None or statuses is None:
        return None
    return decode_meta(row.meta, row.meta_sum, row.body_sum,
                       InMemory(Payload(*body, statuses)))


def decode_meta(meta: Any, meta_sum: Any, body_sum: Any, payload: PayloadSource
                ) -> Compiled | None:
    """The record whose meta part is *meta*, with *payload* for its body part; None when a
    column, the checksum or a type does not match."""
    if type(meta) is not bytes or not is_str(meta_sum) or not is_str(body_sum) or \
            sha256(meta) != meta_sum:
        return None
    try:
        return _meta_from_json(json.loads(meta), record_digest(meta_sum, body_sum), payload)
    except (ValueError, TypeError, KeyError):
        return None


def decode_body(body: Any, body_sum: str) -> tuple[str, str] | None:
    """The HTML and text in *body*; None when the checksum or the types do not match."""
    if type(body) is not bytes or sha256(body) != body_sum:
        return None
    try:
        html, text = _list(json.loads(body))
        return _str(html), _str(text)
    except (ValueError, TypeError):
        return None


def decode_statuses(statuses: Any, statuses_sum: str) -> StatusTexts | None:
    """The status blocks' HTML and text in *statuses*; None when the checksum or the types
    do not match."""
    if type(statuses) is not bytes or sha256(statuses) != statuses_sum:
        return None
    try:
        return tuple((_str(h), _str(t)) for h, t in _list(json.loads(statuses)))
    except (ValueError, TypeError):
        return None


def _meta_from_json(data: Any, digest: str, payload: PayloadSource) -> Compiled:
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
    for index, (point, line, closed, block_mentions, closes, block_digest, before) in \
            enumerate(_list(statuses)):
        if type(point) is not str or type(line) is not int or type(closed) is not bool \
                or type(closes) is not bool:
            raise TypeError("status")
        blocks.append(CompiledStatus(point, line, closed, index, _str(block_digest), payload,
                                     tuple(_str(m) for m in _list(block_mentions)), closes,
                                     _int(before)))
    return Compiled(
        lead=_str(lead), summary=_str(summary), links=tuple(link_refs),
        headings=tuple(found_headings),
        abbreviations=tuple(_str(a) for a in _list(abbreviations)), statuses=tuple(blocks),
        notes=tuple(Note(_int(line), _int(col), _str(message))
                    for line, col, message in _list(notes)),
        digest=digest, payload=payload, mentions=tuple(_str(m) for m in _list(mentions)),
        decisions=tuple(Decision(number, _int(line), _str(text), _int(before))
                        for number, (line, text, before) in enumerate(_list(decisions), 1)))


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _str(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("expected str")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("expected int")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError("expected list")
    return value


# --- the records in the store ------------------------------------------------------------------

class Reads:
    """What one build read of the records' large parts: the status blocks of every record
    whose blocks it read (up to :data:`STATUSES` records), and the payloads it read last (up
    to :data:`PAYLOAD_CHARACTERS`). A build makes a body's page, open data line and search
    record at different times, so keeping every payload would hold the whole archive; the
    status blocks are small and asked for by many points' pages, feeds and lists."""

    def __init__(self) -> None:
        self._payloads: OrderedDict[str, Payload] = OrderedDict()
        self._characters = 0
        self._statuses: dict[str, StatusTexts] = {}

    def payload(self, key: str) -> Payload | None:
        found = self._payloads.get(key)
        if found is not None:
            self._payloads.move_to_end(key)
        return found

    def keep_payload(self, key: str, payload: Payload) -> None:
        if key in self._payloads:
            return
        self._payloads[key] = payload
        self._characters += _size(payload)
        while self._characters > PAYLOAD_CHARACTERS and len(self._payloads) > 1:
            self._characters -= _size(self._payloads.popitem(last=False)[1])

    def statuses(self, key: str) -> StatusTexts | None:
        return self._statuses.get(key)

    def keep_statuses(self, key: str, statuses: StatusTexts) -> None:
        if len(self._statuses) >= STATUSES:
            del self._statuses[next(iter(self._statuses))]
        self._statuses[key] = statuses


def _size(payload: Payload) -> int:
    return len(payload.html) + len(payload.text) + sum(len(h) + len(t)
                                                       for h, t in payload.statuses)


EMPTY_STATUSES = sha256(b"[]")
"""The statuses part of a body without status blocks: nothing to read."""


@dataclass(frozen=True, slots=True)
class StoredPayload:
    """A record's payload in the store, read (and checked) when asked for, once per build
    as long as *reads* keeps it (:class:`Reads`).

    When a stored part is missing or does not check out, *fallback* compiles the payload
    on the spot (and the record is compiled again by the next build, which finds it missing).
    """

    database: str
    key: str
    body_sum: str
    statuses_sum: str
    fallback: Callable[[], Payload]
    reads: Reads = dataclasses.field(compare=False, repr=False)

    def __call__(self) -> Payload:
        payload = self.reads.payload(self.key)
        if payload is not None:
            return payload
        body = _read_body(self.database, self.key, self.body_sum)
        payload = Payload(*body, self.statuses()) if body is not None else self._compiled()
        self.reads.keep_payload(self.key, payload)
        return payload

    def statuses(self) -> StatusTexts:
        found = self.reads.statuses(self.key)
        if found is None:
            found = () if self.statuses_sum == EMPTY_STATUSES else \
                _read_statuses(self.database, self.key, self.statuses_sum)
            if found is None:
                found = self._compiled().statuses
            self.reads.keep_statuses(self.key, found)
        return found

    def _compiled(self) -> Payload:
        """The payload compiled again, its record deleted from the store."""
        _forget(self.database, self.key)
        return self.fallback()


class Records:
    """The compiled records in a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.database = store.database
        self._used: dict[str, int] = {}
        """Key -> the build number of its record as last read or written by this object."""
        self.reads = Reads()
        """What this build read of the records' payloads."""

    def key(self, doc: Document, registries: str, file_digest: str = "") -> str:
        """The key of *doc*'s record under *registries* (:func:`registry_fingerprint`): with
        the SHA-256 of the file it was read from, of that (the file's bytes determine its
        body and where it starts; nothing hashes the body again), else of the body."""
        digest = hashlib.sha256(f"{registries}\0".encode())
        if file_digest:
            digest.update(f"file\0{len(doc.path)}:{doc.path}\0{doc.body_line}\0"
                          f"{file_digest}".encode())
            return digest.hexdigest()
        body = _bytes(doc.body)
        digest.update(f"{len(doc.path)}:{doc.path}\0{doc.body_line}\0{len(body)}\0".encode())
        digest.update(body)
        return digest.hexdigest()

    def get_many(self, keys: Collection[str],
                 fallback: Callable[[str], Callable[[], Payload]]) -> dict[str, Compiled]:
        """The trustworthy records stored under *keys*, their payloads left in the store;
        *fallback(key)* compiles a payload again should its stored body turn out bad."""
        found: dict[str, Compiled] = {}
        # No collections while records are decoded: some 100,000 objects and no cycles, and
        # each pass would walk the archive in memory (half the time at 10,000 documents).
        with paused():
            for chunk in _chunks(sorted(keys)):
                marks = ",".join("?" * len(chunk))
                for key, used, meta_sum, body_sum, statuses_sum, meta in self.store.query(
                        "SELECT key, used, meta_sum, body_sum, statuses_sum, meta FROM records "
                        f"WHERE key IN ({marks})", chunk):
                    if key not in keys or not is_str(statuses_sum):
                        continue
                    payload = self.stored(key, body_sum, statuses_sum, fallback(key))
                    record = decode_meta(meta, meta_sum, body_sum, payload)
                    if record is not None:
                        found[key] = record
                        self._used[key] = used if is_int(used) else -1
        return found

    def stored(self, key: str, body_sum: str, statuses_sum: str,
               fallback: Callable[[], Payload]) -> StoredPayload:
        """The payload of the record under *key*, read through this build's :attr:`reads`."""
        return StoredPayload(self.database, key, body_sum, statuses_sum, fallback, self.reads)

    def put_many(self, rows: Sequence[tuple[str, Row]]) -> bool:
        """Store *rows* in one transaction of their own (the render workers read them back);
        False when the store cannot be written."""
        def put(db: sqlite3.Connection) -> None:
            number = build_number(db)
            db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)",
                           [(key, number, row.meta_sum, row.body_sum, row.statuses_sum,
                             row.meta) for key, row in rows])
            db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)",
                           [(key, row.body) for key, row in rows])
            db.executemany("INSERT OR REPLACE INTO statuses VALUES (?, ?)",
                           [(key, row.statuses) for key, row in rows
                            if row.statuses_sum != EMPTY_STATUSES])
            self._used.update((key, number) for key, _row in rows)
        return self.store.write(put)

    def retain(self, keys: Collection[str]) -> None:
        """Count, in the build's transaction, a build that used the records under *keys*, and
        delete the records and the parts (:mod:`.parts`) none of the last :data:`KEEP_BUILDS`
        builds used.

        A record's build number is renewed only when it is :data:`REFRESH_BUILDS` old, so an
        unchanged archive does not rewrite every row on every build."""
        used = dict(self._used)
        keys = tuple(keys)  # the keys alone: a mapping's values (documents) are not held

        def count(db: sqlite3.Connection) -> None:
            number = build_number(db) + 1
            db.execute("INSERT OR REPLACE INTO state VALUES ('builds', ?)", (number,))
            stale = [key for key in keys if used.get(key, -1) < number - REFRESH_BUILDS]
            db.executemany("UPDATE records SET used = ? WHERE key = ?",
                           [(number, key) for key in stale])
            old = "typeof(used) != 'integer' OR used < ?"
            for part in ("bodies", "statuses"):
                db.execute(f"DELETE FROM {part} WHERE key IN "
                           f"(SELECT key FROM records WHERE {old})", (number - KEEP_BUILDS,))
            db.execute(f"DELETE FROM records WHERE {old}", (number - KEEP_BUILDS,))
            db.execute(f"DELETE FROM parts WHERE {old}", (number - KEEP_BUILDS,))
        self.store.later(count)


def build_number(db: sqlite3.Connection) -> int:
    """How many builds have counted their records; 0 when the count is missing or no number."""
    found = db.execute("SELECT value FROM state WHERE name = 'builds'").fetchone()
    return found[0] if found is not None and is_int(found[0]) and found[0] >= 0 else 0


def _bytes(text: str) -> bytes:
    """*text* as bytes for a key: Latin-1 when it fits (a plain copy of the characters, twice
    as fast as UTF-8 for Norwegian text), else UTF-8; the first byte says which."""
    try:
        return b"l" + text.encode("latin-1")
    except UnicodeEncodeError:
        return b"u" + text.encode("utf-8", "surrogatepass")


def _read_body(database: str, key: str, body_sum: str) -> tuple[str, str] | None:
    """The HTML and text of the record under *key*; None unless stored and sound."""
    found = _read(database, "SELECT body FROM bodies WHERE key = ?", key)
    return decode_body(found, body_sum) if found is not None else None


def _read_statuses(database: str, key: str, statuses_sum: str) -> StatusTexts | None:
    """The status blocks of the record under *key*; None unless stored and sound."""
    found = _read(database, "SELECT statuses FROM statuses WHERE key = ?", key)
    return decode_statuses(found, statuses_sum) if found is not None else None


def _read(database: str, sql: str, key: str) -> Any:
    db = connection(database)
    if db is None:
        return None
    try:
        found = db.execute(sql, (key,)).fetchone()
    except sqlite3.Error as exc:
        failed(database, exc)
        return None
    return found[0] if found else None


def _forget(database: str, key: str) -> None:
    """Delete the record under *key*, if the store can be written just now."""
    db = connection(database)
    if db is None:
        return
    try:
        db.execute("DELETE FROM records WHERE key = ?", (key,))
        db.execute("DELETE FROM bodies WHERE key = ?", (key,))
        db.execute("DELETE FROM statuses WHERE key = ?", (key,))
    except sqlite3.Error as exc:
        failed(database, exc)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]
