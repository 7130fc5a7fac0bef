"""Build real .docx and .pdf files from the archive's own documents, the way the secretariat
writes them: the original title line first, agenda items as headings, lists, emphasis,
follow-up points with «Pkt. N» or «Status:», no Markdown syntax left."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from conftest import open_page
from docx import Document as new_docx
from markdown_it import MarkdownIt
from markdown_it.token import Token

LETTERHEAD = "Oslo kommune · Byrådsavdeling for sosiale tjenester"
FOOTER = "Besøksadresse: Rådhuset, 0037 Oslo · Org. nr.: 925 192 686"


def source_parts(path: Path) -> tuple[dict[str, Any], str]:
    """Front matter and the body as the secretariat would write it (no archive syntax)."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    body = re.sub(r"^:::.*\n?", "", body, flags=re.MULTILINE)
    body = re.sub(r"\[(Pkt\. \d+)\]\([^)]*\)", r"\1", body)
    body = re.sub(r"\\\n", "\n", body)
    return data, body


def _tokens(body: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(body)


def write_docx(archived: Path, target: Path) -> Path:
    """A Word file with the document's title line, headings, lists, tables and emphasis."""
    data, body = source_parts(archived)
    document = new_docx()
    document.add_heading(str(data["kilde"]["tittel"]), level=1)
    footnotes = _footnote_texts(body)
    body = re.sub(r"^\[\^\d+\]:.*$", "", body, flags=re.MULTILINE)
    _docx_blocks(document, _tokens(body))
    if footnotes:
        _add_footnotes(document, [text for _, text in footnotes])
    section = document.sections[0]
    section.header.paragraphs[0].text = LETTERHEAD
    section.footer.paragraphs[0].text = FOOTER
    document.save(str(target))
    return target


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _add_footnotes(document: Any, texts: list[str]) -> None:
    """Real Word footnotes: a footnotes part, and each «[^n]» in the text a reference."""
    from xml.sax.saxutils import escape

    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    notes = "".join(f'<w:footnote w:id="{n}"><w:p><w:r><w:t xml:space="preserve">'
                    f'{escape(text)}</w:t></w:r></w:p></w:footnote>'
                    for n, text in enumerate(texts, 1))
    xml = (f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
           f'<w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" '
           f'w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>{notes}'
           f'</w:footnotes>')
    content_type = ("application/vnd.openxmlformats-officedocument.wordprocessingml."
                    "footnotes+xml")
    part = Part(PackURI("/word/footnotes.xml"), content_type, xml.encode("utf-8"),
                document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if match := re.search(r"\[\^(\d+)\]", run.text):
                before, after = run.text[:match.start()], run.text[match.end():]
                run.text = before
                reference = parse_xml(f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val='
                                      f'"superscript"/></w:rPr><w:footnoteReference '
                                      f'w:id="{match[1]}"/></w:r>')
                run._r.addnext(reference)
                if after:
                    tail = paragraph.add_run(after)
                    reference.addnext(tail._r)


def _footnote_texts(body: str) -> list[tuple[str, str]]:
    return re.findall(r"^\[\^(\d+)\]:\s*(.*)$", body, flags=re.MULTILINE)


def _docx_blocks(document: Any, tokens: list[Token]) -> None:
    lists: list[str] = []
    numbers: list[int] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            document.add_heading(_plain(tokens[index + 1]), level=int(token.tag[1]))
            index += 3
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(token.type)
            numbers.append(int(str(token.attrs.get("start", 1))) - 1)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            numbers.pop()
        elif token.type == "list_item_open":
            numbers[-1] += 1
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            _paragraph(document, token, lists, numbers)
        elif token.type == "table_open":
            index = _table(document, tokens, index)
            continue
        index += 1


def _paragraph(document: Any, token: Token, lists: list[str], numbers: list[int]) -> None:
    if lists:
        depth = "" if len(lists) == 1 else " 2"
        if lists[-1] == "ordered_list_open":
            paragraph = document.add_paragraph(style=f"List Number{depth}")
        else:
            paragraph = document.add_paragraph(style=f"List Bullet{depth}")
    else:
        paragraph = document.add_paragraph()
    for text, bold, italic in _runs(token):
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic


def _runs(token: Token) -> Iterator[tuple[str, bool, bool]]:
    bold = italic = False
    for child in token.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline"):
            yield child.content, bold, italic
        elif child.type in ("softbreak", "hardbreak"):
            yield " ", bold, italic


def _plain(token: Token) -> str:
    return "".join(text for text, _, _ in _runs(token))


def _table(document: Any, tokens: list[Token], index: int) -> int:
    rows: list[list[str]] = []
    while tokens[index].type != "table_close":
        if tokens[index].type == "tr_open":
            rows.append([])
        if tokens[index].type == "inline":
            rows[-1].append(_plain(tokens[index]))
        index += 1
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    return index + 1


def html_page(archived: Path) -> str:
    """The document as a printable web page (as Word would print it)."""
    data, body = source_parts(archived)
    markdown = MarkdownIt("commonmark").enable("table")
    body = re.sub(r"^\[\^(\d+)\]:\s*", r"\1 ", body, flags=re.MULTILINE)
    return ("<!doctype html><html lang=nb><meta charset=utf-8><style>"
            "body{font-family:'DejaVu Sans',sans-serif;font-size:11pt;line-height:1.35}"
            "h1{font-size:20pt}h2{font-size:15pt}h3{font-size:12.5pt}"
            "</style><body>"
            f"<h1>{data['kilde']['tittel']}</h1>{markdown.render(body)}</body></html>")


def write_pdf(browser: Any, archived: Path, target: Path) -> Path:
    """Print the document to PDF with Chromium, with a letterhead and page numbers."""
    header = (f"<div style='font-size:8pt;width:100%;text-align:center'>{LETTERHEAD}</div>")
    footer = ("<div style='font-size:8pt;width:100%;text-align:center'>Side "
              "<span class=pageNumber></span> av <span class=totalPages></span></div>")
    with open_page(browser) as page:
        page.set_content(html_page(archived))
        page.pdf(path=str(target), format="A4", display_header_footer=True,
                 header_template=header, footer_template=footer,
                 margin={"top": "25mm", "bottom": "25mm", "left": "22mm", "right": "22mm"})
    return target


def pdf_bytes(content: bytes, *, flate: bool = False, pages: int = 1, padding: int = 0) -> bytes:
    """A PDF written byte by byte, as a hostile file would be: a font, one content stream
    (packed with *flate*), *pages* pages drawing it, and a comment of *padding* bytes that no
    reader reads (before the cross-reference table)."""
    stream = zlib.compress(content, 9) if flate else content
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d%s >>\nstream\n%s\nendstream" % (
                   len(stream), b" /Filter /FlateDecode" if flate else b"", stream)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 3 0 R >> >> >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    out += b"%" + b"0" * padding + b"\n" if padding else b""
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, start)
    return bytes(out)
