"""The archive as OParl 1.1, the standard interface of council information systems, in static
JSON files under ``oparl/``.

OParl (https://oparl.org) is read by clients made for council records: the council is a
``Body`` with its ``Organization``s; each referat or seminar summary is a ``Meeting`` whose
top-level headings are its ``AgendaItem``s; agreements and follow-up points are ``Paper``s; each
meeting that reported on a point is a ``Consultation``; an original document is a ``File``; an
agreement's period is a ``LegislativeTerm``. Every object is served as a file of its own at the
address in its ``id``, and every list (``Body.meeting`` …) is a paginated list of files
(``side-1.json``, ``side-2.json`` …), since a static host answers no query parameters.

What OParl has no property for is given under the vendor prefix ``politiradet:`` (the spec's
«herstellerspezifische Erweiterungen»): a point's dated status timeline
(``politiradet:statushistorikk``), its status, responsible party, deadline and adopted text,
a meeting's kind and days. :data:`EXTENSION` describes them, and the README lists them.

Each file is made from small frozen inputs of its own (a document, the digest of the body text
it shows, its git time), so an edit rewrites the files of what it changed and the list pages
they are on, not the whole API (see :mod:`politiradet.store.deps`): a sentence added to the
minutes changes no object, a changed status block the point and its lists. Times are those of
the archive: ``created`` is a document's date at midnight in Oslo (the source gives no hour),
``modified`` the last git commit of its file (or of a referat that reports on it), never the
clock.

No day is made up from a year. An undated agreement (``udatert: true``) has no ``date``; OParl
demands ``created`` of every object, so its ``created`` is the archive's own (``System.created``:
the first dated document's day), which says when the archive begins, not when the agreement
was written. An agreement's period is whole years, so its ``LegislativeTerm`` has no
``startDate``/``endDate`` (days the source does not give) but the years under
``politiradet:gyldig_fra``/``politiradet:gyldig_til``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from ..common import norsk
from ..common.address import SiteAddress
from ..common.slug import suggest_slug
from ..model.archive import Archive, StatusUpdate
from ..model.content import (
    KIND_FOLDER,
    SITE_NAME,
    Compiled,
    CompiledStatus,
    Decision,
    Document,
    Heading,
    SourcePdf,
)
from . import feeds
from .link import POINT_LINKS

OPARL = "https://schema.oparl.org/1.1/"
"""Namespace of the OParl 1.1 object types; ``System.oparlVersion``."""
PREFIX = "politiradet:"
"""Vendor prefix of this archive's own properties."""
ROOT = "oparl/"
SYSTEM = ROOT + "system.json"
"""Where a client starts: the System object."""
PAGE_SIZE = 100
"""Objects per list page (OParl recommends pages for lists of more than 100)."""
BODY = "politiradet"
COUNCIL = "politiradet"
PARTIES = (("oslo-kommune", "Oslo kommune"), ("oslo-politidistrikt", "Oslo politidistrikt"))
"""The two parties of the council, as organisations of the body."""
FIRST_DAY = dt.date(2000, 1, 1)
"""``created`` of the system and body when the archive has no document yet."""
MEETING_STATE = "durchgeführt"
"""OParl's recommended value for a meeting whose minutes are published."""
LISTS = ("organization", "person", "meeting", "paper", "agendaItem", "consultation", "file",
         "legislativeTermList", "locationList")
"""The body's external lists, by the property that names them."""
EXTENSION: Mapping[str, str] = {
    "politiradet:motetype": "Meeting: «møte» eller «seminar».",
    "politiradet:dato": "Meeting, Consultation: dagen møtet ble holdt (ÅÅÅÅ-MM-DD); klokkeslettet "
                        "i start er ikke kjent og står som midnatt.",
    "politiradet:sluttdato": "Meeting: siste dag av et seminar over flere dager; klokkeslettet "
                             "i end er ikke kjent og står som 23.59.59 den dagen.",
    "politiradet:status": "Paper (oppfølgingspunkt): «følges opp» eller «avsluttet».",
    "politiradet:seminar": "Paper (oppfølgingspunkt): året for seminaret som vedtok punktet.",
    "politiradet:nummer": "Paper (oppfølgingspunkt): punktets nummer fra seminaret.",
    "politiradet:vedtatt": "Paper (oppfølgingspunkt): når seminaret ble holdt, så presist "
                           "som kildene sier (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD).",
    "politiradet:ansvarlig": "Paper (oppfølgingspunkt): hvem som følger opp punktet.",
    "politiradet:frist": "Paper (oppfølgingspunkt): fristen politirådet satte (ÅÅÅÅ-MM-DD).",
    "politiradet:vedtatt_pa": "Paper (oppfølgingspunkt): møtet (seminaret) der punktet ble "
                              "vedtatt, når oppsummeringen er i arkivet.",
    "politiradet:publisert_i": "Paper (oppfølgingspunkt): møtet der punktet først ble "
                               "publisert.",
    "politiradet:tekst": "Paper (oppfølgingspunkt): punktet slik det ble vedtatt, ren tekst.",
    "politiradet:statushistorikk": "Paper (oppfølgingspunkt): statusoppdateringene, eldste "
                                   "først: dato, meeting, consultation, web og tekst, og "
                                   "avslutter: true for den som avsluttet punktet.",
    "politiradet:vedtak": "Meeting: møtets vedtak i rekkefølge: nummer, tekst, web og "
                          "agendaItem (dagsordenspunktet vedtaket står under, som også har "
                          "teksten i resolutionText).",
    "politiradet:gyldig_fra": "Paper (avtale), LegislativeTerm: første år avtalen gjelder "
                              "(startDate mangler, for kilden gir bare året).",
    "politiradet:gyldig_til": "Paper (avtale), LegislativeTerm: siste år avtalen gjelder "
                              "(endDate mangler, for kilden gir bare året).",
    "politiradet:udatert": "Paper (avtale): true når originalen ikke er datert (da mangler "
                           "date, og created er arkivets første tidspunkt, System.created, "
                           "ikke en dato fra kilden).",
    "politiradet:sha256": "File: SHA-256 av den publiserte PDF-en.",
    "politiradet:forfall": "Meeting: hvem som hadde meldt forfall, slik referatet skriver det.",
    "politiradet:referent": "Meeting: hvem som skrev referatet.",
}
"""Every property under :data:`PREFIX`, with what it means (in Norwegian, as the README)."""
_NUMBERED = re.compile(r"(\d+(?:\.\d+)*)[.)]?\s+(\S.*)")
"""An agenda heading with a number: «1. Dagsorden godkjent», «4.2) Status»."""


# --- addresses -----------------------------------------------------------------------------------

def body_path() -> str:
    return f"{ROOT}body/{BODY}.json"


def list_path(name: str, page: int = 1) -> str:
    """Site path of page *page* of the body's list *name* (one of :data:`LISTS`)."""
    folder = name.removesuffix("List").lower()
    return f"{ROOT}body/{BODY}/{folder}/side-{page}.json"


def bodies_path(page: int = 1) -> str:
    return f"{ROOT}body/side-{page}.json"


def organization_path(slug: str) -> str:
    return f"{ROOT}organization/{slug}.json"


def meeting_path(doc: Document) -> str:
    return f"{ROOT}meeting/{doc.slug}.json"


def agenda_item_path(doc: Document, anchor: str) -> str:
    return f"{ROOT}agendaitem/{doc.slug}/{anchor}.json"


def location_path(doc: Document) -> str:
    return f"{ROOT}location/{doc.slug}.json"


def paper_path(doc: Document) -> str:
    return f"{ROOT}paper/{KIND_FOLDER[doc.kind]}/{doc.slug}.json"


def file_path(doc: Document) -> str:
    return f"{ROOT}file/{KIND_FOLDER[doc.kind]}/{doc.slug}.json"


def person_path(name: str) -> str:
    """A person as the minutes name them («politimester Ole Sæverud»): the same words in two
    referater are the same person."""
    return f"{ROOT}person/{suggest_slug(name)}.json"


def consultation_path(point: Document, doc: Document) -> str:
    return f"{ROOT}consultation/{point.slug}/{doc.slug}.json"


def legislative_term_path(doc: Document) -> str:
    return f"{ROOT}legislativeterm/{doc.slug}.json"


# --- what each object is made from ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Original:
    """A document's original: the PDF published beside its page (``kilde.fil``), else the
    publisher's address (``kilde.url``)."""

    title: str
    url: str
    """Site path of the published PDF, or the absolute ``kilde.url``."""
    pdf: SourcePdf | None
    format: str | None


@dataclass(frozen=True, slots=True)
class Record:
    """One document with what its objects show beyond the front matter."""

    fingerprint_fields: ClassVar[tuple[str, ...]] = (
        "doc", "keywords", "created", "modified", "original", "agenda", "decisions",
        "text_key", "links")

    doc: Document
    keywords: tuple[str, ...]
    """The names of its topics."""
    created: str
    """The document's date, midnight in Oslo, as OParl writes a time; for an undated one the
    archive's own (:attr:`Graph.created`)."""
    modified: str
    """The last commit of its file (or of a referat reporting on it), else :attr:`created`."""
    original: Original | None
    agenda: tuple[Heading, ...]
    """A referat's agenda: the headings of its highest level, in text order."""
    decisions: tuple[tuple[Decision, str | None], ...]
    """A referat's decisions, each with the anchor of the agenda item it was made under."""
    body: Compiled
    """The compiled body, read only when a file is made: a point's Paper shows its text
    (:attr:`text_key`), a status block is shown through its :class:`Report`; no other object
    shows any of it, so the record's hash leaves it out."""
    links: tuple[tuple[str, str], ...] = ()
    """A point's ``publisert_i`` and ``vedtatt_pa``: (key, site path of the OParl object of
    the document it leads to)."""

    @property
    def text_key(self) -> str | None:
        """What the record's hash covers of the body: a point's digest, since its Paper shows
        its text (``politiradet:tekst``); nothing for other documents."""
        return self.body.digest if self.doc.kind == "oppfolgingspunkt" else None


@dataclass(frozen=True, slots=True)
class Report:
    """A status update as OParl shows it: the point, the meeting, the agenda item it was given
    under, and the status block (hashed by its place, whether it closes the point, and the
    digest of its own text, not of the whole minutes)."""

    fingerprint_fields: ClassVar[tuple[str, ...]] = (
        "point", "meeting", "agenda", "index", "closes", "digest")

    point: Document
    meeting: Record
    block: CompiledStatus
    agenda: str | None
    """Anchor of the agenda item the block stands under (None above the first)."""

    @property
    def index(self) -> int:
        """Place of the status block among the meeting's status blocks."""
        return self.block.index

    @property
    def closes(self) -> bool:
        """The block closes the point (``::: status 2025-1 avsluttet``)."""
        return self.block.closes

    @property
    def digest(self) -> str:
        return self.block.digest


@dataclass(frozen=True, slots=True)
class Item:
    """A document's record with its status reports: those a referat gives (in text order), or
    those on a point (oldest first). One object per document, so the render input of each of
    its files hashes it once (:class:`politiradet.store.deps.Hasher` remembers it)."""

    record: Record
    reports: tuple[Report, ...]


@dataclass(frozen=True, slots=True)
class Attendee:
    """Someone the minutes list as present (``til_stede``), as first written."""

    name: str
    created: str
    """``created`` of the first meeting they attended."""


class Graph:
    """Everything the OParl files are made from, each document's record and item made when
    first asked for: a build whose plan takes a document's files over from the last build
    (:func:`files`) never makes them."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._records: dict[str, Record] = {}
        self._items: dict[str, Item] = {}

    @functools.cached_property
    def created(self) -> str:
        """The archive's own time: its first dated document's day (as its record has it)."""
        days = [doc.date for doc in self.archive.documents if doc.dated]
        return _time(norsk.midnight(min(days, default=FIRST_DAY)))

    @functools.cached_property
    def modified(self) -> str:
        """The latest ``modified`` of any record."""
        archive = self.archive
        found = [self.created]
        for doc in archive.documents:
            if doc.dated:  # a point's reports are referater, each counted as itself
                found.append(_own_modified(archive, doc))
            else:
                found.append(self._undated_modified(doc))
        return max(found)

    @functools.cached_property
    def attendees(self) -> tuple[Attendee, ...]:
        """Everyone present at a meeting, once, in the order they first attended."""
        found: dict[str, Attendee] = {}
        paths: dict[str, str] = {}  # the same few names in thousands of referater
        for doc in sorted((d for d in self.archive.documents if d.kind == "referat"),
                          key=lambda d: (d.date, d.path)):
            for name in doc.fields.get("til_stede", ()):
                path = paths.get(name) or paths.setdefault(name, person_path(name))
                if path not in found:
                    found[path] = Attendee(str(name), self.created_of(doc))
        return tuple(found.values())

    def created_of(self, doc: Document) -> str:
        """``created`` of *doc*'s record: its day at midnight, else the archive's own."""
        return _time(norsk.midnight(doc.date)) if doc.dated else self.created

    @property
    def head(self) -> tuple[str, str]:
        """``created`` and ``modified`` of the system, the body and its organisations."""
        return self.created, self.modified

    def record(self, path: str) -> Record:
        """The record of the published document at content *path*: a point's is modified when
        a referat reporting on it last was; an undated document's times are the archive's
        own (no day made up from a year)."""
        record = self._records.get(path)
        if record is None:
            archive = self.archive
            doc = archive.by_path[path]
            record = _record(archive, doc)
            updates = archive.history.get(path, ())
            if updates and doc.dated:
                record = _with_reports(record, [_own_modified(archive, u.document)
                                                for u in updates])
            elif not doc.dated:
                record = dataclasses.replace(record, created=self.created,
                                             modified=self._undated_modified(doc))
            self._records[path] = record
        return record

    def item(self, path: str) -> Item:
        """The published document's record with its reports: those on a point, or those a
        referat gives."""
        item = self._items.get(path)
        if item is None:
            archive = self.archive
            updates = (archive.history.get(path, ())
                       if archive.by_path[path].kind == "oppfolgingspunkt"
                       else archive.reported.get(path, ()))
            item = self._items[path] = Item(self.record(path), tuple(
                _report(u, self.record(u.document.path)) for u in updates))
        return item

    def _undated_modified(self, doc: Document) -> str:
        changed = self.archive.content.changed.get(doc.path)
        return max(self.created, _time(norsk.in_oslo(changed))) if changed else self.created


def _own_modified(archive: Archive, doc: Document) -> str:
    """A document's ``modified`` from its own file alone: its last commit, else its day."""
    created = _time(norsk.midnight(doc.date))
    changed = archive.content.changed.get(doc.path)
    return max(created, _time(norsk.in_oslo(changed))) if changed else created


def _record(archive: Archive, doc: Document) -> Record:
    created = _time(norsk.midnight(doc.date))
    modified = _own_modified(archive, doc)
    body = archive.compiled[doc.path]
    agenda = _agenda(doc, body)
    decisions = tuple((d, _agenda_item_of(body.headings, agenda, d.headings_before))
                      for d in body.decisions)
    topics = archive.content.topics
    return Record(doc, tuple(topics[t].name for t in doc.topics if t in topics), created,
                  modified, _original(archive, doc), agenda, decisions, body,
                  tuple(_links(archive, doc)))


def _agenda(doc: Document, body: Compiled) -> tuple[Heading, ...]:
    """A referat's agenda: the headings of its highest level, in text order."""
    if doc.kind != "referat" or not body.headings:
        return ()
    top = min(h.level for h in body.headings)
    return tuple(h for h in body.headings if h.level == top and h.anchor)


def _report(update: StatusUpdate, meeting: Record) -> Report:
    return Report(update.point, meeting, update.block, _agenda_item_of(
        meeting.body.headings, meeting.agenda, update.block.headings_before))


def _agenda_item_of(headings: Sequence[Heading], agenda: Sequence[Heading],
                    headings_before: int) -> str | None:
    """Anchor of the agenda item a block stands under: the last agenda heading among the
    *headings_before* headings above it (None above the first)."""
    level = agenda[0].level if agenda else None
    above = [h.anchor for h in headings[:headings_before] if h.level == level and h.anchor]
    return above[-1] if above else None


def _links(archive: Archive, doc: Document) -> Iterator[tuple[str, str]]:
    """Where a point was adopted and first published, as OParl objects."""
    if doc.kind != "oppfolgingspunkt":
        return
    for key in POINT_LINKS:
        target = archive.point_link(doc, key)
        if target is not None:
            yield key, meeting_path(target) if target.kind == "referat" else paper_path(target)


def _with_reports(record: Record, modified: Sequence[str]) -> Record:
    """A point's record, modified when a referat reporting on it last was (*modified*: the
    referater's own times)."""
    latest = max(modified, default=record.modified)
    return dataclasses.replace(record, modified=max(record.modified, latest))


def _original(archive: Archive, doc: Document) -> Original | None:
    source = doc.fields.get("kilde", {})
    published = feeds.original(archive, doc)
    if published is not None:
        return Original(source["tittel"], published[1], published[0], "PDF")
    if source.get("url"):
        return Original(source["tittel"], source["url"], None, source.get("format"))
    return None


def _time(moment: dt.datetime) -> str:
    """``yyyy-mm-ddThh:mm:ss±hh:mm``, as OParl writes a date-time."""
    return moment.replace(microsecond=0).isoformat()


# --- the files -----------------------------------------------------------------------------------

Made = functools.partial[bytes]
_T = TypeVar("_T")


_LIST_OF = {"organization": "organization", "person": "person", "meeting": "meeting",
            "paper": "paper", "agenda_item": "agendaItem", "consultation": "consultation",
            "original_file": "file", "legislative_term": "legislativeTermList",
            "location": "locationList"}
"""The list (``list_path``) each kind of object is listed in, in the order the lists are
planned."""


@dataclass(frozen=True, slots=True)
class Ref:
    """An object of the API (or a page of a list of them) before it is made: the name of the
    function that makes it (one of :data:`_OBJECTS`), the content path of the document it
    shows (None for the body's own objects and the list pages), and its own arguments: an
    agenda item's place in the agenda, a consultation's among its referat's reports, an
    organisation's slug, a person, a list page's name, number and entries."""

    name: str
    path: str | None = None
    own: Any = None


class Api:
    """The OParl files of one build, planned without making their objects: each file's path
    and :class:`Ref`, a cheap *shortcut* of what it reads (:meth:`shortcut`, hashed by
    *digest*), and its partial with the full arguments (:meth:`made`), whose hash is the
    file's render input (see :mod:`politiradet.store.deps`). A plan that takes a file over by
    its shortcut never builds its arguments."""

    def __init__(self, archive: Archive, address: SiteAddress,
                 digest: Callable[[Any], str]) -> None:
        self.archive = archive
        self.address = address
        self.graph = Graph(archive)
        self.digest = digest
        self._keys: dict[str, str] = {}
        self._record_keys: dict[str, str] = {}
        self._agendas: dict[str, tuple[Heading, ...]] = {}
        self.entry_files: dict[str, tuple[str, ...]] = {}
        """List page path -> the paths of the files of its entries, in its order (filled by
        :meth:`files` as it yields the list pages)."""

    def files(self) -> Iterator[tuple[str, Ref]]:
        """Every OParl file of the site: its output path and its object; the list pages last,
        each list made of the objects as they were yielded. An entry of a list page is the
        very object of a file of its own (:attr:`entry_files`)."""
        members: dict[str, list[tuple[str, Ref]]] = {name: [] for name in _LIST_OF.values()}
        for path, ref in self._objects():
            yield path, ref
            if ref.name in _LIST_OF:
                members[_LIST_OF[ref.name]].append((path, ref))
        for name, listed in members.items():
            pages = _page_count(len(listed))
            for page, chunk in enumerate(_pages(listed), start=1):
                path = list_path(name, page)
                self.entry_files[path] = tuple(p for p, _ in chunk)
                yield path, Ref("list_page", own=(name, page, pages, len(listed),
                                                  tuple(r for _, r in chunk)))

    def _objects(self) -> Iterator[tuple[str, Ref]]:
        archive = self.archive
        docs = sorted(archive.documents, key=lambda d: (d.date, d.path))  # oldest first, so
        meetings = [d for d in docs if d.kind == "referat"]  # a new document joins the
        papers = [d for d in docs if d.kind != "referat"]  # last page of a list
        yield SYSTEM, Ref("system")
        yield bodies_path(), Ref("body_list")
        yield body_path(), Ref("body")
        for slug, _name in ((COUNCIL, SITE_NAME), *PARTIES):
            yield organization_path(slug), Ref("organization", own=slug)
        for doc in meetings:
            yield meeting_path(doc), Ref("meeting", doc.path)
            for index, heading in enumerate(self.agenda(doc)):
                yield agenda_item_path(doc, heading.anchor), Ref("agenda_item", doc.path, index)
            if doc.fields.get("sted"):
                yield location_path(doc), Ref("location", doc.path)
            for index, update in enumerate(archive.reported.get(doc.path, ())):
                yield (consultation_path(update.point, doc),
                       Ref("consultation", doc.path, index))
        for doc in papers:
            yield paper_path(doc), Ref("paper", doc.path)
        for doc in docs:
            if _original(archive, doc) is not None:
                yield file_path(doc), Ref("original_file", doc.path)
        for doc in self.terms:
            yield legislative_term_path(doc), Ref("legislative_term", doc.path)
        for attendee in self.graph.attendees:
            yield person_path(attendee.name), Ref("person", own=attendee)

    @functools.cached_property
    def terms(self) -> tuple[Document, ...]:
        """The agreements with a period, oldest first: the body's legislative terms."""
        return tuple(sorted((d for d in self.archive.documents
                             if d.kind != "referat" and "gyldig_fra" in d.fields),
                            key=lambda d: (d.date, d.path)))

    def agenda(self, doc: Document) -> tuple[Heading, ...]:
        if doc.path not in self._agendas:
            self._agendas[doc.path] = _agenda(doc, self.archive.compiled[doc.path])
        return self._agendas[doc.path]

    # what a file is made from

    def made(self, ref: Ref) -> Made:
        """The file of *ref*, from the arguments of the partial alone (their hash is the
        file's render input)."""
        return functools.partial(_FILES[ref.name], self.address, *self.args(ref))

    def args(self, ref: Ref) -> tuple[Any, ...]:
        """The arguments of *ref*'s object after the address, built from the graph."""
        graph = self.graph
        if ref.name in ("meeting", "paper"):
            assert ref.path is not None
            return (graph.item(ref.path),)
        if ref.name in ("original_file", "location", "legislative_term"):
            assert ref.path is not None
            return (graph.record(ref.path),)
        if ref.name == "agenda_item":
            assert ref.path is not None
            item = graph.item(ref.path)
            return item, item.record.agenda[ref.own]
        if ref.name == "consultation":
            assert ref.path is not None
            return (graph.item(ref.path).reports[ref.own],)
        if ref.name == "person":
            return (ref.own,)
        if ref.name == "organization":
            return graph.head, ref.own
        if ref.name == "list_page":
            name, page, pages, total, chunk = ref.own
            return name, page, pages, total, tuple((r.name, self.args(r)) for r in chunk)
        if ref.name in ("body", "body_list"):
            return graph.head, tuple(graph.record(d.path) for d in self.terms)
        assert ref.name == "system", ref.name
        return (graph.head,)

    def shortcut(self, ref: Ref) -> str:
        """A cheap key of everything *ref*'s file reads, and so of everything its arguments
        (:meth:`args`) are made from. A document's object has its :meth:`document_key`: with
        the file's path, which names the object, it fixes the object's arguments; a list page
        has the hash of its entries' keys, never of their records."""
        if ref.path is not None:
            return self.document_key(ref.path)
        if ref.name == "list_page":
            name, page, pages, total, chunk = ref.own
            return self.digest((ref.name, self.shared_key, name, page, pages, total,
                                tuple(self._entry(r) for r in chunk)))
        if ref.name in ("body", "body_list"):
            return self.digest((ref.name, self.shared_key, self.graph.head,
                                tuple(self.document_key(d.path) for d in self.terms)))
        return self.digest((ref.name, self.shared_key, self.args(ref)))

    def _entry(self, ref: Ref) -> str:
        """An entry of a list page as its key shows it."""
        if ref.path is not None:
            return f"{ref.name}:{ref.own}:{self.document_key(ref.path)}"
        return self.shortcut(ref)

    @functools.cached_property
    def shared_key(self) -> str:
        """What every object reads besides its documents: the address and the archive's
        own time (an undated document's ``created``)."""
        return self.digest((self.address, self.graph.created))

    def document_key(self, path: str) -> str:
        """Hash of everything the objects of the document at content *path* read: what its
        record is made from (:meth:`record_key`), and its reports: a point's are given in
        referater (each referat's record key and status block), a referat gives its own
        (each point and status block)."""
        key = self._keys.get(path)
        if key is None:
            archive = self.archive
            if archive.by_path[path].kind == "oppfolgingspunkt":
                reports: tuple[Any, ...] = tuple(
                    (self.record_key(u.document.path), u.block)
                    for u in archive.history.get(path, ()))
            else:
                reports = tuple((u.point, u.block) for u in archive.reported.get(path, ()))
            key = self._keys[path] = self.digest((self.record_key(path), reports))
        return key

    def record_key(self, path: str) -> str:
        """Hash of what the record of the document at content *path* is made from
        (:func:`_record_inputs`), and of :attr:`shared_key`."""
        key = self._record_keys.get(path)
        if key is None:
            key = self._record_keys[path] = self.digest((
                self.shared_key, _record_inputs(self.archive, self.archive.by_path[path])))
        return key


def _record_inputs(archive: Archive, doc: Document) -> tuple[Any, ...]:
    """What :func:`_record` makes a document's record from: the document, the digest of its
    compiled body (its agenda, decisions and text), its last commit, the names of its topics,
    its published original, and a point's links to where it was adopted and published."""
    topics = archive.content.topics
    return (doc, archive.compiled[doc.path].digest, archive.content.changed.get(doc.path),
            tuple(topics[t].name for t in doc.topics if t in topics),
            feeds.original(archive, doc), tuple(_links(archive, doc)))


def _pages(entries: Sequence[_T]) -> Iterator[tuple[_T, ...]]:
    """The entries in pages of :data:`PAGE_SIZE`; an empty list is one empty page."""
    for start in range(0, max(len(entries), 1), PAGE_SIZE):
        yield tuple(entries[start:start + PAGE_SIZE])


def _page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


Entry = tuple[str, tuple[Any, ...]]
"""An object of a list page: the name of the function that makes it and its arguments after
the address (a name, not the function, so the page's render input can be hashed)."""


def _encode(value: Any) -> bytes:
    """Compact JSON: json's C encoder (its indenting one is many times slower on a list page
    of hundreds of kilobytes), and a third smaller."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# --- the objects ---------------------------------------------------------------------------------

def system(address: SiteAddress, head: tuple[str, str]) -> dict[str, Any]:
    return {
        "id": address.absolute(SYSTEM), "type": OPARL + "System", "oparlVersion": OPARL,
        "body": address.absolute(bodies_path()), "name": f"Arkiv for {SITE_NAME}",
        "website": address.absolute(), "web": address.absolute(),
        "created": head[0], "modified": head[1],
    }


def body_list(address: SiteAddress, head: tuple[str, str],
              terms: Sequence[Record]) -> dict[str, Any]:
    return _page(address, bodies_path, 1, 1, 1, [body(address, head, terms)])


def body(address: SiteAddress, head: tuple[str, str], terms: Sequence[Record]) -> dict[str, Any]:
    lists = {name: address.absolute(list_path(name)) for name in LISTS}
    return {
        "id": address.absolute(body_path()), "type": OPARL + "Body",
        "system": address.absolute(SYSTEM), "name": SITE_NAME, "shortName": "Politirådet",
        "website": address.absolute(), "classification": "Politiråd",
        "mainOrganization": address.absolute(organization_path(COUNCIL)), **lists,
        "legislativeTerm": [legislative_term(address, record) for record in terms],
        "web": address.absolute(), "created": head[0], "modified": head[1],
    }


def organization(address: SiteAddress, head: tuple[str, str], slug: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": address.absolute(organization_path(slug)), "type": OPARL + "Organization",
        "body": address.absolute(body_path()),
    }
    if slug == COUNCIL:
        data |= {"name": SITE_NAME, "shortName": "Politirådet", "organizationType": "Gremium",
                 "classification": "Politiråd",
                 "meeting": address.absolute(list_path("meeting")),
                 "consultation": address.absolute(list_path("consultation")),
                 "website": address.absolute(), "web": address.absolute()}
    else:
        data |= {"name": dict(PARTIES)[slug], "organizationType": "Institution",
                 "classification": "Part i politirådet"}
    return data | {"created": head[0], "modified": head[1]}


def meeting(address: SiteAddress, item: Item) -> dict[str, Any]:
    record = item.record
    doc = record.doc
    data: dict[str, Any] = {
        "id": address.absolute(meeting_path(doc)), "type": OPARL + "Meeting", "name": doc.title,
        "meetingState": MEETING_STATE, "start": record.created,
    }
    last = doc.fields.get("sluttdato")
    if last:
        data["end"] = _time(norsk.midnight(norsk.day(last)) + dt.timedelta(days=1, seconds=-1))
    if doc.fields.get("sted"):
        data["location"] = location(address, record)
    data["organization"] = [address.absolute(organization_path(COUNCIL))]
    present = dict.fromkeys(person_path(name) for name in doc.fields.get("til_stede", ()))
    if present:
        data["participant"] = [address.absolute(path) for path in present]
    if record.original is not None:
        data["resultsProtocol"] = original_file(address, record)
    if record.agenda:
        data["agendaItem"] = [agenda_item(address, item, h) for h in record.agenda]
    data |= _common(address, record) | {
        PREFIX + "motetype": doc.meeting_kind or "møte",
        PREFIX + "dato": doc.date.isoformat()}
    if last:
        data[PREFIX + "sluttdato"] = norsk.day(last).isoformat()
    if doc.fields.get("forfall"):
        data[PREFIX + "forfall"] = [str(name) for name in doc.fields["forfall"]]
    if doc.fields.get("referent"):
        data[PREFIX + "referent"] = str(doc.fields["referent"])
    if record.decisions:
        data[PREFIX + "vedtak"] = [{
            "nummer": decision.number, "tekst": decision.text,
            "web": address.absolute(doc.url) + f"#{decision.anchor}",
            **({"agendaItem": address.absolute(agenda_item_path(doc, anchor))} if anchor else {}),
        } for decision, anchor in record.decisions]
    return data


def person(address: SiteAddress, attendee: Attendee) -> dict[str, Any]:
    return {
        "id": address.absolute(person_path(attendee.name)), "type": OPARL + "Person",
        "body": address.absolute(body_path()), "name": attendee.name,
        "created": attendee.created, "modified": attendee.created,
    }


def agenda_item(address: SiteAddress, item: Item, heading: Heading) -> dict[str, Any]:
    record = item.record
    doc = record.doc
    found = _NUMBERED.fullmatch(heading.text)
    data: dict[str, Any] = {
        "id": address.absolute(agenda_item_path(doc, heading.anchor)),
        "type": OPARL + "AgendaItem", "meeting": address.absolute(meeting_path(doc)),
        **({"number": found[1]} if found else {}),
        "order": record.agenda.index(heading) + 1,
        "name": found[2] if found else heading.text, "public": True,
    }
    under = [r for r in item.reports if r.agenda == heading.anchor]
    if len(under) == 1:  # OParl links an agenda item to one consultation at most
        data["consultation"] = address.absolute(consultation_path(under[0].point, doc))
    decided = [d.text for d, anchor in record.decisions if anchor == heading.anchor]
    if decided:
        data["resolutionText"] = "\n\n".join(decided)
    return data | _common(address, record, f"#{heading.anchor}")


def consultation(address: SiteAddress, report: Report) -> dict[str, Any]:
    doc = report.meeting.doc
    data: dict[str, Any] = {
        "id": address.absolute(consultation_path(report.point, doc)),
        "type": OPARL + "Consultation", "paper": address.absolute(paper_path(report.point)),
        "meeting": address.absolute(meeting_path(doc)),
    }
    if report.agenda is not None:
        data["agendaItem"] = address.absolute(agenda_item_path(doc, report.agenda))
    data |= {"organization": [address.absolute(organization_path(COUNCIL))],
             "authoritative": False, "role": "Statusoppdatering"}
    return data | _common(address, report.meeting, f"#status-{report.point.slug}") | {
        PREFIX + "dato": doc.date.isoformat()}


def paper(address: SiteAddress, item: Item) -> dict[str, Any]:
    record, reports = item.record, item.reports
    doc = record.doc
    data: dict[str, Any] = {
        "id": address.absolute(paper_path(doc)), "type": OPARL + "Paper",
        "body": address.absolute(body_path()), "name": doc.title, "reference": doc.slug,
    }
    if doc.dated:
        data["date"] = doc.date.isoformat()
    if doc.kind == "oppfolgingspunkt":
        data["paperType"] = "Oppfølgingspunkt"
        data["originatorOrganization"] = [address.absolute(organization_path(COUNCIL))]
    else:
        data["paperType"] = str(doc.fields.get("avtaletype", "avtale")).capitalize()
        data["originatorOrganization"] = [address.absolute(organization_path(slug))
                                          for slug, _ in PARTIES]
    if record.original is not None:
        data["mainFile"] = original_file(address, record)
    if reports:
        data["consultation"] = [consultation(address, report) for report in reports]
    data |= _common(address, record)
    if doc.kind == "oppfolgingspunkt":
        data |= _point_extension(address, record, reports)
    else:
        data |= {PREFIX + "gyldig_fra": doc.fields["gyldig_fra"],
                 PREFIX + "gyldig_til": doc.fields["gyldig_til"]}
        if not doc.dated:
            data[PREFIX + "udatert"] = True
    return data


def _point_extension(address: SiteAddress, record: Record,
                     reports: Sequence[Report]) -> dict[str, Any]:
    fields = record.doc.fields
    data: dict[str, Any] = {
        PREFIX + "status": "avsluttet" if fields.get("avsluttet", False) else "følges opp",
        PREFIX + "seminar": fields["seminar"], PREFIX + "nummer": fields["nummer"]}
    for key in ("vedtatt", "ansvarlig", "frist"):
        if key in fields:
            value = fields[key]
            data[PREFIX + key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    data |= {PREFIX + key: address.absolute(path) for key, path in record.links}
    data[PREFIX + "tekst"] = record.body.text
    data[PREFIX + "statushistorikk"] = [{
        "dato": r.meeting.doc.date.isoformat(),
        "meeting": address.absolute(meeting_path(r.meeting.doc)),
        "consultation": address.absolute(consultation_path(r.point, r.meeting.doc)),
        "web": address.absolute(r.meeting.doc.url) + f"#status-{r.point.slug}",
        "tekst": r.block.text,
        **({"avslutter": True} if r.closes else {}),
    } for r in reports]
    return data


def original_file(address: SiteAddress, record: Record) -> dict[str, Any]:
    doc, original = record.doc, record.original
    assert original is not None, "only documents with an original have a File"
    url = address.absolute(original.url) if original.pdf else original.url
    data: dict[str, Any] = {
        "id": address.absolute(file_path(doc)), "type": OPARL + "File", "name": original.title,
    }
    if original.pdf is not None:
        data |= {"fileName": original.pdf.name.rsplit("/", 1)[-1], "mimeType": "application/pdf",
                 "size": original.pdf.size}
    elif original.format in _MIME_TYPES:
        data["mimeType"] = _MIME_TYPES[original.format]
    if doc.dated:
        data["date"] = doc.date.isoformat()
    data["accessUrl"] = url
    if original.pdf is not None:
        data["downloadUrl"] = url
    data["meeting" if doc.kind == "referat" else "paper"] = [
        address.absolute(meeting_path(doc) if doc.kind == "referat" else paper_path(doc))]
    data |= {"created": record.created, "modified": record.modified}
    if original.pdf is not None:
        data[PREFIX + "sha256"] = original.pdf.digest
    return data


_MIME_TYPES = {"PDF": "application/pdf", "nettside": "text/html",
               "Word": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def location(address: SiteAddress, record: Record) -> dict[str, Any]:
    doc = record.doc
    return {
        "id": address.absolute(location_path(doc)), "type": OPARL + "Location",
        "description": str(doc.fields["sted"]), "meetings": [address.absolute(meeting_path(doc))],
        "created": record.created, "modified": record.modified,
    }


def legislative_term(address: SiteAddress, record: Record) -> dict[str, Any]:
    doc = record.doc
    return {
        "id": address.absolute(legislative_term_path(doc)), "type": OPARL + "LegislativeTerm",
        "body": address.absolute(body_path()), "name": doc.title,
        PREFIX + "gyldig_fra": doc.fields["gyldig_fra"],
        PREFIX + "gyldig_til": doc.fields["gyldig_til"],
    } | _common(address, record)


def list_page(address: SiteAddress, name: str, page: int, pages: int, total: int,
              entries: Sequence[Entry]) -> dict[str, Any]:
    """One page of the body's list *name*: its objects in full, with the links between pages."""
    return _page(address, functools.partial(list_path, name), page, pages, total,
                 [_OBJECTS[name](address, *args) for name, args in entries])


def _page(address: SiteAddress, path: Callable[[int], str], page: int, pages: int, total: int,
          data: list[dict[str, Any]]) -> dict[str, Any]:
    links = {"first": address.absolute(path(1))}
    if page > 1:
        links["prev"] = address.absolute(path(page - 1))
    links["self"] = address.absolute(path(page))
    if page < pages:
        links["next"] = address.absolute(path(page + 1))
    links["last"] = address.absolute(path(pages))
    return {"data": data,
            "pagination": {"totalElements": total, "elementsPerPage": PAGE_SIZE,
                           "currentPage": page, "totalPages": pages},
            "links": links}


def _common(address: SiteAddress, record: Record, fragment: str = "") -> dict[str, Any]:
    """The page that shows the object (at *fragment*), its topics as keywords (for the
    document itself), and its times."""
    topics = list(record.keywords) if not fragment else []
    return {**({"keyword": topics} if topics else {}),
            "web": address.absolute(record.doc.url) + fragment,
            "created": record.created, "modified": record.modified}


def _as_file(make: Callable[..., dict[str, Any]]) -> Callable[..., bytes]:
    @functools.wraps(make)
    def file(*args: Any) -> bytes:
        return _encode(make(*args))
    return file


_OBJECTS: dict[str, Callable[..., dict[str, Any]]] = {
    make.__name__: make
    for make in (system, body_list, body, organization, meeting, agenda_item, consultation,
                 paper, original_file, location, legislative_term, person, list_page)}
_FILES = {name: _as_file(make) for name, make in _OBJECTS.items()}
