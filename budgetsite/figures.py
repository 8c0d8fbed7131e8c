"""Figures a reader asks for first, read from a validated document's tables by their kind.

Everything here is derived from published cells, in the unit they are printed in; nothing is estimated. A
document that lacks the table a figure comes from simply has no such figure (None), and the page leaves the
block out. Where a figure can come from several kinds (a budget's expenditure table, a final account's), the
first the document prints is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import UNITS, Amount, Budget, Field, Resource, Text, code_label, code_level
from .refs import RefError, amount, as_text, parse_sum, resolve
from .rulebook import NotApplicable, resolve_expression, table_of_kind
from .rules import round_pct

ZERO = Decimal(0)

# Where each key figure is printed, by table kind, in order of preference.
TOTAL = ("expenditure-budget[code=].total", "final-expenditure[code=].total")
BASIC = ("expenditure-budget[code=].basic",
         "expenditure-budget[code=].fiscal_basic + expenditure-budget[code=].nonfiscal_basic",
         "final-expenditure[code=].basic")
PROJECT = ("expenditure-budget[code=].project",
           "expenditure-budget[code=].fiscal_project + expenditure-budget[code=].nonfiscal_project",
           "final-expenditure[code=].project")
PERSONNEL = ("general-budget-expenditure[code=].basic_personnel", "basic-expenditure-by-economic[code=].personnel",
             "final-basic-expenditure-by-economic[side=personnel,code=].amount")
PUBLIC = ("general-budget-expenditure[code=].basic_public", "basic-expenditure-by-economic[code=].public",
          "final-basic-expenditure-by-economic[side=public,code=].amount")
THREE_PUBLIC = ("three-public-expenses[row=1].total", "final-three-public-expenses[row=1].total_final")
THREE_PUBLIC_PARTS = (
    ("overseas", ("three-public-expenses[row=1].overseas", "final-three-public-expenses[row=1].overseas_final")),
    ("vehicles", ("three-public-expenses[row=1].vehicle_total",
                  "final-three-public-expenses[row=1].vehicle_total_final")),
    ("reception", ("three-public-expenses[row=1].reception", "final-three-public-expenses[row=1].reception_final")),
)
# 机关运行经费: some templates print it beside the 三公 figures; others state it only in the narrative.
AGENCY_OPERATION = ("three-public-expenses[row=1].agency_operation",)
BY_FUNCTION = (("expenditure-budget", "total"), ("final-expenditure", "total"))
BY_ECONOMIC = (("basic-expenditure-by-economic", "total"), ("final-basic-expenditure-by-economic", "amount"))


@dataclass(frozen=True)
class Share:
    """One slice of a whole, e.g. 基本支出 out of total expenditure (value in the group's unit)."""

    key: str  # i18n key or code
    label: Text
    value: Decimal

    def pct(self, whole: Decimal) -> Decimal:
        return round_pct(self.value / whole * 100) if whole else ZERO


@dataclass(frozen=True)
class Shares:
    """Slices of one whole, all in the unit and precision of the table they come from."""

    items: tuple[Share, ...]
    unit: str
    places: int
    whole: Decimal

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):  # noqa: ANN204 - iterates its items
        return iter(self.items)


NONE = Shares((), "", 2, ZERO)


@dataclass(frozen=True)
class PriorYear:
    """A previous-year figure from the narrative: this year minus the stated change, or the figure the
    narrative states itself (a per-item 上年预算执行数)."""

    id: str
    quote: str
    source_line: int
    this_year: Decimal
    change: Decimal
    stated_pct: Decimal | None
    previous: Decimal
    no_change_statement: str
    unit: str
    label: Text = Text("")  # a function item's code and name; empty for a headline line (the UI names it)
    previous_stated: bool = False


@dataclass(frozen=True)
class KeyFigures:
    total: Amount | None
    basic_project: Shares
    personnel_public: Shares
    three_public: Amount | None
    by_function: Shares
    by_economic: Shares
    prior_year: tuple[PriorYear, ...]
    three_public_parts: Shares = NONE
    agency_operation: Amount | None = None


def figure(budget: Budget, alternatives: tuple[str, ...]) -> Amount | None:
    """The first of `alternatives` (sums of cells, written with table kinds) the document prints; blanks
    count as zero. All cells of one alternative come from one table, so they share its unit."""
    for expression in alternatives:
        try:
            cells = [resolve(budget, ref)[0] for ref in parse_sum(resolve_expression(budget, expression))]
        except (NotApplicable, RefError):
            continue
        fields = [budget.resources[c.resource].field(c.field) for c in cells]
        if not all(f.is_amount for f in fields):
            continue
        values = [amount(budget.resources[c.resource].rows[c.row][c.field]) or ZERO for c in cells]
        return Amount(sum(values, ZERO), fields[0].unit, fields[0].places)
    return None


def classes(budget: Budget, sources: tuple[tuple[str, str], ...]) -> Shares:
    """The 类 (3-digit) rows of the first coded table of `sources` the document prints, largest first."""
    for kind, field in sources:
        try:
            _, name = table_of_kind(budget, kind)
        except (NotApplicable, RefError):
            continue
        res = budget.resources[name]
        f = res.field(field)
        names = budget.code_names()
        out = [Share(code, names.get(code, Text(as_text(r.get("name")))), value)
               for r in res.rows for code, value in [(as_text(r.get("code")), amount(r.get(field)))]
               if len(code) == 3 and value is not None]  # a printed 0.00 is a figure; a blank is not
        items = tuple(sorted(out, key=lambda s: (-s.value, s.key)))
        return Shares(items, f.unit, f.places, sum((s.value for s in items), ZERO))
    return NONE


def split(parts: list[tuple[str, Amount | None]]) -> Shares:
    """Parts of one whole, all printed in one unit; NONE where the document does not print one of them."""
    if any(a is None for _, a in parts):
        return NONE
    amounts = [(key, a) for key, a in parts if a is not None]
    unit, places = amounts[0][1].unit, amounts[0][1].places
    if any(a.unit != unit for _, a in amounts):
        return NONE
    items = tuple(Share(key, Text(""), a.value) for key, a in amounts)
    return Shares(items, unit, places, sum((s.value for s in items), ZERO))


ITEM = "item-"  # a prior-year line about one function item: item-<code>


def prior_years(budget: Budget) -> tuple[PriorYear, ...]:
    prior, figures = budget.resources.get("prior-year"), budget.resources.get("narrative-figures")
    if prior is None or figures is None:
        return ()
    by_id = {str(r["id"]): r for r in figures.rows}
    names = budget.code_names()
    out = []
    for r in prior.rows:
        ident = str(r["id"])
        fig = by_id[str(r["figure"])]
        this_year = amount(fig["value"]) or ZERO
        stated = amount(by_id[str(r["previous"])]["value"]) if r.get("previous") else None
        change = amount(by_id[str(r["change"])]["value"]) if r["change"] else None
        if change and r.get("direction") == "减少":  # changes are printed as positive figures
            change = -change
        if change is None:
            change = this_year - stated if stated is not None else ZERO
        pct = amount(by_id[str(r["change_pct"])]["value"]) if r["change_pct"] else None
        if pct and r.get("direction") == "减少":
            pct = -pct
        code = ident.removeprefix(ITEM) if ident.startswith(ITEM) else ""
        label = code_label(code, names[code]) if code in names else Text(code)
        out.append(PriorYear(ident, str(fig["quote"]), int(str(r["source_line"])), this_year, change, pct,
                             stated if stated is not None else this_year - change, str(r["statement"] or ""),
                             str(fig["unit"]), label, stated is not None))
    return tuple(out)


def key_figures(budget: Budget) -> KeyFigures:
    return KeyFigures(
        total=figure(budget, TOTAL),
        basic_project=split([("basic", figure(budget, BASIC)), ("project", figure(budget, PROJECT))]),
        personnel_public=split([("personnel", figure(budget, PERSONNEL)), ("public", figure(budget, PUBLIC))]),
        three_public=figure(budget, THREE_PUBLIC),
        by_function=classes(budget, BY_FUNCTION),
        by_economic=classes(budget, BY_ECONOMIC),
        prior_year=prior_years(budget),
        three_public_parts=split([(key, figure(budget, where)) for key, where in THREE_PUBLIC_PARTS]),
        agency_operation=figure(budget, AGENCY_OPERATION),
    )


# --- one publisher's documents compared ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LineChange:
    """One line of a year-over-year comparison, matched by code (blank code: the 合计 row)."""

    code: str
    name: Text
    before: Decimal | None  # None: the line is not in the earlier document
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


@dataclass(frozen=True)
class Comparison:
    """Lines of two documents in one stated unit: their own where both print the same, else 元 (exact)."""

    lines: tuple[LineChange, ...]
    unit: str
    places: int

    def __bool__(self) -> bool:
        return bool(self.lines)


def coded_amounts(budget: Budget, kind: str, field: str) -> tuple[dict[str, tuple[Text, Decimal]], Resource | None]:
    try:
        _, name = table_of_kind(budget, kind)
    except (NotApplicable, RefError):
        return {}, None
    res = budget.resources[name]
    if field not in res.field_names:
        return {}, None
    names = budget.code_names()
    out = {}
    for r in res.rows:
        code = as_text(r.get("code"))
        out[code] = (names.get(code, Text(as_text(r.get("name")))), amount(r.get(field)) or ZERO)
    return out, res


def compare(before: Budget, after: Budget, sources: tuple[tuple[str, str], ...]) -> Comparison:
    """Line-by-line comparison of two documents of one publisher, totals first, then codes in order: from the
    first of `sources` (table kind, column) both print."""
    for kind, field in sources:
        (a, ra), (b, rb) = coded_amounts(before, kind, field), coded_amounts(after, kind, field)
        if ra is not None and rb is not None:
            return lines_of(a, ra.field(field), b, rb.field(field))
    return Comparison((), "", 2)


def lines_of(a: dict[str, tuple[Text, Decimal]], fa: Field, b: dict[str, tuple[Text, Decimal]], fb: Field
             ) -> Comparison:
    unit = fa.unit if fa.unit == fb.unit else "元"
    places = max(fa.places, fb.places) if fa.unit == fb.unit else 2

    def scaled(value: Decimal, from_unit: str) -> Decimal:
        return value * UNITS[from_unit] / UNITS[unit]

    lines = []
    for code in sorted(set(a) | set(b), key=lambda c: (c != "", c)):
        name = (b.get(code) or a[code])[0]
        lines.append(LineChange(code, name, scaled(a[code][1], fa.unit) if code in a else None,
                                scaled(b[code][1], fb.unit) if code in b else None))
    return Comparison(tuple(lines), unit, places)
