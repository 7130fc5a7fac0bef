"""Decap CMS's configuration, generated from the JSON Schemas and the registries.

The schemas stay the single source of truth: one collection per content folder, every
top-level key of the schema a field (nested keys inside objects and lists too), labels from the
schema's ``title`` or the key's name, hints from its ``description`` (or, where that speaks of
files, YAML values and ``true``, from :data:`EDITOR_HINTS` in the editor's own words), required
keys required, dates as text fields that take and show ``ÅÅÅÅ-MM-DD`` (a browser's date field
shows the date in the browser's language, mm/dd/yyyy in an English one), ``temaer`` and
``omrader`` as multi-selects of the registries' slugs with their names as labels (a referat's
``politirad`` as a select of the councils), ``kilde`` as an object, ``utkast`` a toggle.

A required list (``omrader``) may still be empty ("gjelder hele Oslo"), so lists are only
required in the editor when the schema asks for at least one item; the saved file always has
the key. In the preview, where saving writes straight into ``content/``, new entries start as
drafts (``utkast: true``), as with ``build.py new``; on the git host the editorial workflow (a
pull request per change) keeps a new document unpublished until it is published, so there
``utkast`` starts off and a publish publishes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..model.content import FOLDERS, KIND_FOLDER, Content, Kind
from ..model.schema_tree import Key, SchemaSet, members, top_level_keys

CONTENT_ROOT = "content"
"""Folder of the content in the repository; the local backend maps it to ``--content``."""
BODY_FIELD = "body"
STATUS_COMPONENT = "status"
DECISION_COMPONENT = "vedtak"
COLLECTION_LABELS: Mapping[Kind, tuple[str, str]] = {
    "referat": ("Referater", "Referat"),
    "avtale": ("Avtaler", "Avtale"),
    "oppfolgingspunkt": ("Oppfølgingspunkter", "Oppfølgingspunkt"),
}
COLLECTION_DESCRIPTIONS: Mapping[Kind, str] = {
    "referat": "Referater fra møtene og oppsummeringer fra seminarene i politirådet. Status for "
               "et oppfølgingspunkt setter du inn i teksten med «+» («Sett inn»).",
    "avtale": "Politirådsavtaler og samarbeidsdokumenter mellom Oslo kommune og Oslo "
              "politidistrikt.",
    "oppfolgingspunkt": "Punktene politirådet ble enige om på seminarene, slik de ble vedtatt. "
                        "Status for et punkt meldes i referatene, ikke her.",
}
"""Shown above each list; the schemas' descriptions speak of files and folders."""
SUMMARY = "{{dato}} – {{tittel}}{{utkast | ternary(' (utkast)', '')}}"
"""A document in the lists: date, title, and «(utkast)» for a draft, so a new document saved
as a draft is seen as one where the editor looks for it."""
SLUG_TEMPLATES: Mapping[Kind, str] = {
    "referat": "{{dato}}",
    "avtale": "{{tittel}}",
    "oppfolgingspunkt": "{{seminar}}-{{nummer}}",
}
"""File names of new documents: referater by date, points by seminar and number."""
BODY_LABELS: Mapping[Kind, tuple[str, str]] = {
    "referat": ("Tekst", "Referatet. Status for et oppfølgingspunkt setter du inn med knappen "
                "«+» («Sett inn») og «Status for oppfølgingspunkt», et vedtak med «Vedtak»."),
    "avtale": ("Tekst", "Avtaleteksten."),
    "oppfolgingspunkt": ("Tekst", "Punktet slik politirådet vedtok det."),
}
MARKDOWN_BUTTONS = ("bold", "italic", "link", "heading-two", "heading-three", "quote",
                    "bulleted-list", "numbered-list")
DATE_PATTERN = (r"^\d{4}-\d{2}-\d{2}$",
                "Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2026-03-12 for 12. mars 2026.")
LABELS: Mapping[str, str] = {"url": "Nettadresse", "fil": "Fil (PDF)",
                             "vedtatt_pa": "Vedtatt på"}
"""Labels for keys whose name, made into words, is not Norwegian as written (no «å» in a key)."""
LIST_ITEMS: Mapping[str, str] = {"til_stede": "person", "forfall": "person"}
"""What one item of a list of texts is called («Legg til person»); otherwise «linje»."""
EDITOR_HINTS: Mapping[str, str] = {
    "temaer": "Velg temaene dokumentet handler om. Skriv for å søke i listen.",
    "omrader": "Velg områdene dokumentet omtaler. La feltet stå tomt hvis dokumentet gjelder "
               "hele Oslo.",
    "politirad": "Velg politirådet referatet er fra. La feltet stå tomt når referatet er fra "
                 "arkivets eget politiråd.",
    "udatert": "Slå på når originalen ikke er datert. Da er «Dato» bare første dag i "
               "gyldighetsperioden, og nettstedet viser gyldighetsperioden i stedet for datoen.",
    "avsluttet": "Slå på når politirådet har sluttført punktet. Av betyr at punktet fortsatt "
                 "følges opp.",
    "kilde.fil": "Filnavnet til originaldokumentet (PDF) i arkivets mappe for kilder, for "
                 "eksempel «referat-2025-05-14.pdf». PDF-en legges inn der av den som har "
                 "tilgang til git. Små bokstaver a–z, tall, punktum, bindestrek og understrek; "
                 "navnet slutter på .pdf.",
    "vedlegg[].lenke": "Lenke til et annet dokument i arkivet, skrevet slik som "
                     "../referater/2025-05-14.md, eller en https-adresse.",
    "vedtatt_pa": "Lenke til oppsummeringen fra seminaret der punktet ble vedtatt, når den "
                  "finnes i arkivet, skrevet slik som ../referater/2026-01-29.md.",
    "publisert_i": "Lenke til dokumentet der punktet først ble publisert, vanligvis referatet "
                   "som har punktene som vedlegg, skrevet slik som ../referater/2025-05-14.md.",
}
"""The editor's words for keys whose schema description speaks the file's language (YAML
``true``, ``content/…`` paths, «kortnavn»); the schema's text stays for the key guide."""
DRAFT_HINTS: Mapping[bool, str] = {
    True: "Slått på: dokumentet lagres og kan forhåndsvises (start forhåndsvisningen med "
          "«--utkast»), men publiseres ikke. Nye dokumenter begynner som utkast; slå av når "
          "dokumentet skal publiseres.",
    False: "Slått på: dokumentet publiseres ikke, heller ikke når endringen er publisert. Et nytt "
           "dokument begynner med dette slått av, fordi det uansett ikke publiseres før du "
           "publiserer endringen under «Arbeidsflyt».",
}
"""The hint of ``utkast``: where it starts on (the preview) and where it starts off."""


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
        "collections": [collection(kind, schemas, content, local=backend.local_url is not None)
                        for kind in FOLDERS.values()],
    }
    if backend.site_url:
        config["site_url"] = config["display_url"] = backend.site_url
    if backend.local_url:
        config["local_backend"] = {"url": backend.local_url}
    return config


def collection(kind: Kind, schemas: SchemaSet, content: Content, local: bool = False
               ) -> dict[str, Any]:
    """One content folder as a Decap folder collection; *local* when it saves to the disk
    (the preview) rather than to the git host."""
    plural, singular = COLLECTION_LABELS[kind]
    folder = KIND_FOLDER[kind]
    body_label, body_hint = BODY_LABELS[kind]
    fields = [field(key, schemas, content) for key in top_level_keys(kind, schemas)]
    for draft in (found for found in fields if found["name"] == "utkast"):
        draft.update(default=local, hint=DRAFT_HINTS[local])
    fields.append({"name": BODY_FIELD, "label": body_label, "hint": body_hint,
                   "widget": "markdown", "required": False, "modes": ["rich_text", "raw"],
                   "buttons": list(MARKDOWN_BUTTONS),
                   "editor_components": ([STATUS_COMPONENT, DECISION_COMPONENT]
                                         if kind == "referat" else [])})
    return {
        "name": folder, "label": plural, "label_singular": singular,
        "description": COLLECTION_DESCRIPTIONS[kind],
        "folder": f"{CONTENT_ROOT}/{folder}", "extension": "md", "format": "yaml-frontmatter",
        "create": True, "delete": False, "slug": SLUG_TEMPLATES[kind],
        "identifier_field": "tittel", "summary": SUMMARY,
        "sortable_fields": ["dato", "tittel"], "preview_path": f"{folder}/{{{{slug}}}}/",
        "fields": fields,
    }


def field(key: Key, schemas: SchemaSet, content: Content) -> dict[str, Any]:
    """One key as a Decap field: the widget its schema calls for, label, hint, required."""
    result: dict[str, Any] = {"name": key.name, "label": label(key),
                              "required": _required(key)}
    hint = EDITOR_HINTS.get(key.path, key.schema.get("description"))
    if hint:
        result["hint"] = str(hint)
    result.update(_widget(key, schemas, content))
    return result


def label(key: Key) -> str:
    """The schema's ``title``, or the key's name as words: ``gyldig_fra`` -> «Gyldig fra»."""
    title = key.schema.get("title") or LABELS.get(key.name)
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
    councils = _council_options(key, content)
    if councils is not None:
        return {"widget": "select", "options": councils}
    if "enum" in schema:
        return {"widget": "select", "options": [str(value) for value in schema["enum"]]}
    if kind == "boolean":
        return {"widget": "boolean", "default": bool(schema.get("default", False))}
    if kind == "integer":
        return {"widget": "number", "value_type": "int",
                **{name: schema[source] for name, source in (("min", "minimum"),
                                                               ("max", "maximum"))
                   if source in schema}}
    if kind == "string" and schema.get("format") == "date":
        return {"widget": "string", "pattern": list(DATE_PATTERN),
                **({} if key.required else {"default": ""})}
    if kind == "object":
        return {"widget": "object", "collapsed": False,
                "fields": list(_nested(key, schemas, content))}
    if kind == "array":
        nested = list(_nested(key, schemas, content))
        if not nested:  # a list of texts (til_stede): one text field per item
            return {"widget": "list", "collapsed": False, "default": [],
                    "label_singular": LIST_ITEMS.get(key.name, "linje"),
                    "field": {"name": key.name, "label": label(key), "widget": "string"}}
        return {"widget": "list", "collapsed": False, "default": [], "fields": nested}
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


def _council_options(key: Key, content: Content) -> list[dict[str, str]] | None:
    """Options for a referat's ``politirad``: the councils of the registry, or None without
    one (the key is then a text field that takes a slug)."""
    if key.name != "politirad" or key.depth != 0 or not content.councils:
        return None
    return [{"label": council.name, "value": slug} for slug, council in content.councils.items()]
