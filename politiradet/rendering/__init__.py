"""Rendering: the pages of the site from the linked archive, split by job.

- :mod:`.environment`: the Jinja2 environment, its filters and globals;
- :mod:`.keys`: what a page is made from (its render input's hash), so a page whose input did
  not change is linked, not rendered;
- :mod:`.views`: the archive as the pages see it (meetings in order, neighbours, related
  documents, JSON-LD …);
- :mod:`.pages`: :class:`~.pages.Renderer`, which ties the three together, and the page
  builders, one per kind of page;
- :mod:`.related`: related documents by shared topics and areas.

The render stage (:mod:`politiradet.stages.render`) plans every output of the site with them.
"""
