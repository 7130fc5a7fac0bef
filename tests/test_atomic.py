"""Publishing is atomic: the new site is built beside the old and swapped in only when complete.

A failed, interrupted or killed build leaves the previous site exactly as it was, and a
reader during a publish sees the whole old site or the whole new one, never a mix or a gap.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_fixture, run_cli, swept

from politiradet.stages import write
from politiradet.store.database import cache_dir_for

COMMON = {f"felles/{name}": name.encode() for name in ("a.css", "b.js", "c.svg", "d.json")}
"""Files every site below has with the same bytes (as a site's style sheets and scripts)."""
OLD = {"index.html": b"gammel forside", "referater/a/index.html": b"gammelt referat",
       "bare-gammel.txt": b"x", write.MARKER: write.MARKER_TEXT, **COMMON}
NEW = {"index.html": b"ny forside", "referater/a/index.html": b"nytt referat",
       "referater/b/index.html": b"nytt referat b", write.MARKER: write.MARKER_TEXT, **COMMON}


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def _leftovers(parent: Path, out: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write.publish(OLD, site)
    assert _tree(site) == OLD
    return site


def test_publish_replaces_the_whole_site(out: Path) -> None:
    write.publish(NEW, out)
    assert _tree(out) == NEW
    assert _leftovers(out.parent, out) == []


NEWER = {"index.html": b"nyere forside", "referater/b/index.html": b"nytt referat b",
         "referater/c/index.html": b"referat c", write.MARKER: write.MARKER_TEXT, **COMMON}


def _publish(files: dict[str, bytes], out: Path) -> write.Staging:
    """Publish *files* as a build does that knows the live site: a file with the bytes the
    live site has is linked, not written (so a site with a few files changed is no site
    written anew)."""
    published = {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                 for path in out.rglob("*") if path.is_file()}
    with write.staging_for(out, published=published) as staging:
        staging.write_all((path, data) for path, data in files.items() if path != write.MARKER)
        assert not staging.renewed
        staging.swap()
    write.sweep(out)
    return staging


def test_the_replaced_site_is_kept_and_the_next_site_assembled_in_it(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site replaced last is kept in the cache, and the next publish makes the next site
    in it (so an edit does not link every file anew); no process is needed to delete it."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(out.parent / "cache"))  # on the same disk
    trash = cache_dir_for(out) / write.OLD_SITES
    started = _processes_started(monkeypatch)
    _publish(NEW, out)
    assert _tree(out) == NEW
    assert _tree(trash / write.PREVIOUS) == OLD
    _publish(NEWER, out)
    assert _tree(out) == NEWER
    assert _tree(trash / write.PREVIOUS) == NEW
    assert [p.name for p in trash.iterdir()] == [write.PREVIOUS]
    assert started == []
    assert _leftovers(out.parent, out) == []


def test_a_damaged_previous_site_is_never_trusted_or_followed(
        out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the kept site holds (files edited, a link out of it where a folder or a file
    should be, a folder where a file should be, files of its own), the next site is exactly
    the new one, and nothing outside is written."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(out.parent / "cache"))
    _publish(NEW, out)
    previous = cache_dir_for(out) / write.OLD_SITES / write.PREVIOUS
    outside = tmp_path / "utenfor"
    outside.mkdir()
    (outside / "index.html").write_bytes(b"ikke din")
    (previous / "index.html").write_bytes(b"endret for hand")
    shutil.rmtree(previous / "referater")
    (previous / "referater").symlink_to(outside, target_is_directory=True)
    (previous / "bare-gammel.txt").unlink()
    (previous / "bare-gammel.txt").mkdir()
    (previous / "bare-gammel.txt" / "fil").write_bytes(b"x")
    (previous / write.MARKER).unlink()
    (previous / write.MARKER).symlink_to(outside / "index.html")
    _publish(NEWER, out)
    assert _tree(out) == NEWER
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert _tree(outside) == {"index.html": b"ikke din"}


def test_a_replaced_site_left_undeleted_is_deleted_by_the_next_publish(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLITIRADET_CACHE", str(out.parent / "cache"))
    trash = cache_dir_for(out) / write.OLD_SITES
    trash.mkdir(parents=True, exist_ok=True)
    (trash / ".site.ny-avbrutt").mkdir()
    (trash / ".site.ny-avbrutt" / "index.html").write_bytes(b"gammel")
    started = _processes_started(monkeypatch)
    _publish(NEW, out)
    assert [args[-2] for args in started] == [str(trash)], "deleted in a detached process"
    assert swept(trash)
    assert _tree(trash / write.PREVIOUS) == OLD
    assert _tree(out) == NEW


def test_a_site_written_anew_leaves_a_linked_copy_of_itself_to_assemble_the_next_in(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site mostly written anew (a cold build) shares few files with the site it replaced,
    so the next publish would delete and link nearly every file there: it leaves a copy of
    itself of hard links instead, and the replaced site is deleted."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(out.parent / "cache"))
    trash = cache_dir_for(out) / write.OLD_SITES
    changed = {path: data + b" (ny)" for path, data in OLD.items() if path != write.MARKER}
    write.publish(changed, out)
    assert swept(trash)
    previous = trash / write.PREVIOUS
    assert _tree(previous) == _tree(out) == {**changed, write.MARKER: write.MARKER_TEXT}
    assert all((previous / name).stat().st_ino == (out / name).stat().st_ino for name in changed)
    staging = _publish({**changed, "index.html": b"endret forside"}, out)
    assert staging.untouched == set(changed) - {"index.html"} | {write.MARKER}, \
        "the next publish touches only the file that changed"
    assert _tree(out) == {**changed, "index.html": b"endret forside",
                          write.MARKER: write.MARKER_TEXT}
    assert swept(trash)


def test_a_file_left_as_it_was_in_a_site_written_anew_keeps_its_stat(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the staging reports untouched (its stat is recorded as the build found it) has
    that stat after the swap, also when the site is mostly written anew and leaves a linked
    copy of itself, which changes the change time of each file it links."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(out.parent / "cache"))
    _publish(NEW, out)
    published = {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                 for path in out.rglob("*") if path.is_file()}
    before = {name: os.lstat(out / name).st_ctime_ns for name in NEW}
    with write.staging_for(out, published=published) as staging:
        staging.keep(["felles/a.css"])
        staging.write_all((path, data + b" (ny)") for path, data in NEW.items()
                          if path not in ("felles/a.css", write.MARKER))
        assert staging.renewed and staging.untouched
        time.sleep(0.05)  # a link made now changes a change time to a later one
        staging.swap()
    assert [name for name in staging.untouched
            if os.lstat(out / name).st_ctime_ns != before[name]] == []


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
def test_failure_while_writing_leaves_the_old_site(out: Path, monkeypatch: pytest.MonkeyPatch,
                                                   error: BaseException) -> None:
    real_write = write.Staging.write
    written: list[str] = []

    def failing_write(self: write.Staging, relative: str, data: bytes) -> None:
        if len(written) == 2:
            raise error
        written.append(relative)
        real_write(self, relative, data)

    monkeypatch.setattr(write.Staging, "write", failing_write)
    with pytest.raises(type(error)):
        write.publish(NEW, out)
    monkeypatch.undo()
    assert _tree(out) == OLD
    assert _leftovers(out.parent, out) == [], "the half-written folder must be removed"


def test_failure_during_swap_leaves_the_old_site(out: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def no_swap(staging: Path, target: Path, *_options: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(write, "_swap", no_swap)
    with pytest.raises(OSError):
        write.publish(NEW, out)
    assert _tree(out) == OLD
    assert _leftovers(out.parent, out) == []


def test_killed_build_leaves_the_old_site(out: Path) -> None:
    """SIGKILL in the middle of writing: no cleanup runs, yet the site is untouched."""
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from politiradet.stages import write
        real = write.Staging.write
        written = 0
        def slow(self, relative, data):
            global written
            written += 1
            print("skriver", flush=True)
            if written == 5:  # killed here, in the middle of writing, however slow the machine
                time.sleep(3600)
            real(self, relative, data)
        write.Staging.write = slow
        files = {{f"side-{{i}}/index.html": b"ny" for i in range(400)}}
        write.publish(files, Path({str(out)!r}))
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert process.stdout is not None
    for _ in range(5):
        process.stdout.readline()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert _tree(out) == OLD
    assert _leftovers(out.parent, out), "the killed build left its staging folder"
    write.publish(NEW, out)
    assert _tree(out) == NEW
    assert _leftovers(out.parent, out) == [], "the next publish removes the dead build's folder"


@pytest.mark.parametrize("path", ["../utenfor.html", "/etc/passwd", "a/../../b.html"])
def test_output_paths_outside_the_site_are_refused(out: Path, path: str) -> None:
    with pytest.raises(ValueError, match="utenfor nettstedet"):
        write.publish({path: b"x"}, out)
    assert _tree(out) == OLD
    assert not (out.parent / "utenfor.html").exists()


def test_readers_never_see_a_missing_or_mixed_site(out: Path) -> None:
    """While sites are published again and again, every read finds a complete site."""
    stop, read_again = threading.Event(), threading.Event()
    seen: set[tuple[bytes, bytes]] = set()
    errors: list[str] = []
    reads = 0

    def read() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                seen.add(((out / "index.html").read_bytes(),
                          (out / "referater/a/index.html").read_bytes()))
            except OSError as exc:  # pragma: no cover - the failure we test for
                errors.append(str(exc))
            reads += 1
            read_again.set()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for round_ in range(30):
            # each publish starts only after the reader has read since the last one, so the
            # reads and the swaps interleave however the threads are scheduled
            assert read_again.wait(60), "the reader reads"
            read_again.clear()
            write.publish(NEW if round_ % 2 == 0 else OLD, out)
    finally:
        stop.set()
        reader.join()
    assert reads >= 30
    assert errors == []
    # a reader may read the two files on either side of a swap, but never a file that is
    # missing or half written: every value is a whole old or new page
    assert {pair[0] for pair in seen} <= {OLD["index.html"], NEW["index.html"]}
    assert {pair[1] for pair in seen} <= {OLD["referater/a/index.html"],
                                          NEW["referater/a/index.html"]}


def test_build_with_content_errors_publishes_nothing(valid_content: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_cli("build", "--content", valid_content, "--out", site).code == 0
    before = _tree(site)
    (valid_content / "referater" / "ny.md").write_text("", encoding="utf-8")
    result = run_cli("build", "--content", valid_content, "--out", site)
    assert result.code == 1
    assert "Ingenting ble publisert" in result.err
    assert _tree(site) == before
    assert _leftovers(tmp_path, site) == []


CTRL_C_AT = textwrap.dedent("""
    import os, runpy, signal, sys
    points, build_py, *args = sys.argv[1:]
    pending = [point.split("=", 1) for point in points.split(";")]
    main_process = os.getpid()

    def press_ctrl_c(name, details):
        # an audit hook sees every import, open, mkdir, rmtree ...: press Ctrl-C at the next
        # moment in the list, in the main process only (not in forked workers)
        if pending and name == pending[0][0] and pending[0][1] in str(details[0]) \\
                and os.getpid() == main_process:
            pending.pop(0)
            os.kill(main_process, signal.SIGINT)

    sys.addaudithook(press_ctrl_c)
    sys.argv = [build_py, *args]
    runpy.run_path(build_py, run_name="__main__")
""")

BEFORE_PUBLISH = [("import", "politiradet.commands.cli"),
                  ("import", "jinja2"), ("import", "markdown_it"),
                  ("import", "politiradet.pipeline"), ("open", "referater"),
                  ("os.mkdir", ".site.ny-"), ("open", ".site.ny-")]
"""Moments (audit event, part of its first argument) before the new site is swapped in."""
AFTER_PUBLISH = [("os.rename", ".site.ny-"), ("os.scandir", "lager")]
"""Moments after the swap: moving the old site away to be deleted, and once the build's record
is written to the store."""


def _interrupted_build(content: Path, site: Path, *points: tuple[str, str]
                       ) -> subprocess.CompletedProcess[str]:
    """Run a real build and press Ctrl-C (SIGINT) at each of *points* in turn: the first audit
    event of that name whose argument contains that text. The same moments every run, however
    fast or loaded the machine."""
    env = {**os.environ, "POLITIRADET_CACHE": str(site.parent / "cache")}
    moments = ";".join(f"{event}={needle}" for event, needle in points)
    return subprocess.run([sys.executable, "-c", CTRL_C_AT, moments, str(ROOT / "build.py"),
                           "build", "--content", str(content), "--out", str(site)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


@pytest.fixture
def changed_site(valid_content: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A built site, and content changed since: (content, site, the site's files)."""
    site = tmp_path / "site"
    assert run_cli("build", "--content", valid_content, "--out", site).code == 0
    referat = valid_content / "referater" / "2025-05-14.md"
    referat.write_text(referat.read_text(encoding="utf-8").replace("Beredskapsetaten",
                                                                   "Ny tekst"), encoding="utf-8")
    return valid_content, site, _tree(site)


@pytest.mark.parametrize(("event", "needle"), BEFORE_PUBLISH,
                         ids=[f"{event}-{needle}" for event, needle in BEFORE_PUBLISH])
def test_ctrl_c_before_publishing_leaves_the_old_site_and_says_so(
        changed_site: tuple[Path, Path, dict[str, bytes]], event: str, needle: str) -> None:
    content, site, before = changed_site
    result = _interrupted_build(content, site, (event, needle))
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert "Avbrutt. Ingenting ble publisert" in result.stderr
    assert _tree(site) == before
    assert _leftovers(site.parent, site) == []


@pytest.mark.parametrize(("event", "needle"), AFTER_PUBLISH,
                         ids=[f"{event}-{needle}" for event, needle in AFTER_PUBLISH])
def test_ctrl_c_after_publishing_says_the_new_site_is_whole(
        changed_site: tuple[Path, Path, dict[str, bytes]], event: str, needle: str) -> None:
    content, site, _ = changed_site
    result = _interrupted_build(content, site, (event, needle))
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert "publisert i sin helhet" in result.stderr
    assert b"Ny tekst" in _tree(site)["referater/2025-05-14/index.html"]
    assert _leftovers(site.parent, site) == []


def test_a_second_ctrl_c_does_not_cut_the_cleanup_short(
        changed_site: tuple[Path, Path, dict[str, bytes]]) -> None:
    """Ctrl-C while writing, and again while the half-written folder is removed."""
    content, site, before = changed_site
    result = _interrupted_build(content, site, ("open", ".site.ny-"),
                                ("shutil.rmtree", ".site.ny-"))
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert _tree(site) == before
    assert _leftovers(site.parent, site) == []


def test_builds_into_folders_side_by_side_never_wait_for_each_other(tmp_path: Path) -> None:
    # Another process holding a lock on the parent folder (a build into a sibling folder, or
    # anything else) must not make this build hang.
    descriptor = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        result = run_cli("build", "--content", ROOT / "tests" / "fixtures" / "gyldig",
                         "--out", tmp_path / "site", timeout=120)
    finally:
        os.close(descriptor)
    assert result.code == 0, result.err
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_second_build_into_the_same_folder_says_it_waits(tmp_path: Path) -> None:
    out = tmp_path / "site"
    env = {**os.environ, "POLITIRADET_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, str(ROOT / "build.py"), "build", "--content",
               str(ROOT / "tests" / "fixtures" / "gyldig"), "--out", str(out)]
    lock = tmp_path / "cache"
    with _publish_lock_held(out, lock):
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        waited = _read_until(process.stderr, "Venter på en annen bygging")
        assert not out.exists()  # nothing published while the other build holds the folder
    _stdout, stderr = process.communicate(timeout=120)
    assert "Venter på en annen bygging" in waited, waited + stderr
    assert process.returncode == 0, stderr
    assert (out / "index.html").is_file()


def _read_until(stream: Any, text: str) -> str:
    seen = ""
    while text not in seen:
        line = stream.readline()
        if not line:
            break
        seen += line
    return seen


@contextlib.contextmanager
def _publish_lock_held(out: Path, cache: Path) -> Iterator[None]:
    """Hold the publishing lock of *out* as a running build would."""
    previous = os.environ.get("POLITIRADET_CACHE")
    os.environ["POLITIRADET_CACHE"] = str(cache)
    try:
        with write._exclusive(out.resolve()):
            yield
    finally:
        if previous is None:
            del os.environ["POLITIRADET_CACHE"]
        else:
            os.environ["POLITIRADET_CACHE"] = previous


def test_a_file_with_the_bytes_of_the_live_one_is_linked_whole_or_in_pieces(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file made again with the bytes it has in the live site keeps the live file, whether
    it comes whole or in pieces (the open data); other bytes are written as a new file."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(out.parent / "cache"))
    files = {"a.txt": b"alpha\n", "b.jsonl": b"1\n2\n", "c.jsonl": b"3\n"}
    write.publish(files, out)
    live = {name: (out / name).stat().st_ino for name in files}
    published = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    with write.staging_for(out, published=published) as staging:
        staging.write("a.txt", b"alpha\n")
        staging.write("b.jsonl", iter([b"1\n", b"2\n"]))
        staging.write("c.jsonl", iter([b"3\n", b"4\n"]))
        staging.swap()
    assert (out / "a.txt").stat().st_ino == live["a.txt"]
    assert (out / "b.jsonl").stat().st_ino == live["b.jsonl"]
    assert (out / "c.jsonl").stat().st_ino != live["c.jsonl"]
    assert (out / "c.jsonl").read_bytes() == b"3\n4\n"
    assert staging.digests == {"c.jsonl": hashlib.sha256(b"3\n4\n").hexdigest(),
                               write.MARKER: hashlib.sha256(write.MARKER_TEXT).hexdigest()}


def _processes_started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The arguments of each process the write stage starts from now on."""
    started: list[list[str]] = []
    popen = write.subprocess.Popen

    def spy(args: list[str], **kwargs: Any) -> Any:
        started.append(args)
        return popen(args, **kwargs)

    write._renameat2()  # looked up once, not counted among the processes started here
    monkeypatch.setattr(write.subprocess, "Popen", spy)
    return started


FEEDS_BEGAN = "feeds-began"
"""The file :func:`_build_with_pagefind` makes when the feeds stage begins."""


def _build_with_pagefind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pagefind: str,
                         feeds_fail: bool = False) -> tuple[Path, list[subprocess.Popen[bytes]],
                                                             list[bool], BaseException]:
    """Build the valid fixture cold with the Python code *pagefind* run in place of Pagefind
    (with the path of :data:`FEEDS_BEGAN` as its argument), and, with *feeds_fail*, a disk
    error as the feeds stage begins; return the site folder, the processes started, whether
    one had started when the feeds began, and the error."""
    from politiradet import pipeline
    from politiradet.stages import search

    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "cache"))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    command = [sys.executable, "-c", pagefind, str(tmp_path / FEEDS_BEGAN)]
    monkeypatch.setattr(search, "_pagefind_command", lambda *_paths: command)
    started: list[subprocess.Popen[bytes]] = []
    real_popen, real_render_into = subprocess.Popen, pipeline._render_into

    def popen(*args: Any, **options: Any) -> subprocess.Popen[bytes]:
        process = real_popen(*args, **options)
        if args[0] == command:  # not git's, say
            started.append(process)
        return process

    feeds_began: list[bool] = []

    def render_into(*args: Any, **options: Any) -> dict[str, str]:
        if args[4] == "feeds":
            feeds_began.append(bool(started))
            (tmp_path / FEEDS_BEGAN).touch()
            if feeds_fail:
                raise OSError(28, "No space left on device")
        return real_render_into(*args, **options)

    monkeypatch.setattr(search.subprocess, "Popen", popen)
    monkeypatch.setattr(pipeline, "_render_into", render_into)
    out = tmp_path / "site"
    with pytest.raises((RuntimeError, OSError)) as failed:
        pipeline.build(pipeline.Paths(content=copy_fixture("gyldig", tmp_path), out=out))
    monkeypatch.undo()
    assert not out.exists(), "nothing is published"
    assert _leftovers(tmp_path, out) == [], "the staging folder is removed"
    assert list(temporary.iterdir()) == [], "Pagefind's records and bundle are removed"
    return out, started, feeds_began, failed.value


def test_a_pagefind_run_that_fails_while_the_feeds_are_made_publishes_nothing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    failing = textwrap.dedent("""
        import pathlib, sys, time
        for _ in range(6000):  # a minute at most
            if pathlib.Path(sys.argv[1]).exists():
                break
            time.sleep(0.01)
        sys.exit("Pagefind: knekt")""")
    _out, started, feeds_began, error = _build_with_pagefind(monkeypatch, tmp_path, failing)
    assert feeds_began == [True], "the index is begun before the feeds are made"
    assert isinstance(error, RuntimeError)
    assert str(error).startswith("Pagefind feilet: Pagefind: knekt")
    assert [process.returncode for process in started] == [1]


def test_an_error_in_the_feeds_stops_the_pagefind_run_going_on(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    slow = "import time; time.sleep(120)"
    _out, started, feeds_began, error = _build_with_pagefind(monkeypatch, tmp_path, slow,
                                                             feeds_fail=True)
    assert feeds_began == [True]
    assert isinstance(error, OSError) and error.errno == 28
    assert [process.poll() is not None for process in started] == [True], \
        "Pagefind is stopped, not left running"


def test_a_failing_pagefind_run_ends_the_build_with_a_message_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
        ) -> None:
    from politiradet.commands import cli
    from politiradet.stages import search

    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(search, "_pagefind_command", lambda *_paths: [
        sys.executable, "-c", "import sys; sys.exit('Error: noe gikk galt')"])
    out = tmp_path / "site"
    code = cli.main(["build", "--content", str(copy_fixture("gyldig", tmp_path)),
                     "--out", str(out)])
    assert code == 1
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "feil: Pagefind feilet: Error: noe gikk galt", cli.BUILD_ADVICE]
    assert not out.exists()
