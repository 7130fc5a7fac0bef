"""Render the archive into pages with the Jinja2 templates in ``templates/``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date

from .link import Archive, resolve_href
from .markdown import Heading, RenderContext, render, render_status
from .model import KIND_LABEL, Document

TOC_MIN_HEADINGS = 3
RELATED_LIMIT = 5


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: its path inside the site and its content."""

    path: str
    content: bytes


def norwegian_date(value: dt.date, fmt: str = "long") -> str:
    """«14. mai 2025» (long), «14.05.2025» (short) or «mai 2025» (month)."""
    patterns = {"long": "d. MMMM y", "short": "dd.MM.y", "month": "MMMM y"}
    return str(format_date(value, patterns.get(fmt, fmt), locale="nb"))


def normalise_base_url(base_url: str) -> str:
    """«/sub/path» and «sub/path/» both become «/sub/path/»; «» becomes «/»."""
    stripped = base_url.strip().strip("/")
    return f"/{stripped}/" if stripped else "/"


class Renderer:
    """Turns an :class:`Archive` into pages; holds the template environment."""

    def __init__(self, archive: Archive, templates: Path, base_url: str) -> None:
        self.archive = archive
        self.base_url = normalise_base_url(base_url)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates),
            autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )
        self.env.globals.update(url=self.url, archive=archive, kind_label=KIND_LABEL,
                                topics=archive.content.topics, areas=archive.content.areas)
        self.env.filters["dato"] = norwegian_date

    def url(self, path: str = "") -> str:
        """Site URL of a site-relative path, honouring the base URL."""
        return self.base_url + path.lstrip("/")

    def context_for(self, doc: Document) -> RenderContext:
        """How links inside *doc* become URLs."""
        def resolve(href: str) -> str | None:
            target = self.archive.targets.get((doc.path, href))
            if target is None:
                target, _ = resolve_href(doc.path, href)
            if target is None or target.path is None:
                return None
            url = self.url(self.archive.get(target.path).url)
            return f"{url}#{target.fragment}" if target.fragment else url
        return RenderContext(resolve=resolve,
                             point_url=lambda point: self.url(f"oppfolgingspunkter/{point}/"),
                             extra={"page_url": self.url(doc.url)})

    def page(self, path: str, template: str, **context: Any) -> Page:
        html = self.env.get_template(template).render(page_path=path, **context)
        return Page(path, html.encode("utf-8"))

    def pages(self) -> Iterator[Page]:
        """Every HTML page of the site."""
        for builder in PAGE_BUILDERS:
            yield from builder(self)

    # --- helpers for templates -------------------------------------------------------------

    def body_html(self, doc: Document) -> str:
        return render(self.archive.bodies[doc.path], self.context_for(doc))

    def toc(self, doc: Document) -> tuple[Heading, ...]:
        headings = tuple(h for h in self.archive.bodies[doc.path].headings if h.level <= 3)
        return headings if len(headings) >= TOC_MIN_HEADINGS else ()

    def related(self, doc: Document) -> list[Document]:
        """Other published documents sharing topics or areas, most shared first."""
        def shared(other: Document) -> int:
            return len(set(doc.topics) & set(other.topics)) + len(set(doc.areas) & set(other.areas))
        candidates = [d for d in self.archive.documents
                      if d.path != doc.path and d.kind != "oppfolgingspunkt" and shared(d)]
        candidates.sort(key=lambda d: (-shared(d), -d.date.toordinal(), d.path))
        return candidates[:RELATED_LIMIT]

    def neighbours(self, doc: Document) -> tuple[Document | None, Document | None]:
        """Previous and next referat by date."""
        meetings = sorted((d for d in self.archive.documents if d.kind == "referat"),
                          key=lambda d: (d.date, d.path))
        if doc not in meetings:
            return None, None
        index = meetings.index(doc)
        return (meetings[index - 1] if index > 0 else None,
                meetings[index + 1] if index + 1 < len(meetings) else None)


def _document_pages(r: Renderer) -> Iterator[Page]:
    for doc in r.archive.documents:
        previous, following = r.neighbours(doc)
        context: dict[str, Any] = dict(
            doc=doc, body=r.body_html(doc), toc=r.toc(doc), related=r.related(doc),
            previous=previous, next=following,
            backlinks=r.archive.backlinks.get(doc.path, ()),
            reported=r.archive.reported.get(doc.path, ()),
        )
        if doc.kind == "oppfolgingspunkt":
            context["history"] = [
                (update, render_status(r.archive.bodies[update.document.path], update.block,
                                       r.context_for(update.document)))
                for update in r.archive.history.get(doc.path, ())]
            yield r.page(doc.url + "index.html", "oppfolgingspunkt.html", **context)
        else:
            yield r.page(doc.url + "index.html", "dokument.html", **context)


def _listing_pages(r: Renderer) -> Iterator[Page]:
    docs = r.archive.documents
    points = sorted((d for d in docs if d.kind == "oppfolgingspunkt"),
                    key=lambda d: (-d.fields["seminar"], d.fields["nummer"]))
    yield r.page("index.html", "index.html", latest=[d for d in docs
                                                     if d.kind != "oppfolgingspunkt"][:8],
                 open_points=[p for p in points if not p.fields.get("avsluttet", False)])
    yield r.page("oppfolgingspunkter/index.html", "oppfolgingspunkter.html", points=points)
    yield r.page("temaer/index.html", "temaer.html")
    for slug, topic in r.archive.content.topics.items():
        yield r.page(f"temaer/{slug}/index.html", "tema.html", topic=topic,
                     documents=r.archive.by_topic.get(slug, ()))
    roots = [a for a in r.archive.content.areas.values() if not a.parents]
    yield r.page("omrader/index.html", "omrader.html", roots=roots)
    for slug, area in r.archive.content.areas.items():
        yield r.page(f"omrader/{slug}/index.html", "omrade.html", area=area,
                     documents=r.archive.by_area.get(slug, ()))
    yield r.page("ar/index.html", "arkiv.html")
    for year, year_docs in r.archive.by_year.items():
        yield r.page(f"ar/{year}/index.html", "ar.html", year=year, documents=year_docs)


def _static_pages(r: Renderer) -> Iterator[Page]:
    yield r.page("404.html", "404.html")
    yield r.page("tilgjengelighet/index.html", "tilgjengelighet.html")
    yield r.page("sok/index.html", "sok.html")


PAGE_BUILDERS: tuple[Callable[[Renderer], Iterator[Page]], ...] = (
    _document_pages, _listing_pages, _static_pages)


def assets(templates: Path) -> Iterator[Page]:
    """Static files shipped with the templates (``templates/assets/``)."""
    root = templates / "assets"
    for path in sorted(root.rglob("*")) if root.is_dir() else ():
        if path.is_file() and not path.name.startswith("."):
            yield Page("assets/" + path.relative_to(root).as_posix(), path.read_bytes())


def render_site(archive: Archive, templates: Path, base_url: str) -> Mapping[str, bytes]:
    """All pages and assets of the site, keyed by output path."""
    renderer = Renderer(archive, templates, base_url)
    result: dict[str, bytes] = {}
    for page in (*renderer.pages(), *assets(templates)):
        if page.path in result:
            raise ValueError(f"to sider vil skrives til samme adresse: {page.path}")
        result[page.path] = page.content
    return result
