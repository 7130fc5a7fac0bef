"""Index the published archive for full-text search with Pagefind: the search stage.

Each published page that holds archive content (documents, follow-up points, topics, areas)
becomes one small HTML record built from the :class:`Archive`, never from the rendered
pages, so navigation, footers and drafts cannot reach the index. Pagefind turns the records
into the static bundle under ``pagefind/``, which the search page loads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import html
import tempfile
from collections.abc import Collection, Coroutine, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pagefind.service import PagefindService

from .link import Archive
from .markdown import RenderContext, render, render_status
from .model import KIND_LABEL, Content, Document

_T = TypeVar("_T")

LANGUAGE = "nb"
"""Every record is Norwegian Bokmål, so Pagefind stems «fritidskortet» to «fritidskort»."""
BUNDLE_DIR = "pagefind/"
UNUSED_BUNDLE_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.",
                       "pagefind-highlight.")
"""Pagefind's ready-made interfaces; the site has its own (assets/sok.js)."""
UNDATED = "0000-00-00"
"""Sort key of topic and area pages: last when sorting newest first, but still listed."""

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


def index(archive: Archive, pages: Collection[str]) -> dict[str, bytes]:
    """Return the Pagefind bundle for the archive, keyed by output path under ``pagefind/``.

    *pages* are the paths of the site's HTML pages. Result URLs are stored relative to the
    site root, so the bundle does not depend on the base URL: ``pagefind.js`` prefixes the
    folder it was loaded from, minus ``pagefind/``.
    """
    found = list(records(archive))
    _check_pages_exist(found, pages)
    bundle = _run_coroutine(_pagefind_bundle(found))
    return {BUNDLE_DIR + name: data for name, data in bundle.items()
            if not name.startswith(UNUSED_BUNDLE_FILES)}


def records(archive: Archive) -> Iterator[Record]:
    """Every searchable page: published documents first (newest first), then topics, areas."""
    for doc in archive.documents:
        yield document_record(archive, doc)
    for topic in archive.content.topics.values():
        yield Record(url=f"temaer/{topic.slug}/", title=topic.name, kind=TOPIC_LABEL,
                     content=_paragraphs([topic.description]),
                     filters={"tema": (topic.name,)})
    for area in archive.content.areas.values():
        yield Record(url=f"omrader/{area.slug}/", title=area.name, kind=AREA_LABEL,
                     content=_paragraphs([area.description]),
                     filters={"omrade": area_names((area.slug,), archive.content)})


def document_record(archive: Archive, doc: Document) -> Record:
    """The record of a referat, an avtale or a follow-up point."""
    parts = [_paragraphs(_front_matter_text(doc)), render(archive.bodies[doc.path], _NO_LINKS)]
    if doc.kind == "oppfolgingspunkt":
        parts += _status_history(archive, doc)
    topics = archive.content.topics
    return Record(url=doc.url, title=doc.title, kind=KIND_LABEL[doc.kind],
                  content="\n".join(parts), date=doc.date,
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
    return (f'<!DOCTYPE html>\n<html lang="{LANGUAGE}"><head><title>{title}</title></head>'
            f'<body>\n<h1 data-pagefind-meta="title">{title}</h1>\n{record.content}\n'
            f'{"".join(tags)}\n</body></html>\n')


# --- helpers -----------------------------------------------------------------------------

_NO_LINKS = RenderContext(resolve=lambda _href: None, point_url=lambda _point: "")
"""Links do not matter to the index, only their text."""


def _front_matter_text(doc: Document) -> list[str]:
    """Published front matter that is text rather than a tag: place, signatories, attachments."""
    fields = doc.fields
    lines = [str(fields["sted"])] if "sted" in fields else []
    lines += [f"{s['navn']}, {s['rolle']}" for s in fields.get("signatarer", ())]
    lines += [str(v["tittel"]) for v in fields.get("vedlegg", ()) if "tittel" in v]
    return lines


def _status_history(archive: Archive, doc: Document) -> list[str]:
    """The status updates shown on a follow-up point's page."""
    return [render_status(archive.bodies[update.document.path], update.block, _NO_LINKS)
            for update in archive.history.get(doc.path, ())]


def _paragraphs(lines: Iterable[str]) -> str:
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in lines if line)


def _data_span(attribute: str, name: str, value: str) -> str:
    """An empty element giving *value* to Pagefind; the value is read verbatim from an attribute,
    so commas and colons in names need no escaping."""
    return f'<span {attribute}="{name}[data-value]" data-value="{html.escape(value)}"></span>'


def _check_pages_exist(found: Iterable[Record], pages: Collection[str]) -> None:
    missing = [r.url for r in found if r.url + "index.html" not in pages]
    if missing:
        raise ValueError(f"søkeindeksen peker til sider som ikke ble bygget: {missing}")


async def _pagefind_bundle(found: Iterable[Record]) -> dict[str, bytes]:
    """Run Pagefind over the records and return its files, keyed by path inside the bundle.

    The records are handed over as one folder of HTML files laid out like the site, so
    Pagefind derives each page's URL from its path. One ``add_directory`` request
    instead of one ``add_html_file`` per page matters: the Python API polls the service every
    0.1 s for each answer. ``write_files`` rather than ``get_files``, because the latter sends
    the whole bundle through one pipe line, which stalls above 2 MiB.
    """
    with tempfile.TemporaryDirectory(prefix="pagefind-") as folder:
        source, output = Path(folder, "kilde"), Path(folder, "pagefind")
        _write_records(found, source)
        async with PagefindService() as service:
            pagefind = await service.create_index({"force_language": LANGUAGE})
            await pagefind.add_directory(str(source))
            await pagefind.write_files(output_path=str(output))
        return _read_tree(output)


def _write_records(found: Iterable[Record], root: Path) -> None:
    for record in found:
        target = root / record.url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(record_html(record), encoding="utf-8")


def _read_tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def _run_coroutine(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run *coroutine* to completion, also when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
