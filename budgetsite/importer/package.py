"""Entries of a dataset's datapackage.json and the files they point to, built the way the hand-checked
datasets write them: a table's resources from its kind in the catalogue, the dataset's own resources (code
tables, errata, narrative figures, prior year, translations) with their standard schemas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue import Catalogue, TableKind, schema

DESCRIPTOR = "datapackage.json"
RESOURCE_BASE = {"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
# What `new` leaves for `import` to fill in. The validator refuses it (it is no checksum), so a dataset that
# was scaffolded but not imported says so instead of publishing empty tables.
SOURCE_PLACEHOLDER = "FILL-IN: python build.py import <document> --into datasets/{slug}"
SUPPORT_SCHEMAS = Path("catalogue") / "support"


@dataclass(frozen=True)
class ResourceSpec:
    """One resource of a dataset: its name, title, and the schema (a dict) its file follows."""

    name: str
    title: str
    title_en: str
    schema: dict[str, Any]


# The dataset's own resources, before (code tables) and after (errata, …) the tables. `import` fills only the
# two code tables; people write the others.
SUPPORT = (("codes-function", "codes", "支出功能分类科目（本预算所用）", "Function classification codes used"),
           ("codes-economic", "codes", "部门预算支出经济分类科目（本预算所用）", "Economic classification codes used"))
SUPPORT_AFTER = (("errata", "errata", "勘误", "Errata"),
                 ("narrative-figures", "narrative-figures", "说明文字中的数字", "Figures stated in the narrative"),
                 ("prior-year", "prior-year", "上年比较", "Comparison with the previous year"),
                 ("completion", "completion", "预算完成情况", "Completion of the budget, as stated"),
                 ("translations", "translations", "表格文字英译（非官方）",
                  "English translations of table text (unofficial)"),
                 ("source-notes", "source-notes", "原文问题说明", "Problems of the source, stated"))
PEOPLE_WRITE = tuple(name for name, *_ in SUPPORT_AFTER)
# What the statements reader (statements.py) writes from narrative/zh.md when the source is a PDF.
STATEMENTS = ("narrative-figures", "prior-year", "completion")


def support_schema(reference: Path, name: str) -> dict[str, Any]:
    return json.loads((reference / SUPPORT_SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def support(reference: Path, after: bool) -> list[ResourceSpec]:
    return [ResourceSpec(name, zh, en, support_schema(reference, schema_name))
            for name, schema_name, zh, en in (SUPPORT_AFTER if after else SUPPORT)]


def table_resources(catalogue: Catalogue, kind: TableKind, table_id: str, unit: str, title: str, title_en: str,
                    columns: list[tuple[str, ...] | None] | None = None) -> list[ResourceSpec]:
    """The resources of one table: one per part of its kind, with the columns it prints (all by default)."""
    out = []
    for i, part in enumerate(kind.parts):
        printed = columns[i] if columns else None
        zh = f"{title}：{part.title.zh}" if part.suffix else title
        en = f"{title_en}: {part.title.en}" if part.suffix else title_en
        out.append(ResourceSpec(part.resource(table_id), zh, en,
                                schema(catalogue, kind, part, unit or "万元", printed or None, table_id)))
    return out


def resource_entry(r: ResourceSpec) -> dict[str, Any]:
    return {"name": r.name, "path": f"data/{r.name}.csv", **RESOURCE_BASE, "schema": f"schemas/{r.name}.json",
            "title": r.title, "x_i18n": {"en": {"title": r.title_en}}}


def table_entry(table_id: str, number: str, kind: str, title: str, title_en: str, unit: str, precision: int,
                resources: list[str], status: str, lines: tuple[int, int], printed_title: str = "",
                note: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"lines": list(lines)}
    if printed_title and printed_title != title:
        source["printed_title"] = printed_title
    entry: dict[str, Any] = {"id": table_id, "number": number, "kind": kind, "title": title}
    if unit:
        entry.update(unit=unit, precision=precision)
    entry.update({"resources": resources, "status": status, "source": {**source, **(extra or {})},
                  "x_i18n": {"en": {"title": title_en}}})
    if note:
        entry["note"] = note
    return entry


def read_descriptor(folder: Path) -> dict[str, Any]:
    return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_descriptor(folder: Path, descriptor: dict[str, Any]) -> None:
    write_json(folder / DESCRIPTOR, descriptor)


def csv_text(fields: list[str], rows: Iterable[dict[str, str]]) -> str:
    """A resource's CSV as the datasets keep it: a header, CRLF line ends, a blank for a missing field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([row.get(f, "") for f in fields])
    return out.getvalue()
