"""What the narrative states, read from narrative/zh.md: its figures, its changes against the previous year and
the completion rates of a final account, each linked to the table cell it describes where that is known
without doubt.

The reader goes through narrative/zh.md line by line (source_line is the line number there) and recognises
the statement families of the Shanghai templates:

* budgets: 收入预算…万元，其中：财政拨款收入…万元，比2024年预算增加…万元; 支出预算…, 财政拨款支出预算…,
  一般公共预算拨款支出预算… (比…增加/减少…万元, 与…持平); the 三公 figures (“三公”经费预算数为…, 因公出国（境）费…);
  机关运行经费预算为…; the items (“一般公共服务支出（类）财政事务（款）行政运行（项）”1,623.18万元, or with printed
  codes 公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元) with 2025年当年预算执行数为…,
  2026年预算安排…, 比2025年预算执行数减少…%;
* final accounts: 年初预算为…, 全年预算为…, 支出决算为…, 完成年初预算的…% (of the whole, of each item, of the
  三公 figures), and 比2023年度增加…万元，增长…%.

Never guessed: a figure's `ref` names a cell only where the table (by its kind, through the dataset's declared
tables) and its row (the 合计 row, or the one row of the item's function code, found from the printed codes or
the printed class, 款 and 项 names) are certain. Where the subject cannot be resolved to one row, the ref stays
empty and the report says so with the line and the text. Figures of no recognised statement are not recorded.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .model import Message
from .package import csv_text

ORIGIN = "narrative/zh.md"
FIGURE = re.compile(r"(?P<printed>\d[\d,]*(?:\.\d+)?)(?P<unit>万元|元|%)")
BOUNDARY = re.compile(r"[，。；：,;:]")
SENTENCE_END = "。"


@dataclass(frozen=True)
class Table:
    """A declared table: its id, kind, first resource and rows (text cells), from an import or the folder."""

    id: str
    kind: str
    resource: str
    rows: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Figure:
    id: str
    source_line: int
    quote: str
    printed: str
    value: str
    unit: str
    ref: str = ""


@dataclass(frozen=True)
class Growth:
    id: str
    figure: str
    source_line: int
    change: str = ""
    change_pct: str = ""
    statement: str = ""
    direction: str = ""
    previous: str = ""


@dataclass(frozen=True)
class Completion:
    id: str
    subject: str
    code: str
    basis: str
    budget: str
    final: str
    rate: str
    source_line: int


@dataclass
class Statements:
    figures: list[Figure] = field(default_factory=list)
    growth: list[Growth] = field(default_factory=list)
    completion: list[Completion] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


def fold(text: str) -> str:
    """Names that differ only in full- or half-width forms and spaces are one name."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")


# --- the tables ---------------------------------------------------------------------------------------------


class Cells:
    """Cell references into the dataset's declared tables, by kind: only where table and row are certain."""

    def __init__(self, tables: list[Table]):
        self.by_kind: dict[str, list[Table]] = {}
        for t in tables:
            self.by_kind.setdefault(t.kind, []).append(t)

    def table(self, kind: str) -> Table | None:
        found = self.by_kind.get(kind, [])
        return found[0] if len(found) == 1 else None

    def ref(self, kind: str, keys: dict[str, str], column: str) -> str:
        t = self.table(kind)
        if t is None or not t.rows or column not in t.rows[0] or any(k not in t.rows[0] for k in keys):
            return ""
        hits = [r for r in t.rows if all((r.get(k) or "") == v for k, v in keys.items())]
        if len(hits) != 1:
            return ""
        selector = ",".join(f"{k}={v}" for k, v in keys.items())
        return f"{t.resource}[{selector}].{column}"

    def first(self, options: tuple[tuple[str, dict[str, str], str], ...]) -> str:
        return next((r for kind, keys, column in options if (r := self.ref(kind, keys, column))), "")

    def item_kind(self) -> str:
        """The table kind that holds a function item's fiscal appropriation: the general public budget's."""
        for kind in ("general-budget-expenditure", "final-general-budget-expenditure"):
            if self.table(kind):
                return kind
        return ""

    def code_of(self, item: Item) -> tuple[str, str]:
        """The one function code the item heading names, and what went wrong ("" if nothing)."""
        t = self.table(self.item_kind())
        if t is None:
            return "", "no single table of general public budget expenditure to find it in"
        codes = {r.get("code", ""): r.get("name", "") for r in t.rows if r.get("code")}
        if item.codes:
            code = "".join(item.codes)
            return (code, "") if code in codes else ("", f"code {code} is not a row of table {t.id}")
        found = [""]
        for i, (level, name) in enumerate(zip((3, 5, 7), item.names, strict=True)):
            found = [c for c in codes for parent in found if len(c) == level and c.startswith(parent)
                     and fold(codes[c]) == fold(name)]
            if len(found) != 1:
                where = "no row" if not found else f"{len(found)} rows"
                under = f" under {' / '.join(item.names[:i])}" if i else ""
                return "", f"{where} of table {t.id} named {name}{under}"
        return found[0], ""


# --- item headings ------------------------------------------------------------------------------------------

ITEM_START = re.compile(r"^\d+(?:\\?[.．]|、)\s*")
LEVELS = re.compile(r"(?P<a>.+?)[（(](?P<ac>\d*)类[）)](?P<b>.+?)[（(](?P<bc>\d*)款[）)]"
                    r"(?P<c>.+?)[（(](?P<cc>\d*)项[）)]")
DASHED = re.compile(r"“(?P<names>[^”]+)”")


@dataclass(frozen=True)
class Item:
    """A numbered item of the narrative that names a function code: its printed names and codes."""

    names: tuple[str, str, str]
    codes: tuple[str, ...]  # ("204", "06", "01") where printed
    text: str  # the heading as printed
    end: int  # where the heading ends in the line


def item_of(line: str) -> Item | None:
    start = ITEM_START.match(line)
    if not start:
        return None
    rest = line[start.end():]
    quoted = rest.startswith("“")
    body = rest[1:] if quoted else rest
    m = LEVELS.match(body)
    if m:
        names = (m["a"].strip("“” "), m["b"].strip(), m["c"].strip())
        codes = (m["ac"], m["bc"], m["cc"])
        end = start.end() + (1 if quoted else 0) + m.end()
        return Item(names, codes if all(codes) else (), line[start.end():end], end)
    d = DASHED.match(rest)
    if d and d["names"].count("-") == 2:
        a, b, c = d["names"].split("-")
        return Item((a, b, c), (), d[0], start.end() + d.end())
    return None


# --- figures and what they are ------------------------------------------------------------------------------

# A figure's subject: the words before it in its clause, matched at their end. Each gives the key of the
# subject (for ids) and the cells it may be, first that the document prints.
SUBJECTS: tuple[tuple[re.Pattern[str], str, tuple[tuple[str, dict[str, str], str], ...]], ...] = tuple(
    (re.compile(p), key, cells) for p, key, cells in (
        (r"财政拨款收入$", "fiscal-revenue", (("revenue-budget", {"code": ""}, "fiscal"),)),
        (r"(?<!财政拨款)收入预算为?$", "revenue", (("revenue-budget", {"code": ""}, "total"),)),
        (r"事业单位经营收入$", "business-revenue", (("revenue-budget", {"code": ""}, "business_revenue"),)),
        (r"(?<!单位经营)事业收入$", "service-revenue", (("revenue-budget", {"code": ""}, "service_revenue"),)),
        (r"其他收入$", "other-revenue", (("revenue-budget", {"code": ""}, "other_revenue"),)),
        (r"一般公共预算拨款支出预算$", "general-public-budget",
         (("general-budget-expenditure", {"code": ""}, "total"),)),
        (r"政府性基金拨款支出预算$", "government-funds", (("fund-budget-expenditure", {"code": ""}, "total"),)),
        (r"国有资本经营预算拨款支出预算$", "state-capital",
         (("state-capital-budget-expenditure", {"code": ""}, "total"),)),
        (r"财政拨款支出预算$", "fiscal-expenditure",
         (("fiscal-appropriation-overview", {"side": "expenditure", "kind": "total"}, "amount"),)),
        (r"^(?:其中)?支出预算为?$", "expenditure", (("expenditure-budget", {"code": ""}, "total"),)),
        (r"“三公”经费预算数?为?$", "three-public", (("three-public-expenses", {"row": "1"}, "total"),)),
        (r"因公出国（境）费(?:预算)?为?$", "three-overseas", (("three-public-expenses", {"row": "1"}, "overseas"),)),
        (r"公务用车购置及运行(?:维护)?费(?:预算)?为?$", "three-vehicles",
         (("three-public-expenses", {"row": "1"}, "vehicle_total"),)),
        (r"公务用车购置费(?:预算)?为?$", "three-vehicle-purchase",
         (("three-public-expenses", {"row": "1"}, "vehicle_purchase"),)),
        (r"公务用车运行(?:维护)?费(?:预算)?为?$", "three-vehicle-operation",
         (("three-public-expenses", {"row": "1"}, "vehicle_operation"),)),
        (r"公务接待费(?:预算)?为?$", "three-reception", (("three-public-expenses", {"row": "1"}, "reception"),)),
        (r"机关运行经费(?:预算|支出)为?$", "agency-operating-costs",
         (("three-public-expenses", {"row": "1"}, "agency_operation"),)),
    ))
# The subjects of a final account's completion statements, by the words before 年初预算/决算 (the 三公 figures
# in the 三公 table, by budget and final column).
FINAL_SUBJECTS: tuple[tuple[re.Pattern[str], str, str, str], ...] = tuple(
    (re.compile(p), key, budget, final) for p, key, budget, final in (
        (r"一般公共预算财政拨款支出$", "general-public-budget", "", "total"),
        (r"三公”经费财政拨款支出$", "three-public", "total_budget", "total_final"),
        (r"因公出国（境）费(?:支出)?$", "three-overseas", "overseas_budget", "overseas_final"),
        (r"公务用车购置及运行维护费(?:支出)?$", "three-vehicles", "vehicle_total_budget", "vehicle_total_final"),
        (r"公务用车购置费(?:支出)?$", "three-vehicle-purchase", "vehicle_purchase_budget", "vehicle_purchase_final"),
        (r"公务用车运行维护费(?:支出)?$", "three-vehicle-operation", "vehicle_operation_budget",
         "vehicle_operation_final"),
        (r"公务接待费(?:支出)?$", "three-reception", "reception_budget", "reception_final"),
    ))
CHANGE = re.compile(r"(?P<word>增加|减少|增长|下降)(?:（[^）]*）)?$")
NO_CHANGE = re.compile(r"^[，。；]?\s*(?P<words>(?:与|比)[^，。；]{0,20}?持平)")
PREVIOUS = re.compile(r"\d{4}年(?:当年)?预算执行数为$")
THIS_YEAR = re.compile(r"\d{4}年预算安排$")
BUDGET = re.compile(r"(?P<basis>年初预算|全年预算)为$")
FINAL = re.compile(r"决算为$")
RATE = re.compile(r"完成(?P<basis>年初预算|全年预算|预算)数?的$")
DECREASE = ("减少", "下降")


@dataclass
class Group:
    """A completion statement being read: its subject, the budgets it states, its final figure and rate."""

    subject: str = ""
    budgets: dict[str, Figure] = field(default_factory=dict)
    final: Figure | None = None
    rate: Figure | None = None
    basis: str = ""


@dataclass
class Token:
    """One figure of a line: where it is, what is printed, and the words of its clause before it."""

    start: int
    end: int
    printed: str
    unit: str
    clause: str  # the words between the previous boundary (or figure) and the figure
    clause_start: int


def tokens(line: str) -> list[Token]:
    out, prev = [], 0
    for m in FIGURE.finditer(line):
        before = line[prev:m.start()]
        cut = max((b.end() for b in BOUNDARY.finditer(before)), default=0)
        out.append(Token(m.start(), m.end(), m["printed"], m["unit"], before[cut:], prev + cut))
        prev = m.end()
    return out


def amount_text(printed: str) -> str:
    return printed.replace(",", "")


class Reader:
    def __init__(self, cells: Cells):
        self.cells = cells
        self.out = Statements()
        self.growth_ids: set[str] = set()
        self.completion_ids: set[str] = set()

    # ids are stable as long as the narrative is: l<line>-<n> for figures
    def figure(self, line: int, text: str, tok: Token, quote_start: int, ref: str = "") -> Figure:
        n = sum(1 for f in self.out.figures if f.source_line == line) + 1
        fig = Figure(f"l{line}-{n}", line, text[quote_start:tok.end], tok.printed, amount_text(tok.printed),
                     tok.unit, ref)
        self.out.figures.append(fig)
        return fig

    def unique(self, key: str, line: int, used: set[str]) -> str:
        ident = key if key not in used else f"{key}-l{line}"
        used.add(ident)
        return ident

    def report(self, line: int, message: str, text: str) -> None:
        self.out.messages.append(Message(ORIGIN, line, message, text[:120]))

    def read(self, text: str) -> Statements:
        for number, line in enumerate(text.split("\n"), start=1):
            if line.startswith(("|", "#")) or not FIGURE.search(line):
                continue
            self.line(number, line)
        return self.out

    def line(self, number: int, line: str) -> None:
        item = item_of(line)
        code, problem = self.cells.code_of(item) if item else ("", "")
        if item and problem:
            self.report(number, f"the item {item.text} cannot be linked to a table row ({problem}): its figures "
                        "are recorded without a table cell", line)
        item_ref = self.cells.ref(self.cells.item_kind(), {"code": code}, "total") if code else ""
        toks = tokens(line)
        current: tuple[Figure, str] | None = None  # the last subject figure of the sentence, and its key
        previous: Figure | None = None
        pending: dict[str, str] = {}
        group = Group()
        sentence = 0

        def close_growth() -> None:
            nonlocal pending
            if pending and current:
                fig, key = current
                ident = self.unique(key, number, self.growth_ids)
                self.out.growth.append(Growth(ident, fig.id, number, pending.get("change", ""),
                                              pending.get("pct", ""), pending.get("statement", ""),
                                              pending.get("direction", ""), pending.get("previous", "")))
            pending = {}

        def close_group() -> None:
            nonlocal group
            if group.final:
                self.completion_row(number, group, item, code)
            group = Group()

        for k, tok in enumerate(toks):
            ends = line.count(SENTENCE_END, toks[k - 1].end if k else 0, tok.start)
            if ends and not (k and NO_CHANGE.match(line[toks[k - 1].end:tok.start])):
                close_growth()
                current, previous, sentence = None, None, sentence + ends
            clause = tok.clause
            change = CHANGE.search(clause)
            if tok.unit != "%" and (b := BUDGET.search(clause)):
                if group.final:
                    close_group()
                group.budgets[b["basis"]] = self.figure(number, line, tok, tok.clause_start + b.start())
                group.subject = group.subject or clause[:b.start()] or (item.text if item else "")
                continue
            if tok.unit != "%" and FINAL.search(clause):
                if group.final:
                    close_group()
                group.subject = group.subject or final_subject(clause) or (item.text if item else "")
                spec = final_spec(group.subject) if not item else None
                ref = item_ref if item else self.final_ref(spec)
                if spec and spec[1]:
                    self.link_budget(group, spec[1])
                quote_start = tok.clause_start + clause.find("支出决算") if "支出决算" in clause else \
                    tok.clause_start + clause.rfind("决算")
                group.final = self.figure(number, line, tok, quote_start, ref)
                current = (group.final, spec[0] if spec else (f"item-{code}" if code else "final"))
                continue
            if tok.unit == "%" and (r := RATE.search(clause)):
                group.rate = self.figure(number, line, tok, tok.clause_start + r.start())
                group.basis = r["basis"]
                close_group()
                continue
            if change and ("比" in line[:tok.start] or "相比" in line[:tok.start]):
                if current is None:
                    self.report(number, "a change is stated without this year's figure in its sentence: recorded "
                                "as a figure, not as a comparison", clause + tok.printed + tok.unit)
                cut = clause.rfind("比")
                fig = self.figure(number, line, tok, tok.clause_start + (cut if cut >= 0 else 0))
                pending["pct" if tok.unit == "%" else "change"] = fig.id
                pending["direction"] = "减少" if change["word"] in DECREASE else "增加"
                if previous:
                    pending["previous"] = previous.id
                continue
            if tok.unit == "%":
                continue
            if p := PREVIOUS.search(clause):
                close_growth()
                previous = self.figure(number, line, tok, tok.clause_start + p.start())
                continue
            if (this := THIS_YEAR.search(clause)) and item:
                close_growth()
                fig = self.figure(number, line, tok, tok.clause_start + this.start(), item_ref)
                current = (fig, f"item-{code}" if code else "item")
                continue
            if item and k == 0 and tok.start >= item.end and not line[item.end:tok.start].strip("”科目 "):
                close_growth()
                fig = self.figure(number, line, tok, item.end - len(item.text), item_ref)
                current = (fig, f"item-{code}" if code else "item")
                continue
            subject = next(((key, cells, m) for pattern, key, cells in SUBJECTS
                            if (m := pattern.search(clause.removeprefix("其中")))), None)
            if subject is None:
                continue
            close_growth()
            key, options, m = subject
            offset = len(clause) - len(clause.removeprefix("其中"))
            fig = self.figure(number, line, tok, tok.clause_start + offset + m.start(), self.cells.first(options))
            current = (fig, key)
            after = line[tok.end:toks[k + 1].start if k + 1 < len(toks) else len(line)]
            same = NO_CHANGE.match(after)
            if same:
                pending = {"statement": same["words"]}
                close_growth()
        close_growth()
        close_group()

    def final_ref(self, spec: tuple[str, str, str] | None) -> str:
        """The cell of a final figure whose subject is the whole (the 合计 row) or a 三公 figure."""
        if spec is None:
            return ""
        if spec[0] == "general-public-budget":
            return self.cells.ref("final-general-budget-expenditure", {"code": ""}, spec[2])
        return self.cells.ref("final-three-public-expenses", {"row": "1"}, spec[2])

    def link_budget(self, group: Group, column: str) -> None:
        """A 三公 budget figure is the budget column of the 三公 table (it prints one): where one is stated."""
        if len(group.budgets) != 1:
            return
        basis, fig = next(iter(group.budgets.items()))
        ref = self.cells.ref("final-three-public-expenses", {"row": "1"}, column)
        if ref:
            i = self.out.figures.index(fig)
            self.out.figures[i] = Figure(fig.id, fig.source_line, fig.quote, fig.printed, fig.value, fig.unit, ref)
            group.budgets[basis] = self.out.figures[i]

    def completion_row(self, number: int, group: Group, item: Item | None, code: str) -> None:
        final, budgets, rate, basis = group.final, group.budgets, group.rate, group.basis
        assert final is not None
        if not basis and len(budgets) == 1:
            basis = next(iter(budgets))
        if basis == "预算":
            budget = next(iter(budgets.values())) if len(budgets) == 1 else None
        else:
            budget = budgets.get(basis)
        if rate and budget is None:
            self.report(number, f"a completion rate against {basis} is stated without that budget figure in its "
                        "sentence: recorded without a budget", f"{final.quote}，{rate.quote}")
        subject = (item.text if item else group.subject).strip("：: ")
        spec = final_spec(subject)
        key = f"item-{code}" if code else (spec[0] if spec else f"l{number}")
        ident = self.unique(key, number, self.completion_ids)
        self.out.completion.append(Completion(ident, subject, code, basis, budget.id if budget else "", final.id,
                                              rate.id if rate else "", number))


def final_subject(clause: str) -> str:
    m = re.search(r"(.*?)(?:支出)?决算为$", clause)
    return m[1] if m else ""


def final_spec(subject: str) -> tuple[str, str, str] | None:
    text = subject.strip("：: ")
    for pattern, key, budget, final in FINAL_SUBJECTS:
        if pattern.search(text):
            return key, budget, final
    return None


def read_statements(text: str, tables: list[Table]) -> Statements:
    """The figures, changes and completion statements of a narrative (the text of narrative/zh.md)."""
    return Reader(Cells(tables)).read(text)


# --- reading a dataset folder and writing the three files ---------------------------------------------------


def folder_tables(folder: Path) -> list[Table]:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["name"]: r["path"] for r in descriptor.get("resources", []) if isinstance(r, dict)}
    out = []
    for t in descriptor.get("x_tables", []):
        name = (t.get("resources") or [""])[0]
        path = folder / paths.get(name, f"data/{name}.csv")
        rows: tuple[dict[str, str], ...] = ()
        if path.is_file():
            rows = tuple(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        out.append(Table(str(t.get("id", "")), str(t.get("kind", "")), name, rows))
    return out



def rows_of(statements: Statements) -> dict[str, list[dict[str, str]]]:
    def text(obj: object) -> dict[str, str]:
        return {k: str(v) for k, v in vars(obj).items()}
    return {"narrative-figures": [text(f) for f in statements.figures],
            "prior-year": [text(g) for g in statements.growth],
            "completion": [text(c) for c in statements.completion]}


def write_statements(folder: Path, statements: Statements, schemas: dict[str, dict[str, object]]) -> None:
    """data/<name>.csv and schemas/<name>.json of the three resources, in the columns of their schemas."""
    for name, rows in rows_of(statements).items():
        schema = schemas[name]
        fields = [str(f["name"]) for f in schema["fields"]]  # type: ignore[attr-defined]
        (folder / "schemas" / f"{name}.json").write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n",
                                                          encoding="utf-8")
        (folder / "data" / f"{name}.csv").write_text(csv_text(fields, rows), encoding="utf-8")


def refresh(folder: Path, reference: Path) -> Statements:
    """Read the statements of a dataset's narrative/zh.md against its tables and write the three resources,
    adding any of them its datapackage.json does not declare yet (after prior-year, as an import writes them)."""
    from .package import (
        STATEMENTS,
        SUPPORT_AFTER,
        ResourceSpec,
        read_descriptor,
        resource_entry,
        support_schema,
        write_descriptor,
    )

    statements = read_statements((folder / ORIGIN).read_text(encoding="utf-8"), folder_tables(folder))
    write_statements(folder, statements, {name: support_schema(reference, name) for name in STATEMENTS})
    descriptor = read_descriptor(folder)
    resources = descriptor["resources"]
    names = [r.get("name") for r in resources]
    for name, schema_name, zh, en in SUPPORT_AFTER:
        if name in STATEMENTS and name not in names:
            at = names.index("prior-year") + 1 if "prior-year" in names else len(names)
            resources.insert(at, resource_entry(ResourceSpec(name, zh, en, support_schema(reference, schema_name))))
            names.insert(at, name)
    write_descriptor(folder, descriptor)
    return statements
