"""Write an import into a dataset folder: the CSVs and their schemas (from the catalogue, for the columns each
table prints, in its unit), the code tables, the narrative, the source copy with its checksum, and the
descriptor's x_tables, resources, x_source and sources. Nothing outside the folder."""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue import Catalogue
from ..paths import is_safe_relative_path
from .model import Document, Message, ParsedTable
from .package import (
    PEOPLE_WRITE,
    SUPPORT,
    SUPPORT_AFTER,
    ResourceSpec,
    csv_text,
    read_descriptor,
    resource_entry,
    support,
    table_entry,
    table_resources,
    write_descriptor,
    write_json,
)
from .statements import refresh

SOURCE_DESCRIPTIONS = {
    "text": ("源PDF经文本提取后的全文，制表符分隔表格列。",
             "Full text extracted from the source PDF; table columns separated by tabs."),
    "xlsx": ("发布单位提供的Excel工作簿，每张附表一个工作表；行号指工作表中的行。",
             "The publisher's Excel workbook, one sheet per annex table; line numbers are rows of the sheet."),
    "pdf": ("发布单位公开的PDF原件；表格位置以页码表示。",
            "The PDF as the publisher published it; table places are given as pages."),
}
SUFFIXES = {"text": ".txt", "xlsx": ".xlsx", "pdf": ".pdf"}


@dataclass(frozen=True)
class Written:
    source: str  # path of the copied source inside the folder
    sha256: str
    notes: tuple[Message, ...] = ()  # what the statements reader could not link (statements.py)



def copy_source(source: Path, folder: Path, year: int, kind: str, previous: str, document: str) -> tuple[str, str]:
    """Copy the source document to source/budget-<year>.<txt|xlsx|pdf> (a department budget) or
    source/<document kind>-<year>.<...> (unit-budget-2025.pdf, final-accounts-2024.pdf), replacing the previous
    import's copy."""
    if previous and is_safe_relative_path(previous) and (folder / previous).is_file():
        (folder / previous).unlink()
    stem = "budget" if document == "department-budget" else document
    rel = f"source/{stem}-{year}{SUFFIXES[kind]}"
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
        return {"zh": table.note, "en": "", "by": "source"}  # en: translated by people, kept by later imports
    return None


def document_unit(tables: list[ParsedTable]) -> str:
    """The unit most of the document's tables print: what a table the body does not print is declared in."""
    units = Counter(t.unit for t in tables if t.unit)
    return units.most_common(1)[0][0] if units else "万元"


def title_en(table: ParsedTable, catalogue: Catalogue) -> str:
    name = catalogue.kind(table.kind).name.en
    if table.kind == "project-performance" and not table.missing:
        return f"{name}: {table.title} (untranslated)"
    return name


def table_specs(tables: list[ParsedTable], catalogue: Catalogue) -> list[tuple[ParsedTable, list[ResourceSpec]]]:
    fallback = document_unit(tables)
    out = []
    for t in tables:
        kind = catalogue.kind(t.kind)
        columns: list[tuple[str, ...] | None] = [p.columns or None for p in t.parts]
        out.append((t, table_resources(catalogue, kind, t.id, t.unit or fallback, t.title, title_en(t, catalogue),
                                       columns)))
    return out


def tables_entries(specs: list[tuple[ParsedTable, list[ResourceSpec]]], doc: Document, catalogue: Catalogue,
                   fallback: str) -> list[dict[str, Any]]:
    out = []
    for t, resources in specs:
        amounts = any(c.amount for p in catalogue.kind(t.kind).parts for c in p.columns)
        entry = table_entry(t.id, t.number, t.kind, t.title, title_en(t, catalogue), (t.unit or fallback) if amounts
                            else "", t.precision, [r.name for r in resources], t.status, t.lines, t.printed_title,
                            note_entry(t, doc), {"sheet": t.sheet} if t.sheet else None)
        if t.missing:
            entry["missing"] = "listed-not-published"
        out.append(entry)
    return out


def write_resource(folder: Path, spec: ResourceSpec, rows: tuple[dict[str, str], ...] | None) -> None:
    """A resource's schema, and its CSV: rewritten where the import gives rows, else kept if it exists."""
    write_json(folder / "schemas" / f"{spec.name}.json", spec.schema)
    path = folder / "data" / f"{spec.name}.csv"
    if rows is not None or not path.exists():
        path.write_text(csv_text([f["name"] for f in spec.schema["fields"]], rows or ()), encoding="utf-8")


def custom_resources(descriptor: dict[str, Any], imported: set[str]) -> list[dict[str, Any]]:
    """Resources a person added to the descriptor (kept as they are by a new import): neither a table an
    import writes, nor one of an earlier import's tables, nor one of the dataset's own standard resources."""
    earlier = {name for t in descriptor.get("x_tables", []) for name in t.get("resources", [])}
    standard = {name for name, *_ in (*SUPPORT, *SUPPORT_AFTER)}
    return [r for r in descriptor.get("resources", []) if isinstance(r, dict)
            and r.get("name") not in imported | earlier | standard]


def kept_files(custom: list[dict[str, Any]]) -> list[str]:
    """What people wrote survives a new import: errata, narrative figures, prior year, translations, and the
    files of the resources they added."""
    files = [rel for name in PEOPLE_WRITE for rel in (f"data/{name}.csv", f"schemas/{name}.json")]
    files += [str(r[k]) for r in custom for k in ("path", "schema") if is_safe_relative_path(str(r.get(k, "")))]
    return files


SOURCE_KEYS = ("file", "sha256", "description", "description_en")  # what an import writes; people write the rest


def keep_translations(entries: list[dict[str, Any]], earlier: list[Any]) -> list[dict[str, Any]]:
    """People's English for a table's title and note survives a new import where the Chinese is unchanged."""
    before = {e.get("id"): e for e in earlier if isinstance(e, dict)}
    for entry in entries:
        old = before.get(entry["id"])
        if not old:
            continue
        old_en = old.get("x_i18n", {}).get("en", {}).get("title")
        if old.get("title") == entry["title"] and old_en:
            entry["x_i18n"]["en"]["title"] = old_en
        note, old_note = entry.get("note"), old.get("note")
        if note and isinstance(old_note, dict) and old_note.get("zh") == note["zh"] and old_note.get("en"):
            note["en"] = old_note["en"]
    return entries


def write_import(folder: Path, source: Path, doc: Document, tables: list[ParsedTable],
                 code_tables: dict[str, tuple[dict[str, str], ...]], narrative: str | None,
                 reference: Path, catalogue: Catalogue) -> Written:
    descriptor = read_descriptor(folder)
    specs = table_specs(tables, catalogue)
    rows = {name: recs for t in tables for name, recs in t.resources.items()}
    custom = custom_resources(descriptor, {spec.name for _, resources in specs for spec in resources})
    kept = {rel: (folder / rel).read_bytes() for rel in kept_files(custom) if (folder / rel).is_file()}
    for sub in ("data", "schemas"):  # an earlier import's tables go; what people wrote is put back below
        shutil.rmtree(folder / sub, ignore_errors=True)
        (folder / sub).mkdir()
    before, after = support(reference, False), support(reference, True)
    for spec in before:
        write_resource(folder, spec, code_tables.get(spec.name, ()))
    for _, resources in specs:
        for spec in resources:
            write_resource(folder, spec, rows.get(spec.name, ()))
    for spec in after:
        write_resource(folder, spec, None)
    for rel, data in kept.items():
        (folder / rel).write_bytes(data)
    if narrative is not None:
        (folder / "narrative").mkdir(exist_ok=True)
        (folder / "narrative" / "zh.md").write_text(narrative, encoding="utf-8")
    previous = descriptor.get("x_source", {}).get("file", "")
    rel, digest = copy_source(source, folder, int(descriptor["x_budget"]["year"]), doc.kind, previous,
                              str(descriptor["x_budget"].get("document", "")))
    zh, en = SOURCE_DESCRIPTIONS[doc.kind]
    descriptor["sources"] = [{"title": doc.title, "path": rel}] + [
        s for s in descriptor.get("sources", []) if isinstance(s, dict) and s.get("path") not in (rel, previous)]
    descriptor["x_source"] = {**{k: v for k, v in descriptor.get("x_source", {}).items() if k not in SOURCE_KEYS},
                              "file": rel, "sha256": digest, "description": zh, "description_en": en}
    descriptor["x_tables"] = keep_translations(tables_entries(specs, doc, catalogue, document_unit(tables)),
                                               descriptor.get("x_tables", []))
    descriptor["resources"] = [resource_entry(r) for r in before] + \
        [resource_entry(r) for _, resources in specs for r in resources] + [resource_entry(r) for r in after] + custom
    write_descriptor(folder, descriptor)
    notes: tuple[Message, ...] = ()
    if doc.kind == "pdf" and narrative is not None:  # narrative/zh.md is the PDF's text: read what it states
        notes = tuple(refresh(folder, reference).messages)
    return Written(rel, digest, notes)

