"""The build, as one pipeline of named stages (:data:`STAGES`), each in a module of its own:
load → validate → compile → link → render → feeds → index → write."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from .common.heap import frozen
from .errors import ContentError, Problem
from .model.archive import Archive
from .model.content import Document
from .stages import search
from .stages.compile import compile_bodies
from .stages.frontmatter import FrontMatterError
from .stages.link import check_document, link, needs_compiled
from .stages.load import RawContent, RawDocument, load_content, load_schemas, parse_document
from .stages.render import Plan, plan, produce
from .stages.validate import Schemas, Validated, validate
from .stages.write import MARKER, Staging, staging_for, sweep
from .store.database import Store
from .store.deps import Output, same_input
from .store.documents import Documents
from .store.parts import Parts
from .store.records import Records
from .store.site import Inputs, Listed, Summary
from .uptodate import PROJECT_ROOT as PROJECT_ROOT
from .uptodate import STAGES as STAGES
from .uptodate import Paths as Paths
from .uptodate import Progress as Progress
from .uptodate import Report as Report
from .uptodate import Start, inputs, start
from .uptodate import Timings as Timings

_T = TypeVar("_T")


def check(paths: Paths, timings: Timings | None = None, include_drafts: bool = False,
          use_cache: bool = True) -> tuple[Archive, list[Problem]]:
    """Load, validate, compile and link the content; return the archive and every problem.

    *include_drafts* puts drafts into the archive as if published: for the preview only.
    Without *use_cache* every document is parsed, validated and compiled again, and nothing
    is stored; with it, what was learnt is kept in the build store in one transaction.
    """
    store = Store(paths.content) if use_cache else None
    hashing = Inputs(store) if store else None
    if hashing is not None:
        hashing.key(inputs(paths), "")  # each file's hash, by its stat when it is unchanged
    found = _checked(paths, timings or Timings(), include_drafts, store,
                     hashes=hashing.hashes(paths.content) if hashing else None)
    if store is not None and hashing is not None:
        hashing.keep()
        store.commit()
    return found


def _checked(paths: Paths, timings: Timings, include_drafts: bool, store: Store | None,
             changed: Mapping[str, dt.datetime] | None = None,
             hashes: Mapping[str, str] | None = None) -> tuple[Archive, list[Problem]]:
    """:func:`check`, with what it learnt left in *store* for its caller to commit.
    *changed* is the content's git dates, when the caller has read them already; *hashes*
    the SHA-256 of each content file by its path, as the build's input hashing found them
    (an unchanged file that validated before is then not read)."""
    with timings.stage("load"):
        documents = load_schemas(paths.schema)
        known = Documents(store, documents) if store else None
        raw, problems = load_content(paths.content, known, changed, hashes)
        schemas = Schemas(documents)
    archive, found = check_content(raw, schemas, timings, include_drafts, store, known)
    return archive, problems + found


def check_content(raw: RawContent, schemas: Schemas, timings: Timings | None = None,
                  include_drafts: bool = False, store: Store | None = None,
                  known: Documents | None = None) -> tuple[Archive, list[Problem]]:
    """Validate, compile and link content already loaded (also for the editor and import).

    Compiled records are taken from and put into *store*; the valid documents are kept in
    *known*, the documents *raw* was loaded with, for the next build (in the store's
    transaction, which the caller commits).
    """
    timings = timings or Timings()
    with timings.stage("validate"):
        validated, problems = validate(raw, schemas)
        if known is not None:
            known.keep(_valid_files(raw, validated))
    with timings.stage("compile"):
        compiled, found = compile_bodies(validated, Records(store) if store else None,
                                         files={doc.path: doc for doc in raw.documents},
                                         root=raw.root)
        problems += found
        validated = without_bodies(validated)
    with timings.stage("link"):
        archive, found = link(validated, compiled, include_drafts)
        problems += found
    return archive, problems


def without_bodies(validated: Validated) -> Validated:
    """*validated* with every document's Markdown dropped: once compiled, nothing reads it
    (pages, feeds, open data and search use the compiled records; render keys leave it out,
    :data:`~politiradet.rendering.keys.UNSEEN`), and held to the end of the build it was the
    largest part of the archive (10.9 kB per document)."""
    return replace(validated,
                   content=replace(validated.content, documents=tuple(
                       _without_body(doc) for doc in validated.content.documents)),
                   unvalidated=tuple(_without_body(doc) for doc in validated.unvalidated))


def _without_body(doc: Document) -> Document:
    return replace(doc, body="") if doc.body else doc


def check_one(raw: RawContent, schemas: Schemas, relative: str, source: str, data: bytes,
              store: Store | None = None) -> list[Problem]:
    """What ``check`` would report about the document at content path *relative* (shown as
    *source*) if it held *data*, in the archive *raw*: the one way to check one document,
    used by the web editor's save, the importer and the preview.

    The same reader (:func:`~politiradet.stages.load.parse_document`), validator, compiler and
    link check as the build, run for this one document: the others are validated with it (ids,
    one referat per meeting, follow-up points) but not compiled, bar the referater that may
    close a point (:func:`~politiradet.stages.link.needs_compiled`), so a save at thousands of
    documents is checked in well under a second. Other files' own problems are left out.
    """
    try:
        candidate = parse_document(relative, source, data)
    except FrontMatterError as exc:
        return [Problem(source, exc.line, exc.col, exc.message)]
    content = with_document(raw, candidate)
    validated, problems = validate(content, schemas)
    # Keyed by their files' digests, as the build keys them, the other documents' records
    # are the build's (the candidate is no file yet: its record is keyed by its text).
    compiled, notes = compile_bodies(validated, Records(store) if store else None,
                                     only=needs_compiled(validated, relative),
                                     files={doc.path: doc for doc in content.documents},
                                     root=content.root)
    problems += notes + check_document(validated, relative, compiled)
    return sorted({p for p in problems if p.path == source})


def with_document(raw: RawContent, candidate: RawDocument) -> RawContent:
    """The content as it would be with *candidate* saved (in place of a file at its path)."""
    others = tuple(doc for doc in raw.documents if doc.path != candidate.path)
    documents = tuple(sorted((*others, candidate), key=lambda doc: doc.path))
    return replace(raw, documents=documents, unreadable=raw.unreadable - {candidate.path})


def _valid_files(raw: RawContent, validated: Validated) -> Iterator[tuple[str, Document]]:
    """Each valid document read from a file, with the digest of the file's bytes."""
    digests = {doc.path: doc.digest for doc in raw.documents}
    for doc in validated.content.documents:
        if digests.get(doc.path):
            yield digests[doc.path], doc


def build(paths: Paths, base_url: str = "/", progress: Progress | None = None,
          use_cache: bool = True, drafts: bool = False, overwrite: bool = False,
          pages_ready: Callable[[], None] | None = None, begun: Start | None = None) -> Report:
    """Build the whole site and publish it to ``paths.out``, or raise :class:`ContentError`.

    *drafts* builds the draft preview (``serve --utkast``): drafts become pages marked as
    drafts. Never for a site that is published.

    When nothing the site is made from has changed since the last build into ``paths.out``
    and the published files are untouched, the build stops after hashing the inputs
    (``Report.cached``); see :mod:`politiradet.store.site`. That is :func:`uptodate.start`,
    which the command line runs first (*begun*), before it imports the stages.

    An existing ``paths.out`` that this tool did not make is refused (:class:`UsageError`)
    unless *overwrite*; see :func:`politiradet.stages.write.guard_out`.

    Only outputs whose render input changed are rendered; the rest are linked from the live
    site (:mod:`politiradet.store.deps`). With *pages_ready* (the preview), the pages are
    published first, with the previous search bundle, and *pages_ready* is called before the
    search index is made and published in a second swap. What the build learnt is written to
    the build store in one transaction after the site is published; a store that cannot be
    written costs the next build time, never this one its site.
    """
    begun = begun or start(paths, base_url, progress, use_cache, drafts, overwrite)
    if begun.done is not None:
        return begun.done
    with frozen():  # what the stages freeze stays frozen to the end (see common.heap)
        return _build(paths, base_url, begun, drafts, overwrite, pages_ready)


def _build(paths: Paths, base_url: str, begun: Start, drafts: bool, overwrite: bool,
           pages_ready: Callable[[], None] | None) -> Report:
    timings, store, site, changed, key = (begun.timings, begun.store, begun.site,
                                          begun.changed, begun.key)
    archive, problems = _checked(paths, timings, drafts, store, changed,
                                 site.inputs.hashes(paths.content) if site else None)
    if problems:
        if store:
            store.commit()  # the documents that are valid need not be checked again
        raise ContentError(problems)
    known = site.outputs() if site else {}
    parts = Parts(store)
    with timings.stage("render"):
        planned = plan(archive, paths.templates, base_url, parts, known)
    try:
        keys, digests, untouched = _publish(paths.out, overwrite, archive, planned, parts,
                                            known, timings, pages_ready,
                                            site.digests() if site else {},
                                            site.inodes() if site else {},
                                            site.replaced() if site else None)
    finally:
        planned.release()  # the archive goes with its last holder, not at a full collection
    documents = archive.content.documents
    summary = Summary(documents=len(archive.documents),
                      drafts=sum(1 for doc in documents if doc.draft and not drafts),
                      files=len(keys),
                      pages=len(planned.html_paths))
    if store and site:
        site.keep(key, summary, keys | {MARKER: ""}, digests, untouched)
        store.commit()
    sweep(paths.out, store.database if store and store.usable else "")
    return Report(summary.documents, summary.drafts, summary.files, summary.pages, timings,
                  archive=archive)


def _publish(out: Path, overwrite: bool, archive: Archive, planned: Plan, parts: Parts,
             known: Mapping[str, str], timings: Timings,
             pages_ready: Callable[[], None] | None, published: Mapping[str, str],
             live: Mapping[str, int], replaced: Listed | None
             ) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Render, index and swap in the new site; return the render input hash of each file,
    the SHA-256 of each file written rather than linked, and the files published as the
    very files the live site had (neither written nor linked: their stat is unchanged). A
    file made again with the bytes it has in the live site (*published*: SHA-256 by path;
    *live*: its inode) is linked, not written. *parts* keeps what the search index looks
    up by the documents' shortcut keys; *replaced* is the listing of the site replaced last,
    as it was when it was live (:meth:`~politiradet.store.site.Site.replaced`), where the new
    site is assembled."""
    bundle = _known_bundle(known)  # one pass over the live site's keys, not one per use
    # A build that knows none of the live site (no store, or a cold one) writes every file:
    # in a fresh folder, not in the replaced site, where each would be deleted first.
    with staging_for(out, overwrite, published, live, reuse=bool(known),
                     replaced=replaced) as staging:
        if pages_ready is None or _reusable_index(bundle, planned):
            with _index_begun(archive, planned, parts, bundle, timings) as index:
                keys = _render_into(staging, planned.outputs, known, timings, "render",
                                    index.poll)
                keys |= _render_into(staging, planned.feeds, known, timings, "feeds",
                                     index.poll)
                keys |= _index_and_swap(staging, index, timings)
            return keys, staging.digests, staging.untouched
        keys = _render_into(staging, planned.outputs, known, timings, "render")
        keys |= _render_into(staging, planned.feeds, known, timings, "feeds")
        staging.keep(bundle)
        with timings.stage("write"):
            staging.swap()  # the pages, with the old search index until the new one is ready
    pages_ready()
    written, untouched = staging.digests, staging.untouched
    with staging_for(out, overwrite) as staging:  # the old index's files are still in place
        staging.keep(keys)
        with _index_begun(archive, planned, parts, bundle, timings) as index:
            keys |= _index_and_swap(staging, index, timings)
        return keys, written | staging.digests, untouched & staging.untouched


def _index_and_swap(staging: Staging, index: _Index, timings: Timings) -> dict[str, str]:
    """Write the search *index* beside the rest of the site, then swap the site in; the
    index's files' keys."""
    with timings.stage("index"):
        keys = index.into(staging)
    with timings.stage("write"):
        staging.swap()
    return keys


def _render_into(staging: Staging, outputs: tuple[Output, ...], known: Mapping[str, str],
                 timings: Timings, stage: str, meanwhile: Callable[[], None] | None = None
                 ) -> dict[str, str]:
    """Link the outputs whose render input is unchanged, make the others into *staging*;
    call *meanwhile* now and then while they are made (the search index's runs)."""
    with timings.stage(stage):
        kept: list[Output] = []  # one look-up per output: ~120,000 of them at 10,000 documents
        made: list[Output] = []
        for o in outputs:
            (kept if same_input(known.get(o.path), o.key) else made).append(o)
        staging.keep(o.path for o in kept)
        files = produce(made)
        staging.write_all(files if meanwhile is None else _calling(files, meanwhile))
    return {o.path: o.key for o in outputs}


def _calling(items: Iterable[_T], meanwhile: Callable[[], None], every: int = 32
             ) -> Iterator[_T]:
    """*items*, calling *meanwhile* before the first and after every *every* of them."""
    for number, item in enumerate(items):
        if number % every == 0:
            meanwhile()
        yield item
    meanwhile()


@contextlib.contextmanager
def _index_begun(archive: Archive, planned: Plan, parts: Parts, bundle: Mapping[str, str],
                 timings: Timings) -> Iterator[_Index]:
    """The search index (:meth:`_Index.into`), its Pagefind runs begun now when it is a new
    base (a cold build, a compaction): they then run while the pages and feeds are made, on
    the core those leave idle, and :meth:`_Index.into` collects them."""
    index = _Index(archive, planned, bundle)
    with contextlib.ExitStack() as stack:
        with timings.stage("index"):
            if not _reusable_index(bundle, planned):
                index.found = search.prepare(archive, planned.html_paths, parts,
                                             planned.shortcuts, planned.verify_shortcuts)
                index.base = base = search.Base.find(bundle)
                index.split = search.split(index.found, base.fingerprints if base else None)
                if base is None or index.split.base is not None:
                    index.parts = search.base_parts(index.found)
                    index.runs = stack.enter_context(search.indexing(archive, index.parts))
        yield index


class _Index:
    """The search index as :func:`_index_begun` began it: nothing (the live one is taken
    over whole), or the records, the live base, how they split, and the runs of a new base."""

    def __init__(self, archive: Archive, planned: Plan, bundle: Mapping[str, str]) -> None:
        self.archive, self.planned, self.bundle = archive, planned, bundle
        """*bundle*: the live index's files with their keys (:func:`_known_bundle`)."""
        self.found: list[search.Entry] = []
        self.base: search.Base | None = None
        self.split: search.Split | None = None
        self.parts: list[tuple[str, tuple[search.Entry, ...]]] = []
        self.runs: search.Runs | None = None

    def poll(self) -> None:
        """Start the next Pagefind run when the one before is done."""
        if self.runs is not None:
            self.runs.poll()

    def into(self, staging: Staging) -> dict[str, str]:
        """Write the index into *staging*; return its files' keys. Taken over whole when
        nothing it is made from changed; else the live base is kept and only the delta of the
        records that differ from it indexed again, or, without a usable base or with a delta
        past :data:`search.MAX_DELTA_RECORDS`, a new base is made of every record (see
        :class:`search.Split`), by the runs begun, if any were."""
        if self.split is None:
            staging.keep(self.bundle)
            return dict(self.bundle)
        if self.runs is None and self.base is not None:
            keys = _index_delta(staging, self.archive, self.planned, self.found, self.base,
                                self.split, self.bundle)
            if keys is not None:
                return keys
        parts = self.parts or search.base_parts(self.found)
        with contextlib.ExitStack() as stack:
            runs = self.runs or stack.enter_context(search.indexing(self.archive, parts))
            return _base_into(staging, self.archive, self.planned, self.found, parts, runs)


def _base_into(staging: Staging, archive: Archive, planned: Plan, found: list[search.Entry],
               parts: list[tuple[str, tuple[search.Entry, ...]]], runs: search.Runs
               ) -> dict[str, str]:
    """A new base of every record, as *runs* index its *parts*, written into *staging*."""
    base_key = f"{search.bundle_key(search.BASE, found)}/{len(parts)}"
    keys: dict[str, str] = {}
    sentinels: dict[str, str] = {}
    written: dict[str, list[str]] = {folder: [] for folder, _records in parts}
    fragments: dict[str, dict[str, search.Entry]] = {folder: {} for folder, _records in parts}
    for path, data, entry in runs.files():
        folder = path.split("/")[1]
        staging.write(path, data)
        written[folder].append(path)
        if entry is not None:
            fragments[folder][path] = entry
        elif path.endswith(".pf_fragment"):
            sentinels[folder] = search.fragment_id(path)
    for folder, _records in parts:
        keys |= search.bundle_keys(folder, base_key, written[folder], fragments[folder])
    data = search.manifest(archive.content, [(folder, len(part)) for folder, part in parts], {},
                           sentinels)
    return keys | _write_manifest(staging, planned, data, base_key, "-")


def _index_delta(staging: Staging, archive: Archive, planned: Plan, found: list[search.Entry],
                 base: search.Base, planned_split: search.Split, bundle: Mapping[str, str]
                 ) -> dict[str, str] | None:
    """The live base kept and the delta beside it, made again unless the live one holds
    exactly these records; None when a delta record's fragment id is also the base's (two
    bundles' short hashes met) or the delta has no word guard: the base must be made again."""
    delta_key, delta, kept, made = "-", {}, search.Bundle.find(search.DELTA, bundle), []
    sentinels = {part.folder: str(part.sentinel) for part in base.parts}
    if planned_split.delta:
        delta_key = search.bundle_key(search.DELTA, planned_split.delta)
        if kept is not None and kept.key == delta_key:
            fragments = {search.fragment_id(path): search.read_fragment(
                (staging.out / path).read_bytes()) for path in kept.files
                if path.endswith(".pf_fragment")}
        else:
            kept = None
            made = list(search.bundle(archive, search.DELTA, planned_split.delta))
            fragments = {search.fragment_id(path): search.read_fragment(data)
                         for path, data, _entry in made if path.endswith(".pf_fragment")}
        if fragments.keys() & base.fragment_ids:
            return None
        guard = "/" + search.SENTINEL_URL
        delta = {key: found for key, found in fragments.items() if found["url"] != guard}
        guard_id = next((key for key, found in fragments.items() if found["url"] == guard), None)
        if guard_id is None:  # a kept delta without its word guard: made whole again
            return None
        sentinels[search.DELTA] = guard_id
    else:
        kept = None
    staging.keep(base.files)
    keys = {path: bundle[path] for path in base.files}
    if kept is not None:
        staging.keep(kept.files)
        keys |= {path: bundle[path] for path in kept.files}
    for path, data, _entry in made:
        staging.write(path, data)
    if made:
        keys |= search.bundle_keys(search.DELTA, delta_key, [p for p, _d, _e in made], {})
    records = base.records
    superseded = {url: search.read_fragment((staging.out / records[url][1]).read_bytes())
                  for url in planned_split.superseded}
    hidden: dict[str, dict[str, Any]] = {}
    for url, fragment in superseded.items():
        path = records[url][1]
        hidden.setdefault(path.split("/")[1], {})[search.fragment_id(path)] = fragment["filters"]
    current = {entry.url: entry for entry in found}
    values = [search.sort_value(current[url].date, url) if url not in superseded
              else search.fragment_sort_value(superseded[url]) for url in records]
    data = search.manifest(archive.content,
                           [(part.folder, len(part.records)) for part in base.parts],
                           hidden, sentinels, delta, values)
    return keys | _write_manifest(staging, planned, data, base.key, delta_key)


def _write_manifest(staging: Staging, planned: Plan, data: bytes, base_key: str,
                    delta_key: str) -> dict[str, str]:
    """Write ``pagefind/sok.json``; its key names the content and the bundles it points to."""
    staging.write(search.MANIFEST, data)
    return {search.MANIFEST: f"{planned.content_key} {base_key} {delta_key}"}


def _reusable_index(bundle: Mapping[str, str], planned: Plan) -> bool:
    """True when the live site has a search index (*bundle*, :func:`_known_bundle`) of exactly
    the content being built: its manifest was made for this content, and the bundles it
    points to are there whole."""
    base = search.Base.find(bundle)
    delta = search.Bundle.find(search.DELTA, bundle)
    expected = f"{planned.content_key} {base.key if base else ''} {delta.key if delta else '-'}"
    return base is not None and bundle.get(search.MANIFEST) == expected


def _known_bundle(known: Mapping[str, str]) -> dict[str, str]:
    """The files of the live site's search index, with their keys."""
    return {path: key for path, key in known.items() if path.startswith(search.BUNDLE_DIR)}
