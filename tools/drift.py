"""Which installed packages differ from a lock file: the report of ``sh tests/run.sh --nyeste``.

    python tools/drift.py requirements/test-lock.txt

Prints one line per package whose installed version is not the locked one (or that the lock
does not have yet), so a new release shows up as a line to read instead of as a broken
first install. Always exits 0: the test run that follows says whether the drift matters.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

IGNORED = frozenset({"pip", "setuptools", "wheel", "politiradet-arkiv"})
"""The installer and this project itself, not dependencies."""
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main(lock: Path) -> None:
    locked = {normalise(name): version for name, version in PIN.findall(lock.read_text())}
    installed = {normalise(dist.metadata["Name"]): dist.version
                 for dist in metadata.distributions() if dist.metadata["Name"]}
    newer = [(name, locked.get(name), version) for name, version in sorted(installed.items())
             if locked.get(name) != version and name not in IGNORED]
    if not newer:
        print(f"Nyeste versjoner: som i {lock}.")
        return
    print(f"Nyeste versjoner som skiller seg fra {lock} ({len(newer)}):")
    for name, was, now in newer:
        print(f"  {name}: {was or '(ikke låst)'} -> {now}")
    print("Består testene, oppdateres låsen med: sh tools/lock.sh --upgrade")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
