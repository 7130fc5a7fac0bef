"""Walk the JSON Schemas as an editor sees them: every key, its meaning, whether it is required.

The schemas in ``schema/`` are the single source of truth for the front matter; the scaffold
for new documents (:mod:`politiradet.commands.scaffold`), the key reference in the editor's guide
(:mod:`politiradet.commands.guide`) and the web editor's fields and saved files
(:mod:`politiradet.editor.config`, :mod:`politiradet.editor.document`) all read them through
this module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .content import Kind

SchemaSet = Mapping[str, Mapping[str, Any]]
"""Schema file name (``referat.schema.json``) -> parsed schema."""

DOCUMENT_SCHEMAS: Mapping[Kind, str] = {
    "referat": "referat.schema.json",
    "avtale": "avtale.schema.json",
    "oppfolgingspunkt": "oppfolgingspunkt.schema.json",
}


@dataclass(frozen=True, slots=True)
class Key:
    """One front matter key, with its schema resolved (no ``$ref`` left at the top)."""

    path: str
    """Dotted name as written in the guide: ``kilde.tittel``, ``signatarer[].navn``."""
    name: str
    """The key itself, as written in the YAML: ``tittel``."""
    schema: Mapping[str, Any]
    """The key's schema with ``$ref`` merged in; the referring schema's words win."""
    required: bool
    """Whether the enclosing object must have this key."""
    depth: int
    """0 for top-level keys, 1 for keys inside an object or a list item, and so on."""
    file: str
    """The schema file the key's own schema lives in (for resolving deeper references)."""


def resolve(node: Mapping[str, Any], file: str,
            schemas: SchemaSet) -> tuple[Mapping[str, Any], str]:
    """Follow ``$ref`` (``felles.schema.json#/$defs/dato`` or ``#/$defs/slug``) to its target.

    Return the merged schema and the file it came from. Keys beside ``$ref`` (typically a more
    specific ``description``) override the target's.
    """
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node, file
    target_file, _, pointer = ref.partition("#")
    target_file = target_file or file
    target: Any = schemas[target_file]
    for part in filter(None, pointer.split("/")):
        target = target[part]
    resolved, origin = resolve(target, target_file, schemas)
    local = {key: value for key, value in node.items() if key != "$ref"}
    return {**resolved, **local}, origin


def keys(schema: Mapping[str, Any], file: str, schemas: SchemaSet,
         prefix: str = "", depth: int = 0) -> Iterator[Key]:
    """Every key of an object schema in schema order, descending into objects and lists."""
    for key in properties(schema, file, schemas, prefix, depth):
        yield key
        yield from children(key, schemas)


def properties(schema: Mapping[str, Any], file: str, schemas: SchemaSet,
               prefix: str = "", depth: int = 0) -> Iterator[Key]:
    """The keys directly in an object schema, in schema order (not those nested in them)."""
    required = set(schema.get("required", ()))
    for name, node in schema.get("properties", {}).items():
        resolved, origin = resolve(node, file, schemas)
        yield Key(prefix + name, name, resolved, name in required, depth, origin)


def children(key: Key, schemas: SchemaSet) -> Iterator[Key]:
    """All keys inside *key* (its own properties, or those of its list items), at any depth."""
    for member in members(key, schemas):
        yield member
        yield from children(member, schemas)


def members(key: Key, schemas: SchemaSet) -> Iterator[Key]:
    """The keys directly inside *key*: its own properties, or those of its list items."""
    if key.schema.get("type") == "object":
        yield from properties(key.schema, key.file, schemas, key.path + ".", key.depth + 1)
    elif key.schema.get("type") == "array" and "items" in key.schema:
        items, origin = resolve(key.schema["items"], key.file, schemas)
        if items.get("type") == "object":
            yield from properties(items, origin, schemas, key.path + "[].", key.depth + 1)


def document_keys(kind: Kind, schemas: SchemaSet) -> list[Key]:
    """All keys of a document type's front matter, top-level and nested."""
    file = DOCUMENT_SCHEMAS[kind]
    return list(keys(schemas[file], file, schemas))


def top_level_keys(kind: Kind, schemas: SchemaSet) -> list[Key]:
    """The keys written at the left margin of a document type's front matter."""
    file = DOCUMENT_SCHEMAS[kind]
    return list(properties(schemas[file], file, schemas))
