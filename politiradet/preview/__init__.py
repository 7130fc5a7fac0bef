"""The preview server: serve, watch, HTTP, live reload and the quick page."""
