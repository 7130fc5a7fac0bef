"""What each page is made from: the hash of its render input (see
:mod:`politiradet.store.deps`), so the build renders only pages whose input changed."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes

from ..common.address import SiteAddress
from ..model.archive import Archive, Target
from ..model.content import Content, Document
from ..store.deps import Hasher

UNSEEN: Mapping[type, frozenset[str]] = {
    Document: frozenset({"body", "body_line", "locations", "source"}),
    Archive: frozenset({"compiled"}),
    Content: frozenset({"documents"}),
}
"""What a page's render input leaves out: a document's body text reaches a page only through
:meth:`Keys.body_key` and :meth:`Keys.texts_key` (so a list of titles does not change when a
body does), the compiled bodies likewise, and drafts never reach a page."""


OWN_ONLY: Mapping[type, frozenset[str]] = {
    Archive: frozenset({"compiled", "backlinks", "reported", "published_here", "history",
                        "targets", "mentioning_topic", "mentioning_area"}),
    Content: frozenset({"documents", "changed"}),
}
"""What a document's page reads of the archive only for its own document (its compiled body,
backlinks, status updates, points, resolved links, git date) or not at all (the mentions of
topics and areas, which only their lists show): left out of :attr:`Keys.shared_key`, and taken
for the one document in :meth:`Keys.document_key`. Every other field, and any field added
later, is in the shared key."""


class Keys:
    """Render input hashes for the pages of one build: templates (with what they extend,
    import and include, and the globals they read), page values, bodies by digest."""

    def __init__(self, env: jinja2.Environment, address: SiteAddress, archive: Archive) -> None:
        self.env = env
        self.address = address
        self._facts: dict[str, tuple[str, frozenset[str], tuple[str, ...]]] = {}
        self.use(archive)

    def use(self, archive: Archive) -> None:
        """Hash the render inputs of *archive* from now on: every key made from the last one
        (the templates' keys, which hash the ``archive`` global, :attr:`shared_key`,
        :attr:`texts_key`) is forgotten, and so is what the hasher remembers of it; only the
        templates' own facts are kept."""
        self.archive = archive
        self.hasher = Hasher(UNSEEN)
        self._template_keys: dict[str, str] = {}
        for name in _OF_THE_ARCHIVE:
            self.__dict__.pop(name, None)

    def page(self, template: str, path: str, context: Mapping[str, Any]) -> str:
        """The render input hash of the page *path* made from *template* with *context*."""
        return self.hasher.digest((self.template_key(template), path, context))

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

        Kept on the instance, not in a ``functools.cache``, which would keep every renderer
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
    def shared_key(self) -> str:
        """Hash of the archive but for :data:`OWN_ONLY`: what every document page may read."""
        def kept(value: Any, skip: frozenset[str]) -> tuple[tuple[str, Any], ...]:
            return tuple((f.name, getattr(value, f.name)) for f in dataclasses.fields(value)
                         if f.name not in skip)
        return self.hasher.digest((kept(self.archive, OWN_ONLY[Archive] | {"content"}),
                                   kept(self.archive.content, OWN_ONLY[Content])))

    def document_key(self, template: str, path: str, doc: Document) -> str:
        """A shortcut key of *doc*'s page (*path* from *template*): a hash of everything the
        page may read (:attr:`shared_key` and the document's own part of :data:`OWN_ONLY`),
        cheap to compute without building the page's values. Equal shortcut keys mean equal
        render inputs, so the page's key is taken over from the last build (see
        :class:`~politiradet.store.deps.Output`); a different one only means the page's values
        are built and hashed."""
        archive, own = self.archive, doc.path
        return self.hasher.digest((
            self.template_key(template), path, self.shared_key, self.body_key(doc),
            archive.backlinks.get(own, ()), archive.reported.get(own, ()),
            archive.published_here.get(own, ()), archive.history.get(own, ()),
            self._targets.get(own, ()), archive.content.changed.get(own)))

    @cached_property
    def _targets(self) -> dict[str, list[tuple[str, Target]]]:
        """Content path -> (href, target) of each link the document makes."""
        found: dict[str, list[tuple[str, Target]]] = defaultdict(list)
        for (path, href), target in self.archive.targets.items():
            found[path].append((href, target))
        return found

    @cached_property
    def texts_key(self) -> str:
        """Hash of the archive with every published body: what feeds and search are made of."""
        return self.hasher.digest((self.archive, [self.body_key(d)
                                                  for d in self.archive.documents]))


_OF_THE_ARCHIVE = tuple(name for name, value in vars(Keys).items()
                        if isinstance(value, cached_property))
"""The cached properties of :class:`Keys`, all made from its archive (:meth:`Keys.use`
forgets them): found, not listed, so a new one cannot be left out."""
