"""Which accounting rules apply to a document, written out with its own table and resource names.

Rules are data in three places:

* a table kind's rule templates (reference/catalogue/kinds/*.json): they check one table of that kind
  (its hierarchy, its sums, its column identities) and apply to every table of the kind a document prints;
* rule sets (reference/rules/*.json), named by a dataset's `x_rulesets`: identities across tables, written
  with table kinds and column names (`expenditure-budget[code=].total`, `{"table": "budget-overview", ...}`),
  so one rule set checks every document of a template;
* the dataset's own `x_rules`, written with its resource names: what is truly that document's own.

A rule applies to a document that prints every table kind and every column it names (`requires` names the
columns a rule reads without naming them otherwise); where a document
prints a kind twice, a rule across tables that names it cannot tell which is meant, and says so. A row-sum
formula applies where its left-hand column is printed: a column the table does not print is replaced by the
columns it is the sum of (where a formula says so) or else counts as nothing. `{kind}` in a rule id is the
id of that kind's table in the document, so `{budget-overview}-{expenditure-budget}-classes` reads
`t01-t03-classes` in a document whose table 1 and table 3 are of those kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .catalogue import CLASSIFICATIONS, Catalogue, TableKind
from .model import Budget, Finding, Table
from .refs import FORMULA, RefError, as_text, parse_ref

Rule = dict[str, Any]
PLACEHOLDER = re.compile(r"\{([a-z0-9/-]+)\}")


class NotApplicable(Exception):
    """The document lacks a table kind, a column or a row the rule needs."""


@dataclass(frozen=True)
class Rulebook:
    rules: tuple[Rule, ...]
    findings: tuple[Finding, ...]


def rulebook(budget: Budget, catalogue: Catalogue, rulesets: dict[str, list[Rule]], origin: str) -> Rulebook:
    """Every rule that applies to `budget`, with concrete resource names (the form rules.evaluate reads)."""
    rules: list[Rule] = []
    findings: list[Finding] = []
    for table in budget.tables:
        kind = catalogue.kinds.get(table.kind)
        if kind is not None:
            rules += kind_rules(budget, table, kind)
    for name in budget.rulesets:
        if name not in rulesets:
            findings.append(Finding("error", "rules", budget.slug, f"unknown rule set '{name}'", file=origin))
            continue
        for rule in rulesets[name]:
            try:
                rules.append(across_tables(budget, catalogue, rule))
            except NotApplicable:
                continue
            except RefError as exc:
                findings.append(Finding("error", "rules", budget.slug, f"rule {rule.get('id')} cannot be applied: "
                                        f"{exc}", file=str(rule.get("_file", ""))))
    rules += [{**r, "_file": origin} for r in budget.rules]
    return Rulebook(tuple(rules), tuple(findings))


# --- a kind's own rules, for each of its tables ----------------------------------------------------------------

def kind_rules(budget: Budget, table: Table, kind: TableKind) -> list[Rule]:
    resources = {p.suffix: name for p, name in zip(kind.parts, table.resources, strict=False)}
    out = []
    for template in kind.rules:
        rule: Rule = {**template, "id": str(template.get("id", "{table}-" + template["kind"])).format(table=table.id),
                      "_file": f"reference/catalogue/kinds/{kind.id}.json"}
        if "resource" not in rule and "left" not in rule:
            rule["resource"] = resources.get("", table.resources[0] if table.resources else "")
        for key in ("left", "right"):
            if key in rule:
                rule[key] = [with_part(s, resources) for s in rule[key]] if key == "right" else \
                    with_part(rule[key], resources)
        if rule["kind"] == "code-names" and kind.classification:
            rule["codes"] = CLASSIFICATIONS[kind.classification][2]
        try:
            if rule["kind"] == "row-sum":
                rule["formulas"] = printed_formulas(rule["formulas"], budget, rule["resource"])
            check_columns(budget, rule)
        except NotApplicable:
            continue
        out.append(rule)
    return out


def with_part(spec: dict[str, Any], resources: dict[str, str]) -> dict[str, Any]:
    spec = dict(spec)
    spec["resource"] = resources[spec.pop("part", "")]
    return spec


def terms(side: str) -> list[str]:
    return [p.strip() for p in side.split("+")]


def printed_formulas(formulas: list[str], budget: Budget, resource: str) -> list[str]:
    """The formulas that apply to the printed columns, written with printed columns only (see module doc)."""
    res = budget.resources.get(resource)
    if res is None:
        raise NotApplicable
    printed = set(res.field_names)
    parsed = []
    for formula in formulas:
        m = FORMULA.fullmatch(formula)
        if not m:
            raise RefError(f"formula '{formula}' is not of the form a = b + c")
        parsed.append((terms(m[1]), terms(m[2])))
    parts_of = {lhs[0]: rhs for lhs, rhs in parsed if len(lhs) == 1}

    def expand(name: str, seen: frozenset[str] = frozenset()) -> list[str]:
        if name in printed:
            return [name]
        if name in parts_of and name not in seen:
            return [c for part in parts_of[name] for c in expand(part, seen | {name})]
        return []

    out = []
    for lhs, rhs in parsed:
        if not all(c in printed for c in lhs):
            continue
        right = [c for part in rhs for c in expand(part)]
        if right:
            out.append(f"{' + '.join(lhs)} = {' + '.join(right)}")
    if not out:
        raise NotApplicable
    return out


def check_columns(budget: Budget, rule: Rule) -> None:
    """Raise NotApplicable where the rule names a column its resource does not print."""
    specs = [rule] if "resource" in rule and "left" not in rule else []
    specs += [rule["left"], *rule["right"]] if "left" in rule else []
    for spec in specs:
        res = budget.resources.get(spec.get("resource", ""))
        if res is None:
            raise NotApplicable
        named = [spec[k] for k in ("field", "key") if k in spec] + list(spec.get("where", {})) + \
            spec.get("fields", []) + spec.get("requires", [])
        if any(name not in res.field_names for name in named):
            raise NotApplicable


# --- rules across tables, written with kinds ---------------------------------------------------------------------

def table_of_kind(budget: Budget, name: str) -> tuple[Table, str]:
    """The one table of kind `name` (`kind` or `kind/part`) and the resource of that part."""
    kind, _, part = name.partition("/")
    tables = budget.tables_of(kind)
    if not tables:
        raise NotApplicable
    if len(tables) > 1:
        raise RefError(f"the document prints {len(tables)} tables of kind {kind} "
                       f"({', '.join(t.id for t in tables)}); the rule cannot tell which one it means")
    table = tables[0]
    index = 0
    if part:
        suffixes = [r.removeprefix(f"{table.id}-") for r in table.resources]
        if part not in suffixes:
            raise RefError(f"table {table.id} has no part {part}")
        index = suffixes.index(part)
    return table, table.resources[index]


def resolve_expression(budget: Budget, expression: str) -> str:
    """`kind[keys].field + ...` with each kind replaced by its resource in the document."""
    def swap(m: re.Match[str]) -> str:
        _, resource = table_of_kind(budget, m["resource"])
        return f"{resource}[{m['keys']}].{m['field']}"

    kinded = re.compile(r"(?P<resource>[a-z0-9][a-z0-9/-]*)\[(?P<keys>[^\]]*)\]\.(?P<field>[a-z0-9_]+)")
    return kinded.sub(swap, expression)


def resolve_spec(budget: Budget, spec: dict[str, Any]) -> dict[str, Any]:
    if "table" not in spec:
        return dict(spec)
    out = {k: v for k, v in spec.items() if k != "table"}
    out["resource"] = table_of_kind(budget, spec["table"])[1]
    return out


def across_tables(budget: Budget, catalogue: Catalogue, rule: Rule) -> Rule:
    """A rule-set rule with its kinds replaced by the document's tables; NotApplicable where it does not apply."""
    out = dict(rule)
    for key in ("resource",):
        if key in out and out[key] not in budget.resources:
            raise NotApplicable  # a dataset resource (narrative figures, errata, …) this document does not have
    if "table" in out:
        out = resolve_spec(budget, out)
    if "left" in out:
        out["left"] = resolve_spec(budget, out["left"])
        out["right"] = [resolve_spec(budget, s) for s in out["right"]]
    if "cells" in out:
        out["cells"] = [resolve_expression(budget, c) for c in out["cells"]]
    for condition in out.pop("when", []):
        met = selects_rows(budget, resolve_expression(budget, condition.get("exists") or condition["absent"]))
        if met != ("exists" in condition):
            raise NotApplicable
    out["id"] = PLACEHOLDER.sub(lambda m: table_of_kind(budget, m[1])[0].id, str(rule["id"]))
    check_columns(budget, out)
    for expression in out.get("cells", []):
        for part in expression.split(" + "):
            ref = parse_ref(part)
            res = budget.resources.get(ref.resource)
            if res is None or any(n not in res.field_names for n in [ref.field, *(k for k, _ in ref.keys)]):
                raise NotApplicable
    return out


def selects_rows(budget: Budget, reference: str) -> bool:
    """Whether a cell reference (`t01[side=income,kind=subtotal].amount`) selects any row."""
    ref = parse_ref(reference)
    res = budget.resources.get(ref.resource)
    if res is None:
        return False
    return any(all(as_text(row.get(k)) == v for k, v in ref.keys) for row in res.rows)
