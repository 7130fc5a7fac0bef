#!/usr/bin/env python3
"""Vendor Decap CMS, the web editor the preview server offers at ``/admin/``.

Run ``python tools/update_decap.py`` to refresh ``politiradet/editor/decap/``. It fetches the
pinned ``decap-cms`` package with ``npm pack`` and checks its sha512 integrity
(``tools/npm_vendor.py``, shared with ``tools/update_punkt.py``), then copies only what the
browser loads: the bundle ``decap-cms.js``, the chunks it loads on demand, their WebAssembly
files, the bundle's licence notices and Decap's MIT licence. No source maps. The output is
committed; nothing is fetched at run time, and none of it is ever copied into the published site.
To move to a newer Decap, change the version and integrity below and run it again.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

from npm_vendor import empty_folder, fetch, write_versions

PACKAGE = "decap-cms"
VERSION = "3.16.3"
INTEGRITY = ("sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpw"
             "UYhUJDYtYw==")
OUT = Path(__file__).resolve().parent.parent / "politiradet" / "editor" / "decap"
KEPT = re.compile(r"^(decap-cms\.js|\d+\.decap-cms\.js|[0-9a-f]{20}\.wasm"
                  r"|decap-cms\.js\.LICENSE\.txt)$")
LICENSE = """\
Copyright (c) 2016 Netlify <decap@p-m.si>

MIT License

Permission is hereby granted, free of charge, to any person obtaining
a copy of this software and associated documentation files (the
"Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to
the following conditions:

The above copyright notice and this permission notice shall be
included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE
LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION
OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""
"""Decap's licence (github.com/decaporg/decap-cms, LICENSE); the npm package ships none."""


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        package = fetch(PACKAGE, VERSION, INTEGRITY, Path(tmp))
        empty_folder(OUT)
        for path in sorted((package / "dist").iterdir()):
            if KEPT.match(path.name):
                shutil.copy(path, OUT / path.name)
    (OUT / "LICENSE-decap-cms").write_text(LICENSE, encoding="utf-8")
    write_versions(OUT, {PACKAGE: (VERSION, INTEGRITY)})
    print(f"Decap CMS {VERSION} oppdatert i {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
