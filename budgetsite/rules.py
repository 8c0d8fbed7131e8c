"""The document's own accounting rules, evaluated with exact decimals.

Rules are data (see rulebook.py for which apply to a document); each `kind` below expands a rule into
identities `sum(left) == sum(right)` and judges every one the same way:

* pass: the printed figures agree exactly;
* rounding (a warning): they differ, but by no more than rounding can explain;
* fail (an error): they differ by more.

Units. Every figure stays in its printed unit (元 or 万元). An identity whose figures share a unit is
computed in it; one that mixes units is computed in 元, converting 万元 exactly (x 10,000).

Tolerance. A figure printed with d decimal places lies within half a unit of its last place of the figure
it stands for: 0.005 for 0.01 万元 (50 元), 0.5 for whole 元, 0.005 for 元 with fen. If an identity holds for
the underlying figures, its printed terms can miss by at most the sum of those halves over its printed
(non-blank) terms. Two terms printed with the same unit and precision are the same quantity printed twice
and must agree exactly (rounding one number twice gives the same result); two printed with different
precision may differ by both halves. So the tolerance is the sum of the halves when there are three or more
printed terms or their precision differs, and zero otherwise. Examples (docs/validation.md): a class of three
items in 万元 may miss by 0.005 x 4 = 0.02; three items in whole 元 by 0.5 x 4 = 2 元; a narrative figure of
4,614万元 (no decimals) against a table's 46,140,000.00 元 by 5,000.005 元.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .model import UNITS, Budget, Cell, Check, CodeList, Finding, Resource, Term, half_unit
from .refs import FORMULA, RefError, amount, as_text, parse_ref, parse_sum, resolve

CENT = Decimal("0.01")
PERCENT = "%"

Result = Check | Finding


def common_unit(terms: Iterable[Term]) -> str:
    """The unit an identity is computed in: its figures' own, or 元 where they mix 元 and 万元."""
    units = {t.unit for t in terms if t.value is not None and t.unit in UNITS}
    if len(units) == 1:
        return units.pop()
    if units:
        return "元"
    return next((t.unit for t in terms if t.unit), PERCENT)


def half(t: Term, unit: str) -> Decimal:
    if t.unit in UNITS and unit in UNITS:
        return half_unit(t.unit, t.places, unit)
    return Decimal(5).scaleb(-t.places - 1)


def tolerance(terms: Iterable[Term], unit: str) -> Decimal:
    printed = [t for t in terms if t.value is not None]
    if len(printed) < 2 or (len(printed) == 2 and len({(t.unit, t.places) for t in printed}) == 1):
        return Decimal(0)
    return sum((half(t, unit) for t in printed), Decimal(0))


def judge(rule_id: str, kind: str, left: list[Term], right: list[Term], budget: Budget) -> Check:
    unit = common_unit(left + right)
    diff = sum((t.value_in(unit) for t in left), Decimal(0)) - sum((t.value_in(unit) for t in right), Decimal(0))
    tol = tolerance(left + right, unit)
    status = "pass" if diff == 0 else "rounding" if abs(diff) <= tol else "fail"
    tables = sorted({t.id for term in left + right if term.cell
                     for t in [budget.table_of(term.cell.resource)] if t})
    return Check(rule_id, kind, tuple(left), tuple(right), diff, tol, status, unit, tuple(tables))


def printed_places(text: str) -> int:
    """Decimal places of a figure as printed ("400.4" -> 1, "2,759.64" -> 2, "237" -> 0)."""
    _, dot, decimals = text.strip().partition(".")
    return len(decimals) if dot else 0


def term(resource: Resource, row: int, field: str) -> Term:
    """A cell as a term: its value with the unit and precision it is printed in. An amount takes its table's
    unit and its own printed decimals (a table may print 15 beside 21.56); a figure of the narrative its own
    row's unit and printed decimals; any other number is a plain count."""
    f = resource.field(field)
    values = resource.rows[row]
    if f.is_amount:
        unit, places = f.unit, min(f.places, printed_places(as_text(values[field])))
    elif "unit" in values and "printed" in values:
        unit, places = as_text(values["unit"]), printed_places(as_text(values["printed"]))
    else:
        unit, places = "", 0
    return Term(Cell(resource.name, row, field), amount(values[field]), unit, places)


def all_blank(left: list[Term], right: list[Term]) -> bool:
    return all(t.value is None for t in left + right)


def describe_row(resource: Resource, index: int) -> str:
    """How a person finds the row: its position and the code/name or label it carries."""
    row = resource.rows[index]
    parts = [str(row[k]) for k in ("side", "code", "name", "label", "category", "indicator", "project", "id", "level3")
             if isinstance(row.get(k), str) and row[k]]
    pos = row.get("row", index + 1)
    return f"{pos} ({' '.join(parts)})" if parts else str(pos)


def located(budget: Budget, severity: str, rule: str, message: str, cell: Cell | None = None,
            expected: str = "", found: str = "", resource: str = "") -> Finding:
    name = cell.resource if cell else resource
    res = budget.resources.get(name)
    table = budget.table_of(name) if name else None
    return Finding(
        severity, rule, budget.slug, message,
        file=res.path if res else "",
        line=cell.row + 2 if cell else None,
        table=f"{table.id} {table.title.zh}" if table else name,
        row=describe_row(res, cell.row) if cell and res else "",
        column=cell.field if cell else "",
        expected=expected, found=found,
    )


def finding_for(check: Check, budget: Budget, what: str) -> Finding | None:
    if check.status == "pass":
        return None
    unit = "percentage points" if check.kind == "growth" else check.unit
    places = max((t.places for t in check.left + check.right if t.value is not None and t.unit == check.unit),
                 default=2)
    cell = next((t.cell for t in check.left if t.cell), None)
    first = check.left[0]
    found = fmt(check.left_sum, places) if len(check.left) > 1 or first.unit != check.unit else \
        fmt(first.value, places)
    expected = fmt(check.right_sum, places)
    if check.status == "rounding":
        printed = sum(1 for t in check.left + check.right if t.value is not None)
        message = (f"{what}: rounding gap of {fmt(abs(check.difference), places)} {unit}, within the tolerance of "
                   f"{check.tolerance.normalize():f} for {printed} printed figures")
        return located(budget, "warning", check.kind, message, cell, expected, found)
    message = f"{what}: off by {fmt(check.difference, places)} {unit} (tolerance {check.tolerance.normalize():f})"
    return located(budget, "error", check.kind, message, cell, expected, found)


def fmt(value: Decimal | int | None, places: int = 2) -> str:
    return "(blank)" if value is None else f"{Decimal(value):.{places}f}"


def emit(check: Check, budget: Budget, what: str) -> Iterator[Result]:
    yield check
    finding = finding_for(check, budget, what)
    if finding:
        yield finding


# --- rule kinds -------------------------------------------------------------------------------------------


def groups(res: Resource) -> list[list[int]]:
    """Row indices by the side they are printed on (a table printed as two column groups, e.g. personnel and
    public expenditure side by side), else all rows as one group."""
    if "side" not in res.field_names:
        return [list(range(len(res.rows)))]
    sides: dict[str, list[int]] = {}
    for i, row in enumerate(res.rows):
        sides.setdefault(as_text(row["side"]), []).append(i)
    return list(sides.values())


def codes_in(res: Resource, rows: list[int]) -> dict[str, int]:
    return {as_text(res.rows[i]["code"]): i for i in rows if res.rows[i].get("code") not in (None, "")}


def rule_hierarchy(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """Every 5- or 7-digit code needs its parent (the code minus two digits) printed above it."""
    res = budget.resources[rule["resource"]]
    for group in groups(res):
        yield from hierarchy_of(budget, res, codes_in(res, group), state)


def hierarchy_of(budget: Budget, res: Resource, codes: dict[str, int], state: dict[str, Any]) -> Iterator[Result]:
    for code, i in codes.items():
        if len(code) > 3:
            parent = code[:-2]
            if parent not in codes:
                state.setdefault("broken", set()).add(res.name)
                yield located(budget, "error", "hierarchy", f"code {code} has no parent row {parent} in this "
                              "table, so sums cannot be checked", Cell(res.name, i, "code"),
                              expected=f"a row {parent} above it", found="none")
            elif codes[parent] > i:
                state.setdefault("broken", set()).add(res.name)
                yield located(budget, "error", "hierarchy", f"code {code} is printed above its parent {parent}",
                              Cell(res.name, i, "code"))


def amount_fields(res: Resource, rule: dict[str, Any]) -> list[str]:
    return rule.get("fields") or [f.name for f in res.fields if f.is_amount]


def rule_parent_sum(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """Each 类 equals the sum of its 款, each 款 the sum of its 项; the 合计 row the sum of the 类."""
    res = budget.resources[rule["resource"]]
    if res.name in state.get("broken", set()):
        yield located(budget, "error", "parent-sum", "sums not checked because the code hierarchy is broken",
                      resource=res.name)
        return
    for group in groups(res):
        codes = codes_in(res, group)
        for i in group:
            parent = as_text(res.rows[i].get("code"))
            width = len(parent) + 2 if parent else 3
            kids = [j for c, j in codes.items() if len(c) == width and c.startswith(parent)]
            if not kids:
                continue
            names = " + ".join(as_text(res.rows[j]["code"]) for j in kids)
            for f in amount_fields(res, rule):
                left, right = [term(res, i, f)], [term(res, j, f) for j in kids]
                if not all_blank(left, right):
                    yield from emit(judge(rule["id"], "parent-sum", left, right, budget), budget,
                                    f"differs from the sum of {names}")


def rule_row_sum(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """Column identities inside each row, e.g. `total = basic + project` or `opening + revenue = spent +
    closing`; `where` limits them to some rows (the expenditure side of a two-sided table)."""
    res = budget.resources[rule["resource"]]
    where = rule.get("where", {})
    for formula in rule["formulas"]:
        m = FORMULA.fullmatch(formula)
        if not m:
            raise RefError(f"formula '{formula}' is not of the form a = b + c")
        lhs, rhs = [p.strip() for p in m[1].split("+")], [p.strip() for p in m[2].split("+")]
        for name in [*lhs, *rhs]:
            res.field(name)  # KeyError for an unknown column
        for i, row in enumerate(res.rows):
            if any(as_text(row.get(k)) != v for k, v in where.items()):
                continue
            left, right = [term(res, i, f) for f in lhs], [term(res, i, f) for f in rhs]
            if not all_blank(left, right):
                yield from emit(judge(rule["id"], "row-sum", left, right, budget), budget,
                                f"differs from {' + '.join(rhs)}")


def group_members(rows: list[tuple[int, dict[str, Any]]]) -> dict[int, list[int]]:
    """The rows under each `group` row: those that follow it at a deeper level."""
    members: dict[int, list[int]] = {}
    for k, (i, r) in enumerate(rows):
        if r["kind"] != "group":
            continue
        level = r["level"]
        members[i] = []
        for j, q in rows[k + 1:]:
            if q["level"] <= level:
                break
            members[i].append(j)
    return members


def rule_two_sided(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """A 收/支 table: each group sums the items under it, each subtotal the items above it, each total all
    items; both sides balance. Checked for every amount column the table prints (amount, and on a fiscal
    overview the budgets it is split into)."""
    res = budget.resources[rule["resource"]]
    fields = [f.name for f in res.fields if f.is_amount]
    totals = {}
    for side in ("income", "expenditure"):
        rows = [(i, r) for i, r in enumerate(res.rows) if r["side"] == side]
        members = group_members(rows)
        inside = {j for kids in members.values() for j in kids}
        for i, kids in members.items():
            yield from sum_check(budget, rule, res, fields, i, kids, f"{res.rows[i]['label']} differs from the sum "
                                 f"of the {len(kids)} rows under it")
        start = -1  # a total adds the items after the last subtotal to that subtotal
        for i, r in rows:
            if r["kind"] in ("subtotal", "total"):
                parts = [j for j, q in rows if start < j < i and q["kind"] in ("item", "group") and j not in inside]
                if r["kind"] == "total" and start >= 0:
                    parts = [start, *parts]
                yield from sum_check(budget, rule, res, fields, i, parts,
                                     f"{r['label']} differs from the sum of {len(parts)} rows above it")
                start = i if r["kind"] == "subtotal" else start
            if r["kind"] == "total":
                totals[side] = i
    if len(totals) == 2:
        left, right = [term(res, totals["income"], "amount")], [term(res, totals["expenditure"], "amount")]
        yield from emit(judge(rule["id"], "two-sided", left, right, budget), budget,
                        "income total differs from expenditure total")


def sum_check(budget: Budget, rule: dict[str, Any], res: Resource, fields: list[str], row: int, parts: list[int],
              what: str) -> Iterator[Result]:
    for f in fields:
        left, right = [term(res, row, f)], [term(res, j, f) for j in parts]
        if not all_blank(left, right):
            yield from emit(judge(rule["id"], "two-sided", left, right, budget), budget, what)


def select(budget: Budget, spec: dict[str, Any]) -> dict[str, list[Term]]:
    """Rows of one resource grouped by a key field (optionally filtered), as terms of one field."""
    res = budget.resources[spec["resource"]]
    res.field(spec["field"])
    out: dict[str, list[Term]] = {}
    for i, row in enumerate(res.rows):
        key = as_text(row[spec["key"]])
        if not key or any(as_text(row[k]) != v for k, v in spec.get("where", {}).items()):
            continue
        if "code_length" in spec and len(key) != spec["code_length"]:
            continue
        out.setdefault(key, []).append(term(res, i, spec["field"]))
    return out


def rule_lines(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """The same lines in two tables: for each code, the left figure equals the sum of the right ones."""
    left = select(budget, rule["left"])
    rights = [select(budget, spec) for spec in rule["right"]]
    keys = sorted(set(left).union(*rights))
    names = " + ".join(f"{s['resource']}.{s['field']}" for s in rule["right"])
    for key in keys:
        lt = left.get(key, [])
        rt = [t for r in rights for t in r.get(key, [])]
        if all_blank(lt, rt):
            continue
        if not lt:
            cell = rt[0].cell
            yield located(budget, "error", "lines", f"line {key} is missing from {rule['left']['resource']}",
                          cell, expected=f"a row {key} in {rule['left']['resource']}", found="none")
            continue
        yield from emit(judge(rule["id"], "lines", lt, rt, budget), budget, f"line {key} differs from {names}")


def terms_of(budget: Budget, expression: str) -> list[Term]:
    out = []
    for ref in parse_sum(expression):
        cell, _ = resolve(budget, ref)
        out.append(term(budget.resources[cell.resource], cell.row, cell.field))
    return out


def rule_equal(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """The same figure printed in several places (each side may be a sum)."""
    first, *others = rule["cells"]
    for other in others:
        left, right = terms_of(budget, first), terms_of(budget, other)
        yield from emit(judge(rule["id"], "equal", left, right, budget), budget, f"differs from {other}")


def rule_narrative(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """Each figure the narrative states equals the table cell(s) it describes."""
    res = budget.resources[rule.get("resource", "narrative-figures")]
    source_name, source = quoted_text(budget) if res.rows else ("", [])
    for i, row in enumerate(res.rows):
        line = int(row["source_line"]) if isinstance(row["source_line"], int) else 0
        quote, printed = str(row["quote"]), str(row["printed"])
        if source and not (0 < line <= len(source) and quote in source[line - 1]):
            yield located(budget, "error", "narrative", f"quote not found on line {line} of {source_name}",
                          Cell(res.name, i, "quote"), expected=quote, found=source[line - 1][:120]
                          if 0 < line <= len(source) else "(no such line)")
        if printed not in quote or as_number(printed) != row["value"]:
            yield located(budget, "error", "narrative", "the printed figure and its value disagree with the quote",
                          Cell(res.name, i, "value"), expected=printed, found=as_text(row["value"]))
        if row["ref"]:
            left, right = [term(res, i, "value")], terms_of(budget, str(row["ref"]))
            yield from emit(judge(rule["id"], "narrative", left, right, budget), budget,
                            f"the narrative's “{row['quote']}” differs from {row['ref']}")


def quoted_text(budget: Budget) -> tuple[str, list[str]]:
    """The text whose lines a narrative figure's source_line counts: narrative/zh.md where the source is a PDF
    (its narrative is read from the PDF into that file), else the source itself when it is text. An imported
    workbook is a source too, and is no text: nothing to quote from."""
    if budget.source_file.lower().endswith(".pdf"):
        return "narrative/zh.md", budget.narrative.get("zh", "").split("\n")
    if budget.source_file.lower().endswith((".txt", ".md")):
        return budget.source_file, (budget.root / budget.source_file).read_text(encoding="utf-8").split("\n")
    return "", []


def as_number(printed: str) -> Decimal | None:
    try:
        return Decimal(printed.replace(",", ""))
    except ArithmeticError:
        return None


def rule_derived(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """A reconstructed table: every figure equals the cell its `derived_from` column names."""
    res = budget.resources[rule["resource"]]
    for i, row in enumerate(res.rows):
        for assignment in str(row["derived_from"] or "").split(";"):
            if not assignment.strip():
                continue
            field, _, expression = assignment.partition("=")
            left, right = [term(res, i, field.strip())], terms_of(budget, expression.strip())
            yield from emit(judge(rule["id"], "derived", left, right, budget), budget,
                            f"reconstructed figure differs from its source {expression.strip()}")


def round_pct(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def completion_rate(final: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """final / budget in %, rounded half up to 0.01%; None without both figures or against a zero budget."""
    if final is None or not budget:
        return None
    return round_pct(final / budget * 100)


def unjudgeable(rule_id: str, kind: str, left: Term, budget: Budget, message: str) -> Iterator[Result]:
    """A stated rate that cannot be checked because its base is zero: a failing check (so that a source note can
    state it) and the error that says why."""
    assert left.cell is not None
    yield Check(rule_id, kind, (left,), (), left.value or Decimal(0), Decimal(0), "fail", PERCENT,
                tuple(t.id for t in [budget.table_of(left.cell.resource)] if t))
    yield located(budget, "error", kind, message, left.cell, found=as_text(left.value))


def rule_prior_year(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """A stated growth rate equals change / (this year - change), rounded half up to 0.01%; where the source
    states the previous year's figure itself, (this year - previous) / previous. Changes and rates are printed
    as positive figures; `direction` 减少 makes them a decrease (blank or 增加: an increase)."""
    res = budget.resources[rule.get("resource", "prior-year")]
    figures = budget.resources["narrative-figures"]
    index = {str(r["id"]): i for i, r in enumerate(figures.rows)}

    def value(ident: object) -> Decimal:
        return amount(figures.rows[index[str(ident)]]["value"]) or Decimal(0)

    for row in res.rows:
        previous = row.get("previous")
        if not row["change_pct"] or not (row["change"] or previous):
            continue
        sign = -1 if row.get("direction") == "减少" else 1
        this_year = value(row["figure"])
        if previous:
            base, change = value(previous), this_year - value(previous)
            label = f"({row['figure']} - {previous}) / {previous} x 100"
        else:
            change = sign * value(row["change"])
            base = this_year - change
            label = f"{row['change']} / ({row['figure']} - {row['change']}) x 100"
        pct_i = index[str(row["change_pct"])]
        left = [term(figures, pct_i, "value")]
        if not base:
            yield from unjudgeable(rule["id"], "growth", left[0], budget, f"growth rate of {row['figure']} cannot "
                                   "be checked: the previous-year figure it is stated against is zero")
            continue
        # the stated rate is printed as a positive figure: compare it with the computed one in its direction
        computed = sign * round_pct(change / base * 100)
        right = [Term(None, computed, PERCENT, 2, label=label)]
        yield from emit(judge(rule["id"], "growth", left, right, budget), budget,
                        f"stated growth rate differs from the rate computed from {row['figure']} and "
                        f"{previous or row['change']}")


def rule_completion(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """A final account's stated completion rate equals final / budget x 100, rounded half up to 0.01%; the
    budget is the one the sentence states the rate against (年初预算 or 全年预算)."""
    res = budget.resources[rule.get("resource", "completion")]
    figures = budget.resources["narrative-figures"]
    index = {str(r["id"]): i for i, r in enumerate(figures.rows)}
    for row in res.rows:
        if not row["rate"] or not row["budget"]:
            continue
        budget_term = term(figures, index[str(row["budget"])], "value")
        final_term = term(figures, index[str(row["final"])], "value")
        left = [term(figures, index[str(row["rate"])], "value")]
        if not budget_term.value:
            yield from unjudgeable(rule["id"], "completion", left[0], budget, f"completion rate of {row['subject']} "
                                   f"cannot be checked: the {row['basis'] or 'budget'} it is stated against "
                                   f"({row['budget']}) is zero")
            continue
        unit = common_unit([budget_term, final_term])
        computed = completion_rate(final_term.value_in(unit), budget_term.value_in(unit))
        right = [Term(None, computed, PERCENT, 2, label=f"{row['final']} / {row['budget']} x 100")]
        yield from emit(judge(rule["id"], "completion", left, right, budget), budget,
                        f"stated completion rate differs from {row['final']} / {row['budget']} ({row['basis']})")


def rule_errata(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """Each erratum's corrected value is what the data now holds, so the correction cannot drift."""
    errata = budget.resources[rule.get("resource", "errata")]
    for i, e in enumerate(errata.rows):
        target = budget.resources.get(str(e["resource"]))
        hits = [j for j, r in enumerate(target.rows) if r.get("row") == e["row"]] if target else []
        if not target or len(hits) != 1 or str(e["field"]) not in target.field_names:
            yield located(budget, "error", "errata", f"erratum {e['id']} points at no cell "
                          f"({e['resource']} row {e['row']} column {e['field']})", Cell(errata.name, i, "resource"))
            continue
        value = as_text(target.rows[hits[0]][str(e["field"])])
        if value != e["corrected"]:
            yield located(budget, "error", "errata", f"erratum {e['id']}: the data does not hold the corrected value",
                          Cell(target.name, hits[0], str(e["field"])), expected=str(e["corrected"]), found=value)


CODE_COLUMNS = ("code", "name_zh", "name_zh_source", "name_en", "name_en_status", "name_en_source")


def rule_codelist(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """The budget's code tables are copies of rows of the reference code lists."""
    codelists: dict[str, CodeList] = state["codelists"]
    for resource, listname in sorted(budget.codelists.items()):
        reference = codelists.get(listname)
        res = budget.resources.get(resource)
        if reference is None or res is None:
            yield located(budget, "error", "codelist", f"code list '{listname}' or resource '{resource}' not found",
                          resource=resource)
            continue
        known = reference.by_code()
        for i, row in enumerate(res.rows):
            ref_row = known.get(str(row["code"]))
            if ref_row is None:
                yield located(budget, "error", "codelist", f"code {row['code']} is not in the reference list "
                              f"{listname}", Cell(res.name, i, "code"))
                continue
            for col in CODE_COLUMNS[1:]:
                if as_text(row.get(col)) != as_text(ref_row.get(col)):
                    yield located(budget, "error", "codelist", f"differs from the reference list {listname}",
                                  Cell(res.name, i, col), expected=as_text(ref_row.get(col)),
                                  found=as_text(row.get(col)))


def same_name(a: str, b: str) -> bool:
    """Names that differ only in full- or half-width forms and spaces (维修（护）费, 维修(护)费) are one name."""
    def fold(s: str) -> str:
        return unicodedata.normalize("NFKC", s).replace(" ", "")
    return fold(a) == fold(b)


def rule_code_names(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """A printed 科目名称 matches the code list's name for its code (full- and half-width forms aside)."""
    res = budget.resources[rule["resource"]]
    names = {str(r["code"]): str(r["name_zh"]) for r in budget.resources[rule["codes"]].rows}
    code_field, name_field = rule.get("code_field", "code"), rule.get("name_field", "name")
    for i, row in enumerate(res.rows):
        code = as_text(row[code_field])
        if code and code in names and not same_name(as_text(row[name_field]), names[code]):
            yield located(budget, "error", "code-names", f"name printed for code {code} differs from the code list",
                          Cell(res.name, i, name_field), expected=names[code], found=as_text(row[name_field]))


KINDS: dict[str, Callable[[Budget, dict[str, Any], dict[str, Any]], Iterator[Result]]] = {
    "hierarchy": rule_hierarchy,
    "parent-sum": rule_parent_sum,
    "row-sum": rule_row_sum,
    "two-sided": rule_two_sided,
    "lines": rule_lines,
    "equal": rule_equal,
    "narrative": rule_narrative,
    "derived": rule_derived,
    "prior-year": rule_prior_year,
    "completion": rule_completion,
    "errata": rule_errata,
    "codelist": rule_codelist,
    "code-names": rule_code_names,
}
# The hierarchy must be known sound before any sum is trusted: a mis-coded 款 has no children by prefix and
# a sum check would silently skip it.
ORDER = {"hierarchy": 0}


def evaluate(budget: Budget, rules: list[dict[str, Any]], codelists: dict[str, CodeList]
             ) -> tuple[list[Check], list[Finding]]:
    checks: list[Check] = []
    findings: list[Finding] = []
    state: dict[str, Any] = {"codelists": codelists}
    for rule in sorted(rules, key=lambda r: ORDER.get(str(r.get("kind")), 1)):
        kind = KINDS.get(str(rule.get("kind")))
        origin = str(rule.get("_file", ""))
        if kind is None:
            findings.append(Finding("error", "rules", budget.slug, f"rule {rule.get('id')}: unknown kind "
                                    f"{rule.get('kind')!r}", file=origin))
            continue
        try:
            for result in kind(budget, rule, state):
                if isinstance(result, Check):
                    checks.append(result)
                else:
                    findings.append(result)
        except (RefError, KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            findings.append(Finding("error", "rules", budget.slug, f"rule {rule.get('id')} cannot be evaluated: "
                                    f"{describe_exception(exc)}", file=origin))
    return apply_source_notes(budget, checks, findings)


NOTES = "source-notes"


def apply_source_notes(budget: Budget, checks: list[Check], findings: list[Finding]
                       ) -> tuple[list[Check], list[Finding]]:
    """A failing identity that the dataset's source-notes state as a problem of the source (after a reading of
    the document: which of two printed figures is right cannot be told) is `noted`: shown with its note on
    the site, no longer an error. A note that names a cell no failing identity has is an error itself."""
    notes = budget.resources.get(NOTES)
    if notes is None:
        return checks, findings
    noted: dict[tuple[Cell, str], str] = {}
    narrative = budget.narrative.get("zh", "")
    for i, row in enumerate(notes.rows):
        quote = as_text(row.get("quote"))
        if quote and quote not in narrative:
            findings.append(located(budget, "error", "source-notes", f"note {row['id']}: its quote is not in "
                                    "narrative/zh.md (it must be the printed words, exactly)",
                                    Cell(notes.name, i, "quote"), found=quote))
        table = as_text(row.get("table"))
        if table and all(t.id != table for t in budget.tables):
            findings.append(located(budget, "error", "source-notes", f"note {row['id']}: no table {table}",
                                    Cell(notes.name, i, "table"), found=table))
        ref = as_text(row.get("cell"))
        if not ref:
            continue
        try:
            cell, _ = resolve(budget, parse_ref(ref))
        except RefError as exc:
            findings.append(located(budget, "error", "source-notes", f"note {row['id']}: {exc}",
                                    Cell(notes.name, i, "cell")))
            continue
        noted[(cell, as_text(row.get("check")))] = as_text(row["id"])
    used: set[str] = set()
    out_checks = []
    marked: set[tuple[str, int | None, str, str]] = set()
    for check in checks:
        first = next((t.cell for t in check.left if t.cell), None)
        note = noted.get((first, check.kind)) or noted.get((first, "")) if first and check.status == "fail" else None
        if note and first:
            cell = first
            used.add(note)
            check = Check(check.rule_id, check.kind, check.left, check.right, check.difference, check.tolerance,
                          "noted", check.unit, check.tables)
            res = budget.resources[cell.resource]
            marked.add((check.kind, cell.row + 2, cell.field, res.path))
        out_checks.append(check)
    out_findings = [Finding("noted", f.rule, f.dataset, f.message, f.file, f.line, f.table, f.row, f.column,
                            f.expected, f.found)
                    if f.severity == "error" and (f.rule, f.line, f.column, f.file) in marked else f
                    for f in findings]
    for i, row in enumerate(notes.rows):
        if as_text(row.get("cell")) and as_text(row["id"]) not in used:
            out_findings.append(located(budget, "error", "source-notes", f"note {row['id']} names "
                                        f"{row['cell']}, where no identity fails: remove or correct the note",
                                        Cell(notes.name, i, "cell")))
    return out_checks, out_findings


def describe_exception(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no resource, row or column {exc.args[0]!r}"
    return str(exc)

