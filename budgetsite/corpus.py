"""Every published amount of the corpus in one long table: one row per non-blank amount cell of every table of
every dataset, for the whole corpus and for each region. Returns bytes only (the pipeline writes them).

Each table is a Frictionless data package (`datapackage.json` beside `amounts.csv.gz`, with an inline Table
Schema). The CSV is gzip-compressed (frictionless, pandas, R and DuckDB read it as it is): a long table repeats
each document's names on every row, so it shrinks about twentyfold, and uncompressed the two copies (all and per
region) were the largest files of the site. The amount is given twice: exactly as the dataset's CSV writes it, in
its table's unit, and converted exactly to 元 (no rounding, never an exponent). Rows come in a fixed order (dataset,
its tables in printed order, their rows, the columns in schema order) and the files carry no build-dependent bytes
but the build epoch, so equal input gives equal bytes.

Each budget's rows are made once, when it is validated (`budget_part`), and kept with its result; a build
joins the parts, so it never loads every budget again to write these files. There is no corpus-wide workbook:
a sheet holds at most 1,048,576 rows, which a few thousand documents exceed, and writing one cost more than
all other site-wide work together (docs/performance.md).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from typing import Any, NamedTuple

from . import urls
from .catalogue import Catalogue
from .export import build_time
from .model import UNITS, Budget, Field, Table, Text

NAME = "budget-amounts"
RESOURCE = "amounts"
# The text that names a row, in order of preference: the first of these a row fills is its name.
NAME_FIELDS = ("name", "label", "category", "project_name", "description", "function_name", "unit_name")
# The row's classification code: its own code column, else the function-classification code it is filed under.
CODE_FIELDS = ("code", "function_code")
AMOUNT_PATTERN = r"-?(0|[1-9]\d*)(\.\d+)?"


class AmountRow(NamedTuple):
    """One amount cell, with everything that says what it is (a tuple: the CSV writer takes it as it is)."""

    dataset: str
    publisher: str
    publisher_id: str
    region: str
    region_id: str
    year: int
    document: str
    table_kind: str
    table_number: str
    table_title: str
    resource: str
    row: int
    side: str
    row_code: str
    row_name: str
    column: str
    column_title: str
    amount_as_printed: str
    unit: str
    amount_yuan: str


# name -> (type, Chinese title, English title, Chinese description, English description, constraints)
SCHEMA_FIELDS: dict[str, tuple[str, str, str, str, str, dict[str, Any]]] = {
    "dataset": ("string", "数据集", "Dataset", "数据集名称，即 data/<数据集>/ 下的文件夹名。",
                "The dataset's name: its folder under data/<dataset>/.", {"required": True}),
    "publisher": ("string", "编制部门（单位）", "Publisher", "编制该文件的部门或单位，按原文印刷。",
                  "The department or unit that published the document, in Chinese as printed.", {"required": True}),
    "publisher_id": ("string", "编制部门（单位）标识", "Publisher id", "编制部门或单位在本站的标识。",
                     "The publisher's id on this site.", {"required": True}),
    "region": ("string", "地区", "Region", "地区名称。", "The region, in Chinese.", {}),
    "region_id": ("string", "地区标识", "Region id", "地区在本站的标识。", "The region's id on this site.", {}),
    "year": ("integer", "年度", "Year", "预算或决算年度。", "The budget or final-accounts year.", {"required": True}),
    "document": ("string", "文件类型", "Document kind",
                 "文件类型标识：department-budget 部门预算，unit-budget 单位预算，final-accounts 部门决算。",
                 "The document kind's id: department-budget, unit-budget or final-accounts.", {"required": True}),
    "table_kind": ("string", "表格类型", "Table kind", "表格类型标识，见 reference/catalogue/kinds/。",
                   "The table kind's id in the catalogue (reference/catalogue/kinds/).", {"required": True}),
    "table_number": ("string", "表号", "Table number", "表格编号，按原文印刷（如 五、5）。",
                     "The table's number as printed (e.g. 五 or 5).", {"required": True}),
    "table_title": ("string", "表格标题", "Table title", "表格标题，按原文印刷。",
                    "The table's title, in Chinese as printed.", {"required": True}),
    "resource": ("string", "数据表", "Resource", "数据集中该表格的数据资源名称（data/<资源>.csv）。",
                 "The table's resource in the dataset (data/<resource>.csv).", {"required": True}),
    "row": ("integer", "行序", "Row", "该行在数据资源 CSV 文件中的位置（1为第一行数据）。",
            "Position of the row in the resource's CSV file (1 = first data row).",
            {"required": True, "minimum": 1}),
    "side": ("string", "收支方向", "Side", "两栏表格中该行所在的一栏（如 income、expenditure），其他表格为空。",
             "For a two-sided table, the side the row is printed on (e.g. income, expenditure); else empty.", {}),
    "row_code": ("string", "科目编码", "Row code", "该行的科目编码，按原文；没有编码的行（如合计行）为空。",
                 "The row's classification code as in the dataset; empty where the row has none (e.g. a total).",
                 {}),
    "row_name": ("string", "项目名称", "Row name", "该行的名称，按原文印刷。", "The row's name, in Chinese as printed.",
                 {}),
    "column": ("string", "栏目", "Column", "栏目的含义（字段名，见 reference/catalogue/columns.json）。",
               "The column's meaning: its field name (reference/catalogue/columns.json).", {"required": True}),
    "column_title": ("string", "栏目名称", "Column title", "栏目的中文名称。", "The column's name in Chinese.",
                     {"required": True}),
    "amount_as_printed": ("string", "金额（原文）", "Amount as printed",
                          "金额，与数据集 CSV 文件中的写法完全相同，单位见 unit。",
                          "The amount exactly as the dataset's CSV writes it, in the unit given by unit.",
                          {"required": True, "pattern": AMOUNT_PATTERN}),
    "unit": ("string", "金额单位", "Unit", "原表的金额单位：元 或 万元。",
             "The unit the table prints: 元 (yuan) or 万元 (CNY 10,000).", {"required": True, "enum": list(UNITS)}),
    "amount_yuan": ("number", "金额（元）", "Amount in yuan", "金额换算为元，精确换算，不四舍五入。",
                    "The amount converted exactly to yuan (no rounding).", {"required": True}),
}
COLUMNS = AmountRow._fields
PRIMARY_KEY = ("dataset", "resource", "row", "column")
assert tuple(SCHEMA_FIELDS) == COLUMNS


def in_yuan(printed: str, unit: str) -> str:
    """`printed` (a plain decimal in `unit`) in yuan, exactly: trailing zeros dropped, never an exponent."""
    with localcontext() as ctx:
        ctx.prec = 200
        ctx.traps[Inexact] = True
        value = (Decimal(printed) * UNITS[unit]).normalize()  # within the context: normalize rounds to its precision
    text = format(value, "f")
    return "0" if text in ("-0", "0") else text


def first_text(row: dict[str, Any], names: tuple[str, ...], present: tuple[str, ...]) -> str:
    for name in names:
        if name in present and isinstance(row.get(name), str) and row[name]:
            return str(row[name])
    return ""


def column_title(catalogue: Catalogue, table: Table, resource: str, f: Field) -> str:
    """The column's Chinese name by its meaning in the catalogue; the dataset's own title where the catalogue
    does not know the kind or column."""
    kind = catalogue.kinds.get(table.kind)
    for part in kind.parts if kind else ():
        if part.resource(table.id) == resource and f.name in part.names:
            return part.column(f.name).title.zh
    return f.title.zh or f.name


def amount_rows(budget: Budget, catalogue: Catalogue) -> Iterator[AmountRow]:
    """Every non-blank amount cell of the budget's tables: tables in printed order, their resources in their
    kind's order, rows in file order, columns in schema order."""
    for table in budget.tables:
        title = table.printed_title or table.title.zh
        for name in table.resources:
            resource = budget.resources[name]
            amounts = [f for f in resource.fields if f.is_amount]
            titles = {f.name: column_title(catalogue, table, name, f) for f in amounts}
            present = resource.field_names
            for index, row in enumerate(resource.rows):
                code = first_text(row, CODE_FIELDS, present)
                row_name = first_text(row, NAME_FIELDS, present)
                side = first_text(row, ("side",), present)
                for f in amounts:
                    value = row[f.name]
                    if value is None:
                        continue
                    printed = str(value)
                    yield AmountRow(
                        budget.slug, budget.department.zh, budget.department_id, budget.region.zh, budget.region_id,
                        budget.year, budget.document, table.kind, table.number, title, name, index + 1, side, code,
                        row_name, f.name, titles[f.name], printed, f.unit, in_yuan(printed, f.unit))


# --- files ---------------------------------------------------------------------------------------------------

def csv_lines(rows: Iterable[AmountRow]) -> bytes:
    """The rows as the CSV file writes them (UTF-8, LF), without the header."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


HEADER = (",".join(COLUMNS) + "\n").encode("utf-8")  # field names are plain identifiers: nothing to quote


def table_schema(catalogue: Catalogue) -> dict[str, Any]:
    out = []
    for name, (kind, zh, en, desc_zh, desc_en, constraints) in SCHEMA_FIELDS.items():
        constraints = dict(constraints)
        if name == "document":
            constraints["enum"] = sorted(catalogue.documents)
        if name == "table_kind":
            constraints["enum"] = sorted(catalogue.kinds)
        out.append({"name": name, "type": kind, "title": zh, "description": desc_zh,
                    **({"constraints": constraints} if constraints else {}),
                    "x_i18n": {"en": {"title": en, "description": desc_en}}})
    return {"primaryKey": list(PRIMARY_KEY), "fields": out}


@dataclass(frozen=True)
class Source:
    """What a package says of each dataset it draws on."""

    slug: str
    title_zh: str
    title_en: str
    licence: tuple[tuple[str, str], ...]
    rows: int


@dataclass(frozen=True)
class Part:
    """One budget's share of the amounts tables: who it is, and its rows as CSV lines, gzip-compressed on
    their own. A gzip file may be a series of members (RFC 1952), which every reader of gzip decompresses as
    one: a corpus file is the header's member followed by each budget's, so no build compresses a budget's
    rows twice (at 1,000 budgets, compressing the joined rows took 1.4 s of every rebuild)."""

    source: Source
    region: tuple[str, str, str] | None  # (id, Chinese name, English name); None outside any region
    gz: bytes


def budget_part(budget: Budget, catalogue: Catalogue) -> Part:
    rows = list(amount_rows(budget, catalogue))
    licence = tuple(sorted((k, str(v)) for k, v in budget.licence.items()))
    source = Source(budget.slug, budget.title.zh, budget.title.en, licence, len(rows))
    region = (budget.region_id, budget.region.zh, budget.region.en) if budget.region_id else None
    return Part(source, region, compressed(csv_lines(rows)))


def compressed(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def name_and_title(region_id: str | None = None, region: Text | None = None) -> tuple[str, Text]:
    """The package name and title of the amounts table of everything, or of one region."""
    if region_id is None or region is None:
        return NAME, Text("全部公开金额", "Every published amount")
    return f"{NAME}-{region_id}", Text(f"{region.zh}全部公开金额", f"Every published amount: {region.en or region.zh}")


def package(sources: list[Source], region: tuple[str, str, str] | None, catalogue: Catalogue, epoch: int,
            file_size: int) -> dict[str, Any]:
    """The descriptor of one amounts table; `region` is (id, Chinese name, English name), None for all."""
    here = urls.corpus_dir(region[0] if region else None)
    name, title = name_and_title(region[0], Text(region[1], region[2])) if region else name_and_title()
    zh, en = title.zh, title.en
    description_zh = (f"共{len(sources)}份文件、{sum(s.rows for s in sources)}个金额，每个非空金额单元格一行，"
                      "附数据集、编制部门、地区、年度、文件类型、表格、科目和栏目；金额按原文，另附精确换算为元的金额。")
    description_en = (f"{len(sources)} document(s), {sum(s.rows for s in sources)} amounts: one row per non-blank "
                      "amount cell, with its dataset, publisher, region, year, document kind, table, row and column; "
                      "the amount as printed, and converted exactly to yuan. Chinese names are as printed; English "
                      "labels are unofficial translations.")
    licences = sorted({s.licence for s in sources})
    return {
        "name": name,
        "title": zh,
        "description": description_zh,
        "profile": "tabular-data-package",
        "created": build_time(epoch).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [dict(lic) for lic in licences],
        "x_i18n": {"en": {"title": en, "description": description_en}},
        "sources": [{"title": s.title_zh, "path": posixpath.relpath(urls.datapackage(s.slug), here)} for s in sources],
        "x_datasets": [{"name": s.slug, "title": s.title_zh, "title_en": s.title_en, "rows": s.rows}
                       for s in sources],
        "resources": [{
            "name": RESOURCE, "path": urls.CORPUS_CSV, "profile": "tabular-data-resource", "format": "csv",
            "compression": "gz", "mediatype": "text/csv", "encoding": "utf-8", "bytes": file_size, "title": zh,
            "x_i18n": {"en": {"title": en}}, "schema": table_schema(catalogue),
        }],
    }


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def corpus_files(parts: Iterable[Part], catalogue: Catalogue, epoch: int) -> list[tuple[str, bytes]]:
    """datapackage.json and amounts.csv.gz for the whole corpus and for each region, at their site paths; parts
    may come in any order."""
    chosen = sorted(parts, key=lambda p: p.source.slug)
    regions: dict[str, tuple[str, str, str]] = {}
    for p in chosen:
        if p.region:
            regions.setdefault(p.region[0], p.region)
    groups = [(None, chosen)] + [(regions[r], [p for p in chosen if p.region and p.region[0] == r])
                                 for r in sorted(regions)]
    out: list[tuple[str, bytes]] = []
    for region, members in groups:
        region_id = region[0] if region else None
        data = compressed(HEADER) + b"".join(p.gz for p in members)
        descriptor = package([p.source for p in members], region, catalogue, epoch, len(data))
        out += [(urls.corpus_package(region_id), json_bytes(descriptor)), (urls.corpus_csv(region_id), data)]
    return out
