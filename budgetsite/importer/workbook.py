"""`build.py export-xlsx`: a budget's annex tables as one workbook in the published layout, one sheet per
table: title row, unit row (单位：万元 or 单位：元), header rows with merged cells, then the rows as printed
(two-sided tables side by side, performance tables as forms). `import` reads such a workbook back.

Only what the published tables print is written: row numbers, derived columns (function_code, operator,
quarterly shares, derived_from) and the dataset's own resources (codes, errata, translations, narrative
figures) are not, since `import` derives or leaves them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from ..model import Budget, Resource, Table, Value
from .layout import BY_ID, FUNDING_COLUMNS, INDICATOR_COLUMNS, TASK_COLUMNS, Column, TableLayout

Cell = str | Decimal | None
YUAN = Decimal(10000)


class Sheet:
    """Rows of cells and merged ranges, written to xlsxwriter at the end."""

    def __init__(self, unit: str):
        self.unit = unit
        self.rows: list[list[Cell]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.header_rows: set[int] = set()

    def add(self, cells: Iterable[Cell], header: bool = False) -> int:
        self.rows.append(list(cells))
        if header:
            self.header_rows.add(len(self.rows) - 1)
        return len(self.rows) - 1

    def money(self, value: Value) -> Cell:
        if value is None or value == "":
            return None
        d = Decimal(str(value))
        return d * YUAN if self.unit == "元" else d


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


def grid(sheet: Sheet, layout: TableLayout, resource: Resource) -> None:
    grid_headers(sheet, layout.columns)
    for row in resource.rows:
        sheet.add([sheet.money(row[c.field]) if resource.field(c.field).is_amount else text(row[c.field])
                   for c in layout.columns])


def two_sided(sheet: Sheet, resource: Resource) -> None:
    """收入 and 支出 side by side: items top-aligned, the totals from the first subtotal on aligned below."""
    top = sheet.add(["收入", "", "支出", ""], header=True)
    sheet.merges += [(top, 0, top, 1), (top, 2, top, 3)]
    sheet.add(["项目", "预算数", "项目", "预算数"], header=True)
    sides = {}
    for side in ("income", "expenditure"):
        rows = [r for r in resource.rows if r["side"] == side]
        cut = next((i for i, r in enumerate(rows) if r["kind"] in ("subtotal", "total")), len(rows))
        sides[side] = (rows[:cut], rows[cut:])
    for part in (0, 1):
        income, expenditure = sides["income"][part], sides["expenditure"][part]
        for k in range(max(len(income), len(expenditure))):
            cells: list[Cell] = []
            for rows in (income, expenditure):
                r = rows[k] if k < len(rows) else None
                cells += [text(r["label"]), sheet.money(r["amount"])] if r else ["", None]
            sheet.add(cells)


# --- performance tables ------------------------------------------------------------------------------------


def first(columns: tuple[Column, ...], field: str) -> str:
    return next(c.headers[0] for c in columns if c.field == field)


def overall(sheet: Sheet, budget: Budget) -> None:
    funding = budget.resources["t10-funding"].rows
    sheet.add(["单位名称", budget.department.zh], header=True)
    half = [first(FUNDING_COLUMNS, f) for f in ("category", "total", "fiscal", "plan")]
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
    fields = ("description", "indicator", "direction", "target", "unit", "projects", "fiscal_amount")
    sheet.add(["绩效目标", *(first(TASK_COLUMNS, f) for f in fields)], header=True)
    indicators = budget.resources["t10-indicators"].rows
    for task in budget.resources["t10-tasks"].rows:
        own: list[dict[str, Value] | None] = [r for r in indicators if r["task"] == task["task"]] or [None]
        for k, ind in enumerate(own):
            head = ([text(task["description"])], [text(task["projects"]), sheet.money(task["fiscal_amount"])])
            if k:
                head = ([""], ["", None])
            body = [text(ind[f]) for f in ("indicator", "direction", "target", "unit")] if ind else ["", "", "", ""]
            sheet.add(["", *head[0], *body, *head[1]])


def project(sheet: Sheet, budget: Budget, table: Table) -> None:
    p = budget.resources[table.resources[0]].rows[0]
    indicators = budget.resources[table.resources[1]].rows
    sheet.add(["项目名称", text(p["project"]), "实施期限", text(p["period"])])
    sheet.add(["实施单位", text(p["implementer"]), "主管部门", text(p["supervisor"])])
    sheet.add(["总目标", text(p["goal"])])
    sheet.add(["投入目标", "预算资金", sheet.money(p["budget"]), "其中：财政拨款数", sheet.money(p["fiscal"])])
    sheet.add(["", "资金使用范围", text(p["scope"])])
    sheet.add(["", "资金投入计划", text(p["plan"])])
    sheet.add(["绩效指标", *(first(INDICATOR_COLUMNS, f) for f in ("level1", "level2", "level3", "target"))],
              header=True)
    before: tuple[Value, Value] = ("", "")
    for r in indicators:
        level1 = text(r["level1"]) if r["level1"] != before[0] else ""
        level2 = text(r["level2"]) if level1 or r["level2"] != before[1] else ""
        sheet.add(["", level1, level2, text(r["level3"]), text(r["target"])])
        before = (r["level1"], r["level2"])


# --- the workbook ------------------------------------------------------------------------------------------


def sheet_for(budget: Budget, table: Table, unit: str) -> Sheet | None:
    if not any(budget.resources[n].rows for n in table.resources):
        return None
    sheet = Sheet(unit)
    layout = BY_ID.get(table.id) or BY_ID["t11"]
    if layout.parser == "two-sided":
        two_sided(sheet, budget.resources[table.resources[0]])
    elif layout.parser == "overall-performance":
        overall(sheet, budget)
    elif layout.parser == "project-performance":
        project(sheet, budget, table)
    else:
        grid(sheet, layout, budget.resources[table.resources[0]])
    return sheet


def workbook_bytes(budget: Budget, unit: str = "万元") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"title": budget.source_title or budget.title.zh})
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1})
    plain = book.add_format({"border": 1, "text_wrap": True})
    number = book.add_format({"border": 1, "num_format": "#,##0.00"})
    title_format = book.add_format({"bold": True, "font_size": 14})
    for table in budget.tables:
        sheet = sheet_for(budget, table, unit)
        if sheet is None:
            continue
        ws = book.add_worksheet(table.id[:31])
        ws.write_string(0, 0, table.printed_title or table.title.zh, title_format)
        ws.write_string(1, 0, f"单位：{unit}")
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


def export_workbook(budget: Budget, out: Path, unit: str = "万元") -> int:
    """Write the workbook; returns the number of sheets."""
    data = workbook_bytes(budget, unit)
    out.write_bytes(data)
    return sum(1 for t in budget.tables if any(budget.resources[n].rows for n in t.resources))
