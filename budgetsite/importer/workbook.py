"""`build.py export-xlsx`: a budget's annex tables as one workbook in the published layout, one sheet per
table: title row, its unit row (单位：万元 or 单位：元, as the table prints it), header rows with merged cells,
then the rows as printed (two-sided tables side by side, performance tables as forms), laid out by the
table's kind. `import` reads such a workbook back.

Only what the published tables print is written: row numbers, derived columns (function_code, operator,
quarterly shares, derived_from) and the dataset's own resources (codes, errata, translations, narrative
figures) are not, since `import` derives or leaves them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from ..catalogue import Catalogue, Part, TableKind
from ..model import Budget, Resource, Table, Value
from .layout import Column, columns_of
from .xlsx import CONTENTS

Cell = str | Decimal | None


class Sheet:
    """Rows of cells and merged ranges, written to xlsxwriter at the end; amounts in the table's unit."""

    def __init__(self, unit: str, places: int):
        self.unit = unit
        self.places = places
        self.rows: list[list[Cell]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.header_rows: set[int] = set()

    def add(self, cells: Iterable[Cell], header: bool = False) -> int:
        self.rows.append(list(cells))
        if header:
            self.header_rows.add(len(self.rows) - 1)
        return len(self.rows) - 1

    @staticmethod
    def money(value: Value) -> Cell:
        return None if value is None or value == "" else Decimal(str(value))


def text(value: Value) -> str:
    return "" if value is None else str(value)


def leaf(header: str) -> list[str]:
    return [p for p in header.removeprefix("*/").split("/") if p]


# --- grid tables -------------------------------------------------------------------------------------------


def grid_headers(sheet: Sheet, columns: tuple[Column, ...]) -> None:
    paths = [leaf(c.headers[0]) for c in columns]
    two = any(len(p) > 1 for p in paths)
    top = sheet.add([p[0] for p in paths], header=True)
    if not two:
        return
    low = sheet.add([p[1] if len(p) > 1 else "" for p in paths], header=True)
    i = 0
    while i < len(paths):
        if len(paths[i]) == 1:
            sheet.merges.append((top, i, low, i))
            i += 1
            continue
        j = i
        while j + 1 < len(paths) and len(paths[j + 1]) > 1 and paths[j + 1][0] == paths[i][0]:
            sheet.rows[top][j + 1] = ""
            j += 1
        if j > i:
            sheet.merges.append((top, i, top, j))
        i = j + 1


def printed(part: Part, resource: Resource) -> tuple[Column, ...]:
    """The columns of the part that the table prints (its resource has them) and that carry a header."""
    return tuple(c for c in columns_of(part) if c.field in resource.field_names)


def grid(sheet: Sheet, kind: TableKind, resource: Resource) -> None:
    columns = printed(kind.parts[0], resource)
    grid_headers(sheet, columns)
    for row in resource.rows:
        sheet.add([sheet.money(row[c.field]) if resource.field(c.field).is_amount else text(row[c.field])
                   for c in columns])


def two_sided(sheet: Sheet, kind: TableKind, resource: Resource) -> None:
    """收入 and 支出 side by side: items top-aligned, the totals from the first subtotal on aligned below. The
    expenditure side carries every amount column the table prints (a fiscal overview splits it by budget)."""
    part = kind.parts[0]
    amounts = [c for c in printed(part, resource) if part.column(c.field).amount]
    income_fields, spent_fields = ["amount"], [c.field for c in amounts]
    heads = {c.field: leaf(c.headers[0])[-1] for c in amounts}
    top = sheet.add(["收入", "", "支出", *[""] * len(spent_fields)], header=True)
    sheet.merges += [(top, 0, top, 1), (top, 2, top, 2 + len(spent_fields))]
    sheet.add(["项目", heads["amount"], "项目", *(heads[f] for f in spent_fields)], header=True)
    sides = {}
    for side in ("income", "expenditure"):
        rows = [r for r in resource.rows if r["side"] == side]
        cut = next((i for i, r in enumerate(rows) if r["kind"] in ("subtotal", "total")), len(rows))
        sides[side] = (rows[:cut], rows[cut:])
    for block in (0, 1):
        income, expenditure = sides["income"][block], sides["expenditure"][block]
        for k in range(max(len(income), len(expenditure))):
            cells: list[Cell] = []
            for rows, fields in ((income, income_fields), (expenditure, spent_fields)):
                r = rows[k] if k < len(rows) else None
                cells += [text(r["label"]), *(sheet.money(r.get(f)) for f in fields)] if r else \
                    ["", *[None] * len(fields)]
            sheet.add(cells)


def economic_pairs(sheet: Sheet, resource: Resource) -> None:
    """Personnel and public expenditure side by side, each with code, name and amount."""
    sheet.add(["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"], header=True)
    halves = [[r for r in resource.rows if r["side"] == side] for side in ("personnel", "public")]
    for k in range(max(len(h) for h in halves)):
        cells: list[Cell] = []
        for half in halves:
            r = half[k] if k < len(half) else None
            cells += [text(r["code"]), text(r["name"]), sheet.money(r["amount"])] if r else ["", "", None]
        sheet.add(cells)


# --- performance tables ------------------------------------------------------------------------------------


def first(columns: tuple[Column, ...], field: str) -> str:
    return next(c.headers[0] for c in columns if c.field == field)


def part_rows(budget: Budget, table: Table, kind: TableKind, suffix: str) -> tuple[dict[str, Value], ...]:
    index = [p.suffix for p in kind.parts].index(suffix)
    return budget.resources[table.resources[index]].rows


def overall(sheet: Sheet, budget: Budget, table: Table, kind: TableKind) -> None:
    funding = part_rows(budget, table, kind, "funding")
    sheet.add(["单位名称", budget.department.zh], header=True)
    half = [first(columns_of(kind.part("funding")), f) for f in ("category", "total", "fiscal", "plan")]
    sheet.add(["预算金额", *half, *half], header=True)
    cut = (len(funding) + 1) // 2
    left, right = funding[:cut], funding[cut:]
    for k in range(len(left)):
        cells: list[Cell] = [""]
        for rows in (left, right):
            r = rows[k] if k < len(rows) else None
            cells += ([text(r["category"]), sheet.money(r["total"]), sheet.money(r["fiscal"]), text(r["plan"])]
                      if r else ["", None, None, ""])
        sheet.add(cells)
    task_columns = columns_of(kind.part("tasks"), kind.part("indicators"))
    fields = ("description", "indicator", "direction", "target", "unit", "projects", "fiscal_amount")
    sheet.add(["绩效目标", *(first(task_columns, f) for f in fields)], header=True)
    indicators = part_rows(budget, table, kind, "indicators")
    for task in part_rows(budget, table, kind, "tasks"):
        own: list[dict[str, Value] | None] = [r for r in indicators if r["task"] == task["task"]] or [None]
        for k, ind in enumerate(own):
            head = ([text(task["description"])], [text(task["projects"]), sheet.money(task["fiscal_amount"])])
            if k:
                head = ([""], ["", None])
            body = [text(ind[f]) for f in ("indicator", "direction", "target", "unit")] if ind else ["", "", "", ""]
            sheet.add(["", *head[0], *body, *head[1]])


def project(sheet: Sheet, budget: Budget, table: Table, kind: TableKind) -> None:
    p = part_rows(budget, table, kind, "project")[0]
    indicators = part_rows(budget, table, kind, "indicators")
    sheet.add(["项目名称", text(p["project_name"]), "实施期限", text(p["period"])])
    sheet.add(["实施单位", text(p["implementer"]), "主管部门", text(p["supervisor"])])
    sheet.add(["总目标", text(p["goal"])])
    sheet.add(["投入目标", "预算资金", sheet.money(p["budget"]), "其中：财政拨款数", sheet.money(p["fiscal"])])
    sheet.add(["", "资金使用范围", text(p["scope"])])
    sheet.add(["", "资金投入计划", text(p["plan"])])
    indicator_columns = columns_of(kind.part("indicators"))
    sheet.add(["绩效指标", *(first(indicator_columns, f) for f in ("level1", "level2", "level3", "target"))],
              header=True)
    before: tuple[Value, Value] = ("", "")
    for r in indicators:
        level1 = text(r["level1"]) if r["level1"] != before[0] else ""
        level2 = text(r["level2"]) if level1 or r["level2"] != before[1] else ""
        sheet.add(["", level1, level2, text(r["level3"]), text(r["target"])])
        before = (r["level1"], r["level2"])


# --- the workbook ------------------------------------------------------------------------------------------


def sheet_for(budget: Budget, table: Table, catalogue: Catalogue) -> Sheet | None:
    if not any(budget.resources[n].rows for n in table.resources):
        return None
    kind = catalogue.kind(table.kind)
    sheet = Sheet(table.unit, table.precision)
    main = budget.resources[table.resources[0]]
    if kind.layout == "two-sided":
        two_sided(sheet, kind, main)
    elif kind.layout == "economic-pairs":
        economic_pairs(sheet, main)
    elif kind.layout == "overall-performance":
        overall(sheet, budget, table, kind)
    elif kind.layout == "project-performance":
        project(sheet, budget, table, kind)
    else:
        grid(sheet, kind, main)
    return sheet


def workbook_bytes(budget: Budget, catalogue: Catalogue) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"title": budget.source_title or budget.title.zh})
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1})
    plain = book.add_format({"border": 1, "text_wrap": True})
    title_format = book.add_format({"bold": True, "font_size": 14})
    listing = book.add_worksheet(CONTENTS)  # the tables with their printed numbers, as the document lists them
    listing.write_string(0, 0, CONTENTS, title_format)
    listing.set_column(0, 0, 60)
    written = [t for t in budget.tables if any(budget.resources[n].rows for n in t.resources)]
    for r, table in enumerate(written, start=1):
        listing.write_string(r, 0, f"{table.number}{'、' if not table.number.isdigit() else '. '}{table.title.zh}")
    for table in budget.tables:
        sheet = sheet_for(budget, table, catalogue)
        if sheet is None:
            continue
        number = book.add_format({"border": 1, "num_format": "#,##0" + ("." + "0" * sheet.places if sheet.places
                                                                        else "")})
        ws = book.add_worksheet(table.id[:31])
        ws.write_string(0, 0, table.printed_title or table.title.zh, title_format)
        if table.unit:
            ws.write_string(1, 0, f"单位：{table.unit}")
        for r, cells in enumerate(sheet.rows, start=2):
            fmt = bold if r - 2 in sheet.header_rows else plain
            for c, value in enumerate(cells):
                if isinstance(value, Decimal):
                    ws.write_number(r, c, float(value), number)
                elif value:
                    ws.write_string(r, c, value, fmt)
                else:
                    ws.write_blank(r, c, None, fmt)
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_range(r1 + 2, c1, r2 + 2, c2, sheet.rows[r1][c1] or "", bold)
        ws.set_column(0, 1, 18)
        ws.set_column(2, 12, 14)
    book.close()
    return buffer.getvalue()


def export_workbook(budget: Budget, out: Path, catalogue: Catalogue) -> int:
    """Write the workbook, every table in the unit it is printed in; returns the number of sheets."""
    data = workbook_bytes(budget, catalogue)
    out.write_bytes(data)
    return sum(1 for t in budget.tables if any(budget.resources[n].rows for n in t.resources))
