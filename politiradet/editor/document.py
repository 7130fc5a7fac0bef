"""Write a document from the web editor the way ``build.py new`` and a careful editor would.

Decap sends the whole file as its own YAML; the key order, quoting and empty optional values
it produces are not ours. The file is read back with the archive's own front matter parser and
written again: keys in schema order (as ``new`` writes them), values formatted by
:func:`politiradet.commands.scaffold.scalar`, optional keys left out when empty or equal to their
default (``utkast: false``, ``avsluttet: false``), the file laid out as ``new`` lays out its
own (:func:`politiradet.commands.scaffold.file_text`). Keys the schema does not know are kept at the
end, so the check can name them.

A document that exists is edited, not rewritten (:func:`edited`): in a git archive a one-field
change must be a one-field diff. Its front matter is loaded in ruamel.yaml's round-trip mode and
only the keys whose value the editor changed are set; quotes, block scalars, comments, key order
and indentation stay as the file had them, and an unchanged text stays byte for byte.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, ScalarString

from ..commands.scaffold import RESERVED, file_text, scalar
from ..common.slug import suggest_slug
from ..model.content import KIND_FOLDER, Kind
from ..model.schema_tree import Key, SchemaSet, members, top_level_keys
from ..stages.frontmatter import FrontMatterError, SplitFile, split

EMPTY: tuple[Any, ...] = ("", None, [], {})
MISSING = object()
"""A key the front matter does not have."""
FOLD_WIDTH = 88
"""Longest line of a folded block scalar (``>-``) whose text the editor changed."""
PLAIN_KEY = re.compile(r"[A-Za-zÆØÅæøå_]\w*")
"""A key YAML reads back as the same text when written without quotes (unless reserved)."""
SEQUENCE_INDENT = re.compile(r"^(?P<parent> *)[^\s#-][^\n]*:[ \t]*\n(?P<dash> *)- ", re.M)


def document_text(kind: Kind, data: Mapping[str, Any], body: str, schemas: SchemaSet,
                  existing: str | None = None) -> str:
    """The whole file: front matter in schema order, a blank line, the text.

    With *existing* (the file as it is on disk), the file is that text with only what the
    editor changed changed (:func:`edited`).
    """
    front = list(_mapping(data, top_level_keys(kind, schemas), schemas, ""))
    fresh = file_text(front, body)
    if existing is None:
        return fresh
    return edited(existing, fresh, "".join(line + "\n" for line in front), kind, schemas)


def duplicate_of(kind: Kind, slug: str, data: Mapping[str, Any],
                 front_of: Callable[[str], Mapping[str, Any] | None]) -> str | None:
    """The id of the document a new one repeats, or None.

    Decap makes a new file name unique by adding ``-1``, ``-2`` … when the name made from the
    document (a referat's date, a point's seminar and number, an agreement's title) is taken;
    that silently gives a second referat of one meeting. *front_of* gives the front matter of
    the document with an id in the same folder, or None if there is none. The document there
    is a duplicate only if its own front matter makes the same name (a file whose date or
    title was corrected afterwards is another document) and, for a referat, it is of the same
    type and council: one meeting, one referat, as ``check`` says (a seminar on the day of a
    meeting, or another council's meeting that day, is another referat).
    """
    base, dash, number = slug.rpartition("-")
    if not dash or not number.isdigit() or base != _intended(kind, data):
        return None
    other = front_of(base)
    return base if other is not None and _identity(kind, other) == _identity(kind, data) else None


def duplicate_message(kind: Kind, base: str, data: Mapping[str, Any]) -> str:
    """The editor's message for :func:`duplicate_of`: what exists and what to do instead."""
    path = f"content/{KIND_FOLDER[kind]}/{base}.md"
    if kind == "referat":
        return (f"Det finnes allerede et referat fra {data.get('motetype', 'møtet')} "
                f"{base} ({path}). Dokumentet er ikke lagret. Åpne referatet som finnes under "
                f"«Referater» og skriv der, eller rett datoen hvis dette er et annet møte.")
    if kind == "oppfolgingspunkt":
        return (f"Oppfølgingspunkt {base} finnes allerede ({path}). Dokumentet er ikke "
                f"lagret. Åpne punktet som finnes, eller gi det nye punktet neste ledige nummer.")
    return (f"Det finnes allerede en avtale med denne tittelen ({path}). Dokumentet er ikke "
            f"lagret. Åpne avtalen som finnes, eller gi den nye avtalen en annen tittel.")


def _identity(kind: Kind, data: Mapping[str, Any]) -> tuple[str, Any, Any]:
    """What makes two documents one: the id their front matter makes, and a referat's type
    and council (``politirad``; the check itself also knows that a referat without the key is
    from the archive's own council)."""
    if kind != "referat":
        return _intended(kind, data), None, None
    return _intended(kind, data), data.get("motetype"), data.get("politirad")


def _intended(kind: Kind, data: Mapping[str, Any]) -> str:
    """The id the editor's file name template makes of *data* (see ``config.SLUG_TEMPLATES``)."""
    if kind == "referat":
        return str(data.get("dato", ""))
    if kind == "oppfolgingspunkt":
        return f"{data.get('seminar', '')}-{data.get('nummer', '')}"
    return suggest_slug(str(data.get("tittel", "")))


# --- a new file ------------------------------------------------------------------------------

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
            yield f"{indent}{_key(name)}: {_unknown(value)}"


def _key(name: str) -> str:
    """A key the schema does not know, written so that every YAML reader reads it back as
    this text: plain if it is a simple word, else quoted (``2024-01-01`` would be a date,
    ``0x1F`` a number, ``a: b`` a mapping), so the check names the key the editor wrote."""
    if PLAIN_KEY.fullmatch(name) and name.lower() not in RESERVED:
        return name
    return json.dumps(name, ensure_ascii=False)


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


# --- an existing file ------------------------------------------------------------------------

def edited(existing: str, fresh: str, fresh_front: str, kind: Kind, schemas: SchemaSet) -> str:
    """*existing* with what differs between it and *fresh* (the file as :func:`document_text`
    writes the editor's data, *fresh_front* its front matter lines) changed, and nothing else.

    Values are compared as the archive reads them, after the same tidying as *fresh* had
    (``utkast: false`` in the file and no ``utkast`` from the editor are the same), so only
    keys the editor changed are touched. An unchanged body is kept byte for byte; the file's
    line endings are kept.
    """
    crlf = "\r\n" in existing
    text = existing.replace("\r\n", "\n")
    try:
        old, new = split(text), split(fresh)
    except FrontMatterError:
        return fresh
    if not isinstance(old.front.data, dict) or not isinstance(new.front.data, dict):
        return fresh
    lines = text.split("\n")
    closing = old.body_line - 2
    front_text = "".join(line + "\n" for line in lines[1:closing])
    body = "\n".join(lines[closing + 1:])
    if body.strip("\n") != new.body.strip("\n"):
        body = new.body
    tidied = split(document_text(kind, old.front.data, "", schemas)).front.data
    front = _edited_front(front_text, fresh_front, new, tidied)
    result = "---\n" + front + lines[closing] + "\n" + body
    return result.replace("\n", "\r\n") if crlf else result


def _edited_front(front_text: str, fresh_front: str, new: SplitFile,
                  tidied: dict[str, Any]) -> str:
    """The front matter text with the editor's changes applied in round-trip mode; the
    editor's as *fresh_front* writes it where the file's cannot be merged."""
    if _same(tidied, new.front.data):
        return front_text
    yaml = _round_trip(front_text)
    try:
        document = yaml.load(front_text)
        replacement = yaml.load(fresh_front)
    except (YAMLError, ValueError, OverflowError):  # a plain 2025-02-30 is no date to ruamel
        document = replacement = None
    if not (_text_keys(document) and _text_keys(replacement)):
        return fresh_front
    _merge(document, tidied, replacement, new.front.data)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _round_trip(front_text: str) -> YAML:
    """ruamel.yaml in round-trip mode, indenting lists as *front_text* does."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the file has on one line
    found = SEQUENCE_INDENT.search(front_text)
    offset = len(found["dash"]) - len(found["parent"]) if found else 2
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def _text_keys(node: Any) -> bool:
    """Whether *node* is a mapping whose keys, and those of every mapping inside it, are text
    as the archive reads them; ruamel.yaml reads a plain ``2024-01-01`` or ``0x1F`` key as a
    date or a number, and such a key cannot be matched with the editor's."""
    def keys_are_text(value: Any) -> bool:
        if isinstance(value, CommentedMap):
            return all(isinstance(key, str) and keys_are_text(item)
                       for key, item in value.items())
        if isinstance(value, CommentedSeq):
            return all(keys_are_text(item) for item in value)
        return True
    return isinstance(node, CommentedMap) and keys_are_text(node)


def _merge(document: CommentedMap, before: Mapping[str, Any], replacement: CommentedMap,
           after: Mapping[str, Any]) -> None:
    """Set in *document* the keys whose value differs between *before* and *after* (plain
    data), taking the new values, formatted, from *replacement*."""
    for name in [name for name in document if name not in after and name in before]:
        _delete(document, name)
    for index, name in enumerate(after):
        old_value = before.get(name, MISSING)
        if _same(old_value, after[name]):
            continue
        if name in document:
            document[name] = _replaced(document[name], old_value, replacement[name], after[name])
        else:
            _insert(document, [*after][:index], name, replacement[name])


def _replaced(current: Any, before: Any, new: Any, after: Any) -> Any:
    """The value to put where *current* stands: *current* edited in place where it is a
    mapping or a list of the same length, else *new* in *current*'s style."""
    if isinstance(current, CommentedMap) and isinstance(new, CommentedMap) and isinstance(
            before, dict) and isinstance(after, dict):
        _merge(current, before, new, after)
        return current
    if isinstance(current, CommentedSeq) and isinstance(new, CommentedSeq) and isinstance(
            before, list) and isinstance(after, list) and len(before) == len(
            current) and len(after) == len(new) and current:  # «[]» takes the new list's style
        return _realigned(current, before, new, after)
    if isinstance(current, CommentedSeq) and isinstance(new, CommentedSeq):
        if current and not current.fa.flow_style():
            new.fa.set_block_style()  # a list the file writes one item a line stays so
        return new
    if isinstance(current, ScalarString) and isinstance(after, str):
        return _styled(type(current), after)
    return new


def _realigned(current: CommentedSeq, before: list[Any], new: CommentedSeq,
               after: list[Any]) -> CommentedSeq:
    """*current* with the items the editor removed taken out, those it added put in (from
    *new*) and those it changed edited in place; the items it kept stay as the file writes
    them, with their quotes and comments. Items are matched by value, as :func:`_same`."""
    matcher = difflib.SequenceMatcher(None, [_json(item) for item in before],
                                      [_json(item) for item in after], autojunk=False)
    for tag, start, end, new_start, new_end in reversed(matcher.get_opcodes()):
        if tag == "replace" and end - start == new_end - new_start:
            for offset in range(end - start):
                index, new_index = start + offset, new_start + offset
                current[index] = _replaced(current[index], before[index], new[new_index],
                                           after[new_index])
        elif tag != "equal":
            for _ in range(start, end):
                del current[start]  # CommentedSeq moves the later items' comments along
            for offset, new_index in enumerate(range(new_start, new_end)):
                current.insert(start + offset, new[new_index])
    return current


def _styled(style: type[ScalarString], text: str) -> ScalarString:
    """*text* quoted or as a block, as the value it replaces was."""
    value: ScalarString = style(text)
    if isinstance(value, FoldedScalarString) and "\n" not in text:
        setattr(value, "fold_pos", _fold_positions(text))  # noqa: B010 - not in the stubs
    return value


def _fold_positions(text: str) -> list[int]:
    """Where a folded block scalar breaks its lines: at spaces, lines of at most
    :data:`FOLD_WIDTH` characters."""
    positions, start = [], 0
    for line in textwrap.wrap(text, FOLD_WIDTH, break_long_words=False,
                              break_on_hyphens=False)[:-1]:
        start = text.index(line, start) + len(line)
        positions.append(start)
    return positions


def _delete(document: CommentedMap, name: str) -> None:
    """Remove *name* and the comment lines just above it (they describe it); the comment lines
    after it are about the next key and stay, above that key."""
    names = list(document)
    after = document.ca.items.pop(name, [None, None, None, None])[2]
    del document[name]
    following = names[names.index(name) + 1:]
    if after is None or not following:
        return
    before = document.ca.items.get(following[0], [None, None, None, None])[1] or []
    lines = [*after.value.strip("\n").split("\n"),
             *(token.value.rstrip("\n") for token in before)]
    document.ca.items.setdefault(following[0], [None, None, None, None])[1] = None
    document.yaml_set_comment_before_after_key(
        following[0], before="\n".join(_uncommented(line) for line in lines))


def _uncommented(line: str) -> str:
    """A comment line's text, as ``yaml_set_comment_before_after_key`` takes it."""
    text = line.strip().removeprefix("#")
    return text[1:] if text.startswith(" ") else text


def _insert(document: CommentedMap, earlier: list[str], name: str, value: Any) -> None:
    """Insert *name* after the last of *earlier* the document has (schema order), before the
    comment lines that belonged to the next key."""
    present = [key for key in earlier if key in document]
    names = list(document)
    position = names.index(present[-1]) + 1 if present else 0
    document.insert(position, name, value)
    if present and not isinstance(document[present[-1]], (CommentedMap, CommentedSeq)):
        entry = document.ca.items.get(present[-1])
        if entry is not None and entry[2] is not None:
            document.ca.items[name] = [None, None, entry[2], None]
            entry[2] = None


def _same(first: Any, second: Any) -> bool:
    """Equal as the archive reads them (``true`` is not ``1``)."""
    return _json(first) == _json(second)


def _json(value: Any) -> str:
    """*value* as text that is equal for values the archive reads as equal."""
    return json.dumps(value, sort_keys=True, default=str)
