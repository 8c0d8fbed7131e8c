"""The statements reader (budgetsite/importer/statements.py) and the completion rule.

The reader is run on sentences copied from the real narratives, one per statement family; a subject it cannot
resolve to one table row gets no table cell and a report line. The completion rule passes a correct rate,
fails a wrong one and says that a zero budget cannot be a base. The nine Putuo datasets hold what the reader
reads from their narrative/zh.md, and every figure it links to a table passes or is stated as the source's.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import REPO, copy_project

from budgetsite.importer.statements import Table, folder_tables, read_statements, rows_of
from budgetsite.validate import load_reference, validate_budget

DATASETS = REPO / "datasets"
PUTUO = sorted(d.name for d in DATASETS.iterdir() if d.name.startswith("putuo-"))
PLANNING = "putuo-planning-resources-2024-final-accounts"
SOCIAL = "putuo-social-work-2024-final-accounts"


def coded(kind: str, tid: str, rows: list[tuple[str, str]], **total: str) -> Table:
    """A table of function codes with a 合计 row (blank code)."""
    out = [{"row": str(i + 1), "code": c, "name": n, "total": "1.00"} for i, (c, n) in enumerate(rows)]
    out.append({"row": str(len(rows) + 1), "code": "", "name": "合计", "total": "1.00", **total})
    return Table(tid, kind, tid, tuple(out))


JUSTICE = [("204", "公共安全支出"), ("20406", "司法"), ("2040601", "行政运行")]
BUDGET_TABLES = [
    Table("t02", "revenue-budget", "t02", ({"row": "1", "code": "", "name": "合计", "total": "1", "fiscal": "1",
                                              "service_revenue": "", "business_revenue": "", "other_revenue": ""},)),
    Table("t03", "expenditure-budget", "t03", ({"row": "1", "code": "", "name": "合计", "total": "1"},)),
    Table("t04", "fiscal-appropriation-overview", "t04", (
        {"side": "expenditure", "row": "1", "label": "支出总计", "kind": "total", "amount": "1"},)),
    coded("general-budget-expenditure", "t05", JUSTICE),
    Table("t09", "three-public-expenses", "t09", ({"row": "1", "total": "1", "overseas": "", "vehicle_total": "",
                                                     "vehicle_purchase": "", "vehicle_operation": "",
                                                     "reception": ""},)),
]
FINAL_TABLES = [
    coded("final-general-budget-expenditure", "t05",
          [("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出"), ("2080501", "行政单位离退休")]),
    Table("t07", "final-three-public-expenses", "t07", ({"row": "1", "total_budget": "2.85", "total_final": "0.39",
                                                           "overseas_final": "0.00", "reception_final": "0.39"},)),
]


def read(lines: list[str], tables: list[Table]) -> tuple[dict[str, dict[str, str]], list[dict[str, str]],
                                                        list[dict[str, str]], list[str]]:
    s = read_statements("\n".join(lines), tables)
    rows = rows_of(s)
    figures = {r["quote"]: r for r in rows["narrative-figures"]}
    return figures, rows["prior-year"], rows["completion"], [m.format() for m in s.messages]


def test_revenue_budget_with_its_increase():
    line = ("2025年，上海市普陀区财政局收入预算3,121.42万元，其中：财政拨款收入3,121.42万元，比2024年预算增加"
            "107.62万元；事业收入0万元；事业单位经营收入0万元；其他收入0万元。")
    figures, prior, _, messages = read([line], BUDGET_TABLES)
    assert figures["收入预算3,121.42万元"]["ref"] == "t02[code=].total"
    assert figures["收入预算3,121.42万元"]["value"] == "3121.42"
    fiscal = figures["财政拨款收入3,121.42万元"]
    assert fiscal["ref"] == "t02[code=].fiscal" and fiscal["source_line"] == "1"
    change = figures["比2024年预算增加107.62万元"]
    assert change["ref"] == "" and change["printed"] == "107.62" and change["unit"] == "万元"
    assert figures["事业单位经营收入0万元"]["ref"] == "t02[code=].business_revenue"
    assert figures["事业收入0万元"]["ref"] == "t02[code=].service_revenue"
    assert prior == [{"id": "fiscal-revenue", "figure": fiscal["id"], "source_line": "1", "change": change["id"],
                      "change_pct": "", "statement": "", "direction": "增加", "previous": ""}]
    assert messages == []


def test_expenditure_budget_decrease_and_no_change():
    line = ("支出预算9,101.68万元，其中：财政拨款支出预算9,101.68万元，比2024年预算减少2,389.52万元。"
            "财政拨款支出预算中，"
            "一般公共预算拨款支出预算9,101.68万元，比2024年预算减少2,389.52万元；政府性基金拨款支出预算0万元，"
            "比2024年预算持平；")
    figures, prior, _, _ = read(["", line], BUDGET_TABLES)
    assert figures["支出预算9,101.68万元"]["ref"] == "t03[code=].total"
    assert figures["财政拨款支出预算9,101.68万元"]["ref"] == "t04[side=expenditure,kind=total].amount"
    assert figures["一般公共预算拨款支出预算9,101.68万元"]["ref"] == "t05[code=].total"
    assert figures["政府性基金拨款支出预算0万元"]["ref"] == ""  # the document prints no such table here
    by_id = {p["id"]: p for p in prior}
    assert by_id["fiscal-expenditure"]["direction"] == "减少"
    assert by_id["general-public-budget"]["direction"] == "减少" and by_id["general-public-budget"]["change"]
    assert by_id["government-funds"]["statement"] == "比2024年预算持平"
    assert all(p["source_line"] == "2" for p in prior)


def test_three_public_expenses_budget():
    figures, prior, _, _ = read(["2025年“三公”经费预算数为37.91万元，比2024年预算减少10万元。其中："], BUDGET_TABLES)
    assert figures["“三公”经费预算数为37.91万元"]["ref"] == "t09[row=1].total"
    assert prior[0]["id"] == "three-public" and prior[0]["direction"] == "减少"


def test_item_with_printed_codes_and_its_growth_rate():
    line = ("1、公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元。主要用于：行政单位的基本支出。"
            "2025年当年预算"
            "执行数为1690.69万元，2026年预算安排1672.67万元，比2025年预算执行数减少1.07%。主要原因是：部分人员退休。")
    figures, prior, _, messages = read([line], BUDGET_TABLES)
    heading = figures["公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元"]
    assert heading["ref"] == "t05[code=2040601].total"
    assert figures["2026年预算安排1672.67万元"]["ref"] == "t05[code=2040601].total"
    previous = figures["2025年当年预算执行数为1690.69万元"]
    pct = figures["比2025年预算执行数减少1.07%"]
    assert previous["ref"] == "" and pct["unit"] == "%"
    assert prior == [{"id": "item-2040601", "figure": figures["2026年预算安排1672.67万元"]["id"], "source_line": "1",
                      "change": "", "change_pct": pct["id"], "statement": "", "direction": "减少",
                      "previous": previous["id"]}]
    assert messages == []


def test_item_by_names_resolves_only_one_row():
    line = "1\\.“一般公共服务支出（类）财政事务（款）行政运行（项）”1,623.18万元，主要用于局本级人员经费。"
    tables = [coded("general-budget-expenditure", "t05", [("201", "一般公共服务支出"), ("20106", "财政事务"),
                                                           ("2010601", "行政运行")])]
    figures, _, _, messages = read([line], tables)
    heading = figures["“一般公共服务支出（类）财政事务（款）行政运行（项）”1,623.18万元"]
    assert heading["ref"] == "t05[code=2010601].total"
    assert messages == []


def test_an_unresolved_subject_gets_no_ref_and_a_report_line():
    line = "12、住房保障支出（类）住房保障支出（款）住房公积金（项）。主要用于：公积金支出。年初预算为289.59万元，" \
           "支出决算为289.59万元，完成年初预算的100.00%。"
    tables = [coded("final-general-budget-expenditure", "t05", [("221", "住房保障支出"), ("22102", "住房改革支出"),
                                                                 ("2210201", "住房公积金")])]
    figures, _, completion, messages = read(["", "", line], tables)
    assert figures["支出决算为289.59万元"]["ref"] == ""
    assert completion[0]["code"] == "" and completion[0]["final"] == figures["支出决算为289.59万元"]["id"]
    assert len(messages) == 1 and "line 3" in messages[0] and "住房保障支出（款）" in messages[0]
    assert "no row of table t05 named 住房保障支出 under 住房保障支出" in messages[0]


def test_final_accounts_completion_against_the_budget_at_the_start_of_the_year():
    line = ("一般公共预算财政拨款支出年初预算为10210.34万元，支出决算为9746.50万元，完成年初预算的95.45%。决算数小于"
            "预算数的主要原因：其中：")
    item = ("1、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。"
            "主要用于：行政单位退休人员支出。"
            "年初预算为54.53万元，支出决算为54.53万元，完成年初预算的100.00%。")
    figures, _, completion, _ = read([line, item], FINAL_TABLES)
    whole, one = completion
    assert figures["支出决算为9746.50万元"]["ref"] == "t05[code=].total"
    assert whole == {"id": "general-public-budget", "subject": "一般公共预算财政拨款支出", "code": "",
                     "basis": "年初预算", "budget": figures["年初预算为10210.34万元"]["id"],
                     "final": figures["支出决算为9746.50万元"]["id"], "rate": figures["完成年初预算的95.45%"]["id"],
                     "source_line": "1"}
    assert one["code"] == "2080501" and one["id"] == "item-2080501" and one["source_line"] == "2"
    assert figures["支出决算为54.53万元"]["ref"] == "t05[code=2080501].total"


def test_completion_against_the_full_year_budget_and_without_a_rate():
    lines = ["1、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于：支出。"
             "全年预算为52.00万元，"
             "支出决算为51.32万元，完成全年预算数的98.69%。",
             "2、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于：支出。全年预算为17.68万元，"
             "支出决算为11.31万元。决算数小于全年预算数的主要原因：人员未满编。",
             "一般公共预算财政拨款支出年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，完成年初预算的95.89%。"]
    figures, _, completion, _ = read(lines, FINAL_TABLES)
    first, second, whole = completion
    assert first["basis"] == "全年预算" and first["rate"] and first["budget"] == figures["全年预算为52.00万元"]["id"]
    assert second["basis"] == "全年预算" and second["rate"] == "" and second["id"] == "item-2080501-l2"
    assert whole["basis"] == "年初预算" and whole["budget"] == figures["年初预算为0万元"]["id"]


def test_three_public_expenses_completion():
    line = ("“三公”经费财政拨款支出年初预算为2.85万元，支出决算为0.39万元，完成预算的13.68%，"
            "其中：因公出国（境）费决算为"
            "0.00万元，完成预算的0.00%；公务接待费支出决算为0.39万元，完成预算的13.68%。")
    figures, _, completion, messages = read([line], FINAL_TABLES)
    refs = [r["ref"] for r in rows_of(read_statements(line, FINAL_TABLES))["narrative-figures"]]
    assert refs == ["t07[row=1].total_budget", "t07[row=1].total_final", "", "t07[row=1].overseas_final", "",
                    "t07[row=1].reception_final", ""]
    whole, overseas, reception = completion
    assert whole["basis"] == "预算" and whole["budget"] == figures["年初预算为2.85万元"]["id"]
    assert overseas["budget"] == "" and reception["id"] == "three-reception"
    assert len(messages) == 2  # two rates stated without the budget they are against


# --- the completion rule, on a copy of a final account ------------------------------------------------------


def rewrite(path: Path, change) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    fields = list(rows[0])
    change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def completion_checks(folder: Path) -> tuple[list, list]:
    result = validate_budget(folder, load_reference(folder.parent.parent / "reference"))
    return [c for c in result.checks if c.kind == "completion"], list(result.findings)


def test_completion_rule_passes_a_correct_rate(tmp_path):
    root = copy_project(tmp_path / "p", (PLANNING,))
    checks, _ = completion_checks(root / "datasets" / PLANNING)
    by_rate = {c.left[0].value: c.status for c in checks}
    assert len(checks) >= 10
    assert all(c.status == "pass" for c in checks if c.left[0].value == 100), by_rate


def test_completion_rule_fails_a_wrong_rate(tmp_path):
    root = copy_project(tmp_path / "p", (PLANNING,))
    folder = root / "datasets" / PLANNING

    def wrong(rows):  # item 2080501 (54.53 of 54.53, 100.00%) now claims the rate of item 2080505 (98.61%)
        row = next(r for r in rows if r["id"] == "item-2080501")
        row["rate"] = next(r for r in rows if r["id"] == "item-2080505")["rate"]

    rewrite(folder / "data" / "completion.csv", wrong)
    checks, findings = completion_checks(folder)
    failed = [c for c in checks if c.status == "fail"]
    assert len(failed) == 1 and str(failed[0].right[0].value) == "100.00"
    assert any(f.severity == "error" and f.rule == "completion" and "differs" in f.message for f in findings)


def test_completion_rule_says_a_zero_base_cannot_be_checked(tmp_path):
    root = copy_project(tmp_path / "p", (SOCIAL,))
    folder = root / "datasets" / SOCIAL
    rewrite(folder / "data" / "source-notes.csv",
            lambda rows: rows.__setitem__(slice(None), [r for r in rows if "id=l48-4" not in r["cell"]]))
    _, findings = completion_checks(folder)
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) == 1 and errors[0].rule == "completion" and "is zero" in errors[0].message, errors


# --- the published datasets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", PUTUO)
def test_the_committed_statements_are_what_the_reader_reads(slug):
    folder = DATASETS / slug
    statements = read_statements((folder / "narrative" / "zh.md").read_text(encoding="utf-8"), folder_tables(folder))
    for name, rows in rows_of(statements).items():
        committed = list(csv.DictReader(io.StringIO((folder / "data" / f"{name}.csv").read_text(encoding="utf-8"))))
        assert committed == rows, f"{slug}: data/{name}.csv is not what `build.py statements` writes"
    assert statements.figures


@pytest.fixture(scope="module")
def putuo_results():
    reference = load_reference(REPO / "reference")
    return {slug: validate_budget(DATASETS / slug, reference) for slug in PUTUO}


@pytest.mark.parametrize("slug", PUTUO)
def test_every_linked_figure_passes_or_is_stated_as_the_sources(slug, putuo_results):
    result = putuo_results[slug]
    narrative = [c for c in result.checks if c.kind == "narrative"]
    refs = [r for r in csv.DictReader((DATASETS / slug / "data" / "narrative-figures.csv").open(encoding="utf-8"))
            if r["ref"]]
    assert len(narrative) == len(refs) > 0
    assert all(c.status in ("pass", "rounding", "noted") for c in narrative)
    stated = [c for c in result.checks if c.kind in ("growth", "completion")]
    assert all(c.status in ("pass", "rounding", "noted") for c in stated)
    assert not result.errors, [f.format() for f in result.errors]
