"""The local backend: Decap CMS's proxy protocol (``decap-server``), answered by the preview.

Decap POSTs ``{"action": …, "params": {…}}`` as JSON to ``/admin/api/v1``. Only what an editor
needs is answered: list, read and save documents. Every path must name a document in one of
the three content folders (``content/referater/<id>.md``); after following symlinks it must
still lie inside the content folder, and a symlink is never written through. Saving checks the
new file with the real pipeline (load, validate, and the link stage's checks for that one
document) against the rest of the content first;
whatever ``check`` would reject is refused with its Norwegian message, which Decap shows to the
editor, and nothing is written. Nothing is ever deleted; media uploads are refused.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..model.content import FOLDERS
from ..model.schema_tree import SchemaSet
from ..stages import sourcefile
from ..stages.compile import compile_bodies
from ..stages.frontmatter import FrontMatterError, decode, split
from ..stages.link import check_document
from ..stages.load import RawContent, RawDocument, display, load_content, load_schemas
from ..stages.validate import Schemas, validate
from ..store.documents import DocumentCache
from ..store.records import RecordCache
from .config import CONTENT_ROOT
from .document import document_text

DOCUMENT_PATH = re.compile(
    rf"^{CONTENT_ROOT}/(?P<folder>{'|'.join(FOLDERS)})/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
FOLDER_PATH = re.compile(rf"^{CONTENT_ROOT}/(?P<folder>{'|'.join(FOLDERS)})/?$")
MAX_REQUEST_BYTES = 2 * 1024 * 1024


class Refused(Exception):
    """A request the backend will not carry out; the message is for the editor (Norwegian)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP status and a JSON-able body."""

    status: int
    body: Any


class LocalBackend:
    """Decap's proxy actions against one content folder."""

    def __init__(self, content: Path, schema: Path) -> None:
        self.content, self.schema = content, schema

    def handle(self, request: Any) -> Answer:
        """Carry out one request; a refusal becomes ``{"error": message}``."""
        try:
            if not isinstance(request, dict) or not isinstance(request.get("params", {}), dict):
                raise Refused(422, "Forespørselen er ikke gyldig.")
            action = ACTIONS.get(str(request.get("action")))
            if action is None:
                raise Refused(422, f"Ukjent handling «{request.get('action')}».")
            return Answer(200, action(self, request.get("params", {})))
        except Refused as refused:
            return Answer(refused.status, {"error": refused.message})

    # --- actions ---------------------------------------------------------------------------

    def info(self, _params: Mapping[str, Any]) -> Any:
        return {"repo": self.content.resolve().name, "publish_modes": ["simple"],
                "type": "local_fs"}

    def entries_by_folder(self, params: Mapping[str, Any]) -> Any:
        match = FOLDER_PATH.match(_text(params.get("folder")))
        if not match:
            raise Refused(403, "Bare mappene i content/ kan leses.")
        folder = self._inside(Path(match["folder"]))
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        paths = (f"{CONTENT_ROOT}/{match['folder']}/{name}" for name in names)
        return [self._entry(path) for path in paths if DOCUMENT_PATH.match(path)]

    def entries_by_files(self, params: Mapping[str, Any]) -> Any:
        files = params.get("files")
        if not isinstance(files, list):
            raise Refused(422, "Forespørselen mangler filer.")
        return [self._entry(_text(item.get("path") if isinstance(item, dict) else None))
                for item in files]

    def get_entry(self, params: Mapping[str, Any]) -> Any:
        return self._entry(_text(params.get("path")))

    def persist_entry(self, params: Mapping[str, Any]) -> Any:
        entry = params.get("entry") or next(iter(params.get("dataFiles") or []), None)
        options = params.get("options")
        options = options if isinstance(options, dict) else {}
        if not isinstance(entry, dict) or params.get("assets"):
            raise Refused(422, "Bare dokumenter kan lagres her; bilder og vedlegg publiseres "
                          "ikke i arkivet.")
        if entry.get("newPath") and entry.get("newPath") != entry.get("path"):
            raise Refused(422, "Å gi et dokument nytt filnavn gjøres i git, ikke her.")
        path = _text(entry.get("path"))
        self.save(path, _text(entry.get("raw")), new=bool(options.get("newEntry")))
        return {"message": "entry persisted"}

    def get_media(self, _params: Mapping[str, Any]) -> Any:
        return []

    def refuse_media(self, _params: Mapping[str, Any]) -> Any:
        raise Refused(422, "Bilder og filer publiseres ikke i arkivet. Lenk til dem i teksten i "
                      "stedet.")

    def refuse_delete(self, _params: Mapping[str, Any]) -> Any:
        raise Refused(422, "Dokumenter slettes ikke fra nettleseren. Sett «utkast» hvis "
                      "dokumentet ikke skal publiseres, eller slett filen i git.")

    def deploy_preview(self, _params: Mapping[str, Any]) -> Any:
        return None

    # --- reading and writing ---------------------------------------------------------------

    def save(self, path: str, raw: str, new: bool) -> Path:
        """Check the document Decap sent and write it as ``new`` would; refuse what is wrong."""
        target = self._document(path)
        match = DOCUMENT_PATH.match(path)
        assert match is not None  # checked by _document
        if target.is_symlink():
            raise Refused(403, f"{path} er en snarvei (symbolsk lenke) og skrives ikke.")
        if new and target.exists():
            raise Refused(409, f"{path} finnes allerede. Velg en annen dato eller tittel, eller "
                          f"åpne dokumentet som finnes.")
        schemas = load_schemas(self.schema)
        text = normalised(match["folder"], raw, path, schemas)
        problems = self.problems(target, text.encode("utf-8"), schemas)
        if problems:
            raise Refused(422, "Dokumentet er ikke lagret. Rett dette først:\n" +
                          "\n".join(_message(problem, path) for problem in problems))
        _write(target, text.encode("utf-8"))
        return target

    def problems(self, target: Path, data: bytes, schemas: dict[str, dict[str, Any]]
                 ) -> list[Problem]:
        """What ``check`` would say about *target* if it held *data*; other files' own
        problems are not the editor's concern here. The other documents are taken from the
        cache of validated documents where their bytes validated before."""
        raw, problems = load_content(self.content, DocumentCache(self.content, schemas))
        relative = target.relative_to(self.content.resolve()).as_posix()
        source = display(self.content / relative)
        problems = [p for p in problems if p.path != source]
        try:
            split_file = split(decode(data))
        except FrontMatterError as exc:
            return [Problem(source, exc.line, exc.col, exc.message)]
        folder, _, name = relative.partition("/")
        candidate = RawDocument(FOLDERS[folder], name.removesuffix(".md"), relative, source,
                                split_file)
        raw = _with(raw, candidate)
        validated, found = validate(raw, Schemas(schemas))
        compiled, notes = compile_bodies(validated, RecordCache(), only=relative)
        linked = notes + check_document(validated, relative, compiled)
        return sorted({p for p in (*found, *linked) if p.path == source})

    def _entry(self, path: str) -> dict[str, Any]:
        target = self._document(path)
        data = _read(self.content, target)
        if data is None:
            return {"data": None, "file": {"path": path, "id": None}}
        return {"data": data.decode("utf-8", errors="replace"),
                "file": {"path": path, "id": hashlib.sha256(data).hexdigest()}}

    def _document(self, path: str) -> Path:
        """The file a document path names, refusing anything outside the content folders."""
        match = DOCUMENT_PATH.match(path)
        if not match:
            raise Refused(403, f"«{path}» er ikke et dokument i content/referater, "
                          f"content/avtaler eller content/oppfolgingspunkter.")
        return self._inside(Path(match["folder"]) / f"{match['slug']}.md")

    def _inside(self, relative: Path) -> Path:
        """*relative* inside the content folder, after following symlinks, or refused."""
        root = self.content.resolve()
        target = root / relative
        if not sourcefile.inside(root, target) or (root / relative.parts[0]).is_symlink():
            raise Refused(403, f"{CONTENT_ROOT}/{relative.as_posix()} ligger utenfor "
                          f"innholdsmappen og kan ikke brukes.")
        return target


ACTIONS: Mapping[str, Callable[[LocalBackend, Mapping[str, Any]], Any]] = {
    "info": LocalBackend.info,
    "entriesByFolder": LocalBackend.entries_by_folder,
    "entriesByFiles": LocalBackend.entries_by_files,
    "getEntry": LocalBackend.get_entry,
    "persistEntry": LocalBackend.persist_entry,
    "getMedia": LocalBackend.get_media,
    "getMediaFile": LocalBackend.refuse_media,
    "persistMedia": LocalBackend.refuse_media,
    "deleteFile": LocalBackend.refuse_delete,
    "deleteFiles": LocalBackend.refuse_delete,
    "getDeployPreview": LocalBackend.deploy_preview,
}


def normalised(folder: str, raw: str, path: str, schemas: SchemaSet) -> str:
    """The document as ``new`` and a careful editor would write it."""
    try:
        parsed = split(raw)
    except FrontMatterError as exc:
        raise Refused(422, f"{path}:{exc.line}:{exc.col}: {exc.message}") from None
    data = parsed.front.data if isinstance(parsed.front.data, dict) else {}
    return document_text(FOLDERS[folder], data, parsed.body, schemas)


def _with(raw: RawContent, candidate: RawDocument) -> RawContent:
    """The content as it would be with *candidate* saved."""
    others = tuple(doc for doc in raw.documents if doc.path != candidate.path)
    documents = tuple(sorted((*others, candidate), key=lambda doc: doc.path))
    return replace(raw, documents=documents, unreadable=raw.unreadable - {candidate.path})


def _message(problem: Problem, path: str) -> str:
    return f"{path}:{problem.line}:{problem.col}: {problem.message}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _read(root: Path, path: Path) -> bytes | None:
    """The document's bytes under the loader's policy
    (:mod:`politiradet.stages.sourcefile`), or None
    if there is none to read; a symlink is never opened here, as it is never written."""
    if path.is_symlink():
        return None
    try:
        return sourcefile.read(root, path)
    except sourcefile.RefusedFile:
        return None


def _write(target: Path, data: bytes) -> None:
    """Write in one step (a hidden staging file, then rename): the watcher sees one change."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.lagres")
    staging.write_bytes(data)
    os.replace(staging, target)
