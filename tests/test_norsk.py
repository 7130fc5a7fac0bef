"""Norwegian presentation through Babel: plurals, file sizes, dates and Oslo time."""

from __future__ import annotations

import datetime as dt

import pytest

from politiradet.common import norsk


@pytest.mark.parametrize(("number", "expected"), [
    (0, "0 dokumenter"), (1, "1 dokument"), (2, "2 dokumenter"), (21, "21 dokumenter"),
    (12345, "12\xa0345 dokumenter"),
])
def test_count_uses_the_plural_rule_for_bokmal(number: int, expected: str) -> None:
    assert norsk.count(number, "dokument", "dokumenter") == expected


@pytest.mark.parametrize(("size", "expected"), [
    (512, "512 byte"), (1, "1 byte"), (312_400, "312 kB"), (1_460_000, "1,5 MB"),
    (9_949, "9,9 kB"), (25_000_000, "25 MB"),
])
def test_file_size_in_norwegian_number_format(size: int, expected: str) -> None:
    assert norsk.file_size(size) == expected


def test_midnight_carries_the_offset_of_the_day_in_oslo() -> None:
    assert norsk.midnight(dt.date(2025, 5, 14)).isoformat() == "2025-05-14T00:00:00+02:00"
    assert norsk.midnight(dt.date(2025, 1, 14)).isoformat() == "2025-01-14T00:00:00+01:00"


def test_long_and_month_dates() -> None:
    assert norsk.date(dt.date(2025, 5, 14)) == "14. mai 2025"
    assert norsk.date(dt.date(2025, 1, 1), "month") == "januar 2025"


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2026-01-29", "2026-01-30", "29.–30. januar 2026"),
    ("2027-01-28", "2027-01-29", "28.–29. januar 2027"),
    ("2026-01-31", "2026-02-01", "31. januar–1. februar 2026"),
    ("2026-12-31", "2027-01-01", "31. desember 2026–1. januar 2027"),
    ("2026-03-30", "2026-04-01", "30. mars–1. april 2026"),
    ("2025-05-14", "2025-05-14", "14. mai 2025"),
    ("2025-05-14", None, "14. mai 2025"),
])
def test_date_ranges_are_babel_intervals_with_the_month_written_out(
        start: str, end: str | None, expected: str) -> None:
    assert norsk.date_range(dt.date.fromisoformat(start),
                            dt.date.fromisoformat(end) if end else None) == expected


@pytest.mark.parametrize(("documents", "points", "expected"), [
    (3, 0, "3 dokumenter"), (1, 0, "1 dokument"), (2, 1, "2 dokumenter og 1 oppfølgingspunkt"),
    (0, 2, "2 oppfølgingspunkter"), (0, 0, "Ingen"),
])
def test_documents_and_points_are_counted_apart(documents: int, points: int,
                                                 expected: str) -> None:
    assert norsk.count_parts([(documents, "dokument", "dokumenter"),
                              (points, "oppfølgingspunkt", "oppfølgingspunkter")],
                             "Ingen") == expected
