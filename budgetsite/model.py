"""Frozen values handed from one build stage to the next.

Stages: load (datasets -> Budget) -> validate (Budget -> findings and identity checks) ->
render (pages) -> write (site/). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

Value = Decimal | int | str | None

# The units an amount is printed in, and how many yuan one of them is. Figures stay in their printed unit;
# arithmetic across units converts them exactly (`Amount.in_yuan`).
UNITS = {"元": 1, "万元": 10000}


@dataclass(frozen=True)
class Text:
    """A text in both languages; `en` is empty where no translation exists."""

    zh: str
    en: str = ""

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.zh


@dataclass(frozen=True)
class Amount:
    """A figure as printed: its value in its printed unit and the number of decimal places printed."""

    value: Decimal
    unit: str  # 元 | 万元
    places: int

    def in_yuan(self) -> Decimal:
        return self.value * UNITS[self.unit]


def half_unit(unit: str, places: int, target: str) -> Decimal:
    """Half a unit of the last printed place of a figure, in `target` units: what rounding can move it by."""
    return Decimal(5).scaleb(-places - 1) * UNITS[unit] / UNITS[target]


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: Text
    description: Text = Text("")
    unit: str = ""  # 元 or 万元 for an amount (the unit its table is printed in)
    places: int = 2  # decimal places an amount is printed with (its table's printed precision)

    @property
    def is_amount(self) -> bool:
        return self.type == "number" and self.unit in UNITS


@dataclass(frozen=True)
class Resource:
    """One CSV file of a data package, with its rows typed by its schema."""

    name: str
    path: str
    title: Text
    fields: tuple[Field, ...]
    rows: tuple[dict[str, Value], ...]
    schema_path: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class TableNote:
    text: Text
    by: str  # "source": the publisher's own words; "editor": ours


@dataclass(frozen=True)
class Table:
    """An annex table as published: one or more resources shown together."""

    id: str  # t + its printed number: t05 is table 5 (or 五) of its document
    number: str  # as printed: 五, 5
    kind: str  # its kind in the catalogue (reference/catalogue/kinds/)
    title: Text
    resources: tuple[str, ...]  # one per part of its kind, in the kind's order
    status: str  # published | empty | reconstructed
    source_lines: tuple[int, int]
    unit: str = ""  # the unit its amounts are printed in (元, 万元); "" for a table without amounts
    precision: int = 2  # decimal places its amounts are printed with
    printed_title: str = ""
    note: TableNote | None = None

    @property
    def label(self) -> Text:
        """表三 / Table 3 (t11a: Table 11a)."""
        return Text(f"表{self.number}", f"Table {self.id[1:].lstrip('0')}")


@dataclass(frozen=True)
class Budget:
    """One published budget: a department's budget for one year."""

    slug: str
    root: Path
    title: Text
    description: Text
    department_id: str
    department: Text  # the publisher: the department (部门预算, 部门决算) or the unit (单位预算)
    region: Text
    year: int
    document: str  # its document kind (reference/catalogue/documents.json)
    licence: dict[str, str]
    source_file: str
    source_sha256: str
    source_title: str
    narrative: dict[str, str]  # language -> Markdown text
    tables: tuple[Table, ...]
    resources: dict[str, Resource]
    codelists: dict[str, str]  # resource name -> reference code list name
    rulesets: tuple[str, ...]
    rules: tuple[dict[str, Any], ...]
    region_id: str = ""
    template: str = ""  # the publisher's template (reference/catalogue/templates/), "" if none
    units: tuple[Text, ...] = ()  # for a department's documents: the units it covers, as printed
    source_origin: Text = Text("")  # where the copy of the source was obtained (people write it)
    source_url: str = ""  # the copy's public address, where there is one
    descriptor: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def tables_of(self, kind: str) -> list[Table]:
        return [t for t in self.tables if t.kind == kind]

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def table_of(self, resource: str) -> Table | None:
        for t in self.tables:
            if resource in t.resources:
                return t
        return None

    def code_names(self) -> dict[str, Text]:
        """Chinese and English names of the codes this document uses, from its code-list resources."""
        return {str(r["code"]): Text(str(r["name_zh"]), str(r["name_en"])) for name in self.codelists
                if name in self.resources for r in self.resources[name].rows}

    def code_names_en(self) -> dict[str, str]:
        """English names of the codes this budget uses, from its code-list resources."""
        return {str(r["code"]): str(r["name_en"]) for name in self.codelists if name in self.resources
                for r in self.resources[name].rows}

    def translations_en(self) -> dict[str, str]:
        """English for the text cells, from the dataset's translations resource (unofficial)."""
        res = self.resources.get("translations")
        return {str(r["zh"]): str(r["en"]) for r in res.rows} if res else {}


def code_level(code: str) -> int:
    """Indent of a classification code: 类 (3 digits) 0, 款 (5) 1, 项 (7) 2."""
    return {3: 0, 5: 1, 7: 2}.get(len(code), 0)


def code_label(code: str, name: Text) -> Text:
    """A code with its name ("2040601 行政运行"); no English where the name has none, so that the page shows the
    Chinese as Chinese."""
    return Text(f"{code} {name.zh}", f"{code} {name.en}" if name.en else "")


def row_number(row: dict[str, Value], index: int) -> int:
    """The row's number as errata and messages use it: its `row` field, else its position (1-based)."""
    value = row.get("row")
    return value if isinstance(value, int) else index + 1


@dataclass(frozen=True)
class CodeList:
    """A reference classification (function or economic codes) with bilingual names."""

    name: str
    title: Text
    rows: tuple[dict[str, Value], ...]

    def by_code(self) -> dict[str, dict[str, Value]]:
        return {str(r["code"]): r for r in self.rows}


@dataclass(frozen=True)
class Finding:
    """One problem, located as precisely as the input allows."""

    severity: str  # error | warning | noted (a failing identity the dataset states as a problem of its source)
    rule: str
    dataset: str
    message: str
    file: str = ""
    line: int | None = None
    table: str = ""
    row: str = ""
    column: str = ""
    expected: str = ""
    found: str = ""

    def format(self) -> str:
        where = self.dataset
        if self.file:
            where += f": {self.file}" + (f":{self.line}" if self.line else "")
        parts = [f"{self.severity}: {where}"]
        if self.table:
            parts.append(f"table {self.table}")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        text = ": ".join(parts) + f": {self.message}"
        if self.expected or self.found:
            text += f"; expected {self.expected or '(nothing)'}, found {self.found or '(blank)'}"
        return f"{text} [{self.rule}]"


@dataclass(frozen=True)
class Cell:
    """A reference to one cell: resource, row index (0-based), field."""

    resource: str
    row: int
    field: str


@dataclass(frozen=True)
class Term:
    cell: Cell | None  # None for a figure that is not in a table (e.g. a stated constant)
    value: Decimal | None  # in its printed unit
    unit: str  # 元, 万元, or % for a rate
    places: int  # decimal places printed
    label: str = ""  # how the source names it, for terms without a cell

    def value_in(self, unit: str) -> Decimal:
        """The value converted exactly to `unit` (blank counts as zero); rates are never converted."""
        if self.value is None:
            return Decimal(0)
        if self.unit == unit or self.unit not in UNITS or unit not in UNITS:
            return self.value
        return self.value * UNITS[self.unit] / UNITS[unit]


@dataclass(frozen=True)
class Check:
    """One evaluated accounting identity: sum(left) == sum(right), within tolerance."""

    rule_id: str
    kind: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    difference: Decimal
    tolerance: Decimal
    status: str  # pass | rounding | fail | noted (fails; the dataset's source-notes state it as the source's)
    unit: str  # of the difference and the tolerance: the terms' own, or 元 where units are mixed
    tables: tuple[str, ...] = ()

    @property
    def left_sum(self) -> Decimal:
        return sum((t.value_in(self.unit) for t in self.left), Decimal(0))

    @property
    def right_sum(self) -> Decimal:
        return sum((t.value_in(self.unit) for t in self.right), Decimal(0))


CHECK_STATUSES = ("pass", "rounding", "fail", "noted")


@dataclass(frozen=True)
class ValidationResult:
    """Everything the validate stage learned about one dataset."""

    dataset: str
    findings: tuple[Finding, ...]
    checks: tuple[Check, ...] = ()
    budget: Budget | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def noted(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "noted")

    @property
    def summary(self) -> dict[str, int]:
        """How many identities passed, differed by rounding, failed, or fail as a stated problem of the source."""
        return {s: sum(1 for c in self.checks if c.status == s) for s in CHECK_STATUSES}


@dataclass(frozen=True)
class ResourceSummary:
    name: str
    path: str
    title: Text


@dataclass(frozen=True)
class CodedLine:
    """One row of a table classified by code, as the pages about a code need it: where it is printed and
    its first amount (the table's total column), in the table's unit."""

    scheme: str  # function | economic
    code: str
    name: Text  # from the document's code table
    table_id: str
    table_kind: str
    table: Text  # 表三 支出预算表 / Table 3: Expenditure budget
    resource: str
    row: int  # index of the row in its resource (its anchor on the table page)
    column: Text  # the title of the amount column shown
    value: Decimal | None  # None: printed blank
    unit: str
    places: int


@dataclass(frozen=True)
class BudgetSummary:
    """What site-wide pages need of one budget. The full result stays on disk, so a corpus of thousands of
    budgets is never held in memory at once."""

    slug: str
    department_id: str
    department: Text
    region: Text
    year: int
    document: str
    title: Text
    description: Text
    licence: dict[str, str]
    keywords: tuple[str, ...]
    total: Amount | None
    resources: tuple[ResourceSummary, ...]
    region_id: str = ""
    figures: Any = None  # its KeyFigures (figures.py), for the comparisons across documents
    lines: tuple[CodedLine, ...] = ()  # every coded row, for the pages about each code
    # A digest of each part of the document a site page may show alone (a code's rows: classified.code_facet;
    # its metadata: metadata.METADATA_FACET): a rebuild keeps such a page while none of its documents changed
    # the part it shows.
    facet_keys: dict[str, str] = field(default_factory=dict)
