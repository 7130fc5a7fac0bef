"""The web editor's local backend writes only documents inside the content folders, only for
a page on this loopback origin, and only what ``check`` accepts.

Hostile paths, symlinks out of the content folder, other host names, cross-site requests,
deletions and uploads are all refused, and nothing is written or lost.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_fixture

from politiradet.editor.admin import API_PATH, Admin
from politiradet.editor.backend import MAX_REQUEST_BYTES, LocalBackend
from politiradet.pipeline import Paths, check
from politiradet.preview import livereload
from politiradet.preview.http import PreviewServer

SECRET = "HEMMELIG-utenfor-innholdet"
GOOD = """\
---
tittel: Referat fra møte 12. mars 2026
dato: 2026-03-12
motetype: møte
temaer:
  - salto
omrader: []
utkast: true
kilde:
  tittel: Referat 12.03.2026
---
Teksten.

::: status 2025-1
Fulgt opp.
:::
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    (tmp_path / "hemmelig.md").write_text(SECRET, encoding="utf-8")
    (tmp_path / "utenfor").mkdir()
    (tmp_path / "utenfor" / "hemmelig.md").write_text(SECRET, encoding="utf-8")
    return copy_fixture("gyldig", tmp_path)


@pytest.fixture
def backend(content: Path) -> LocalBackend:
    return LocalBackend(content, ROOT / "schema")


def _persist(path: str, raw: str = GOOD, new: bool = True, **extra: Any) -> dict[str, Any]:
    return {"action": "persistEntry",
            "params": {"dataFiles": [{"path": path, "slug": "x", "raw": raw, **extra}],
                       "assets": [], "options": {"newEntry": new, "commitMessage": "x"}}}


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


HOSTILE = [
    "content/../hemmelig.md",
    "content/referater/../../hemmelig.md",
    "content/referater/../../utenfor/hemmelig.md",
    "../hemmelig.md",
    "/etc/passwd",
    "content/referater/%2e%2e/x.md",
    "content/referater/..\\..\\hemmelig.md",
    "content/referater/x.md\x00.txt",
    "content/referater/X.md",
    "content/referater/x.markdown",
    "content/referater/sub/x.md",
    "content/temaer.yaml",
    "content/ukjent/x.md",
    "referater/x.md",
    "content//referater/x.md",
    "content/referater/.skjult.md",
    "content/referater/-x.md",
    "",
]


@pytest.mark.parametrize("path", HOSTILE)
def test_hostile_paths_are_refused_for_writing_and_reading(
        backend: LocalBackend, content: Path, path: str) -> None:
    before = _files(content.parent)
    answer = backend.handle(_persist(path))
    assert answer.status == 403 and "error" in answer.body
    assert _files(content.parent) == before
    read = backend.handle({"action": "getEntry", "params": {"path": path}})
    assert read.status == 403 and SECRET not in json.dumps(read.body)


@pytest.mark.parametrize("folder", ["content/../utenfor", "/etc", "content", "content/ukjent",
                                    "../", "content/referater/.."])
def test_listing_only_the_content_folders(backend: LocalBackend, folder: str) -> None:
    answer = backend.handle({"action": "entriesByFolder",
                             "params": {"folder": folder, "extension": "md", "depth": 1}})
    assert answer.status == 403


def test_a_symlinked_folder_or_file_is_never_read_or_written(content: Path,
                                                             backend: LocalBackend) -> None:
    outside = content.parent / "utenfor"
    (content / "referater" / "lenke.md").symlink_to(outside / "hemmelig.md")
    (content / "referater" / "inne.md").symlink_to(content / "referater" / "2025-05-14.md")
    folder = content / "avtaler"
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    read = backend.handle({"action": "getEntry", "params": {"path": "content/referater/lenke.md"}})
    assert read.status == 403 and SECRET not in json.dumps(read.body)
    before = (content / "referater" / "2025-05-14.md").read_bytes()
    for path in ("content/referater/lenke.md", "content/referater/inne.md",
                 "content/avtaler/hemmelig.md", "content/avtaler/ny.md"):
        answer = backend.handle(_persist(path, new=False))
        assert answer.status == 403, path
    listing = backend.handle({"action": "entriesByFolder",
                              "params": {"folder": "content/avtaler"}})
    assert listing.status == 403
    assert (outside / "hemmelig.md").read_text(encoding="utf-8") == SECRET
    assert not (outside / "ny.md").exists()
    assert (content / "referater" / "2025-05-14.md").read_bytes() == before


def test_a_good_document_is_saved_as_a_careful_editor_would_and_passes_check(
        backend: LocalBackend, content: Path) -> None:
    answer = backend.handle(_persist("content/referater/2026-03-12.md"))
    assert answer.status == 200, answer.body
    text = (content / "referater" / "2026-03-12.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntittel: Referat fra møte 12. mars 2026\ndato: 2026-03-12\n"
                           "motetype: møte\ntemaer: [salto]\nomrader: []\nutkast: true\n")
    assert check(Paths(content=content))[1] == []
    assert not list(content.rglob(".*.lagres"))


def test_what_check_rejects_is_refused_with_its_norwegian_message(
        backend: LocalBackend, content: Path) -> None:
    bad = GOOD.replace("::: status 2025-1", "::: status 2025-9").replace("salto", "saltoo")
    answer = backend.handle(_persist("content/referater/2026-03-12.md", bad))
    assert answer.status == 422
    message = answer.body["error"]
    assert "content/referater/2026-03-12.md:5:" in message
    assert "ukjent tema «saltoo». Mente du «salto»?" in message
    assert "ukjent oppfølgingspunkt «2025-9»" in message
    assert not (content / "referater" / "2026-03-12.md").exists()


def test_other_files_problems_do_not_block_a_save(backend: LocalBackend, content: Path) -> None:
    (content / "referater" / "2016-01-12.md").write_text("---\ntittel: [\n---\n",
                                                        encoding="utf-8")
    assert backend.handle(_persist("content/referater/2026-03-12.md")).status == 200


def test_a_new_document_never_overwrites_one_that_exists(backend: LocalBackend,
                                                          content: Path) -> None:
    before = (content / "referater" / "2025-05-14.md").read_bytes()
    answer = backend.handle(_persist("content/referater/2025-05-14.md"))
    assert answer.status == 409 and "finnes allerede" in answer.body["error"]
    assert (content / "referater" / "2025-05-14.md").read_bytes() == before


def test_a_problem_naming_another_file_names_it_as_the_editor_sees_it(
        backend: LocalBackend, content: Path) -> None:
    """The editor names files «content/referater/…», in the message as in its location: the
    other referat of the same meeting was named by its full path on the disk
    (/tmp/…/referater/2026-03-12-1.md) when the content folder was outside the working
    directory, as it is for `serve --content`."""
    seminar = GOOD.replace("motetype: møte", "motetype: seminar")
    assert backend.handle(_persist("content/referater/2026-03-12.md", seminar)).status == 200
    assert backend.handle(_persist("content/referater/2026-03-12-1.md")).status == 200
    answer = backend.handle(_persist("content/referater/2026-03-12-2.md"))
    assert answer.status == 422
    assert answer.body["error"].splitlines()[1] == (
        "content/referater/2026-03-12-2.md:3:7: content/referater/2026-03-12-1.md er også et "
        "referat fra møte 2026-03-12. Ett møte har ett referat: flytt det som mangler inn i det "
        "ene og slett det andre, eller rett «dato» eller «motetype» i det som er feil.")
    assert str(content) not in answer.body["error"]


def test_nothing_is_deleted_renamed_or_uploaded(backend: LocalBackend, content: Path) -> None:
    before = _files(content)
    for request in (
        {"action": "deleteFile", "params": {"path": "content/referater/2025-05-14.md"}},
        {"action": "deleteFiles", "params": {"paths": ["content/referater/2025-05-14.md"]}},
        {"action": "persistMedia", "params": {"asset": {"path": "content/referater/x.md",
                                                        "content": "eA==",
                                                        "encoding": "base64"}}},
        _persist("content/referater/2025-05-14.md", new=False,
                 newPath="content/referater/2099-01-01.md"),
        {"action": "ukjent"}, [], {"action": "info", "params": []},
    ):
        answer = backend.handle(request)
        assert answer.status >= 400 and answer.body["error"], request
    assert _files(content) == before


def test_reading_entries(backend: LocalBackend) -> None:
    listing = backend.handle({"action": "entriesByFolder",
                              "params": {"folder": "content/referater", "extension": "md"}})
    paths = [entry["file"]["path"] for entry in listing.body]
    assert paths == ["content/referater/2016-01-12.md", "content/referater/2025-05-14.md",
                     "content/referater/utkast.md"]
    info = backend.handle({"action": "info"}).body
    assert info["publish_modes"] == ["simple"] and info["type"] == "local_fs"


# --- over HTTP, as the browser talks to it -----------------------------------------------------

@pytest.fixture
def port(content: Path, tmp_path: Path) -> Iterator[int]:
    site = tmp_path / "site"
    site.mkdir()
    server = PreviewServer(("127.0.0.1", 0), site, livereload.BuildState(),
                           Admin(content, ROOT / "schema"))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.port
    server.state.close()
    server.shutdown()
    server.server_close()


def post(port: int, body: bytes, host: str = "127.0.0.1", origin: str | None = None,
         ctype: str = "application/json", target: str = API_PATH) -> tuple[int, bytes]:
    headers = f"Host: {host}:{port}\r\nContent-Type: {ctype}\r\n"
    if origin is not None:
        headers += f"Origin: {origin}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(f"POST {target} HTTP/1.1\r\n{headers}Content-Length: {len(body)}\r\n"
                     f"Connection: close\r\n\r\n".encode("latin-1") + body)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


def _save_request() -> bytes:
    return json.dumps(_persist("content/referater/2026-03-12.md")).encode()


@pytest.mark.parametrize(("host", "origin", "ctype", "status"), [
    ("angriper.example", None, "application/json", 421),
    ("127.0.0.1", "http://angriper.example", "application/json", 403),
    ("127.0.0.1", "null", "application/json", 403),
    ("127.0.0.1", None, "text/plain", 403),
    ("127.0.0.1", None, "application/x-www-form-urlencoded", 403),
])
def test_only_this_loopback_origin_may_save(port: int, content: Path, host: str,
                                           origin: str | None, ctype: str, status: int) -> None:
    code, _ = post(port, _save_request(), host, origin, ctype)
    assert code == status
    assert not (content / "referater" / "2026-03-12.md").exists()


@pytest.mark.parametrize("drafts", [False, True])
def test_a_drafts_address_shows_the_note_only_where_drafts_are_not_built(
        content: Path, tmp_path: Path, drafts: bool) -> None:
    """Without --utkast a draft has no page, so its address explains why; with --utkast its
    page is on its way, and the note («this preview does not show drafts») would be wrong
    until that build is done."""
    site = tmp_path / "site"
    site.mkdir()
    server = PreviewServer(("127.0.0.1", 0), site, livereload.BuildState(),
                           Admin(content, ROOT / "schema"), drafts=drafts)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
            conn.sendall(f"GET /referater/utkast/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}"
                         f"\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
    finally:
        server.state.close()
        server.shutdown()
        server.server_close()
    assert data.split(b" ", 2)[1] == b"404"
    assert ("er et utkast" in data.decode("utf-8")) is not drafts


def test_the_editor_page_saves_over_http(port: int, content: Path) -> None:
    code, data = post(port, _save_request(), origin=f"http://127.0.0.1:{port}")
    assert code == 200, data
    assert (content / "referater" / "2026-03-12.md").is_file()
    assert b"Content-Security-Policy: default-src 'self'" in data


def test_a_request_over_the_limit_is_refused_whole(port: int, content: Path) -> None:
    """One limit on a save, where the body is read and where it is parsed."""
    small = _save_request()
    body = small[:-1] + b" " * (MAX_REQUEST_BYTES + 1 - len(small)) + small[-1:]
    code, data = post(port, body, origin=f"http://127.0.0.1:{port}")
    assert code == 413 and b"Dokumentet er for stort" in data
    assert not (content / "referater" / "2026-03-12.md").exists()
    assert post(port, small, origin=f"http://127.0.0.1:{port}")[0] == 200


def test_posting_anywhere_else_is_refused(port: int) -> None:
    status, data = post(port, b"{}", target="/")
    assert status == 405 and b"\r\nAllow: GET, HEAD\r\n" in data
    assert post(port, b"{not json")[0] == 400


@pytest.mark.parametrize("target", ["/admin/decap/../../load.py", "/admin/decap/%2e%2e/admin.py",
                                    "/admin/../admin.py", "/admin/decap/", "/admin/backend.py",
                                    "/admin/decap/.hidden"])
def test_editor_files_cannot_reach_outside_the_bundle(port: int, target: str) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                     .encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    assert int(data.split(b" ", 2)[1]) == 404
    assert b"import " not in data


def test_the_editor_config_points_at_this_server(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET /admin/config.yml HTTP/1.1\r\nHost: localhost:{port}\r\n"
                     f"Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    assert f"url: http://localhost:{port}/admin/api/v1".encode() in data


BROKEN = {
    "referater/2025-05-14.md": [("[", "[lenke](finnes-ikke.md) ["), ("::: status 2025-1",
                                                                        "::: status 2025-9")],
    "referater/2016-01-12.md": [("temaer: [salto", "temaer: [saltoo")],
    "oppfolgingspunkter/2025-1.md": [("tittel:", "tittel: [ikke\ntull:")],
}


@pytest.mark.parametrize("broken", [False, True], ids=["gyldig", "med-feil"])
def test_checking_one_document_finds_what_the_whole_link_stage_finds(
        content: Path, broken: bool) -> None:
    from politiradet.stages.compile import compile_bodies
    from politiradet.stages.link import check_document, link, needs_compiled
    from politiradet.stages.load import load_content, load_schemas
    from politiradet.stages.validate import Schemas, validate

    if broken:
        for name, edits in BROKEN.items():
            path = content / name
            text = path.read_text(encoding="utf-8")
            for old, new in edits:
                text = text.replace(old, new, 1)
            path.write_text(text, encoding="utf-8")
    raw, _ = load_content(content)
    validated, _ = validate(raw, Schemas(load_schemas(ROOT / "schema")))
    compiled, notes = compile_bodies(validated)
    _archive, linked = link(validated, compiled)
    everything = notes + linked
    assert bool(everything) is broken
    for doc in (*validated.content.documents, *validated.unvalidated):
        needed, notes_here = compile_bodies(validated, only=needs_compiled(validated, doc.path))
        own_notes = [note for note in notes_here if note.path == doc.source]
        alone = own_notes + check_document(validated, doc.path, needed)
        assert sorted(set(alone)) == sorted({p for p in everything if p.path == doc.source})


def test_a_status_on_a_point_an_earlier_referat_closed_is_refused(
        backend: LocalBackend, content: Path) -> None:
    """The save checks the new status against the other referater's «avsluttet», as the
    build does, though it compiles only what that check needs."""
    closing = content / "referater" / "2025-05-14.md"
    closing.write_text(closing.read_text(encoding="utf-8").replace(
        "::: status 2025-1\n", "::: status 2025-1 avsluttet\n"), encoding="utf-8")
    assert check(Paths(content=content))[1] == []
    answer = backend.handle(_persist("content/referater/2026-03-12.md"))
    assert answer.status == 422, answer.body
    assert ("content/referater/2026-03-12.md:14:1: oppfølgingspunkt 2025-1 ble avsluttet i "
            "content/referater/2025-05-14.md:") in answer.body["error"]
    assert not (content / "referater" / "2026-03-12.md").exists()
