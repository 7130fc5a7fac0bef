"""Split a content file into YAML front matter and Markdown body, keeping source positions."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from .sourcefile import MAX_FILE_BYTES as MAX_FILE_BYTES
from .sourcefile import too_large_message

try:  # The C parser is several times faster; fall back to pure Python where it is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

Path = tuple[str | int, ...]
"""Location of a value inside the front matter, e.g. ("kilde", "tittel") or ("temaer", 2)."""

MAX_DEPTH = 20
"""Deepest nesting of lists and groups allowed in YAML; the schemas need three levels."""
MAX_INTEGER = 2**53
"""Larger whole numbers cannot be represented exactly in the JSON export."""
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Invisible control characters: never meant by an editor, and not allowed in XML."""


class _Loader(_BaseLoader):
    """SafeLoader that keeps dates as text and knows only true/false as booleans.

    Dates stay strings so the JSON Schema ``format: date`` check can explain a bad date,
    and YAML 1.1's yes/no/on/off booleans (the "Norway problem") stay plain text.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (
        "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(  # decimal only: no YAML 1.1 octal (010 = 8) or base 60 (1:30 = 90)
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))


class FrontMatterError(Exception):
    """A mistake that stops us from reading the file's front matter at all."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


@dataclass(frozen=True, slots=True)
class Parsed:
    """A file's front matter as plain data, with where each value and key stands."""

    data: Any
    """The YAML value (dicts, lists, str, int, float, bool, None)."""
    values: dict[Path, tuple[int, int]]
    """1-based (line, col) of every value, keyed by its path."""
    keys: dict[Path, tuple[int, int]]
    """1-based (line, col) of every mapping key, keyed by the path of its value."""

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of *path*, falling back to the nearest enclosing value."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            if path[:end] in table:
                return table[path[:end]]
            if path[:end] in self.values:
                return self.values[path[:end]]
        return (1, 1)


@dataclass(frozen=True, slots=True)
class SplitFile:
    """A content file cut into its two parts."""

    front: Parsed
    body: str
    body_line: int
    """1-based line number where the body starts in the file."""


def too_large(size: int) -> FrontMatterError:
    """The error for a file of *size* bytes above :data:`MAX_FILE_BYTES`."""
    return FrontMatterError(1, 1, too_large_message(size))


def decode(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), normalise line endings; explain invalid bytes."""
    if len(raw) > MAX_FILE_BYTES:
        raise too_large(len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8-sig", errors="replace")
        raise FrontMatterError(*_position(prefix, len(prefix)), "ugyldig tegnkoding: filen er "
                               "ikke UTF-8. Lagre filen på nytt med tegnkodingen UTF-8.") from None
    text = _lines(text)
    control = CONTROL.search(text)
    if control:
        raise FrontMatterError(*_position(text, control.start()),
                               _control_message(control.group(), "filen"))
    return text


def decode_known(raw: bytes) -> str:
    """:func:`decode` of bytes it has accepted before, without checking them again."""
    return _lines(raw.decode("utf-8-sig"))


def known_body(raw: bytes, length: int) -> str:
    """The body of the file *raw*, known to be its last *length* characters once decoded
    (bytes :func:`split` has cut before)."""
    text = decode_known(raw)
    return text[len(text) - length:] if length else ""


def _lines(text: str) -> str:
    """Every line ending as ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of *index* in *text*."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _control_message(char: str, where: str) -> str:
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        return (f"{where} inneholder et NUL-tegn ({code}) og ser ikke ut som tekst. "
                "Lagre filen som ren tekst (UTF-8).")
    return (f"{where} inneholder et usynlig kontrolltegn ({code}). Slett tegnet; "
            "har teksten blitt kopiert fra et annet program, lim den inn som ren tekst.")


def split(text: str) -> SplitFile:
    """Cut ``---`` front matter from the body and parse it."""
    if not text.strip():
        raise FrontMatterError(1, 1, "filen er tom. Et dokument begynner med front matter mellom "
                               "to linjer med «---», etterfulgt av teksten.")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise FrontMatterError(1, 1, "fant ikke front matter. Har du glemt å begynne filen med "
                               "en linje med «---»?")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            front = parse_yaml("\n".join(lines[1:index]), first_line=2)
            return SplitFile(front, "\n".join(lines[index + 1:]), index + 2)
    raise FrontMatterError(1, 1, "front matter er ikke avsluttet. Legg til en linje med «---» "
                           "etter den siste nøkkelen.")


def parse_yaml(source: str, first_line: int = 1) -> Parsed:
    """Parse YAML into plain data with positions; reject duplicate keys and aliases."""
    try:
        _check_depth(source, first_line)
        _check_events(source, first_line)
        node = yaml.compose(source, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        unclosed = "end of stream" in (exc.problem or "") and exc.context_mark is not None
        mark = exc.context_mark if unclosed else exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        char = source[mark.index] if mark and mark.index < len(source) else ""
        raise FrontMatterError(line, col, _yaml_message(exc, char)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors without marks
        raise FrontMatterError(first_line, 1, f"YAML-feil: {exc}") from None
    builder = _Builder(first_line)
    data = builder.value(node, ()) if node is not None else None
    return Parsed(data, builder.values, builder.keys)


def _check_depth(source: str, first_line: int) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` before a YAML parser sees all of it.

    The limit and its message are ours: a parser may refuse deep nesting itself, in its own
    words, and may read far ahead before it reports the levels it has opened (libyaml, since
    PyYAML 6.0.4, stops at 1000 brackets on a line with "exceeded maximum nesting depth",
    before it has reported the first). So when our own count of ``[`` and ``{`` passes the
    limit, :func:`_check_events` reads only the text up to that bracket: there it sees the
    nesting level by level, and reports it with the exact line and column.
    """
    cut = _deep_brackets(source)
    if cut is None:
        return
    with contextlib.suppress(yaml.YAMLError):  # the cut text ends inside a list: not an error
        _check_events(source[:cut], first_line)


_BRACKETS = re.compile(r"""[\[{\]}'"#]""")
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _deep_brackets(source: str) -> int | None:
    """Offset just past the first ``[`` or ``{`` nested more than :data:`MAX_DEPTH` deep.

    A count of the brackets that open a list or group, outside quoted text and comments; not a
    YAML parser, so it may be wrong about odd plain text, which is why :func:`_check_depth`
    confirms with the parser's events. None when the brackets stay within the limit (the
    usual case, decided by two ``str.count``).
    """
    if source.count("[") + source.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    position = 0
    opened = -1  # where the last bracket that counted stands
    while (match := _BRACKETS.search(source, position)) is not None:
        char, start, position = match.group(), match.start(), match.end()
        if char in "[{":
            if _starts_value(source, start, opened, depth):
                depth += 1
                opened = start
                if depth > MAX_DEPTH:
                    return position
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "#":
            if start == 0 or source[start - 1] in " \t\n":
                end = source.find("\n", position)
                if end < 0:
                    return None
                position = end
        elif _starts_value(source, start, opened, depth):
            quoted = (_SINGLE_QUOTED if char == "'" else _DOUBLE_QUOTED).match(source, start)
            if quoted is not None:  # a quote never closed is the parser's to explain
                position = quoted.end()
    return None


def _starts_value(source: str, index: int, opened: int, depth: int) -> bool:
    """Whether a bracket or quote at *index* opens a list, group or quoted text, rather than
    standing inside plain text: first on a line, after «: », «- », «? », after a comma inside
    brackets, or right inside a bracket that opened one (*opened* is where the last stands)."""
    while True:
        before = index - 1
        while before >= 0 and source[before] in " \t":
            before -= 1
        char = source[before] if before >= 0 else "\n"
        if char == "\n" or (char == "," and depth > 0):
            return True
        if char in "[{":
            return before == opened
        if char not in ":-?" or before == index - 1:  # an indicator is followed by a space
            return False
        if char == ":":
            return True
        index = before  # «- » and «? » are indicators only where a value starts


def _check_events(source: str, first_line: int) -> None:
    """Refuse what editors never need and attackers love, before building anything.

    Anchors and aliases enable alias bombs, explicit tags construct unexpected types, and
    deep nesting would exhaust the recursion of the YAML composer.
    """
    depth = 0
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        message = _event_problem(event, depth)
        if message:
            mark = event.start_mark
            line, col = (mark.line, mark.column) if mark else (0, 0)
            raise FrontMatterError(line + first_line, col + 1, message)


def _event_problem(event: yaml.Event, depth: int) -> str | None:
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        return ("YAML-ankere og -aliaser (& og *) er ikke tillatt. "
                "Skriv verdien ut der den skal brukes.")
    tag = getattr(event, "tag", None)
    if tag is not None:
        shown = str(tag).replace("tag:yaml.org,2002:", "!!")
        return (f"YAML-typemerket «{shown}» er ikke tillatt. Fjern det, og sett verdien i "
                "anførselstegn hvis den skal være tekst.")
    if depth > MAX_DEPTH:
        return _TOO_DEEP
    return None


_TOO_DEEP = (f"front matter er nestet for dypt (mer enn {MAX_DEPTH} nivåer med lister og "
             "grupper). Sjekk innrykket og hakeparentesene.")


class _Builder:
    """Turn a composed YAML node tree into data, recording positions."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.constructor = _Loader("")

    def pos(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + self.first_line, node.start_mark.column + 1)

    def value(self, node: yaml.Node, path: Path) -> Any:
        self.values[path] = self.pos(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise FrontMatterError(*self.pos(key_node), "YAML-fletting («<<») er ikke tillatt.")
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise FrontMatterError(*self.pos(key_node), "en nøkkel må være et ord, for "
                                       "eksempel «tittel».")
            if key in result:
                line, _ = self.keys[(*path, key)]
                raise FrontMatterError(*self.pos(key_node), f"nøkkelen «{key}» står to ganger "
                                       f"(første gang på linje {line}). Fjern den ene.")
            self.keys[(*path, key)] = self.pos(key_node)
            result[key] = self.value(value_node, (*path, key))
        return result

    def scalar(self, node: yaml.Node) -> Any:
        construct: Callable[[yaml.Node], Any] = self.constructor.construct_object
        try:
            value = construct(node)
        except (yaml.YAMLError, ValueError, OverflowError):  # e.g. an integer of 5000 digits
            raise FrontMatterError(*self.pos(node), _unreadable(node)) from None
        return self.checked(node, value)

    def checked(self, node: yaml.Node, value: Any) -> Any:
        """Refuse values that YAML allows but no document needs."""
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            raise FrontMatterError(*self.pos(node), _TOO_BIG)
        control = CONTROL.search(value) if isinstance(value, str) else None
        if control:
            raise FrontMatterError(*self.pos(node), _control_message(control.group(), "verdien"))
        return value


def _unreadable(node: yaml.Node) -> str:
    if str(node.tag).endswith(":int"):
        return _TOO_BIG
    return (f"verdien «{str(node.value)[:40]}» kan ikke leses. Sett den i anførselstegn hvis "
            "den er tekst.")


_TOO_BIG = "tallet er for stort. Skriv et vanlig heltall, for eksempel 2025."
_TAB = "tabulatortegn kan ikke brukes i YAML. Bruk mellomrom til innrykk."
_YAML_HINTS = {
    "mapping values are not allowed": "kolon på feil sted. Sett verdien i anførselstegn hvis "
        "den inneholder «: », og sjekk innrykket.",
    "expected ':'": "mangler kolon etter nøkkelen, eller innrykket er feil. "
        "Skriv «nøkkel: verdi».",
    "expected key": "innrykket er feil, eller en verdi mangler kolon. "
        "Sjekk mellomrommene foran nøklene.",
    "expected '-' indicator": "listepunktet står med feil innrykk. "
        "Rett opp mellomrommene foran «-».",
    "unexpected end of stream": "anførselstegn som ikke er lukket. Avslutt verdien med "
        "samme type anførselstegn som du begynte med.",
    "found unknown escape character": "ugyldig skråstrek-kode (\\) i tekst i doble "
        "anførselstegn. Bruk enkle anførselstegn eller fjern skråstreken.",
    "expected ',' or ']'": "listen i hakeparentes er ikke lukket riktig. "
        "Skriv for eksempel [salto, ipo].",
    "expected ',' or '}'": "klammeparentesen er ikke lukket riktig.",
    "found character that cannot start any token": "tegnet kan ikke stå først i en verdi. "
        "Sett verdien i anførselstegn.",
    "found another document": "front matter kan bare være ett YAML-dokument. Fjern linjen "
        "med «---» inne i front matter.",
    "hexdecimal number": "ugyldig \\x- eller \\u-kode i tekst i doble anførselstegn. Skriv "
        "tegnet direkte, eller bruk enkle anførselstegn.",
    "invalid Unicode character escape": "ugyldig \\u-kode i tekst i doble anførselstegn. "
        "Skriv tegnet direkte, eller bruk enkle anførselstegn.",
    "expected alphabetic or numeric character": "en verdi som begynner med «&» eller «*» "
        "må stå i anførselstegn.",
    "expected comment or line break": "uventet tekst etter «|» eller «>». Skriv teksten "
        "på linjene under med innrykk, eller sett verdien i anførselstegn.",
    "expected node content": "verdien mangler, eller begynner med et tegn som må stå i "
        "anførselstegn (for eksempel «,»).",
    "not allowed in this context": "«- » eller «? » kan ikke stå etter en nøkkel på samme "
        "linje. Sett verdien i anførselstegn, eller skriv listen på linjene under.",
}


def _yaml_message(exc: yaml.MarkedYAMLError, char: str) -> str:
    problem = exc.problem or ""
    if "nesting" in problem or "depth" in problem:  # a parser's own limit, should ours miss
        return _TOO_DEEP
    if char == "\t" or "tab" in (exc.problem or ""):
        return f"YAML-feil: {_TAB}"
    for english, norwegian in _YAML_HINTS.items():
        if english in problem:
            return f"YAML-feil: {norwegian}"
    return (f"YAML-feil: front matter kan ikke leses ({exc.problem or exc}). "
            "Sjekk innrykk, kolon og anførselstegn.")
