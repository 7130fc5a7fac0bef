"""The archive as the pages see it: meetings and points in order, a document's neighbours,
related documents, status histories, JSON-LD and the other values the templates are handed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from markupsafe import Markup

from ..common import norsk
from ..common.address import SiteAddress
from ..model.archive import Archive, StatusUpdate, points_in_order
from ..model.content import (
    KIND_LABEL,
    SITE_NAME,
    Abbreviation,
    Area,
    Document,
    Heading,
    at_base,
)
from ..model.meetings import Meeting, schedule, upcoming
from ..stages import feeds
from .environment import json_for_script
from .related import RelatedIndex

TOC_MIN_HEADINGS = 3
RELATED_LIMIT = 5
Crumbs = list[tuple[str, str]]
"""Breadcrumb trail above the current page: (label, site-relative path)."""


def document_label(doc: Document) -> str:
    """«Referat fra møte», «Seminaroppsummering», «Politirådsavtale», «Oppfølgingspunkt» …"""
    if doc.meeting_kind == "møte":
        return "Referat fra møte"
    if doc.kind == "referat":
        return doc.kind_label
    if doc.kind == "avtale":
        return str(doc.fields.get("avtaletype", "avtale")).capitalize()
    return KIND_LABEL[doc.kind]


def tally(documents: Sequence[Document]) -> str:
    """«2 dokumenter og 1 oppfølgingspunkt», «1 dokument», «Ingen dokumenter ennå»: documents
    and follow-up points counted apart, each with its own plural."""
    points = sum(1 for d in documents if d.kind == "oppfolgingspunkt")
    return norsk.count_parts([(len(documents) - points, "dokument", "dokumenter"),
                              (points, "oppfølgingspunkt", "oppfølgingspunkter")],
                             "Ingen dokumenter ennå")


@dataclass(frozen=True, slots=True)
class PointMention:
    """A follow-up point as a referat touches it: first published there, given a status, or both."""

    point: Document
    first_published: bool
    status: StatusUpdate | None



class Views:
    """What the page builders and templates ask of the archive, each answer computed once."""

    def __init__(self, archive: Archive, address: SiteAddress, today: dt.date) -> None:
        self.archive = archive
        self.address = address
        self.base_url = address.path
        self.today = today
        """The build's day in Oslo («kommende møter» are those from this day on)."""

    def url(self, path: str = "") -> str:
        """Site URL of a site-relative path, honouring the base URL."""
        return self.address.url(path)

    @cached_property
    def meetings(self) -> list[Document]:
        """Published referater, council by council, oldest first."""
        return sorted((d for d in self.archive.documents if d.kind == "referat"),
                      key=lambda d: (d.council, d.date, d.path))

    @cached_property
    def points(self) -> list[Document]:
        """Published follow-up points, newest seminar first, then by number."""
        return points_in_order(self.archive.documents)

    def points_in(self, doc: Document) -> list[PointMention]:
        """Each follow-up point *doc* publishes or reports on, once, in :attr:`points` order."""
        reported = {u.point.path: u for u in self.archive.reported.get(doc.path, ())}
        published = {p.path: p for p in self.archive.published_here.get(doc.path, ())}
        points = {**published, **{path: u.point for path, u in reported.items()}}
        return [PointMention(p, p.path in published, reported.get(p.path))
                for p in sorted((p for p in points.values() if p.path in self.point_order),
                                key=lambda p: self.point_order[p.path])]

    @cached_property
    def point_order(self) -> dict[str, int]:
        """Content path -> place of each published follow-up point in :attr:`points`."""
        return {point.path: index for index, point in enumerate(self.points)}

    @cached_property
    def upcoming(self) -> list[Meeting]:
        """Meetings and seminars from the build date on, soonest first."""
        return upcoming(schedule(self.archive.documents), self.today)

    def original_link(self, doc: Document) -> tuple[str, str] | None:
        """(URL, «PDF, 312 kB») of the original PDF published beside *doc*'s page."""
        found = feeds.original(self.archive, doc)
        if found is None:
            return None
        return self.url(found[1]), f"PDF, {norsk.file_size(found[0].size)}"

    def status_of(self, point: Document) -> str:
        return "Avsluttet" if point.fields.get("avsluttet", False) else "Følges opp"

    def body_html(self, doc: Document) -> str:
        return self.archive.compiled[doc.path].html_at(self.base_url)

    def toc(self, doc: Document) -> tuple[Heading, ...]:
        headings = tuple(h for h in self.archive.compiled[doc.path].headings if h.level <= 3)
        return headings if len(headings) >= TOC_MIN_HEADINGS else ()

    @cached_property
    def related_index(self) -> RelatedIndex:
        return RelatedIndex(d for d in self.archive.documents if d.kind != "oppfolgingspunkt")

    def related(self, doc: Document) -> list[Document]:
        """Other published documents sharing topics or areas, most shared, then newest first."""
        return self.related_index.top(doc, RELATED_LIMIT)

    @cached_property
    def meeting_index(self) -> dict[str, int]:
        return {meeting.path: index for index, meeting in enumerate(self.meetings)}

    def neighbours(self, doc: Document) -> tuple[Document | None, Document | None]:
        """Previous and next referat by date, of the same council."""
        index = self.meeting_index.get(doc.path)
        if index is None:
            return None, None
        meetings = self.meetings
        before = meetings[index - 1] if index > 0 else None
        after = meetings[index + 1] if index + 1 < len(meetings) else None
        return (before if before is not None and before.council == doc.council else None,
                after if after is not None and after.council == doc.council else None)

    def abbreviations_in(self, doc: Document) -> list[Abbreviation]:
        """Registered abbreviations used in the document, for its glossary."""
        used = self.archive.compiled[doc.path].abbreviations
        return [a for a in self.archive.content.abbreviations if a.short in used]

    def attachments(self, doc: Document) -> list[tuple[str, str | None]]:
        """(title, URL) of each attachment; the URL is None when it has no link."""
        return [(item["tittel"], self._front_matter_link(doc, item["lenke"]) if "lenke" in item
                 else None) for item in doc.fields.get("vedlegg", ())]

    def _front_matter_link(self, doc: Document, href: str) -> str:
        url = self.archive.href_url(doc, href)
        return self.url(url) if url is not None else href

    def history(self, point: Document) -> list[tuple[StatusUpdate, str]]:
        """The point's status updates, oldest first, each with its HTML."""
        return [(update, at_base(update.block.html, self.base_url))
                for update in self.archive.history.get(point.path, ())]

    def area_trail(self, area: Area) -> list[Area]:
        """The areas above *area*, outermost first (following the first parent)."""
        trail: list[Area] = []
        while area.parents and area.parents[0] in self.archive.content.areas:
            area = self.archive.content.areas[area.parents[0]]
            if area in trail:
                break
            trail.insert(0, area)
        return trail

    def introduction(self) -> tuple[str, Document] | None:
        """The first paragraph of the newest politirådsavtale: what Politirådet is."""
        agreements = [d for d in self.archive.documents
                      if d.kind == "avtale" and d.fields.get("avtaletype") == "politirådsavtale"]
        if not agreements:
            return None
        doc = agreements[0]
        lead = self.archive.compiled[doc.path].lead
        return (re.sub(r"\[\^?\d+\]", "", lead), doc) if lead else None

    def json_ld(self, doc: Document) -> Markup:
        """schema.org description of a document page."""
        types = {"referat": "Report", "avtale": "DigitalDocument",
                 "oppfolgingspunkt": "CreativeWork"}
        data: dict[str, Any] = {
            "@context": "https://schema.org", "@type": types[doc.kind],
            "name": doc.title, "headline": doc.title[:110],
            "url": self.address.absolute(doc.url), "inLanguage": "nb",
            "genre": document_label(doc),
            "about": [{"@type": "Thing", "name": self.archive.content.topics[t].name,
                       "url": self.address.absolute(f"temaer/{t}/")} for t in doc.topics],
            "spatialCoverage": [{"@type": "Place", "name": self.archive.content.areas[a].name,
                                 "url": self.address.absolute(f"omrader/{a}/")}
                                for a in doc.areas],
            "publisher": {"@type": "Organization", "name": SITE_NAME,
                          "url": self.address.absolute()},
            "isPartOf": {"@type": "WebSite", "name": f"Arkiv for {SITE_NAME}",
                         "url": self.address.absolute()},
        }
        data.update(self._json_ld_dates(doc))
        if "kilde" in doc.fields:
            data["isBasedOn"] = {"@type": "CreativeWork", "name": doc.fields["kilde"]["tittel"]}
            original = feeds.original(self.archive, doc)
            url = (self.address.absolute(original[1]) if original
                   else doc.fields["kilde"].get("url"))
            if url:
                data["isBasedOn"]["url"] = url
        return json_for_script(data)

    def _json_ld_dates(self, doc: Document) -> dict[str, str]:
        """Only the dates the source gives, and the last change git knows of."""
        dates: dict[str, str] = {}
        if doc.dated:
            dates["datePublished"] = doc.date.isoformat()
        if doc.kind == "avtale":
            dates["temporalCoverage"] = f"{doc.fields['gyldig_fra']}/{doc.fields['gyldig_til']}"
        changed = self.last_changed(doc)
        if changed is not None:
            dates["dateModified"] = changed.isoformat()
        return dates

    def last_changed(self, doc: Document) -> dt.datetime | None:
        """When the document's file was last committed, in Oslo time; None outside git."""
        changed = self.archive.content.changed.get(doc.path)
        return norsk.in_oslo(changed) if changed is not None else None

    def crumbs_for(self, doc: Document) -> Crumbs:
        if doc.kind == "oppfolgingspunkt":
            return [("Forside", ""), ("Oppfølgingspunkter", "oppfolgingspunkter/")]
        return [("Forside", ""), (str(doc.year), f"ar/{doc.year}/")]
