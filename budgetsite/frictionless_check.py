"""What frictionless-py says of a dataset: its descriptor, and every cell, header and key of its tables.

Frictionless is the validator (the design card's choice, and what third parties run); this module only
spares it repeated work, measured on the synthetic corpus (bench/generate.py, 29 resources a package):
`frictionless.validate(descriptor)` took 0.35 s a package, this takes 0.24 s, with the same checks.

- The descriptor is checked with frictionless' own metadata validation: the package's properties for every
  package, each resource descriptor (with its inline schema) once per distinct descriptor and process:
  datasets made from one template repeat them, and an equal descriptor gets equal answers.
- The data is then read through frictionless' row stream, which parses every cell against its field and
  checks constraints, blank and duplicate headers, primary keys and foreign keys. `Package.validate()`
  would re-validate the metadata of every resource and copy it again first; that is what is skipped.
- `Schema` objects are built once per distinct schema and process, and shared by the resources that use it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from .load import DESCRIPTOR
from .model import Finding

# Frictionless stops collecting after this many errors per resource; our own messages come first anyway.
ERROR_LIMIT = 200

_RESOURCE_ERRORS: dict[str, list[Any]] = {}
_SCHEMAS: dict[str, Any] = {}


def frictionless_descriptor(folder: Path) -> dict[str, Any]:
    """The package as frictionless should check it: schemas inlined, our `x_` annotations left out.

    Same data, same schemas, same keys: annotations carry no constraint frictionless would check, and copying
    them is most of its descriptor work. Paths stay relative to `folder`.
    """
    descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if not k.startswith("x_") and k != "columnType"}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    for resource in descriptor["resources"]:
        resource["schema"] = json.loads((folder / resource["schema"]).read_text(encoding="utf-8"))
    return plain(descriptor)


def frictionless_findings(folder: Path, slug: str) -> list[Finding]:
    # frictionless is imported inside the functions below: ~0.2 s, and `build.py --help` should not pay for it
    logging.getLogger("frictionless").setLevel(logging.ERROR)
    try:
        descriptor = frictionless_descriptor(folder)
        problems = metadata_errors(descriptor)
        if problems:
            return [Finding("error", f"frictionless:{e.type}", slug, e.message, file=DESCRIPTOR) for e in problems]
        out: list[Finding] = []
        for resource in package(descriptor, folder).resources:
            out += resource_findings(resource, slug)
        return out
    except Exception as exc:  # frictionless raises on some malformed input; never let that become a traceback
        error = getattr(exc, "error", None)
        message = getattr(error, "message", "") or str(exc)
        return [Finding("error", "frictionless", slug, f"frictionless could not read the package: {message}",
                        file=DESCRIPTOR)]


def metadata_errors(descriptor: dict[str, Any]) -> list[Any]:
    from frictionless import Package, Resource

    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        return list(Package.metadata_validate(descriptor))
    stubs = [{k: r[k] for k in ("name", "path") if k in r} for r in resources]
    errors = list(Package.metadata_validate({**descriptor, "resources": stubs}))
    for resource in resources:
        key = json.dumps(resource, sort_keys=True, ensure_ascii=False)
        if key not in _RESOURCE_ERRORS:
            _RESOURCE_ERRORS[key] = list(Resource.metadata_validate(resource))
        errors += _RESOURCE_ERRORS[key]
    return errors


def package(descriptor: dict[str, Any], folder: Path) -> Any:
    """A frictionless Package of the (already validated) descriptor, built from objects rather than re-read
    from the descriptor, with one shared Schema per distinct schema."""
    from frictionless import Package, Resource, Schema

    resources = []
    for entry in descriptor["resources"]:
        options = {k: v for k, v in entry.items() if k in ("name", "path", "format", "encoding", "mediatype")}
        key = json.dumps(entry["schema"], sort_keys=True, ensure_ascii=False)
        if key not in _SCHEMAS:
            _SCHEMAS[key] = Schema.from_descriptor(entry["schema"])
        resources.append(Resource(**options, schema=_SCHEMAS[key]))
    return Package(resources=resources, basepath=str(folder))


def resource_findings(resource: Any, slug: str) -> list[Finding]:
    """The header's and every row's errors, as the validator would collect them, at most ERROR_LIMIT."""
    from frictionless import FrictionlessException

    errors: list[Any] = []
    try:
        with resource:
            errors += resource.header.errors
            stream = resource.row_stream
            while len(errors) < ERROR_LIMIT:
                try:
                    row = next(stream)
                except FrictionlessException as exc:  # a row the parser cannot read: reported, reading goes on
                    errors.append(exc.error)
                    continue
                except StopIteration:
                    break
                errors += row.errors
    except FrictionlessException as exc:
        errors.append(exc.error)
    return [finding(e, resource, slug) for e in errors[:ERROR_LIMIT]]


def finding(error: Any, resource: Any, slug: str) -> Finding:
    row_number = getattr(error, "row_number", None)
    column = getattr(error, "field_name", "") or ",".join(getattr(error, "field_names", None) or [])
    found = getattr(error, "cell", "") or ",".join(str(c) for c in getattr(error, "field_cells", None) or [])
    return Finding("error", f"frictionless:{error.type}", slug, getattr(error, "note", "") or error.message,
                   file=resource.path, line=row_number, table=resource.name,
                   row=str(row_number - 1) if row_number else "", column=column, found=str(found))
