"""The classification codes of the corpus: every row of every table classified by a function or economic
code, gathered across documents so that each code has a page showing who budgets for it, how much, and where.

A document contributes small `CodedLine`s (in its BudgetSummary) at validation time; the code pages are
built from those alone, never from the full budgets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar

from . import cache
from .across import Matrix, of_figures
from .catalogue import Catalogue
from .charts import StackedChart, stacked_chart
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


def code_facet(scheme: str, code: str) -> str:
    """What names a code's share of a document, in BudgetSummary.facet_keys and Page.facet."""
    return f"{scheme}:{code}"


def code_facet_keys(summary: BudgetSummary) -> dict[str, str]:
    """For each code the document prints, a digest of what the code's pages show of it: where it stands
    (publisher, region, year, kind, slug) and its rows with the code, values and places included. Made once,
    when the document is validated: a rebuild compares these rather than hashing 150,000 rows again."""
    by_code: dict[str, list[CodedLine]] = {}
    for line in summary.lines:
        by_code.setdefault(code_facet(line.scheme, line.code), []).append(line)
    where = repr((summary.slug, summary.department, summary.region, summary.region_id, summary.year,
                  summary.document))
    return {facet: cache.combine(where, repr(tuple(lines))) for facet, lines in by_code.items()}


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
class CodeColumn:
    """A column of a code's table: one kind of table and the amount column its rows show."""

    table_kind: str
    table: Text  # the kind's name in the catalogue (the printed title where the catalogue has none)
    column: Text  # the amount column's title, as first printed
    unit: str  # the unit of every amount in the column; "" where documents print it in different units


@dataclass(frozen=True)
class CodeRow:
    """One document's rows with a code, under the columns of its section (several lines where a document
    prints the code in more than one table of a kind)."""

    use: Use
    cells: tuple[tuple[CodedLine, ...], ...]


@dataclass(frozen=True)
class CodeSection:
    """The documents of one region, year and kind that use a code: every row of theirs in a grid (a document
    per row, a kind of table per column), and the publishers side by side in one unit, from the table that
    classifies all spending by the code (where they print one). The grid, the comparison and its chart are
    made when a page shows them, once for both languages: a rebuild works out which documents each code
    page shows, and how many pages, from the uses alone."""

    code: Code = field(repr=False, compare=False)
    uses: tuple[Use, ...]
    catalogue: Catalogue = field(repr=False, compare=False)
    part: int = 0  # where a section is split over pages: which part of it this is, from 0

    @property
    def first(self) -> BudgetSummary:
        return self.uses[0].budget

    @property
    def region_id(self) -> str:
        return self.first.region_id

    @property
    def region(self) -> Text:
        return self.first.region

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def kind(self) -> str:
        return self.first.document

    @property
    def id(self) -> str:
        return f"{self.region_id}-{self.year}-{self.kind}" + (f"-{self.part + 1}" if self.part else "")

    @cached_property
    def columns(self) -> tuple[CodeColumn, ...]:
        """A column per kind of table and amount column the documents print the code in."""
        columns: dict[tuple[str, str], CodeColumn] = {}
        units: dict[tuple[str, str], set[str]] = {}
        for u in self.uses:
            for line in u.lines:
                kind = self.catalogue.kinds.get(line.table_kind)
                key = (line.table_kind, line.column.zh)
                columns.setdefault(key, CodeColumn(line.table_kind, kind.name if kind else line.table, line.column,
                                                   ""))
                units.setdefault(key, set()).add(line.unit)
        return tuple(replace(c, unit=next(iter(units[key])) if len(units[key]) == 1 else "")
                     for key, c in columns.items())

    @cached_property
    def rows(self) -> tuple[CodeRow, ...]:
        keys = [(c.table_kind, c.column.zh) for c in self.columns]
        return tuple(CodeRow(u, tuple(tuple(line for line in u.lines if (line.table_kind, line.column.zh) == key)
                                      for key in keys)) for u in self.uses)

    @cached_property
    def primary(self) -> tuple[tuple[Use, CodedLine], ...]:
        """Each document's line in the table compared, where it prints one."""
        lines = [next((line for line in u.lines if line.table_kind in COMPARED[self.code.scheme]), None)
                 for u in self.uses]
        return tuple((u, line) for u, line in zip(self.uses, lines, strict=True) if line is not None)

    @property
    def compared(self) -> Matrix:
        """One line: each publisher's amount in the comparison table."""
        return line_matrix(self.code.code, list(self.primary))

    @property
    def compared_in(self) -> tuple[Text, ...]:
        """The names of the table kinds that comparison reads."""
        kinds = self.catalogue.kinds
        return tuple(dict.fromkeys(kinds[line.table_kind].name for _, line in self.primary
                                   if line.table_kind in kinds))

    @cached_property
    def chart(self) -> StackedChart | None:
        """Each publisher's bar on one scale (a rebuild that keeps a code's page never draws it)."""
        return stacked_chart(f"chart-{self.id}", self.compared)

    @property
    def weight(self) -> int:
        return SECTION_WEIGHT + sum(weight(u) for u in self.uses)


# Roughly what a code's page holds, in hundreds of bytes of English HTML: a section's heading and table
# header about 1,500 bytes; a document's row header and bar about 300, and a cell per line.
SECTION_WEIGHT = 15


def weight(use: Use) -> int:
    return 3 + len(use.lines)


def code_sections(code: Code, catalogue: Catalogue) -> tuple[CodeSection, ...]:
    """The code's uses by region, year (newest first) and document kind: the order `codes` gives the uses."""
    groups: dict[tuple[str, int, str], list[Use]] = {}
    for u in code.uses:
        groups.setdefault((u.budget.region_id, u.budget.year, u.budget.document), []).append(u)
    return tuple(CodeSection(code, tuple(uses), catalogue) for uses in groups.values())


def split_section(section: CodeSection, page_weight: int) -> tuple[CodeSection, ...]:
    """A section in pages of at most `page_weight` (as `weight` counts it); a document is never split over two
    pages. Each page has its own columns and comparison."""
    pages = fill(section.uses, weight, page_weight, overhead=SECTION_WEIGHT)
    if len(pages) == 1:
        return (section,)
    return tuple(replace(section, uses=tuple(p), part=k) for k, p in enumerate(pages))


T = TypeVar("T")


def fill(items: Iterable[T], weigh: Callable[[T], int], limit: int, overhead: int = 0,
         first: int = 0) -> list[list[T]]:
    """`items` in order on pages of at most `limit` (each page starts at `overhead`, the first at `first`
    more); an item heavier than a page gets a page of its own."""
    pages: list[list[T]] = [[]]
    total = overhead + first
    for item in items:
        if pages[-1] and total + weigh(item) > limit:
            pages.append([])
            total = overhead
        pages[-1].append(item)
        total += weigh(item)
    return pages


def line_matrix(code: str, shown: list[tuple[Use, CodedLine]]) -> Matrix:
    """Each publisher's amount of one code, in one unit (exact); a blank cell stays empty."""
    return of_figures(tuple(u.budget for u, _ in shown), {code: [
        None if line.value is None else Amount(line.value, line.unit, line.places) for _, line in shown]})
