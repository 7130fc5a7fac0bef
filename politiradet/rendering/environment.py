"""The Jinja2 environment the templates are rendered in: autoescape, ``StrictUndefined``,
the Norwegian filters, and the globals every template may read."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..common import norsk


def environment(templates: Path, globals_: Mapping[str, Any]) -> jinja2.Environment:
    """An environment over the templates in *templates*, with *globals_* and the filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.globals.update(globals_)
    env.filters["dato"] = norwegian_date
    env.filters["antall"] = norsk.count
    env.filters["datoer"] = norsk.date_range
    env.filters["delvis_dato"] = norsk.partial_date
    env.filters["todate"] = dt.date.fromisoformat
    return env


def norwegian_date(value: dt.date, fmt: str = "long") -> str:
    """«14. mai 2025» (long), «14.05.2025» (short) or «mai 2025» (month)."""
    return norsk.date(value, fmt)


def json_for_script(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: no «</script>» or «<!--»."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
