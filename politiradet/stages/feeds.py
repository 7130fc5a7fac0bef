"""Outputs for machines and subscribers: Atom feeds, iCalendar, open data, sitemap, robots.txt.

Everything is derived from the archive alone, so two builds of the same content give the same
bytes: timestamps come from document dates, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ..common import norsk
from ..common.address import SiteAddress
from ..model.archive import Archive, StatusUpdate
from ..model.content import SITE_NAME, Area, Compiled, Document, SourcePdf, Topic
from ..model.meetings import Meeting, schedule
from ..store.parts import Parts

if TYPE_CHECKING:  # imported where a feed or the calendar is made: most edits make neither
    import icalendar
    from feedgen.feed import FeedGenerator

FEED_LIMIT = 50
"""Entries in the main feed and in each topic and area feed: the newest documents, as feeds
conventionally carry (a reader shows new entries and keeps the ones it has seen). The council
publishes a few dozen documents a year, so a subscriber who looks in even once a year misses
nothing, and a feed stays a few hundred kB instead of growing with the archive (at 10 000
documents the main feed would be ~10 MB and be made again whenever one of them changed)."""


def outputs(archive: Archive, address: SiteAddress, html_paths: Iterable[str],
            parts: Parts | None = None, shortcuts: Mapping[str, str] | None = None,
            verify: bool = False) -> Iterator[tuple[str, functools.partial[bytes]]]:
    """Every machine-readable file of the site: its output path and how to make it.

    Each file is made from the arguments of its partial alone, so their hash is its render
    input (see :mod:`politiradet.store.deps`). An :class:`Archive`'s hash leaves the compiled bodies
    out, so what a file needs of them is handed over on its own (entries, bodies: hashed by
    their digests, their text read only when the file is made). The open data's lines are
    kept in *parts* (:func:`open_data`), found by the documents' *shortcuts* where they are
    given (content path -> shortcut key of the document's page; *verify*: worked out too).
    """
    by_path = entries(archive)
    quiet_since = archive_updated(by_path.values())
    yield "feed.xml", functools.partial(
        atom, newest(by_path[d.path] for d in archive.documents), address, "feed.xml", "",
        f"{SITE_NAME} – alle dokumenter", quiet_since)
    for folder, registry in (("temaer", archive.content.topics),
                             ("omrader", archive.content.areas)):
        for slug, entry in registry.items():
            tagged = newest(by_path[d.path]
                            for d in archive.about_or_mentioning(folder, slug))
            yield f"{folder}/{slug}/feed.xml", functools.partial(
                atom, tagged, address, f"{folder}/{slug}/feed.xml", f"{folder}/{slug}/",
                f"{SITE_NAME} – {entry.name}", quiet_since)
    for point in (d for d in archive.documents if d.kind == "oppfolgingspunkt"):
        updates = tuple((u, by_path[u.document.path].updated or _timestamp(u.document.date))
                        for u in archive.history.get(point.path, ()))
        yield f"{point.url}feed.xml", functools.partial(point_feed, by_path[point.path],
                                                         updates, address)
    others = tuple((slug, council.name) for slug, council in archive.content.councils.items()
                   if slug != archive.content.own_council)
    yield "kalender.ics", functools.partial(calendar, tuple(schedule(archive.documents)), address,
                                            others if len(archive.content.councils) > 1 else ())
    bodies = {doc.path: archive.compiled[doc.path] for doc in archive.documents}
    yield OPEN_DATA, functools.partial(OpenData(parts or Parts(None), shortcuts or {},
                                                verify).make, archive, bodies, address)
    yield REGISTRIES, functools.partial(registries, archive.content.topics,
                                        archive.content.areas, address)
    yield MOVED_OPEN_DATA, functools.partial(moved_open_data, address)
    yield "sitemap.xml", functools.partial(sitemap, tuple(html_paths), address, _lastmod(archive))
    yield "robots.txt", functools.partial(robots, address)


# --- Atom --------------------------------------------------------------------------------------

def _stable_id(site_path: str) -> str:
    """An Atom id that survives a move of the site: derived from the site-relative path."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"politiradet-oslo:{site_path}").urn


def _timestamp(day: dt.date) -> dt.datetime:
    """Document dates are days; they are published as midnight in Oslo (summer time too)."""
    return norsk.midnight(day)


@dataclass(frozen=True, slots=True)
class Entry:
    """A document as its entry in a feed shows it: the entry is made from this alone."""

    doc: Document
    summary: str
    """The start of the body's plain text, cut at a word."""
    updated: dt.datetime | None
    """When the entry last changed (:func:`entry_updated`); None keeps it out of the feeds."""
    topics: tuple[Topic, ...]
    """The document's topics, the entry's categories."""


def entries(archive: Archive) -> dict[str, Entry]:
    """The feed entry of every published document, by content path."""
    topics = archive.content.topics
    return {doc.path: Entry(doc, archive.compiled[doc.path].summary,
                            entry_updated(archive, doc), tuple(topics[t] for t in doc.topics))
            for doc in archive.documents}


def archive_updated(listed: Iterable[Entry]) -> dt.datetime:
    """The newest entry time of the archive; for an archive with none, the build day."""
    stamps = [entry.updated for entry in listed if entry.updated]
    return max(stamps) if stamps else norsk.midnight(norsk.build_date())


def newest(listed: Iterable[Entry]) -> tuple[Entry, ...]:
    """The first :data:`FEED_LIMIT` entries that have a time, of entries listed newest first
    (as the archive lists its documents): what a feed of many documents carries."""
    return tuple(itertools.islice((entry for entry in listed if entry.updated), FEED_LIMIT))


def atom(entries: Sequence[Entry], address: SiteAddress, self_path: str, page_path: str,
         title: str, quiet_since: dt.datetime) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of *entries*, newest first; those without a time are left
    out. A feed with no entries is *quiet_since* the archive's newest entry (Atom requires a
    time), not since an invented date."""
    from feedgen.feed import FeedGenerator
    feed = FeedGenerator()
    feed.id(_stable_id(self_path))
    feed.title(title)
    feed.author({"name": SITE_NAME})
    feed.link(href=address.absolute(self_path), rel="self", type="application/atom+xml")
    feed.link(href=address.absolute(page_path), rel="alternate", type="text/html")
    feed.language("nb")
    feed.icon(address.absolute("assets/punkt/favicon.svg"))
    feed.subtitle("Referater, avtaler og oppfølgingspunkter fra Politirådet i Oslo.")
    stamps = [entry.updated for entry in entries if entry.updated]
    feed.updated(max(stamps, default=quiet_since))
    feed.generator("politiradet-arkiv")
    for entry in reversed(entries):  # feedgen puts the last added entry first
        if entry.updated:
            _add_entry(feed, entry, address, entry.updated)
    return bytes(feed.atom_str(pretty=True))


def entry_updated(archive: Archive, doc: Document) -> dt.datetime | None:
    """When the entry last changed: the document's own date, or the last commit that truly
    changed it after it was put in (:mod:`politiradet.stages.githistory`) when that is later;
    None if neither is known.

    An undated document outside git has no true time at all, so it stays out of the feeds
    rather than getting an invented one.
    """
    changed = archive.content.changed.get(doc.path)
    own = _timestamp(doc.date) if doc.dated else None
    if changed is None:
        return own
    return max(norsk.in_oslo(changed), own) if own is not None else norsk.in_oslo(changed)


def _add_entry(feed: FeedGenerator, item: Entry, address: SiteAddress,
               updated: dt.datetime) -> None:
    doc = item.doc
    entry = feed.add_entry()
    entry.id(_stable_id(doc.url))
    entry.title(doc.title)
    entry.link(href=address.absolute(doc.url), rel="alternate", type="text/html")
    if doc.dated:
        entry.published(_timestamp(doc.date))
    entry.updated(updated)
    entry.summary(item.summary or doc.title)
    for topic in item.topics:
        entry.category(term=topic.slug, label=topic.name, scheme=address.absolute("temaer/"))


def point_feed(point: Entry, updates: Sequence[tuple[StatusUpdate, dt.datetime]],
               address: SiteAddress) -> bytes:
    """A follow-up point's own feed: the point, then each status update (with the time its
    referat last changed) as it is reported."""
    doc = point.doc
    self_path = f"{doc.url}feed.xml"
    from feedgen.feed import FeedGenerator
    feed = FeedGenerator()
    feed.id(_stable_id(self_path))
    feed.title(f"{SITE_NAME} – oppfølgingspunkt {doc.slug}: {doc.title}")
    feed.author({"name": SITE_NAME})
    feed.link(href=address.absolute(self_path), rel="self", type="application/atom+xml")
    feed.link(href=address.absolute(doc.url), rel="alternate", type="text/html")
    feed.language("nb")
    feed.icon(address.absolute("assets/punkt/favicon.svg"))
    feed.subtitle(f"Statusoppdateringer for oppfølgingspunkt {doc.slug}.")
    feed.generator("politiradet-arkiv")
    first = point.updated or _timestamp(doc.date)
    _add_entry(feed, point, address, first)
    for update, stamp in updates:
        _add_status_entry(feed, update, address, stamp)
    feed.updated(max([first, *(stamp for _update, stamp in updates)]))
    return bytes(feed.atom_str(pretty=True))


def _add_status_entry(feed: FeedGenerator, update: StatusUpdate, address: SiteAddress,
                      stamp: dt.datetime) -> None:
    doc = update.document
    entry = feed.add_entry()  # added after the point, so feedgen lists it first
    entry.id(_stable_id(f"{update.point.url}status/{doc.slug}"))
    entry.title(f"Status {norsk.date(doc.date)}: {update.point.title}")
    entry.link(href=address.absolute(doc.url) + f"#{update.block.anchor}", rel="alternate",
               type="text/html")
    entry.published(_timestamp(doc.date))
    entry.updated(stamp)
    entry.summary(update.block.text or doc.title)


# --- iCalendar -------------------------------------------------------------------------------

def calendar(meetings: Sequence[Meeting], address: SiteAddress,
             others: Sequence[tuple[str, str]] = ()) -> bytes:
    """The council's meetings and seminars (:func:`meetings.schedule`, the same the pages
    list) as iCalendar (RFC 5545), all-day events. Made from the meetings alone, so an edit
    to an agreement or a follow-up point leaves the calendar as it is. *others* are the slugs
    and names of the archive's other councils (empty with one): their meetings are named by
    their council, and a planned one's UID has its slug, since two councils may plan a
    meeting of one day and a UID names one event (the own council's UIDs are as before)."""
    import icalendar
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Oslo kommune//Arkiv for Politirådet i Oslo//NB")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{SITE_NAME} – møter og seminarer")
    cal.add("x-wr-timezone", "Europe/Oslo")
    for event in _events(meetings, address, dict(others)):
        cal.add_component(event)
    return bytes(cal.to_ical())


def _events(meetings: Sequence[Meeting], address: SiteAddress,
            others: Mapping[str, str]) -> Iterator[icalendar.Event]:
    for meeting in meetings:
        doc = meeting.source
        council = others.get(doc.council, SITE_NAME)
        if meeting.held:
            yield _event(f"referat-{doc.slug}", meeting, address, f"Referat: {doc.title}",
                         council, location=doc.fields.get("sted"))
        else:
            owner = f"{doc.council}-" if doc.council in others else ""
            yield _event(f"planlagt-{owner}{meeting.start.isoformat()}-{meeting.kind}", meeting,
                         address, f"Fastsatt i {doc.title}.", council)


def _event(uid: str, meeting: Meeting, address: SiteAddress, description: str, council: str,
           location: str | None = None) -> icalendar.Event:
    import icalendar
    event = icalendar.Event()
    host = address.origin.split("://", 1)[-1]
    event.add("uid", f"{uid}@{host}{address.path.rstrip('/')}")
    event.add("dtstamp", dt.datetime.combine(meeting.source.date, dt.time(), dt.UTC))
    event.add("dtstart", meeting.start)
    event.add("dtend", (meeting.end or meeting.start) + dt.timedelta(days=1))
    event.add("summary", f"{meeting.kind.capitalize()} i {council}")
    event.add("description", description)
    event.add("url", address.absolute(meeting.source.url))
    event.add("transp", "TRANSPARENT")
    if location:
        event.add("location", location)
    return event


# --- open data -------------------------------------------------------------------------------

OPEN_DATA = "data/dokumenter.jsonl"
"""Every published document, one JSON object a line (JSON Lines, ``application/jsonl``)."""
REGISTRIES = "data/registre.json"
"""What the open data is, its licence, and the topics and areas the documents refer to."""
MOVED_OPEN_DATA = "data/dokumenter.json"
"""Where the open data was until it became JSON Lines: now a note saying where it went."""


def open_data(archive: Archive, bodies: Mapping[str, Compiled], address: SiteAddress,
              parts: Parts | None = None, shortcuts: Mapping[str, str] | None = None,
              verify: bool = False) -> bytes:
    """Every published document and follow-up point with metadata and the plain text of its
    compiled body (*bodies*, by content path) as JSON Lines: one whole JSON object a line,
    newest first, so a reader can take the file line by line (json's C encoder, many times
    faster than its indenting one at 10 000 documents).

    Each line is a part of its own in *parts* (:mod:`politiradet.store.parts`), under the key of
    its inputs (:func:`_line_key`): only a line whose key is new is made, reading its body
    once; a point's status updates come from the referater's status blocks alone
    (``PayloadSource.statuses``). The key is worked out from the line's head (all of it but
    its texts), unless it is kept under the document's shortcut key (*shortcuts*: content
    path -> the shortcut key of its page, which covers all the line shows); with *verify* it
    is worked out anyway and must be the one kept."""
    return b"".join(open_data_pieces(archive, bodies, address, parts, shortcuts, verify))


def open_data_pieces(archive: Archive, bodies: Mapping[str, Compiled], address: SiteAddress,
                     parts: Parts | None = None, shortcuts: Mapping[str, str] | None = None,
                     verify: bool = False) -> Iterator[bytes]:
    """:func:`open_data` in pieces of :data:`LINES_AT_ONCE` lines: at 100 000 documents the
    file is over a gigabyte, never held whole."""
    parts = parts or Parts(None)
    shortcuts = shortcuts or {}
    documents = archive.documents
    heads: dict[str, dict[str, Any]] = {}
    """A line's head (all but its texts), where its key was worked out from it."""

    def key_of(doc: Document) -> str:
        head = heads[doc.path] = _document_record(archive, doc, address)
        return _line_key(archive, doc, bodies[doc.path], head)
    for start in range(0, len(documents), LINES_AT_ONCE):
        chunk = documents[start:start + LINES_AT_ONCE]
        derived = parts.derived(LINE_KEY, {doc.path: shortcuts[doc.path] for doc in chunk
                                           if doc.path in shortcuts}, verify)
        heads.clear()
        keys = {doc.path: derived.value(doc.path, functools.partial(key_of, doc))
                for doc in chunk}
        stored = parts.get_many(set(keys.values()))
        made = []
        lines = []
        for doc in chunk:
            key = keys[doc.path]
            line = stored.get(key)
            if line is None:
                head = heads.get(doc.path) or _document_record(archive, doc, address)
                line = _line(archive, head, doc, bodies[doc.path])
                made.append((key, line))
            lines.append(line)
        parts.put_many(made)
        derived.keep()
        yield b"".join(lines)


LINES_AT_ONCE = 500
"""Lines of the open data looked up in the store at once."""
LINE_KEY = "linje"
"""The kind of derived value (:meth:`Parts.derived`) a line's key is kept as."""


@dataclass(frozen=True, slots=True)
class OpenData:
    """The open data made with the lines stored in *parts*, found by the documents'
    *shortcuts* (what ``outputs`` plans: the store is where the lines are kept, and the
    shortcuts how to find them, not inputs of the file)."""

    parts: Parts
    shortcuts: Mapping[str, str] = field(default_factory=dict)
    verify: bool = False

    def make(self, archive: Archive, bodies: Mapping[str, Compiled],
             address: SiteAddress) -> bytes:
        return open_data(archive, bodies, address, self.parts, self.shortcuts, self.verify)

    def pieces(self, archive: Archive, bodies: Mapping[str, Compiled],
               address: SiteAddress) -> Iterator[bytes]:
        return open_data_pieces(archive, bodies, address, self.parts, self.shortcuts,
                                self.verify)


def in_pieces(make: functools.partial[bytes]) -> Callable[[], Iterator[bytes]] | None:
    """How to make the file *make* makes in pieces, for a file too large to hold whole (the
    open data); None for the others."""
    owner = getattr(make.func, "__self__", None)
    if not isinstance(owner, OpenData):
        return None
    return functools.partial(owner.pieces, *make.args)


def _line_key(archive: Archive, doc: Document, body: Compiled, head: dict[str, Any]) -> str:
    """What a document's line is made from: its record without the texts (*head*, all the
    rest of the line), the compiled body's digest (its text) and, for a point, the digest of
    each status block its updates quote."""
    blocks = [u.block.digest for u in archive.history.get(doc.path, ())] \
        if doc.kind == "oppfolgingspunkt" else []
    data = json.dumps([head, body.digest, blocks], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def _line(archive: Archive, head: dict[str, Any], doc: Document, body: Compiled) -> bytes:
    """A document's line: *head* with the texts, read from the store now."""
    record = dict(head)
    if doc.kind == "oppfolgingspunkt":
        record["statusoppdateringer"] = [
            {**update, "tekst": u.block.text}
            for update, u in zip(head["statusoppdateringer"], archive.history.get(doc.path, ()),
                                 strict=True)]
    record["tekst"] = body.text
    return json.dumps(record, ensure_ascii=False, default=str).encode() + b"\n"


def registries(topics: Mapping[str, Topic], areas: Mapping[str, Area],
               address: SiteAddress) -> bytes:
    """The description of the open data and the registries its documents refer to (JSON):
    made from the registries alone, so an edited document leaves it as it is."""
    data = {
        "beskrivelse": f"Åpne data fra arkivet til {SITE_NAME}: alle publiserte referater, "
                       "avtaler og oppfølgingspunkter, ett dokument per linje i "
                       f"{address.absolute(OPEN_DATA)} (JSON Lines).",
        "nettsted": address.absolute(),
        "dokumenter": address.absolute(OPEN_DATA),
        "lisens": "Offentlige dokumenter fra Oslo kommune og Oslo politidistrikt.",
        "temaer": [{"slug": t.slug, "navn": t.name, "beskrivelse": t.description,
                    "url": address.absolute(f"temaer/{t.slug}/")}
                   for t in topics.values()],
        "omrader": [{"slug": a.slug, "navn": a.name, "nivå": a.level,
                     "foreldre": list(a.parents), "url": address.absolute(f"omrader/{a.slug}/")}
                    for a in areas.values()],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


def moved_open_data(address: SiteAddress) -> bytes:
    """The old address of the open data, kept so a link to it explains where the data went
    instead of failing: a small JSON object without the documents."""
    data = {"flyttet": True,
            "beskrivelse": "Åpne data er flyttet: dokumentene ligger nå i "
                           f"{address.absolute(OPEN_DATA)} (JSON Lines, ett dokument per "
                           f"linje), temaene og områdene i {address.absolute(REGISTRIES)}.",
            "dokumenter": address.absolute(OPEN_DATA),
            "registre": address.absolute(REGISTRIES)}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()


FIELDS = ("motetype", "sluttdato", "sted", "avtaletype", "gyldig_fra", "gyldig_til",
          "signatarer", "seminar", "nummer", "vedtatt", "ansvarlig", "frist", "kilde",
          "planlagte_moter", "til_stede", "forfall", "referent")


def _document_record(archive: Archive, doc: Document, address: SiteAddress
                     ) -> dict[str, Any]:
    """A document's line of the open data without its texts: those of its body and of a
    point's status updates are put in by :func:`_line`."""
    record: dict[str, Any] = {
        "id": doc.slug, "type": doc.kind, "tittel": doc.title,
        "dato": doc.date.isoformat() if doc.dated else None, "udatert": not doc.dated,
        "sist_endret": _changed(archive, doc), "url": address.absolute(doc.url),
        "temaer": [{"slug": t, "navn": archive.content.topics[t].name} for t in doc.topics],
        "omrader": [{"slug": a, "navn": archive.content.areas[a].name} for a in doc.areas],
    }
    council = archive.content.council_name(doc)
    if council is not None:  # a referat of an archive of several councils
        record["politirad"] = {"slug": doc.council, "navn": council}
    record.update({key: _jsonable(doc.fields[key]) for key in FIELDS if key in doc.fields})
    found = original(archive, doc)
    if found is not None:
        record["originaldokument"] = address.absolute(found[1])
    if doc.kind == "oppfolgingspunkt":
        record["avsluttet"] = bool(doc.fields.get("avsluttet", False))
        record["statusoppdateringer"] = [_status_record(u, address)
                                         for u in archive.history.get(doc.path, ())]
    else:
        record["statusoppdateringer"] = [
            {"oppfolgingspunkt": u.point.slug, "url": address.absolute(u.point.url)}
            for u in archive.reported.get(doc.path, ())]
    decisions = archive.compiled[doc.path].decisions
    if decisions:
        record["vedtak"] = [{"nummer": d.number, "tekst": d.text,
                             "url": address.absolute(doc.url) + "#" + d.anchor}
                            for d in decisions]
    return record



def original(archive: Archive, doc: Document) -> tuple[SourcePdf, str] | None:
    """The original PDF of *doc* (``kilde.fil``) and its site path beside the page, if any:
    for the page's link, the published file, open data and OParl alike."""
    name = doc.fields.get("kilde", {}).get("fil")
    pdf = archive.content.source_files.get(name) if name else None
    return (pdf, doc.url + pdf.name.rsplit("/", 1)[-1]) if pdf else None


def _changed(archive: Archive, doc: Document) -> str | None:
    changed = archive.content.changed.get(doc.path)
    return norsk.in_oslo(changed).isoformat() if changed else None


def _status_record(update: StatusUpdate, address: SiteAddress) -> dict[str, Any]:
    return {"dato": update.document.date.isoformat(), "dokument": update.document.slug,
            "url": address.absolute(update.document.url) + f"#{update.block.anchor}"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- sitemap and robots ------------------------------------------------------------------------

def _lastmod(archive: Archive) -> dict[str, str]:
    """Page path -> W3C date of the last true change of its content file (only what git
    knows)."""
    return {doc.url + "index.html": norsk.in_oslo(archive.content.changed[doc.path]).date()
            .isoformat() for doc in archive.documents if doc.path in archive.content.changed}


def sitemap(html_paths: Iterable[str], address: SiteAddress,
            lastmod: Mapping[str, str] | None = None) -> bytes:
    """sitemaps.org XML of every page except the 404 page; ``lastmod`` only where known."""
    lastmod = lastmod or {}
    pages = sorted((address.absolute(path.removesuffix("index.html")), lastmod.get(path))
                   for path in html_paths if path != "404.html")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(url)}</loc>"
              + (f"<lastmod>{day}</lastmod>" if day else "") + "</url>" for url, day in pages]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(address: SiteAddress) -> bytes:
    """Allow everything and point to the sitemap."""
    note = ("" if address.path == "/" else
            f"# Nettstedet ligger under {address.path}; robots.txt virker bare i roten av "
            "verten, så kopier linjene dit.\n")
    return (f"{note}User-agent: *\nAllow: /\n\n"
            f"Sitemap: {address.absolute('sitemap.xml')}\n").encode()
