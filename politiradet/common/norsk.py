"""Norwegian (bokmål) presentation of numbers, plurals, dates and times, through Babel.

Every output shows times in Oslo's zone (Europe/Oslo, with summer time); every count in a
sentence goes through :func:`count` so «1 dokument» and «2 dokumenter» are never hand-made.
A date from the front matter (kept as text) becomes a date through :func:`day` or, when it may
be a year or a month, :func:`first_day`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = Locale.parse("nb")
OSLO = ZoneInfo("Europe/Oslo")
"""The council's time zone; ``tzdata`` provides it where the system has no zone database."""

DATE_PATTERNS = {"long": "d. MMMM y", "short": "dd.MM.y", "month": "MMMM y"}


def count(number: int, singular: str, plural: str) -> str:
    """«1 dokument», «0 dokumenter», «12 345 dokumenter»: Babel's plural rule for bokmål."""
    word = singular if LOCALE.plural_form(number) == "one" else plural
    return f"{format_decimal(number, locale=LOCALE)} {word}"


def date(value: dt.date, fmt: str = "long") -> str:
    """«14. mai 2025» (long), «14.05.2025» (short) or «mai 2025» (month)."""
    return str(format_date(value, DATE_PATTERNS.get(fmt, fmt), locale=LOCALE))


def day(value: object) -> dt.date:
    """A schema date (ÅÅÅÅ-MM-DD, which the front matter keeps as text) as a date."""
    return dt.date.fromisoformat(str(value))


def first_day(value: str) -> dt.date:
    """The first day of a date as precise as the source: «2025», «2025-01» or «2025-01-14»."""
    return dt.date.fromisoformat((value + "-01-01")[:10])


def partial_date(value: str) -> str:
    """A date as precise as the source: «2025», «januar 2025» or «14. januar 2025»."""
    parts = value.split("-")
    if len(parts) == 1:
        return value
    return date(first_day(value), "long" if len(parts) == 3 else "month")


def file_size(size: int) -> str:
    """«312 kB», «1,4 MB», «900 byte»: decimal units, Norwegian number format."""
    if size < 1000:
        return count(size, "byte", "byte")
    for unit, factor in (("kB", 1000), ("MB", 1000 ** 2), ("GB", 1000 ** 3)):
        if size < factor * 1000 or unit == "GB":
            value = size / factor
            pattern = "#,##0" if value >= 10 else "#,##0.#"
            return f"{format_decimal(value, format=pattern, locale=LOCALE)} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def build_date(environ: Mapping[str, str] | None = None) -> dt.date:
    """Today in Oslo, or the day of ``SOURCE_DATE_EPOCH`` (seconds since 1970) when it is set,
    so a build can be reproduced and tested for any day."""
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.lstrip("-").isdigit():
        return dt.datetime.fromtimestamp(int(epoch), OSLO).date()
    return dt.datetime.now(OSLO).date()


def midnight(day: dt.date) -> dt.datetime:
    """The start of *day* in Oslo, with the offset of that day (+01:00 or +02:00)."""
    return dt.datetime.combine(day, dt.time(), OSLO)


def in_oslo(moment: dt.datetime) -> dt.datetime:
    """*moment* as Oslo local time (an aware datetime)."""
    return moment.astimezone(OSLO)
