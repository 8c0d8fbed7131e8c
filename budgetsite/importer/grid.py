"""Grid tables: header rows on top, one record per data row. Columns are mapped by their header path
(layout.py), never by position alone; a column no field claims, a row that is neither coded nor a total,
and a cell that is not what its column holds are reported, not guessed at.

* coded tables (t02, t03, t05, t06, t08): 科目编码, 科目名称, amounts; the 合计 row has a blank code and its
  printed label in `name`;
* row tables (t07, t09): one record per row;
* two-sided tables (t01, t04): 收入 and 支出 side by side, stored in long form (side, row, label, level,
  kind, function_code, amount).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Field
from .cells import CODE, LEVEL2_NUMBERING, CellError, amount, clean, is_data_signal, is_total, normal, strip_numbering
from .layout import NOT_CLASSES, SIDE_ROLES, SIDES, Column, TableLayout
from .model import Block, Message, Row


@dataclass(frozen=True)
class Mapping:
    """Which column holds which field, and what the header rows could not place."""

    fields: dict[str, int]
    messages: tuple[Message, ...]
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Cells:
    """Records of one resource and the problems met while reading them."""

    rows: tuple[dict[str, str], ...]
    messages: tuple[Message, ...]
    rounded: int = 0


def is_data_row(row: Row) -> bool:
    """A row only the body of a table prints: a number, code or numbered label, or a 合计 row."""
    if any(is_data_signal(c) for c in row.cells):
        return True
    first = next((i for i, c in enumerate(row.cells) if c.strip()), None)
    return first is not None and first <= 1 and is_total(row.cells[first])


def split_header(rows: tuple[Row, ...]) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
    k = next((i for i, r in enumerate(rows) if is_data_row(r)), len(rows))
    return rows[:k], rows[k:]


def width_of(rows: tuple[Row, ...]) -> int:
    return max((len(r.cells) for r in rows), default=0)


def header_paths(header: tuple[Row, ...], width: int) -> tuple[str, ...]:
    """Per column, its header cells from top to bottom joined with `/`. A label in an upper row spans the
    empty cells to its right (a merged cell), so `财政拨款` sits above 小计, 基本支出 and 项目支出."""
    grid = []
    for k, row in enumerate(header):
        cells = [normal(row.cell(i)) for i in range(width)]
        if k < len(header) - 1:  # only across the cells the row prints: a column beyond them has no group
            for i in range(1, min(width, len(row.cells))):
                cells[i] = cells[i] or cells[i - 1]
        grid.append(cells)
    return tuple("/".join(dict.fromkeys(r[i] for r in grid if r[i])) for i in range(width))


def matches(alternative: str, path: str) -> bool:
    """Whether a normalised header path is one of a column's alternatives (`*/` accepts any group)."""
    if alternative.startswith("*/"):
        leaf = normal(alternative[2:])
        return path == leaf or path.endswith("/" + leaf)
    return path == normal(alternative)


def map_columns(header: tuple[Row, ...], width: int, columns: tuple[Column, ...], origin: str) -> Mapping:
    paths = header_paths(header, width)
    line = header[-1].line if header else None
    found: dict[str, int] = {}
    messages = []
    for i, path in enumerate(paths):
        if not path:
            continue
        field = next((c.field for c in columns if any(matches(a, path) for a in c.headers)), None)
        if field is None:
            messages.append(Message(origin, line, f"column {i + 1} header '{path}' matches no column of the "
                                    "standard table: its cells were not imported", placed=False))
        elif field in found:
            messages.append(Message(origin, line, f"column {i + 1} header '{path}' repeats column "
                                    f"{found[field] + 1} ({field}): its cells were not imported", placed=False))
        else:
            found[field] = i
    return Mapping(found, tuple(messages), paths)


def missing_columns(mapping: Mapping, columns: tuple[Column, ...], origin: str, line: int | None) -> list[Message]:
    return [Message(origin, line, f"no column headed '{c.headers[0]}' ({c.field}): left blank", placed=False)
            for c in columns if c.field not in mapping.fields]


def unmapped_cells(rows: tuple[Row, ...], mapping: Mapping, origin: str) -> list[Message]:
    used = set(mapping.fields.values())
    out = []
    for r in rows:
        for i, c in enumerate(r.cells):
            if c.strip() and i not in used:
                path = mapping.paths[i] if i < len(mapping.paths) else ""
                out.append(Message(origin, r.line, f"cell in column {i + 1} ('{path}') not imported", c,
                                   placed=False))
    return out


def read_cell(field: Field, text: str, unit: str) -> tuple[str, bool]:
    """A cell as its CSV text; raises CellError if it is not what the field holds."""
    if field.is_amount:
        return amount(text, unit)
    return clean(text), False


def record(fields: tuple[Field, ...], mapping: Mapping, row: Row, unit: str, origin: str,
           messages: list[Message]) -> tuple[dict[str, str], int]:
    out = {f.name: "" for f in fields}
    rounded = 0
    for f in fields:
        if f.name not in mapping.fields:
            continue
        try:
            out[f.name], was_rounded = read_cell(f, row.cell(mapping.fields[f.name]), unit)
            rounded += was_rounded
        except CellError as exc:
            messages.append(Message(origin, row.line, f"column {f.name}: {exc}: left blank", row.text, placed=False))
    return out, rounded


def parse_records(block: Block, layout: TableLayout, fields: tuple[Field, ...], unit: str,
                  accept: Callable[[dict[str, str]], str]) -> Cells:
    """One record per data row; `accept` returns "" for a good record or why it cannot be placed."""
    header, data = split_header(block.rows)
    width = width_of(block.rows)
    mapping = map_columns(header, width, layout.columns, block.origin)
    messages = list(mapping.messages)
    messages += missing_columns(mapping, layout.columns, block.origin, header[-1].line if header else block.start)
    messages += unmapped_cells(data, mapping, block.origin)
    rows: list[dict[str, str]] = []
    rounded = 0
    for r in data:
        if r.blank:
            continue
        rec, n = record(fields, mapping, r, unit, block.origin, messages)
        move_total_label(rec, layout)
        problem = accept(rec)
        if problem:
            messages.append(Message(block.origin, r.line, f"row not placed: {problem}", r.text, placed=False))
            continue
        if "row" in rec:
            rec["row"] = str(len(rows) + 1)
        rec["_line"] = str(r.line)
        rows.append(rec)
        rounded += n
    return Cells(tuple(rows), tuple(messages), rounded)


def move_total_label(rec: dict[str, str], layout: TableLayout) -> None:
    """A 合计 printed in the code column belongs in the label column (the code of a total row is blank)."""
    code, label = layout.code_field, layout.label_field
    if code and rec.get(code) and is_total(rec[code]) and not rec.get(label):
        rec[label], rec[code] = rec[code], ""


def coded_problem(layout: TableLayout) -> Callable[[dict[str, str]], str]:
    def check(rec: dict[str, str]) -> str:
        code, name = rec.get(layout.code_field, ""), rec.get(layout.label_field, "")
        if code and not CODE.fullmatch(code):
            return f"'{code}' is not a classification code (3, 5 or 7 digits)"
        if not code and not is_total(name):
            return "no code, and not a 合计 row"
        return ""

    return check


def rows_problem(rec: dict[str, str]) -> str:
    return "" if any(v for k, v in rec.items() if k != "row") else "blank row"


# --- two-sided tables --------------------------------------------------------------------------------------


def side_columns(paths: tuple[str, ...]) -> dict[tuple[str, str], int]:
    """(side, role) -> column, from header paths such as 收入/项目 and 支出/预算数."""
    out: dict[tuple[str, str], int] = {}
    for i, path in enumerate(paths):
        parts = path.split("/")
        side = next((SIDES[p] for p in parts if p in SIDES), None)
        leaf = parts[-1]
        for word in SIDES:
            if side is None and leaf.startswith(word) and leaf[len(word):] in SIDE_ROLES:
                side, leaf = SIDES[word], leaf[len(word):]
        if side and leaf in SIDE_ROLES:
            out.setdefault((side, SIDE_ROLES[leaf]), i)
    return out


def level_of(label: str) -> str:
    return "2" if LEVEL2_NUMBERING.match(label) else "1"


def kind_of(label: str) -> str:
    text = normal(label)
    return "total" if "总计" in text else "subtotal" if "合计" in text else "item"


def mark_headings(rows: list[dict[str, str]]) -> None:
    """A level-1 row without an amount whose next row is level 2 heads that group."""
    for rec, nxt in zip(rows, rows[1:], strict=False):
        if rec["kind"] == "item" and rec["level"] == "1" and not rec["amount"] and nxt["level"] == "2":
            rec["kind"] = "heading"


def function_code(label: str, classes: dict[str, str]) -> str | None:
    """The class code of an expenditure line by its printed name; "" for lines that are no class."""
    name = normal(strip_numbering(label))
    if any(re.fullmatch(p, name) for p in NOT_CLASSES):
        return ""
    return classes.get(name)


def side_rows(data: tuple[Row, ...], where: dict[tuple[str, str], int], side: str, unit: str, origin: str,
              messages: list[Message]) -> list[dict[str, str]]:
    """One side's lines in printed order: label, level and kind from the label, the amount as printed."""
    out: list[dict[str, str]] = []
    for r in data:
        label = clean(r.cell(where.get((side, "label"), -1)))
        text = r.cell(where.get((side, "amount"), -1))
        if not label:
            if text.strip():
                messages.append(Message(origin, r.line, f"{side} amount without a label, not imported", r.text,
                                        placed=False))
            continue
        try:
            value, _ = amount(text, unit)
        except CellError as exc:
            messages.append(Message(origin, r.line, f"{side} amount: {exc}: left blank", r.text, placed=False))
            value = ""
        out.append({"side": side, "row": str(len(out) + 1), "label": label, "level": level_of(label),
                    "kind": kind_of(label), "function_code": "", "amount": value, "_line": str(r.line)})
    mark_headings(out)
    return out


def add_function_codes(rows: list[dict[str, str]], classes: dict[str, str], codelist: str, origin: str,
                       messages: list[Message]) -> None:
    """The class code of each expenditure item, matched by its printed name (it is not printed itself)."""
    for rec in rows:
        if rec["side"] == "expenditure" and rec["kind"] == "item":
            code = function_code(rec["label"], classes)
            if code is None:
                name = strip_numbering(rec["label"])
                messages.append(Message(origin, int(rec["_line"]), f"no function class named '{name}' in "
                                        f"{codelist}: function_code left blank", rec["label"], placed=False))
            rec["function_code"] = code or ""


def parse_two_sided(block: Block, fields: tuple[Field, ...], unit: str, classes: dict[str, str],
                    codelist: str) -> Cells:
    header, data = split_header(block.rows)
    paths = header_paths(header, width_of(block.rows))
    where = side_columns(paths)
    messages = [Message(block.origin, header[-1].line if header else block.start,
                        f"no {side} {role} column found in the header", placed=False)
                for side in SIDES.values() for role in ("label", "amount") if (side, role) not in where]
    rows = [rec for side in SIDES.values() for rec in side_rows(data, where, side, unit, block.origin, messages)]
    add_function_codes(rows, classes, codelist, block.origin, messages)
    used = Mapping({f"{side}-{role}": i for (side, role), i in where.items()}, (), paths)
    messages += unmapped_cells(data, used, block.origin)
    names = [f.name for f in fields] + ["_line"]
    return Cells(tuple({n: rec.get(n, "") for n in names} for rec in rows), tuple(messages))
