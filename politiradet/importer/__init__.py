"""Import a minutes file (.docx, .pdf, .txt) as a new draft: ``python build.py import FIL``.

One pipeline, a module per stage, data flowing one way:

1. ``sniff``     – what the file really is (or a clear Norwegian refusal).
2. ``read_*``    – one reader per format, each giving the neutral :class:`SourceDocument`.
3. ``repair``    – OCR letter damage repaired where the repaired word is a real word.
4. ``recognise`` – agenda items, follow-up points and their status blocks.
5. ``suggest``   – front matter suggestions: title, date, type, topics, areas, meetings.
6. ``compose``   – the Markdown file with front matter (always ``utkast: true``).
7. ``verify``    – the real validator on the draft, in this process, before anything is written.
8. ``report``    – the short Norwegian report for the editor.

``command.py`` runs the stages and writes the one new file, never overwriting.
"""
