"""Find out what a file really is from its first bytes, and refuse what cannot be imported."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Literal

from ..model.content import MAX_PDF_BYTES
from ..stages import sourcefile
from .errors import ImportRefused

Format = Literal["docx", "pdf", "txt"]
MAX_BYTES = MAX_PDF_BYTES
"""The largest file imported: the largest original ``check`` takes in ``content/kilder/``
(50 MB), so «--behold-original» never copies a file that check refuses."""
EXTENSIONS: dict[str, Format] = {".docx": "docx", ".pdf": "pdf", ".txt": "txt", ".md": "txt"}
NAMES: dict[Format, str] = {"docx": "et Word-dokument (.docx)", "pdf": "en PDF",
                            "txt": "en tekstfil"}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")


def sniff(path: Path) -> tuple[Format, bytes]:
    """Return the file's format and its bytes, or raise :class:`ImportRefused`."""
    data = _read(path)
    claimed = _claimed(path)
    actual = _actual(data)
    if actual != claimed:
        raise ImportRefused(f"filen heter «{path.name}», men er {NAMES[actual]}. Gi filen "
                            f"riktig endelse, eller eksporter den på nytt fra Word.")
    return actual, data


def _read(path: Path) -> bytes:
    """The file's bytes under the archive's file policy (:mod:`sourcefile`): a regular file,
    never a FIFO or a device, opened without blocking. It may lie anywhere, so a link to it
    may point anywhere (the root is the file system's)."""
    if not path.exists():
        raise ImportRefused(f"fant ikke filen «{path}». Sjekk navnet og mappen.")
    try:
        data = sourcefile.read(Path(path.absolute().anchor), path, MAX_BYTES)
    except sourcefile.TooLarge:
        raise ImportRefused("filen er større enn 50 MB og importeres ikke. Del den opp, "
                            "eller lagre den uten innebygde bilder.") from None
    except sourcefile.RefusedFile as exc:
        raise ImportRefused(exc.message) from None
    if not data.strip():
        raise ImportRefused(f"filen «{path.name}» er tom. Velg filen med referatet.")
    return data


def _claimed(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise ImportRefused("dette er det gamle Word-formatet (.doc), som ikke kan leses. "
                            "Åpne filen i Word og velg «Lagre som» → «Word-dokument (.docx)».")
    if suffix not in EXTENSIONS:
        raise ImportRefused(f"filtypen «{suffix or 'uten endelse'}» kan ikke importeres. "
                            f"Bruk .docx (Word), .pdf eller .txt.")
    return EXTENSIONS[suffix]


def _actual(data: bytes) -> Format:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(OLE):
        if ENCRYPTED_OOXML in data:
            raise ImportRefused("Word-dokumentet er passordbeskyttet. Åpne det i Word, fjern "
                                "passordet (Fil → Info → Beskytt dokument) og lagre på nytt.")
        raise ImportRefused("filen er i det gamle Word-formatet (.doc), som ikke kan leses. "
                            "Åpne den i Word og lagre som «Word-dokument (.docx)».")
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if b"\x00" in data[:8192]:
        raise ImportRefused("filen er verken tekst, PDF eller Word-dokument. Eksporter "
                            "referatet som .docx eller .pdf og prøv igjen.")
    return "txt"


def _zip_kind(data: bytes) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise ImportRefused("Word-dokumentet er skadet og kan ikke åpnes. Åpne det i Word "
                            "og lagre det på nytt.") from None
    if "word/document.xml" not in names:
        raise ImportRefused("filen er en ZIP-fil, men ikke et Word-dokument. Eksporter "
                            "referatet som .docx og prøv igjen.")
    return "docx"


def decode_text(data: bytes) -> str:
    """Text files: UTF-8 (with or without BOM), else Windows-1252 as Word saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
