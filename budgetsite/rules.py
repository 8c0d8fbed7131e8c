"""The budget's own accounting rules, evaluated with exact decimals.

Rules are data (reference/rules/*.json and a dataset's `x_rules`); each `kind` below expands a rule into
identities `sum(left) == sum(right)` and judges every one the same way:

* pass: the printed figures agree exactly;
* rounding (a warning): they differ, but by no more than rounding can explain;
* fail (an error): they differ by more.

Tolerance. Every figure is printed rounded to 0.01 万元, so each printed value lies within 0.005 of the
figure it stands for. If an identity holds for the underlying figures, its printed terms can miss by at
most 0.005 for each printed (non-blank) term. Two terms are the same quantity printed twice and must agree
exactly (rounding one number twice gives the same result), so the tolerance is
0.005 x (number of non-blank terms) when there are three or more, and zero otherwise. A real error of
0.01 in a two-term identity, or of more than 0.005 per term in a longer one, is always an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .model import Budget, Cell, Check, CodeList, Finding, Resource, Term
from .refs import RefError, amount, as_text, parse_sum, resolve

HALF_CENT = Decimal("0.005")
CENT = Decimal("0.01")

Result = Check | Finding


def tolerance(terms: Iterable[Term]) -> Decimal:
    printed = sum(1 for t in terms if t.value is not None)
    return HALF_CENT * printed if printed >= 3 else Decimal(0)


def judge(rule_id: str, kind: str, left: list[Term], right: list[Term], budget: Budget) -> Check:
    diff = sum((t.value or Decimal(0) for t in left), Decimal(0)) - sum((t.value or Decimal(0) for t in right),
                                                                      Decimal(0))
    tol = tolerance(left + right)
    status = "pass" if diff == 0 else "rounding" if abs(diff) <= tol else "fail"
    tables = sorted({t.id for term in left + right if term.cell
                     for t in [budget.table_of(term.cell.resource)] if t})
    return Check(rule_id, kind, tuple(left), tuple(right), diff, tol, status, tuple(tables))


def term(resource: Resource, row: int, field: str) -> Term:
    return Term(Cell(resource.name, row, field), amount(resource.rows[row][field]))


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
    unit = "percentage points" if check.kind == "growth" else "万元"
    cell = next((t.cell for t in check.left if t.cell), None)
    found = fmt(check.left_sum) if len(check.left) > 1 else fmt(check.left[0].value)
    if check.status == "rounding":
        printed = sum(1 for t in check.left + check.right if t.value is not None)
        message = (f"{what}: rounding gap of {fmt(abs(check.difference))} {unit}, within the tolerance of "
                   f"{check.tolerance.normalize():f} for {printed} printed figures")
        return located(budget, "warning", check.kind, message, cell, fmt(check.right_sum), found)
    message = f"{what}: off by {fmt(check.difference)} {unit} (tolerance {check.tolerance.normalize():f})"
    return located(budget, "error", check.kind, message, cell, fmt(check.right_sum), found)


def fmt(value: Decimal | int | None) -> str:
    return "(blank)" if value is None else f"{Decimal(value):.2f}"


def emit(check: Check, budget: Budget, what: str) -> Iterator[Result]:
    yield check
    finding = finding_for(check, budget, what)
    if finding:
        yield finding


# --- rule kinds -------------------------------------------------------------------------------------------


def codes_of(resource: Resource, field: str = "code") -> dict[str, int]:
    return {str(r[field]): i for i, r in enumerate(resource.rows) if r.get(field) not in (None, "")}


def rule_hierarchy(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """Every 5- or 7-digit code needs its parent (the code minus two digits) printed above it."""
    res = budget.resources[rule["resource"]]
    codes = codes_of(res)
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
    codes = codes_of(res)
    for i, row in enumerate(res.rows):
        parent = as_text(row.get("code"))
        kids = [j for c, j in codes.items() if len(c) == (len(parent) + 2 if parent else 3) and c.startswith(parent)]
        if not kids:
            continue
        names = " + ".join(as_text(res.rows[j]["code"]) for j in kids)
        for f in amount_fields(res, rule):
            left, right = [term(res, i, f)], [term(res, j, f) for j in kids]
            if not all_blank(left, right):
                yield from emit(judge(rule["id"], "parent-sum", left, right, budget), budget,
                                f"differs from the sum of {names}")


FORMULA = re.compile(r"\s*([a-z0-9_]+)\s*=\s*([a-z0-9_]+(?:\s*\+\s*[a-z0-9_]+)*)\s*")


def rule_row_sum(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """Column identities inside each row, e.g. `total = basic + project`."""
    res = budget.resources[rule["resource"]]
    for formula in rule["formulas"]:
        m = FORMULA.fullmatch(formula)
        if not m:
            raise RefError(f"formula '{formula}' is not of the form a = b + c")
        lhs, rhs = m[1], [p.strip() for p in m[2].split("+")]
        for name in [lhs, *rhs]:
            res.field(name)  # KeyError for an unknown column
        for i in range(len(res.rows)):
            left, right = [term(res, i, lhs)], [term(res, i, f) for f in rhs]
            if not all_blank(left, right):
                yield from emit(judge(rule["id"], "row-sum", left, right, budget), budget,
                                f"differs from {' + '.join(rhs)}")


def rule_two_sided(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """A 收/支 table: each subtotal sums the items above it, each total all items; both sides balance."""
    res = budget.resources[rule["resource"]]
    totals = {}
    for side in ("income", "expenditure"):
        rows = [(i, r) for i, r in enumerate(res.rows) if r["side"] == side]
        start = -1  # a total adds the items after the last subtotal to that subtotal
        for i, r in rows:
            if r["kind"] in ("subtotal", "total"):
                parts = [j for j, q in rows if start < j < i and q["kind"] == "item"]
                if r["kind"] == "total" and start >= 0:
                    parts = [start, *parts]
                left, right = [term(res, i, "amount")], [term(res, j, "amount") for j in parts]
                what = f"{r['label']} differs from the sum of {len(parts)} rows above it"
                yield from emit(judge(rule["id"], "two-sided", left, right, budget), budget, what)
                start = i if r["kind"] == "subtotal" else start
            if r["kind"] == "total":
                totals[side] = i
    if len(totals) == 2:
        left, right = [term(res, totals["income"], "amount")], [term(res, totals["expenditure"], "amount")]
        yield from emit(judge(rule["id"], "two-sided", left, right, budget), budget,
                        "income total differs from expenditure total")


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
        cell, value = resolve(budget, ref)
        out.append(Term(cell, amount(value)))
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
    # Read only when there is a quote to check: an imported workbook is a source too, and is no text.
    has_quotes = bool(budget.source_file and res.rows)
    source = (budget.root / budget.source_file).read_text(encoding="utf-8").split("\n") if has_quotes else []
    for i, row in enumerate(res.rows):
        line = int(row["source_line"]) if isinstance(row["source_line"], int) else 0
        quote, printed = str(row["quote"]), str(row["printed"])
        if source and not (0 < line <= len(source) and quote in source[line - 1]):
            yield located(budget, "error", "narrative", f"quote not found on line {line} of {budget.source_file}",
                          Cell(res.name, i, "quote"), expected=quote, found=source[line - 1][:120]
                          if 0 < line <= len(source) else "(no such line)")
        if printed not in quote or as_number(printed) != row["value"]:
            yield located(budget, "error", "narrative", "the printed figure and its value disagree with the quote",
                          Cell(res.name, i, "value"), expected=printed, found=as_text(row["value"]))
        if row["ref"]:
            left, right = [term(res, i, "value")], terms_of(budget, str(row["ref"]))
            yield from emit(judge(rule["id"], "narrative", left, right, budget), budget,
                            f"the narrative's “{row['quote']}” differs from {row['ref']}")


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


def rule_prior_year(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """A stated growth rate equals change / (this year - change), rounded half up to 0.01%."""
    res = budget.resources[rule.get("resource", "prior-year")]
    figures = budget.resources["narrative-figures"]
    index = {str(r["id"]): i for i, r in enumerate(figures.rows)}
    for row in res.rows:
        if not row["change"] or not row["change_pct"]:
            continue
        value = amount(figures.rows[index[str(row["figure"])]]["value"])
        change = amount(figures.rows[index[str(row["change"])]]["value"])
        pct_i = index[str(row["change_pct"])]
        base = (value or Decimal(0)) - (change or Decimal(0))
        left = [term(figures, pct_i, "value")]
        if not base:
            yield located(budget, "error", "growth", f"growth rate of {row['figure']} cannot be checked: the "
                          "previous-year figure it implies is zero", left[0].cell)
            continue
        computed = round_pct((change or Decimal(0)) / base * 100)
        right = [Term(None, computed, label=f"{row['change']} / ({row['figure']} - {row['change']}) x 100")]
        yield from emit(judge(rule["id"], "growth", left, right, budget), budget,
                        f"stated growth rate differs from the rate computed from {row['figure']} and {row['change']}")


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


CODE_COLUMNS = ("code", "name_zh", "name_en", "name_en_status", "name_en_source")


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


def rule_code_names(budget: Budget, rule: dict[str, Any], state: dict[str, Any]) -> Iterator[Result]:
    """A printed 科目名称 matches the code list's name for its code."""
    res = budget.resources[rule["resource"]]
    names = {str(r["code"]): str(r["name_zh"]) for r in budget.resources[rule["codes"]].rows}
    code_field, name_field = rule.get("code_field", "code"), rule.get("name_field", "name")
    for i, row in enumerate(res.rows):
        code = as_text(row[code_field])
        if code and code in names and as_text(row[name_field]) != names[code]:
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
    return checks, findings


def describe_exception(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no resource, row or column {exc.args[0]!r}"
    return str(exc)

