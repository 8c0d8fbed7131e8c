"""Write an import into a budget folder: the CSVs, the code tables, the narrative, the source copy with its
checksum, and the descriptor's x_tables, resources, x_source and sources. Nothing outside the folder."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load import load_schema_fields
from ..paths import is_safe_relative_path
from .layout import BY_ID, ResourceLayout
from .model import Document, ParsedTable
from .package import (
    project_resources,
    read_descriptor,
    resource_entry,
    resource_layouts,
    table_entry,
    write_descriptor,
)
from .scaffold import copy_schemas

SOURCE_DESCRIPTIONS = {
    "text": ("源PDF经文本提取后的全文，制表符分隔表格列。",
             "Full text extracted from the source PDF; table columns separated by tabs."),
    "xlsx": ("发布单位提供的Excel工作簿，每张附表一个工作表；行号指工作表中的行。",
             "The publisher's Excel workbook, one sheet per annex table; line numbers are rows of the sheet."),
}


@dataclass(frozen=True)
class Written:
    source: str  # path of the copied source inside the folder
    sha256: str


PROJECT = re.compile(r"t11[a-z]?-(project|indicators)")  # resources of the per-project tables 11
TABLE_ID = re.compile(r"t(0[1-9]|10|11[a-z]?)")  # the standard tables' ids in x_tables


def csv_text(fields: list[str], rows: tuple[dict[str, str], ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([row.get(f, "") for f in fields])
    return out.getvalue()


def copy_source(source: Path, folder: Path, year: int, kind: str, previous: str) -> tuple[str, str]:
    """Copy the source document to source/budget-<year>.<txt|xlsx>, replacing the previous import's copy."""
    if previous and is_safe_relative_path(previous) and (folder / previous).is_file():
        (folder / previous).unlink()
    rel = f"source/budget-{year}{'.xlsx' if kind == 'xlsx' else '.txt'}"
    (folder / "source").mkdir(exist_ok=True)
    shutil.copyfile(source, folder / rel)
    return rel, hashlib.sha256((folder / rel).read_bytes()).hexdigest()


def note_entry(table: ParsedTable, doc: Document) -> dict[str, str] | None:
    if table.missing:
        line = table.lines[0]
        return {"zh": f"目录列有本表（原文第{line}行），但正文中未公开本表。此处留空，未推算任何数字；"
                      "如需重构，只能使用原文其他部分载明的数字，并在 derived_from 列注明每个数字的来源。",
                "en": f"Listed in the contents (line {line} of the source) but not published in the body. Left "
                      "empty: no figure is inferred. A reconstruction may use only figures the source states "
                      "elsewhere, each with its source in the derived_from column.",
                "by": "editor"}
    if table.note:
        return {"zh": table.note, "en": f"(Not yet translated) {table.note}", "by": "source"}
    if not any(table.resources.values()) and not table.missing:
        where = "工作簿" if doc.kind == "xlsx" else "原文"
        return {"zh": f"{where}中没有本表，也未在目录中列出。", "en": "Neither printed nor listed in the source.",
                "by": "editor"}
    return None


def tables_entries(tables: list[ParsedTable], doc: Document) -> list[dict[str, Any]]:
    out = []
    for t in tables:
        layout = BY_ID[t.layout]
        per_project = layout.parser == "project-performance" and not t.missing
        title_en = project_title_en(t) if per_project else layout.title_en
        entry = table_entry(t.id, layout.number, t.title, title_en, list(t.resources), t.status, t.lines,
                            t.printed_title, note_entry(t, doc), {"sheet": t.sheet} if t.sheet else None)
        if t.missing:
            entry["missing"] = "listed-not-published"
        out.append(entry)
    return out


def project_title_en(t: ParsedTable) -> str:
    return f"Project performance targets: {t.title} (untranslated)"


def resources_of(tables: list[ParsedTable]) -> list[ResourceLayout]:
    extra = []
    for t in tables:
        if BY_ID[t.layout].parser == "project-performance":
            extra += project_resources(t.id, t.title, BY_ID[t.layout].title_en if t.missing else project_title_en(t))
    return resource_layouts(tuple(extra))


def write_data(folder: Path, layouts: list[ResourceLayout], rows: dict[str, tuple[dict[str, str], ...]]) -> None:
    """Every imported table and code table; the files people write (errata, narrative figures, prior year,
    translations) only where they do not exist yet. Project tables of an earlier import go."""
    names = {r.name for r in layouts}
    for old in (folder / "data").glob("t11*.csv"):
        if PROJECT.fullmatch(old.stem) and old.stem not in names:
            old.unlink()
    for r in layouts:
        path = folder / "data" / f"{r.name}.csv"
        if r.name in rows or not path.exists():
            fields = [f.name for f in load_schema_fields(folder, folder.name, f"schemas/{r.schema}")]
            path.write_text(csv_text(fields, rows.get(r.name, ())), encoding="utf-8")


def is_standard(name: str, standard: set[str]) -> bool:
    return name in standard or bool(PROJECT.fullmatch(name))


def custom_entries(descriptor: dict[str, Any], layouts: list[ResourceLayout]) -> tuple[list, list]:
    """Resources and tables a person added to the descriptor (kept as they are by a new import)."""
    standard = {r.name for r in layouts}
    resources = [r for r in descriptor.get("resources", []) if not is_standard(str(r.get("name", "")), standard)]
    tables = [t for t in descriptor.get("x_tables", []) if not TABLE_ID.fullmatch(str(t.get("id", "")))]
    return resources, tables


def prune_schemas(folder: Path, resources: list[dict[str, Any]]) -> None:
    """Schemas no resource uses would be undeclared files: those of an earlier import's tables go."""
    used = {Path(r["schema"]).name for r in resources if isinstance(r.get("schema"), str)}
    for old in (folder / "schemas").glob("*.json"):
        if old.name not in used:
            old.unlink()


def write_import(folder: Path, source: Path, doc: Document, tables: list[ParsedTable],
                 code_tables: dict[str, tuple[dict[str, str], ...]], narrative: str | None,
                 reference: Path) -> Written:
    descriptor = read_descriptor(folder)
    layouts = resources_of(tables)
    copy_schemas(reference / "schemas", folder / "schemas", {r.schema for r in layouts})
    rows = {name: recs for t in tables for name, recs in t.resources.items()}
    write_data(folder, layouts, {**rows, **code_tables})
    if narrative is not None:
        (folder / "narrative" / "zh.md").write_text(narrative, encoding="utf-8")
    previous = descriptor.get("x_source", {}).get("file", "")
    rel, digest = copy_source(source, folder, int(descriptor["x_budget"]["year"]), doc.kind, previous)
    custom_resources, custom_tables = custom_entries(descriptor, layouts)
    zh, en = SOURCE_DESCRIPTIONS[doc.kind]
    descriptor["sources"] = [{"title": doc.title, "path": rel}]
    descriptor["x_source"] = {"file": rel, "sha256": digest, "description": zh, "description_en": en}
    descriptor["x_tables"] = tables_entries(tables, doc) + custom_tables
    descriptor["resources"] = [resource_entry(r) for r in layouts] + custom_resources
    prune_schemas(folder, descriptor["resources"])
    write_descriptor(folder, descriptor)
    return Written(rel, digest)
