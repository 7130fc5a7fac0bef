"""Why a file cannot be imported."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file cannot be imported; the message (Norwegian) says why and what to do."""


class TooComplex(Exception):
    """A reader met more than its limits (:mod:`limits`) allow; the message (Norwegian) says
    what, and :func:`isolate.too_complex` turns it into the refusal with what to do."""
