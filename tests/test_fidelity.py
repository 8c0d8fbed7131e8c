"""Fidelity: the data says exactly what the published document says.

The source text (source/budget-2024.txt) is read here with its own small parser, independent of budgetsite:
the annex tables of 第四部分 are tab-separated lines, amounts are printed like 2,759.64. Every printed
amount is located in the CSVs by table, row label or code, and column position, and must be equal to it
character for character (less the thousands separators). The count of matched amounts must equal the count
of amounts printed, so nothing is skipped, and no CSV amount may exist that the source does not print.
The narrative figures (data/narrative-figures.csv) are checked against their source lines and the table
cells they cite, and every amount of the narrative (第二部分) must be listed there.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

DATASET = Path(__file__).resolve().parent.parent / "datasets" / "xiamen-hpf-2024"
SOURCE_REL = "source/budget-2024.txt"

# A printed amount in the annex: two decimals, optional thousands separators (2,759.64; 0.30; 237.00).
AMOUNT = re.compile(r"(?<![\d.,])\d+(?:,\d{3})*\.\d{2}(?!\d)")
# A figure of the narrative: any number followed by 万元 or % (2,759.64万元, 400.4 万元, 237 万元, 5.82%).
NARRATIVE_FIGURE = re.compile(r"(?<![\d.,])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|%)")

# The annex tables as printed after 第四部分, in print order (table 2 is listed in the contents but not printed).
TITLES = {
    "部门收支预算总体情况表": "t01",
    "部门支出预算总体情况表": "t03",
    "财政拨款收支预算总体情况表": "t04",
    "一般公共预算支出情况表": "t05",
    "一般公共预算基本支出情况表（细化至经济分类款级科目）": "t06",
    "一般公共预算“三公”经费支出情况表": "t07",
    "政府性基金预算支出情况表": "t08",
    "市对区转移支付支出预算表": "t09",
    "部门整体支出绩效目标表": "t10",
    "信息化专项资金项目绩效目标表": "t11a",
    "专项业务费项目绩效目标表": "t11b",
}
RESOURCES = {
    "t01": ["t01"], "t03": ["t03"], "t04": ["t04"], "t05": ["t05"], "t06": ["t06"], "t07": ["t07"],
    "t08": ["t08"], "t09": ["t09"], "t10": ["t10-funding", "t10-tasks", "t10-task-projects"],
    "t11a": ["t11a-project"], "t11b": ["t11b-project"],
}
# Amount columns of the coded tables, in the order the source prints them after 科目编码 and 科目名称.
CODED_COLUMNS = {
    "t03": ["total", "fiscal_total", "fiscal_basic", "fiscal_project", "nonfiscal_total", "nonfiscal_basic",
            "nonfiscal_project"],
    "t05": ["total", "basic_total", "basic_personnel", "basic_public", "project"],
    "t06": ["total", "personnel", "public"],
    "t08": ["total", "basic", "project"],
}
T07_COLUMNS = ["total", "overseas", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception"]
# Codes the source misprints, and what the data holds instead (each must be recorded in data/errata.csv).
EXPECTED_ERRATA = {("t05", "2080509", "2080506"), ("t03", "21014", "21011")}
# Narrative numbers followed by 万元 that are not budget figures: context -> reason.
NOT_FIGURES = {"单位价值 100 万元以上": "a size threshold for reporting equipment, not an amount budgeted"}


# --- reading the source and the data ---------------------------------------------------------------------


@cache
def source_lines() -> tuple[str, ...]:
    return tuple((DATASET / SOURCE_REL).read_text(encoding="utf-8").splitlines())


def body_heading(prefix: str) -> int:
    """0-based index of a part's heading in the body; the table of contents prints each heading first."""
    hits = [i for i, line in enumerate(source_lines()) if line.startswith(prefix)]
    assert len(hits) == 2, f"expected '{prefix}' in the contents and in the body, found lines {[h + 1 for h in hits]}"
    return hits[1]


@dataclass(frozen=True)
class Block:
    table: str
    start: int  # 1-based line of the title
    lines: tuple[tuple[int, str], ...]  # (1-based line number, text) after the title, up to the next title

    @property
    def rows(self) -> list[tuple[int, list[str]]]:
        return [(n, text.split("\t")) for n, text in self.lines if "\t" in text]


@cache
def annex_blocks() -> tuple[Block, ...]:
    lines = source_lines()
    first = body_heading("第四部分") + 1
    starts = [(i, TITLES[lines[i].strip()]) for i in range(first, len(lines)) if lines[i].strip() in TITLES]
    blocks = []
    for k, (i, table) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        blocks.append(Block(table, i + 1, tuple((j + 1, lines[j]) for j in range(i + 1, end))))
    return tuple(blocks)


def block(table: str) -> Block:
    return next(b for b in annex_blocks() if b.table == table)


@cache
def descriptor() -> dict:
    return json.loads((DATASET / "datapackage.json").read_text(encoding="utf-8"))


@cache
def resource_entry(name: str) -> dict:
    return next(r for r in descriptor()["resources"] if r["name"] == name)


@cache
def rows_of(name: str) -> tuple[dict[str, str], ...]:
    with open(DATASET / resource_entry(name)["path"], encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


@cache
def amount_fields(name: str) -> tuple[str, ...]:
    schema = json.loads((DATASET / resource_entry(name)["schema"]).read_text(encoding="utf-8"))
    return tuple(f["name"] for f in schema["fields"] if f.get("x_unit") == "万元")


def locate(name: str, **keys: str) -> int:
    hits = [i for i, row in enumerate(rows_of(name)) if all(row[k] == v for k, v in keys.items())]
    assert len(hits) == 1, f"{name}: {keys} selects {len(hits)} rows, expected exactly one"
    return hits[0]


@cache
def errata() -> dict[tuple[str, str, str], dict[str, str]]:
    return {(e["resource"], e["field"], e["as_published"]): e for e in rows_of("errata")}


# --- mapping each printed cell to its CSV cell -------------------------------------------------------------


@dataclass(frozen=True)
class Printed:
    """A cell of an annex table as printed (an amount or a blank amount cell) and where the data keeps it."""

    line: int
    text: str  # the amount as printed, e.g. "2,759.64"; "" for a blank amount cell
    resource: str
    row: int  # 0-based index into the CSV rows
    field: str

    @property
    def where(self) -> str:
        return f"source line {self.line} -> {self.resource} row {self.row + 1} column {self.field}"


def cell_amount(text: str, line: int, suffix: str = "") -> str:
    """The amount a cell prints ("" for a blank cell); the cell must hold nothing else."""
    text = text.strip()
    if not text:
        return ""
    assert text.endswith(suffix) and AMOUNT.fullmatch(text[: len(text) - len(suffix)]), (
        f"source line {line}: cell {text!r} is not a plain amount")
    return text[: len(text) - len(suffix)]


def padded(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


def two_sided(table: str) -> Iterator[Printed]:
    """收/支 tables: label and amount for income in columns 1-2, for expenditure in columns 3-4."""
    rows = block(table).rows
    header, data = rows[:2], rows[2:]
    assert not any(AMOUNT.search(c) for _, cells in header for c in cells)
    for side, label_col in (("income", 0), ("expenditure", 2)):
        printed = [(n, padded(cells, 4)) for n, cells in data if padded(cells, 4)[label_col].strip()]
        expected = [(i, r) for i, r in enumerate(rows_of(table)) if r["side"] == side]
        expected.sort(key=lambda ir: int(ir[1]["row"]))
        labels = [cells[label_col].strip() for _, cells in printed]
        assert labels == [r["label"] for _, r in expected], f"{table} {side}: row labels differ from the source"
        for (n, cells), (i, _) in zip(printed, expected, strict=True):
            yield Printed(n, cell_amount(cells[label_col + 1], n), table, i, "amount")


def corrected_code(table: str, code: str, used: set[tuple[str, str, str]]) -> tuple[str, str | None]:
    """The code the data holds for a printed code, and the erratum's row if one corrects it."""
    e = errata().get((table, "code", code))
    if e is None:
        return code, None
    used.add((table, code, e["corrected"]))
    return e["corrected"], e["row"]


def coded(table: str, used: set[tuple[str, str, str]]) -> Iterator[Printed]:
    """科目编码/科目名称 tables: rows located by code (合计 by its blank code), amounts by column position."""
    columns = CODED_COLUMNS[table]
    seen = []
    for n, cells in block(table).rows:
        head = cells[0].strip()
        if head.startswith("合计"):
            code, name, erratum_row = "", head, None
        elif head.isdigit():
            (code, erratum_row), name = corrected_code(table, head, used), cells[1].strip()
        else:  # header lines
            assert not any(AMOUNT.search(c) for c in cells), f"source line {n}: amount in a header line"
            continue
        i = locate(table, code=code)
        row = rows_of(table)[i]
        assert row["name"] == name, f"source line {n}: {table} row {i + 1} is named {row['name']!r}, not {name!r}"
        if erratum_row is not None:
            assert row["row"] == erratum_row, f"source line {n}: erratum for {head} points at row {erratum_row}"
        extra = cells[2 + len(columns):]
        assert not any(c.strip() for c in extra), f"source line {n}: more cells than {table} has columns"
        seen.append(i)
        for field, text in zip(columns, padded(cells[2:], len(columns)), strict=True):
            yield Printed(n, cell_amount(text, n), table, i, field)
    assert sorted(seen) == list(range(len(rows_of(table)))), f"{table}: rows not printed in the source"


def three_public() -> Iterator[Printed]:
    data = [(n, cells) for n, cells in block("t07").rows
            if any(c.strip() for c in cells) and all(not c.strip() or AMOUNT.fullmatch(c.strip()) for c in cells)]
    assert len(data) == 1 and len(rows_of("t07")) == 1, "t07 prints one row of figures"
    n, cells = data[0]
    for field, text in zip(T07_COLUMNS, padded(cells, len(T07_COLUMNS)), strict=True):
        yield Printed(n, cell_amount(text, n), "t07", 0, field)


PROJECT_AMOUNT = re.compile(r"(?P<project>[^,，。]+?)(?P<amount>" + AMOUNT.pattern + r")万元")


def performance() -> Iterator[Printed]:
    """Table 10: funding by category (two groups of four columns), then one line per annual task."""
    rows = block("t10").rows
    part = ""
    task = 0
    for n, cells in rows:
        cells = padded(cells, 9)
        if cells[0] in ("预算金额", "绩效目标"):
            part = cells[0]
            continue
        if part == "预算金额":
            for g in (1, 5):
                category = cells[g].strip()
                if category:
                    i = locate("t10-funding", category=category)
                    yield Printed(n, cell_amount(cells[g + 1], n), "t10-funding", i, "total")
                    yield Printed(n, cell_amount(cells[g + 2], n), "t10-funding", i, "fiscal")
        elif part == "绩效目标" and cells[1].strip():
            task += 1
            i = locate("t10-tasks", task=str(task))
            assert rows_of("t10-tasks")[i]["description"] == cells[1].strip()
            assert rows_of("t10-tasks")[i]["projects"] == cells[7].strip()
            yield Printed(n, cell_amount(cells[8], n), "t10-tasks", i, "fiscal_amount")
            for m in PROJECT_AMOUNT.finditer(cells[7]):
                j = locate("t10-task-projects", task=str(task), project_name=m["project"].strip())
                yield Printed(n, m["amount"], "t10-task-projects", j, "amount")


def project_targets(table: str) -> Iterator[Printed]:
    """Table 11: 预算资金 and 其中：财政拨款数 of the project named on the 项目名称 line."""
    resource = f"{table}-project"
    rows = block(table).rows
    project = next(cells[1].strip() for _, cells in rows if cells[0] == "项目名称")
    i = locate(resource, project_name=project)
    for n, cells in rows:
        for k, text in enumerate(cells):
            if AMOUNT.search(text):
                label = cells[k - 1].strip()
                field = "budget" if label == "预算资金" else "fiscal" if "财政拨款" in label else None
                assert field, f"source line {n}: amount {text!r} after an unexpected label {label!r}"
                yield Printed(n, cell_amount(text, n, suffix="万元"), resource, i, field)


@cache
def printed_cells() -> tuple[tuple[Printed, ...], frozenset[tuple[str, str, str]]]:
    used: set[tuple[str, str, str]] = set()
    cells = [
        *two_sided("t01"), *coded("t03", used), *two_sided("t04"), *coded("t05", used), *coded("t06", used),
        *three_public(), *coded("t08", used), *performance(), *project_targets("t11a"), *project_targets("t11b"),
    ]
    return tuple(cells), frozenset(used)


# --- the annex tables --------------------------------------------------------------------------------------


def test_source_is_the_file_the_descriptor_declares():
    source = descriptor()["x_source"]
    assert source["file"] == SOURCE_REL
    assert hashlib.sha256((DATASET / SOURCE_REL).read_bytes()).hexdigest() == source["sha256"]


def test_every_annex_table_is_found_once_in_print_order():
    found = [b.table for b in annex_blocks()]
    assert found == list(TITLES.values())


def test_errata_record_the_misprinted_codes():
    recorded = {(e["resource"], e["as_published"], e["corrected"]) for e in rows_of("errata") if e["field"] == "code"}
    assert recorded >= EXPECTED_ERRATA, f"errata.csv records {sorted(recorded)}"
    _, used = printed_cells()
    assert used == EXPECTED_ERRATA, "each misprinted code is printed once and mapped through its erratum"


def test_every_printed_amount_equals_its_csv_cell():
    cells, _ = printed_cells()
    wrong = [f"{p.where}: source prints {p.text or '(blank)'!r}, CSV holds "
             f"{rows_of(p.resource)[p.row][p.field] or '(blank)'!r}"
             for p in cells if rows_of(p.resource)[p.row][p.field] != p.text.replace(",", "")]
    assert not wrong, "\n".join(wrong)


def test_no_printed_amount_is_skipped():
    cells, _ = printed_cells()
    matched = [p for p in cells if p.text]
    printed = sum(len(AMOUNT.findall(text)) for b in annex_blocks() for _, text in b.lines)
    assert printed == 225  # counted by hand from the source; guards the parser against matching nothing
    assert len(matched) == printed
    places = [(p.resource, p.row, p.field) for p in matched]
    assert len(set(places)) == len(places), "two printed amounts were mapped to the same CSV cell"


def test_no_csv_amount_is_missing_from_the_source():
    cells, _ = printed_cells()
    matched = {(p.resource, p.row, p.field) for p in cells if p.text}
    invented = [f"{name} row {i + 1} column {f} = {row[f]}"
                for table in TITLES.values() for name in RESOURCES[table]
                for i, row in enumerate(rows_of(name)) for f in amount_fields(name)
                if row[f] != "" and (name, i, f) not in matched]
    assert not invented, "amounts the source does not print:\n" + "\n".join(invented)


@pytest.mark.parametrize("table", ["t08", "t09"])
def test_tables_8_and_9_print_no_amounts(table):
    assert not any(AMOUNT.search(text) for _, text in block(table).lines)
    assert rows_of(table), f"{table} keeps its printed 合计 row"
    assert all(row[f] == "" for name in RESOURCES[table] for row in rows_of(name) for f in amount_fields(name))


# --- the narrative -----------------------------------------------------------------------------------------


def number_at(text: str, number: str) -> list[int]:
    """Positions where `number` stands as a whole number in text (so "0" is not found inside "100")."""
    return [m.start() for m in re.finditer(r"(?<![\d.,])" + re.escape(number) + r"(?![\d]|\.\d)", text)]


def figures() -> tuple[dict[str, str], ...]:
    return rows_of("narrative-figures")


def test_each_narrative_figure_is_quoted_from_its_source_line():
    lines = source_lines()
    wrong = []
    for f in figures():
        line = lines[int(f["source_line"]) - 1]
        if f["quote"] not in line:
            wrong.append(f"{f['id']}: quote {f['quote']!r} is not on source line {f['source_line']}")
        elif len(number_at(f["quote"], f["printed"])) != 1:
            wrong.append(f"{f['id']}: printed {f['printed']!r} is not (once) in the quote {f['quote']!r}")
        elif Decimal(f["value"]) != Decimal(f["printed"].replace(",", "")):
            wrong.append(f"{f['id']}: value {f['value']} is not the printed {f['printed']}")
    assert not wrong, "\n".join(wrong)


REF = re.compile(r"(?P<resource>[a-z0-9-]+)\[(?P<keys>[^\]]*)\]\.(?P<field>[a-z0-9_]+)")


def referenced_sum(expression: str) -> Decimal:
    """`t05[code=2080501].total + ...`, each term one cell selected by field=value pairs; blank counts as 0."""
    total = Decimal(0)
    for term in expression.split(" + "):
        m = REF.fullmatch(term.strip())
        assert m, f"{term!r} is not a cell reference"
        keys = dict(pair.split("=", 1) for pair in m["keys"].split(","))
        cell = rows_of(m["resource"])[locate(m["resource"], **keys)][m["field"]]
        total += Decimal(cell or 0)
    return total


def test_each_narrative_figure_with_a_ref_equals_the_cited_cells():
    cited = [f for f in figures() if f["ref"]]
    assert len(cited) >= 40
    wrong = [f"{f['id']}: {f['value']} != {f['ref']} = {referenced_sum(f['ref'])}"
             for f in cited if Decimal(f["value"]) != referenced_sum(f["ref"])]
    assert not wrong, "\n".join(wrong)


def spans(texts: list[tuple[int, str, str]]) -> set[tuple[int, int]]:
    """(line, position) of the number of each (line, quote, number) in the source."""
    lines = source_lines()
    out = set()
    for n, quote, number in texts:
        line = lines[n - 1]
        for at in [m.start() for m in re.finditer(re.escape(quote), line)]:
            out.update((n, at + k) for k in number_at(quote, number))
    return out


def test_every_narrative_amount_is_listed_in_narrative_figures():
    lines = source_lines()
    start, end = body_heading("第二部分"), body_heading("第三部分")
    stated = {(n, m.start(1)): m.group(0) for n in range(start + 1, end + 1)
              for m in NARRATIVE_FIGURE.finditer(lines[n - 1])}
    assert len(stated) == 60, "the narrative section was not found, or read wrongly"
    listed = spans([(int(f["source_line"]), f["quote"], f["printed"]) for f in figures() if f["unit"] in ("万元", "%")])
    exempt = spans([(n, context, context.split()[1]) for context in NOT_FIGURES
                    for n in range(start + 1, end + 1) if context in lines[n - 1]])
    assert len(exempt) == len(NOT_FIGURES), "an exemption no longer matches the source"
    missing = [f"line {n}: {text}" for (n, at), text in sorted(stated.items())
               if (n, at) not in listed and (n, at) not in exempt]
    assert not missing, "narrative figures missing from narrative-figures.csv:\n" + "\n".join(missing)
    assert listed <= set(stated), "a listed figure is not a 万元/% figure of the narrative"
