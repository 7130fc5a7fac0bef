"""``/admin/``: the web editor's page, its configuration, script and the vendored Decap CMS.

The preview server mounts :class:`Admin` on loopback; :func:`write_folder` writes the same
files for production, with the git host as backend and no local API. Nothing here is ever
part of the published site.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..model.schema_tree import SchemaSet
from ..stages.load import load_content, load_schemas
from ..stages.validate import Schemas, Validated, validate
from .backend import MAX_REQUEST_BYTES, LocalBackend
from .config import Backend, decap_config

PREFIX = "/admin/"
API_PATH = PREFIX + "api/v1"
HERE = Path(__file__).resolve().parent
DECAP = HERE / "decap"
SCRIPTS = ("oppstart.js", "norsk.js", "politiradet-cms.js", "politiradet-cms.css")
"""Our own files, beside this module: manual start, the Norwegian phrases Decap lacks, the
status form and the start, and the stylesheet and names that mend Decap's contrast and
accessibility where it falls short."""
ICON = HERE.parent.parent / "templates" / "assets" / "punkt" / "favicon.svg"
"""The site's own icon (Oslo kommune's, from Punkt), so the editor's tab shows it too."""
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'")
"""Decap needs inline styles (emotion) and eval (its configuration checker, ajv)."""
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8",
         ".json": "application/json", ".yml": "text/yaml; charset=utf-8",
         ".svg": "image/svg+xml",
         ".wasm": "application/wasm", ".txt": "text/plain; charset=utf-8", "": "text/plain"}

TOO_LARGE = f"Dokumentet er for stort: høyst {MAX_REQUEST_BYTES // (1024 * 1024)} MB kan lagres."
UNEXPECTED = ("Forhåndsvisningen kunne ikke svare på grunn av en feil i programmet. Se meldingene "
              "i terminalen, og last inn dokumentet på nytt før du lagrer igjen.")

LOCAL_STORAGE = '<meta name="politiradet-lagring" content="lokal">\n'
"""Tells our scripts the editor saves straight into content/ (the preview), not to git."""
INDEX = """\
<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Webredigering – Politirådet i Oslo</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
<link href="favicon.svg" rel="icon" type="image/svg+xml">
<link href="politiradet-cms.css" rel="stylesheet">
{storage}</head>
<body>
<script src="oppstart.js"></script>
<script src="decap/decap-cms.js"></script>
<script src="norsk.js"></script>
<script src="politiradet-cms.js"></script>
</body>
</html>
"""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str


class Admin:
    """The editor's files and the local backend for one content folder."""

    def __init__(self, content: Path, schema: Path) -> None:
        self.content, self.schema = content, schema
        self.backend = LocalBackend(content, schema)

    def get(self, parts: list[str], origin: str) -> Response | None:
        """The file ``/admin/<parts>`` or None (not found); *origin* is ``http://host:port``."""
        name = "/".join(parts[1:])
        if name in ("", "index.html"):
            return Response(200, INDEX.format(storage=LOCAL_STORAGE).encode(), TYPES[".html"])
        if name == ICON.name:
            return Response(200, ICON.read_bytes(), TYPES[".svg"])
        if name == "config.yml":
            return _yaml(self.config(Backend(site_url=origin + "/",
                                             local_url=origin + API_PATH)))
        if name == "punkter.json":
            return _json(200, points(self.validated()))
        if name in SCRIPTS:
            return Response(200, (HERE / name).read_bytes(), TYPES[Path(name).suffix])
        if len(parts) == 3 and parts[1] == "decap":
            return _vendored(parts[2])
        return None

    def post(self, body: bytes) -> Response:
        """Answer one call of Decap's local-backend protocol. A fault of ours is answered
        too (500, its traceback in the terminal), so the editor is never left without one."""
        if len(body) > MAX_REQUEST_BYTES:
            return _json(413, {"error": TOO_LARGE})
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _json(400, {"error": "Forespørselen er ikke gyldig JSON."})
        except RecursionError:
            return _json(400, {"error": "Forespørselen er nøstet for dypt til å leses."})
        try:
            answer = self.backend.handle(request)
        except Exception:
            traceback.print_exc()
            return _json(500, {"error": UNEXPECTED})
        return _json(answer.status, answer.body)

    def config(self, backend: Backend) -> dict[str, Any]:
        schemas, validated = _checked(self.content, self.schema)
        return decap_config(schemas, validated.content, backend)

    def validated(self) -> Validated:
        return _checked(self.content, self.schema)[1]


def points(validated: Validated) -> list[dict[str, Any]]:
    """The follow-up points a status update can be for, newest seminar first."""
    found = sorted((doc for doc in validated.content.documents
                    if doc.kind == "oppfolgingspunkt"),
                   key=lambda d: (-int(d.fields["seminar"]), int(d.fields["nummer"])))
    return [{"id": doc.slug, "tittel": doc.title, "utkast": doc.draft} for doc in found]


def write_folder(out: Path, content: Path, schema: Path, backend: Backend) -> None:
    """Write ``/admin/`` for production: the same page and configuration, the git host as
    backend (no local API), and the points known today."""
    schemas, validated = _checked(content, schema)
    (out / "decap").mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(INDEX.format(storage=""), encoding="utf-8")
    (out / ICON.name).write_bytes(ICON.read_bytes())
    (out / "config.yml").write_bytes(_yaml(decap_config(schemas, validated.content,
                                                        backend)).body)
    (out / "punkter.json").write_bytes(_json(200, points(validated)).body)
    for name in SCRIPTS:
        (out / name).write_bytes((HERE / name).read_bytes())
    for path in sorted(DECAP.iterdir()):
        (out / "decap" / path.name).write_bytes(path.read_bytes())


def _checked(content: Path, schema: Path) -> tuple[SchemaSet, Validated]:
    """The schemas and the validated content, read once for the configuration and points."""
    schemas = load_schemas(schema)
    raw, _ = load_content(content)
    return schemas, validate(raw, Schemas(schemas))[0]


def _vendored(name: str) -> Response | None:
    path = DECAP / name
    if name.startswith(".") or not path.is_file() or path.parent != DECAP:
        return None
    return Response(200, path.read_bytes(), TYPES.get(path.suffix, TYPES[""]))


def _yaml(data: Mapping[str, Any]) -> Response:
    text = ("# Laget av politiradet.editor fra schema/ og registrene i content/. "
            "Ikke rediger for hånd.\n" + yaml.safe_dump(dict(data), allow_unicode=True,
                                                          sort_keys=False, width=100))
    return Response(200, text.encode("utf-8"), TYPES[".yml"])


def _json(status: int, data: Any) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                    TYPES[".json"])
