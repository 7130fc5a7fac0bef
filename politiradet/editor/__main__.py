"""``python -m politiradet.editor --repo EIER/ARKIV --ut admin``: the web editor for production.

Writes the same page, configuration and Decap CMS as ``serve`` offers at ``/admin/``, but
saving to the git host with the editorial workflow (each document a pull request). Host the
folder anywhere over HTTPS; it never goes into the published site.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..commands.arguments import EXIT_USAGE, NorwegianParser
from ..errors import os_error_text
from ..pipeline import Paths
from .admin import write_folder
from .config import Backend


def main(argv: Sequence[str] | None = None) -> int:
    parser = NorwegianParser(
        prog="python -m politiradet.editor",
        description="Lager webredigeringen (Decap CMS) for git-tjeneren.")
    parser.add_argument("--repo", required=True, help="EIER/NAVN på git-tjeneren")
    parser.add_argument("--backend", choices=("github", "gitlab"), default="github")
    parser.add_argument("--branch", default="main", help="grenen som publiseres (standard main)")
    parser.add_argument("--nettsted", default="", help="adressen til det publiserte arkivet")
    parser.add_argument("--innlogging", action="append", default=[], metavar="NØKKEL=VERDI",
                        help="innlogging hos git-tjeneren, for eksempel auth_type=pkce og "
                             "app_id=… (GitLab) eller base_url=… (GitHub via OAuth-tjeneste)")
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--ut", type=Path, default=Path("admin"), help="mappen som skrives")
    args = parser.parse_args(argv)
    auth = tuple((key, value) for key, _, value in (item.partition("=")
                                                    for item in args.innlogging) if value)
    paths = Paths(content=args.content)
    if not paths.content.is_dir():
        print(f"feil: fant ikke innholdsmappen «{paths.content}».", file=sys.stderr)
        return EXIT_USAGE
    try:
        write_folder(args.ut, paths.content, paths.schema,
                     Backend(args.backend, args.repo, args.branch, args.nettsted, auth=auth))
    except OSError as exc:
        print(f"feil: {os_error_text(exc)}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Webredigeringen er skrevet til {args.ut}/.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
