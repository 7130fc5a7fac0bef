"""The pages of the site: :class:`Renderer` (the environment, the render inputs and the
views of one build together) and the page builders, one per kind of page."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..common import norsk
from ..common.address import SiteAddress
from ..model.archive import Archive
from ..model.content import KIND_LABEL, SITE_NAME, Document
from ..stages import dcat, feeds, oparl
from ..store.deps import Lazy, Output, same_input, shortcut_of, with_shortcut
from .environment import environment
from .keys import Keys
from .views import Views, document_label, tally

LATEST_LIMIT = 6
UPCOMING_ON_HOME = 3


class Renderer:
    """Turns an :class:`Archive` into pages: the Jinja environment (:mod:`.environment`), the
    render input of each page (:class:`~.keys.Keys`) and the archive as the pages see it
    (:class:`~.views.Views`)."""

    verify_shortcuts = False
    """Also build and hash the values of each page taken over by its shortcut key, and fail
    if its key differs from the one taken over (the tests of incremental builds set it)."""

    def __init__(self, archive: Archive, templates: Path, base_url: str,
                 published: Mapping[str, str] | None = None) -> None:
        self.published = published or {}
        """Output path -> key of each file of the live site as the last build left it: a
        document page whose shortcut key is the one recorded there is taken over without its
        values being built (:meth:`~.keys.Keys.document_key`)."""
        self.shortcuts: dict[str, str] = {}
        """Content path -> the shortcut key of each document's page planned so far
        (:func:`_document_pages`): it covers all a document's open-data line and search
        record show, so those are looked up by it
        (:meth:`~politiradet.store.parts.Parts.derived`)."""
        address = SiteAddress.parse(base_url)
        self.views = Views(archive, address, norsk.build_date())
        self._held = _Held(archive)
        self.env = environment(templates, dict(
            url=self.views.url, absolute_url=address.absolute, archive=self._held,
            kind_label=KIND_LABEL, document_label=document_label, site_name=SITE_NAME,
            topics=archive.content.topics, areas=archive.content.areas,
            status_of=self.views.status_of, tally=tally))
        self.keys = Keys(self.env, address, archive)

    @property
    def archive(self) -> Archive:
        return self.views.archive

    @property
    def address(self) -> SiteAddress:
        return self.views.address

    def use(self, archive: Archive) -> None:
        """Render from *archive* from now on: the same documents, some with another body (the
        preview's quick page, :mod:`politiradet.preview.quickpage`)."""
        self.views.archive = archive
        self.keys.use(archive)
        self.shortcuts = {}
        self._held.archive = archive

    def release(self) -> None:
        """Let go of the archive: this renderer is not used again.

        Jinja's environment, its templates, and the context and macros of each imported
        template refer to each other, and each such context holds a copy of the globals: what
        they hold lives until the garbage collector's next full collection walks the whole heap
        (at 10,000 documents 0.7-2.3 s, a stall for the preview's shortcut, which needs the
        interpreter too). Their ``archive`` is a :class:`_Held`, emptied here, and the views
        forget theirs, so the documents, bodies and link graph go as soon as the last holder
        drops them."""
        self._held.archive = None
        self.views.__dict__.clear()  # the archive, and every answer computed from it
        self.shortcuts = {}
        self.keys.hasher.forget()

    def page(self, path: str, template: str, **context: Any) -> Output:
        """The page *path* from *template*; rendered only when :attr:`Output.make` is called."""
        _defaults(context)
        key = self.keys.page(template, path, context)
        return Output(path, key, lambda: self._render(path, template, context))

    def _render(self, path: str, template: str, context: dict[str, Any]) -> bytes:
        _defaults(context)
        values = {name: value.make() if isinstance(value, Lazy) else value
                  for name, value in context.items()}
        return self.env.get_template(template).render(page_path=path, **values).encode("utf-8")

    def pages(self) -> Iterator[Output]:
        """Every HTML page of the site."""
        for builder in PAGE_BUILDERS:
            yield from builder(self, self.views)


def _defaults(context: dict[str, Any]) -> None:
    context.setdefault("crumbs", [])
    context.setdefault("feeds", [])
    context.setdefault("json_ld", None)


# --- page builders ---------------------------------------------------------------------------

def _document_pages(r: Renderer, v: Views) -> Iterator[Output]:
    """Each document's page. One whose shortcut key (:meth:`~.keys.Keys.document_key`) is the
    one the live site's page was made with keeps that page's key, and its values are built
    only if it is rendered after all (the live file is gone); the others are planned as
    :func:`document_page` plans them, with their shortcut key added to their key."""
    for doc in v.archive.documents:
        path = doc.url + "index.html"
        shortcut = r.keys.document_key(document_template(doc), path, doc)
        r.shortcuts[doc.path] = shortcut
        live = r.published.get(path)
        if live is not None and shortcut_of(live) == shortcut:
            if r.verify_shortcuts and not same_input(live, document_page(r, doc).key):
                raise AssertionError(f"{path}: the shortcut key hid a change of its values")
            yield Output(path, live, functools.partial(_render_document, r, doc))
        else:
            page = document_page(r, doc)
            yield Output(path, with_shortcut(page.key, shortcut), page.make)


def document_template(doc: Document) -> str:
    return "oppfolgingspunkt.html" if doc.kind == "oppfolgingspunkt" else "dokument.html"


class _Held:
    """The templates' ``archive`` global: the archive, until :meth:`Renderer.release`."""

    __slots__ = ("archive",)

    def __init__(self, archive: Archive | None) -> None:
        self.archive = archive

    def __getattr__(self, name: str) -> Any:
        if name == "archive":  # not set (a copy made without __init__)
            raise AttributeError(name)
        return getattr(self.archive, name)


def document_page(r: Renderer, doc: Document) -> Output:
    """The page of one document (the preview also renders a saved document's page alone)."""
    return r.page(doc.url + "index.html", document_template(doc), **_document_values(r, doc))


def _render_document(r: Renderer, doc: Document) -> bytes:
    return r._render(doc.url + "index.html", document_template(doc), _document_values(r, doc))


def _document_values(r: Renderer, doc: Document) -> dict[str, Any]:
    """What the template of *doc*'s page (:func:`document_template`) is handed."""
    v = r.views
    context: dict[str, Any] = dict(
        doc=doc, body=Lazy(r.keys.body_key(doc), lambda: v.body_html(doc)), toc=v.toc(doc),
        related=v.related(doc),
        backlinks=v.archive.backlinks.get(doc.path, ()),
        glossary=v.abbreviations_in(doc), json_ld=v.json_ld(doc), crumbs=v.crumbs_for(doc),
        last_changed=v.last_changed(doc), original=v.original_link(doc),
        council=v.archive.content.council_name(doc))
    if doc.kind == "oppfolgingspunkt":
        context["feeds"] = [(f"{SITE_NAME} – oppfølgingspunkt {doc.slug}", doc.url + "feed.xml")]
        return context | dict(
            history=Lazy(v.archive.history.get(doc.path, ()),  # the blocks' digests
                         lambda: v.history(doc)),  # cover their HTML
            published_in=v.archive.point_link(doc, "publisert_i"),
            seminar_doc=v.archive.point_link(doc, "vedtatt_pa"))
    previous, following = v.neighbours(doc)
    mentions = v.points_in(doc)
    listed = {m.point.path for m in mentions}
    context["backlinks"] = [d for d in context["backlinks"] if d.path not in listed]
    return context | dict(previous=previous, next=following, points_here=mentions,
                          attachments=v.attachments(doc),
                          decisions=v.archive.compiled[doc.path].decisions)


def _home_page(r: Renderer, v: Views) -> Iterator[Output]:
    latest = [d for d in v.archive.documents if d.kind != "oppfolgingspunkt"][:LATEST_LIMIT]
    units = [a for a in v.archive.content.areas.values() if a.level == "driftsenhet"]
    yield r.page("index.html", "index.html", latest=latest, introduction=v.introduction(),
                 units=units, open_points=[p for p in v.points
                                           if not p.fields.get("avsluttet", False)],
                 upcoming=v.upcoming[:UPCOMING_ON_HOME], today=v.today)


def _meeting_page(r: Renderer, v: Views) -> Iterator[Output]:
    yield r.page("moter/index.html", "moter.html", upcoming=v.upcoming, today=v.today,
                 crumbs=[("Forside", "")])


DECISIONS_PAGE = "vedtak/"
"""The site-wide list of decisions."""


def _decision_page(r: Renderer, v: Views) -> Iterator[Output]:
    """``vedtak/``: every referat's decisions, newest meeting first."""
    meetings = [(doc, v.archive.compiled[doc.path].decisions) for doc in v.archive.documents
                if doc.kind == "referat" and v.archive.compiled[doc.path].decisions]
    yield r.page(DECISIONS_PAGE + "index.html", "vedtak.html", meetings=meetings,
                 crumbs=[("Forside", "")])


POINT_STATUSES = (("folges-opp", "Følges opp", False), ("avsluttet", "Avsluttet", True))
"""Status filters of /oppfolgingspunkter/: (path part, label, value of ``avsluttet``)."""


def _point_pages(r: Renderer, v: Views) -> Iterator[Output]:
    """The follow-up points, and a static page for each filter by status and seminar year,
    so the filter works without JavaScript. The points are sorted into years and counted by
    (closed, year) once: at 10,000 documents there are some 2,000 filter pages, and counting
    all points again for each of their choices took half a second of every build's plan."""
    latest = {p.path: v.archive.history[p.path][-1] for p in v.points
              if v.archive.history.get(p.path)}
    by_year: dict[int, list[Document]] = {}
    for point in v.points:
        by_year.setdefault(point.fields["seminar"], []).append(point)
    years = sorted(by_year, reverse=True)
    counts: Counter[tuple[bool | None, int | None]] = Counter()
    for point in v.points:  # by (closed or None for all, seminar year or None for all)
        for closed in (None, _closed(point)):
            for year in (None, point.fields["seminar"]):
                counts[closed, year] += 1
    for status in (None, *POINT_STATUSES):
        for year in (None, *years):
            chosen = [p for p in (v.points if year is None else by_year[year])
                      if status is None or _closed(p) == status[2]]
            seminars: dict[int, list[Document]] = {}
            for point in chosen:
                seminars.setdefault(point.fields["seminar"], []).append(point)
            yield r.page(_point_filter_path(status, year) + "index.html",
                         "oppfolgingspunkter.html", seminars=seminars, latest_status=latest,
                         count=len(chosen), filters=_point_filters(counts, status, year, years),
                         status=status[1] if status else None, year=year,
                         crumbs=[("Forside", "")] + ([("Oppfølgingspunkter", "oppfolgingspunkter/")]
                                                     if status or year else []))


def _closed(point: Document) -> bool:
    return bool(point.fields.get("avsluttet", False))


def _point_filter_path(status: tuple[str, str, bool] | None, year: int | None) -> str:
    """``oppfolgingspunkter/``, ``…/avsluttet/``, ``…/seminar/2025/``, ``…/avsluttet/2025/``."""
    path = "oppfolgingspunkter/"
    if status is not None:
        path += f"{status[0]}/"
    if year is not None:
        path += f"{year}/" if status is not None else f"seminar/{year}/"
    return path


def _point_filters(counts: Counter[tuple[bool | None, int | None]],
                   status: tuple[str, str, bool] | None, year: int | None, years: list[int]
                   ) -> list[tuple[str, list[tuple[str, str, int, bool]]]]:
    """The filter choices: (group label, [(label, site path, points, chosen)]); *counts* are
    the points by (closed, seminar year), None standing for either."""
    def count(s: tuple[str, str, bool] | None, y: int | None) -> int:
        return counts[s[2] if s else None, y]
    statuses = [(s[1] if s else "Alle", _point_filter_path(s, year), count(s, year), s == status)
                for s in (None, *POINT_STATUSES)]
    seminars = [(str(y) if y else "Alle år", _point_filter_path(status, y), count(status, y),
                 y == year) for y in (None, *years)]
    return [("Status", statuses), ("Seminar", seminars)]


def _topic_pages(r: Renderer, v: Views) -> Iterator[Output]:
    yield r.page("temaer/index.html", "temaer.html", crumbs=[("Forside", "")])
    for slug, topic in v.archive.content.topics.items():
        tagged = v.archive.by_topic.get(slug, ())
        yield r.page(f"temaer/{slug}/index.html", "tema.html", topic=topic,
                     documents=[d for d in tagged if d.kind != "oppfolgingspunkt"],
                     points=[d for d in tagged if d.kind == "oppfolgingspunkt"],
                     mentioning=v.archive.mentioning_topic.get(slug, ()),
                     crumbs=[("Forside", ""), ("Temaer", "temaer/")],
                     feeds=[(f"{SITE_NAME} – {topic.name}", f"temaer/{slug}/feed.xml")])


def _area_pages(r: Renderer, v: Views) -> Iterator[Output]:
    roots = [a for a in v.archive.content.areas.values() if not a.parents]
    yield r.page("omrader/index.html", "omrader.html", roots=roots, crumbs=[("Forside", "")])
    for slug, area in v.archive.content.areas.items():
        tagged = v.archive.by_area.get(slug, ())
        trail = [("Forside", ""), ("Områder", "omrader/")] + [
            (a.name, f"omrader/{a.slug}/") for a in v.area_trail(area)]
        yield r.page(f"omrader/{slug}/index.html", "omrade.html", area=area,
                     children=[v.archive.content.areas[c]
                               for c in v.archive.area_children.get(slug, ())],
                     documents=[d for d in tagged if d.kind != "oppfolgingspunkt"],
                     points=[d for d in tagged if d.kind == "oppfolgingspunkt"], crumbs=trail,
                     mentioning=v.archive.mentioning_area.get(slug, ()),
                     feeds=[(f"{SITE_NAME} – {area.name}", f"omrader/{slug}/feed.xml")])


def _year_pages(r: Renderer, v: Views) -> Iterator[Output]:
    yield r.page("ar/index.html", "arkiv.html", crumbs=[("Forside", "")])
    years = list(v.archive.by_year)
    for index, (year, year_docs) in enumerate(v.archive.by_year.items()):
        yield r.page(f"ar/{year}/index.html", "ar.html", year=year,
                     documents=[d for d in year_docs if d.kind != "oppfolgingspunkt"],
                     points=[p for p in v.points if p.year == year],
                     newer=years[index - 1] if index > 0 else None,
                     older=years[index + 1] if index + 1 < len(years) else None,
                     crumbs=[("Forside", ""), ("År", "ar/")])


def _static_pages(r: Renderer, v: Views) -> Iterator[Output]:
    yield r.page("404.html", "404.html")
    yield r.page("tilgjengelighet/index.html", "tilgjengelighet.html", crumbs=[("Forside", "")])
    yield r.page("forkortelser/index.html", "forkortelser.html", crumbs=[("Forside", "")],
                 abbreviations=sorted(v.archive.content.abbreviations,
                                      key=lambda a: a.short.casefold()))
    yield r.page("sok/index.html", "sok.html")
    yield r.page(dcat.PAGE + "index.html", "data.html", crumbs=[("Forside", "")],
                 oparl_system=oparl.SYSTEM, page_size=oparl.PAGE_SIZE,
                 extension=oparl.EXTENSION, open_data=feeds.OPEN_DATA,
                 registries=feeds.REGISTRIES)


PAGE_BUILDERS: tuple[Callable[[Renderer, Views], Iterator[Output]], ...] = (
    _document_pages, _home_page, _meeting_page, _decision_page, _point_pages, _topic_pages,
    _area_pages, _year_pages, _static_pages)
