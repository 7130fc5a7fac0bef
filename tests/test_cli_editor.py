"""The editor's command line: annotations for pull requests, progress only on a terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, copy_fixture, run_cli

REFERAT = "referater/2025-05-14.md"


def break_date(content: Path) -> Path:
    path = content / REFERAT
    path.write_text(path.read_text(encoding="utf-8").replace("dato: 2025-05-14",
                                                             "dato: 2025-02-30"),
                    encoding="utf-8")
    return path


def test_check_format_github_annotates_the_line(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    break_date(content)
    result = run_cli("check", "--format", "github", "--content", content)
    assert result.code == 1
    annotations = [line for line in result.err.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 1
    match = re.fullmatch(r"::error file=(.+),line=(\d+),col=(\d+)::(.+)", annotations[0])
    assert match, annotations[0]
    assert match[1].endswith(REFERAT)
    assert (match[2], match[3]) == ("3", "7")
    assert "2025-02-30" in match[4]


def test_check_format_github_escapes_newlines_and_percent(tmp_path: Path) -> None:
    from politiradet.errors import Problem

    problem = Problem("content/a.md", 2, 3, "100% feil\nandre linje")
    assert problem.github() == "::error file=content/a.md,line=2,col=3::100%25 feil%0Aandre linje"


def test_progress_is_silent_when_piped(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    break_date(content)
    result = run_cli("build", "--content", content, "--out", tmp_path / "site")
    assert result.code == 1
    assert "\r" not in result.err and "[1/8]" not in result.err


def test_progress_counts_stages_on_a_terminal(tmp_path: Path) -> None:
    content = copy_fixture("gyldig", tmp_path)
    break_date(content)
    output = run_with_terminal_stderr(["build", "--content", str(content),
                                       "--out", str(tmp_path / "site")])
    assert "[1/8] leser innholdet" in output and "[2/8] kontrollerer innholdet" in output
    assert "\r\x1b[K" in output  # the line is wiped before the problems are printed
    assert "2025-02-30" in output


def run_with_terminal_stderr(args: list[str]) -> str:
    """Run ``build.py ARGS`` with stderr on a pseudo-terminal; return what it wrote there."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")
