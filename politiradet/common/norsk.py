"""Norwegian (bokmål) presentation of numbers, plurals, dates and times, through Babel.

Every output shows times in Oslo's zone (Europe/Oslo, with summer time); every count in a
sentence goes through :func:`count` so «1 dokument» and «2 dokumenter» are never hand-made.
A date from the front matter (kept as text) becomes a date through :func:`day` or, when it may
be a year or a month, :func:`first_day`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval
from babel.numbers import format_decimal

LOCALE = Locale.parse("nb")
OSLO = ZoneInfo("Europe/Oslo")
"""The council's time zone; ``tzdata`` provides it where the system has no zone database."""

_MONTHS = {LOCALE.months["format"]["abbreviated"][month]: LOCALE.months["format"]["wide"][month]
           for month in range(1, 13)}
"""Abbreviated month name («jan.») -> full name («januar»), from Babel's data."""
_WIDE_MONTH = re.compile("|".join(re.escape(short) for short in
                                  sorted(_MONTHS, key=len, reverse=True)) + r"(?!\w)")

DATE_PATTERNS = {"long": "d. MMMM y", "short": "dd.MM.y", "month": "MMMM y"}


def count(number: int, singular: str, plural: str) -> str:
    """«1 dokument», «0 dokumenter», «12 345 dokumenter»: Babel's plural rule for bokmål."""
    word = singular if LOCALE.plural_form(number) == "one" else plural
    return f"{format_decimal(number, locale=LOCALE)} {word}"


@functools.lru_cache(maxsize=8192)
def date(value: dt.date, fmt: str = "long") -> str:
    """«14. mai 2025» (long), «14.05.2025» (short) or «mai 2025» (month).

    Remembered: Babel takes ~0.1 ms a date, and a cold build at 10 000 documents shows a few
    thousand distinct dates hundreds of thousands of times (lists on every topic and area
    page)."""
    return str(format_date(value, DATE_PATTERNS.get(fmt, fmt), locale=LOCALE))


def date_range(start: dt.date, end: dt.date | None) -> str:
    """«29.–30. januar 2026», «31. januar–1. februar 2026», «14. mai 2025» (no end, or the
    same day): Babel's interval formatting with the month written out, as in :func:`date`.

    CLDR has interval patterns for the abbreviated month («29.–30. jan. 2026») only and says
    to widen the field when a longer one is asked for; Babel does not, so the abbreviated
    month names are replaced with the full ones from the same locale data.
    """
    if end is None or end == start:
        return date(start)
    text = str(format_interval(start, end, "yMMMd", locale=LOCALE))
    return _WIDE_MONTH.sub(lambda found: _MONTHS[found.group(0)], text)


def count_parts(parts: Sequence[tuple[int, str, str]], empty: str) -> str:
    """«2 dokumenter og 1 oppfølgingspunkt», «1 dokument», *empty* when every count is 0:
    each count with its own plural (:func:`count`), the zero ones left out."""
    shown = [count(number, singular, plural) for number, singular, plural in parts if number]
    if not shown:
        return empty
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " og " + shown[-1]


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
