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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

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


@dataclass(frozen=True, slots=True)
class Graph:
    """Everything the OParl files are made from."""

    items: Mapping[str, Item]
    """Content path -> the published document's item."""
    attendees: tuple[Attendee, ...]
    """Everyone present at a meeting, once, in the order they first attended."""
    created: str
    modified: str


def graph(archive: Archive) -> Graph:
    """The records and reports of every published document."""
    records = {doc.path: _record(archive, doc) for doc in archive.documents}
    for path, updates in archive.history.items():  # a point changes with its reports
        if path in records:
            records[path] = _with_reports(records[path], [records[u.document.path]
                                                          for u in updates])

    def reports(updates: Iterable[StatusUpdate]) -> tuple[Report, ...]:
        return tuple(_report(u, records[u.document.path]) for u in updates)

    created = min((r.created for r in records.values() if r.doc.dated),
                  default=_time(norsk.midnight(FIRST_DAY)))
    for path, record in records.items():  # no day from a year: the archive's own time
        if not record.doc.dated:
            changed = archive.content.changed.get(path)
            records[path] = dataclasses.replace(record, created=created, modified=max(
                created, _time(norsk.in_oslo(changed)) if changed else created))
    return Graph({path: Item(record, reports(
                      archive.history.get(path, ()) if record.doc.kind == "oppfolgingspunkt"
                      else archive.reported.get(path, ())))
                  for path, record in records.items()},
                 _attendees(sorted(records.values(), key=lambda r: (r.doc.date, r.doc.path))),
                 created, max((r.modified for r in records.values()), default=created))


def _attendees(records: Iterable[Record]) -> tuple[Attendee, ...]:
    found: dict[str, Attendee] = {}
    for record in records:
        for name in record.doc.fields.get("til_stede", ()) if record.doc.kind == "referat" else ():
            found.setdefault(person_path(name), Attendee(str(name), record.created))
    return tuple(found.values())


def _record(archive: Archive, doc: Document) -> Record:
    created = _time(norsk.midnight(doc.date))
    changed = archive.content.changed.get(doc.path)
    modified = max(created, _time(norsk.in_oslo(changed))) if changed else created
    body = archive.compiled[doc.path]
    agenda: tuple[Heading, ...] = ()
    if doc.kind == "referat" and body.headings:
        top = min(h.level for h in body.headings)
        agenda = tuple(h for h in body.headings if h.level == top and h.anchor)
    decisions = tuple((d, _agenda_item_of(body.headings, agenda, d.headings_before))
                      for d in body.decisions)
    topics = archive.content.topics
    return Record(doc, tuple(topics[t].name for t in doc.topics if t in topics), created,
                  modified, _original(archive, doc), agenda, decisions, body,
                  tuple(_links(archive, doc)))


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


def _with_reports(record: Record, meetings: Sequence[Record]) -> Record:
    """A point's record, modified when a referat reporting on it last was."""
    latest = max((m.modified for m in meetings), default=record.modified)
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


def outputs(archive: Archive, address: SiteAddress) -> Iterator[tuple[str, Made]]:
    """Every OParl file of the site: its output path and how to make it, from the arguments
    of the partial alone (their hash is the file's render input)."""
    found = graph(archive)
    items = tuple(sorted(found.items.values(), key=_order))
    meetings = tuple(i for i in items if i.record.doc.kind == "referat")
    papers = tuple(i for i in items if i.record.doc.kind != "referat")
    records = tuple(i.record for i in items)
    terms = tuple(i.record for i in papers if "gyldig_fra" in i.record.doc.fields)
    head = (found.created, found.modified)
    yield SYSTEM, _file(system, address, head)
    yield bodies_path(), _file(body_list, address, head, terms)
    yield body_path(), _file(body, address, head, terms)
    for slug, _name in ((COUNCIL, SITE_NAME), *PARTIES):
        yield organization_path(slug), _file(organization, address, head, slug)
    for item in meetings:
        doc = item.record.doc
        yield meeting_path(doc), _file(meeting, address, item)
        for heading in item.record.agenda:
            yield agenda_item_path(doc, heading.anchor), _file(agenda_item, address, item, heading)
        if doc.fields.get("sted"):
            yield location_path(doc), _file(location, address, item.record)
        for report in item.reports:
            yield consultation_path(report.point, doc), _file(consultation, address, report)
    for item in papers:
        yield paper_path(item.record.doc), _file(paper, address, item)
    for record in records:
        if record.original is not None:
            yield file_path(record.doc), _file(original_file, address, record)
    for record in terms:
        yield legislative_term_path(record.doc), _file(legislative_term, address, record)
    for attendee in found.attendees:
        yield person_path(attendee.name), _file(person, address, attendee)
    yield from _lists(address, meetings, papers, terms, records, found.attendees, head)


def _order(item: Item) -> tuple[dt.date, str]:
    """Lists are sorted oldest first, so a new document joins the last page."""
    return item.record.doc.date, item.record.doc.path


def _lists(address: SiteAddress, meetings: Sequence[Item], papers: Sequence[Item],
           terms: Sequence[Record], records: Sequence[Record], attendees: Sequence[Attendee],
           head: tuple[str, str]) -> Iterator[tuple[str, Made]]:
    members: dict[str, Sequence[Entry]] = {
        "organization": [("organization", (head, slug)) for slug, _ in ((COUNCIL, ""), *PARTIES)],
        "person": [("person", (a,)) for a in attendees],
        "meeting": [("meeting", (i,)) for i in meetings],
        "paper": [("paper", (i,)) for i in papers],
        "agendaItem": [("agenda_item", (i, h)) for i in meetings for h in i.record.agenda],
        "consultation": [("consultation", (report,)) for i in meetings for report in i.reports],
        "file": [("original_file", (r,)) for r in records if r.original is not None],
        "legislativeTermList": [("legislative_term", (r,)) for r in terms],
        "locationList": [("location", (i.record,)) for i in meetings
                         if i.record.doc.fields.get("sted")],
    }
    for name, entries in members.items():
        for page, chunk in enumerate(_pages(entries), start=1):
            yield list_path(name, page), _file(
                list_page, address, name, page, _page_count(len(entries)), len(entries), chunk)


Entry = tuple[str, tuple[Any, ...]]
"""An object of a list: the name of the function that makes it and its arguments after the
address (a name, not the function, so the list's render input can be hashed)."""


def _pages(entries: Sequence[Entry]) -> Iterator[tuple[Entry, ...]]:
    """The entries in pages of :data:`PAGE_SIZE`; an empty list is one empty page."""
    for start in range(0, max(len(entries), 1), PAGE_SIZE):
        yield tuple(entries[start:start + PAGE_SIZE])


def _page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def _file(make: Callable[..., dict[str, Any]], *args: Any) -> Made:
    """The JSON file of the object *make* returns for *args*."""
    return functools.partial(_FILES[make.__name__], *args)


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
