"""Dates as minutes write them: «12. mai 2025», «29.–30. januar 2026», «30. januar–1. februar
2028», «sept.», «14.05.2025»; the month names from Babel's bokmål data (:mod:`norsk`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..common import norsk

MONTHS = tuple(str(norsk.LOCALE.months["format"]["wide"][number]) for number in range(1, 13))
"""«januar» … «desember», as :func:`norsk.date` writes them."""
MONTH_WORD = (rf"(?:{'|'.join(MONTHS)}|(?:jan|feb|mar|apr|jun|jul|aug|sept?|okt|nov|des)\.?)"
              r"(?![\w])")
"""A month's name, or its usual short form («jan.», «sept»)."""
DATE_MENTION = re.compile(
    rf"(?P<d1>\d{{1,2}})\.\s*(?:(?P<m1>{MONTH_WORD})\s*)?(?:(?:[-–—]|\s+til\s+)\s*"
    rf"(?P<d2>\d{{1,2}})\.\s*)?(?P<m2>{MONTH_WORD})(?:\s+(?P<y>(?:19|20)\d{{2}}))?"
    r"|(?P<numeric>(?<![\d.])(?P<nd>\d{1,2})\.\s?(?P<nm>\d{1,2})\.\s?(?P<ny>(?:19|20)\d{2})\b)",
    re.IGNORECASE)
"""A day: «11. mars 2027», «28.–29. januar», «30. januar–1. februar 2028», «3.4.2027»."""


@dataclass(frozen=True, slots=True)
class Dates:
    """The document's date, found or not."""

    start: dt.date | None
    end: dt.date | None = None

    def text(self) -> str:
        """«14. mai 2025», «29.–30. januar 2026», «31. januar–1. februar 2026», or ""."""
        return norsk.date_range(self.start, self.end) if self.start else ""


def find_dates(text: str) -> Dates:
    """The first date with its year in *text*: «14.05.2025», «12. mai 2025», «29.-30.januar
    2026» or «30. januar–1. februar 2028»."""
    for found in DATE_MENTION.finditer(text):
        if found["numeric"] or found["y"]:
            start, end = mentioned_days(found, None, dt.date.min)  # the year is written
            return Dates(start, end if start and end and end > start else None)
    return Dates(None)


def mentioned_days(found: re.Match[str], named_year: int | None, after: dt.date
                   ) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of a date mention; a missing year is the sentence's year, or the
    next occurrence after *after*."""
    if found["numeric"]:
        return _date(int(found["ny"]), int(found["nm"]), int(found["nd"])), None
    last_month = _month(found["m2"])
    first_month = _month(found["m1"]) if found["m1"] else last_month
    first_day = int(found["d1"])
    last_day = int(found["d2"]) if found["d2"] else None
    year = int(found["y"]) if found["y"] else named_year or _next_year(first_month, first_day,
                                                                        after)
    start = _date(year, first_month, first_day)
    end_year = year + 1 if last_day is not None and last_month < first_month else year
    end = _date(end_year, last_month, last_day) if last_day is not None else None
    return start, end


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _next_year(month: int, day: int, after: dt.date) -> int:
    """The year of the first such day after *after*."""
    candidate = _date(after.year, month, day)
    return after.year + 1 if candidate is not None and candidate <= after else after.year


def _month(name: str) -> int:
    """«mars», «Mars», «mar.», «sept» -> 3, 3, 3, 9."""
    word = name.lower().rstrip(".")
    for number, month in enumerate(MONTHS, 1):
        if month.startswith(word[:3]):
            return number
    raise ValueError(name)
