"""The render stage: plans every file of the site — pages, assets, original PDFs and the
machine-readable outputs — each with the hash of what it is made from, none of them made yet
(:func:`plan`), and makes those the build needs on every core (:func:`produce`).

The pages themselves come from :mod:`politiradet.rendering`."""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..common.heap import frozen, paused
from ..common.parallel import ordered_map
from ..model.archive import Archive
from ..model.content import MAX_PDF_BYTES, SourcePdf
from ..rendering.pages import Renderer
from ..store.deps import Output, same_input, shortcut_of, with_shortcut
from ..store.parts import Parts
from . import dcat, feeds, oparl, sourcefile


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
    shortcuts: Mapping[str, str] = field(default_factory=dict)
    """Content path -> the shortcut key of each document's page (:attr:`Renderer.shortcuts`),
    under which its search record's fingerprint is kept."""
    verify_shortcuts: bool = False
    """:attr:`Renderer.verify_shortcuts`: what is looked up by a shortcut key is also worked
    out, and must be the same."""
    release: Callable[[], None] = lambda: None
    """Called once every output is made: the renderer lets go of the archive
    (:meth:`Renderer.release`)."""


def assets(templates: Path) -> Iterator[Page]:
    """Static files shipped with the templates (``templates/assets/``)."""
    root = templates / "assets"
    for path in sorted(root.rglob("*")) if root.is_dir() else ():
        if path.is_file() and not path.name.startswith("."):
            yield Page("assets/" + path.relative_to(root).as_posix(), path.read_bytes())


def machine_outputs(r: Renderer, html_paths: tuple[str, ...], parts: Parts | None = None
                    ) -> Iterator[Output]:
    """Feeds, calendar, open data, OParl, the data catalogue, sitemap and robots.txt; the
    parts of whole-archive files are kept in *parts*."""
    for path, make in itertools.chain(feeds.outputs(r.archive, r.address, html_paths, parts,
                                                    r.shortcuts, r.verify_shortcuts),
                                      dcat.outputs(r.archive, r.address)):
        yield Output(path, _machine_key(r, path, make), make, feeds.in_pieces(make))
    yield from _oparl_outputs(r)


def _machine_key(r: Renderer, path: str, make: functools.partial[bytes]) -> str:
    """The render input of a machine-readable file: the arguments of its partial."""
    return r.keys.hasher.digest((path, make.func.__name__, make.args, make.keywords or None))


def _oparl_outputs(r: Renderer) -> Iterator[Output]:
    """The OParl files. One whose shortcut key (:meth:`oparl.Api.shortcut`) is the one the
    live site's file was made with keeps that file's key, and its object is built only if it
    is made after all. One the live site does not have has its shortcut key as its key: there
    is no key to compare a finer one with, so its object is built where the file is made (on
    every core), not here. The others are planned in full, their shortcut key added to their
    key (as :func:`politiradet.rendering.pages.document_page`'s are), so a change their
    objects do not show makes no file again. With :attr:`Renderer.verify_shortcuts` every file
    is planned in full, and one taken over must have the key it has in full.

    A list page in full is its entries, each the object of a file planned before it: its key
    is made of theirs (:func:`_list_page_key`), not of their objects hashed again."""
    api = oparl.Api(r.archive, r.address, r.keys.hasher.digest)
    planned: dict[str, str] = {}  # path -> key of each file planned so far
    for path, ref in api.files():
        shortcut = api.shortcut(ref)
        live = r.published.get(path)
        if live is not None and shortcut_of(live) == shortcut:
            if r.verify_shortcuts and not same_input(live, _oparl_key(r, api, planned, path,
                                                                      ref)):
                raise AssertionError(f"{path}: the shortcut key hid a change of its input")
            output = Output(path, live, functools.partial(_make_oparl, api, ref))
        elif live is None and not r.verify_shortcuts:
            output = Output(path, with_shortcut(shortcut, shortcut),
                            functools.partial(_make_oparl, api, ref))
        else:
            output = Output(path, with_shortcut(_oparl_key(r, api, planned, path, ref),
                                                shortcut), functools.partial(_make_oparl, api, ref))
        planned[path] = output.key
        yield output


def _oparl_key(r: Renderer, api: oparl.Api, planned: Mapping[str, str], path: str,
               ref: oparl.Ref) -> str:
    """The render input of an OParl file in full: the arguments of its partial, or for a list
    page :func:`_list_page_key`."""
    if ref.name == "list_page":
        return _list_page_key(r, api, planned, path, ref)
    return _machine_key(r, path, api.made(ref))


def _list_page_key(r: Renderer, api: oparl.Api, planned: Mapping[str, str], path: str,
                   ref: oparl.Ref) -> str:
    """The render input of a list page: its place among the pages and the render inputs of
    its entries' own files (:attr:`oparl.Api.entry_files`). An entry is made by the function
    that makes its file, from the same arguments, and each file's key covers those (its
    shortcut key, when that is its key, covers everything they are made from), so equal keys
    of the entries mean equal entries; hashing their objects again cost a tenth of a second
    per list page an edit touches."""
    name, page, pages, total, _ = ref.own
    return r.keys.hasher.digest((path, ref.name, r.address, name, page, pages, total,
                                 tuple(planned[entry].partition(" ")[0]
                                       for entry in api.entry_files[path])))


def _make_oparl(api: oparl.Api, ref: oparl.Ref) -> bytes:
    return api.made(ref)()


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


def plan(archive: Archive, templates: Path, base_url: str, parts: Parts | None = None,
         published: Mapping[str, str] | None = None) -> Plan:
    """Every page, asset and machine-readable output of the site, none of them rendered yet;
    *parts* keeps the per-document parts of the whole-archive files (open data), *published*
    is the key of each file of the live site (see :class:`Renderer`)."""
    with frozen(), paused():  # the archive's millions of objects, and the plan's own: the
        return _plan(archive, templates, base_url, parts, published)  # collections that its
        # many small tuples set off need not walk them every time


def _plan(archive: Archive, templates: Path, base_url: str, parts: Parts | None,
          published: Mapping[str, str] | None) -> Plan:
    renderer = Renderer(archive, templates, base_url, published)
    try:
        return _planned(renderer, templates, parts)
    except BaseException:
        renderer.release()  # a template that fails: the archive goes with this stage
        raise


def _planned(renderer: Renderer, templates: Path, parts: Parts | None) -> Plan:
    pages = tuple(renderer.pages())
    html_paths = tuple(page.path for page in pages)
    files = tuple(Output(page.path, hashlib.sha256(page.content).hexdigest(),
                         functools.partial(bytes, page.content)) for page in assets(templates))
    files = (*files, *original_documents(renderer))
    machine = tuple(machine_outputs(renderer, html_paths, parts))
    seen: set[str] = set()
    for output in (*pages, *files, *machine):
        if output.path in seen:
            raise ValueError(f"to sider vil skrives til samme adresse: {output.path}")
        seen.add(output.path)
    planned = Plan((*pages, *files), machine, html_paths, renderer.keys.texts_key,
                   renderer.shortcuts, renderer.verify_shortcuts, renderer.release)
    # the outputs keep the renderer, and its hasher remembered every object of the archive
    # it hashed (5.8 kB per document); nothing planned hashes them again
    renderer.keys.hasher.forget()
    return planned


def produce(outputs: Sequence[Output]) -> Iterator[tuple[str, bytes | Iterable[bytes]]]:
    """Render *outputs* (on every core when there are many), each as soon as it is done; an
    output made in pieces (:attr:`Output.chunks`) last, in this process, as its pieces."""
    yield from ordered_map(_made, [o for o in outputs if o.chunks is None])
    for output in outputs:
        if output.chunks is not None:
            yield output.path, output.chunks()


def _made(output: Output) -> tuple[str, bytes]:
    return output.path, output.make()
