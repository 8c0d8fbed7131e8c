"""Download payloads: JSON per resource, the document's XLSX workbook and the zip bundle. Returns bytes only.

The canonical CSV is the validated file itself, copied byte for byte by the pipeline; only the workbook
changes cells, and only text cells (formula-injection guard). Numbers stay numbers, negative ones too.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .model import Budget, Field, Resource, Table, Value, row_number
from .refs import as_text

# Cells a spreadsheet would read as a formula (OWASP "CSV injection"); LF and NUL per newer guidance.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
XLSX_NUMBER_FORMAT = "#,##0.00"


def guard(value: Value) -> Value:
    """Prefix a text cell that a spreadsheet would evaluate with `'`; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def json_number(value: Decimal | int) -> float | int:
    """Decimals with two places print exactly as JSON numbers (shortest float repr round-trips them)."""
    return value if isinstance(value, int) else float(value)


def json_value(value: Value) -> Any:
    return json_number(value) if isinstance(value, Decimal | int) else value


def resource_json(budget: Budget, resource: Resource, errata: dict[tuple[str, int, str], str],
                  unit_names: dict[str, str]) -> bytes:
    """The resource as `fields` and `rows` (each row an array in the order of `fields`): exact numbers, each
    text column's English beside it (`<field>_en`, `"english_of"`) and each corrected cell's printed value
    (`<field>_as_published`, `"as_published_of"`). Arrays rather than objects: naming every field on every
    row doubled the file. `unit_names` gives the English of each printed unit (from the term base)."""
    # the translations resource is the source of the English: labelling it with itself says nothing
    names, english = ({}, {}) if resource.name == "translations" else (budget.code_names_en(),
                                                                        budget.translations_en())
    columns = json_columns(resource, errata, names, english)
    rows = [list(cells) for cells in zip(*(values for _, values in columns), strict=True)]
    table = budget.table_of(resource.name)
    unit = table.unit if table else ""
    doc = {
        "dataset": budget.slug,
        "resource": resource.name,
        "title": {"zh": resource.title.zh, "en": resource.title.en},
        **({"unit": {"zh": unit, "en": unit_names[unit]}} if unit else {}),
        "translation_note": "English labels are unofficial translations; the Chinese is the published original.",
        "fields": [field for field, _ in columns],
        "rows": rows,
    }
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def json_columns(resource: Resource, errata: dict[tuple[str, int, str], str], names: dict[str, str],
                 english: dict[str, str]) -> list[tuple[dict[str, Any], list[Any]]]:
    """Each column of the JSON rows: its description and its value in each row. A text field gets its English
    column only where some row has one, a field its printed value only where an erratum corrects one of its
    cells; neither ever shadows a field of the resource's own."""
    def english_of(f: Field, row: dict[str, Value]) -> str | None:
        value = row[f.name]
        if not (isinstance(value, str) and value):
            return None
        code = as_text(row.get("code")) if f.name == "name" and row.get("code") else ""
        return names.get(code) or english.get(value)

    rows = resource.rows
    own = set(resource.field_names)
    out: list[tuple[dict[str, Any], list[Any]]] = []
    for f in resource.fields:
        out.append(({"name": f.name, "type": f.type, "title": {"zh": f.title.zh, "en": f.title.en},
                     **({"unit": f.unit} if f.unit else {})}, [json_value(row[f.name]) for row in rows]))
        translated = [english_of(f, row) for row in rows] if f.type == "string" else []
        if any(translated) and f"{f.name}_en" not in own:
            out.append(({"name": f"{f.name}_en", "type": "string", "english_of": f.name}, translated))
        printed = [errata.get((resource.name, row_number(row, i), f.name)) for i, row in enumerate(rows)]
        if any(p is not None for p in printed) and f"{f.name}_as_published" not in own:
            out.append(({"name": f"{f.name}_as_published", "type": "string", "as_published_of": f.name}, printed))
    return out


def errata_index(budget: Budget) -> dict[tuple[str, int, str], str]:
    errata = budget.resources.get("errata")
    if errata is None:
        return {}
    return {(str(e["resource"]), int(str(e["row"])), str(e["field"])): str(e["as_published"]) for e in errata.rows}


CONTENTS_SHEET = "contents"
CONTENTS_HEADER = (("工作表", "Sheet"), ("表号", "Table"), ("表名", "Title"),
                   ("英文表名（非官方译文）", "Title in English (unofficial translation)"), ("金额单位", "Unit"))


def workbook_sheets(budget: Budget) -> list[tuple[str, Table | None]]:
    """(resource, its table) in the order a reader meets them: the tables as printed, then the other resources
    (codes, translations, errata, ...) by name."""
    in_tables = [(name, table) for table in budget.tables for name in table.resources]
    shown = {name for name, _ in in_tables}
    return in_tables + [(name, None) for name in sorted(budget.resources) if name not in shown]


def workbook(budget: Budget, epoch: int) -> bytes:
    """The document's one workbook: a contents sheet, then a sheet per resource. A fixed creation date keeps the
    bytes reproducible. One workbook rather than one per table: each file repeated about 5 KB of parts."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": budget.title.zh, "subject": budget.title.en, "created": build_time(epoch)})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    number = book.add_format({"num_format": XLSX_NUMBER_FORMAT})
    sheets = workbook_sheets(budget)
    contents_sheet(book.add_worksheet(CONTENTS_SHEET), budget, sheets, header)
    for name, _ in sheets:
        resource_sheet(book.add_worksheet(name[:31]), budget.resources[name], header, number)
    book.close()
    return buffer.getvalue()


def contents_sheet(sheet: Any, budget: Budget, sheets: list[tuple[str, Table | None]], header: Any) -> None:
    """Each sheet with its table's printed number, its title in both languages and its unit as printed."""
    header_rows(sheet, [(zh, en, 12 if col < 2 else 40) for col, (zh, en) in enumerate(CONTENTS_HEADER)], header)
    for r, (name, table) in enumerate(sheets, start=2):
        title = budget.resources[name].title
        cells = (name[:31], table.label.zh if table else "", title.zh, title.en, table.unit if table else "")
        for col, text in enumerate(cells):
            sheet.write_string(r, col, str(guard(text)))
    sheet.freeze_panes(2, 0)


def header_rows(sheet: Any, columns: list[tuple[str, str, int]], header: Any) -> None:
    """Row 1 in Chinese, row 2 in English, each column at its width."""
    for col, (zh, en, width) in enumerate(columns):
        sheet.write_string(0, col, zh, header)
        sheet.write_string(1, col, en, header)
        sheet.set_column(col, col, width)


def resource_sheet(sheet: Any, resource: Resource, header: Any, number: Any) -> None:
    """Chinese and English headers, numbers as numbers, text that Excel would evaluate guarded."""
    header_rows(sheet, [(f.title.zh or f.name, f.title.en or f.name, 14 if f.type != "string" else 24)
                        for f in resource.fields], header)
    for r, row in enumerate(resource.rows, start=2):
        for col, f in enumerate(resource.fields):
            value = row[f.name]
            if isinstance(value, Decimal | int):
                sheet.write_number(r, col, float(value), number if f.is_amount else None)
            elif value is not None:
                sheet.write_string(r, col, str(guard(value)))
    sheet.freeze_panes(2, 0)


def build_time(epoch: int) -> datetime:
    return datetime.fromtimestamp(max(epoch, 315532800), tz=UTC).replace(tzinfo=None)  # zip needs >= 1980


def bundle(files: list[tuple[str, bytes]], epoch: int) -> bytes:
    """A zip with members in sorted order and one fixed timestamp, so equal input gives equal bytes."""
    stamp = build_time(epoch).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def package_files(budget: Budget) -> list[tuple[str, bytes]]:
    """The dataset folder's files named by the descriptor, at their relative paths."""
    rels = {"datapackage.json", budget.source_file, *budget.descriptor.get("x_narrative", {}).values()}
    for r in budget.descriptor["resources"]:
        rels.update((r["path"], r["schema"]))
    return [(rel, (budget.root / rel).read_bytes()) for rel in sorted(r for r in rels if r)]

