"""Index the published archive for full-text search with Pagefind: the search stage.

Each published page that holds archive content (documents, follow-up points, topics, areas)
becomes one small HTML record built from the :class:`Archive`, never from the rendered
pages, so navigation, footers and drafts cannot reach the index. Pagefind turns the records
into static bundles under ``pagefind/``: a base of every record, made whole rarely, and a delta
of the records changed since, made again on every edit (:class:`Split`), which the search page
merges (assets/sok.js).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import gzip
import hashlib
import html
import json
import os
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pagefind.service import get_executable

from ..common.parallel import ordered_map
from ..errors import SearchIndexError
from ..model.archive import Archive, StatusUpdate, area_children
from ..model.content import Content, Document, at_base
from ..store.database import library_version
from ..store.deps import Hasher
from ..store.parts import Parts
from .mentions import front_matter_text

LANGUAGE = "nb"
"""Every record is Norwegian Bokmål, so Pagefind stems «fritidskortet» to «fritidskort»."""
BUNDLE_DIR = "pagefind/"
MANIFEST = BUNDLE_DIR + "sok.json"
"""What the search page loads first: the bundles, the base's records that newer versions
supersede, and the area hierarchy (see :func:`manifest`)."""
BASE = "grunn"
"""Folder under ``pagefind/`` of the base bundle: every record, as the last full index made it."""
DELTA = "endring"
"""Folder of the delta bundle: the records that changed since the base was made."""
DELTA_FILTER = "del"
"""A filter only the delta's records carry. It makes a delta record's Pagefind fragment differ
from the base's version of it, so the two never share a fragment id (the page tells them
apart by id), also when an edit changed nothing the index holds (a link's address). A base of
several parts gets it as a synthetic filter too (Pagefind's ``mergeFilter``, the part's
folder), so the page can search one bundle at a time when sorting by date."""
FINGERPRINT = "sokepost"
"""The kind of derived value (:meth:`Parts.derived`) a document's record fingerprint is kept
as."""
MAX_DELTA_RECORDS = 100
"""When more records than this differ from the base (changed, added or deleted), the base is
made again whole and the delta is empty: a compaction. Every build re-indexes the whole delta,
at about 3.3 ms of Pagefind CPU and 1 ms of ours per record (measured at 10,000 documents:
100 records 0.4 s CPU, 300 records 1.3 s), so at 100 one edit still re-indexes in well under
a second; a compaction costs what the cold index does (about 40 s CPU at 10,000) once per
hundred changed documents (docs/ytelse.md, «Søkeindeksen: grunnindeks og endringer»)."""
MAX_BASE_RECORDS = 5_000
"""A base of more records than this is made as several Pagefind bundles (parts: ``grunn-1`` …,
oldest first, each a span of dates), indexed one after the other. Pagefind holds a whole
bundle in memory while it indexes: 1.9 GB for 5,000 records and 3.4 GB for 10,000 measured
(1.27 GB at most for parts of 3,349), so parts of at most 5,000 keep the largest process under
2 GB at any size. A part costs a visitor about six requests more when the search page opens
(22 against 10 at 10,000 documents, three parts), but a first one-word search costs about what
one bundle's does (23 requests and 0.198 MB against 21 and 0.187 MB; docs/ytelse.md)."""
FORMAT = 3
"""Version of the records' layout; part of every bundle's key."""
UNUSED_BUNDLE_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.",
                       "pagefind-highlight.")
"""Pagefind's ready-made interfaces; the site has its own (assets/sok.js)."""
UNDATED = "0000-00-00"
"""Date part of the sort key of topic and area pages: last when sorting newest first, but
still listed."""
SENTINEL_URL = "_ordvakt/"
"""Address of each bundle's word guard (see :func:`sentinel_html`); no page of the site."""
SENTINEL_SUFFIX = "0zqx"
"""Ends every word of a word guard. Letters and digits only, so Pagefind keeps each guard
word whole; «0» sorts before every letter, so a guard word lies next to the word it guards in
the index, and no one types a word that goes on with «0zqx»."""
FRAGMENT_SIGNATURE = b"pagefind_dcd"
"""What a Pagefind fragment's JSON starts with once it is gunzipped."""
SCRATCH = Path("/dev/shm")
"""Memory-backed file system (tmpfs) where Pagefind's records and bundle are made, when there is
one and no temporary folder is configured (:func:`scratch`). The records and the bundle are
thousands of small files, each record in a folder of its own, written, read once and deleted:
at 3,000 documents on disk, deleting them took 6 to 18 s of the cold index stage and making the
folders 1 s, and Pagefind spent 2 s more of system time; in memory it costs next to nothing."""
SCRATCH_PER_RECORD = 64 * 1024
"""Room :data:`SCRATCH` must have free per record to be used: the records and the bundle took
23 kB per record at 3,000 documents (48 MB and 21 MB), so this leaves room for long ones."""

FOLDED_MARK = "\u2042"
"""«⁂»: starts the folded forms at the end of every record. Pagefind does not index a word
without letters, but counts it, so the search page knows where the record's own text ends."""
_NORWEGIAN_LETTERS = re.compile("[æøå]")
_FOLDINGS = (str.maketrans({"æ": "a", "ø": "o", "å": "a"}),
             str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
"""How æ, ø and å are typed without them: «Grønland» as «gronland» or «groenland»."""
_WORD_RUNS = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")

REGISTER_WEIGHT = 0.1
"""Weight of a topic's or area's page: its name and one-line description. Pagefind favours
short pages, so without this the descriptions of the areas under a unit («Bydel Alna …
Enhet øst har ansvaret …») outranked the documents that discuss the unit. The page whose
name is the query still comes first through Pagefind's title boost; the search page sets
the rest of the ranking (RANKING in assets/sok.js)."""

TOPIC_LABEL = "Tema"
AREA_LABEL = "Område"


@dataclass(frozen=True, slots=True)
class Record:
    """One page of the site as the search index sees it."""

    url: str
    """Site-relative URL of the page, without the base URL."""
    title: str
    kind: str
    """Norwegian label of the page type: «Referat», «Tema» …"""
    content: str
    """HTML of the text to index, without the title."""
    date: dt.date | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Filter name (``tema``, ``omrade``, ``ar``) -> values; ``type`` is added from *kind*."""
    weight: float = 1.0
    """How much a match in *content* counts (Pagefind's ``data-pagefind-weight``)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A record as planned: its address, its date and a fingerprint of what it is made from,
    but not its HTML, which is made only when its bundle must be indexed again."""

    url: str
    date: dt.date | None
    fingerprint: str
    """Equal fingerprint, equal record (see :func:`entries`)."""
    source: Document | Record
    """The document the record is made from, or the record itself (a topic or an area:
    cheap to make)."""

    @classmethod
    def of(cls, record: Record) -> Entry:
        """A record already made, fingerprinted by its whole content."""
        return cls(record.url, record.date, Hasher().digest(record), record)

    def record(self, archive: Archive) -> Record:
        """The record, made now if it is a document's."""
        source = self.source
        return source if isinstance(source, Record) else document_record(archive, source)


@dataclass(frozen=True, slots=True)
class Split:
    """How the index is to be made: the records of a new base, or of the delta beside the
    live base and the base's records it supersedes.

    Pagefind cannot update a bundle in place, so the index is a large base, made whole
    rarely, and a small delta of what changed since, made again on every edit. The search
    page merges them (Pagefind's ``mergeIndex``) and hides the base's superseded records
    (assets/sok.js), so what it finds and counts does not depend on the split.
    """

    base: tuple[Entry, ...] | None
    """Every record, to index as a new base (a cold build or a compaction); None keeps the
    live base."""
    delta: tuple[Entry, ...] = ()
    """The records that differ from the base's version of them or are not in it."""
    superseded: tuple[str, ...] = ()
    """URLs of the base's records that the delta replaces or that are gone."""


def prepare(archive: Archive, pages: Collection[str], parts: Parts | None = None,
            shortcuts: Mapping[str, str] | None = None, verify: bool = False) -> list[Entry]:
    """Every record planned (see :func:`entries`), checked against the site's pages.

    *pages* are the paths of the site's HTML pages; every record must have one. A
    document's fingerprint is kept in *parts* under its page's shortcut key (*shortcuts*:
    content path -> shortcut key, which covers all the record shows), and looked up there
    rather than worked out; with *verify* it is worked out anyway and must be the one kept.
    """
    found = list(entries(archive, parts, shortcuts, verify))
    _check_pages_exist(found, pages)
    return found


def split(found: Iterable[Entry], base: Mapping[str, str] | None,
          limit: int | None = None) -> Split:
    """Split the records into a delta beside *base* (URL -> fingerprint of the live base's
    records), or a new base when there is none or more than *limit* records differ from it
    (:data:`MAX_DELTA_RECORDS` by default)."""
    every = tuple(found)
    if base is None:
        return Split(every)
    delta = tuple(entry for entry in every if base.get(entry.url) != entry.fingerprint)
    current = {entry.url for entry in every}
    changed = {entry.url for entry in delta}
    superseded = tuple(sorted(url for url in base if url not in current or url in changed))
    if len(changed | set(superseded)) > (MAX_DELTA_RECORDS if limit is None else limit):
        return Split(every)
    return Split(None, delta, superseded)


def bundle_key(folder: str, found: Iterable[Entry]) -> str:
    """Hash of everything a bundle is made from: equal key, equal bundle. Made from the
    entries' fingerprints, so no record's HTML is made for it."""
    pagefind = library_version("pagefind-bin")
    digest = hashlib.sha256(f"{FORMAT}\0{pagefind}\0{folder}\0".encode())
    for url, fingerprint in sorted((entry.url, entry.fingerprint) for entry in found):
        digest.update(f"{url}\0{fingerprint}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Bundle:
    """A bundle of the live site as its files' keys describe it, whole.

    Each file's key is ``FOLDER KEY COUNT``; a base's fragment (one record) adds the
    record's fingerprint and URL, so the next build knows what the base holds without
    reading it."""

    folder: str
    key: str
    files: tuple[str, ...]
    records: Mapping[str, tuple[str, str]]
    """URL -> (fingerprint, fragment path) of each record (a base's only)."""

    @property
    def fingerprints(self) -> dict[str, str]:
        return {url: fingerprint for url, (fingerprint, _path) in self.records.items()}

    @property
    def fragment_ids(self) -> set[str]:
        return {fragment_id(path) for path in self.files if path.endswith(".pf_fragment")}

    @property
    def sentinel(self) -> str | None:
        """Fragment id of a base part's word guard (:func:`sentinel_html`): its one fragment
        that holds no record."""
        held = {path for _fingerprint, path in self.records.values()}
        found = [path for path in self.files
                 if path.endswith(".pf_fragment") and path not in held]
        return fragment_id(found[0]) if len(found) == 1 else None

    @classmethod
    def find(cls, folder: str, known: Mapping[str, str]) -> Bundle | None:
        """The bundle in *folder* among the live site's files *known* (path -> key), or None
        when there is none or some of its files are not (all of them) as they were made."""
        prefix = f"{BUNDLE_DIR}{folder}/"
        groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for path, key in known.items():
            if path.startswith(prefix):
                head = key.split(" ", 3)
                if len(head) >= 3 and head[0] == folder:
                    groups.setdefault((head[1], head[2]), []).append((path, key))
        if len(groups) != 1:
            return None
        (key, count), files = next(iter(groups.items()))
        if str(len(files)) != count:
            return None
        records = {}
        for path, file_key in files:
            parts = file_key.split(" ", 4)
            if len(parts) == 5:
                records[parts[4]] = (parts[3], path)
        return cls(folder, key, tuple(sorted(path for path, _key in files)), records)


@dataclass(frozen=True, slots=True)
class Base:
    """The live site's base, whole: its parts (see :data:`MAX_BASE_RECORDS`), oldest first,
    each a :class:`Bundle` whose key is the base's key and the number of parts."""

    key: str
    parts: tuple[Bundle, ...]

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(path for part in self.parts for path in part.files)

    @property
    def records(self) -> dict[str, tuple[str, str]]:
        return {url: found for part in self.parts for url, found in part.records.items()}

    @property
    def fingerprints(self) -> dict[str, str]:
        return {url: fingerprint for url, (fingerprint, _path) in self.records.items()}

    @property
    def fragment_ids(self) -> set[str]:
        return {found for part in self.parts for found in part.fragment_ids}

    @classmethod
    def find(cls, known: Mapping[str, str]) -> Base | None:
        """The base among the live site's files *known* (path -> key), or None when there is
        none or not all of it is as it was made."""
        folders = sorted({path.split("/")[1] for path in known if path.startswith(BUNDLE_DIR)
                          and path.count("/") >= 2 and _part_number(path.split("/")[1]) >= 0},
                         key=_part_number)
        parts = [Bundle.find(folder, known) for folder in folders]
        found = [part for part in parts if part is not None]
        keys = {part.key for part in found}
        if not found or len(found) != len(parts) or len(keys) != 1 \
                or None in (part.sentinel for part in found):
            return None
        key = keys.pop()
        if key.rsplit("/", 1)[-1] != str(len(found)):
            return None
        return cls(key, tuple(found))


def base_parts(found: Sequence[Entry]) -> list[tuple[str, tuple[Entry, ...]]]:
    """The records of a new base as its parts, (folder, records), oldest first: one part
    ``grunn`` up to :data:`MAX_BASE_RECORDS` records, else ``grunn-1`` … of equal size, each a
    span of the date order, so their date orders follow each other."""
    count = max(1, -(-len(found) // MAX_BASE_RECORDS))
    if count == 1:
        return [(BASE, tuple(found))]
    ordered = sorted(found, key=lambda entry: sort_value(entry.date, entry.url))
    size = -(-len(ordered) // count)
    return [(f"{BASE}-{number + 1}", tuple(ordered[number * size:(number + 1) * size]))
            for number in range(count)]


def _part_number(folder: str) -> int:
    """0 for ``grunn``, N for ``grunn-N``, -1 for a folder that is no part of a base."""
    if folder == BASE:
        return 0
    number = folder.removeprefix(BASE + "-")
    return int(number) if number != folder and number.isdigit() else -1


def bundle_keys(folder: str, key: str, files: Sequence[str],
                records: Mapping[str, Entry]) -> dict[str, str]:
    """Each file's key (see :class:`Bundle`); *records* maps a fragment's path to its entry."""
    head = f"{folder} {key} {len(files)}"
    return {path: f"{head} {records[path].fingerprint} {records[path].url}"
            if path in records else head for path in files}


def fragment_id(path: str) -> str:
    """The id Pagefind gives a record (a search result's ``id``): its fragment's file name."""
    return path.rsplit("/", 1)[-1].removesuffix(".pf_fragment")


def read_fragment(data: bytes) -> dict[str, Any]:
    """A Pagefind fragment file as the JSON it holds: ``url``, ``content``, ``filters``,
    ``meta`` and the word count."""
    found: dict[str, Any] = json.loads(gzip.decompress(data).removeprefix(FRAGMENT_SIGNATURE))
    return found


def sort_value(date: dt.date | None, url: str) -> str:
    """What a record sorts by (``data-pagefind-sort="date"``): its date, then its address.

    No two records share it, so «newest first» is one order, the same in one bundle and in
    any split of it: Pagefind orders records of equal sort values by their place in its own
    bundle, which differs from bundle to bundle."""
    return f"{date.isoformat() if date else UNDATED} {url}"


def fragment_sort_value(fragment: Mapping[str, Any]) -> str:
    """:func:`sort_value` of the record a Pagefind fragment holds."""
    return f"{fragment['meta'].get('date', UNDATED)} {fragment['url'].removeprefix('/')}"


def manifest(content: Content, parts: Sequence[tuple[str, int]],
             superseded: Mapping[str, Mapping[str, Mapping[str, Sequence[str]]]],
             sentinels: Mapping[str, str],
             delta: Mapping[str, dict[str, Any]] | None = None,
             base_values: Iterable[str] = ()) -> bytes:
    """The file the search page reads first (``pagefind/sok.json``).

    *sentinels* maps each bundle's folder to the fragment id of its word guard
    (:func:`sentinel_html`). *parts* are the base's parts, oldest first, with their record
    counts. *superseded* maps
    each part's folder to the fragment id of each of its records that a newer version
    supersedes, and that to the record's filters, so the page can hide it and take it out of
    the counts (an id is unique within one bundle only). *delta* holds the delta's records, by
    fragment id, as their fragments (none: there is no delta); *base_values* are the sort
    values of every record in the base, so each delta record's place among the base's records
    when sorting by date is known (``plass``: how many base records sort at or before it).
    Each delta record's filters (``filtre``) let the page count the delta's records and results
    itself, so a first search does not fetch every filter file of the delta (assets/sok.js)."""
    data: dict[str, object] = {"grunn": [{"mappe": folder, "sider": count}
                                         for folder, count in parts],
                               "delfilter": DELTA_FILTER, "endring": None,
                               "vakt": dict(sorted(sentinels.items())),
                               "skjult": {folder: {key: dict(hidden[key]) for key in sorted(hidden)}
                                          for folder, hidden in sorted(superseded.items())
                                          if hidden}}
    if delta:
        ordered = sorted(base_values)
        places = {}
        filters = {}
        for key, fragment in sorted(delta.items()):
            filters[key] = {name: sorted(values)
                            for name, values in sorted(fragment["filters"].items())
                            if name != DELTA_FILTER and values}
            places[key] = bisect.bisect_right(ordered, fragment_sort_value(fragment))
        data["endring"] = {"mappe": DELTA, "sider": len(delta), "plass": places,
                           "filtre": filters}
    data["omrader"] = area_tree(content)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def area_tree(content: Content) -> list[dict[str, object]]:
    """The areas as a tree of names (politidistrikt → driftsenhet → bydel → område), for
    grouping the area filter. An area with two parents is listed under both."""
    children = area_children(content)

    def node(slug: str, above: frozenset[str]) -> dict[str, object]:
        below = [node(child, above | {slug}) for child in children.get(slug, ())
                 if child not in above]
        return {"navn": content.areas[slug].name, "under": below}

    known = set(content.areas)
    return [node(area.slug, frozenset()) for area in content.areas.values()
            if not [p for p in area.parents if p in known]]


def bundle(archive: Archive, folder: str, found: Iterable[Entry]
           ) -> Iterator[tuple[str, bytes, Entry | None]]:
    """Index the records of *found* with Pagefind as the bundle *folder*; yield each file of
    the bundle as (output path, content, the entry of a fragment's record), one at a time, so
    a large base never sits in memory whole. A delta's records carry :data:`DELTA_FILTER`."""
    with indexing(archive, [(folder, tuple(found))]) as runs:
        yield from runs.files()


@contextlib.contextmanager
def indexing(archive: Archive, parts: Sequence[tuple[str, tuple[Entry, ...]]]
             ) -> Iterator[Runs]:
    """Write the records of every bundle of *parts* (folder, records) and start Pagefind on
    the first; the :class:`Runs` index the rest one after the other while the caller does
    other work. Pagefind runs as a process of its own, so what the caller does in the
    meantime (render, feeds) fills the core it leaves idle. When the block ends, a Pagefind
    still running is stopped and the records and bundles are removed, also on an error."""
    with scratch(sum(len(records) for _folder, records in parts)) as temporary:
        runs = Runs(archive, parts, temporary)
        try:
            runs.poll()
            yield runs
        finally:
            runs.stop()


class Runs:
    """The Pagefind runs of the bundles of a base (or of one delta), one at a time: Pagefind
    holds a whole bundle in memory (:data:`MAX_BASE_RECORDS`). The next run starts when
    :meth:`poll` or :meth:`files` finds the one before it done; :meth:`files` waits."""

    def __init__(self, archive: Archive, parts: Sequence[tuple[str, tuple[Entry, ...]]],
                 temporary: Path) -> None:
        self._binary = _pagefind_binary()
        self._parts = [_Part(folder, records, temporary / f"{number}")
                       for number, (folder, records) in enumerate(parts)]
        for part in self._parts:
            part.write_records(archive)
        self._running: subprocess.Popen[bytes] | None = None
        self._started = 0
        self._done = 0

    def poll(self) -> None:
        """Start the next run if none is running; raise if the one that ran failed."""
        if self._running is not None:
            if self._running.poll() is None:
                return
            self._finished()
        if self._started < len(self._parts):
            self._running = self._parts[self._started].start(self._binary)
            self._started += 1

    def files(self) -> Iterator[tuple[str, bytes, Entry | None]]:
        """Each file of every bundle, in order, as :func:`bundle` yields them."""
        for number, part in enumerate(self._parts):
            while self._done <= number:
                if self._running is not None:
                    self._running.wait()
                self.poll()
            yield from part.files()

    def stop(self) -> None:
        """Stop a run still going (the build failed or stopped reading)."""
        if self._running is not None:
            self._running.kill()
            self._running.wait()
            self._running = None

    def _finished(self) -> None:
        assert self._running is not None
        done, self._running = self._running, None
        self._parts[self._done].check(done.returncode)
        self._done += 1


@dataclass(slots=True)
class _Part:
    """One bundle of :class:`Runs`: its records, written into *folder*, and its files."""

    name: str
    found: tuple[Entry, ...]
    folder: Path

    @property
    def source(self) -> Path:
        return self.folder / "kilde"

    @property
    def output(self) -> Path:
        return self.folder / "bundle"

    @property
    def errors(self) -> Path:
        return self.folder / "pagefind.err"

    def write_records(self, archive: Archive) -> None:
        """Every record's page, made on every core, and the bundle's word guard."""
        tokens: set[str] = set()
        write = functools.partial(_write_record, archive, self.source, self.name == DELTA)
        for found_tokens in ordered_map(write, self.found):
            tokens |= found_tokens
        _write_page(self.source / SENTINEL_URL,
                    sentinel_html(words_of(tokens), self.name == DELTA))

    def start(self, binary: Path) -> subprocess.Popen[bytes]:
        """Pagefind started on the records (see :func:`_pagefind_command`); what it reports goes
        to a file, not a pipe that no one reads while it runs."""
        with self.errors.open("wb") as errors:
            return subprocess.Popen(_pagefind_command(binary, self.source, self.output),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=errors)

    def check(self, returncode: int) -> None:
        if returncode != 0:
            reported = self.errors.read_bytes().decode(errors="replace")
            raise SearchIndexError(f"Pagefind feilet: {reported}")

    def files(self) -> Iterator[tuple[str, bytes, Entry | None]]:
        by_url = {"/" + entry.url: entry for entry in self.found}
        for path in sorted(self.output.rglob("*")):
            name = path.relative_to(self.output).as_posix()
            if path.is_file() and not name.startswith(UNUSED_BUNDLE_FILES):
                data = path.read_bytes()
                made = by_url.get(read_fragment(data)["url"]) \
                    if name.endswith(".pf_fragment") else None
                yield f"{BUNDLE_DIR}{self.name}/{name}", data, made


@contextlib.contextmanager
def scratch(records: int) -> Iterator[Path]:
    """A new temporary folder for indexing *records* records, removed with all it holds when
    the block ends, also on an error, Ctrl-C or a caller that stops reading a bundle.

    In :data:`SCRATCH` when it exists, has room (:data:`SCRATCH_PER_RECORD`) and no temporary
    folder is configured (``TMPDIR``, ``TEMP`` or ``TMP``, which are used as they are); else in
    the system's temporary folder."""
    with tempfile.TemporaryDirectory(prefix="pagefind-", dir=_scratch_root(records)) as folder:
        yield Path(folder)


def _scratch_root(records: int) -> str | None:
    """:data:`SCRATCH` when it is to be used for *records* records, else None."""
    if any(os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP")):
        return None
    try:
        free = os.statvfs(SCRATCH)
    except OSError:
        return None
    if not os.access(SCRATCH, os.W_OK | os.X_OK) \
            or free.f_bavail * free.f_frsize < (records + 1) * SCRATCH_PER_RECORD:
        return None
    return str(SCRATCH)


def _write_record(archive: Archive, source: Path, delta: bool, entry: Entry) -> set[str]:
    """Make the record of *entry* and write its page into the records folder *source*;
    return the page's tokens (:func:`record_page`).

    Run in the worker processes (:func:`~politiradet.common.parallel.ordered_map`): making the
    records and pages is most of the index stage's own CPU time (2.1 of 2.8 s at 3,000
    documents), and only the tokens come back, not the pages. With two cores it took 1.75 s
    instead of 2.1 (3.3 s of CPU in all: forking and the tokens' way back cost); each core
    more takes its share."""
    record = entry.record(archive)
    if delta:
        record = replace(record, filters={**record.filters, DELTA_FILTER: (DELTA,)})
    page, tokens = record_page(record)
    _write_page(source / record.url, page)
    return tokens


def _write_page(folder: Path, page: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(page, encoding="utf-8")


def words_of(tokens: Iterable[str]) -> set[str]:
    """Every word Pagefind may index from the records the distinct *tokens*
    (:func:`record_page`) are from (before stemming), or a longer word that starts with it:
    lower case, letters and digits; for a word with other signs, also each run of letters and
    digits, from each place Pagefind may split it (a change of case or between letters and
    digits: «SaLTo-konferansen» gives «saltokonferansen», «salto», «lto», «to»,
    «konferansen»). More words than Pagefind's do no harm (see :func:`sentinel_html`); a word
    it indexes that no word here starts with would."""
    words: set[str] = set()
    for token in tokens:
        whole = "".join(c for c in token if c.isalnum() or c in _INCLUDED).lower()
        if whole:
            words.add(whole)
        if not token.isalnum():
            for run in _WORD_RUNS.findall(token):
                words.update(run[at:].lower() for at in range(len(run))
                             if at == 0 or run[at].isupper()
                             or run[at].isdigit() != run[at - 1].isdigit())
    return words


_INCLUDED = frozenset("_\u203f\u2040\u2054\ufe33\ufe34\ufe4d\ufe4e\ufe4f\uff3f")
"""Signs Pagefind keeps inside a word (its ``include_characters``)."""


def sentinel_html(words: Iterable[str], delta: bool) -> str:
    """The word guard of a bundle: one record, without a date or filters, of every word of
    the bundle's records with :data:`SENTINEL_SUFFIX` after it.

    Pagefind matches a search word to the indexed words that start with it; when a bundle has
    none, it takes the longest indexed word the search word starts with instead, so a bundle
    without «toyen» matches «toyen» to «to» (ranking its own records by «to»). Whether it did
    depends on the bundle's own words, so base parts and the delta would each find something
    else than one bundle of the same records. The guard tells the search page: it is found
    exactly when every search word starts some word of the bundle (a guard word is never the
    start of a search word), and the page keeps a bundle's results only then (assets/sok.js).
    Kept results are those with a word that starts with each search word, the same in every
    bundle; so what is found and counted does not depend on the split. The guard of the delta
    carries the delta's filter, so the page can search the delta alone."""
    # Pagefind ends a block with a full stop, and splits a word with a sign in it, also
    # between letters and digits («trygghet0zqx.» gives «trygghet»): the last word is bare.
    text = " ".join([*(word + SENTINEL_SUFFIX for word in sorted(words)), SENTINEL_SUFFIX[1:]])
    tags = _data_span("data-pagefind-filter", DELTA_FILTER, DELTA) if delta else ""
    return (f'<!DOCTYPE html>\n<html lang="{LANGUAGE}"><head><title>-</title></head>'
            f'<body>\n<p>{html.escape(text)}</p>\n{tags}\n</body></html>\n')


def entries(archive: Archive, parts: Parts | None = None,
            shortcuts: Mapping[str, str] | None = None, verify: bool = False
            ) -> Iterator[Entry]:
    """Every searchable page, planned: published documents first (newest first), then
    topics, areas. A document's fingerprint is made from its record without the text and
    the digests of the compiled bodies the text is made from (:attr:`Compiled.digest`), so no
    HTML is loaded, made or scanned here; or it is the one kept in *parts* under the
    document's shortcut key (see :func:`prepare`)."""
    hasher = Hasher()
    derived = (parts or Parts(None)).derived(
        FINGERPRINT, {doc.path: shortcuts[doc.path] for doc in archive.documents
                      if shortcuts and doc.path in shortcuts}, verify)

    def fingerprint_of(doc: Document) -> str:
        material = (_document_head(archive, doc), front_matter_text(doc),
                    tag_line(archive.content, doc), archive.compiled[doc.path].digest,
                    tuple(update.block.digest for update in _status_updates(archive, doc)))
        return hasher.digest(material)
    for doc in archive.documents:
        yield Entry(doc.url, _record_date(doc),
                    derived.value(doc.path, functools.partial(fingerprint_of, doc)), doc)
    derived.keep()
    for topic in archive.content.topics.values():
        yield Entry.of(Record(url=f"temaer/{topic.slug}/", title=topic.name, kind=TOPIC_LABEL,
                              content=_paragraphs([topic.description]),
                              filters={"tema": (topic.name,)}, weight=REGISTER_WEIGHT))
    for area in archive.content.areas.values():
        yield Entry.of(Record(url=f"omrader/{area.slug}/", title=area.name, kind=AREA_LABEL,
                              content=_paragraphs([area.description]),
                              filters={"omrade": area_names((area.slug,), archive.content)},
                              weight=REGISTER_WEIGHT))


def document_record(archive: Archive, doc: Document) -> Record:
    """The record of a referat, an avtale or a follow-up point."""
    parts = [_paragraphs([*front_matter_text(doc), tag_line(archive.content, doc)]),
             document_html(archive, doc)]
    parts += [at_base(update.block.html, "/") for update in _status_updates(archive, doc)]
    return replace(_document_head(archive, doc),
                   content=_LINK_TARGET.sub("<a", "\n".join(parts)))


def tag_line(content: Content, doc: Document) -> str:
    """«Temaer: SaLTo. Områder: Furuset.»: the document's own tags as text, so a search for
    a topic's or an area's name finds the documents about it, not only those that name it
    (the counts on the topic and area pages include both)."""
    parts = [(label, [registry[slug].name for slug in slugs if slug in registry])
             for label, registry, slugs in (("Temaer", content.topics, doc.topics),
                                            ("Områder", content.areas, doc.areas))]
    return " ".join(f"{label}: {', '.join(names)}." for label, names in parts if names)


def _document_head(archive: Archive, doc: Document) -> Record:
    """A document's record without its text."""
    topics = archive.content.topics
    return Record(url=doc.url, title=doc.title, kind=doc.kind_label, content="",
                  date=_record_date(doc),
                  filters={"tema": tuple(topics[t].name for t in doc.topics if t in topics),
                           "omrade": area_names(doc.areas, archive.content),
                           "ar": (str(doc.year),)})


def _record_date(doc: Document) -> dt.date | None:
    """The date of a document's record: none for an undated one."""
    return doc.date if doc.dated else None


def area_names(slugs: Iterable[str], content: Content) -> tuple[str, ...]:
    """Names of the areas and every area above them, so a parent area finds its children."""
    return tuple(content.areas[slug].name for slug in content.with_ancestors(slugs))


def record_page(record: Record) -> tuple[str, set[str]]:
    """The record as a small HTML page with Pagefind's filter, sort and meta attributes, and
    the tokens of the page's text: its whitespace-separated tokens with the tags taken out
    as spaces and as nothing (:func:`words_of` makes the words of them; a word recurs in most
    records, so a bundle makes words once per distinct token, not once per occurrence).

    The tokens are collected from the parts the page is made of, not by reading the page
    again: the title, the text with its tags taken out as spaces (which the folded forms are
    made from too) and as nothing, the :data:`FOLDED_MARK` and the folded forms. The page's
    own markup holds no text, and puts a line break between the parts, so no token runs from
    one part into the next."""
    tags = [_data_span("data-pagefind-meta", "type", record.kind),
            _data_span("data-pagefind-sort", "date", sort_value(record.date, record.url)),
            _data_span("data-pagefind-filter", "type", record.kind)]
    if record.date:
        tags.append(_data_span("data-pagefind-meta", "date", record.date.isoformat()))
    tags += [_data_span("data-pagefind-filter", name, value)
             for name, values in record.filters.items() for value in values]
    title = html.escape(record.title)
    text = plain_text(record.content)
    folded = folded_forms(record.title + "\n" + text)
    tokens = {*record.title.split(), *text.split(),
              *html.unescape(_TAG.sub("", record.content)).split(), FOLDED_MARK, *folded}
    page = (f'<!DOCTYPE html>\n<html lang="{LANGUAGE}"><head><title>{title}</title></head>'
            f'<body>\n{_body(record, title)}\n'
            f'<p>{FOLDED_MARK} {" ".join(folded)}</p>\n{"".join(tags)}\n</body></html>\n')
    return page, tokens


def folded_forms(text: str) -> list[str]:
    """Every word of *text* with æ, ø or å, spelt as it is typed without them, once each.

    Pagefind treats ø, æ and å as letters of their own (they are, in Norwegian), so
    «Gronland» would not find «Grønland». Indexed after the :data:`FOLDED_MARK`, these
    forms let it; the search page shows the matching original word instead (assets/sok.js,
    which folds the same way: lower case, NFC, runs of letters and digits).
    """
    forms: dict[str, None] = {}
    # Runs never cross white space, so only the distinct words, split at white space (in C),
    # are split into runs, and each word's forms are made once per build (_folded_word).
    for word in dict.fromkeys(unicodedata.normalize("NFC", text).lower().split()):
        found = _folded_word(word)
        if found:
            forms.update(found)
    return list(forms)


@functools.lru_cache(maxsize=1 << 16)
def _folded_word(word: str) -> dict[str, None]:
    """The folded forms of one lower-case NFC word (:func:`folded_forms`), in order, as the
    keys of a dictionary (empty for most words; shared by every caller, so read only). Cached:
    a word recurs in record after record (1.45 million words, 5,500 distinct at 3,000
    documents), and looking it up costs less than searching it for æ, ø and å again."""
    forms: dict[str, None] = {}
    if _NORWEGIAN_LETTERS.search(word):
        for run in _WORD_RUNS.findall(word):
            if _NORWEGIAN_LETTERS.search(run):
                forms.update((run.translate(table), None) for table in _FOLDINGS)
    return forms


def plain_text(markup: str) -> str:
    """The text of an HTML fragment of this site's own making, each tag a space.

    The records' HTML comes from markdown-it (raw HTML off) and :func:`html.escape`, so a
    «<» or «>» in text or attributes is always escaped, and a tag ends at its first «>».
    """
    return html.unescape(_TAG.sub(" ", markup))


# --- helpers -----------------------------------------------------------------------------

def document_html(archive: Archive, doc: Document) -> str:
    """The body as the index reads it: its compiled HTML (links do not matter, only text)."""
    return at_base(archive.compiled[doc.path].html, "/")

_LINK_TARGET = re.compile(r'<a\s+href="[^"]*"')
"""Where a link points is left out of the record (each match becomes ``<a``): it is not
indexed, so a record (and its bundle) does not change when only an address does. Matched from
its «<a» rather than behind it: the engine then looks for «<» only, not at every place of
the text (7 times faster: 0.22 against 0.03 s for 3,000 documents)."""


def _status_updates(archive: Archive, doc: Document) -> tuple[StatusUpdate, ...]:
    """The status updates shown on a follow-up point's page (none for other documents)."""
    return archive.history.get(doc.path, ()) if doc.kind == "oppfolgingspunkt" else ()


def _body(record: Record, title: str) -> str:
    """Title and text; a record of less weight has its title in a paragraph, not a heading
    (Pagefind weighs a heading seven times a paragraph), and all of it weighed down."""
    if record.weight == 1.0:
        return f'<h1 data-pagefind-meta="title">{title}</h1>\n{record.content}'
    return (f'<div data-pagefind-weight="{record.weight}">\n'
            f'<p data-pagefind-meta="title">{title}</p>\n{record.content}\n</div>')


def _paragraphs(lines: Iterable[str]) -> str:
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in lines if line)


def _data_span(attribute: str, name: str, value: str) -> str:
    """An empty element giving *value* to Pagefind; the value is read verbatim from an attribute,
    so commas and colons in names need no escaping."""
    return f'<span {attribute}="{name}[data-value]" data-value="{html.escape(value)}"></span>'


def _check_pages_exist(found: Iterable[Entry], pages: Collection[str]) -> None:
    built = frozenset(pages)  # the plan hands a tuple: «in» on it was O(pages) per record
    missing = [r.url for r in found if r.url + "index.html" not in built]
    if missing:
        raise ValueError(f"søkeindeksen peker til sider som ikke ble bygget: {missing}")


def _pagefind_binary() -> Path:
    binary = get_executable()
    if binary is None:
        raise SearchIndexError("fant ikke Pagefind; installer med «pip install 'pagefind[bin]'»")
    return Path(binary)


def _pagefind_command(binary: Path, source: Path, output: Path) -> list[str]:
    """Index the records folder *source* into the bundle folder *output* with the Pagefind CLI.

    The CLI rather than the Python API's service: the service answers ``write_files`` before
    every file is on disk (about one build in ten published an empty ``pagefind-entry.json``),
    while the CLI has written everything when it exits.
    """
    return [str(binary), "--site", str(source), "--output-path", str(output),
            "--force-language", LANGUAGE, "--silent"]
