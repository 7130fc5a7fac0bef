"""The web editor: Decap CMS configured from the schemas, and its local backend for ``serve``.

- :mod:`.config` turns the JSON Schemas and the registries into Decap's ``config.yml``.
- :mod:`.document` writes a document the way ``new`` and a careful editor would.
- :mod:`.backend` answers Decap's local-backend protocol, writing only inside ``content/``.
- :mod:`.admin` serves ``/admin/`` in the preview and writes the same folder for production.
- ``decap/`` is the vendored Decap CMS bundle (``tools/update_decap.py``); never published.
"""
