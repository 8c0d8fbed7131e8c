"""Figures of several documents side by side, in one stated unit.

Each document's figures are read from its own tables (figures.KeyFigures, in the unit each table prints).
Put side by side they are converted, exactly, into one unit: the documents' own where every figure shown is
printed in it, else the smallest unit any of them uses (元), so that a conversion never rounds. A figure a
document does not print stays empty; it is never taken as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from .figures import KeyFigures, Shares
from .model import UNITS, Amount, BudgetSummary, Text

ZERO = Decimal(0)


def common_unit(figures: Iterable[Amount]) -> tuple[str, int]:
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


def convert(f: Amount, unit: str) -> Decimal:
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

    def columns(self, start: int, stop: int) -> Matrix:
        """The same lines for documents start..stop-1 only: one page of a comparison too wide for one."""
        return Matrix(self.documents[start:stop], tuple(replace(line, values=line.values[start:stop])
                                                        for line in self.lines), self.unit, self.places)

    def largest(self) -> Decimal:
        """The largest document's sum over the lines (0 for none): the scale of its bars."""
        return max((t for t in self.totals() if t is not None), default=ZERO)

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
    found: dict[str, list[Amount | None]] = {}
    labels: dict[str, Text] = {}
    for i, sh in enumerate(shares):
        if sh is None:
            continue
        for s in sh:
            found.setdefault(s.key, [None] * len(documents))[i] = Amount(s.value, sh.unit, sh.places)
            if s.label.zh and s.key not in labels:
                labels[s.key] = s.label
    matrix = of_figures(documents, found, labels)

    def size(line: Line) -> tuple[Decimal, str]:
        return -sum((v for v in line.values if v is not None), ZERO), line.key

    ordered = sorted(matrix.lines, key=size) if not keys else \
        [line for k in keys for line in matrix.lines if line.key == k]
    return Matrix(documents, tuple(ordered), matrix.unit, matrix.places)


def of_amounts(documents: tuple[BudgetSummary, ...], figures: dict[str, Callable[[KeyFigures], Amount | None]]
               ) -> Matrix:
    """A matrix of single figures of each document (its total, its 机关运行经费), one line per figure."""
    return of_figures(documents, {key: [pick(d.figures) if d.figures is not None else None for d in documents]
                                  for key, pick in figures.items()})


def of_figures(documents: tuple[BudgetSummary, ...], found: dict[str, list[Amount | None]],
               labels: dict[str, Text] | None = None) -> Matrix:
    """A matrix of figures as printed, one list per line (an entry per document, None where it prints none),
    converted exactly into their common unit; a line no document prints is left out."""
    present = [a for amounts in found.values() for a in amounts if a is not None]
    if not present:
        return Matrix(documents, (), "元", 2)
    unit, places = common_unit(present)
    lines = tuple(Line(key, (labels or {}).get(key, Text("")),
                       tuple(None if a is None else convert(a, unit) for a in amounts))
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
    unit, places = common_unit(Amount(ZERO, m.unit, m.places) for m in shown)
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

    def columns(self, start: int, stop: int) -> GroupFigures:
        return GroupFigures(**{part: getattr(self, part).columns(start, stop) for part in PARTS},
                            unit=self.unit, places=self.places)


PARTS = ("totals", "by_function", "by_economic", "personnel_public", "three_public", "agency_operation")


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
