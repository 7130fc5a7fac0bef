"""Render the archive into pages with the Jinja2 templates in ``templates/``."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
from markupsafe import Markup

from ..common import norsk
from ..common.address import SiteAddress
from ..common.parallel import ordered_map
from ..model.archive import Archive, StatusUpdate, points_in_order
from ..model.content import (
    KIND_LABEL,
    MAX_PDF_BYTES,
    SITE_NAME,
    Abbreviation,
    Area,
    Content,
    Document,
    Heading,
    SourcePdf,
    at_base,
)
from ..model.meetings import Meeting, schedule, upcoming
from ..store.deps import Hasher, Lazy, Output
from . import dcat, feeds, oparl, sourcefile
from .related import RelatedIndex

TOC_MIN_HEADINGS = 3
RELATED_LIMIT = 5
LATEST_LIMIT = 6
UPCOMING_ON_HOME = 3
Crumbs = list[tuple[str, str]]
"""Breadcrumb trail above the current page: (label, site-relative path)."""


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: its path inside the site and its content."""

    path: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Plan:
    """Every file the site consists of, each with the hash of what it is made from."""

    outputs: tuple[Output, ...]
    """Pages and assets."""
    feeds: tuple[Output, ...]
    """Feeds, calendar, open data, OParl, sitemap and robots.txt (:mod:`politiradet.stages.feeds`,
    :mod:`politiradet.stages.oparl`)."""
    html_paths: tuple[str, ...]
    content_key: str
    """Hash of everything the search index and the archive-wide feeds are made from."""


UNSEEN: Mapping[type, frozenset[str]] = {
    Document: frozenset({"body", "body_line", "locations", "source"}),
    Archive: frozenset({"compiled"}),
    Content: frozenset({"documents"}),
}
"""What a page's render input leaves out: a document's body text reaches a page only through
:meth:`Renderer.body_key` and :meth:`Renderer.texts_key` (so a list of titles does not change
when a body does), the compiled bodies likewise, and drafts never reach a page."""


def norwegian_date(value: dt.date, fmt: str = "long") -> str:
    """«14. mai 2025» (long), «14.05.2025» (short) or «mai 2025» (month)."""
    return norsk.date(value, fmt)


def json_for_script(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: no «</script>» or «<!--»."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


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


class Renderer:
    """Turns an :class:`Archive` into pages; holds the template environment."""

    def __init__(self, archive: Archive, templates: Path, base_url: str) -> None:
        self.archive = archive
        self.today = norsk.build_date()
        """The build's day in Oslo («kommende møter» are those from this day on)."""
        self.address = SiteAddress.parse(base_url)
        self.base_url = self.address.path
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates),
            autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )
        self.env.globals.update(
            url=self.url, absolute_url=self.address.absolute, archive=archive,
            kind_label=KIND_LABEL, document_label=document_label, site_name=SITE_NAME,
            topics=archive.content.topics, areas=archive.content.areas, status_of=self.status_of,
            tally=tally)
        self.env.filters["dato"] = norwegian_date
        self.env.filters["antall"] = norsk.count
        self.env.filters["datoer"] = norsk.date_range
        self.env.filters["delvis_dato"] = norsk.partial_date
        self.env.filters["todate"] = dt.date.fromisoformat
        self.hasher = Hasher(UNSEEN)
        self._template_keys: dict[str, str] = {}
        self._facts: dict[str, tuple[str, frozenset[str], tuple[str, ...]]] = {}

    def url(self, path: str = "") -> str:
        """Site URL of a site-relative path, honouring the base URL."""
        return self.address.url(path)

    def page(self, path: str, template: str, **context: Any) -> Output:
        """The page *path* from *template*; rendered only when :attr:`Output.make` is called."""
        context.setdefault("crumbs", [])
        context.setdefault("feeds", [])
        context.setdefault("json_ld", None)
        key = self.hasher.digest((self.template_key(template), path, context))
        return Output(path, key, lambda: self._render(path, template, context))

    def _render(self, path: str, template: str, context: dict[str, Any]) -> bytes:
        values = {name: value.make() if isinstance(value, Lazy) else value
                  for name, value in context.items()}
        return self.env.get_template(template).render(page_path=path, **values).encode("utf-8")

    def pages(self) -> Iterator[Output]:
        """Every HTML page of the site."""
        for builder in PAGE_BUILDERS:
            yield from builder(self)

    # --- render inputs ------------------------------------------------------------------------

    def template_key(self, name: str) -> str:
        """Hash of *name*, the templates it uses, the globals they read and the generator.

        Templates are followed through ``extends``, ``import`` and ``include``; a template named
        at run time (which this site does not do) makes every template part of the key.
        """
        if name not in self._template_keys:
            names: set[str] = set()
            used: set[str] = set()
            queue = [name]
            while queue:
                current = queue.pop()
                if current in names:
                    continue
                names.add(current)
                _, read, referenced = self._template_facts(current)
                used |= read
                queue += referenced
            sources = [(n, self._template_facts(n)[0]) for n in sorted(names)]
            globals_read = {g: self.globals_key(g) for g in sorted(used) if g in self.env.globals}
            self._template_keys[name] = self.hasher.digest((sources, globals_read,
                                                            self.address.path,
                                                            self.address.origin))
        return self._template_keys[name]

    def _template_facts(self, name: str) -> tuple[str, frozenset[str], tuple[str, ...]]:
        """Hash of a template's source, the names it reads, the templates it names.

        Kept on the renderer, not in a ``functools.cache``, which would keep every renderer
        (and its archive) alive in a process that builds again and again (``serve``).
        """
        if name not in self._facts:
            self._facts[name] = self._read_template_facts(name)
        return self._facts[name]

    def _read_template_facts(self, name: str) -> tuple[str, frozenset[str], tuple[str, ...]]:
        loader = self.env.loader
        assert loader is not None
        source = loader.get_source(self.env, name)[0]
        tree = self.env.parse(source)
        named = list(jinja2.meta.find_referenced_templates(tree))
        referenced = [t for t in named if t is not None]
        if None in named:  # a template named at run time: it may be any of them
            referenced = self.env.list_templates(filter_func=lambda n: n.endswith(".html"))
        return (hashlib.sha256(source.encode()).hexdigest(),
                frozenset(node.name for node in tree.find_all(jinja2.nodes.Name)),
                tuple(referenced))

    def globals_key(self, name: str) -> Any:
        """What a template global contributes to a render input (functions: their name)."""
        value = self.env.globals[name]
        if name == "archive":
            return self.archive
        return name if callable(value) else value

    def body_key(self, doc: Document) -> str:
        """What a document's rendered body depends on: its compiled record's digest (which
        covers HTML, text, headings and status blocks), completed by the base URL (in every
        template key)."""
        return self.archive.compiled[doc.path].digest

    @cached_property
    def texts_key(self) -> str:
        """Hash of the archive with every published body: what feeds and search are made of."""
        return self.hasher.digest((self.archive, [self.body_key(d)
                                                  for d in self.archive.documents]))

    # --- the archive seen from the pages ----------------------------------------------------

    @cached_property
    def meetings(self) -> list[Document]:
        """Published referater, oldest first."""
        return sorted((d for d in self.archive.documents if d.kind == "referat"),
                      key=lambda d: (d.date, d.path))

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
        """Previous and next referat by date."""
        index = self.meeting_index.get(doc.path)
        if index is None:
            return None, None
        return (self.meetings[index - 1] if index > 0 else None,
                self.meetings[index + 1] if index + 1 < len(self.meetings) else None)

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


# --- page builders ---------------------------------------------------------------------------

def _document_pages(r: Renderer) -> Iterator[Output]:
    for doc in r.archive.documents:
        yield document_page(r, doc)


def document_page(r: Renderer, doc: Document) -> Output:
    """The page of one document (the preview also renders a saved document's page alone)."""
    context: dict[str, Any] = dict(
        doc=doc, body=Lazy(r.body_key(doc), lambda: r.body_html(doc)), toc=r.toc(doc),
        related=r.related(doc),
        backlinks=r.archive.backlinks.get(doc.path, ()),
        glossary=r.abbreviations_in(doc), json_ld=r.json_ld(doc), crumbs=r.crumbs_for(doc),
        last_changed=r.last_changed(doc), original=r.original_link(doc))
    if doc.kind == "oppfolgingspunkt":
        context["feeds"] = [(f"{SITE_NAME} – oppfølgingspunkt {doc.slug}", doc.url + "feed.xml")]
        return r.page(doc.url + "index.html", "oppfolgingspunkt.html", **context,
                      history=Lazy(r.archive.history.get(doc.path, ()),  # the blocks'
                                   lambda: r.history(doc)),  # digests cover their HTML
                      published_in=r.archive.point_link(doc, "publisert_i"),
                      seminar_doc=r.archive.point_link(doc, "vedtatt_pa"))
    previous, following = r.neighbours(doc)
    mentions = r.points_in(doc)
    listed = {m.point.path for m in mentions}
    context["backlinks"] = [d for d in context["backlinks"] if d.path not in listed]
    return r.page(doc.url + "index.html", "dokument.html", **context,
                  previous=previous, next=following, points_here=mentions,
                  attachments=r.attachments(doc),
                  decisions=r.archive.compiled[doc.path].decisions)


def _home_page(r: Renderer) -> Iterator[Output]:
    latest = [d for d in r.archive.documents if d.kind != "oppfolgingspunkt"][:LATEST_LIMIT]
    units = [a for a in r.archive.content.areas.values() if a.level == "driftsenhet"]
    yield r.page("index.html", "index.html", latest=latest, introduction=r.introduction(),
                 units=units, open_points=[p for p in r.points
                                           if not p.fields.get("avsluttet", False)],
                 upcoming=r.upcoming[:UPCOMING_ON_HOME], today=r.today)


def _meeting_page(r: Renderer) -> Iterator[Output]:
    yield r.page("moter/index.html", "moter.html", upcoming=r.upcoming, today=r.today,
                 crumbs=[("Forside", "")])


DECISIONS_PAGE = "vedtak/"
"""The site-wide list of decisions."""


def _decision_page(r: Renderer) -> Iterator[Output]:
    """``vedtak/``: every referat's decisions, newest meeting first."""
    meetings = [(doc, r.archive.compiled[doc.path].decisions) for doc in r.archive.documents
                if doc.kind == "referat" and r.archive.compiled[doc.path].decisions]
    yield r.page(DECISIONS_PAGE + "index.html", "vedtak.html", meetings=meetings,
                 crumbs=[("Forside", "")])


POINT_STATUSES = (("folges-opp", "Følges opp", False), ("avsluttet", "Avsluttet", True))
"""Status filters of /oppfolgingspunkter/: (path part, label, value of ``avsluttet``)."""


def _point_pages(r: Renderer) -> Iterator[Output]:
    """The follow-up points, and a static page for each filter by status and seminar year,
    so the filter works without JavaScript."""
    latest = {p.path: r.archive.history[p.path][-1] for p in r.points
              if r.archive.history.get(p.path)}
    years = sorted({p.fields["seminar"] for p in r.points}, reverse=True)
    for status in (None, *POINT_STATUSES):
        for year in (None, *years):
            chosen = [p for p in r.points
                      if (status is None or bool(p.fields.get("avsluttet", False)) == status[2])
                      and (year is None or p.fields["seminar"] == year)]
            seminars: dict[int, list[Document]] = {}
            for point in chosen:
                seminars.setdefault(point.fields["seminar"], []).append(point)
            yield r.page(_point_filter_path(status, year) + "index.html",
                         "oppfolgingspunkter.html", seminars=seminars, latest_status=latest,
                         count=len(chosen), filters=_point_filters(r, status, year, years),
                         status=status[1] if status else None, year=year,
                         crumbs=[("Forside", "")] + ([("Oppfølgingspunkter", "oppfolgingspunkter/")]
                                                     if status or year else []))


def _point_filter_path(status: tuple[str, str, bool] | None, year: int | None) -> str:
    """``oppfolgingspunkter/``, ``…/avsluttet/``, ``…/seminar/2025/``, ``…/avsluttet/2025/``."""
    path = "oppfolgingspunkter/"
    if status is not None:
        path += f"{status[0]}/"
    if year is not None:
        path += f"{year}/" if status is not None else f"seminar/{year}/"
    return path


def _point_filters(r: Renderer, status: tuple[str, str, bool] | None, year: int | None,
                   years: list[int]) -> list[tuple[str, list[tuple[str, str, int, bool]]]]:
    """The filter choices: (group label, [(label, site path, points, chosen)])."""
    def count(s: tuple[str, str, bool] | None, y: int | None) -> int:
        return sum(1 for p in r.points
                   if (s is None or bool(p.fields.get("avsluttet", False)) == s[2])
                   and (y is None or p.fields["seminar"] == y))
    statuses = [(s[1] if s else "Alle", _point_filter_path(s, year), count(s, year), s == status)
                for s in (None, *POINT_STATUSES)]
    seminars = [(str(y) if y else "Alle år", _point_filter_path(status, y), count(status, y),
                 y == year) for y in (None, *years)]
    return [("Status", statuses), ("Seminar", seminars)]


def _topic_pages(r: Renderer) -> Iterator[Output]:
    yield r.page("temaer/index.html", "temaer.html", crumbs=[("Forside", "")])
    for slug, topic in r.archive.content.topics.items():
        tagged = r.archive.by_topic.get(slug, ())
        yield r.page(f"temaer/{slug}/index.html", "tema.html", topic=topic,
                     documents=[d for d in tagged if d.kind != "oppfolgingspunkt"],
                     points=[d for d in tagged if d.kind == "oppfolgingspunkt"],
                     mentioning=r.archive.mentioning_topic.get(slug, ()),
                     crumbs=[("Forside", ""), ("Temaer", "temaer/")],
                     feeds=[(f"{SITE_NAME} – {topic.name}", f"temaer/{slug}/feed.xml")])


def _area_pages(r: Renderer) -> Iterator[Output]:
    roots = [a for a in r.archive.content.areas.values() if not a.parents]
    yield r.page("omrader/index.html", "omrader.html", roots=roots, crumbs=[("Forside", "")])
    for slug, area in r.archive.content.areas.items():
        tagged = r.archive.by_area.get(slug, ())
        trail = [("Forside", ""), ("Områder", "omrader/")] + [
            (a.name, f"omrader/{a.slug}/") for a in r.area_trail(area)]
        yield r.page(f"omrader/{slug}/index.html", "omrade.html", area=area,
                     children=[r.archive.content.areas[c]
                               for c in r.archive.area_children.get(slug, ())],
                     documents=[d for d in tagged if d.kind != "oppfolgingspunkt"],
                     points=[d for d in tagged if d.kind == "oppfolgingspunkt"], crumbs=trail,
                     mentioning=r.archive.mentioning_area.get(slug, ()),
                     feeds=[(f"{SITE_NAME} – {area.name}", f"omrader/{slug}/feed.xml")])


def _year_pages(r: Renderer) -> Iterator[Output]:
    yield r.page("ar/index.html", "arkiv.html", crumbs=[("Forside", "")])
    years = list(r.archive.by_year)
    for index, (year, year_docs) in enumerate(r.archive.by_year.items()):
        yield r.page(f"ar/{year}/index.html", "ar.html", year=year,
                     documents=[d for d in year_docs if d.kind != "oppfolgingspunkt"],
                     points=[p for p in r.points if p.year == year],
                     newer=years[index - 1] if index > 0 else None,
                     older=years[index + 1] if index + 1 < len(years) else None,
                     crumbs=[("Forside", ""), ("År", "ar/")])


def _static_pages(r: Renderer) -> Iterator[Output]:
    yield r.page("404.html", "404.html")
    yield r.page("tilgjengelighet/index.html", "tilgjengelighet.html", crumbs=[("Forside", "")])
    yield r.page("forkortelser/index.html", "forkortelser.html", crumbs=[("Forside", "")],
                 abbreviations=sorted(r.archive.content.abbreviations,
                                      key=lambda a: a.short.casefold()))
    yield r.page("sok/index.html", "sok.html")
    yield r.page(dcat.PAGE + "index.html", "data.html", crumbs=[("Forside", "")],
                 oparl_system=oparl.SYSTEM, page_size=oparl.PAGE_SIZE,
                 extension=oparl.EXTENSION, open_data=feeds.OPEN_DATA,
                 registries=feeds.REGISTRIES)


PAGE_BUILDERS: tuple[Callable[[Renderer], Iterator[Output]], ...] = (
    _document_pages, _home_page, _meeting_page, _decision_page, _point_pages, _topic_pages,
    _area_pages, _year_pages, _static_pages)


def assets(templates: Path) -> Iterator[Page]:
    """Static files shipped with the templates (``templates/assets/``)."""
    root = templates / "assets"
    for path in sorted(root.rglob("*")) if root.is_dir() else ():
        if path.is_file() and not path.name.startswith("."):
            yield Page("assets/" + path.relative_to(root).as_posix(), path.read_bytes())


def machine_outputs(r: Renderer, html_paths: tuple[str, ...]) -> Iterator[Output]:
    """Feeds, calendar, open data, OParl, the data catalogue, sitemap and robots.txt."""
    for path, make in itertools.chain(feeds.outputs(r.archive, r.address, html_paths),
                                      oparl.outputs(r.archive, r.address),
                                      dcat.outputs(r.archive, r.address)):
        yield Output(path, r.hasher.digest((path, make.func.__name__, make.args, make.keywords)),
                     make)


def original_documents(renderer: Renderer) -> Iterator[Output]:
    """Each document's original PDF (``kilde.fil``), published beside its page."""
    for doc in renderer.archive.documents:
        found = feeds.original(renderer.archive, doc)
        if found is not None:
            pdf, path = found
            yield Output(path, pdf.digest, functools.partial(_read_original, pdf))


def _read_original(pdf: SourcePdf) -> bytes:
    """The bytes of *pdf*, read under the same policy the loader checked it with."""
    location = Path(pdf.location)
    root = Path(pdf.location[:-len(pdf.name)])
    return sourcefile.read(root, location, MAX_PDF_BYTES)


def plan(archive: Archive, templates: Path, base_url: str) -> Plan:
    """Every page, asset and machine-readable output of the site, none of them rendered yet."""
    renderer = Renderer(archive, templates, base_url)
    pages = tuple(renderer.pages())
    html_paths = tuple(page.path for page in pages)
    files = tuple(Output(page.path, hashlib.sha256(page.content).hexdigest(),
                         functools.partial(bytes, page.content)) for page in assets(templates))
    files = (*files, *original_documents(renderer))
    machine = tuple(machine_outputs(renderer, html_paths))
    seen: set[str] = set()
    for output in (*pages, *files, *machine):
        if output.path in seen:
            raise ValueError(f"to sider vil skrives til samme adresse: {output.path}")
        seen.add(output.path)
    return Plan((*pages, *files), machine, html_paths, renderer.texts_key)


def produce(outputs: Sequence[Output]) -> Iterator[tuple[str, bytes]]:
    """Render *outputs* (on every core when there are many), each as soon as it is done."""
    yield from ordered_map(_made, outputs)


def _made(output: Output) -> tuple[str, bytes]:
    return output.path, output.make()
