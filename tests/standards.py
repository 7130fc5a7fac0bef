"""The official files of the open-data standards, for the tests: OParl 1.1's JSON schemas and
DCAT-AP-NO's SHACL shapes, pinned by commit and SHA-256 in ``tools/update_standards.py``.

They are kept, with their licences, in ``tests/fixtures/standarder/`` (placed there by the
tool); a file that is missing or differs from the pinned one fails the test. They used to live
beside the repository, so a clean clone (CI) skipped both validations: a test that cannot fail.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import update_standards

DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
"""OParl's date-time: ``yyyy-mm-ddThh:mm:ss±hh:mm``."""
DATE = re.compile(r"\d{4}-\d\d-\d\d")
URL = re.compile(r"https?://[^\s/?#]+/\S*")


def standard_file(name: str, path: str) -> bytes:
    """The pinned file *path* of standard *name*."""
    _repository, commit, files = update_standards.PINNED[name]
    found = update_standards.folder() / name / path
    assert found.is_file(), (f"{name} {path} (commit {commit[:10]}) er ikke lagt i "
                             f"{found.parent}: kjør tools/update_standards.py")
    data = found.read_bytes()
    assert update_standards.digest(data) == files[path], f"{found} er ikke den låste versjonen"
    return data


def oparl_validator(type_name: str) -> jsonschema.protocols.Validator:
    """A validator for OParl objects of *type_name* («Meeting») by the official schema.

    The schemas name the schema of an object given inside another with the keyword ``schema``
    («File.json») and use the formats ``url``, ``date`` and ``date-time`` as the spec defines
    them; both are taught to a Draft 7 validator here, so inner objects are checked too.
    """
    schemas = {path.removeprefix("schema/"): json.loads(standard_file("oparl", path))
               for path in update_standards.PINNED["oparl"][2] if path.startswith("schema/")}
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("url")(lambda value: not isinstance(value, str) or bool(URL.fullmatch(value)))
    checker.checks("date")(lambda value: not isinstance(value, str)
                           or bool(DATE.fullmatch(value)))
    checker.checks("date-time")(lambda value: not isinstance(value, str)
                                or bool(DATE_TIME.fullmatch(value)))

    def inner(validator: Any, name: str, instance: Any, _schema: Any) -> Any:
        if isinstance(instance, dict):
            target = schemas[name if name.endswith(".json") else f"{name}.json"]
            yield from validator.descend(instance, target)

    kind = jsonschema.validators.extend(jsonschema.Draft7Validator, {"schema": inner})
    return kind(schemas[f"{type_name}.json"], format_checker=checker)
