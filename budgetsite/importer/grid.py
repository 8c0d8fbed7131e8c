"""Grid tables: header rows on top, one record per data row. Columns are mapped by their header path to the
columns of the table's kind (catalogue), never by position alone; a column no field claims, a row that is
neither coded nor a total, and a cell that is not what its column holds are reported, not guessed at.

* coded tables: 科目编码 (printed in one column, or split over 类 | 款 | 项), 科目名称, amounts; the 合计 row has
  a blank code and its printed label in `name`;
* row tables: one record per row;
* two-sided tables: 收入 and 支出 side by side, stored in long form (side, row, label, level, kind,
  function_code, amount and, on a fiscal overview, the budgets the amount is split into);
* economic pairs: two column groups side by side (人员经费 | 公用经费), each with code, name and amount, stored
  in long form (side, row, code, name, amount).

Only the columns a table prints are kept (`Cells.columns`): a kind lists every column any template prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..catalogue import Part
from .cells import CODE, CellError, amount, clean, is_data_signal, is_total, normal, strip_numbering
from .layout import NOT_CLASSES, SIDE_ROLES, SIDES, Column, columns_of
from .model import Block, Message, Row

SPLIT_CODE = re.compile(r"\d{2,3}")  # one segment of a code printed in 类 | 款 | 项 columns


@dataclass(frozen=True)
class Mapping:
    """Which column holds which field, and what the header rows could not place."""

    fields: dict[str, int]
    messages: tuple[Message, ...]
    paths: tuple[str, ...]
    code_columns: tuple[int, ...] = ()  # a code printed in split columns (类, 款, 项), in that order


@dataclass(frozen=True)
class Cells:
    """Records of one resource, the columns the table prints, and the problems met while reading them."""

    rows: tuple[dict[str, str], ...]
    messages: tuple[Message, ...]
    columns: tuple[str, ...] = ()
    places: tuple[int, ...] = ()  # decimal places of every amount read


def is_data_row(row: Row) -> bool:
    """A row only the body of a table prints: a number, code or numbered label, or a 合计 row (whose other
    cells hold figures or nothing: a 合计 beside header words is a header row)."""
    if any(is_data_signal(c) for c in row.cells):
        return True
    first = next((i for i, c in enumerate(row.cells) if c.strip()), None)
    return (first is not None and first <= 1 and is_total(row.cells[first])
            and not any(c.strip() for c in row.cells[first + 1:]))


def split_header(rows: tuple[Row, ...]) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
    """(header rows, body rows): the body starts at the first row with a figure, a code or a numbered label,
    or at a 合计 row below which only body rows follow (a 合计 over 小计 | 购置费 | 运行费 is a header)."""
    for i, r in enumerate(rows):
        if is_code_levels(r):
            continue
        if any(is_data_signal(c) for c in r.cells) or (
                is_data_row(r) and all(b.blank or is_data_row(b) for b in rows[i + 1:])):
            return tuple(h for h in rows[:i] if not h.blank), rows[i:]  # blank rows (or 无) name no column
    return tuple(h for h in rows if not h.blank), ()


def is_code_levels(row: Row) -> bool:
    """The header row naming the columns a code is split into: 类 | 款 | 项."""
    cells = [normal(c) for c in row.cells if c.strip()]
    return bool(cells) and all(c in ("类", "款", "项") for c in cells)


def width_of(rows: tuple[Row, ...]) -> int:
    return max((len(r.cells) for r in rows), default=0)


def header_paths(header: tuple[Row, ...], width: int) -> tuple[str, ...]:
    """Per column, its header cells from top to bottom joined with `/`. Where the extent of merged cells is
    not known, a label in an upper row spans the empty cells to its right, so `财政拨款` sits above 小计,
    基本支出 and 项目支出."""
    grid = []
    for k, row in enumerate(header):
        if k and any(is_total(c) for c in row.cells[:2]):  # the 合计 row's label in a row of sub-headers
            row = Row(row.line, tuple("" if i < 2 and is_total(c) else c for i, c in enumerate(row.cells)),
                      row.text, row.page, tuple("" if i < 2 and is_total(c) else c for i, c in enumerate(row.covered)))
        if row.covered:  # the merged cells' extent is known (a PDF's ruled table): no guessing at spans
            grid.append([normal(row.covered[i]) if i < len(row.covered) else "" for i in range(width)])
            continue
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


def code_levels(paths: tuple[str, ...]) -> tuple[int, ...]:
    """Columns whose header ends in 类, 款 or 项: a code printed in split columns."""
    return tuple(i for i, p in enumerate(paths) if p.rsplit("/", 1)[-1] in ("类", "款", "项"))


def map_columns(header: tuple[Row, ...], width: int, columns: tuple[Column, ...], origin: str) -> Mapping:
    paths = header_paths(header, width)
    line = header[-1].line if header else None
    page = header[-1].page if header else None
    split = code_levels(paths) if any(c.field == "code" for c in columns) else ()
    found: dict[str, int] = {}
    messages = []
    for i, path in enumerate(paths):
        if not path or i in split:
            continue
        field = next((c.field for c in columns if any(matches(a, path) for a in c.headers)), None)
        if field is None:
            messages.append(Message(origin, line, page=page,
                                    message=f"column {i + 1} header '{path}' matches no column of this kind of "
                                    "table: its cells were not imported", placed=False))
        elif field in found:
            messages.append(Message(origin, line, page=page,
                                    message=f"column {i + 1} header '{path}' repeats column "
                                    f"{found[field] + 1} ({field}): its cells were not imported", placed=False))
        else:
            found[field] = i
    if len(split) >= 2:
        found["code"] = split[0]
    return Mapping(found, tuple(messages), paths, split if len(split) >= 2 else ())


def unmapped_cells(rows: tuple[Row, ...], mapping: Mapping, origin: str) -> list[Message]:
    used = set(mapping.fields.values()) | set(mapping.code_columns)
    out = []
    for r in rows:
        for i, c in enumerate(r.cells):
            if c.strip() and i not in used:
                path = mapping.paths[i] if i < len(mapping.paths) else ""
                out.append(Message(origin, r.line, f"cell in column {i + 1} ('{path}') not imported", c,
                                   placed=False, page=r.page))
    return out


def joined_code(row: Row, columns: tuple[int, ...]) -> str:
    """A code printed over 类 | 款 | 项 columns (`201 | 03 | 02`) as one code (`2010302`); "" if none. A segment
    that is not digits is kept as printed, so that the code check reports it."""
    parts = [row.cell(i).strip() for i in columns]
    while parts and not parts[-1]:
        parts.pop()
    if parts and "" in parts:
        return " ".join(p or "_" for p in parts)  # a gap: kept as printed (`201 _ 01`), reported by the check
    return "".join(parts) if all(SPLIT_CODE.fullmatch(p) for p in parts) else " ".join(parts)


def record(part: Part, mapping: Mapping, row: Row, origin: str, messages: list[Message],
           places: list[int]) -> dict[str, str]:
    out = {c.name: "" for c in part.columns}
    for c in part.columns:
        if c.name not in mapping.fields:
            continue
        text = joined_code(row, mapping.code_columns) if c.name == "code" and mapping.code_columns else \
            row.cell(mapping.fields[c.name])
        try:
            if c.amount:
                out[c.name], n = amount(text)
                places += [n] if n is not None else []
            else:
                out[c.name] = clean(text)
        except CellError as exc:
            messages.append(Message(origin, row.line, f"column {c.name}: {exc}: left blank", row.text, placed=False,
                                    page=row.page))
    return out


def printed_columns(part: Part, mapping: Mapping, always: tuple[str, ...]) -> tuple[str, ...]:
    """The part's columns the table prints (or that every table of the kind has, e.g. row), in the kind's order."""
    return tuple(c.name for c in part.columns if c.name in mapping.fields or c.name in always)


def parse_records(block: Block, part: Part, accept: Callable[[dict[str, str]], str], code_field: str,
                  label_field: str) -> Cells:
    """One record per data row; `accept` returns "" for a good record or why it cannot be placed."""
    header, data = split_header(block.rows)
    width = width_of(block.rows)
    mapping = map_columns(header, width, columns_of(part), block.origin)
    messages = list(mapping.messages)
    messages += unmapped_cells(data, mapping, block.origin)
    rows: list[dict[str, str]] = []
    places: list[int] = []
    for r in data:
        if r.blank:
            continue
        rec = record(part, mapping, r, block.origin, messages, places)
        move_total_label(rec, code_field, label_field)
        problem = accept(rec)
        if problem:
            messages.append(Message(block.origin, r.line, f"row not placed: {problem}", r.text, placed=False,
                                    page=r.page))
            continue
        if "row" in rec:
            rec["row"] = str(len(rows) + 1)
        rec["_line"], rec["_page"] = str(r.line), str(r.page or "")
        rows.append(rec)
    always = tuple(n for n in ("row", code_field, label_field) if n)
    return Cells(tuple(rows), tuple(messages), printed_columns(part, mapping, always), tuple(places))


def move_total_label(rec: dict[str, str], code: str, label: str) -> None:
    """A 合计 printed in the code column belongs in the label column (the code of a total row is blank)."""
    if code and rec.get(code) and is_total(rec[code]) and not rec.get(label):
        rec[label], rec[code] = rec[code], ""


def coded_problem(code_field: str, label_field: str) -> Callable[[dict[str, str]], str]:
    def check(rec: dict[str, str]) -> str:
        code, name = rec.get(code_field, ""), rec.get(label_field, "")
        if code and not CODE.fullmatch(code):
            return f"'{code}' is not a classification code (3, 5 or 7 digits)"
        if not code and not is_total(name):
            return "no code, and not a 合计 row"
        return ""

    return check


def rows_problem(rec: dict[str, str]) -> str:
    return "" if any(v for k, v in rec.items() if k != "row") else "blank row"


# --- two-sided tables --------------------------------------------------------------------------------------


def side_columns(paths: tuple[str, ...], amounts: tuple[Column, ...]) -> dict[tuple[str, str], int]:
    """(side, role) -> column, from header paths such as 收入/项目, 支出/预算数 or 财政拨款支出/一般公共预算.
    The role of a column is `label` or the amount column of the kind its header names."""
    out: dict[tuple[str, str], int] = {}
    for i, path in enumerate(paths):
        parts = path.split("/")
        at = next((k for k, p in enumerate(parts) for w in SIDES if p == w or p.endswith(w)), None)
        side = next((SIDES[w] for w in SIDES if at is not None and parts[at].endswith(w)), None)
        leaf = parts[-1]
        rest = "/".join(parts[at + 1:]) if at is not None else ""
        for word in SIDES:
            if side is None and leaf.startswith(word) and leaf[len(word):]:
                side, leaf, rest = SIDES[word], leaf[len(word):], leaf[len(word):]
        if side is None:
            continue
        role = SIDE_ROLES.get(rest) or SIDE_ROLES.get(leaf) if "/" not in rest else None
        role = role or next((c.field for c in amounts if any(matches(a, rest) for a in c.headers)), None)
        if role:
            out.setdefault((side, role), i)
    return out


NUMBERING_STYLES = (re.compile(r"^\s*[一二三四五六七八九十]+、"), re.compile(r"^\s*[(（][一二三四五六七八九十]+[)）]"),
                    re.compile(r"^\s*\d+\s*[.．、](?!\d)"), re.compile(r"^\s*[(（]\d+[)）]"))


def numbering_style(label: str) -> int | None:
    return next((i for i, p in enumerate(NUMBERING_STYLES) if p.match(label)), None)


def levels(labels: list[str]) -> list[str]:
    """Each line's level by its numbering: the first style a side prints (一、) is level 1, the next style
    seen under it (（一） or 1.) level 2; an unnumbered line (合计, 总计) is level 1."""
    order: list[int] = []
    out = []
    for label in labels:
        style = numbering_style(label)
        if style is None:
            out.append("1")
            continue
        if style not in order:
            order.append(style)
        out.append("2" if order.index(style) else "1")
    return out


def kind_of(label: str) -> str:
    text = normal(label)
    return "total" if "总计" in text else "subtotal" if "合计" in text else "item"


def mark_groups(rows: list[dict[str, str]], amount_fields: tuple[str, ...]) -> None:
    """A level-1 row whose next row is level 2 heads them: a heading without an amount, a group with one."""
    for rec, nxt in zip(rows, rows[1:], strict=False):
        if rec["kind"] == "item" and rec["level"] == "1" and nxt["level"] == "2":
            rec["kind"] = "group" if any(rec.get(f) for f in amount_fields) else "heading"


def function_code(label: str, classes: dict[str, str]) -> str | None:
    """The class code of an expenditure line by its printed name; "" for lines that are no class."""
    name = normal(strip_numbering(label))
    if any(re.fullmatch(p, name) for p in NOT_CLASSES):
        return ""
    return classes.get(name)


def side_rows(data: tuple[Row, ...], where: dict[tuple[str, str], int], side: str, fields: tuple[str, ...],
              origin: str, messages: list[Message], places: list[int]) -> list[dict[str, str]]:
    """One side's lines in printed order: label, level and kind from the label, the amounts as printed."""
    out: list[dict[str, str]] = []
    for r in data:
        label = clean(r.cell(where.get((side, "label"), -1)))
        texts = {f: r.cell(where[(side, f)]) for f in fields if (side, f) in where}
        if not label:
            if any(t.strip() for t in texts.values()):
                messages.append(Message(origin, r.line, f"{side} amount without a label, not imported", r.text,
                                        placed=False, page=r.page))
            continue
        rec = {"side": side, "row": str(len(out) + 1), "label": label, "level": "1",
               "kind": kind_of(label), "function_code": "", "_line": str(r.line),
               "_page": str(r.page or "")}
        for f in fields:
            try:
                rec[f], n = amount(texts.get(f, ""))
                places += [n] if n is not None else []
            except CellError as exc:
                messages.append(Message(origin, r.line, f"{side} {f}: {exc}: left blank", r.text, placed=False,
                                        page=r.page))
                rec[f] = ""
        out.append(rec)
    for rec, level in zip(out, levels([r["label"] for r in out]), strict=True):
        rec["level"] = level
    mark_groups(out, fields)
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
                                        f"{codelist}: function_code left blank", rec["label"], placed=False,
                                        page=int(rec["_page"]) if rec["_page"] else None))
            rec["function_code"] = code or ""


def parse_two_sided(block: Block, part: Part, classes: dict[str, str], codelist: str) -> Cells:
    header, data = split_header(block.rows)
    paths = header_paths(header, width_of(block.rows))
    amounts = tuple(c for c in columns_of(part) if part.column(c.field).amount)
    where = side_columns(paths, amounts)
    messages = [Message(block.origin, header[-1].line if header else block.title_line,
                        f"no {side} {role} column found in the header", placed=False,
                        page=header[-1].page if header else block.first_page)
                for side in SIDES.values() for role in ("label", "amount") if (side, role) not in where]
    fields = tuple(c.name for c in part.columns if c.amount and any((s, c.name) in where for s in SIDES.values()))
    places: list[int] = []
    rows = [rec for side in SIDES.values()
            for rec in side_rows(data, where, side, fields, block.origin, messages, places)]
    add_function_codes(rows, classes, codelist, block.origin, messages)
    used = Mapping({f"{side}-{role}": i for (side, role), i in where.items()}, (), paths)
    messages += unmapped_cells(data, used, block.origin)
    names = tuple(c.name for c in part.columns if not c.amount or c.name in fields)
    return Cells(tuple({n: rec.get(n, "") for n in (*names, "_line", "_page")} for rec in rows), tuple(messages), names,
                 tuple(places))


# --- economic pairs -----------------------------------------------------------------------------------------


PAIR_SIDES = {"人员经费": "personnel", "公用经费": "public"}


def parse_economic_pairs(block: Block, part: Part) -> Cells:
    """Two groups of code | name | amount side by side; rows by code, each group's 合计 row by its label
    (人员经费合计 / 公用经费合计, printed under its own group)."""
    header, data = split_header(block.rows)
    width = width_of(block.rows)
    paths = header_paths(header, width)
    groups = [i for i, p in enumerate(paths) if p.endswith(("科目编码", "编码"))]
    messages: list[Message] = []
    if len(groups) != 2:
        messages.append(Message(block.origin, block.title_line, f"expected two code columns side by side, found "
                                f"{len(groups)}: the table was not imported", block.title, placed=False,
                                page=block.first_page))
        return Cells((), tuple(messages))
    spans = [(groups[0], groups[1]), (groups[1], width)]
    rows: dict[str, list[dict[str, str]]] = {"personnel": [], "public": []}
    places: list[int] = []
    for r in data:
        for k, (start, end) in enumerate(spans):
            cells = [c.strip() for c in r.cells[start:end]]
            filled = [c for c in cells if c]
            if not filled:
                continue
            side = "personnel" if k == 0 else "public"
            code, name, value = pair_cells(filled)
            label = normal(name)
            for word, named in PAIR_SIDES.items():
                if label.startswith(word):
                    side = named
            if code and not CODE.fullmatch(code):
                messages.append(Message(block.origin, r.line, f"'{code}' is not an economic code", r.text,
                                        placed=False, page=r.page))
                continue
            if not code and not is_total(label.removeprefix("人员经费").removeprefix("公用经费")):
                messages.append(Message(block.origin, r.line, "row not placed: no code, and not a 合计 row",
                                        " | ".join(filled), placed=False, page=r.page))
                continue
            try:
                stored, n = amount(value)
                places += [n] if n is not None else []
            except CellError as exc:
                messages.append(Message(block.origin, r.line, f"amount: {exc}: left blank", r.text, placed=False,
                                        page=r.page))
                stored = ""
            rows[side].append({"side": side, "row": str(len(rows[side]) + 1), "code": code, "name": name,
                               "amount": stored, "_line": str(r.line),
                               "_page": str(r.page or "")})
    out = tuple(rec for side in ("personnel", "public") for rec in rows[side])
    return Cells(out, tuple(messages), part.names, tuple(places))


def pair_cells(filled: list[str]) -> tuple[str, str, str]:
    """(code, name, amount) of one group's cells as printed: the code first where there is one, the amount
    last; a name split over two cells is joined."""
    code = filled[0] if filled and CODE.fullmatch(filled[0]) else ""
    rest = filled[1:] if code else filled
    value = rest[-1] if rest and is_data_signal(rest[-1]) and not CODE.fullmatch(rest[-1]) else ""
    name = "".join(rest[:-1] if value else rest)
    return code, name, value
