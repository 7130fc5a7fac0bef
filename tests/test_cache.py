"""The build cache's view of the inputs: every file, in a fixed order, under sourcefile's
policy, without opening what the loader would refuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from politiradet.store import build_cache


def walked(root: Path) -> list[str]:
    """The files os.walk gives top-down, sorted, skipping hidden files and folders and caches:
    what the build cache hashed before it used os.scandir."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found += [(Path(dirpath) / name).relative_to(root).as_posix()
                  for name in sorted(filenames) if not name.startswith(".")]
    return found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "innhold"
    for name in ("b.md", "a.md", "Z.md", ".skjult.md", "referater/2.md", "referater/10.md",
                 "referater/under/dypt.md", "referater/a-b/c.md", "referater/a.b/d.md",
                 "__pycache__/x.pyc", ".git/config", "tom/.gitkeep", "å/æ.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    (root / "lenket-mappe").symlink_to(root / "referater")
    (tmp_path / "ute.md").write_text("utenfor", encoding="utf-8")
    (root / "lenke-ut.md").symlink_to(tmp_path / "ute.md")
    (root / "lenke-til-mappe-ute").symlink_to(tmp_path)
    (root / "lenke-inn.md").symlink_to(root / "a.md")
    (root / "brutt.md").symlink_to(root / "finnes-ikke.md")
    os.mkfifo(root / "referater" / "rør.md")
    return root


def test_every_file_in_the_order_os_walk_gives(tree: Path) -> None:
    assert [relative for relative, _entry in build_cache._files(tree)] == walked(tree)


def test_what_the_loader_refuses_is_named_never_opened(tree: Path) -> None:
    hashes = dict(build_cache.BuildCache(tree.parent / "site")._hashes(tree.resolve()))
    assert hashes["referater/rør.md"].startswith("avvist: dette er ikke en vanlig fil")
    assert hashes["lenke-ut.md"].startswith("avvist: filen er en snarvei")
    assert hashes["brutt.md"].startswith("avvist: filen er en snarvei")
    assert hashes["lenke-inn.md"] == hashes["a.md"] != hashes["b.md"]
    assert not any(path.startswith(("lenket-mappe", "lenke-til-mappe-ute")) for path in hashes)
