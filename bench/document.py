"""What one synthetic document is: its template and tables from the catalogue of table kinds, how the template
prints them (bench/corpus/templates.toml), the code lists of its year, and its money.

Nothing here knows a table by its number: a table's id is `t` and the number its template prints (`t05` for
五 or 5), with letters where one number covers one table per project; its resources are the parts of its
kind (`Part.resource`); its columns are the kind's, as the template prints them.
"""

from __future__ import annotations

import string
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.amounts import Ledger, as_text, step_of
from bench.data import CATALOGUE, Codes, Pair, codes_for
from bench.profile import Publisher
from budgetsite.catalogue import Part, TableKind, Template
from budgetsite.importer.titles import table_id
from budgetsite.refs import parse_sum

Row = dict[str, Any]  # column -> text, number, or an amount in fen (int) for an amount column


@dataclass
class Placed:
    """One table of a document: where the catalogue puts it, and (once built) its rows per resource."""

    id: str
    number: str
    kind: TableKind
    unit: str
    title: Pair
    parts: list[tuple[str, Part, tuple[str, ...]]]  # resource, part of the kind, columns printed
    project: int = -1  # the project a project's table is about
    rows: dict[str, list[Row]] = field(default_factory=dict)
    status: str = "published"
    note: dict[str, str] | None = None
    lines: tuple[int, int] = (0, 0)

    @property
    def amounts(self) -> set[str]:
        return {c.name for _, part, _ in self.parts for c in part.columns if c.amount}


def place(template: Template, spec: dict[str, Any], projects: list[Pair]) -> list[Placed]:
    """The template's tables: one per number, one per project where the kind is a project's form."""
    out = []
    for position, t in enumerate(template.tables, start=1):
        kind = CATALOGUE.kind(t.kind)
        each = kind.layout == "project-performance"
        count = len(projects) if each else 1
        for k in range(count):
            tid = table_id(t.number, position) + (string.ascii_lowercase[k] if count > 1 else "")
            title = (projects[k][0] + kind.name.zh, f"{kind.name.en}: {projects[k][1]}") if each else \
                (kind.name.zh, kind.name.en)
            printed = tuple(spec.get("columns", {}).get(kind.id, ()))
            if len(kind.parts) == 1 and not printed:  # a kind lists what any template prints, and grows
                raise ValueError(f"bench/corpus/templates.toml: which columns of {kind.id} does {template.id} print?")
            parts = [(p.resource(tid), p, printed if len(kind.parts) == 1 else p.names) for p in kind.parts]
            out.append(Placed(tid, t.number, kind, t.unit, title, parts, k if each else -1))
    return out


@dataclass
class Doc:
    """One synthetic document: who publishes it, in which template and year, its money and its tables."""

    publisher: Publisher
    template: Template
    spec: dict[str, Any]
    year: int
    slug: str
    ledger: Ledger
    tables: list[Placed]
    texts: dict[str, str] = field(default_factory=dict)  # translations of the text cells

    @property
    def codes(self) -> Codes:
        return codes_for(self.year)

    @property
    def unit(self) -> str:
        """The unit most of its tables are printed in (the narrative states figures in it)."""
        return Counter(t.unit for t in self.template.tables).most_common(1)[0][0]

    @property
    def name(self) -> Pair:
        """Who publishes it: the publisher, or for a unit's document its own unit (本级)."""
        unit = self.publisher.units[0]
        return (unit["name"], unit["name_en"]) if self.spec.get("by_unit") else self.publisher.name

    def money(self, fen: int, unit: str = "") -> Pair:
        """An amount as a text states it: `2,759.64万元`, `2,759.64 (CNY 10,000)`."""
        unit = unit or self.unit
        text = as_text(fen, unit, self.template.precision, separators=True)
        return f"{text}{unit}", f"{text} ({CATALOGUE.unit_name(unit).en})"

    def step(self, unit: str = "") -> int:
        """Fen in one unit of the last place the document prints (in `unit`, by default its main unit)."""
        return step_of(unit or self.unit, self.template.precision)

    def refs(self) -> dict[str, str]:
        """`{kind}` -> the id of its table, `{kind/part}` -> the resource of that part (for rule templates)."""
        out = {}
        for t in self.tables:
            if t.project < 1:
                out[t.kind.id] = t.id
                out |= {f"{t.kind.id}/{p.suffix}": res for res, p, _ in t.parts if p.suffix}
        return out

    def prints(self, cells: str) -> bool:
        """Whether every cell reference of `a[k=v].f + …` names a resource and columns this document prints."""
        printed = {res: set(columns) for t in self.tables for res, _, columns in t.parts}
        return all(ref.resource in printed and {ref.field, *(k for k, _ in ref.keys)} <= printed[ref.resource]
                   for ref in parse_sum(cells))

    def of_kind(self, kind: str) -> Placed | None:
        """The (first) table of a kind, if the document prints one."""
        return next((t for t in self.tables if t.kind.id == kind), None)

    def text(self, pair: Pair | list[str]) -> str:
        """A text cell in Chinese, remembering its English for the translations resource."""
        zh, en = pair
        if zh:
            self.texts.setdefault(zh, en)
        return zh
