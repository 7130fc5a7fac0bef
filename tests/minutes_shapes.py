"""Minutes the way other secretaries write them, as real files: a Word document made with
python-docx, and a PDF printed by Chromium from HTML. One shape, written as a list of lines,
gives both, so a test runs the same minutes through both readers."""

from __future__ import annotations

import html
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from conftest import CHROMIUM_ARGS, chromium_path


@dataclass(frozen=True)
class Line:
    """One line of the minutes: ``title`` (Word's Title/Heading 1), ``heading`` (bold line
    for an agenda item), ``text`` (a paragraph), ``bullet`` (a bulleted list item)."""

    kind: str
    text: str


def title(text: str) -> Line:
    return Line("title", text)


def heading(text: str) -> Line:
    return Line("heading", text)


def text(value: str) -> Line:
    return Line("text", value)


def bullet(value: str) -> Line:
    return Line("bullet", value)


def write_docx(lines: Sequence[Line], target: Path) -> Path:
    """A Word file: the title as Heading 1, agenda items as bold lines, lists as Word lists."""
    from docx import Document

    document = Document()
    for line in lines:
        if line.kind == "title":
            document.add_heading(line.text, level=1)
        elif line.kind == "heading":
            document.add_paragraph().add_run(line.text).bold = True
        elif line.kind == "bullet":
            document.add_paragraph(line.text, style="List Bullet")
        else:
            document.add_paragraph(line.text)
    document.save(str(target))
    return target


def page_html(lines: Sequence[Line]) -> str:
    """The minutes as a printable page: the letterhead small at the top, as Word prints it."""
    body: list[str] = []
    for line in lines:
        escaped = html.escape(line.text)
        if line.kind == "title":
            body.append(f"<h1>{escaped}</h1>")
        elif line.kind == "heading":
            body.append(f"<p><b>{escaped}</b></p>")
        elif line.kind == "bullet":
            body.append(f"<ul><li>{escaped}</li></ul>")
        else:
            body.append(f"<p>{escaped}</p>")
    return ("<!doctype html><html lang=nb><meta charset=utf-8><style>"
            "body{font-family:'DejaVu Sans',sans-serif;font-size:11pt;line-height:1.35;"
            "margin:0 10mm}h1{font-size:18pt}</style><body>" + "".join(body) + "</body></html>")


def write_pdf(lines: Sequence[Line], target: Path) -> Path:
    """Print the page to PDF with Chromium on the command line, as a secretary's PC would."""
    with tempfile.TemporaryDirectory() as profile:
        source = Path(profile) / "referat.html"
        source.write_text(page_html(lines), encoding="utf-8")
        subprocess.run([chromium_path(), *CHROMIUM_ARGS, f"--user-data-dir={profile}/p",
                        "--no-pdf-header-footer", f"--print-to-pdf={target}",
                        source.as_uri()], check=True, capture_output=True, timeout=120)
    assert target.is_file() and target.read_bytes().startswith(b"%PDF")
    return target


def write(lines: Sequence[Line], form: str, folder: Path, name: str) -> Path:
    """The minutes as ``docx`` or ``pdf`` in *folder*, named *name* plus the extension."""
    target = folder / f"{name}.{form}"
    return write_docx(lines, target) if form == "docx" else write_pdf(lines, target)
