"""argparse in Norwegian: the help (``--help``) and the usage errors, for every command.

argparse writes its own words in English («usage:», «options:», «show this help message and
exit», «the following arguments are required»). :class:`NorwegianParser` replaces each of
them in this parser only, not through gettext for the whole process, so a library's or the
test runner's own parser is left as it is. Sub-commands made with ``add_subparsers`` inherit
the class.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

EXIT_USAGE = 2

ARGPARSE_NORWEGIAN = (
    ("the following arguments are required", "mangler"), ("unrecognized arguments",
    "ukjente argumenter"), ("invalid choice", "ugyldig valg"), ("choose from", "velg blant"),
    ("invalid int value", "ugyldig heltall"), ("invalid Path value", "ugyldig sti"),
    ("expected one argument", "forventer én verdi"), ("ambiguous option", "tvetydig valg"),
    ("could match", "kan bety"), ("not allowed with argument", "kan ikke brukes sammen med"),
    ("ignored explicit argument", "tar ikke verdi"), ("argument ", "argumentet "),
)
"""argparse's usage errors (message fragments) and their Norwegian."""

USAGE = "bruk: "
OPTIONS = "valg"
POSITIONALS = "argumenter"
HELP = "vis denne hjelpen og avslutt"


class NorwegianFormatter(argparse.HelpFormatter):
    """The help text with «bruk:» where argparse writes «usage:»."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)


class NorwegianParser(argparse.ArgumentParser):
    """argparse with Norwegian help («bruk:», «valg:», «-h, --help  vis denne hjelpen og
    avslutt») and usage errors («feil: …», exit code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False  # argparse's own -h has an English help text
        kwargs.setdefault("formatter_class", NorwegianFormatter)
        super().__init__(*args, **kwargs)
        self._optionals.title = OPTIONS
        self._positionals.title = POSITIONALS
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=HELP)

    def error(self, message: str) -> NoReturn:
        for english, norwegian in ARGPARSE_NORWEGIAN:
            message = message.replace(english, norwegian)
        self.exit(EXIT_USAGE, f"feil: {message}. Se «{self.prog} --help».\n")
