"""What every vendoring tool shares: fetch a pinned npm package and record what was vendored.

``tools/update_punkt.py`` and ``tools/update_decap.py`` both fetch with :func:`fetch` (``npm
pack``, the sha512 integrity checked before anything is unpacked), start from an empty folder
with :func:`empty_folder`, and write ``VERSIONS.json`` with :func:`write_versions`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path

Pinned = Mapping[str, tuple[str, str]]
"""Package name -> (version, sha512 integrity as npm writes it)."""


def fetch(name: str, version: str, integrity: str, tmp: Path) -> Path:
    """``npm pack`` one package, check its integrity and unpack it; return its folder."""
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination",
                          str(tmp)], check=True, capture_output=True, text=True).stdout
    tarball = tmp / json.loads(out)[0]["filename"]
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != integrity:
        raise SystemExit(f"{name}@{version}: integritet {digest} stemmer ikke med {integrity}")
    target = tmp / name.replace("/", "__")
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def empty_folder(out: Path) -> None:
    """Remove what an earlier run vendored into *out*, so nothing stale is left behind."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)


def write_versions(out: Path, packages: Pinned) -> None:
    """``VERSIONS.json``: the version and integrity of each package vendored into *out*."""
    (out / "VERSIONS.json").write_text(json.dumps(
        {name: {"version": v, "integrity": i} for name, (v, i) in packages.items()},
        indent=2) + "\n", encoding="utf-8")
