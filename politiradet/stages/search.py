"""Index the published archive for full-text search with Pagefind: the search stage.

Each published page that holds archive content (documents, follow-up points, topics, areas)
becomes one small HTML record built from the :class:`Archive`, never from the rendered
pages, so navigation, footers and drafts cannot reach the index. Pagefind turns the records
into the static bundle under ``pagefind/``, which the search page loads.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pagefind.service import get_executable

from ..model.archive import Archive, StatusUpdate, area_children
from ..model.content import Content, Document, at_base
from ..store.database import library_version
from ..store.deps import Hasher
from .mentions import front_matter_text

LANGUAGE = "nb"
"""Every record is Norwegian Bokmål, so Pagefind stems «fritidskortet» to «fritidskort»."""
BUNDLE_DIR = "pagefind/"
MANIFEST = BUNDLE_DIR + "sok.json"
"""What the search page loads first: the shards, newest first, and the area hierarchy."""
SHARD_FILTER = "del"
"""Synthetic filter the search page gives each shard (Pagefind's ``mergeFilter``)."""
MAX_SHARD_RECORDS = 200
"""A span of dates with more records than this is split into shorter spans (see :func:`plan`).
Pagefind takes about 4 ms CPU per record, so re-indexing a full shard after an edit takes
about 0.8 s CPU; 400 took 1.5 s, and halving it again (quarters) would cost the browser half
as many bytes again on a first search (README, «Søkeindeksen i deler»)."""
FORMAT = 1
"""Version of the records' layout; part of every shard's key."""
UNUSED_BUNDLE_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.",
                       "pagefind-highlight.")
"""Pagefind's ready-made interfaces; the site has its own (assets/sok.js)."""
UNDATED = "0000-00-00"
"""Sort key of topic and area pages: last when sorting newest first, but still listed."""

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
    but not its HTML, which is made only when its shard must be indexed again."""

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


@dataclass(frozen=True, slots=True)
class Shard:
    """The records of one span of dates, indexed as a Pagefind bundle of its own.

    Pagefind cannot update an index in place, so the index is split: an edit re-indexes
    only the shard that holds the page. The search page merges the shards in the browser
    (Pagefind's ``mergeIndex``) and reads them newest first when sorting by date.
    """

    name: str
    """Folder under ``pagefind/``: ``alle``, ``2010-2019``, ``2024``, ``2024-h1``, ``2024-k1``,
    ``2024-03`` or ``udatert``."""
    entries: tuple[Entry, ...]

    @property
    def folder(self) -> str:
        return f"{BUNDLE_DIR}{self.name}/"

    @property
    def key(self) -> str:
        """Hash of everything the shard's bundle is made from: equal key, equal bundle.
        Made from the entries' fingerprints, so no record's HTML is made for it."""
        pagefind = library_version("pagefind-bin")
        digest = hashlib.sha256(f"{FORMAT}\0{pagefind}\0{self.name}\0".encode())
        for entry in self.entries:
            digest.update(f"{entry.url}\0{entry.fingerprint}\0".encode())
        return digest.hexdigest()

    def records(self, archive: Archive) -> Iterator[Record]:
        """The shard's records, each made as it is asked for."""
        for entry in self.entries:
            source = entry.source
            yield source if isinstance(source, Record) else document_record(archive, source)


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """The search index as planned, before Pagefind runs: an edit changes the key of the
    shards it touches only, so a build can take the others over from the last one."""

    manifest: bytes
    """``pagefind/sok.json``, see :func:`manifest`."""
    shards: tuple[Shard, ...]


def prepare(archive: Archive, pages: Collection[str]) -> SearchIndex:
    """Plan the index: the records' entries, split into shards, and the manifest.

    *pages* are the paths of the site's HTML pages; every record must have one.
    """
    found = list(entries(archive))
    _check_pages_exist(found, pages)
    shards = plan(found)
    return SearchIndex(manifest(shards, archive.content), tuple(shards))


def plan(found: Iterable[Entry], limit: int | None = None) -> list[Shard]:
    """Split the entries into shards of calendar spans, newest first, undated last.

    Spans are fixed on the calendar, so an edit changes only the shard of its date: all
    records in one shard (``alle``) while they are at most *limit*; beyond that one shard
    per decade, a decade with more than *limit* records split into years, such a year into
    half-years (``2024-h2``), such a half into quarters (``2024-k3``), such a quarter into
    months (``2024-08``). Undated records
    (topics, areas, undated agreements) form the shard ``udatert``. *limit* defaults to
    :data:`MAX_SHARD_RECORDS`.
    """
    limit = MAX_SHARD_RECORDS if limit is None else limit
    every = tuple(found)
    if len(every) <= limit:
        return [Shard("alle", every)] if every else []
    dated = sorted((e for e in every if e.date), key=lambda e: e.date or dt.date.min)
    undated = tuple(e for e in every if not e.date)
    oldest_first = [Shard(name, tuple(group)) for name, group in _spans(dated, limit)]
    return oldest_first[::-1] + ([Shard("udatert", undated)] if undated else [])


def manifest(shards: Sequence[Shard], content: Content) -> bytes:
    """The file the search page reads first: shard folders (newest first) and the area tree."""
    data = {"delindekser": [shard.name for shard in shards],
            "delfilter": SHARD_FILTER,
            "omrader": area_tree(content)}
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


def bundle(archive: Archive, shards: Iterable[Shard]) -> Iterator[tuple[str, bytes]]:
    """Index each shard with Pagefind, as many at once as there are cores; yield each file
    of the bundles as (output path, content), shard by shard.

    Pagefind starts on a shard as soon as its records are written, while the next shard's
    records are made, and only one shard's bundle is read into memory at a time.
    """
    binary = _pagefind_binary()
    with (tempfile.TemporaryDirectory(prefix="pagefind-") as folder,
          concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool):
        running = []
        for number, shard in enumerate(shards):
            source, output = Path(folder, f"{number}-kilde"), Path(folder, f"{number}-bundle")
            _write_records(shard.records(archive), source)
            running.append((shard, output, pool.submit(_run_pagefind, binary, source, output)))
        for shard, output, job in running:
            job.result()
            yield from ((shard.folder + name, data) for name, data in _read_tree(output).items()
                        if not name.startswith(UNUSED_BUNDLE_FILES))
            shutil.rmtree(output)


def entries(archive: Archive) -> Iterator[Entry]:
    """Every searchable page, planned: published documents first (newest first), then
    topics, areas. A document's fingerprint is made from its record without the text and
    the digests of the compiled bodies the text is made from (:attr:`Compiled.digest`), so no
    HTML is loaded, made or scanned here."""
    hasher = Hasher()
    for doc in archive.documents:
        head = _document_head(archive, doc)
        material = (head, front_matter_text(doc), tag_line(archive.content, doc),
                    archive.compiled[doc.path].digest,
                    tuple(update.block.digest for update in _status_updates(archive, doc)))
        yield Entry(doc.url, head.date, hasher.digest(material), doc)
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
                   content=_LINK_TARGET.sub("", "\n".join(parts)))


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
                  date=doc.date if doc.dated else None,
                  filters={"tema": tuple(topics[t].name for t in doc.topics if t in topics),
                           "omrade": area_names(doc.areas, archive.content),
                           "ar": (str(doc.year),)})


def area_names(slugs: Iterable[str], content: Content) -> tuple[str, ...]:
    """Names of the areas and every area above them, so a parent area finds its children."""
    return tuple(content.areas[slug].name for slug in content.with_ancestors(slugs))


def record_html(record: Record) -> str:
    """The record as a small HTML page with Pagefind's filter, sort and meta attributes."""
    date = record.date.isoformat() if record.date else UNDATED
    tags = [_data_span("data-pagefind-meta", "type", record.kind),
            _data_span("data-pagefind-sort", "date", date),
            _data_span("data-pagefind-filter", "type", record.kind)]
    if record.date:
        tags.append(_data_span("data-pagefind-meta", "date", date))
    tags += [_data_span("data-pagefind-filter", name, value)
             for name, values in record.filters.items() for value in values]
    title = html.escape(record.title)
    folded = " ".join(folded_forms(record.title + "\n" + plain_text(record.content)))
    return (f'<!DOCTYPE html>\n<html lang="{LANGUAGE}"><head><title>{title}</title></head>'
            f'<body>\n{_body(record, title)}\n'
            f'<p>{FOLDED_MARK} {folded}</p>\n{"".join(tags)}\n</body></html>\n')


def folded_forms(text: str) -> list[str]:
    """Every word of *text* with æ, ø or å, spelt as it is typed without them, once each.

    Pagefind treats ø, æ and å as letters of their own (they are, in Norwegian), so
    «Gronland» would not find «Grønland». Indexed after the :data:`FOLDED_MARK`, these
    forms let it; the search page shows the matching original word instead (assets/sok.js,
    which folds the same way: lower case, NFC, runs of letters and digits).
    """
    forms: dict[str, None] = {}
    # Runs never cross white space, so only the distinct words with æ, ø or å, split at
    # white space (in C), are split into runs: 1.5 times faster than every run of the text.
    for word in dict.fromkeys(unicodedata.normalize("NFC", text).lower().split()):
        if _NORWEGIAN_LETTERS.search(word):
            for run in _WORD_RUNS.findall(word):
                if _NORWEGIAN_LETTERS.search(run):
                    forms.update((run.translate(table), None) for table in _FOLDINGS)
    return list(forms)


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

_LINK_TARGET = re.compile(r'(?<=<a)\s+href="[^"]*"')
"""Where a link points is left out of the record: it is not indexed, so a record (and its
shard) does not change when only an address does."""


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
        raise RuntimeError("fant ikke Pagefind; installer med «pip install 'pagefind[bin]'»")
    return Path(binary)


def _run_pagefind(binary: Path, source: Path, output: Path) -> None:
    """Index the records folder *source* into the bundle folder *output* with the Pagefind CLI.

    The CLI rather than the Python API's service: the service answers ``write_files`` before
    every file is on disk (about one build in ten published an empty ``pagefind-entry.json``),
    while the CLI has written everything when it exits.
    """
    done = subprocess.run([str(binary), "--site", str(source), "--output-path", str(output),
                           "--force-language", LANGUAGE, "--silent"],
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Pagefind feilet: {done.stderr.decode(errors='replace')}")


def _write_records(found: Iterable[Record], root: Path) -> None:
    """The records as a folder of HTML files laid out like the site, so Pagefind derives
    each page's URL from its path."""
    for record in found:
        target = root / record.url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(record_html(record), encoding="utf-8")


def _read_tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def _spans(dated: Sequence[Entry], limit: int) -> Iterator[tuple[str, list[Entry]]]:
    """Calendar spans of the date-sorted entries: decades, split as needed into years,
    half-years, quarters and months (a month is never split)."""
    ladder: tuple[Callable[[dt.date], str], ...] = (
        lambda d: f"{d.year // 10 * 10}-{d.year // 10 * 10 + 9}",
        lambda d: f"{d.year}",
        lambda d: f"{d.year}-h{(d.month - 1) // 6 + 1}",
        lambda d: f"{d.year}-k{(d.month - 1) // 3 + 1}",
        lambda d: f"{d.year}-{d.month:02d}")

    def split(entries: Sequence[Entry], step: int) -> Iterator[tuple[str, list[Entry]]]:
        for name, group in _group(entries, ladder[step]):
            if len(group) <= limit or step == len(ladder) - 1:
                yield name, group
            else:
                yield from split(group, step + 1)

    yield from split(dated, 0)


def _group(dated: Sequence[Entry], name: Callable[[dt.date], str]
           ) -> Iterator[tuple[str, list[Entry]]]:
    groups: dict[str, list[Entry]] = {}
    for record in dated:
        assert record.date is not None
        groups.setdefault(name(record.date), []).append(record)
    yield from groups.items()

