"""The shape a budget's datapackage.json must have beyond the Data Package spec (our `x_` properties).

Checked with JSON Schema before anything reads the descriptor, so a wrong type anywhere becomes one clear
message with its JSON path instead of an exception deep in the build.
"""

from __future__ import annotations

from typing import Any

import jsonschema

STRING = {"type": "string"}
TEXT = {"type": "string", "minLength": 1}
STRINGS = {"type": "array", "items": STRING}
EN_TEXT = {"type": "object", "properties": {"en": {"type": "object", "properties": {
    "title": TEXT, "description": TEXT, "keywords": STRINGS}}}}

BUDGET_DESCRIPTOR = {
    "type": "object",
    "required": ["name", "title", "description", "licenses", "resources", "x_budget", "x_tables", "x_i18n"],
    "properties": {
        "name": STRING,
        "title": TEXT,
        "description": TEXT,
        "keywords": STRINGS,
        "x_i18n": {"type": "object", "required": ["en"], "properties": {"en": {
            "type": "object", "required": ["title", "description"],
            "properties": {"title": TEXT, "description": TEXT, "keywords": STRINGS}}}},
        "licenses": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["name"],
            "properties": {"name": TEXT, "path": {"type": "string", "pattern": "^https?://"}, "title": STRING}}},
        "sources": {"type": "array", "items": {"type": "object", "properties": {"title": STRING, "path": STRING}}},
        "x_budget": {"type": "object", "additionalProperties": False,
                     "required": ["department_id", "department", "region_id", "region", "year", "document"],
                     "properties": {
            "department_id": STRING, "department": TEXT, "department_en": STRING, "department_en_status": STRING,
            "region_id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
            "region": STRING, "region_en": STRING, "currency": {"enum": ["CNY"]},
            "document": TEXT, "template": STRING, "phase": {"enum": ["budget", "final"]},
            "year": {"type": "integer", "minimum": 1950, "maximum": 2199},
            "units": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {
                "name": TEXT, "name_en": STRING, "kind": STRING, "note": STRING}}},
            "codelists": {"type": "object", "additionalProperties": STRING},
            "synthetic": {"type": "boolean"}}},
        "x_source": {"type": "object", "additionalProperties": False, "properties": {
            "file": STRING, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "description": STRING, "description_en": STRING,
            "obtained_from": STRING, "obtained_from_en": STRING, "url": {"type": "string", "pattern": "^https://"}}},
        "x_narrative": {"type": "object", "additionalProperties": STRING},
        "x_rulesets": STRINGS,
        "x_rules": {"type": "array", "items": {"type": "object", "required": ["id", "kind"],
                                               "properties": {"id": TEXT, "kind": TEXT}}},
        "x_tables": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "kind", "title", "resources", "status"],
            "properties": {
                "id": STRING, "number": STRING, "kind": TEXT, "title": TEXT, "x_i18n": EN_TEXT,
                "unit": {"enum": ["元", "万元"]}, "precision": {"type": "integer", "minimum": 0, "maximum": 4},
                "resources": {"type": "array", "minItems": 1, "items": STRING},
                "status": {"enum": ["published", "empty", "reconstructed"]},
                "source": {"type": "object", "properties": {
                    "lines": {"type": "array", "minItems": 2, "maxItems": 2,
                              "items": {"type": "integer", "minimum": 0}},
                    "printed_title": STRING}},
                "note": {"type": "object", "required": ["zh", "en", "by"], "properties": {
                    "zh": TEXT, "en": STRING, "by": {"enum": ["source", "editor"]}}}}}},
        "resources": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["name", "path", "schema"],
            # Only the properties we publish: `scheme` (s3, http…), `data`, `dialect` or `innerpath` would make
            # frictionless read something other than the local file this build reads, or reach the network.
            "additionalProperties": False,
            "properties": {"name": STRING, "path": STRING, "schema": STRING, "encoding": STRING, "title": STRING,
                           "description": STRING, "x_i18n": EN_TEXT, "format": {"enum": ["csv"]},
                           "mediatype": {"enum": ["text/csv"]}, "profile": {"enum": ["tabular-data-resource"]},
                           "bytes": {"type": "integer"}, "hash": STRING}}},
    },
}

CODELIST_DESCRIPTOR = {
    "type": "object", "required": ["name", "title", "resources"],
    "properties": {"name": STRING, "title": TEXT, "x_i18n": EN_TEXT, "resources": {
        "type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["name", "path", "schema"],
            "properties": {"name": STRING, "path": STRING, "schema": STRING}}}},
}

RULESET = {
    "type": "object", "required": ["rules"],
    "properties": {"rules": {"type": "array", "items": {"type": "object", "required": ["id", "kind"],
                                                        "properties": {"id": TEXT, "kind": TEXT}}}},
}

TABLE_SCHEMA = {
    "type": "object", "required": ["fields"],
    "properties": {"fields": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["name"],
        "properties": {"name": TEXT, "type": STRING, "title": STRING, "description": STRING, "x_unit": STRING,
                       "x_i18n": EN_TEXT}}}},
}


def shape_errors(data: Any, schema: dict[str, Any], limit: int = 10) -> list[str]:
    """Readable problems, each with the JSON path where it was found (`x_tables/0/note: ...`)."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    out = []
    for e in errors[:limit]:
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        out.append(f"{where}: {e.message[:200]}")
    return out
