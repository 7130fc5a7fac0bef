"""Write a document from the web editor the way ``build.py new`` and a careful editor would.

Decap sends the whole file as its own YAML; the key order, quoting and empty optional values
it produces are not ours. The file is read back with the archive's own front matter parser and
written again: keys in schema order (as ``new`` writes them), values formatted by
:func:`politiradet.commands.scaffold.scalar`, optional keys left out when empty or equal to their
default (``utkast: false``, ``avsluttet: false``), the file laid out as ``new`` lays out its
own (:func:`politiradet.commands.scaffold.file_text`). Keys the schema does not know are kept at the
end, so the check can name them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..commands.scaffold import file_text, scalar
from ..model.content import Kind
from ..model.schema_tree import Key, SchemaSet, members, top_level_keys

EMPTY: tuple[Any, ...] = ("", None, [], {})


def document_text(kind: Kind, data: Mapping[str, Any], body: str, schemas: SchemaSet) -> str:
    """The whole file: front matter in schema order, a blank line, the text."""
    return file_text(_mapping(data, top_level_keys(kind, schemas), schemas, ""), body)


def _mapping(data: Mapping[str, Any], known: list[Key], schemas: SchemaSet,
             indent: str) -> Iterator[str]:
    for key in known:
        if key.name in data and not _omitted(key, data[key.name]):
            yield from _entry(key, data[key.name], schemas, indent)
        elif key.name not in data and key.required and key.schema.get("type") == "array":
            yield f"{indent}{key.name}: []"
    names = {key.name for key in known}
    for name, value in data.items():
        if name not in names:
            yield f"{indent}{name}: {_unknown(value)}"


def _omitted(key: Key, value: Any) -> bool:
    """Optional keys that say nothing: empty, or the schema's default."""
    if key.required:
        return False
    return any(value == empty and type(value) is type(empty) for empty in EMPTY) or (
        "default" in key.schema and value == key.schema["default"]
        and type(value) is type(key.schema["default"]))


def _entry(key: Key, value: Any, schemas: SchemaSet, indent: str) -> Iterator[str]:
    kind = key.schema.get("type")
    nested = list(members(key, schemas))
    if kind == "object" and isinstance(value, Mapping):
        yield f"{indent}{key.name}:"
        yield from _mapping(value, nested, schemas, indent + "  ")
    elif kind == "array" and nested and isinstance(value, list) and value:
        yield f"{indent}{key.name}:"
        for item in value:
            yield from _item(item, nested, schemas, indent + "  ")
    else:
        yield f"{indent}{key.name}: {_value(value)}"


def _item(item: Any, nested: list[Key], schemas: SchemaSet, indent: str) -> Iterator[str]:
    """One list item: ``- key: value`` and the item's other keys aligned under it."""
    if not isinstance(item, Mapping):
        yield f"{indent}- {_unknown(item)}"
        return
    lines = list(_mapping(item, nested, schemas, indent + "  "))
    if not lines:
        yield f"{indent}- {{}}"
        return
    yield f"{indent}- {lines[0].removeprefix(indent + '  ')}"
    yield from lines[1:]


def _value(value: Any) -> str:
    if isinstance(value, (bool, int, str)) or (
            isinstance(value, list) and all(isinstance(v, (bool, int, str)) for v in value)):
        return scalar(value)
    return _unknown(value)


def _unknown(value: Any) -> str:
    """Any other value as YAML flow (JSON is valid YAML), so nothing is lost."""
    return json.dumps(value, ensure_ascii=False)
