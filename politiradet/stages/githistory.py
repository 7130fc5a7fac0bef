"""When each content file was last really changed, from the content's git history («Sist endret»).

A reader sees the date next to minutes from 2016, so it must tell them something: that the
archive's copy of *this* document was changed after it was put in. So a commit counts as a
change of a file only when

- it is not the file's first commit (putting a document into the archive is no change), and
- it is not made on a day of archive-wide edits: a day (in Oslo) on which commits touched more
  than half of the documents, and at least :data:`BULK_MIN` of them (an import, a re-tagging of
  everything in a few commits, a reformatting), says nothing about one document.

A file with no such commit has no date (pages show none; feeds use the document's own date).
One ``git log`` for the whole content folder, newest commit first. Content that is not in a git
repository (or a machine without git) simply has no dates; nothing is ever guessed from file
times.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from ..common.norsk import OSLO

COMMIT_MARK = "\x1e"
"""Starts each commit's line in the log output; cannot occur in a path git prints."""
BULK_SHARE = 0.5
"""A day whose commits touch more than this share of the documents is one of archive-wide
edits …"""
BULK_MIN = 10
"""… when they touch at least this many (in a small archive, editing three of five documents
in a day is still an edit of each)."""


def last_changed(content: Path) -> Mapping[str, dt.datetime]:
    """Content-relative path (``referater/2025-05-14.md``) -> time of the last commit that
    really changed it (see the module's rule), in Oslo."""
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--no-renames", "--relative",
             f"--format={COMMIT_MARK}%ct", "--name-only", "-z", "--", "."],
            cwd=content, capture_output=True, check=False, timeout=120, env=_clean_env())
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    return parse_log(result.stdout.decode("utf-8", errors="replace"))


def _clean_env() -> dict[str, str]:
    """The environment without a hook's GIT_DIR and friends, so git finds the content's repo."""
    return {k: v for k, v in os.environ.items()
            if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX")}


def parse_log(output: str) -> dict[str, dt.datetime]:
    """The change dates in the output of ``git log --format=<mark>%ct --name-only -z``."""
    commits = _commits(output)
    oldest = {name: index for index, (_when, names) in enumerate(commits) for name in names}
    documents = len({name for name in oldest if name.endswith(".md")})
    by_day: dict[dt.date, set[str]] = {}
    for when, names in commits:
        by_day.setdefault(when.date(), set()).update(n for n in names if n.endswith(".md"))
    archive_wide = {day for day, names in by_day.items()
                    if len(names) >= BULK_MIN and len(names) > documents * BULK_SHARE}
    found: dict[str, dt.datetime] = {}
    for index, (when, names) in enumerate(commits):
        if when.date() in archive_wide:
            continue
        for name in names:
            if oldest[name] != index:
                found.setdefault(name, when)
    return found


def _commits(output: str) -> list[tuple[dt.datetime, list[str]]]:
    """Each commit's time and the files it names, newest first."""
    commits: list[tuple[dt.datetime, list[str]]] = []
    for field in output.split("\0"):
        name = field.strip("\n")
        if name.startswith(COMMIT_MARK):
            stamp, _, name = name[1:].partition("\n")
            commits.append((dt.datetime.fromtimestamp(int(stamp), OSLO), []))
            name = name.strip("\n")
        if name and commits:
            commits[-1][1].append(name)
    return commits
