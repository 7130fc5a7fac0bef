"""How much of a file the importer reads, and for how long, before it refuses the file.

A small file can unpack into something huge (a 342 KB .docx whose text is 300 MB, a one-page
PDF with a 49 MB content stream, 200 000 empty Word paragraphs in 62 KB), and the readers'
libraries (mammoth, pdfminer) then work for minutes. So every reader first measures what it is
about to read against the limits below, and then runs in a child process that is killed when
its time is up (:mod:`isolate`).

The figures were measured on the development machine (2 cores, shared): a 35-page Word
minutes (522 paragraphs, 3 751 XML elements, 15 000 words) reads in 0.5 s CPU, 1.0 s wall
under load; the same text printed to a 44-page PDF reads in 8.4–9.8 s CPU (0.2 s a page),
28–29 s wall under load 5. mammoth needs about 45 µs CPU per XML element and 160 µs per
paragraph, pdfminer about 3 s CPU per MB of content stream.
"""

from __future__ import annotations

MB = 1000 * 1000

# --- Word (.docx) --------------------------------------------------------------------------
DOCX_MAX_PART_BYTES = 20 * MB
"""Largest unpacked XML part (document, styles, footnotes …). The 35-page minutes' document
part is 0.16 MB and its styles 0.35 MB; Word's own XML is a few times wordier."""
DOCX_MAX_TOTAL_BYTES = 200 * MB
"""All parts unpacked together, pictures included (mammoth is told not to read pictures)."""
DOCX_MAX_RATIO = 100
"""Largest packing ratio of a part above :data:`DOCX_RATIO_FROM_BYTES`. Word's XML packs 3–30
times (styles 29x); a packing bomb packs about 1 000 times (as Apache POI's 1 %)."""
DOCX_RATIO_FROM_BYTES = 1 * MB
DOCX_MAX_ELEMENTS = 200_000
"""XML elements in all parts mammoth reads: the 35-page minutes has 3 751 (python-docx);
Word writes about ten times as many; 200 000 take mammoth about 9 s CPU."""
DOCX_MAX_PARAGRAPHS = 10_000
"""Paragraphs: the 35-page minutes has 522, 300 pages about 5 000; 10 000 empty paragraphs
take mammoth about 2 s CPU (200 000 took 32 s)."""
DOCX_MAX_DEPTH = 64
"""Nesting of XML elements (tables in tables); mammoth reads the tree recursively."""
DOCX_SECONDS = 60
"""Wall-clock time for reading a Word file: 60 times the 35-page minutes under load, and
above what the limits above admit (about 9 s CPU)."""

# --- PDF -------------------------------------------------------------------------------------
PDF_MAX_PAGES = 200
"""A politirådsavtale has 10–20 pages, minutes up to about 40."""
PDF_MAX_CONTENT_BYTES = 4 * MB
"""Unpacked content of one page (its content streams and the forms it draws). The 44-page
PDF's largest page has 80 KB, 2.8 MB in all; 4 MB take pdfminer about 12 s CPU."""
PDF_CHECK_SECONDS = 30
"""Wall-clock time for counting the pages and unpacking their content: 0.08 s for 44 pages."""
PDF_SECONDS = 20
PDF_SECONDS_PER_PAGE = 2
"""Wall-clock time for reading a PDF: 20 s and 2 s a page (10 times the measured 0.2 s CPU a
page; 3 times the 0.65 s a page measured under load 5): 108 s for 44 pages."""
OCR_SECONDS = 60
OCR_SECONDS_PER_PAGE = 60
"""Wall-clock time for text recognition (ocrmypdf with tesseract) of a scanned PDF."""

# --- Text ------------------------------------------------------------------------------------
TEXT_SECONDS = 60
"""Wall-clock time for reading a text file (at most 50 MB; sniff refuses larger files)."""

# --- What any reader hands on ----------------------------------------------------------------
MAX_BLOCKS = 20_000
"""Headings, paragraphs, list items and tables: the 35-page minutes has 522."""
MAX_CHARACTERS = 5_000_000
"""Characters of text: the 35-page minutes has 104 000 (15 000 words)."""
MEMORY_BYTES = 2048 * MB
"""Address space of the reader's child process."""
