"""Content problems found by the pipeline, reported as ``FILE:LINE:COL: message``."""

from __future__ import annotations

import difflib
import errno
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from anyascii import anyascii


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One mistake in the content, located as precisely as we can."""

    path: str
    """File path as the editor knows it (relative to the working directory when possible)."""
    line: int
    """1-based line number."""
    col: int
    """1-based column number."""
    message: str
    """Norwegian explanation, including how to fix it."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"

    def github(self) -> str:
        """Render as a GitHub Actions workflow command, shown on the changed line of a PR."""
        text = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line},col={self.col}::{text}"


class ContentError(Exception):
    """The content has one or more problems; nothing may be published."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} feil i innholdet")


class UsageError(Exception):
    """The command was called wrongly (missing folder, bad option value)."""


class SearchIndexError(RuntimeError):
    """Pagefind could not make the search index (it is missing, or its run failed): the
    content is fine, but nothing may be published."""


_OS_ERRORS = {
    errno.EACCES: "du har ikke tilgang", errno.EPERM: "du har ikke tilgang",
    errno.ENOSPC: "disken er full", errno.EDQUOT: "diskkvoten er brukt opp",
    errno.EROFS: "disken er skrivebeskyttet", errno.ENOENT: "finnes ikke",
    errno.ENOTDIR: "en del av stien er en fil, ikke en mappe",
    errno.EISDIR: "er en mappe, ikke en fil", errno.EEXIST: "finnes allerede",
    errno.ENAMETOOLONG: "navnet er for langt (høyst 255 byte per del av stien)",
    errno.ELOOP: "snarveiene (symbolske lenker) går i ring", errno.EIO: "lese- eller skrivefeil",
    errno.EADDRINUSE: "porten er i bruk av et annet program",
}


def os_error_reason(exc: OSError) -> str:
    """Why a file operation failed, in Norwegian where the reason is a common one."""
    return _OS_ERRORS.get(exc.errno or 0) or exc.strerror or str(exc)


def os_error_text(exc: OSError) -> str:
    """A Norwegian sentence for a failed file operation: what failed, on which path, and why."""
    where = f" «{exc.filename}»" if exc.filename else ""
    return f"filen eller mappen{where} kan ikke brukes: {os_error_reason(exc)}."


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ' Mente du «x»?' for a near miss among *choices*, or an empty string."""
    options = list(choices)
    skeleton = _skeleton(word)
    same = [option for option in options if _skeleton(option) == skeleton and option != word]
    matches = same or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" Mente du «{matches[0]}»?" if matches else ""


def _skeleton(word: str) -> str:
    """What a word looks like: «sаlto» with a Cyrillic «а» and «salto» look the same."""
    return anyascii(unicodedata.normalize("NFC", word)).casefold()


def quoted_list(values: Iterable[str], limit: int = 20) -> str:
    """Format values as «a», «b», «c» (shortened when long)."""
    items = sorted(values)
    shown = ", ".join(f"«{v}»" for v in items[:limit])
    return shown + (f" og {len(items) - limit} til" if len(items) > limit else "")
