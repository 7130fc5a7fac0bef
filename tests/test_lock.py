"""The locks in requirements/ match pyproject.toml, so the README's install gets every package
pyproject.toml names, in a version it allows, checked by hash (tools/lock.sh writes them)."""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)"
                   r"((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", re.MULTILINE)
RERUN = "pyproject.toml og låsen er ikke i takt: kjør sh tools/lock.sh og commit requirements/"


def _lock(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    entries = {canonicalize_name(match[1]): match[2] for match in ENTRY.finditer(text)}
    pins = re.findall(r"^[A-Za-z0-9][^\s=]*==", text, re.MULTILINE)
    assert len(entries) == len(pins), f"{name}: a package without hashes"
    return entries


def _required(*extras: str) -> list[Requirement]:
    names = list(PYPROJECT["project"]["dependencies"])
    names += PYPROJECT["build-system"]["requires"]
    for extra in extras:
        names += PYPROJECT["project"]["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize(("lock", "extras"), [("lock.txt", ()),
                                              ("test-lock.txt", ("test", "bench"))])
def test_every_requirement_is_locked_in_an_allowed_version_with_hashes(
        lock: str, extras: tuple[str, ...]) -> None:
    locked = _lock(lock)
    for requirement in _required(*extras):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} mangler i requirements/{lock}. {RERUN}"
        assert requirement.specifier.contains(locked[name], prereleases=True), \
            f"{requirement.name}=={locked[name]} i requirements/{lock} oppfyller ikke " \
            f"«{requirement}». {RERUN}"


def test_the_generator_lock_has_the_versions_of_the_full_lock() -> None:
    full = _lock("test-lock.txt")
    for name, version in _lock("lock.txt").items():
        assert full.get(name) == version, \
            f"{name}: {version} i lock.txt, {full.get(name)} i test-lock.txt"
