"""Cell references used in rules and data: `t05[code=2080501].total`, summed with ` + `.

A reference names a resource, selects exactly one row by one or more `field=value` pairs (an empty value
selects a blank cell, e.g. `t03[code=].total` is the 合计 row) and names a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .model import Budget, Cell, Value

REF = re.compile(r"(?P<resource>[a-z0-9][a-z0-9-]*)\[(?P<keys>[^\]]*)\]\.(?P<field>[a-z0-9_]+)")
# A column identity within a row: `total = basic + project`, or sums on both sides.
FORMULA = re.compile(r"\s*([a-z0-9_]+(?:\s*\+\s*[a-z0-9_]+)*)\s*=\s*([a-z0-9_]+(?:\s*\+\s*[a-z0-9_]+)*)\s*")


class RefError(ValueError):
    pass


@dataclass(frozen=True)
class Ref:
    resource: str
    keys: tuple[tuple[str, str], ...]
    field: str

    def __str__(self) -> str:
        keys = ",".join(f"{k}={v}" for k, v in self.keys)
        return f"{self.resource}[{keys}].{self.field}"


def parse_ref(text: str) -> Ref:
    m = REF.fullmatch(text.strip())
    if not m:
        raise RefError(f"'{text}' is not a cell reference like t05[code=208].total")
    keys = []
    for pair in m["keys"].split(","):
        if "=" not in pair:
            raise RefError(f"'{text}': row selector '{pair}' needs field=value")
        k, v = pair.split("=", 1)
        keys.append((k.strip(), v.strip()))
    return Ref(m["resource"], tuple(keys), m["field"])


def parse_sum(text: str) -> list[Ref]:
    """`a + b + c` into its references."""
    return [parse_ref(part) for part in text.split(" + ")]


def as_text(value: Value) -> str:
    return "" if value is None else str(value)


def resolve(budget: Budget, ref: Ref) -> tuple[Cell, Value]:
    """The one cell a reference points at, and its value."""
    resource = budget.resources.get(ref.resource)
    if resource is None:
        raise RefError(f"{ref}: no resource '{ref.resource}'")
    names = resource.field_names
    for k, _ in ref.keys:
        if k not in names:
            raise RefError(f"{ref}: resource '{ref.resource}' has no field '{k}'")
    if ref.field not in names:
        raise RefError(f"{ref}: resource '{ref.resource}' has no field '{ref.field}'")
    hits = [i for i, row in enumerate(resource.rows) if all(as_text(row[k]) == v for k, v in ref.keys)]
    if len(hits) != 1:
        raise RefError(f"{ref}: selects {len(hits)} rows, must select exactly one")
    return Cell(ref.resource, hits[0], ref.field), resource.rows[hits[0]][ref.field]


def amount(value: Value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    raise RefError(f"'{value}' is not a number")
