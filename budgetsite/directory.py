"""How the corpus is organised for readers: regions, their publishers (a department, or a unit that publishes
its own budget), each publisher's documents by year and kind, and the groups of documents that can be
compared (one region, one year, one document kind).

Built from BudgetSummary alone. A department budget and the department's own unit budget are different
documents of one publisher: they are shown side by side and never added up (the unit's budget is part of the
department's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import BudgetSummary, Text


@dataclass(frozen=True)
class Publisher:
    id: str
    name: Text  # as in its newest document
    region_id: str
    region: Text
    documents: tuple[BudgetSummary, ...]  # newest year first, then by document kind
    kinds: tuple[str, ...]  # the document kinds it publishes, in the catalogue's order

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({d.year for d in self.documents}, reverse=True))

    def document(self, year: int, kind: str) -> BudgetSummary | None:
        return next((d for d in self.documents if d.year == year and d.document == kind), None)

    @property
    def pairs(self) -> tuple[tuple[BudgetSummary, BudgetSummary], ...]:
        """Documents of one kind in consecutive published years, earlier first: each pair is compared line by
        line from its tables."""
        out = []
        for kind in self.kinds:
            ordered = sorted((d for d in self.documents if d.document == kind), key=lambda d: d.year)
            out += list(zip(ordered, ordered[1:], strict=False))
        return tuple(out)


@dataclass(frozen=True)
class Group:
    """The documents of one kind and year in one region: what a comparison across publishers compares."""

    region_id: str
    region: Text
    year: int
    kind: str
    documents: tuple[BudgetSummary, ...]  # by publisher name

    @property
    def comparable(self) -> bool:
        return len(self.documents) > 1


@dataclass(frozen=True)
class Region:
    id: str
    name: Text
    publishers: tuple[Publisher, ...]  # by name
    groups: tuple[Group, ...]  # newest year first, then by document kind

    @property
    def documents(self) -> int:
        return sum(len(p.documents) for p in self.publishers)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({g.year for g in self.groups}, reverse=True))


def publishers(summaries: Iterable[BudgetSummary], order: dict[str, int]) -> tuple[Publisher, ...]:
    """Publishers by region, then name; `order` ranks document kinds (the catalogue's order)."""
    groups: dict[str, list[BudgetSummary]] = {}
    for b in summaries:
        groups.setdefault(b.department_id, []).append(b)
    out = []
    for pid, items in groups.items():
        items.sort(key=lambda b: (-b.year, order.get(b.document, len(order)), b.slug))
        newest = items[0]
        kinds = tuple(sorted({b.document for b in items}, key=lambda k: (order.get(k, len(order)), k)))
        out.append(Publisher(pid, newest.department, newest.region_id, newest.region, tuple(items), kinds))
    return tuple(sorted(out, key=lambda p: (p.region_id, p.name.zh, p.id)))


def regions(summaries: Iterable[BudgetSummary], order: dict[str, int]) -> tuple[Region, ...]:
    summaries = list(summaries)
    by_region: dict[str, list[Publisher]] = {}
    for p in publishers(summaries, order):
        by_region.setdefault(p.region_id, []).append(p)
    out = []
    for rid, pubs in sorted(by_region.items()):
        docs = [d for p in pubs for d in p.documents]
        keys = sorted({(d.year, d.document) for d in docs}, key=lambda k: (-k[0], order.get(k[1], len(order)), k[1]))
        groups = tuple(Group(rid, pubs[0].region, year, kind, tuple(sorted(
            (d for d in docs if d.year == year and d.document == kind), key=lambda d: (d.department.zh, d.slug))))
            for year, kind in keys)
        newest = max(docs, key=lambda d: (d.year, d.slug))
        out.append(Region(rid, newest.region, tuple(pubs), groups))
    return tuple(out)
