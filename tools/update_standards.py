#!/usr/bin/env python3
"""Place the official files of the open-data standards where the tests read them.

The tests check the site's OParl files against the OParl 1.1 JSON schemas (OParl/spec,
CC BY-SA 4.0) and its data catalogue against the DCAT-AP-NO SHACL shapes (Digdir's
Informasjonsforvaltning/dcat-ap-no, Apache 2.0). Only the files named in :data:`PINNED` are
used, each pinned to a commit and a SHA-256, with the licence of its repository.

    python tools/update_standards.py --oparl DIR --dcat-ap-no DIR [--inn MAPPE]

Each DIR is a git checkout (or bare repository) of the standard's public repository; the tool
reads every file at the pinned commit with ``git show``, checks its SHA-256 and writes it to
``MAPPE/<standard>/<path>`` (default: the folder :func:`folder` finds). Nothing is downloaded.
To move to a newer version of a standard, change its commit and hashes below and run it again.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PINNED: dict[str, tuple[str, str, dict[str, str]]] = {
    "oparl": ("https://github.com/OParl/spec", "0ca34358433b781faf1e006abdeb3653e4401d95", {
        "LICENSE": "bae5ccc863235f984a52c07d011e48a86c0c12f923be2dedd8624c7abdc22c6c",
        "schema/AgendaItem.json":
            "942328621cf0300aa7f2a166d7c47fab3a85a75953de44a29f42e5cff0c5722e",
        "schema/Body.json": "9e456ddd1b6988350794beccf29d42859a2bd9c4a94a1441b06eda146f8b31ff",
        "schema/Consultation.json":
            "412535f09dd48ec51936274c9aa68553f1f94ea2e95b8037ca244a93a13be320",
        "schema/File.json": "9b2ca31df6edc6ee0ccc6263bd482c6dc8890cb376c59e4b91a8c7eb2c6bc0f7",
        "schema/LegislativeTerm.json":
            "aeaa43ddeb229764a7edbf0be1cefa214f23cfb4c1cdc5eca30b2975d2700d9a",
        "schema/Location.json":
            "32932e5acb84d1d6281c47d508062d3a281ad3435ec7414cbdaf0bf5f3a95eb8",
        "schema/Meeting.json": "00168590d03f5d0299219014929affb881ecddbcda511d24555e9f8a73d15a47",
        "schema/Membership.json":
            "aad5ae39efacd97af4557a25751ec26a87a6aa42c6ad00f8b6bbc628984002d1",
        "schema/Organization.json":
            "cf7ea3540a12694784abc043445b366c55b83cc5427fa1d591fa091454496de1",
        "schema/Paper.json": "97b235a325422e2b2273bfbec161bd2abab131bf9f39581dce095647e76885aa",
        "schema/Person.json": "fb61718797c0d200fe956cc642f5945f033df8cce686bfd55f010a39890dbb8c",
        "schema/System.json": "5e6bccf1115d9ff057d1cbb73350ad3cb5b59f7aa23781f664fbd28372489a1a",
    }),
    "dcat-ap-no": (
        "https://github.com/Informasjonsforvaltning/dcat-ap-no",
        "599eb030cabf3f9166497e562ad15d3bee51f71a", {
            "LICENSE": "c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4",
            "shacl/DCAT-AP-NO-shacl_shapes_2.00.ttl":
                "230384590db1c38b7736e099f3a15c17fdd96d0f199e675a16a2fbc898a272ac",
            "shacl/ontologies.ttl":
                "5c257102926b032fc4cf82e917156ca382e7a1b66a39c323525a639bb732d580",
        }),
}
"""Standard -> (public repository, commit, {path in it: SHA-256 of the file})."""


def folder() -> Path:
    """Where the tests look: ``$POLITIRADET_STANDARDER``, else ``tests/fixtures/standarder``,
    where the pinned files are kept in the repository."""
    configured = os.environ.get("POLITIRADET_STANDARDER")
    return Path(configured) if configured else ROOT / "tests" / "fixtures" / "standarder"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def copy(name: str, source: Path, target: Path) -> None:
    """Write the pinned files of standard *name* from the git repository *source*."""
    _repository, commit, files = PINNED[name]
    for path, expected in files.items():
        data = subprocess.run(["git", "-C", str(source), "show", f"{commit}:{path}"],
                              capture_output=True, check=True).stdout
        if digest(data) != expected:
            raise SystemExit(f"{name}: {path} ved {commit} har SHA-256 {digest(data)}, "
                             f"ventet {expected}")
        out = target / name / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--oparl", type=Path, required=True, help="checkout av OParl/spec")
    parser.add_argument("--dcat-ap-no", type=Path, required=True,
                        help="checkout av Informasjonsforvaltning/dcat-ap-no")
    parser.add_argument("--inn", type=Path, default=None, help="mappen filene legges i")
    args = parser.parse_args()
    target = args.inn or folder()
    copy("oparl", args.oparl, target)
    copy("dcat-ap-no", args.dcat_ap_no, target)
    print(f"Standardene lagt i {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
