"""The OCDS schemas svdesk ships (svdesk/data/ocds, sources and licences in LICENSE-NOTICE.txt) and
the check that a release package meets them before it is written.

The core is OCDS 1.1.5 (JSON Schema draft-04). The extensions a release uses are applied to the core
release schema the way OCDS applies them: each extension's release-schema.json is a JSON Merge Patch
(RFC 7386) over it (https://standard.open-contracting.org/1.1/en/guidance/map/extensions/). So a
field an extension adds is checked where that extension puts it.

jsonschema checks the "date-time" and "uri" formats only when optional packages are installed, so
both checks are registered here: a release with a date that is not RFC 3339 is refused either way.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from svdesk.resources import resource_path

OCDS_VERSION = "1.1"  # the package's `version`: major.minor
RELEASE_SCHEMA_ID = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"

# (the extension.json URL a package names in `extensions`, the vendored patch), in the order applied:
# the UK extension patches definitions the lots and award criteria extensions add.
EXTENSIONS = (
    (
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/extension.json",
        "extension-lots.json",
    ),
    (
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_awardCriteria_extension/master/extension.json",
        "extension-awardCriteria.json",
    ),
    (
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/extension.json",
        "extension-partyDetails_scale.json",
    ),
    (
        # "OCDS for the United Kingdom", as Find a Tender's own release packages declare it
        "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json",
        "extension-uk.json",
    ),
)
EXTENSION_URLS = tuple(url for url, _file in EXTENSIONS)


class OcdsSchemaError(Exception):
    """The export does not meet its schema: a bug in svdesk, never the user's input."""


def _read(name: str) -> dict[str, Any]:
    with resource_path("ocds", name).open(encoding="utf-8") as fh:
        loaded: dict[str, Any] = json.load(fh)
    return loaded


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


@cache
def release_schema() -> dict[str, Any]:
    """The core release schema with every extension in EXTENSIONS applied."""
    schema = _read("release-schema.json")
    for _url, name in EXTENSIONS:
        schema = merge_patch(schema, _read(name))
    return schema


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_formats = FormatChecker(formats=())


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the type check, not the format check, speaks for other types
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))  # a real day and time (raises otherwise)
    return True


def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and not any(c.isspace() for c in value)


_formats.checks("date-time", raises=ValueError)(_date_time)
_formats.checks("uri")(_uri)


@cache
def _validator() -> Draft4Validator:
    package = _read("release-package-schema.json")
    registry: Registry[Any] = Registry().with_resource(
        RELEASE_SCHEMA_ID, Resource.from_contents(release_schema(), default_specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry, format_checker=_formats)


def problems(package: dict[str, Any]) -> list[str]:
    """Each way the release package fails OCDS 1.1 (with its extensions), as "where: what"."""
    found = []
    for error in sorted(_validator().iter_errors(package), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(the package)"
        found.append(f"{where}: {error.message}")
    return found


def check(package: dict[str, Any]) -> None:
    """Refuse (OcdsSchemaError) a release package that does not validate."""
    found = problems(package)
    if found:
        shown = "; ".join(found[:5]) + (f"; and {len(found) - 5} more" if len(found) > 5 else "")
        raise OcdsSchemaError(
            f"svdesk made an OCDS release that does not validate against OCDS {OCDS_VERSION} and its extensions "
            f"(a bug in svdesk; nothing was written): {shown}"
        )
