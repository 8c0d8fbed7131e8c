"""The money of a synthetic document, in integer fen, generated bottom-up so that every identity holds exactly.

Every amount is a whole number of fen (0.01 元) and a multiple of the last place its table prints (its
`step`: 10,000 fen for 万元 with two decimals, 1 fen for 元 with fen). Totals are split into parts, the
parts are what tables print, and every sum a rule checks is a sum of the same integers: nothing is ever
rounded, so validation finds no error and no warning. A figure printed in 万元 in one table and in 元 in
another (the 三公 reception figure) is a multiple of both steps, so the exact conversion agrees.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.data import WORDS
from bench.profile import Publisher
from budgetsite.model import UNITS

Money = dict[str, int]  # bucket -> fen


def step_of(unit: str, precision: int) -> int:
    """Fen in one unit of the last place a table prints (万元 with two decimals: 10,000)."""
    return UNITS[unit] * 100 // 10**precision


def allocate(total: int, weights: list[int], step: int = 1, minimum: int = 0) -> list[int]:
    """Split `total` (a multiple of `step`) by integer weights into multiples of `step`, each at least
    `minimum`, by largest remainder: the parts add up to the total exactly."""
    units, n = total // step, len(weights)
    low = max(0, min(minimum // step, units // max(n, 1)))
    rest, whole = units - low * n, sum(weights) or 1
    parts = [rest * w // whole for w in weights]
    order = sorted(range(n), key=lambda i: (-(rest * weights[i] % whole), i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [(p + low) * step for p in parts]


def jitter(rng: random.Random, weight: float) -> int:
    """A weight varied by ±3%, so that years and units differ without changing a department's shape."""
    return max(1, round(weight * rng.randint(970, 1030)))


def add(a: dict[str, Money], b: dict[str, Money]) -> dict[str, Money]:
    out = {k: dict(v) for k, v in a.items()}
    for key, money in b.items():
        slot = out.setdefault(key, {})
        for bucket, value in money.items():
            slot[bucket] = slot.get(bucket, 0) + value
    return out


@dataclass
class ProjectMoney:
    fiscal: int
    nonfiscal: int
    subs: list[int]  # the fiscal money of each second-level project


@dataclass
class Ledger:
    """The money of one document: per function item (7-digit code), per economic section (5-digit code),
    and the figures of one-row tables (三公); a department's performance forms split it by project."""

    function: dict[str, Money]
    economic: dict[str, Money]
    row: Money
    projects: list[ProjectMoney] = field(default_factory=list)
    basic_nonfiscal: tuple[int, int] = (0, 0)  # non-fiscal basic expenditure: personnel, operating

    def __add__(self, other: Ledger) -> Ledger:
        """A department's document covers its units' documents: their money added up."""
        row = add({"": self.row}, {"": other.row})[""]
        projects = [ProjectMoney(a.fiscal + b.fiscal, a.nonfiscal + b.nonfiscal, [x + y for x, y in zip(
            a.subs, b.subs, strict=True)]) for a, b in zip(self.projects, other.projects, strict=True)]
        staff = tuple(a + b for a, b in zip(self.basic_nonfiscal, other.basic_nonfiscal, strict=True))
        return Ledger(add(self.function, other.function), add(self.economic, other.economic), row, projects,
                      (staff[0], staff[1]))

    def total(self, buckets: list[str]) -> int:
        return sum(money.get(b, 0) for part in (self.function, self.economic) for money in part.values()
                   for b in buckets) + sum(self.row.get(b, 0) for b in buckets)


def rollup(leaves: dict[str, Money]) -> dict[str, Money]:
    """Each code's money with that of the codes under it, and the total under ""; sorted in tree order."""
    out: dict[str, Money] = {}
    for code, money in leaves.items():
        for key in {code[:n] for n in (0, 3, 5, 7) if n <= len(code)}:
            slot = out.setdefault(key, {})
            for bucket, value in money.items():
                slot[bucket] = slot.get(bucket, 0) + value
    return dict(sorted(out.items()))


def split_function(rng: random.Random, leaves: dict[str, dict[str, int]], shares: dict[str, int], total: int,
                   step: int) -> dict[str, Money]:
    """The total split into buckets by the publisher's shares, each bucket over the items that hold it."""
    buckets = list(shares)
    amounts = allocate(total, [jitter(rng, shares[b]) for b in buckets], step, total // 100)
    out: dict[str, Money] = {code: {} for code in leaves}
    for bucket, amount in zip(buckets, amounts, strict=True):
        holders = [code for code, weights in leaves.items() if bucket in weights]
        parts = allocate(amount, [jitter(rng, leaves[c][bucket]) for c in holders], step, amount // 50)
        for code, value in zip(holders, parts, strict=True):
            out[code][bucket] = value
    return out


def split_economic(rng: random.Random, sections: dict[str, tuple[str, int]], personnel: int, public: int,
                   reception: tuple[str, int], step: int) -> dict[str, Money]:
    """Basic expenditure by economic section: staff costs over personnel sections, operating costs over the
    others, the 三公 reception figure booked whole under its own section."""
    out: dict[str, Money] = {}
    code, fixed = reception
    for side, amount in (("personnel", personnel), ("public", public - fixed)):
        holders = [c for c, (s, _) in sections.items() if s == side and c != code]
        for c, value in zip(holders, allocate(amount, [jitter(rng, sections[c][1]) for c in holders], step, step),
                            strict=True):
            out[c] = {side: value}
    out[code] = {"public": fixed}
    return dict(sorted(out.items()))


def carry_over(rng: random.Random, function: dict[str, Money], odds: float, step: int) -> None:
    """A final account's fund balances: part of a fund item's spending carried over at both ends of the year
    (opening + revenue = spending + closing, with opening = closing); the first fund item always has one."""
    for bucket in ("fund", "cap"):
        holders = [money for _, money in sorted(function.items()) if money.get(bucket)]
        for k, money in enumerate(holders):
            if k == 0 or rng.random() < odds:
                money[f"{bucket}_carry"] = money[bucket] * rng.randint(5, 30) // 100 // step * step


def three_public(rng: random.Random, base: Money, public: int, step: int) -> Money:
    """The one-row 三公 figures (and, for a final account, the budget it compares with), multiples of `step`;
    reception is at most a quarter of operating costs, so that it fits in its economic section."""
    out = {k: jitter(rng, v) // 1000 // step * step for k, v in base.items()}
    out["reception"] = max(step, min(out["reception"], public // 4 // step * step))
    out["agency_operation"] = public * rng.randint(60, 90) // 100 // step * step
    for key in ("overseas", "vehicle_purchase", "vehicle_operation", "reception"):
        out[f"{key}_plan"] = out[key] * rng.randint(100, 130) // 100 // step * step
    return out


def split_projects(rng: random.Random, weights: list[tuple[int, int, bool]], fiscal: int, nonfiscal: int,
                   step: int) -> list[ProjectMoney]:
    """Project money over the first-level projects (weight, second-level count, takes non-fiscal money), and
    each project's fiscal money over its second-level projects."""
    takers = [i for i, (_, _, nf) in enumerate(weights) if nf] or [0]
    fiscal_parts = allocate(fiscal, [jitter(rng, w) for w, _, _ in weights], step, fiscal // 20)
    nonfiscal_parts = dict(zip(takers, allocate(nonfiscal, [weights[i][0] for i in takers], step), strict=True))
    return [ProjectMoney(f, nonfiscal_parts.get(i, 0), allocate(f, [rng.randint(300, 1000) for _ in range(n)], step))
            for i, (f, (_, n, _)) in enumerate(zip(fiscal_parts, weights, strict=True))]


def make_ledger(rng: random.Random, pub: Publisher, total: int, step: int, three_step: int, carry: float) -> Ledger:
    """One document's money: `total` fen split by the publisher's shape, in multiples of `step` (and of
    `three_step` for the 三公 figures, printed in their own table's unit)."""
    function = split_function(rng, pub.leaves, pub.shares, total, step)
    if carry:
        carry_over(rng, function, carry, step)
    ledger = Ledger(function, {}, {})
    personnel, public, nfb = (ledger.total([b]) for b in ("pers", "pub", "nfb"))
    ledger.row = three_public(rng, pub.three, public, three_step)
    ledger.economic = split_economic(rng, pub.sections, personnel, public,
                                     (WORDS["reception_code"], ledger.row["reception"]), step)
    weights = [(p["weight"], len(p["sub_list"]), p["nonfiscal"]) for p in pub.projects]
    ledger.projects = split_projects(rng, weights, ledger.total(["proj", "fund", "cap"]), ledger.total(["nfp"]), step)
    staff = nfb * rng.randint(50, 80) // 100 // step * step
    ledger.basic_nonfiscal = (staff, nfb - staff)
    return ledger


def move(function: dict[str, Money], amount: int) -> None:
    """Move `amount` between the first two items that hold the same general-budget bucket (--change): every
    table and text changes where it prints those items, and no total changes."""
    for bucket in ("pers", "pub", "proj"):
        holders = sorted(c for c, m in function.items() if m.get(bucket))
        if len(holders) >= 2 and function[holders[0]][bucket] > 2 * amount:
            function[holders[0]][bucket] -= amount
            function[holders[1]][bucket] += amount
            return
    raise ValueError("no two items hold the same money to move between")


def as_text(fen: int, unit: str, precision: int, separators: bool = False) -> str:
    """An amount exactly as a table prints it in `unit` with `precision` decimals (`2759.64`; with thousands
    separators, as a text prints it, `2,759.64`). Refuses an amount that is not a whole number of its last
    printed place: that would be rounding, which the corpus never does."""
    step = step_of(unit, precision)
    if fen % step:
        raise ValueError(f"{fen} fen is not a whole number of {step} fen ({unit}, {precision} decimals)")
    whole, part = divmod(abs(fen // step), 10**precision)
    decimals = f".{part:0{precision}d}" if precision else ""
    return ("-" if fen < 0 else "") + (f"{whole:,}" if separators else str(whole)) + decimals
