"""Budget against actual: what a final account prints as planned (预算数) beside what was spent (决算数).

The catalogue names such columns in pairs, `<part>_budget` and `<part>_final` (the 三公 table of a final
account: 因公出国（境）费 预算数 | 决算数, ...). Each pair of a published table gives one line: both figures as
printed, their difference and the completion rate (final / budget, rounded half up to 0.01%), which the
site computes and says so. A blank figure stays blank, and no rate is computed against a zero budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .model import Budget, Check, Field, Resource, Text, Value
from .refs import amount, as_text
from .rules import completion_rate

BUDGET, FINAL = "_budget", "_final"
# How the printed titles of the two columns of a pair end (Chinese as printed, English from the term base).
BASES = {"年初预算": "initial", "全年预算": "full_year", "预算": "budget"}  # what a completion rate is stated against
SUFFIXES = {"zh": (" 预算数", " 决算数"), "en": (" (budget)", " (final accounts)")}


@dataclass(frozen=True)
class PlanActual:
    table_id: str
    anchor: str  # the row on the table page
    part: Text  # what the pair is about (因公出国（境）费)
    budget: Decimal | None
    final: Decimal | None
    unit: str
    places: int

    @property
    def difference(self) -> Decimal | None:
        return None if self.budget is None or self.final is None else self.final - self.budget

    @property
    def rate(self) -> Decimal | None:
        """The completion rate in %, computed; None without both figures or against a zero budget."""
        return completion_rate(self.final, self.budget)


def stem(title: Text) -> Text:
    """"因公出国（境）费 预算数" -> "因公出国（境）费": the part a pair of columns is about."""
    zh, en = title.zh, title.en
    if zh.endswith(SUFFIXES["zh"][0]):
        zh = zh[: -len(SUFFIXES["zh"][0])]
    if en.endswith(SUFFIXES["en"][0]):
        en = en[: -len(SUFFIXES["en"][0])]
    return Text(zh, en)


def pairs(resource: Resource) -> list[tuple[Field, Field]]:
    """The (budget, final) amount columns of a resource, in its column order."""
    fields = {f.name: f for f in resource.fields if f.is_amount}
    return [(f, fields[f.name[: -len(BUDGET)] + FINAL]) for f in fields.values()
            if f.name.endswith(BUDGET) and f.name[: -len(BUDGET)] + FINAL in fields]


def plan_actual(budget: Budget) -> tuple[PlanActual, ...]:
    """Every planned-against-spent pair any published table of the document prints, row by row."""
    out = []
    for table in budget.tables:
        if table.status == "empty":
            continue
        for name in table.resources:
            res = budget.resources[name]
            found = pairs(res)
            for i, row in enumerate(res.rows):
                for planned, spent in found:
                    before, after = amount(row.get(planned.name)), amount(row.get(spent.name))
                    if before is None and after is None:
                        continue
                    out.append(PlanActual(table.id, f"{name}-r{i + 1}", stem(planned.title), before, after,
                                          planned.unit, planned.places))
    return tuple(out)


# --- what the explanation states ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StatedCompletion:
    """A completion statement of the narrative (“年初预算为…，支出决算为…，完成年初预算的…%”), with its figures as
    printed and the outcome of the check of its rate (pass, rounding, fail, noted; "" where none is stated)."""

    id: str
    subject: str  # as printed
    code: str
    basis: str  # 年初预算 | 全年预算, as the sentence states the rate against
    budget: Decimal | None
    final: Decimal | None
    stated: Decimal | None  # the rate as printed, in %
    unit: str
    source_line: int
    status: str
    printed: tuple[str, str, str] = ("", "", "")  # budget, final and rate exactly as the narrative prints them

    @property
    def basis_key(self) -> str:
        """The UI string of the basis ("" for one the catalog does not name: it is shown as printed)."""
        return BASES.get(self.basis, "")

    @property
    def computed(self) -> Decimal | None:
        """The rate the statement's own figures give (what the rule `completion` checks the stated one against)."""
        return completion_rate(self.final, self.budget)


def stated_completion(budget: Budget, checks: Iterable[Check]) -> tuple[StatedCompletion, ...]:
    statements, figures = budget.resources.get("completion"), budget.resources.get("narrative-figures")
    if statements is None or figures is None:
        return ()
    index = {as_text(r["id"]): i for i, r in enumerate(figures.rows)}
    outcome = {t.cell.row: c.status for c in checks if c.kind == "completion"
               for t in c.left[:1] if t.cell and t.cell.resource == figures.name}

    def value(ident: Value) -> Decimal | None:
        i = index.get(as_text(ident))
        return None if i is None else amount(figures.rows[i]["value"])

    def printed(ident: Value) -> str:
        i = index.get(as_text(ident))
        return "" if i is None else as_text(figures.rows[i]["printed"])

    out = []
    for row in statements.rows:
        budget_id = as_text(row["budget"])
        unit = as_text(figures.rows[index[budget_id]]["unit"]) if budget_id in index else ""
        rate_row = index.get(as_text(row["rate"]))
        out.append(StatedCompletion(as_text(row["id"]), as_text(row["subject"]), as_text(row["code"]),
                                    as_text(row["basis"]), value(row["budget"]), value(row["final"]),
                                    value(row["rate"]), unit, int(str(row["source_line"] or 0)),
                                    outcome.get(rate_row, "") if rate_row is not None else "",
                                    (printed(row["budget"]), printed(row["final"]), printed(row["rate"]))))
    return tuple(out)
