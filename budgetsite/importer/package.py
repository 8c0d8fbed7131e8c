"""Entries of a budget's datapackage.json, built the way the hand-checked budgets write them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .layout import SUPPORT, SUPPORT_AFTER, TABLES, ResourceLayout, TableLayout

DESCRIPTOR = "datapackage.json"
RESOURCE_BASE = {"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
# What `new` leaves for `import` to fill in. The validator refuses it (it is no checksum), so a budget that
# was scaffolded but not imported says so instead of publishing empty tables.
SOURCE_PLACEHOLDER = "FILL-IN: python build.py import <document> --into datasets/{slug}"


def resource_entry(r: ResourceLayout) -> dict[str, Any]:
    return {"name": r.name, "path": f"data/{r.name}.csv", **RESOURCE_BASE, "schema": f"schemas/{r.schema}",
            "title": r.title, "x_i18n": {"en": {"title": r.title_en}}}


def table_entry(table_id: str, number: str, title: str, title_en: str, resources: list[str], status: str,
                lines: tuple[int, int], printed_title: str = "", note: dict[str, str] | None = None,
                extra: dict[str, Any] | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"lines": list(lines)}
    if printed_title and printed_title != title:
        source["printed_title"] = printed_title
    entry: dict[str, Any] = {"id": table_id, "number": number, "title": title, "resources": resources,
                             "status": status, "source": {**source, **(extra or {})},
                             "x_i18n": {"en": {"title": title_en}}}
    if note:
        entry["note"] = note
    return entry


def standard_tables() -> list[TableLayout]:
    """Tables 1 to 10; table 11 is one table per project, added by `import`."""
    return [t for t in TABLES if t.parser != "project-performance"]


def project_resources(table_id: str, title: str, title_en: str) -> list[ResourceLayout]:
    layout = next(t for t in TABLES if t.parser == "project-performance")
    return [ResourceLayout(r.name.format(id=table_id), r.schema, r.title.format(title=title),
                           r.title_en.format(title_en=title_en)) for r in layout.resources]


def resource_layouts(extra: tuple[ResourceLayout, ...] = ()) -> list[ResourceLayout]:
    """Every resource of a budget folder in descriptor order: code tables, tables 1-10, `extra` (the project
    tables), then errata, narrative figures, prior year and translations."""
    return [*SUPPORT, *(r for t in standard_tables() for r in t.resources), *extra, *SUPPORT_AFTER]


def read_descriptor(folder: Path) -> dict[str, Any]:
    return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def write_descriptor(folder: Path, descriptor: dict[str, Any]) -> None:
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
