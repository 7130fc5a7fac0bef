"""When each content file last changed, from the content's git history («Sist endret»).

One ``git log`` for the whole content folder, newest commit first: the first commit that names a
file is the last one that touched it. Content that is not in a git repository (or a machine
without git) simply has no dates; nothing is ever guessed from file times.
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


def last_changed(content: Path) -> Mapping[str, dt.datetime]:
    """Content-relative path (``referater/2025-05-14.md``) -> time of the last commit, in Oslo."""
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
    """The dates in the output of ``git log --format=<mark>%ct --name-only -z``."""
    found: dict[str, dt.datetime] = {}
    when: dt.datetime | None = None
    for field in output.split("\0"):
        name = field.strip("\n")
        if name.startswith(COMMIT_MARK):
            stamp, _, name = name[1:].partition("\n")
            when = dt.datetime.fromtimestamp(int(stamp), OSLO)
            name = name.strip("\n")
        if name and when is not None:
            found.setdefault(name, when)
    return found
