"""Figures of several documents side by side, in one stated unit.

Each document's figures are read from its own tables (figures.KeyFigures, in the unit each table prints).
Put side by side they are converted, exactly, into one unit: the documents' own where every figure shown is
printed in it, else the smallest unit any of them uses (元), so that a conversion never rounds. A figure a
document does not print stays empty; it is never taken as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from .figures import KeyFigures, Shares
from .model import UNITS, Amount, BudgetSummary, Text

ZERO = Decimal(0)


@dataclass(frozen=True)
class Figure:
    """One figure of one document as printed: its value, unit and places."""

    value: Decimal
    unit: str
    places: int


def common_unit(figures: Iterable[Figure]) -> tuple[str, int]:
    """The unit to show figures in, and the places that show each of them exactly."""
    items = list(figures)
    if not items:
        return "元", 2
    unit = min({f.unit for f in items}, key=lambda u: UNITS[u])
    places = max(max(f.places - exponent(UNITS[f.unit] // UNITS[unit]), 0) for f in items)
    return unit, places


def exponent(factor: int) -> int:
    """10000 -> 4: the places a conversion by `factor` moves."""
    return len(str(factor)) - 1


def convert(f: Figure, unit: str) -> Decimal:
    return f.value * UNITS[f.unit] / UNITS[unit]


@dataclass(frozen=True)
class Line:
    key: str  # a code (208) or a part (personnel)
    label: Text  # the name of a code; empty for a part (the UI names it)
    values: tuple[Decimal | None, ...]  # one per document, in the matrix's unit


@dataclass(frozen=True)
class Matrix:
    """Lines by document: function classes, economic classes, basic parts, 三公 parts."""

    documents: tuple[BudgetSummary, ...]
    lines: tuple[Line, ...]
    unit: str
    places: int

    def __bool__(self) -> bool:
        return bool(self.lines)

    def totals(self) -> tuple[Decimal | None, ...]:
        """Each document's sum over the lines; None where it prints none of them."""
        out: list[Decimal | None] = []
        for i in range(len(self.documents)):
            values = [v for line in self.lines if (v := line.values[i]) is not None]
            out.append(sum(values, ZERO) if values else None)
        return tuple(out)


def of_shares(documents: tuple[BudgetSummary, ...], pick: Callable[[KeyFigures], Shares],
              keys: tuple[str, ...] = ()) -> Matrix:
    """A matrix of one kind of shares of each document (its function classes, ...): every key any of them
    prints, largest total first (or in the order of `keys`)."""
    shares = [pick(d.figures) if d.figures is not None else None for d in documents]
    figures = [Figure(s.value, sh.unit, sh.places) for sh in shares if sh for s in sh]
    if not figures:
        return Matrix(documents, (), "元", 2)
    unit, places = common_unit(figures)
    table: dict[str, dict[int, Decimal]] = {}
    labels: dict[str, Text] = {}
    for i, sh in enumerate(shares):
        if not sh:
            continue
        for s in sh:
            table.setdefault(s.key, {})[i] = convert(Figure(s.value, sh.unit, sh.places), unit)
            if s.label.zh and s.key not in labels:
                labels[s.key] = s.label
    order = list(keys) if keys else sorted(table, key=lambda k: (-sum(table[k].values(), ZERO), k))
    lines = tuple(Line(k, labels.get(k, Text("")), tuple(table[k].get(i) if shares[i] else None
                                                            for i in range(len(documents))))
                  for k in order if k in table)
    return Matrix(documents, lines, unit, places)


def of_amounts(documents: tuple[BudgetSummary, ...], figures: dict[str, Callable[[KeyFigures], Amount | None]]
               ) -> Matrix:
    """A matrix of single figures of each document (its total, its 机关运行经费), one line per figure."""
    found = {key: [pick(d.figures) if d.figures is not None else None for d in documents]
             for key, pick in figures.items()}
    present = [Figure(a.value, a.unit, a.places) for amounts in found.values() for a in amounts if a is not None]
    if not present:
        return Matrix(documents, (), "元", 2)
    unit, places = common_unit(present)
    lines = tuple(Line(key, Text(""), tuple(convert(Figure(a.value, a.unit, a.places), unit) if a else None
                                            for a in amounts))
                  for key, amounts in found.items() if any(a is not None for a in amounts))
    return Matrix(documents, lines, unit, places)


def in_unit(matrix: Matrix, unit: str, places: int) -> Matrix:
    """The same matrix in another (smaller or equal) unit, so a page can show all its figures in one."""
    factor = Decimal(UNITS[matrix.unit]) / UNITS[unit]
    return Matrix(matrix.documents, tuple(Line(line.key, line.label, tuple(
        None if v is None else v * factor for v in line.values)) for line in matrix.lines), unit, places)


def one_unit(matrices: dict[str, Matrix]) -> dict[str, Matrix]:
    """Every matrix of a page in the smallest unit any of them uses, with the places that keep all exact."""
    shown = [m for m in matrices.values() if m]
    if not shown:
        return matrices
    unit = min({m.unit for m in shown}, key=lambda u: UNITS[u])
    places = max(max(m.places - exponent(UNITS[m.unit] // UNITS[unit]), 0) for m in shown)
    return {key: in_unit(m, unit, places) if m else m for key, m in matrices.items()}


def stated_unit(matrices: dict[str, Matrix]) -> tuple[str, int]:
    shown = [m for m in matrices.values() if m]
    return (shown[0].unit, shown[0].places) if shown else ("元", 2)


@dataclass(frozen=True)
class GroupFigures:
    """Everything the comparison of one group of documents shows, in one unit."""

    totals: Matrix
    by_function: Matrix
    by_economic: Matrix
    personnel_public: Matrix
    three_public: Matrix
    agency_operation: Matrix
    unit: str
    places: int


def group_figures(documents: tuple[BudgetSummary, ...]) -> GroupFigures:
    matrices = one_unit({
        "totals": of_amounts(documents, {"total": lambda f: f.total}),
        "by_function": of_shares(documents, lambda f: f.by_function),
        "by_economic": of_shares(documents, lambda f: f.by_economic),
        "personnel_public": of_shares(documents, lambda f: f.personnel_public, ("personnel", "public")),
        "three_public": of_shares(documents, lambda f: f.three_public_parts, ("overseas", "vehicles", "reception")),
        "agency_operation": of_amounts(documents, {"agency_operation": lambda f: f.agency_operation}),
    })
    unit, places = stated_unit(matrices)
    return GroupFigures(**matrices, unit=unit, places=places)
