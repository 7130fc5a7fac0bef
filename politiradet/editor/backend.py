"""The local backend: Decap CMS's proxy protocol (``decap-server``), answered by the preview.

Decap POSTs ``{"action": …, "params": {…}}`` as JSON to ``/admin/api/v1``. Only what an editor
needs is answered: list, read and save documents. Every path must name a document in one of
the three content folders (``content/referater/<id>.md``); after following symlinks it must
still lie inside the content folder, and a symlink is never written through. Saving checks the
new file with the real pipeline (load, validate, and the link stage's checks for that one
document) against the rest of the content first;
whatever ``check`` would reject is refused with its Norwegian message, which Decap shows to the
editor, and nothing is written. Nothing is ever deleted; media uploads are refused.

Every request's shape (the type of each parameter) is checked first, and anything malformed
gets a 400 with a Norwegian message. Saves happen one at a time, from the check to the write
(:mod:`politiradet.common.savefile`); a new document is only created if no file has its name,
so of two editors creating it at once one gets 409, and an answer of success names the id of
the bytes read back from the disk.
"""

from __future__ import annotations

import errno
import hashlib
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import savefile
from ..common.slug import MAX_LENGTH as MAX_SLUG_LENGTH
from ..common.slug import suggest_slug, too_long
from ..errors import Problem, os_error_reason, os_error_text
from ..model.content import FOLDERS
from ..model.schema_tree import SchemaSet
from ..pipeline import check_one
from ..stages import sourcefile
from ..stages.frontmatter import FrontMatterError, split
from ..stages.load import display, load_content, load_schemas
from ..stages.validate import Schemas
from ..store.database import Store, release
from ..store.documents import Documents
from .config import CONTENT_ROOT
from .document import document_text, duplicate_message, duplicate_of

DOCUMENT_PATH = re.compile(
    rf"{CONTENT_ROOT}/(?P<folder>{'|'.join(FOLDERS)})/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md")
"""A document's path as Decap names it; always used with ``fullmatch``."""
FOLDER_PATH = re.compile(rf"{CONTENT_ROOT}/(?P<folder>{'|'.join(FOLDERS)})/?")
"""A content folder's path; always used with ``fullmatch``."""
MAX_REQUEST_BYTES = 2 * 1024 * 1024
MAX_FILES_PER_REQUEST = 1000
"""The most documents one ``entriesByFiles`` may ask for (Decap asks for a handful)."""


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
        self._saving = threading.Lock()
        """Held from a save's check to its write: saves happen one at a time, so each is
        checked against the content as it is when it is written, and of two creations of
        one document the second sees the first."""

    def handle(self, request: Any) -> Answer:
        """Carry out one request; a refusal becomes ``{"error": message}``."""
        try:
            if not isinstance(request, dict):
                raise Refused(400, "Forespørselen må være et JSON-objekt med «action» og "
                              "«params».")
            name = _param(request, "action", str)
            action = ACTIONS.get(name)
            if action is None:
                raise Refused(400, f"Ukjent handling «{_shown(name)}».")
            return Answer(200, action(self, _param(request, "params", dict, {})))
        except Refused as refused:
            return Answer(refused.status, {"error": refused.message})
        except OSError as exc:
            return Answer(500, {"error": f"Forespørselen kunne ikke utføres: "
                                         f"{os_error_text(exc)}"})

    # --- actions ---------------------------------------------------------------------------

    def info(self, _params: Mapping[str, Any]) -> Any:
        return {"repo": self.content.resolve().name, "publish_modes": ["simple"],
                "type": "local_fs"}

    def entries_by_folder(self, params: Mapping[str, Any]) -> Any:
        match = FOLDER_PATH.fullmatch(_param(params, "folder", str))
        if not match:
            raise Refused(403, "Bare mappene i content/ kan leses.")
        folder = self._inside(Path(match["folder"]))
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        paths = (f"{CONTENT_ROOT}/{match['folder']}/{name}" for name in names)
        return [self._entry(path) for path in paths if _is_document_path(path)]

    def entries_by_files(self, params: Mapping[str, Any]) -> Any:
        files = _param(params, "files", list)
        if len(files) > MAX_FILES_PER_REQUEST:
            raise Refused(400, f"Forespørselen ber om {len(files)} filer; høyst "
                          f"{MAX_FILES_PER_REQUEST} kan leses om gangen.")
        return [self._entry(_param(_item(item, "files"), "path", str)) for item in files]

    def get_entry(self, params: Mapping[str, Any]) -> Any:
        return self._entry(_param(params, "path", str))

    def persist_entry(self, params: Mapping[str, Any]) -> Any:
        files = _param(params, "dataFiles", list)
        options = _param(params, "options", dict, {})
        if _param(params, "assets", list, []):
            raise Refused(422, "Bare dokumenter kan lagres her; bilder og vedlegg publiseres "
                          "ikke i arkivet.")
        if len(files) != 1:
            raise Refused(400, f"Forespørselen har {len(files)} dokumenter i «dataFiles»; "
                          f"ett dokument lagres om gangen.")
        entry = _item(files[0], "dataFiles")
        path, raw = _param(entry, "path", str), _param(entry, "raw", str)
        if _param(entry, "newPath", str, path) != path:
            raise Refused(422, "Å gi et dokument nytt filnavn gjøres i git, ikke her.")
        digest = self.save(path, raw, new=_param(options, "newEntry", bool, False))
        return {"message": "entry persisted", "file": {"path": path, "id": digest}}

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

    def save(self, path: str, raw: str, new: bool) -> str:
        """Check the document Decap sent and write it as ``new`` would; refuse what is wrong.
        The id (SHA-256) of the file as it is on the disk afterwards."""
        target = self._document(path)
        folder = _document_path(path)["folder"]
        schemas = load_schemas(self.schema)
        with self._saving:
            if target.is_symlink():
                raise Refused(403, f"{path} er en snarvei (symbolsk lenke) og skrives ikke.")
            if new and target.exists():
                raise _exists(path)
            existing = None if new else _decoded(_read(self.content, target))
            text = normalised(folder, raw, path, schemas, existing)
            if new:
                self._refuse_duplicate(folder, _document_path(path)["slug"], text)
            data = _encoded(text, path)
            problems = self.problems(target, data, schemas)
            if problems:
                raise Refused(422, "Dokumentet er ikke lagret. Rett dette først:\n" +
                              "\n".join(_message(problem, path, self.content)
                                        for problem in problems))
            _write(target, data, new, path)
            return _on_disk(self.content, target, data, path)

    def _refuse_duplicate(self, folder: str, slug: str, text: str) -> None:
        """Refuse a new document Decap has given a ``-1`` name because its own is taken."""
        def front_of(other: str) -> Mapping[str, Any] | None:
            data = _read(self.content, self._document(f"{CONTENT_ROOT}/{folder}/{other}.md"))
            return _front(_decoded(data)) if data is not None else None

        kind = FOLDERS[folder]
        data = _front(text) or {}
        base = duplicate_of(kind, slug, data, front_of)
        if base is not None:
            raise Refused(409, duplicate_message(kind, base, data))

    def problems(self, target: Path, data: bytes, schemas: dict[str, dict[str, Any]]
                 ) -> list[Problem]:
        """What ``check`` would say about *target* if it held *data*; other files' own
        problems are not the editor's concern here. The other documents are taken from the
        build store where their bytes validated before."""
        store = Store(self.content)
        try:
            raw, _problems = load_content(self.content, Documents(store, schemas))
            relative = target.relative_to(self.content.resolve()).as_posix()
            return check_one(raw, Schemas(schemas), relative, display(self.content / relative),
                             data, store)
        finally:
            release()  # the preview's request thread holds nothing of the store afterwards

    def _entry(self, path: str) -> dict[str, Any]:
        target = self._document(path)
        data = _read(self.content, target)
        if data is None:
            return {"data": None, "file": {"path": path, "id": None}}
        return {"data": data.decode("utf-8", errors="replace"),
                "file": {"path": path, "id": hashlib.sha256(data).hexdigest()}}

    def _document(self, path: str) -> Path:
        """The file a document path names, refusing anything outside the content folders."""
        match = _document_path(path)
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


def normalised(folder: str, raw: str, path: str, schemas: SchemaSet,
               existing: str | None = None) -> str:
    """The document as ``new`` and a careful editor would write it; an *existing* file (its
    text on disk) with only what the editor changed changed."""
    try:
        parsed = split(raw)
    except FrontMatterError as exc:
        raise Refused(422, f"{path}:{exc.line}:{exc.col}: {exc.message}") from None
    data = parsed.front.data if isinstance(parsed.front.data, dict) else {}
    return document_text(FOLDERS[folder], data, parsed.body, schemas, existing)


def _decoded(data: bytes | None) -> str | None:
    """A file's text, or None if there is none or it is not UTF-8 (then it is written anew)."""
    try:
        return data.decode("utf-8-sig") if data is not None else None
    except UnicodeDecodeError:
        return None


def _front(text: str | None) -> Mapping[str, Any] | None:
    """A document's front matter as plain data, or None if it cannot be read."""
    try:
        data = split(text).front.data if text is not None else None
    except FrontMatterError:
        return None
    return data if isinstance(data, dict) else None


def _message(problem: Problem, path: str, content: Path) -> str:
    """*problem* at *path*, with the other documents it names (by the path ``check`` shows,
    which is absolute for a content folder outside the working directory) named as the
    editor names them, ``content/referater/…``."""
    shown = display(content)
    message = problem.message
    if shown != ".":
        message = re.sub(rf"(?<![\w/.-]){re.escape(shown)}/", f"{CONTENT_ROOT}/", message)
    return f"{path}:{problem.line}:{problem.col}: {message}"


_MISSING: Any = object()
_KINDS = {str: "tekst", bool: "true eller false", list: "en liste", dict: "et JSON-objekt"}


def _param(params: Mapping[str, Any], name: str, kind: type, default: Any = _MISSING) -> Any:
    """The value *name* in *params*, of type *kind*; *default* when it is absent or null
    (refused when there is none)."""
    value = params.get(name)
    if value is None and default is not _MISSING:
        return default
    if value is None:
        raise Refused(400, f"Forespørselen mangler «{name}».")
    if not isinstance(value, kind):
        raise Refused(400, f"«{name}» i forespørselen må være {_KINDS[kind]}.")
    return value


def _item(value: Any, within: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise Refused(400, f"Hvert element i «{within}» må være {_KINDS[dict]}.")
    return value


def _is_document_path(path: str) -> bool:
    """Whether *path* names a document the loader would read (other files are not listed)."""
    match = DOCUMENT_PATH.fullmatch(path)
    return match is not None and not too_long(match["slug"])


def _document_path(path: str) -> re.Match[str]:
    """The parts of a document path, or refused: the whole path must name a document in one
    of the content folders, with a file name the loader accepts."""
    match = DOCUMENT_PATH.fullmatch(path)
    if not match:
        raise Refused(403, f"«{_shown(path)}» er ikke et dokument i content/referater, "
                      f"content/avtaler eller content/oppfolgingspunkter.")
    if too_long(match["slug"]):
        raise Refused(400, f"Filnavnet i «{_shown(path)}» er for langt: bruk høyst "
                      f"{MAX_SLUG_LENGTH} tegn foran «.md», for eksempel "
                      f"«{suggest_slug(match['slug'])}.md».")
    return match


def _shown(text: str, limit: int = 120) -> str:
    """*text* as quoted back to the editor: one line, not longer than *limit*."""
    line = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return line if len(line) <= limit else line[:limit] + "…"


def _encoded(text: str, path: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = ord(exc.object[exc.start])
        raise Refused(400, f"{path}: teksten har et ugyldig tegn (U+{bad:04X}) og er ikke "
                      f"lagret. Slett tegnet og lagre på nytt.") from None


def _exists(path: str) -> Refused:
    return Refused(409, f"{path} finnes allerede, så dokumentet er ikke lagret. Velg en annen "
                   f"dato eller tittel, eller åpne dokumentet som finnes og skriv der.")


def _write(target: Path, data: bytes, new: bool, path: str) -> None:
    """Publish the checked document: a new one only if no file has its name meanwhile."""
    try:
        if new:
            savefile.write_new(target, data)
        else:
            savefile.replace_atomically(target, data)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        raise Refused(507 if exc.errno in (errno.ENOSPC, errno.EDQUOT) else 500,
                      f"{path} er ikke lagret: {os_error_reason(exc)}. Teksten står fortsatt "
                      f"i skjemaet; lagre på nytt når feilen er rettet.") from None


def _on_disk(root: Path, target: Path, data: bytes, path: str) -> str:
    """The id of *data*, once read back from *target*; refused if another program changed
    the file in the meantime."""
    if _read(root, target) != data:
        raise Refused(409, f"{path} ble endret av et annet program idet det ble lagret. "
                      f"Last inn dokumentet på nytt og se over teksten før du lagrer igjen.")
    return hashlib.sha256(data).hexdigest()


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
