#!/usr/bin/env python3
"""Vendor the parts of Oslo kommune's Punkt design system that the site uses.

Run ``python tools/update_punkt.py`` to refresh ``templates/assets/punkt/``. It fetches the
pinned packages with ``npm pack`` (checking their sha512 integrity), then copies only what the
templates use: the colour and spacing tokens and base typography from ``pkt-base.css``, a
handful of component and element styles, four Oslo Sans weights as woff2, the Oslo logo, the
favicon and both licences. The output is committed; nothing is fetched at build or test time.
To move to a newer Punkt, change the versions and integrity hashes below and run it again.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from npm_vendor import Pinned, empty_folder, fetch, write_versions

PACKAGES: Pinned = {
    "@oslokommune/punkt-css": (
        "16.8.2",
        "sha512-0uPu46/PNmt4rJNcbyUKqmJuIW4B6xxN3VCisGoV3XP5oMm1o/EN4rQx6T1H/FibDqyeXLkeLPMro+E8vtXUBg=="),
    "@oslokommune/punkt-assets": (
        "13.16.0",
        "sha512-3ShCHvQwFIjVV+keIf/6R1vYAG9dHJQfnLla9MtOyY7SnG9m4JpIVJ/CKEKRb/LmXwmQ9HUKQEdHunxucEbGQQ=="),
}
OUT = Path(__file__).resolve().parent.parent / "templates" / "assets" / "punkt"

FONTS = {  # file -> (weight, style) kept from pkt-base.css
    "OsloSans-Regular": ("400", "normal"),
    "OsloSans-RegularItalic": ("400", "italic"),
    "OsloSans-Medium": ("500", "normal"),
    "OsloSans-Bold": ("700", "normal"),
}
COMPONENTS = ("components/breadcrumbs.css", "components/tag.css", "components/linkcard.css",
              "components/alert.css", "elements/table.css")
BASE_DROP = re.compile(  # utility classes in pkt-base.css that the templates do not use
    r"^(@charset|\.pkt-(txt|grid|font|color|cell|show|hide|truncate|display|layout|invisible"
    r"|link--external|link--icon|link__icon)|\[data-mode=dark\] \.pkt-link|:root \.|"
    r"\.(bg|txt|border)-|\.(m|p)[trblxy]?-size|\.gap-size)")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        css_pkg, assets_pkg = (fetch(name, version, integrity, Path(tmp))
                               for name, (version, integrity) in PACKAGES.items())
        empty_folder(OUT)
        (OUT / "fonts").mkdir()
        for font in FONTS:
            shutil.copy(assets_pkg / "dist/fonts" / f"{font}.woff2", OUT / "fonts")
        shutil.copy(assets_pkg / "dist/logos/oslologo.svg", OUT / "oslologo.svg")
        shutil.copy(assets_pkg / "dist/logos/16x16-favicon.svg", OUT / "favicon.svg")
        shutil.copy(css_pkg / "LICENSE", OUT / "LICENSE-punkt-css")
        shutil.copy(assets_pkg / "LICENSE", OUT / "LICENSE-punkt-assets")
        (OUT / "punkt.css").write_text(build_css(css_pkg / "dist/css"), encoding="utf-8")
        write_versions(OUT, PACKAGES)
    print(f"Punkt oppdatert i {OUT}")
    return 0


def build_css(dist: Path) -> str:
    """One stylesheet: fonts, tokens and base rules from pkt-base, then the components used."""
    versions = ", ".join(f"{name}@{version}" for name, (version, _) in PACKAGES.items())
    parts = [f"/* Utdrag av Punkt ({versions}), MIT-lisens: se LICENSE-punkt-*.\n"
             f" * Generert av tools/update_punkt.py – ikke rediger for hånd. */"]
    parts += base_rules((dist / "pkt-base.css").read_text(encoding="utf-8"))
    parts.append((dist / "pkt-normalise.css").read_text(encoding="utf-8"))
    for name in COMPONENTS:
        parts += [rule for _, rule in top_level_rules((dist / name).read_text(encoding="utf-8"))
                  if "url(http" not in rule]
    return "\n".join(parts) + "\n"


def base_rules(css: str) -> Iterator[str]:
    for selector, rule in top_level_rules(css):
        if selector.startswith("@font-face"):
            font = _font_face(rule)
            if font:
                yield font
        elif selector.startswith("@media"):
            if ".pkt-container" in rule:
                yield rule
        elif not BASE_DROP.match(selector) and "url(http" not in rule:
            yield rule


def _font_face(rule: str) -> str | None:
    for font, (weight, style) in FONTS.items():
        if f"{font}.woff2" in rule and f"font-weight: {weight}" in rule \
                and f"font-style: {style}" in rule:
            return re.sub(r"src: [^;]+;", f'src: url("fonts/{font}.woff2") format("woff2");', rule)
    return None


def top_level_rules(css: str) -> Iterator[tuple[str, str]]:
    """(selector, whole rule) for each top-level rule or at-rule block, comments dropped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    depth, start = 0, 0
    for index, char in enumerate(css):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rule = css[start:index + 1].strip()
                yield rule.split("{", 1)[0].strip(), rule
                start = index + 1
        elif char == ";" and depth == 0:
            start = index + 1  # a statement such as @charset


if __name__ == "__main__":
    sys.exit(main())
