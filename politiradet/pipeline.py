"""The build, as one pipeline of named stages (:data:`STAGES`), each in a module of its own:
load → validate → compile → link → render → feeds → index → write."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .common import norsk
from .errors import ContentError, Problem
from .model.archive import Archive
from .model.content import Document
from .stages import githistory, search
from .stages.compile import compile_bodies
from .stages.link import link
from .stages.load import RawContent, load_content, load_schemas
from .stages.render import Plan, plan, produce
from .stages.validate import Schemas, Validated, validate
from .stages.write import MARKER, Staging, guard_out, staging_for
from .store import deps
from .store.build_cache import PACKAGE, BuildCache, Summary
from .store.deps import Output
from .store.documents import DocumentCache
from .store.records import RecordCache

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, step, steps)`` when a build stage starts (step counts from 1)."""

STAGES = ("load", "validate", "compile", "link", "render", "feeds", "index", "write")
"""The stages of a build, in order; ``check`` runs the first four."""


@dataclass(frozen=True, slots=True)
class Paths:
    """Where the pipeline reads and writes."""

    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path = PROJECT_ROOT / "templates"
    schema: Path = PROJECT_ROOT / "schema"


@dataclass(slots=True)
class Timings:
    """Seconds spent in each stage, in pipeline order; tells *progress* when a stage starts."""

    stages: dict[str, float] = field(default_factory=dict)
    progress: Progress | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress is not None and name not in self.stages:
            self.progress(name, STAGES.index(name) + 1, len(STAGES))
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.stages.values())


@dataclass(frozen=True, slots=True)
class Report(Summary):
    """What a successful build did: the numbers of :class:`Summary`, and how long it took."""

    timings: Timings = field(default_factory=Timings)
    cached: bool = False
    """True when the output was already up to date and nothing was rebuilt."""
    archive: Archive | None = None
    """The linked archive the site was made from (None when cached): the preview keeps it to
    show a saved document's page before the next full build
    (:mod:`politiradet.preview.quickpage`)."""


def check(paths: Paths, timings: Timings | None = None, include_drafts: bool = False,
          use_cache: bool = True, changed: Mapping[str, dt.datetime] | None = None
          ) -> tuple[Archive, list[Problem]]:
    """Load, validate, compile and link the content; return the archive and every problem.

    *include_drafts* puts drafts into the archive as if published: for the preview only.
    Without *use_cache* every document is parsed, validated and compiled again, and nothing
    is stored. *changed* is the content's git dates, when the caller has read them already.
    """
    timings = timings or Timings()
    with timings.stage("load"):
        documents = load_schemas(paths.schema)
        known = DocumentCache(paths.content, documents) if use_cache else None
        raw, problems = load_content(paths.content, known, changed)
        schemas = Schemas(documents)
    archive, found = check_content(raw, schemas, timings, include_drafts, use_cache, known)
    return archive, problems + found


def check_content(raw: RawContent, schemas: Schemas, timings: Timings | None = None,
                  include_drafts: bool = False, use_cache: bool = True,
                  known: DocumentCache | None = None) -> tuple[Archive, list[Problem]]:
    """Validate, compile and link content already loaded (also for the editor and import).

    The valid documents are kept in *known*, the cache *raw* was loaded with, for the next
    build.
    """
    timings = timings or Timings()
    with timings.stage("validate"):
        validated, problems = validate(raw, schemas)
        if known is not None:
            known.store(_valid_files(raw, validated))
    with timings.stage("compile"):
        compiled, found = compile_bodies(validated, RecordCache() if use_cache else None)
        problems += found
    with timings.stage("link"):
        archive, found = link(validated, compiled, include_drafts)
        problems += found
    return archive, problems


def _valid_files(raw: RawContent, validated: Validated) -> Iterator[tuple[str, Document]]:
    """Each valid document read from a file, with the digest of the file's bytes."""
    digests = {doc.path: doc.digest for doc in raw.documents}
    for doc in validated.content.documents:
        if digests.get(doc.path):
            yield digests[doc.path], doc


def build(paths: Paths, base_url: str = "/", progress: Progress | None = None,
          use_cache: bool = True, drafts: bool = False, overwrite: bool = False,
          pages_ready: Callable[[], None] | None = None) -> Report:
    """Build the whole site and publish it to ``paths.out``, or raise :class:`ContentError`.

    *drafts* builds the draft preview (``serve --utkast``): drafts become pages marked as
    drafts. Never for a site that is published.

    When nothing the site is made from has changed since the last build into ``paths.out``
    and the published files are untouched, the build stops after hashing the inputs
    (``Report.cached``); see :mod:`politiradet.store.build_cache`.

    An existing ``paths.out`` that this tool did not make is refused (:class:`UsageError`)
    unless *overwrite*; see :func:`politiradet.stages.write.guard_out`.

    Only outputs whose render input changed are rendered; the rest are linked from the live
    site (:mod:`politiradet.store.deps`). With *pages_ready* (the preview), the pages are published
    first, with the previous search bundle, and *pages_ready* is called before the search
    index is made and published in a second swap.
    """
    guard_out(paths.out, overwrite)
    timings = Timings(progress=progress)
    cache = BuildCache(paths.out) if use_cache else None
    with timings.stage("load"):
        changed = githistory.last_changed(paths.content)
        key = cache.key(_inputs(paths), _variant(base_url, drafts, changed)) if cache else ""
        unchanged = cache.hit(key) if cache else None
    if unchanged is not None:
        return Report(unchanged.documents, unchanged.drafts, unchanged.files, unchanged.pages,
                      timings, cached=True)
    archive, problems = check(paths, timings, drafts, use_cache, changed)
    if problems:
        raise ContentError(problems)
    with timings.stage("render"):
        planned = plan(archive, paths.templates, base_url)
    stamp = cache.stamp(base_url + ("\0utkast" if drafts else "")) if cache else ""
    previous = deps.load(cache.folder, stamp, paths.out) if cache else None
    known = dict(previous.outputs) if previous else {}
    keys, fresh = _publish(paths.out, overwrite, archive, planned, known, timings, pages_ready)
    documents = archive.content.documents
    summary = Summary(documents=len(archive.documents),
                      drafts=sum(1 for doc in documents if doc.draft and not drafts),
                      files=len(keys),
                      pages=len(planned.html_paths))
    if cache:
        found = deps.store(cache.folder, deps.DependencyMap(
            stamp, keys, previous.stats if previous else {}), paths.out, fresh)
        cache.store(key, summary, _listing(found, paths.out))
    return Report(summary.documents, summary.drafts, summary.files, summary.pages, timings,
                  archive=archive)


def _publish(out: Path, overwrite: bool, archive: Archive, planned: Plan,
             known: Mapping[str, str], timings: Timings,
             pages_ready: Callable[[], None] | None) -> tuple[dict[str, str], set[str]]:
    """Render, index and swap in the new site; return the render input hash of each file and
    the files written rather than linked from the live site."""
    with staging_for(out, overwrite) as staging:
        keys = _render_into(staging, planned.outputs, known, timings, "render")
        keys |= _render_into(staging, planned.feeds, known, timings, "feeds")
        if pages_ready is None or _reusable_index(known, planned):
            keys |= _index_and_swap(staging, archive, planned, known, timings)
            return keys, staging.fresh
        staging.keep(_known_bundle(known))
        with timings.stage("write"):
            staging.swap()  # the pages, with the old search index until the new one is ready
    pages_ready()
    written = staging.fresh
    with staging_for(out, overwrite) as staging:  # the old index's files are still in place
        staging.keep(keys)
        keys |= _index_and_swap(staging, archive, planned, known, timings)
        return keys, written | staging.fresh


def _index_and_swap(staging: Staging, archive: Archive, planned: Plan, known: Mapping[str, str],
                    timings: Timings) -> dict[str, str]:
    with timings.stage("index"):
        bundle = _index_into(staging, archive, planned, known)
    with timings.stage("write"):
        staging.swap()
    return bundle


def _render_into(staging: Staging, outputs: tuple[Output, ...], known: Mapping[str, str],
                 timings: Timings, stage: str) -> dict[str, str]:
    """Link the outputs whose render input is unchanged, make the others into *staging*."""
    with timings.stage(stage):
        staging.keep(o.path for o in outputs if known.get(o.path) == o.key)
        staging.write_all(produce([o for o in outputs if known.get(o.path) != o.key]))
    return {o.path: o.key for o in outputs}


def _index_into(staging: Staging, archive: Archive, planned: Plan,
                known: Mapping[str, str]) -> dict[str, str]:
    """The search index: taken over whole when nothing it is made from changed; else only
    the shards whose records changed are indexed again and the others taken over.

    Each file's key is the content's key and its shard's key, so both can be checked.
    """
    bundle = _known_bundle(known)
    if _reusable_index(known, planned):
        staging.keep(bundle)
        return bundle
    prepared = search.prepare(archive, planned.html_paths)
    manifest_key = hashlib.sha256(prepared.manifest).hexdigest()
    keys = {search.MANIFEST: f"{planned.content_key} {manifest_key}"}
    staging.write(search.MANIFEST, prepared.manifest)
    changed = []
    shard_keys = {shard.folder: shard.key for shard in prepared.shards}  # each hashed once
    for shard in prepared.shards:
        suffix = " " + shard_keys[shard.folder]
        kept = [path for path, key in bundle.items()
                if path.startswith(shard.folder) and key.endswith(suffix)]
        staging.keep(kept)
        keys |= dict.fromkeys(kept, planned.content_key + suffix)
        if not kept:
            changed.append(shard)
    for path, content in search.bundle(archive, changed):
        staging.write(path, content)
        folder = next(shard.folder for shard in changed if path.startswith(shard.folder))
        keys[path] = f"{planned.content_key} {shard_keys[folder]}"
    return keys


def _reusable_index(known: Mapping[str, str], planned: Plan) -> bool:
    """True when the live site has a search index of exactly the content being built."""
    bundle = _known_bundle(known)
    return bool(bundle) and all(key.startswith(planned.content_key + " ")
                                for key in bundle.values())


def _known_bundle(known: Mapping[str, str]) -> dict[str, str]:
    """The files of the live site's search index, with their keys."""
    return {path: key for path, key in known.items() if path.startswith(search.BUNDLE_DIR)}


def _listing(found: Mapping[str, list[int]], out: Path) -> dict[str, list[int]] | None:
    """Size and modification time of every file in *out*, by path, as the build cache lists
    them: from what :func:`deps.store` found, and the marker; None if a file was missing."""
    if not all(found.values()):
        return None
    info = (out / MARKER).stat()
    return {MARKER: [info.st_size, info.st_mtime_ns]} | {
        path: [size, mtime] for path, (_inode, size, mtime) in found.items()}


def _variant(base_url: str, drafts: bool, changed: Mapping[str, dt.datetime]) -> str:
    """What else the output depends on besides the files: base URL, drafts, git dates and
    the build date (upcoming meetings)."""
    dates = sorted((path, when.isoformat()) for path, when in changed.items())
    return "\0".join((base_url, "utkast" if drafts else "", repr(dates),
                      norsk.build_date().isoformat()))


def _inputs(paths: Paths) -> tuple[Path, ...]:
    """Everything the site is made from, for the build cache's key."""
    return (paths.content, paths.templates, paths.schema, PACKAGE)
