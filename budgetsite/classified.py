"""The classification codes of the corpus: every row of every table classified by a function or economic
code, gathered across documents so that each code has a page showing who budgets for it, how much, and where.

A document contributes small `CodedLine`s (in its BudgetSummary) at validation time; the code pages are
built from those alone, never from the full budgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .across import Matrix, of_figures
from .catalogue import Catalogue
from .figures import BY_ECONOMIC, BY_FUNCTION
from .model import Amount, Budget, BudgetSummary, CodedLine, Resource, Table, Text, code_level
from .refs import amount, as_text

SCHEMES = ("function", "economic")
# The tables whose rows classify all of a document's spending by each scheme: a code's amounts are compared
# across publishers from these.
COMPARED = {"function": tuple(kind for kind, _ in BY_FUNCTION), "economic": tuple(kind for kind, _ in BY_ECONOMIC)}


def code_column(catalogue: Catalogue, kind: str) -> str:
    """The code list a table kind's `code` column comes from ("" when it has none)."""
    table_kind = catalogue.kinds.get(kind)
    if table_kind is None:
        return ""
    for part in table_kind.parts:
        for column in part.columns:
            if column.name == "code" and column.codes:
                return column.codes
    return ""


def coded_scheme(catalogue: Catalogue, table: Table, resource: Resource) -> str:
    """The scheme whose code pages list this resource's rows: "" unless its table is published, its `code`
    column holds classification codes and it has amounts to show."""
    scheme = code_column(catalogue, table.kind)
    if not scheme or table.status == "empty" or "code" not in resource.field_names:
        return ""
    return scheme if any(f.is_amount for f in resource.fields) else ""


def coded_lines(budget: Budget, catalogue: Catalogue) -> tuple[CodedLine, ...]:
    """Every row with a code, in every published table whose `code` column holds classification codes."""
    names = budget.code_names()
    out = []
    for table in budget.tables:
        title = Text(f"{table.label.zh} {table.title.zh}", f"{table.label.en}: {table.title.en or table.title.zh}")
        for name in table.resources:
            res = budget.resources[name]
            scheme = coded_scheme(catalogue, table, res)
            shown = next((f for f in res.fields if f.is_amount), None)
            if not scheme or shown is None:
                continue
            for i, row in enumerate(res.rows):
                code = as_text(row.get("code"))
                if not code:
                    continue
                out.append(CodedLine(scheme, code, names.get(code, Text(as_text(row.get("name")))), table.id,
                                     table.kind, title, name, i, shown.title, amount(row.get(shown.name)),
                                     shown.unit, shown.places))
    return tuple(out)


@dataclass(frozen=True)
class Use:
    """One document's rows with a code."""

    budget: BudgetSummary
    lines: tuple[CodedLine, ...]


@dataclass(frozen=True)
class Code:
    """A classification code as the corpus uses it: its name (from the newest document that prints it),
    the codes above and below it, and every document that has a row with it."""

    scheme: str
    code: str
    name: Text
    uses: tuple[Use, ...]  # by region, year (newest first), document kind, publisher
    parent: str = ""
    children: tuple[str, ...] = ()

    @property
    def level(self) -> int:
        return code_level(self.code)


def parent_of(code: str) -> str:
    """类 2080505 -> 款 20805 -> 类 208 (codes are 3, 5 or 7 digits)."""
    return code[:-2] if len(code) > 3 else ""


def codes(summaries: Iterable[BudgetSummary], order: dict[str, int]) -> dict[tuple[str, str], Code]:
    """Every (scheme, code) printed in any document, with its uses; `order` ranks document kinds."""
    found: dict[tuple[str, str], dict[str, list[CodedLine]]] = {}
    budgets: dict[str, BudgetSummary] = {}
    for b in summaries:
        budgets[b.slug] = b
        for line in b.lines:
            found.setdefault((line.scheme, line.code), {}).setdefault(b.slug, []).append(line)

    def rank(slug: str) -> tuple[object, ...]:
        b = budgets[slug]
        return (b.region_id, -b.year, order.get(b.document, len(order)), b.department.zh, slug)

    out = {}
    for key, by_slug in found.items():
        slugs = sorted(by_slug, key=rank)
        newest = max(slugs, key=lambda s: (budgets[s].year, s))
        uses = tuple(Use(budgets[s], tuple(by_slug[s])) for s in slugs)
        out[key] = Code(key[0], key[1], by_slug[newest][0].name, uses)
    children: dict[tuple[str, str], list[str]] = {}
    for scheme, code in out:
        parent = parent_of(code)
        if (scheme, parent) in out:
            children.setdefault((scheme, parent), []).append(code)
    return {key: replace(c, parent=parent_of(c.code) if (c.scheme, parent_of(c.code)) in out else "",
                         children=tuple(sorted(children.get(key, ())))) for key, c in sorted(out.items())}


@dataclass(frozen=True)
class CodeSection:
    """The documents of one year and kind that use a code: every row, and the publishers side by side in one
    unit, from the table that classifies all spending by the code (where they print one)."""

    year: int
    kind: str
    uses: tuple[Use, ...]
    compared: Matrix  # one line: each publisher's amount in the comparison table
    compared_in: tuple[Text, ...]  # the names of the table kinds that comparison reads


def code_sections(code: Code, catalogue: Catalogue) -> tuple[CodeSection, ...]:
    keys = list(dict.fromkeys((u.budget.year, u.budget.document) for u in code.uses))
    keys.sort(key=lambda k: -k[0])  # stable: kinds keep the order of the uses
    out = []
    for year, kind in keys:
        uses = tuple(u for u in code.uses if (u.budget.year, u.budget.document) == (year, kind))
        primary = [next((line for line in u.lines if line.table_kind in COMPARED[code.scheme]), None) for u in uses]
        shown = [(u, line) for u, line in zip(uses, primary, strict=True) if line is not None]
        compared = line_matrix(code.code, shown)
        names = tuple(dict.fromkeys(catalogue.kinds[line.table_kind].name for _, line in shown
                                    if line.table_kind in catalogue.kinds))
        out.append(CodeSection(year, kind, uses, compared, names))
    return tuple(out)


def line_matrix(code: str, shown: list[tuple[Use, CodedLine]]) -> Matrix:
    """Each publisher's amount of one code, in one unit (exact); a blank cell stays empty."""
    return of_figures(tuple(u.budget for u, _ in shown), {code: [
        None if line.value is None else Amount(line.value, line.unit, line.places) for _, line in shown]})
