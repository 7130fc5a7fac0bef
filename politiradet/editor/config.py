"""Decap CMS's configuration, generated from the JSON Schemas and the registries.

The schemas stay the single source of truth: one collection per content folder, every
top-level key of the schema a field (nested keys inside objects and lists too), labels from the
schema's ``title`` or the key's name, hints from its ``description``, required keys required,
dates as date fields stored as ``ÅÅÅÅ-MM-DD`` text, ``temaer`` and ``omrader`` as multi-selects of
the registries' slugs with their names as labels, ``kilde`` as an object, ``utkast`` a toggle.

A required list (``omrader``) may still be empty ("gjelder hele Oslo"), so lists are only
required in the editor when the schema asks for at least one item; the saved file always has
the key. New entries start as drafts (``utkast: true``), as with ``build.py new``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..model.content import FOLDERS, KIND_FOLDER, Content, Kind
from ..model.schema_tree import DOCUMENT_SCHEMAS, Key, SchemaSet, members, top_level_keys

CONTENT_ROOT = "content"
"""Folder of the content in the repository; the local backend maps it to ``--content``."""
BODY_FIELD = "body"
STATUS_COMPONENT = "status"
COLLECTION_LABELS: Mapping[Kind, tuple[str, str]] = {
    "referat": ("Referater", "Referat"),
    "avtale": ("Avtaler", "Avtale"),
    "oppfolgingspunkt": ("Oppfølgingspunkter", "Oppfølgingspunkt"),
}
SLUG_TEMPLATES: Mapping[Kind, str] = {
    "referat": "{{dato}}",
    "avtale": "{{tittel}}",
    "oppfolgingspunkt": "{{seminar}}-{{nummer}}",
}
"""File names of new documents: referater by date, points by seminar and number."""
BODY_LABELS: Mapping[Kind, tuple[str, str]] = {
    "referat": ("Tekst", "Referatet. Status for et oppfølgingspunkt legger du inn med knappen "
                "«+» og «Status for oppfølgingspunkt»."),
    "avtale": ("Tekst", "Avtaleteksten."),
    "oppfolgingspunkt": ("Tekst", "Punktet slik politirådet vedtok det."),
}
MARKDOWN_BUTTONS = ("bold", "italic", "link", "heading-two", "heading-three", "quote",
                    "bulleted-list", "numbered-list")
DATE_FORMAT = "YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class Backend:
    """Where Decap reads and saves: the git host in production, the preview's API locally."""

    name: str = "github"
    """``github`` or ``gitlab``."""
    repo: str = "oslokommune/politiradet-arkiv"
    branch: str = "main"
    site_url: str = ""
    """The published site (or the preview), for Decap's «Vis» links."""
    local_url: str | None = None
    """The preview's API (``http://127.0.0.1:PORT/admin/api/v1``), or None in production."""
    auth: tuple[tuple[str, str], ...] = ()
    """Login settings of the git host, such as GitLab's ``auth_type: pkce`` and ``app_id``, or
    the ``base_url`` of an OAuth service for GitHub."""


def decap_config(schemas: SchemaSet, content: Content, backend: Backend) -> dict[str, Any]:
    """The whole ``config.yml`` as plain data."""
    config: dict[str, Any] = {
        "backend": {"name": backend.name, "repo": backend.repo, "branch": backend.branch,
                    "squash_merges": True, **dict(backend.auth)},
        "publish_mode": "editorial_workflow",
        "locale": "nb_no",
        "media_folder": f"{CONTENT_ROOT}/vedlegg",
        "editor": {"preview": False},
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection(kind, schemas, content) for kind in FOLDERS.values()],
    }
    if backend.site_url:
        config["site_url"] = config["display_url"] = backend.site_url
    if backend.local_url:
        config["local_backend"] = {"url": backend.local_url}
    return config


def collection(kind: Kind, schemas: SchemaSet, content: Content) -> dict[str, Any]:
    """One content folder as a Decap folder collection."""
    schema = schemas[DOCUMENT_SCHEMAS[kind]]
    plural, singular = COLLECTION_LABELS[kind]
    folder = KIND_FOLDER[kind]
    body_label, body_hint = BODY_LABELS[kind]
    fields = [field(key, schemas, content) for key in top_level_keys(kind, schemas)]
    fields.append({"name": BODY_FIELD, "label": body_label, "hint": body_hint,
                   "widget": "markdown", "required": False, "modes": ["rich_text", "raw"],
                   "buttons": list(MARKDOWN_BUTTONS),
                   "editor_components": [STATUS_COMPONENT] if kind == "referat" else []})
    return {
        "name": folder, "label": plural, "label_singular": singular,
        "description": str(schema.get("description", "")),
        "folder": f"{CONTENT_ROOT}/{folder}", "extension": "md", "format": "yaml-frontmatter",
        "create": True, "delete": False, "slug": SLUG_TEMPLATES[kind],
        "identifier_field": "tittel", "summary": "{{dato}} – {{tittel}}",
        "sortable_fields": ["dato", "tittel"], "preview_path": f"{folder}/{{{{slug}}}}/",
        "fields": fields,
    }


def field(key: Key, schemas: SchemaSet, content: Content) -> dict[str, Any]:
    """One key as a Decap field: the widget its schema calls for, label, hint, required."""
    result: dict[str, Any] = {"name": key.name, "label": label(key),
                              "required": _required(key)}
    if key.schema.get("description"):
        result["hint"] = str(key.schema["description"])
    result.update(_widget(key, schemas, content))
    return result


def label(key: Key) -> str:
    """The schema's ``title``, or the key's name as words: ``gyldig_fra`` -> «Gyldig fra»."""
    title = key.schema.get("title")
    return str(title) if title else key.name.replace("_", " ").capitalize()


def _required(key: Key) -> bool:
    if key.schema.get("type") == "array":
        return key.required and int(key.schema.get("minItems", 0)) > 0
    return key.required


def _widget(key: Key, schemas: SchemaSet, content: Content) -> dict[str, Any]:
    schema, kind = key.schema, key.schema.get("type")
    registry = _registry_options(key, content)
    if registry is not None:
        return {"widget": "select", "multiple": True, "options": registry, "default": []}
    if "enum" in schema:
        return {"widget": "select", "options": [str(value) for value in schema["enum"]]}
    if kind == "boolean":
        default = True if key.name == "utkast" and key.depth == 0 else schema.get("default", False)
        return {"widget": "boolean", "default": bool(default)}
    if kind == "integer":
        return {"widget": "number", "value_type": "int",
                **{name: schema[source] for name, source in (("min", "minimum"),
                                                               ("max", "maximum"))
                   if source in schema}}
    if kind == "string" and schema.get("format") == "date":
        return {"widget": "datetime", "format": DATE_FORMAT, "date_format": DATE_FORMAT,
                "time_format": False,
                **({} if key.required else {"default": ""})}
    if kind == "object":
        return {"widget": "object", "collapsed": False,
                "fields": list(_nested(key, schemas, content))}
    if kind == "array":
        return {"widget": "list", "collapsed": False, "default": [],
                "fields": list(_nested(key, schemas, content))}
    return _string(schema)


def _string(schema: Mapping[str, Any]) -> dict[str, Any]:
    widget: dict[str, Any] = {"widget": "string"}
    if "pattern" in schema:
        widget["pattern"] = [schema["pattern"], str(schema.get("description", "Ugyldig verdi."))]
    return widget


def _nested(key: Key, schemas: SchemaSet, content: Content) -> Iterator[dict[str, Any]]:
    for member in members(key, schemas):
        yield field(member, schemas, content)


def _registry_options(key: Key, content: Content) -> list[dict[str, str]] | None:
    """Options for a list of registry slugs (``temaer``, ``omrader``), or None."""
    if key.schema.get("type") != "array" or key.depth != 0:
        return None
    registry: Mapping[str, Any] | None = {"temaer": content.topics,
                                          "omrader": content.areas}.get(key.name)
    if registry is None:
        return None
    return [{"label": entry.name, "value": slug} for slug, entry in registry.items()]
