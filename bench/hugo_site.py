"""Turn a corpus into content for the equivalent minimal Hugo site in ``bench/hugo-site/``.

Hugo wants ``title``/``date`` and taxonomies in the front matter; the Markdown bodies are
copied unchanged. Topic and area registries become term pages with their names and
descriptions, like the topic and area pages of our site.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

SITE = Path(__file__).resolve().parent / "hugo-site"


def convert(corpus: Path, dest: Path) -> Path:
    """Write Hugo content for *corpus* into *dest* (replacing it); return *dest*."""
    if dest.exists():
        shutil.rmtree(dest)
    for source in sorted(corpus.glob("*/*.md")):
        front, body = _split(source.read_text(encoding="utf-8"))
        target = dest / source.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_document(front, body), encoding="utf-8")
    for registry, taxonomy in (("temaer", "temaer"), ("omrader", "omrader")):
        items = yaml.safe_load((corpus / f"{registry}.yaml").read_text(encoding="utf-8"))
        for item in items:
            term = dest / taxonomy / item["slug"] / "_index.md"
            term.parent.mkdir(parents=True, exist_ok=True)
            term.write_text(f"---\ntitle: {json.dumps(item['navn'], ensure_ascii=False)}\n---\n"
                            f"{item['beskrivelse']}\n", encoding="utf-8")
    return dest


def _split(text: str) -> tuple[dict[str, Any], str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _document(front: dict[str, Any], body: str) -> str:
    header = {"title": front["tittel"], "date": str(front["dato"]),
              "temaer": front["temaer"], "omrader": front["omrader"]}
    return f"---\n{json.dumps(header, ensure_ascii=False)}\n---\n{body}"
