"""Resolve every reference between documents and build the archive's link graph.

Checks that topics, areas, follow-up points and internal links resolve, then indexes the
published documents by topic, area (with sub-areas), year, follow-up history and backlinks.
Drafts are checked like everything else but never enter the graph, except in the preview
(``serve --utkast``), which asks for them with ``include_drafts``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import itertools
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from ..common import norsk
from ..common.heap import frozen
from ..errors import Problem, did_you_mean
from ..model.archive import Archive, StatusUpdate, Target, area_children, points_in_order
from ..model.content import SOURCE_FOLDER, Compiled, CompiledStatus, Content, Document
from .hrefs import resolve_href
from .markdown import CLOSES
from .mentions import AREA, TOPIC, document_mentions, registry_names
from .validate import Validated

POINT_LINKS = ("publisert_i", "vedtatt_pa")
"""Front matter keys of a follow-up point that link to other documents."""
MAX_LINK_PROBLEMS = 25
"""Link problems reported per document; after that one summary (each costs a fuzzy search)."""


def link(validated: Validated, compiled: Mapping[str, Compiled], include_drafts: bool = False
         ) -> tuple[Archive, list[Problem]]:
    """Check every reference and build the archive graph from the published documents.

    *compiled* holds every checked document's compiled body (see :mod:`politiradet.stages.compile`).
    With *include_drafts* (the preview only) drafts enter the graph too, as if published.
    """
    with frozen():  # the documents and compiled records: the full collections that the
        # graph's many new objects set off need not walk them (one took 0.3 s of 0.9 at 3,000)
        return _link(validated, compiled, include_drafts)


def _link(validated: Validated, compiled: Mapping[str, Compiled], include_drafts: bool
          ) -> tuple[Archive, list[Problem]]:
    content = validated.content
    targets: dict[tuple[str, str], Target] = {}
    problems = _problems(validated, compiled, None, targets)
    published = tuple(sorted((d for d in content.documents if include_drafts or not d.draft),
                             key=lambda d: (d.date, d.dated, d.path), reverse=True))
    archive = _graph(content, _closed_by_status(published, compiled), compiled, targets)
    return archive, problems


def check_document(validated: Validated, path: str, compiled: Mapping[str, Compiled]
                   ) -> list[Problem]:
    """What :func:`link` reports about the document at *path*, given the compiled bodies of
    :func:`needs_compiled` (the others' need not be in *compiled*).

    The web editor checks a document before saving it; compiling every body of the archive for
    that would take many seconds per save once there are thousands of documents.
    """
    return _problems(validated, compiled, path, {})


def _problems(validated: Validated, compiled: Mapping[str, Compiled], path: str | None,
              targets: dict[tuple[str, str], Target]) -> list[Problem]:
    """The reference problems of every document, or of the one at *path*; the links that
    resolve are put into *targets*. Addresses, meetings and closed points are compared across
    all documents, the rest is checked for each document on its own."""
    everything = (*validated.content.documents, *validated.unvalidated)
    checked = everything if path is None else tuple(d for d in everything if d.path == path)
    valid = tuple(doc for doc in validated.content.documents if path in (None, doc.path))
    sources = {doc.source for doc in checked}
    problems = [p for p in (*_check_urls(everything),
                            *_check_same_meeting(validated.content))
                if path is None or p.path in sources]
    problems += _check_registry_refs(valid, validated)
    problems += _check_source_refs(valid, validated)
    problems += _check_links(checked, validated, compiled, targets)
    problems += _check_statuses(checked, validated, compiled)
    problems += _check_closing(everything, checked, compiled)
    return problems


def needs_compiled(validated: Validated, path: str) -> frozenset[str]:
    """The documents whose compiled bodies :func:`check_document` needs to check *path*: its
    own, and each referat that may close a follow-up point (``::: status 2025-1 avsluttet``),
    since a status on the point in a later referat is a mistake."""
    everything = (*validated.content.documents, *validated.unvalidated)
    return frozenset({path, *(doc.path for doc in everything
                              if doc.kind == "referat" and CLOSES in doc.body)})


def _check_urls(checked: tuple[Document, ...]) -> Iterator[Problem]:
    """Two documents must never be written to the same address, whatever the file system.

    Addresses are compared without regard to case, as on macOS and Windows file systems.
    """
    by_url: dict[str, list[Document]] = defaultdict(list)
    for doc in checked:
        by_url[doc.url.casefold()].append(doc)
    for same in (docs for docs in by_url.values() if len(docs) > 1):
        for doc in same:
            others = " og ".join(other.source for other in same if other is not doc)
            yield Problem(doc.source, 1, 1, f"dokumentet får samme nettadresse (/{doc.url}) som "
                          f"{others}. Gi en av filene et annet navn.")


def _check_same_meeting(content: Content) -> Iterator[Problem]:
    """One meeting, one referat: two referater of one council of the same type (``motetype``)
    on the same date are one meeting written twice (a second import, or a new entry in the web
    editor). Two councils meeting on one day are two meetings."""
    by_meeting: dict[tuple[str, dt.date, str], list[Document]] = defaultdict(list)
    for doc in content.documents:
        if doc.meeting is not None:
            by_meeting[doc.meeting].append(doc)
    several = len(content.councils) > 1
    for (council, date, kind), same in by_meeting.items():
        where = f" i {content.councils[council].name}" if several and council in \
            content.councils else ""
        keys = "«dato», «motetype» eller «politirad»" if several else "«dato» eller «motetype»"
        for doc in (same if len(same) > 1 else ()):
            others = " og ".join(other.source for other in same if other is not doc)
            line, col = doc.locations.get(("dato",), (1, 1))
            yield Problem(doc.source, line, col, f"{others} er også et referat fra {kind} "
                          f"{date}{where}. Ett møte har ett referat: flytt det som mangler inn "
                          f"i det ene og slett det andre, eller rett {keys} i det som er feil.")


def _check_registry_refs(documents: tuple[Document, ...], validated: Validated
                         ) -> Iterator[Problem]:
    content = validated.content
    registries = (("temaer", "topics", content.topics, "tema"),
                  ("omrader", "areas", content.areas, "område"))
    for doc in documents:
        for key, attribute, known, word in registries:
            if key not in validated.registries_ok:
                continue
            for index, slug in enumerate(getattr(doc, attribute)):
                if slug not in known:
                    line, col = doc.locations.get((key, index), (1, 1))
                    yield Problem(doc.source, line, col,
                                  f"ukjent {word} «{slug}».{did_you_mean(slug, known)} "
                                  f"Se content/{key}.yaml for lovlige verdier.")
        if "politirad" in validated.registries_ok and doc.kind == "referat":
            yield from _check_council(doc, content)


def _check_council(doc: Document, content: Content) -> Iterator[Problem]:
    """A referat's ``politirad`` names a council in ``content/politirad.yaml``."""
    slug = doc.fields.get("politirad")
    if slug is None or slug in content.councils:
        return
    line, col = doc.locations.get(("politirad",), (1, 1))
    if not content.councils:
        yield Problem(doc.source, line, col, f"ukjent politiråd «{slug}»: arkivet har ikke noe "
                      f"register over politiråd. Lag content/politirad.yaml med rådene, eller "
                      f"fjern «politirad» når referatet er fra arkivets eget politiråd.")
        return
    yield Problem(doc.source, line, col, f"ukjent politiråd «{slug}»."
                  f"{did_you_mean(slug, content.councils)} Se content/politirad.yaml for "
                  f"lovlige verdier.")


def _check_source_refs(documents: tuple[Document, ...], validated: Validated
                       ) -> Iterator[Problem]:
    """Every ``kilde.fil`` names a usable PDF in ``content/kilder/``."""
    known = validated.content.source_files
    for doc in documents:
        name = doc.fields.get("kilde", {}).get("fil")
        if name is None or name in known or name in validated.refused_sources:
            continue
        line, col = doc.locations.get(("kilde", "fil"), (1, 1))
        yield Problem(doc.source, line, col, f"fant ikke originaldokumentet «{name}» i "
                      f"content/{SOURCE_FOLDER}/.{did_you_mean(name, known)} Legg PDF-filen der, "
                      f"eller rett filnavnet i «kilde.fil».")


def _check_links(checked: tuple[Document, ...], validated: Validated,
                 compiled: Mapping[str, Compiled], targets: dict[tuple[str, str], Target]
                 ) -> Iterator[Problem]:
    by_path = validated.content.by_path()
    for doc in checked:
        found = _link_problems(doc, compiled[doc.path], validated, by_path, targets)
        yield from itertools.islice(found, MAX_LINK_PROBLEMS)
        extra = next(found, None)
        if extra is not None:
            yield Problem(extra.path, extra.line, extra.col, f"flere enn {MAX_LINK_PROBLEMS} "
                          f"lenkefeil i dokumentet; resten vises ikke. Rett feilene over og "
                          f"kontroller på nytt.")


def _link_problems(doc: Document, body: Compiled, validated: Validated,
                   by_path: Mapping[str, Document], targets: dict[tuple[str, str], Target]
                   ) -> Iterator[Problem]:
    for href, line, col, image in _hrefs(doc, body):
        if image:
            yield Problem(doc.source, line, col, "bilder publiseres ikke i arkivet. "
                          "Fjern bildet eller lenk til det med en vanlig lenke.")
            continue
        target, error = resolve_href(doc.path, href)
        if error or target is None:
            yield Problem(doc.source, line, col, f"ugyldig lenke «{href}»: {error}")
            continue
        targets[(doc.path, href)] = target
        message = _target_problem(doc, target, by_path, validated.invalid_paths)
        if message:
            yield Problem(doc.source, line, col, f"lenken «{href}» {message}")


def _hrefs(doc: Document, body: Compiled) -> Iterator[tuple[str, int, int, bool]]:
    for ref in body.links:
        yield ref.href, ref.line, ref.col, ref.image
    for key in POINT_LINKS:
        if key in doc.fields:
            yield (doc.fields[key], *doc.locations.get((key,), (1, 1)), False)
    for index, attachment in enumerate(doc.fields.get("vedlegg", [])):
        if "lenke" in attachment:
            yield (attachment["lenke"],
                   *doc.locations.get(("vedlegg", index, "lenke"), (1, 1)), False)


def _target_problem(doc: Document, target: Target, by_path: Mapping[str, Document],
                    invalid: frozenset[str]) -> str | None:
    if target.path is None or target.path in invalid:
        return None
    found = by_path.get(target.path)
    if found is None:
        return (f"peker til et dokument som ikke finnes ({target.path})."
                f"{_suggest_link(doc.path, target.path, by_path)}")
    if found.draft and not doc.draft:
        return (f"peker til et utkast ({target.path}), som ikke publiseres. Fjern lenken "
                f"eller publiser dokumentet.")
    return None


def _suggest_link(doc_path: str, wanted: str, by_path: Mapping[str, Document]) -> str:
    """' Mente du «x»?' with the nearest existing file, written as a link from *doc_path*."""
    matches = difflib.get_close_matches(wanted, list(by_path), n=1, cutoff=0.6)
    if not matches:
        return ""
    return f" Mente du «{posixpath.relpath(matches[0], posixpath.dirname(doc_path) or '.')}»?"


def _check_statuses(checked: tuple[Document, ...], validated: Validated,
                    compiled: Mapping[str, Compiled]) -> Iterator[Problem]:
    points = {d.slug: d for d in validated.content.documents if d.kind == "oppfolgingspunkt"}
    invalid_points = {p.rsplit("/", 1)[-1].removesuffix(".md") for p in validated.invalid_paths
                      if p.startswith("oppfolgingspunkter/")}
    for doc in checked:
        seen: set[str] = set()
        for status in compiled[doc.path].statuses:
            point = points.get(status.point)
            if not status.closed:
                yield Problem(doc.source, status.line, 1, "status-blokken er ikke lukket, så "
                              "resten av dokumentet ville blitt en del av den. Avslutt blokken "
                              "med en linje med «:::».")
            if doc.kind != "referat":
                yield Problem(doc.source, status.line, 1, "statusoppdateringer («::: status») "
                              "kan bare stå i referater.")
            elif not status.point:
                yield Problem(doc.source, status.line, 1, "status-blokken mangler punkt. "
                              "Skriv for eksempel «::: status 2025-1».")
            elif status.point in seen:
                yield Problem(doc.source, status.line, 1, f"oppfølgingspunkt {status.point} har "
                              f"allerede en status i dette dokumentet. Slå blokkene sammen.")
            elif point is None and status.point not in invalid_points:
                yield Problem(doc.source, status.line, 1, f"ukjent oppfølgingspunkt "
                              f"«{status.point}».{did_you_mean(status.point, points)} Lag filen "
                              f"content/oppfolgingspunkter/{status.point}.md først.")
            elif point is not None and point.draft and not doc.draft:
                yield Problem(doc.source, status.line, 1, f"oppfølgingspunkt {status.point} er "
                              f"et utkast og publiseres ikke. Publiser punktet først.")
            seen.add(status.point)


def _closings(documents: Iterable[Document], compiled: Mapping[str, Compiled]
              ) -> dict[str, tuple[Document, CompiledStatus]]:
    """Point id -> the referat (and block) that first closes it with «::: status … avsluttet»."""
    found: dict[str, tuple[Document, CompiledStatus]] = {}
    for doc in sorted(documents, key=lambda d: (d.date, d.path)):
        if doc.kind != "referat" or doc.path not in compiled:
            continue
        for status in compiled[doc.path].statuses:
            if status.closes and status.point not in found:
                found[status.point] = (doc, status)
    return found


def _check_closing(everything: tuple[Document, ...], checked: tuple[Document, ...],
                   compiled: Mapping[str, Compiled]) -> Iterator[Problem]:
    """Nothing is reported on a point in *checked* after the referat that closed it."""
    closings = _closings(everything, compiled)
    for doc in checked:
        if doc.kind != "referat" or doc.path not in compiled:
            continue
        for status in compiled[doc.path].statuses:
            closing = closings.get(status.point)
            if closing is None or closing[1] is status or closing[0].path == doc.path:
                continue
            closer, block = closing
            if (doc.date, doc.path) > (closer.date, closer.path):
                yield Problem(doc.source, status.line, 1, f"oppfølgingspunkt {status.point} ble "
                              f"avsluttet i {closer.source}:{block.line} "
                              f"({norsk.date(closer.date)}), så det kan ikke få status i et "
                              f"senere referat. Er punktet tatt opp igjen, flytt «avsluttet» "
                              f"fra den blokken til den siste statusen for punktet; ellers "
                              f"fjern statusblokken her.")


def _closed_by_status(published: tuple[Document, ...], compiled: Mapping[str, Compiled]
                      ) -> tuple[Document, ...]:
    """The published documents, a point closed by a status block in a published referat
    shown as closed (``avsluttet: true``), as if its own file said so."""
    closings = _closings(published, compiled)
    return tuple(dataclasses.replace(doc, fields={**doc.fields, "avsluttet": True})
                 if doc.kind == "oppfolgingspunkt" and doc.slug in closings
                 and not doc.fields.get("avsluttet", False) else doc
                 for doc in published)


def _graph(content: Content, published: tuple[Document, ...],
           compiled: Mapping[str, Compiled], targets: Mapping[tuple[str, str], Target]
           ) -> Archive:
    children = area_children(content)
    by_topic: dict[str, list[Document]] = defaultdict(list)
    by_area: dict[str, list[Document]] = defaultdict(list)
    by_year: dict[int, list[Document]] = defaultdict(list)
    for doc in published:
        by_year[doc.year].append(doc)
        for topic in doc.topics:
            by_topic[topic].append(doc)
        for area in content.with_ancestors(doc.areas):
            by_area[area].append(doc)
    history, reported = _histories(published, compiled)
    mentioning_topic, mentioning_area = _mentioning(content, published, compiled, history)
    return Archive(
        content=content, documents=published,
        compiled={doc.path: compiled[doc.path] for doc in published},
        by_topic={k: tuple(v) for k, v in by_topic.items()},
        by_area={k: tuple(v) for k, v in by_area.items()},
        area_children=children,
        by_year={k: tuple(v) for k, v in sorted(by_year.items(), reverse=True)},
        history=history, reported=reported,
        backlinks=_backlinks(published, targets),
        targets=targets,
        published_here=_published_here(published, targets),
        by_path={doc.path: doc for doc in published},
        mentioning_topic=_without(mentioning_topic, by_topic),
        mentioning_area=_without(mentioning_area, by_area),
    )


def _mentioning(content: Content, published: tuple[Document, ...],
                compiled: Mapping[str, Compiled],
                history: Mapping[str, tuple[StatusUpdate, ...]]
                ) -> tuple[dict[str, list[Document]], dict[str, list[Document]]]:
    """Topic -> and area -> the documents that mention it (an area: or an area below it),
    newest first. A follow-up point also mentions what its status updates mention, which its
    page (and its search record) shows."""
    names = registry_names(content)
    topics: dict[str, list[Document]] = defaultdict(list)
    areas: dict[str, list[Document]] = defaultdict(list)
    for doc in published:
        body = [*compiled[doc.path].mentions,
                *(m for update in history.get(doc.path, ()) for m in update.block.mentions)]
        keys = sorted(document_mentions(doc, body, names))  # a set's order varies by process
        for key in keys:
            registry, _, slug = key.partition(":")
            if registry == TOPIC and slug in content.topics:
                topics[slug].append(doc)
        mentioned_areas = [key.partition(":")[2] for key in keys if key.startswith(AREA + ":")]
        for slug in content.with_ancestors(mentioned_areas):
            areas[slug].append(doc)
    return topics, areas


def _without(mentioning: Mapping[str, list[Document]],
             about: Mapping[str, list[Document]]) -> dict[str, tuple[Document, ...]]:
    """The mentioning documents that are not already about the topic or area."""
    found = {}
    for slug, docs in mentioning.items():
        tagged = {d.path for d in about.get(slug, ())}
        rest = tuple(d for d in docs if d.path not in tagged)
        if rest:
            found[slug] = rest
    return found


def with_body(archive: Archive, doc: Document, compiled: Compiled) -> Archive:
    """*archive* with *doc*'s body compiled anew to *compiled*, which links to the same places
    and reports on the same points as before (the preview's shortcut,
    :mod:`politiradet.preview.quickpage`, checks that with ``same_graph``). Only *doc*'s own
    status updates change: each takes the new status block in its place in the points'
    histories, in proportion to the document (the histories of the whole archive, made again,
    took 40 ms of a 50 ms shortcut at 10,000 documents). ``tests/test_quickpage.py`` compares
    the result with what :func:`link` makes."""
    bodies = {**archive.compiled, doc.path: compiled}
    before = archive.reported.get(doc.path, ())
    if not before:
        return dataclasses.replace(archive, compiled=bodies)
    points = {update.point.slug: update.point for update in before}
    after = tuple(StatusUpdate(points[status.point], doc, status) for status in compiled.statuses
                  if status.point in points)
    history = dict(archive.history)
    for path in {update.point.path for update in after}:
        fresh = iter([update for update in after if update.point.path == path])
        history[path] = tuple(next(fresh) if update.document.path == doc.path else update
                              for update in archive.history[path])
    return dataclasses.replace(archive, compiled=bodies, history=history,
                               reported={**archive.reported, doc.path: after})


def _histories(published: tuple[Document, ...], compiled: Mapping[str, Compiled]
               ) -> tuple[dict[str, tuple[StatusUpdate, ...]], dict[str, tuple[StatusUpdate, ...]]]:
    points = {d.slug: d for d in published if d.kind == "oppfolgingspunkt"}
    history: dict[str, list[StatusUpdate]] = defaultdict(list)
    reported: dict[str, tuple[StatusUpdate, ...]] = {}
    for doc in sorted(published, key=lambda d: (d.date, d.path)):
        updates = tuple(StatusUpdate(points[s.point], doc, s) for s in compiled[doc.path].statuses
                        if s.point in points and doc.kind == "referat")
        reported[doc.path] = updates
        for update in updates:
            history[update.point.path].append(update)
    return {k: tuple(v) for k, v in history.items()}, reported


def _published_here(published: tuple[Document, ...], targets: Mapping[tuple[str, str], Target]
                    ) -> dict[str, tuple[Document, ...]]:
    """Document path -> the points whose ``publisert_i`` names it, in :func:`points_in_order`."""
    public = {doc.path for doc in published}
    found: dict[str, list[Document]] = defaultdict(list)
    for point in points_in_order(published):
        target = targets.get((point.path, point.fields.get("publisert_i", "")))
        if target is not None and target.path in public:
            found[target.path].append(point)
    return {path: tuple(points) for path, points in found.items()}


def _backlinks(published: tuple[Document, ...], targets: Mapping[tuple[str, str], Target]
               ) -> dict[str, tuple[Document, ...]]:
    """Document path -> the documents linking to it, by path (each once)."""
    public = {doc.path: doc for doc in published}
    backlinks: dict[str, dict[str, Document]] = defaultdict(dict)
    for key in sorted(targets):  # the keys alone: (path, href) pairs are unique
        source, target = key[0], targets[key].path
        if target in public and source in public and source != target:
            backlinks[target].setdefault(source, public[source])
    return {k: tuple(v.values()) for k, v in backlinks.items()}
