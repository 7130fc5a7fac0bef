"""The web editor's backend under attack and under load, over real HTTP against a running
preview server: a save never writes through a planted link, concurrent saves and creations
lose no text and never answer success for text that is not on the disk, and every malformed
or slow request gets a Norwegian answer (no traceback, no dropped connection, no thread held
for ever) while the server goes on serving others.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import shutil
import socket
import stat
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_fixture

from politiradet.editor.admin import API_PATH, Admin
from politiradet.preview import livereload
from politiradet.preview.http import PreviewServer

TIMEOUT = 5.0
"""The server's request timeout in these tests: short, so a slow client is answered soon."""
SECRET = "HEMMELIG-utenfor-innholdet\n"
TEXT = """\
---
tittel: Referat fra møte {date}
dato: {date}
motetype: møte
temaer: [salto]
omrader: []
utkast: true
kilde:
  tittel: Referat 12.03.2026
---
{body}
"""
EXISTING = "content/referater/2025-05-14.md"
NEW = "content/referater/2026-03-12.md"


def document(path: str, body: str) -> str:
    """A referat to save at *path*, of the meeting on the date its file is named after."""
    return TEXT.format(date=path.rsplit("/", 1)[1].removesuffix(".md"), body=body)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    (tmp_path / "utenfor.txt").write_text(SECRET, encoding="utf-8")
    return copy_fixture("gyldig", tmp_path)


@pytest.fixture
def port(content: Path, tmp_path: Path) -> Iterator[int]:
    site = tmp_path / "site"
    site.mkdir()
    server = PreviewServer(("127.0.0.1", 0), site, livereload.BuildState(),
                           Admin(content, ROOT / "schema"))
    server.request_timeout = TIMEOUT
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.port
    server.state.close()
    server.shutdown()
    server.server_close()
    thread.join()


def persist(path: str, raw: str, new: bool) -> dict[str, Any]:
    return {"action": "persistEntry",
            "params": {"branch": "main", "dataFiles": [{"path": path, "slug": "x", "raw": raw}],
                       "assets": [], "options": {"newEntry": new, "commitMessage": "x"}}}


def request(port: int, body: bytes, headers: str | None = None) -> tuple[int, bytes]:
    """Send one POST to the editor's API as raw bytes; the status (0: no answer) and body."""
    if headers is None:
        headers = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
        conn.sendall(f"POST {API_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}"
                     f"Connection: close\r\n\r\n".encode("latin-1") + body)
        return _answer(conn)


def _answer(conn: socket.socket) -> tuple[int, bytes]:
    data = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    parts = head.split(b" ", 2)
    return (int(parts[1]) if len(parts) > 1 else 0), body


def save(port: int, path: str, raw: str, new: bool) -> tuple[int, dict[str, Any]]:
    status, body = request(port, json.dumps(persist(path, raw, new)).encode())
    return status, (json.loads(body) if status else {})


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def _together(count: int, action: Any) -> list[Any]:
    """Run *action(i)* for i in range(count) on as many threads, released at the same moment."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        results[index] = action(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- the write path -----------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "new"), [(NEW, True), (EXISTING, False)])
def test_a_planted_link_at_the_staging_name_is_never_written_through(
        port: int, content: Path, path: str, new: bool) -> None:
    outside = content.parent / "utenfor.txt"
    target = content.parent / path.replace("content/", content.name + "/", 1)
    (target.parent / f".{target.name}.lagres").symlink_to(outside)
    status, answer = save(port, path, document(path, "Ny tekst."), new)
    assert status == 200, answer
    assert outside.read_text(encoding="utf-8") == SECRET
    assert not target.is_symlink() and "Ny tekst." in target.read_text(encoding="utf-8")
    assert answer["file"]["id"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert sorted(p.name for p in target.parent.glob(".*")) == [f".{target.name}.lagres"]


def test_a_save_keeps_the_documents_file_mode(port: int, content: Path) -> None:
    target = content / "referater" / "2025-05-14.md"
    target.chmod(0o640)
    status, answer = save(port, EXISTING, document(EXISTING, "Endret."), new=False)
    assert status == 200, answer
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert save(port, NEW, document(NEW, "Ny."), new=True)[0] == 200
    assert stat.S_IMODE((content / "referater" / "2026-03-12.md").stat().st_mode) == 0o644


def test_a_failed_write_is_refused_in_norwegian_and_leaves_no_staging_file(
        port: int, content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (content / "referater" / "2026-03-12.md").mkdir()
    status, answer = save(port, NEW, document(NEW, "Tekst."), new=False)
    assert status == 500
    assert answer["error"].startswith(f"{NEW} er ikke lagret: er en mappe, ikke en fil.")
    assert not list((content / "referater").glob(".*"))
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("new", [True, False])
def test_a_save_into_a_folder_that_is_a_file_says_so(
        port: int, content: Path, new: bool, capsys: pytest.CaptureFixture[str]) -> None:
    """content/referater being a file is not «the document exists» (409, choose another
    date): the editor is told the folder is a file, and nothing is written."""
    shutil.rmtree(content / "referater")
    (content / "referater").write_text("ikke en mappe\n", encoding="utf-8")
    before = _files(content)
    status, answer = save(port, NEW, document(NEW, "Tekst."), new)
    assert status == 500, answer
    assert answer["error"].startswith(f"{NEW} er ikke lagret: en del av stien er en fil, ikke "
                                      f"en mappe.")
    assert _files(content) == before
    assert "Traceback" not in capsys.readouterr().err


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """*folder* made read-only for the server; the reason a write then fails (Norwegian).

    Root writes through any file mode, so as root the folder is bind-mounted read-only
    onto itself instead (a real ``EROFS``); elsewhere its mode forbids writing (``EACCES``).
    """
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "du har ikke tilgang"
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"root without the right to mount: {mounted.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield "disken er skrivebeskyttet"
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize(("path", "new"), [(NEW, True), (EXISTING, False)])
def test_a_save_into_a_read_only_folder_is_refused_in_norwegian(
        port: int, content: Path, path: str, new: bool,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = _files(content)
    with read_only(content / "referater") as reason:
        status, answer = save(port, path, document(path, "Tekst."), new)
    assert status == 500
    assert answer["error"] == (f"{path} er ikke lagret: {reason}. Teksten står fortsatt i "
                               f"skjemaet; lagre på nytt når feilen er rettet.")
    assert _files(content) == before
    assert "Traceback" not in capsys.readouterr().err
    assert save(port, path, document(path, "Tekst."), new)[0] == 200


@contextlib.contextmanager
def nearly_full(folder: Path) -> Iterator[None]:
    """*folder* on a file system of its own with 64 KB, its files copied onto it (root only:
    mounting needs it)."""
    if os.geteuid() != 0:
        pytest.skip("a small file system of its own needs root (mount)")
    files = {path.name: path.read_bytes() for path in folder.iterdir()}
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"root without the right to mount: {mounted.stderr.decode().strip()}")
    try:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_save_that_fills_the_disk_is_refused_and_leaves_nothing_half_written(
        port: int, content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = content / "referater"
    with nearly_full(folder):
        before = _files(folder)
        status, answer = save(port, EXISTING, document(EXISTING, "Lang tekst. " * 20_000),
                              new=False)
        assert status == 507
        assert answer["error"].startswith(f"{EXISTING} er ikke lagret: disken er full.")
        assert _files(folder) == before
        assert not list(folder.glob(".*"))
    assert "Traceback" not in capsys.readouterr().err


# --- two editors at once ------------------------------------------------------------------------

def test_simultaneous_saves_of_one_document_all_land_and_each_answers_what_is_on_disk(
        port: int, content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = [document(EXISTING, f"Versjon {i}.") for i in range(12)]
    answers = _together(12, lambda i: save(port, EXISTING, texts[i], new=False))
    assert [status for status, _ in answers] == [200] * 12, answers
    final = (content / "referater" / "2025-05-14.md").read_bytes()
    assert sum(f"Versjon {i}.".encode() in final for i in range(12)) == 1
    ids = {body["file"]["id"] for _, body in answers}
    assert len(ids) == 12 and hashlib.sha256(final).hexdigest() in ids
    assert not list((content / "referater").glob(".*"))
    assert "Traceback" not in capsys.readouterr().err


def test_of_simultaneous_creations_of_one_document_exactly_one_wins(
        port: int, content: Path) -> None:
    texts = [document(NEW, f"Forfatter {i} skrev dette.") for i in range(4)]
    answers = _together(4, lambda i: save(port, NEW, texts[i], new=True))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 409, 409, 409], answers
    winner = next(i for i, (status, _) in enumerate(answers) if status == 200)
    saved = (content / "referater" / "2026-03-12.md").read_text(encoding="utf-8")
    assert f"Forfatter {winner} skrev dette." in saved
    for status, body in answers:
        if status == 409:
            assert body["error"].startswith(f"{NEW} finnes allerede, så dokumentet er ikke "
                                            f"lagret.")
    assert not list((content / "referater").glob(".*"))


def test_a_folder_with_other_files_is_listed_without_them(port: int, content: Path) -> None:
    folder = content / "referater"
    for name in ("Notat.md", "les-meg.txt", "a" * 150 + ".md", "ny\n.md"):
        (folder / name).write_text("x", encoding="utf-8")
    status, body = request(port, _json({"action": "entriesByFolder", "params": {
        "folder": "content/referater", "extension": "md", "depth": 1}}))
    assert status == 200, body
    assert [entry["file"]["path"] for entry in json.loads(body)] == [
        "content/referater/2016-01-12.md", EXISTING, "content/referater/utkast.md"]


def test_of_simultaneous_creations_of_one_meeting_under_different_names_one_wins(
        port: int, content: Path) -> None:
    """Saves are checked and written one at a time, so a rule across documents (one referat
    per meeting) holds for saves that arrive together too."""
    paths = [NEW, "content/referater/2026-03-12-ekstra.md", "content/referater/mars-mote.md"]
    raw = TEXT.format(date="2026-03-12", body="Tekst.")
    answers = _together(3, lambda i: save(port, paths[i], raw, new=True))
    assert sorted(status for status, _ in answers) == [200, 422, 422], answers
    assert len([p for p in (content / "referater").iterdir() if "2026" in p.name
                or "mars" in p.name]) == 1


@pytest.mark.parametrize("key", ["2024-01-01", "0x1F", "a: b"])
def test_an_edit_with_a_key_yaml_reads_as_a_date_or_number_is_refused_by_name(
        port: int, content: Path, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The editor is told which key is unknown; such a key crashed the save (500, a KeyError
    in the terminal) when ruamel.yaml read the rewritten key as a date or a number."""
    before = _files(content)
    raw = document(EXISTING, "Tekst.").replace("---\n", f"---\n{json.dumps(key)}: 1\n", 1)
    status, answer = save(port, EXISTING, raw, new=False)
    assert status == 422, answer
    assert f"ukjent nøkkel «{key}»" in answer["error"]
    assert _files(content) == before
    assert "Traceback" not in capsys.readouterr().err


def test_an_edit_with_a_title_shaped_like_an_impossible_date_is_saved(
        port: int, content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """«2025-02-30» as a title is text; the edit crashed (500, ValueError in the terminal)
    when ruamel.yaml read it as a date."""
    raw = document(EXISTING, "Tekst.").replace("tittel: Referat 12.03.2026",
                                               "tittel: 2025-02-30")
    status, answer = save(port, EXISTING, raw, new=False)
    assert status == 200, answer
    saved = (content / "referater" / "2025-05-14.md").read_bytes()
    assert b'tittel: "2025-02-30"' in saved
    assert answer["file"]["id"] == hashlib.sha256(saved).hexdigest()
    assert "Traceback" not in capsys.readouterr().err


# --- malformed and slow requests ----------------------------------------------------------------

def _json(data: Any) -> bytes:
    return json.dumps(data).encode()


def _headers(length: str, extra: str = "") -> str:
    return f"Content-Type: application/json\r\nContent-Length: {length}\r\n{extra}"


GOOD_RAW = document(NEW, "Tekst.")
MALFORMED: dict[str, tuple[bytes, str | None, int, str]] = {
    "length-not-a-number": (b"{}", _headers("abc"), 400, "Content-Length"),
    "length-negative": (b"{}", _headers("-2"), 400, "Content-Length"),
    "length-over-the-limit": (b"{}", _headers(str(10**12)), 413, "for stort"),
    "length-twice": (b"{}", _headers("2", "Content-Length: 5\r\n"), 411, "Content-Length"),
    "chunked": (b"2\r\n{}\r\n0\r\n\r\n", "Content-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n", 411, "Content-Length"),
    "deep-array": (b"[" * 100_000 + b"]" * 100_000, None, 400, "nøstet for dypt"),
    "not-an-object": (_json([1, 2]), None, 400, "JSON-objekt"),
    "action-not-text": (_json({"action": ["persistEntry"]}), None, 400, "«action»"),
    "params-a-list": (_json({"action": "getEntry", "params": []}), None, 400, "«params»"),
    "datafiles-a-number": (_json({"action": "persistEntry", "params": {"dataFiles": 5}}),
                           None, 400, "«dataFiles» i forespørselen må være en liste"),
    "datafiles-missing": (_json({"action": "persistEntry", "params": {}}), None, 400,
                          "mangler «dataFiles»"),
    "datafiles-empty": (_json({"action": "persistEntry", "params": {"dataFiles": []}}), None,
                        400, "ett dokument lagres om gangen"),
    "datafile-a-number": (_json({"action": "persistEntry", "params": {"dataFiles": [5]}}),
                          None, 400, "Hvert element i «dataFiles»"),
    "path-a-number": (_json({"action": "persistEntry", "params": {
        "dataFiles": [{"path": 5, "raw": GOOD_RAW}]}}), None, 400, "«path»"),
    "raw-missing": (_json({"action": "persistEntry", "params": {
        "dataFiles": [{"path": NEW}]}}), None, 400, "mangler «raw»"),
    "options-text": (_json({**persist(NEW, GOOD_RAW, True),
                            "params": {**persist(NEW, GOOD_RAW, True)["params"],
                                       "options": "ja"}}), None, 400, "«options»"),
    "new-entry-text": (_json({**persist(NEW, GOOD_RAW, True),
                              "params": {**persist(NEW, GOOD_RAW, True)["params"],
                                         "options": {"newEntry": "true"}}}),
                       None, 400, "«newEntry» i forespørselen må være true eller false"),
    "get-entry-path-number": (_json({"action": "getEntry", "params": {"path": 7}}), None, 400,
                              "«path»"),
    "files-not-objects": (_json({"action": "entriesByFiles", "params": {"files": ["a"]}}),
                          None, 400, "Hvert element i «files»"),
    "folder-a-list": (_json({"action": "entriesByFolder", "params": {"folder": []}}), None,
                      400, "«folder»"),
    "name-300-characters": (_json(persist("content/referater/" + "a" * 300 + ".md", GOOD_RAW,
                                          True)), None, 400, "Filnavnet i"),
    "trailing-newline": (_json(persist(NEW + "\n", GOOD_RAW, True)), None, 403,
                         "er ikke et dokument i content/referater"),
    "lone-surrogate": (_json(persist(NEW, document(NEW, "Tekst \ud800."), True)), None,
                       400, "ugyldig tegn (U+D800)"),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_request_gets_a_norwegian_4xx_and_the_server_goes_on(
        port: int, content: Path, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    body, headers, expected, fragment = MALFORMED[case]
    before = _files(content)
    status, answer = request(port, body, headers)
    assert status == expected, answer
    assert fragment in json.loads(answer)["error"]
    assert _files(content) == before
    assert "Traceback" not in capsys.readouterr().err
    assert save(port, NEW, GOOD_RAW, new=True)[0] == 200


def _handlers_done(seconds: float = 60) -> None:
    """Wait until no request handler thread of the server is running."""
    deadline = time.monotonic() + seconds
    while any("process_request_thread" in thread.name for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "a request handler is still running"
        time.sleep(0.01)


def _handler_running(seconds: float = 60) -> None:
    """Wait until the server has taken a connection: a request handler thread runs."""
    deadline = time.monotonic() + seconds
    while not any("process_request_thread" in thread.name for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "the server took no connection"
        time.sleep(0.01)


def test_a_client_that_resets_the_connection_leaves_no_traceback(
        port: int, content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An editor closing the tab while a save is under way is no fault of the server: nothing
    is printed (the standard library printed a traceback for every such connection), nothing
    is written, and the next request is served."""
    before = _files(content)
    body = json.dumps(persist(EXISTING, document(EXISTING, "Halvveis."), False)).encode()
    for _ in range(3):
        conn = socket.create_connection(("127.0.0.1", port), timeout=60)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.sendall(f"POST {API_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     f"{_headers(str(len(body)))}\r\n".encode() + body[:len(body) // 2])
        _handler_running()
        conn.close()  # with SO_LINGER 0: a reset while the server waits for the rest
        _handlers_done()
    assert capsys.readouterr().err == ""
    assert _files(content) == before
    assert save(port, NEW, GOOD_RAW, new=True)[0] == 200


def test_a_slow_client_times_out_while_the_server_serves_others(
        port: int, content: Path) -> None:
    body = json.dumps(persist(NEW, GOOD_RAW, True)).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as slow:
        slow.sendall(f"POST {API_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     f"{_headers(str(len(body)))}\r\n".encode() + body[:20])
        assert save(port, EXISTING, document(EXISTING, "Imens."), new=False)[0] == 200
        status, answer = _answer(slow)
    assert status == 408
    assert json.loads(answer)["error"].startswith("Forespørselen kom ikke fram i tide.")
    assert not (content / "referater" / "2026-03-12.md").exists()


def test_a_client_sending_its_headers_a_byte_at_a_time_is_cut_off(port: int) -> None:
    """Each byte comes well within the timeout, the request as a whole does not (at a byte
    per 0.1 s it would take about 30 s, six times the server's timeout)."""
    head = (f"POST {API_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n" +
            "X-Tull: a\r\n" * 25).encode()
    cut_off = False
    with socket.create_connection(("127.0.0.1", port), timeout=60) as slow:
        for byte in head:
            try:
                slow.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                cut_off = True
                break
            if select.select([slow], [], [], 0.1)[0]:  # the server answered or closed
                with contextlib.suppress(ConnectionResetError):
                    assert slow.recv(65536) == b""
                cut_off = True
                break
    assert cut_off, "the server read the whole slow request"
