"""Why a file cannot be imported."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file cannot be imported; the message (Norwegian) says why and what to do."""
