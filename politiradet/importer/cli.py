"""The ``import`` subcommand: its arguments, and running it with a Norwegian report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import ImportRefused

EXIT_OK, EXIT_REFUSED = 0, 1


def import_command(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                   content_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``import FIL [--type referat|avtale] [--id ID] [--behold-original]
    [--politirad RÅD]``."""
    cmd = commands.add_parser(
        "import", help="importer et referat fra .docx, .pdf eller .txt som nytt utkast")
    content_option(cmd)
    cmd.add_argument("file", metavar="FIL", type=Path, help="filen som skal importeres")
    cmd.add_argument("--type", choices=("referat", "avtale"), default=None,
                     help="dokumenttypen (standard: gjettes fra teksten)")
    cmd.add_argument("--id", default=None, metavar="ID",
                     help="filnavnet uten .md (standard: datoen, for eksempel 2026-03-12)")
    cmd.add_argument("--behold-original", action="store_true",
                     help="kopier PDF-en til content/kilder/ og skriv den i kilde.fil "
                          "(overskriver aldri en fil)")
    cmd.add_argument("--politirad", default=None, metavar="RÅD",
                     help="politirådet referatet er fra, slik det står i content/politirad.yaml "
                          "(standard: rådet tittelen eller brevhodet nevner, ellers arkivets "
                          "eget)")


def run_import(args: argparse.Namespace, content: Path, schema: Path) -> int:
    """Import the file; print the report, or why nothing was written."""
    from .command import import_file  # the readers' libraries load only for this command

    try:
        report = import_file(args.file, content, schema, args.type, args.id,
                             args.behold_original, args.politirad)
    except ImportRefused as exc:
        print(f"feil: {exc}\nIngenting ble skrevet.", file=sys.stderr)
        return EXIT_REFUSED
    print(report.text())
    return EXIT_OK
