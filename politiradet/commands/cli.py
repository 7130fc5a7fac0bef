"""Command line: ``python build.py check|build|serve|new``."""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from ..common import norsk
from ..common.address import DEFAULT_ORIGIN, SiteAddress
from ..errors import ContentError, Problem, SearchIndexError, UsageError, os_error_text
from ..importer.cli import import_command, run_import
from ..model.schema_tree import DOCUMENT_SCHEMAS
from ..uptodate import Paths, Progress, Report, Start, start
from .arguments import EXIT_USAGE, NorwegianParser
from .progress import progress_line

# The pipeline and the commands besides ``build`` are imported where they are used: a build
# that finds the site up to date (:func:`politiradet.uptodate.start`) needs none of the stages.

EXIT_OK, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 130
CHECK_ADVICE = "Rett feilene og kontroller på nytt."
BUILD_ADVICE = "Ingenting ble publisert; forrige versjon av nettstedet er urørt."


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = NorwegianParser(  # its sub-commands inherit the class
        prog="python build.py",
        description="Bygger det offentlige arkivet til Politirådet i Oslo.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    check_cmd = commands.add_parser("check", help="kontroller innholdet uten å bygge")
    _content_option(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "github"), default="text",
                           help="text (standard) eller github (merknader i pull requests)")
    build_cmd = commands.add_parser("build", help="kontroller og bygg nettstedet")
    _content_option(build_cmd)
    build_cmd.add_argument("--out", type=Path, default=Path("site"), metavar="MAPPE",
                           help="mappe nettstedet skrives til (standard: site/)")
    build_cmd.add_argument("--base-url", default="/", metavar="STI",
                           help="stien nettstedet publiseres under, for eksempel /politiradet/")
    build_cmd.add_argument("--overskriv", action="store_true",
                           help="erstatt --out-mappen selv om den ikke er laget av dette "
                                "verktøyet (alt som ligger i den, slettes)")
    _serve_command(commands)
    _new_command(commands)
    import_command(commands, _content_option)
    return parser


def _serve_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve_cmd = commands.add_parser(
        "serve", help="forhåndsvis nettstedet lokalt; bygger på nytt når du lagrer")
    _content_option(serve_cmd)
    serve_cmd.add_argument("--port", type=int, default=8000,
                           help="porten på 127.0.0.1 (standard: 8000; 0 velger en ledig port)")
    serve_cmd.add_argument("--utkast", action="store_true",
                           help="vis også utkastene, merket som utkast (bare i forhåndsvisningen)")


def _new_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new_cmd = commands.add_parser("new", help="lag et nytt dokument (utkast) fra skjemaet")
    _content_option(new_cmd)
    new_cmd.add_argument("type", metavar="TYPE", help=", ".join(DOCUMENT_SCHEMAS))
    new_cmd.add_argument("id", metavar="ID",
                         help="filnavnet uten .md, for eksempel 2026-03-12 eller 2025-8")


def _content_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--content", type=Path, default=Path("content"), metavar="MAPPE",
                         help="innholdsmappen (standard: content/)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        paths = _paths(args)
        if args.command == "check":
            return _check(paths, args.format)
        if args.command == "serve":
            return _serve(paths, args.port, args.utkast)
        if args.command == "new":
            return _new(paths, args.type, args.id)
        if args.command == "import":
            return run_import(args, paths.content, paths.schema)
        return _build(paths, args.base_url, args.overskriv)
    except UsageError as exc:
        print(f"feil: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        _print_problems(exc.problems, "text", BUILD_ADVICE)
        return EXIT_INVALID
    except SearchIndexError as exc:
        print(f"feil: {str(exc).strip()}\n{BUILD_ADVICE}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # the disk, not the content: full, read-only, no access …
        print(f"feil: {os_error_text(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return interrupted()


def interrupted(published: Path | None = None) -> int:
    """Say that Ctrl-C stopped the command, and what became of the site; return the exit code."""
    if published is None:
        print(f"\nAvbrutt. {BUILD_ADVICE}", file=sys.stderr)
    else:
        print(f"\nAvbrutt etter at det nye nettstedet var publisert i sin helhet i {published}/.",
              file=sys.stderr)
    return EXIT_INTERRUPTED


def _paths(args: argparse.Namespace) -> Paths:
    content: Path = args.content
    if not content.is_dir():
        raise UsageError(f"fant ikke innholdsmappen «{content}».")
    out: Path | None = getattr(args, "out", None)
    if out is not None and (out.resolve().is_relative_to(content.resolve()) or
                            content.resolve().is_relative_to(out.resolve())):
        raise UsageError("utmappen kan ikke være innholdsmappen, ligge i den eller over den. "
                         "Velg en mappe ved siden av, for eksempel --out site.")
    return Paths(content=content, out=out or Path("site"))


def _check(paths: Paths, fmt: str) -> int:
    from ..pipeline import check

    archive, problems = check(paths)
    if problems:
        _print_problems(sorted(set(problems)), fmt, CHECK_ADVICE)
        return EXIT_INVALID
    count = len(archive.content.documents)
    print(f"Innholdet er i orden: {norsk.count(count, 'dokument', 'dokumenter')} kontrollert.")
    return EXIT_OK


def _build(paths: Paths, base_url: str, overwrite: bool) -> int:
    address = SiteAddress.parse(base_url)  # a base URL that cannot be used stops here
    before = _identity(paths.out)
    try:
        with progress_line() as progress:
            begun = start(paths, str(address), progress, overwrite=overwrite)
            report = begun.done or _pipeline_build(paths, str(address), progress, overwrite,
                                                   begun)
        _print_report(report, paths)
        print(absolute_address_line(address, base_url))
    except KeyboardInterrupt:  # after the swap, the new site is there whole
        return interrupted(None if _identity(paths.out) == before else paths.out)
    return EXIT_OK


def _pipeline_build(paths: Paths, base_url: str, progress: Progress | None, overwrite: bool,
                    begun: Start) -> Report:
    """The rest of the build, after :func:`politiradet.uptodate.start` found work to do."""
    from ..pipeline import build

    return build(paths, base_url, progress, overwrite=overwrite, begun=begun)


def absolute_address_line(address: SiteAddress, base_url: str) -> str:
    """The one line that says which absolute address feeds, sitemap, calendar and open data
    send readers to, and, when ``--base-url`` was only a path, that the host is the default
    one: a test or staging copy built with a path would otherwise send subscribers to
    production without a word."""
    line = (f"Strømmer, nettstedskart, kalender og åpne data peker til {address.absolute()}")
    if urllib.parse.urlsplit(base_url.strip()).netloc:
        return line + "."
    return (line + f" ({DEFAULT_ORIGIN} er standardverten fordi --base-url bare er en sti). "
            "Bygger du en test- eller kopiversjon, gi hele adressen, for eksempel "
            f"--base-url https://test.example.no{address.path}")


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at *folder* now: publishing puts a new one there in one step."""
    try:
        info = folder.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _serve(paths: Paths, port: int, drafts: bool) -> int:
    from ..preview.serve import serve  # watchdog and the HTTP server are only needed here

    if not 0 <= port <= 65535:
        raise UsageError(f"porten må være et tall fra 0 til 65535, ikke {port}.")
    serve(paths, port, drafts)
    return EXIT_OK


def _new(paths: Paths, kind: str, slug: str) -> int:
    from ..stages.load import display, load_schemas
    from . import scaffold

    path = scaffold.create(paths.content, kind, slug, load_schemas(paths.schema))
    print(f"Opprettet {display(path)} som utkast. Fyll inn teksten, og fjern «utkast: true» "
          f"når dokumentet skal publiseres.")
    return EXIT_OK


def _print_problems(problems: Sequence[Problem], fmt: str, advice: str) -> None:
    for problem in problems:
        print(problem.github() if fmt == "github" else str(problem), file=sys.stderr)
    print(f"\n{len(problems)} feil funnet. {advice}", file=sys.stderr)


def _print_report(report: Report, paths: Paths) -> None:
    stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in report.timings.stages.items())
    drafts = f" ({report.drafts} utkast ikke publisert)" if report.drafts else ""
    print(f"Bygget {norsk.count(report.documents, 'dokument', 'dokumenter')}{drafts} til "
          f"{norsk.count(report.pages, 'side', 'sider')} "
          f"({norsk.count(report.files, 'fil', 'filer')}) i {paths.out}/ på "
          f"{report.timings.total:.2f} s [{stages}].")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
