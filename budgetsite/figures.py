"""Figures a reader asks for first, read from a validated budget's standard tables.

Everything here is derived from published cells; nothing is estimated. A budget that lacks one of the
standard tables simply has no such figure (None), and the page leaves the block out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Budget, Resource, Text, code_level
from .refs import RefError, amount, parse_sum, resolve
from .rules import round_pct

ZERO = Decimal(0)


@dataclass(frozen=True)
class Share:
    """One slice of a whole, e.g. 基本支出 out of total expenditure."""

    key: str  # i18n key or code
    label: Text
    value: Decimal

    def pct(self, whole: Decimal) -> Decimal:
        return round_pct(self.value / whole * 100) if whole else ZERO


@dataclass(frozen=True)
class PriorYear:
    """A previous-year figure derived from the narrative: this year minus the stated change."""

    id: str
    quote: str
    source_line: int
    this_year: Decimal
    change: Decimal
    stated_pct: Decimal | None
    previous: Decimal  # derived
    no_change_statement: str
    unit: str


@dataclass(frozen=True)
class KeyFigures:
    total: Decimal | None
    basic_project: tuple[Share, ...]
    personnel_public: tuple[Share, ...]
    three_public: Decimal | None
    by_function: tuple[Share, ...]
    by_economic: tuple[Share, ...]
    prior_year: tuple[PriorYear, ...]


def cell(budget: Budget, expression: str) -> Decimal | None:
    """The value of `a + b + ...`, blanks as zero; None when the budget lacks a referenced cell."""
    try:
        return sum((amount(resolve(budget, ref)[1]) or ZERO for ref in parse_sum(expression)), ZERO)
    except RefError:
        return None


def classes(resource: Resource | None, codelist: Resource | None, field: str = "total") -> tuple[Share, ...]:
    """The 类 (3-digit) rows of a coded table with an amount, largest first."""
    if resource is None:
        return ()
    names = {str(r["code"]): Text(str(r["name_zh"]), str(r["name_en"])) for r in codelist.rows} if codelist else {}
    out = [Share(str(r["code"]), names.get(str(r["code"]), Text(str(r["name"]))), amount(r[field]) or ZERO)
           for r in resource.rows if r.get("code") and len(str(r["code"])) == 3 and r.get(field)]
    return tuple(sorted(out, key=lambda s: (-s.value, s.key)))


def shares(budget: Budget, parts: list[tuple[str, str]]) -> tuple[Share, ...]:
    values = [(key, cell(budget, ref)) for key, ref in parts]
    if any(v is None for _, v in values):
        return ()
    return tuple(Share(key, Text(""), v) for key, v in values if v is not None)


def prior_years(budget: Budget) -> tuple[PriorYear, ...]:
    prior, figures = budget.resources.get("prior-year"), budget.resources.get("narrative-figures")
    if prior is None or figures is None:
        return ()
    by_id = {str(r["id"]): r for r in figures.rows}
    out = []
    for r in prior.rows:
        fig = by_id[str(r["figure"])]
        change = amount(by_id[str(r["change"])]["value"]) if r["change"] else ZERO
        pct = amount(by_id[str(r["change_pct"])]["value"]) if r["change_pct"] else None
        this_year = amount(fig["value"]) or ZERO
        out.append(PriorYear(str(r["id"]), str(fig["quote"]), int(str(r["source_line"])), this_year, change or ZERO,
                             pct, this_year - (change or ZERO), str(r["statement"] or ""), str(fig["unit"])))
    return tuple(out)


def key_figures(budget: Budget) -> KeyFigures:
    r = budget.resources
    return KeyFigures(
        total=cell(budget, "t03[code=].total"),
        basic_project=shares(budget, [
            ("basic", "t03[code=].fiscal_basic + t03[code=].nonfiscal_basic"),
            ("project", "t03[code=].fiscal_project + t03[code=].nonfiscal_project")]),
        personnel_public=shares(budget, [("personnel", "t05[code=].basic_personnel"),
                                         ("public", "t05[code=].basic_public")]),
        three_public=cell(budget, "t07[row=1].total"),
        by_function=classes(r.get("t03"), r.get("codes-function")),
        by_economic=classes(r.get("t06"), r.get("codes-economic")),
        prior_year=prior_years(budget),
    )


@dataclass(frozen=True)
class LineChange:
    """One line of a year-over-year comparison, matched by code (blank code: the 合计 row)."""

    code: str
    name: Text
    before: Decimal | None  # None: the line is not in the earlier budget
    after: Decimal | None  # None: the line was dropped

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def pct(self) -> Decimal | None:
        if self.change is None or not self.before:
            return None
        return round_pct(self.change / self.before * 100)

    @property
    def status(self) -> str:
        return "new" if self.before is None else "dropped" if self.after is None else "both"

    @property
    def level(self) -> int:
        return code_level(self.code)


def coded_amounts(budget: Budget, resource: str, field: str) -> dict[str, tuple[Text, Decimal]]:
    res = budget.resources.get(resource)
    if res is None:
        return {}
    names = budget.code_names_en()
    out = {}
    for r in res.rows:
        code = str(r.get("code") or "")
        out[code] = (Text(str(r.get("name") or ""), names.get(code, "")), amount(r.get(field)) or ZERO)
    return out


def compare(before: Budget, after: Budget, resource: str = "t03", field: str = "total") -> tuple[LineChange, ...]:
    """Line-by-line comparison of two budgets of one department, totals first, then codes in order."""
    a, b = coded_amounts(before, resource, field), coded_amounts(after, resource, field)
    lines = []
    for code in sorted(set(a) | set(b), key=lambda c: (c != "", c)):
        name = (b.get(code) or a[code])[0]
        lines.append(LineChange(code, name, a[code][1] if code in a else None, b[code][1] if code in b else None))
    return tuple(lines)
