"""The preview's shortcut: a saved document's own page, rendered at once from the last build.

A full rebuild reads, checks and links the whole archive, so at thousands of documents it takes
seconds. When an editor saves a published document and only its text changed (the front matter
is the same, the text links to the same places, reports on the same follow-up points and has
no Markdown mistakes), nothing else in the link graph can change: the document's page is the
last good build's archive with this one compiled body swapped in. :class:`QuickPages` keeps that
archive and a template renderer (templates compiled, related documents indexed) between builds
and renders that one page in milliseconds. The full rebuild still follows and makes every other
output (lists, feeds, the search index); its page is the same as the one shown here.

Anything else (a new, deleted or renamed file, changed front matter, new links, a mistake, a
template or schema change) returns None, and the preview waits for the full rebuild, which
reports problems exactly as ``build`` does; until that build is done, no page is shown ahead,
since the kept archive no longer tells the truth.

The preview builds in the background while saves keep coming, so each save has a number. A
full build that started after save *n* has read it: :meth:`QuickPages.update` takes that
build's archive and applies again the text changes saved after *n*.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from ..model.archive import Archive
from ..model.content import Compiled, Document
from ..rendering.pages import Renderer, document_page
from ..stages.compile import compile_document
from ..stages.link import with_body
from ..stages.load import RawContent, load_schemas, read_document
from ..stages.mentions import registry_names
from ..stages.validate import Schemas, validate


@dataclass(frozen=True, slots=True)
class QuickPage:
    """One page rendered ahead of the full rebuild."""

    path: str
    """Path inside the site, like ``referater/2025-05-14/index.html``."""
    content: bytes


class QuickPages:
    """The last good build's archive and a warm renderer, for :meth:`render`; thread-safe."""

    def __init__(self, content: Path, templates: Path, schema: Path) -> None:
        self.content, self.templates, self.schema = content.resolve(), templates, schema
        self._lock = threading.Lock()
        self._renderer: Renderer | None = None
        self._archive: Archive | None = None
        self._schemas: Schemas | None = None
        self._edits: dict[str, tuple[int, Document, Compiled]] = {}
        """Text changes shown ahead of the full build: content path -> (save, document, body)."""
        self._unknown = 0
        """The last save only a full build can take in (:meth:`forget`)."""

    def update(self, archive: Archive, covered: int = 0) -> None:
        """Take over the archive of a good full build that has read every save up to number
        *covered*, with the text changes saved since applied again; warm the renderer."""
        schemas = Schemas(load_schemas(self.schema))
        renderer = Renderer(archive, self.templates, "/")
        for doc in archive.documents[:1]:  # compiles the templates, indexes related documents
            document_page(renderer, doc).make()
        with self._lock:
            if covered < self._unknown:  # that build has not read it: show nothing ahead yet
                self._clear()
                return
            edits = {path: edit for path, edit in self._edits.items() if edit[0] > covered}
            for _, doc, compiled in edits.values():
                if doc.path not in archive.by_path or not same_graph(
                        archive.compiled[doc.path], compiled):
                    self._clear()
                    return
                archive = with_body(archive, doc, compiled)
            if self._renderer is not None:
                self._renderer.release()
            self._schemas, self._renderer, self._edits = schemas, renderer, edits
            self._use(archive)

    def forget(self, save: int = 0) -> None:
        """Show nothing ahead until a good full build has read save number *save*: it changed
        what only the full build can take in (front matter, links, a new file, a template)."""
        with self._lock:
            self._unknown = max(self._unknown, save)
            self._clear()

    def render(self, changed: set[Path], save: int = 0) -> QuickPage | None:
        """The page of the one document in *changed*, if only its text changed; else None.

        *save* numbers the change, for :meth:`update`.
        """
        with self._lock:
            if self._archive is None or len(changed) != 1:
                return None
            path = next(iter(changed))
            if not path.is_relative_to(self.content) or path.suffix != ".md":
                return None
            old = self._archive.by_path.get(path.relative_to(self.content).as_posix())
            saved = self._document(path, old) if old is not None else None
            if old is None or saved is None:
                return None
            abbreviations = {a.short: a.meaning for a in self._archive.content.abbreviations}
            compiled = compile_document(saved, abbreviations,
                                        registry_names(self._archive.content))
            if not same_graph(self._archive.compiled[old.path], compiled):
                return None
            self._edits[old.path] = (save, old, compiled)
            renderer = self._use(with_body(self._archive, old, compiled))
            output = document_page(renderer, old)
            return QuickPage(output.path, output.make())

    def _clear(self) -> None:
        if self._renderer is not None:
            self._renderer.release()
        self._renderer = self._archive = self._schemas = None
        self._edits = {}

    def _use(self, archive: Archive) -> Renderer:
        """Point the renderer at *archive* (its documents are those it was warmed with)."""
        assert self._renderer is not None
        self._archive = archive
        self._renderer.use(archive)
        return self._renderer

    def _document(self, path: Path, old: Document) -> Document | None:
        """The saved file as a validated document, if its front matter is exactly *old*'s."""
        assert self._schemas is not None
        raw = read_document(self.content, path, [], set(), None)  # read as the build reads it
        if raw is None:
            return None
        validated, problems = validate(RawContent((raw,), {}), self._schemas)
        documents = validated.content.documents
        if problems or len(documents) != 1 or documents[0].fields != old.fields:
            return None
        return documents[0]


def same_graph(old: Compiled, new: Compiled) -> bool:
    """Whether a body compiled to *new* leaves the link graph as *old* did: the same links,
    the same follow-up points in the same order, the same topics and areas mentioned, and no
    mistakes to report."""
    return (not new.notes and not old.notes and old.mentions == new.mentions
            and _links(old) == _links(new) and _statuses(old) == _statuses(new))


def _links(compiled: Compiled) -> list[tuple[str, bool]]:
    return sorted((link.href, link.image) for link in compiled.links)


def _statuses(compiled: Compiled) -> list[tuple[str, bool, tuple[str, ...]]]:
    return [(status.point, status.closed, status.mentions) for status in compiled.statuses]
