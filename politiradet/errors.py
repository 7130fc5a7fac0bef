"""Content problems found by the pipeline, reported as ``FILE:LINE:COL: message``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ' Mente du «x»?' for a near miss among *choices*, or an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Mente du «{matches[0]}»?" if matches else ""


def quoted_list(values: Iterable[str], limit: int = 20) -> str:
    """Format values as «a», «b», «c» (shortened when long)."""
    items = sorted(values)
    shown = ", ".join(f"«{v}»" for v in items[:limit])
    return shown + (f" og {len(items) - limit} til" if len(items) > limit else "")
