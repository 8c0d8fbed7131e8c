"""The performance-target tables, printed as forms rather than grids.

* department-wide targets (部门整体支出绩效目标表): a funding block (支出结构, 资金总额, 其中：财政资金, 投入计划,
  printed as two half-width columns side by side) and a task block (年度工作任务 with its 绩效指标, 涉及项目
  and 涉及财政资金);
* project targets (one table per project, e.g. 信息化专项资金项目绩效目标表): labelled cells (项目名称, 实施期限,
  预算资金 …) and an indicator grid (一级指标, 二级指标, 三级指标, 目标值).

The column headers come from the catalogue's parts of those kinds.

Text extraction loses the empty merged cells at the start of some rows (`报纸刊登版数\\t\\t大于等于…`). Such a
row is put back in place only where its own cells say where it belongs (a 指标方向 word, or an indicator
level of the standard framework), and each realignment is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalogue import TableKind
from .cells import CellError, amount, clean, is_amount, is_total, normal, plain_number, suffixed_amount
from .grid import matches
from .layout import (
    DIRECTIONS,
    FORM_IGNORED,
    FUNDING_SECTION,
    LEVEL1,
    LEVEL2,
    OPERATORS,
    PROJECT_FORM,
    PROJECT_SECTIONS,
    TASK_SECTION,
    Column,
    columns_of,
)
from .model import Block, Message, Row

QUARTER = re.compile(r"第([一二三四])季度\s*[:：]?\s*(\d+(?:\.\d+)?)\s*%")
QUARTERS = {"一": "q1", "二": "q2", "三": "q3", "四": "q4"}
TARGET = re.compile(r"(≥|>=|＞=|≤|<=|＜=|>|＞|<|＜|=|＝)?\s*(\d+(?:\.\d+)?)\s*(.*)")
PROJECT_AMOUNT = re.compile(r"(.+?)(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|元)[。.]?")
LIST_SEPARATORS = re.compile(r"[,，、;；]\s*")


@dataclass(frozen=True)
class FormResult:
    parts: dict[str, tuple[dict[str, str], ...]]  # part suffix -> rows
    messages: tuple[Message, ...]
    places: tuple[int, ...] = ()  # decimal places of every amount read


def quarters(plan: str) -> dict[str, str]:
    """Quarterly shares stated in a spending plan (第一季度25%, ...); blank where none is stated."""
    out = dict.fromkeys(QUARTERS.values(), "")
    for numeral, pct in QUARTER.findall(plan):
        out[QUARTERS[numeral]] = plain_number(pct)
    return out


def target_parts(target: str) -> tuple[str, str, str]:
    """(operator, value, unit) of a printed target: `≥85%` -> (>=, 85, %); `逐步扩大` -> blanks."""
    m = TARGET.fullmatch(target.strip())
    if not m:
        return "", "", ""
    return OPERATORS.get(m[1] or "=", "="), plain_number(m[2]), m[3].strip()


def column_map(cells: tuple[str, ...], columns: tuple[Column, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, c in enumerate(cells):
        key = normal(c)
        field = next((col.field for col in columns if key and any(matches(a, key) for a in col.headers)), None)
        if field and field not in out:
            out[field] = i
    return out


def shifted(row: Row, by: int) -> Row:
    return Row(row.line, ("",) * by + row.cells, row.text)


# --- table 10 ----------------------------------------------------------------------------------------------


def funding_groups(header: Row, columns: tuple[Column, ...]) -> list[dict[str, int]]:
    """The funding header repeats 支出结构 … per half; one column map per half."""
    starts = [i for i, c in enumerate(header.cells) if normal(c) == "支出结构"]
    groups = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(header.cells)
        cells = tuple(c if start <= i < end else "" for i, c in enumerate(header.cells))
        groups.append(column_map(cells, columns))
    return groups


def funding_record(row: Row, group: dict[str, int], origin: str, messages: list[Message],
                   places: list[int]) -> dict[str, str] | None:
    category = clean(row.cell(group.get("category", -1)))
    values = {f: row.cell(i) for f, i in group.items()}
    if not any(v.strip() for v in values.values()):
        return None
    rec = {"category": category, "kind": "total" if is_total(category) else "item",
           "plan": clean(values.get("plan", ""))}
    for f in ("total", "fiscal"):
        try:
            rec[f], n = amount(values.get(f, ""))
            places += [n] if n is not None else []
        except CellError as exc:
            messages.append(Message(origin, row.line, f"funding {f}: {exc}: left blank", row.text, placed=False))
            rec[f] = ""
    rec.update(quarters(rec["plan"]) if rec["kind"] == "item" else dict.fromkeys(QUARTERS.values(), ""))
    if not category:
        messages.append(Message(origin, row.line, "funding figures without a 支出结构 label, not imported",
                                row.text, placed=False))
        return None
    return rec


def realign_task_row(row: Row, columns: dict[str, int], origin: str, messages: list[Message]) -> Row | None:
    """A task-block row whose first cell is no section label lost its leading merged cells."""
    first = normal(row.cell(0))
    if not first or first in TASK_SECTION:
        return row
    at = next((i for i, c in enumerate(row.cells) if normal(c) in DIRECTIONS), None)
    if at is None or "direction" not in columns or columns["direction"] < at:
        messages.append(Message(origin, row.line, "row not placed: its cells do not line up with the header",
                                row.text, placed=False))
        return None
    by = columns["direction"] - at
    messages.append(Message(origin, row.line, f"row realigned: its {by} leading merged cell(s) are missing in the "
                            "extracted text"))
    return shifted(row, by)


def task_projects(task: int, text: str, unit: str, origin: str, line: int,
                  messages: list[Message]) -> list[dict[str, str]]:
    """`项目A81.11万元, 项目B116.24万元。` -> one record per project with its amount (in the table's unit)."""
    out = []
    for part in LIST_SEPARATORS.split(text.strip().rstrip("。.")):
        if not part.strip():
            continue
        m = PROJECT_AMOUNT.fullmatch(part.strip())
        if not m:
            messages.append(Message(origin, line, "project without an amount, not split out", part,
                                    placed=False))
            continue
        if m[3] != unit:
            messages.append(Message(origin, line, f"project amount printed in {m[3]}, the table's in {unit}: not "
                                    "split out", part, placed=False))
            continue
        value, _ = amount(m[2])
        out.append({"task": str(task), "project_name": m[1].strip(), "amount": value})
    return out


def indicator_record(row: Row, columns: dict[str, int], task: int, n: int) -> dict[str, str]:
    get = {f: clean(row.cell(i)) for f, i in columns.items()}
    direction, target = get.get("direction", ""), get.get("target", "")
    operator, value, unit = target_parts(target)
    if direction:
        operator = DIRECTIONS.get(normal(direction), "")
    return {"row": str(n), "task": str(task), "indicator": get.get("indicator", ""), "direction": direction,
            "operator": operator if value else "", "target": target, "value": value,
            "unit": get.get("unit", "") or (unit if not direction else "")}


@dataclass
class Overall:
    """A department-wide target form as it is read, row by row (local to `parse_overall`)."""

    funding_columns: tuple[Column, ...]
    task_columns: tuple[Column, ...]
    section: str = ""
    groups: list[dict[str, int]] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    funding: list[list[dict[str, str]]] = field(default_factory=list)
    tasks: list[dict[str, str]] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)
    indicators: list[dict[str, str]] = field(default_factory=list)
    places: list[int] = field(default_factory=list)


def section_header(row: Row, state: Overall) -> bool:
    """A row opening the funding block or the task block sets up its columns."""
    first = normal(row.cell(0))
    if any(normal(c) == "支出结构" for c in row.cells) and (not first or first in FUNDING_SECTION):
        state.section, state.groups = "funding", funding_groups(row, state.funding_columns)
        state.funding = [[] for _ in state.groups]
        return True
    if first in TASK_SECTION or "年度工作任务" in {normal(c) for c in row.cells}:
        cells = ("",) + row.cells[1:] if first in TASK_SECTION else row.cells
        state.section, state.columns = "tasks", column_map(cells, state.task_columns)
        return True
    return False


def parse_overall(block: Block, unit: str, kind: TableKind) -> FormResult:
    messages: list[Message] = []
    state = Overall(columns_of(kind.part("funding")), columns_of(kind.part("tasks"), kind.part("indicators")))
    for row in block.rows:
        if row.blank or normal(row.cell(0)) in FORM_IGNORED or section_header(row, state):
            continue
        if state.section == "funding":
            for k, group in enumerate(state.groups):
                rec = funding_record(row, group, block.origin, messages, state.places)
                if rec:
                    state.funding[k].append(rec)
        elif state.section == "tasks":
            placed = realign_task_row(row, state.columns, block.origin, messages)
            if placed is not None:
                add_task_row(placed, state.columns, unit, block.origin, messages, state)
        else:
            messages.append(Message(block.origin, row.line, "row before any section of the form, not imported",
                                    row.text, placed=False))
    funding = tuple({"row": str(i + 1), **rec} for i, rec in enumerate(r for half in state.funding for r in half))
    return FormResult({"funding": funding, "tasks": tuple(state.tasks), "task-projects": tuple(state.projects),
                       "indicators": tuple(state.indicators)}, tuple(messages), tuple(state.places))


def add_task_row(row: Row, columns: dict[str, int], unit: str, origin: str, messages: list[Message],
                 state: Overall) -> None:
    """A row of the task block: a new task where 年度工作任务 is printed, and its indicator."""
    tasks, projects, indicators = state.tasks, state.projects, state.indicators
    description = clean(row.cell(columns.get("description", -1)))
    if description:
        listed = clean(row.cell(columns.get("projects", -1)))
        try:
            fiscal, n = amount(row.cell(columns.get("fiscal_amount", -1)))
            state.places += [n] if n is not None else []
        except CellError as exc:
            messages.append(Message(origin, row.line, f"fiscal_amount: {exc}: left blank", row.text,
                                    placed=False))
            fiscal = ""
        tasks.append({"task": str(len(tasks) + 1), "description": description, "projects": listed,
                      "fiscal_amount": fiscal})
        projects += task_projects(len(tasks), listed, unit, origin, row.line, messages) if listed else []
    elif clean(row.cell(columns.get("projects", -1))) or is_amount(row.cell(columns.get("fiscal_amount", -1))):
        messages.append(Message(origin, row.line, "projects or funds without a 年度工作任务, not imported", row.text,
                                placed=False))
    if clean(row.cell(columns.get("indicator", -1))):
        if not tasks:
            messages.append(Message(origin, row.line, "indicator before any task, not imported", row.text,
                                    placed=False))
            return
        indicators.append(indicator_record(row, columns, len(tasks), len(indicators) + 1))


# --- table 11 ----------------------------------------------------------------------------------------------


def form_values(row: Row, origin: str, messages: list[Message]) -> dict[str, str]:
    """Labelled cells: each label's value is the next non-blank cell that is no label itself."""
    out: dict[str, str] = {}
    cells = [(i, c) for i, c in enumerate(row.cells) if c.strip()]
    used: set[int] = set()
    for k, (i, c) in enumerate(cells):
        key = normal(c)
        if key in PROJECT_SECTIONS or i in used:
            continue
        if key in PROJECT_FORM:
            nxt = cells[k + 1] if k + 1 < len(cells) else None
            if nxt and normal(nxt[1]) not in PROJECT_FORM and normal(nxt[1]) not in PROJECT_SECTIONS:
                out[PROJECT_FORM[key]] = clean(nxt[1])
                used.add(nxt[0])
            continue
        messages.append(Message(origin, row.line, "cell of the project form with no label, not imported", c,
                                placed=False))
    return out


def realign_indicator(row: Row, columns: dict[str, int], origin: str, messages: list[Message]) -> Row:
    first = normal(row.cell(0))
    base = columns.get("level1", 1)
    if not first or first in PROJECT_SECTIONS or base == 0:
        return row
    by = base + (0 if first in LEVEL1 else 1 if first in LEVEL2 else 2)
    messages.append(Message(origin, row.line, f"row realigned: its {by} leading merged cell(s) are missing in the "
                            "extracted text"))
    return shifted(row, by)


def parse_project(block: Block, unit: str, kind: TableKind) -> FormResult:
    messages: list[Message] = []
    indicator_columns = columns_of(kind.part("indicators"))
    project: dict[str, str] = {}
    indicators: list[dict[str, str]] = []
    columns: dict[str, int] = {}
    carry = {"level1": "", "level2": ""}
    for row in block.rows:
        if row.blank:
            continue
        if "一级指标" in {normal(c) for c in row.cells}:
            columns = column_map(row.cells, indicator_columns)
            continue
        if not columns:
            project.update(form_values(row, block.origin, messages))
            continue
        placed = realign_indicator(row, columns, block.origin, messages)
        rec = {f: clean(placed.cell(i)) for f, i in columns.items()}
        for level in ("level1", "level2"):
            rec[level] = carry[level] = rec.get(level) or carry[level]
        if not rec.get("level3"):
            messages.append(Message(block.origin, row.line, "indicator row without a 三级指标, not imported",
                                    row.text, placed=False))
            continue
        operator, value, measure = target_parts(rec.get("target", ""))
        indicators.append({"row": str(len(indicators) + 1), "level1": rec["level1"], "level2": rec["level2"],
                           "level3": rec["level3"], "target": rec.get("target", ""), "operator": operator,
                           "value": value, "unit": measure})
    places: list[int] = []
    record = project_record(project, unit, block, messages, places)
    return FormResult({"project": (record,), "indicators": tuple(indicators)}, tuple(messages), tuple(places))


def project_record(values: dict[str, str], unit: str, block: Block, messages: list[Message],
                   places: list[int]) -> dict[str, str]:
    rec = {k: values.get(k, "") for k in ("project_name", "period", "implementer", "supervisor", "goal")}
    for f in ("budget", "fiscal"):
        try:
            rec[f], n = suffixed_amount(values.get(f, ""), unit)
            places += [n] if n is not None else []
        except CellError as exc:
            messages.append(Message(block.origin, block.title_line, f"project form {f}: {exc}: left blank",
                                    placed=False, page=block.first_page))
            rec[f] = ""
    rec["scope"], rec["plan"] = values.get("scope", ""), values.get("plan", "")
    rec.update(quarters(rec["plan"]))
    if not rec["project_name"]:
        messages.append(Message(block.origin, block.title_line, "project form without a 项目名称", block.title,
                                placed=False, page=block.first_page))
    return rec
